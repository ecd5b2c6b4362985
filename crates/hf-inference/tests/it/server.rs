//! Calls against hf-test-server's router routes: chat (plain and streamed), every text task it
//! serves, provider-mapping lookups, and the 401/404/429/503/504 fault sequences.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hf_auth::Token;
use hf_auth::http::{HubConfig, RetryPolicy};
use hf_inference::{
    ChatCompletionRequest, ChatMessage, Error, FeatureExtractionParameters, FillMaskParameters,
    InferenceClient, InferenceClientBuilder, ModelErrorKind, Provider, QuestionAnsweringParameters,
    Text2TextParameters, TextClassificationParameters, TextGenerationParameters,
    TokenClassificationParameters, ZeroShotParameters,
};
use hf_test_server::{FaultAction, FaultRule, Origin, ServerConfig, TestServer};

const CHAT_MODEL: &str = "meta-llama/Llama-3.1-8B-Instruct";

fn start() -> TestServer {
    TestServer::spawn(ServerConfig::default()).expect("test server starts")
}

/// A builder pointed at the server (Hub and router on its one origin) with fast backoff.
fn builder(server: &TestServer) -> InferenceClientBuilder {
    let mut config = HubConfig::new(server.endpoint()).expect("config");
    config.retry = RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        ..RetryPolicy::default()
    };
    InferenceClient::builder()
        .hub_config(config)
        .router_url(server.endpoint())
        .token(Some(Token::new(server.tokens().read.clone())))
}

fn client(server: &TestServer) -> InferenceClient {
    builder(server).build().expect("client")
}

fn fault(path_contains: &str, action: FaultAction, times: Option<u32>) -> FaultRule {
    FaultRule {
        origin: Some(Origin::Hub),
        method: Some("POST".to_owned()),
        path_contains: path_contains.to_owned(),
        action,
        times,
    }
}

fn posts_to(server: &TestServer, path_contains: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path_and_query.contains(path_contains))
        .count()
}

fn hello() -> ChatCompletionRequest {
    ChatCompletionRequest::new(vec![
        ChatMessage::system("You are terse."),
        ChatMessage::user("hello there, model"),
    ])
    .max_tokens(30)
}

#[tokio::test]
async fn chat_plain_and_streamed_agree() {
    let server = start();
    let client = client(&server);
    let plain = client
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect("chat");
    assert_eq!(plain.text(), "You said: hello there, model");
    assert_eq!(plain.choices[0].finish_reason.as_deref(), Some("stop"));
    assert!(plain.usage.expect("usage").completion_tokens > 0);

    let mut request = hello();
    request.extra.insert(
        "stream_options".to_owned(),
        serde_json::json!({"include_usage": true}),
    );
    let mut stream = client
        .chat_completion_stream(CHAT_MODEL, request)
        .await
        .expect("stream");
    let mut text = String::new();
    let mut chunks = 0;
    let mut usage = None;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("chunk");
        chunks += 1;
        text.push_str(chunk.text());
        usage = usage.or(chunk.usage);
    }
    assert_eq!(text, plain.text());
    assert!(chunks > 2, "the answer came in pieces");
    assert_eq!(usage, plain.usage, "the usage-only chunk is decoded");
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.path_and_query == "/v1/chat/completions" && r.authorization)
    );
}

#[tokio::test]
async fn chat_routes_for_each_provider_choice() {
    let server = start();
    let hf = builder(&server)
        .provider(Provider::HfInference)
        .build()
        .unwrap();
    assert_eq!(
        hf.chat_completion(CHAT_MODEL, hello())
            .await
            .unwrap()
            .text(),
        "You said: hello there, model"
    );
    assert_eq!(
        posts_to(
            &server,
            &format!("/hf-inference/models/{CHAT_MODEL}/v1/chat/completions")
        ),
        1
    );

    // Suffixes go to the router untouched; a named provider becomes one.
    let auto = client(&server);
    auto.chat_completion(&format!("{CHAT_MODEL}:fastest"), hello())
        .await
        .expect(":fastest");
    let together = builder(&server)
        .provider("together".parse().unwrap())
        .build()
        .unwrap();
    together
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect("together");
    assert_eq!(posts_to(&server, "/v1/chat/completions"), 3);

    // A local OpenAI-compatible server: the base URL gets `/v1/chat/completions`, no token sent.
    let local = InferenceClient::builder()
        .base_url(format!(
            "{}/hf-inference/models/{CHAT_MODEL}",
            server.endpoint()
        ))
        .token(Some(Token::new(server.tokens().read.clone())))
        .build()
        .unwrap();
    let err = local
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect_err("anonymous");
    assert_eq!(
        err.status(),
        Some(401),
        "the token is not sent to an untrusted base URL: {err}"
    );
    let trusted = InferenceClient::builder()
        .base_url(format!(
            "{}/hf-inference/models/{CHAT_MODEL}/v1",
            server.endpoint()
        ))
        .send_token_to_base_url(true)
        .token(Some(Token::new(server.tokens().read.clone())))
        .build()
        .unwrap();
    assert_eq!(
        trusted
            .chat_completion(CHAT_MODEL, hello())
            .await
            .unwrap()
            .text(),
        "You said: hello there, model"
    );
}

#[tokio::test]
async fn every_text_task_answers_through_the_provider_mapping() {
    let server = start();
    let client = client(&server);

    let labels = client
        .text_classification(
            "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            "I love Hugging Face!",
            &TextClassificationParameters::default(),
        )
        .await
        .expect("text-classification");
    assert!(
        labels.len() >= 2 && labels.windows(2).all(|w| w[0].score >= w[1].score),
        "{labels:?}"
    );
    assert!((labels.iter().map(|l| l.score).sum::<f64>() - 1.0).abs() < 1e-6);

    let entities = client
        .token_classification(
            "dbmdz/bert-large-cased-finetuned-conll03-english",
            "My name is Sarah Jessica Parker and I live in Paris",
            &TokenClassificationParameters::default(),
        )
        .await
        .expect("token-classification");
    let input = "My name is Sarah Jessica Parker and I live in Paris";
    assert!(!entities.is_empty());
    for entity in &entities {
        let (start, end) = (entity.start.unwrap(), entity.end.unwrap());
        assert_eq!(&input[start..end], entity.word, "offsets point at the word");
    }

    let candidates = client
        .fill_mask(
            "distilbert/distilroberta-base",
            "The goal of life is <mask>.",
            &FillMaskParameters::default(),
        )
        .await
        .expect("fill-mask");
    assert!(!candidates.is_empty());
    assert!(candidates.iter().all(|c| c.sequence
        == format!("The goal of life is{}.", c.token_str)
        || c.sequence == format!("The goal of life is {}.", c.token_str.trim())));

    let summary = client
        .summarization(
            "facebook/bart-large-cnn",
            "The tower is 324 metres tall. It is in Paris. It was built in 1889.",
            &Text2TextParameters::default(),
        )
        .await
        .expect("summarization");
    assert!(!summary.summary_text.is_empty());

    let translation = client
        .translation(
            "google-t5/t5-small",
            "Hello world",
            &Text2TextParameters::default(),
        )
        .await
        .expect("translation");
    assert!(!translation.translation_text.is_empty());

    let context = "The capital of France is Paris.";
    let answers = client
        .question_answering(
            "deepset/roberta-base-squad2",
            "What is the capital of France?",
            context,
            &QuestionAnsweringParameters::default(),
        )
        .await
        .expect("question-answering");
    assert_eq!(
        &context[answers[0].start..answers[0].end],
        answers[0].answer
    );

    let parameters = ZeroShotParameters {
        candidate_labels: vec!["refund".to_owned(), "legal".to_owned(), "faq".to_owned()],
        ..Default::default()
    };
    let zero_shot = client
        .zero_shot_classification(
            "facebook/bart-large-mnli",
            "I want my money back",
            &parameters,
        )
        .await
        .expect("zero-shot");
    let mut names: Vec<&str> = zero_shot.iter().map(|l| l.label.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, vec!["faq", "legal", "refund"]);

    let embedding = client
        .feature_extraction(
            "sentence-transformers/all-MiniLM-L6-v2",
            "That is a happy person",
            &FeatureExtractionParameters::default(),
        )
        .await
        .expect("feature-extraction");
    assert_eq!(embedding.shape.len(), 1);
    assert!(embedding.shape[0] > 0);

    let sentences = vec![
        "That is a happy person".to_owned(),
        "A cat sleeps".to_owned(),
    ];
    let scores = client
        .sentence_similarity(
            "sentence-transformers/all-MiniLM-L6-v2",
            "That is a happy person",
            &sentences,
        )
        .await
        .expect("sentence-similarity");
    assert_eq!(scores.len(), 2);
    assert!(
        (scores[0] - 1.0).abs() < 1e-6,
        "a sentence is identical to itself: {scores:?}"
    );
    assert!(scores[1] < scores[0]);

    // One mapping lookup per model, cached after that.
    let lookups = server
        .requests()
        .iter()
        .filter(|r| {
            r.method == "GET" && r.path_and_query.contains("expand=inferenceProviderMapping")
        })
        .count();
    assert_eq!(lookups, 8);
    client
        .translation(
            "google-t5/t5-small",
            "Hello again",
            &Text2TextParameters::default(),
        )
        .await
        .expect("translation");
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.method == "GET")
            .count(),
        8,
        "cached"
    );
    assert!(
        posts_to(&server, "/pipeline/feature-extraction") == 1
            && posts_to(&server, "/pipeline/sentence-similarity") == 1
    );
}

#[tokio::test]
async fn image_audio_and_text_to_image_tasks_answer_through_the_provider_mapping() {
    let server = start();
    let client = client(&server);
    let image = bytes::Bytes::from_static(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR a cat, honestly");
    let labels = client
        .image_classification("google/vit-base-patch16-224", image.clone())
        .await
        .expect("image classification");
    assert_eq!(labels.len(), 5);
    assert!(labels.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(labels.iter().all(|l| (0.0..=1.0).contains(&l.score)));
    // The bytes went as they are, with their sniffed type, to the model's route.
    let again = client
        .image_classification("google/vit-base-patch16-224", image)
        .await
        .expect("image classification");
    assert_eq!(labels, again, "deterministic for the same image");

    let audio = bytes::Bytes::from_static(b"RIFF\x24\0\0\0WAVEfmt some samples");
    let heard = client
        .automatic_speech_recognition("openai/whisper-large-v3", audio)
        .await
        .expect("speech recognition");
    assert!(heard.text.trim_end().ends_with('.'), "{heard:?}");
    assert!(heard.text.split_whitespace().count() >= 6, "{heard:?}");

    let drawn = client
        .text_to_image(
            "stabilityai/stable-diffusion-xl-base-1.0",
            "a lighthouse at dawn",
            &hf_inference::TextToImageParameters::default(),
        )
        .await
        .expect("text to image");
    assert_eq!(drawn.content_type.as_deref(), Some("image/png"));
    assert!(drawn.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(&drawn.bytes[12..16], b"IHDR");

    for path in [
        "/hf-inference/models/google/vit-base-patch16-224",
        "/hf-inference/models/openai/whisper-large-v3",
        "/hf-inference/models/stabilityai/stable-diffusion-xl-base-1.0",
    ] {
        assert!(posts_to(&server, path) >= 1, "{path}");
    }
    // An empty file is refused by the model with a validation error, not sent as JSON.
    let error = client
        .image_classification("google/vit-base-patch16-224", bytes::Bytes::new())
        .await
        .expect_err("empty input");
    assert_eq!(error.status(), Some(422), "{error}");
}

#[tokio::test]
async fn text_generation_plain_detailed_and_streamed() {
    let server = start();
    let client = client(&server);
    let parameters = TextGenerationParameters {
        max_new_tokens: Some(5),
        details: Some(true),
        ..Default::default()
    };
    let out = client
        .text_generation("gpt2", "The answer to the universe is", &parameters)
        .await
        .expect("generation");
    let details = out.details.expect("details");
    assert_eq!(details.generated_tokens, 5);
    assert_eq!(details.tokens.len(), 5);
    let joined: String = details.tokens.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(joined, out.generated_text);

    let stream = client
        .text_generation_stream("gpt2", "The answer to the universe is", &parameters)
        .await
        .expect("stream");
    let events: Vec<_> = stream.collect().await;
    assert_eq!(events.len(), 5);
    let streamed: String = events
        .iter()
        .map(|e| e.as_ref().unwrap().token.text.clone())
        .collect();
    let last = events.last().unwrap().as_ref().unwrap();
    assert_eq!(last.generated_text.as_deref(), Some(streamed.as_str()));
    assert_eq!(streamed, out.generated_text);

    let too_long = TextGenerationParameters {
        max_new_tokens: Some(5000),
        ..Default::default()
    };
    let err = client
        .text_generation("gpt2", "x", &too_long)
        .await
        .expect_err("validation");
    assert!(
        matches!(
            err,
            Error::Model {
                kind: ModelErrorKind::Validation,
                status: Some(422),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_loading_model_is_retried_then_answers() {
    let server = start();
    server.add_fault(fault(
        "/v1/chat/completions",
        FaultAction::StatusSequence(vec![503, 503]),
        None,
    ));
    let answer = client(&server)
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect("third attempt answers");
    assert_eq!(answer.text(), "You said: hello there, model");
    assert_eq!(posts_to(&server, "/v1/chat/completions"), 3);

    // Streaming calls retry the same way before the first byte.
    server.add_fault(fault(
        "/v1/chat/completions",
        FaultAction::StatusSequence(vec![503]),
        None,
    ));
    let stream = client(&server)
        .chat_completion_stream(CHAT_MODEL, hello())
        .await
        .expect("stream");
    assert_eq!(stream.count().await, 5);
    assert_eq!(posts_to(&server, "/v1/chat/completions"), 5);
}

#[tokio::test]
async fn a_loading_model_is_reported_when_retries_are_off_or_exhausted() {
    let server = start();
    let model = "facebook/bart-large-cnn";
    server.add_fault(fault(
        "/hf-inference/models/",
        FaultAction::StatusSequence(vec![503; 10]),
        None,
    ));
    let no_retry = builder(&server).retry_transient(false).build().unwrap();
    let err = no_retry
        .summarization(model, "text", &Text2TextParameters::default())
        .await
        .expect_err("503");
    assert_eq!(err.status(), Some(503));
    let text = err.to_string();
    assert!(
        text.contains("currently loading") && err.as_http().unwrap().attempts() == 1,
        "{text}"
    );
    assert_eq!(posts_to(&server, "/hf-inference/models/"), 1);

    let err = client(&server)
        .summarization(model, "text", &Text2TextParameters::default())
        .await
        .expect_err("still loading");
    assert!(err.to_string().contains("(after 6 attempts)"), "{err}");
    assert_eq!(posts_to(&server, "/hf-inference/models/"), 7);
}

#[tokio::test]
async fn rate_limits_wait_when_short_and_explain_when_long() {
    let server = start();
    server.add_fault(fault(
        "/v1/chat/completions",
        FaultAction::RateLimit {
            retry_after_secs: 1,
        },
        Some(1),
    ));
    let started = Instant::now();
    client(&server)
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect("answers after the wait");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited as told: {:?}",
        started.elapsed()
    );
    assert_eq!(posts_to(&server, "/v1/chat/completions"), 2);

    server.add_fault(fault(
        "/v1/chat/completions",
        FaultAction::RateLimit {
            retry_after_secs: 600,
        },
        Some(1),
    ));
    let started = Instant::now();
    let err = client(&server)
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect_err("429");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no ten-minute sleep"
    );
    assert_eq!(err.retry_after(), Some(Duration::from_secs(600)));
    let text = err.to_string();
    assert!(
        text.contains("rate limited (429)") && err.call().is_some(),
        "{text}"
    );
    assert_eq!(posts_to(&server, "/v1/chat/completions"), 3);
}

#[tokio::test]
async fn gateway_timeouts_are_not_retried_and_suggest_streaming() {
    let server = start();
    server.add_fault(fault(
        "/v1/chat/completions",
        FaultAction::StatusSequence(vec![504]),
        None,
    ));
    let err = client(&server)
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect_err("504");
    assert_eq!(err.status(), Some(504));
    assert!(!err.call().expect("call facts").streaming, "{err}");
    assert_eq!(posts_to(&server, "/v1/chat/completions"), 1);
}

#[tokio::test]
async fn auth_and_routing_errors_say_what_to_do() {
    let server = start();
    let anonymous = builder(&server).token(None).build().unwrap();
    let err = anonymous
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect_err("401");
    assert_eq!(err.status(), Some(401));
    assert!(!err.call().expect("call facts").token_sent, "{err}");

    let expired = builder(&server)
        .token(Some(Token::new(server.tokens().expired.clone())))
        .build()
        .unwrap();
    let err = expired
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect_err("401");
    assert!(err.call().expect("call facts").token_sent, "{err}");
    assert!(!err.to_string().contains(&server.tokens().expired));

    let hf = builder(&server)
        .provider(Provider::HfInference)
        .build()
        .unwrap();
    let err = hf
        .fill_mask(
            "demo-org/no-such-model",
            "[MASK]",
            &FillMaskParameters::default(),
        )
        .await
        .expect_err("404");
    assert_eq!(err.status(), Some(404));
    assert!(
        err.call().is_some_and(
            |call| call.provider == "hf-inference" && call.model == "demo-org/no-such-model"
        ),
        "{err}"
    );

    // Under `auto`, a model the mapping does not list for hf-inference is refused before any POST.
    let err = client(&server)
        .text_classification(
            "demo-org/demo-model",
            "hi",
            &TextClassificationParameters::default(),
        )
        .await
        .expect_err("not mapped");
    assert!(matches!(err, Error::ProviderUnavailable { .. }), "{err:?}");
    assert_eq!(
        posts_to(&server, "/hf-inference/models/demo-org/demo-model"),
        0
    );

    let together = builder(&server)
        .provider("together".parse().unwrap())
        .build()
        .unwrap();
    let err = together
        .fill_mask(
            "distilbert/distilroberta-base",
            "<mask>",
            &FillMaskParameters::default(),
        )
        .await
        .expect_err("tasks need hf-inference");
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
}

#[tokio::test]
async fn a_slow_stream_delivers_its_first_chunk_early_and_can_be_dropped() {
    let server = start();
    server.add_fault(fault(
        "/v1/chat/completions",
        FaultAction::DripBytesPerSec(600),
        None,
    ));
    let started = Instant::now();
    let mut stream = client(&server)
        .chat_completion_stream(CHAT_MODEL, hello())
        .await
        .expect("stream");
    let first = stream.next().await.expect("a chunk").expect("ok");
    let first_at = started.elapsed();
    assert_eq!(first.text(), "You");
    let rest: Vec<_> = stream.collect().await;
    let total = started.elapsed();
    assert_eq!(rest.len(), 4);
    assert!(
        first_at * 2 < total,
        "first chunk at {first_at:?}, stream ended at {total:?}"
    );

    // Dropping a stream closes the connection: the server stops sending.
    let mut stream = client(&server)
        .chat_completion_stream(CHAT_MODEL, hello())
        .await
        .expect("stream");
    stream.next().await.expect("a chunk").expect("ok");
    drop(stream);
    // Longer than the whole drip would take: a server still sending would have sent it all.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let last = server.requests().into_iter().last().expect("the request");
    let full = server.requests()[0].body_bytes;
    assert!(
        last.body_bytes < full,
        "sent {} of {full} bytes after the drop",
        last.body_bytes
    );
}

#[tokio::test]
async fn a_stall_longer_than_the_read_timeout_fails_as_a_timeout() {
    let server = start();
    server.add_fault(fault(
        "/v1/chat/completions",
        FaultAction::LatencyMs(2000),
        Some(1),
    ));
    let impatient = builder(&server)
        .read_timeout(Duration::from_millis(300))
        .retry_transient(false)
        .build()
        .unwrap();
    let err = impatient
        .chat_completion(CHAT_MODEL, hello())
        .await
        .expect_err("timeout");
    assert_eq!(
        *err.as_http().expect("http").kind(),
        hf_auth::HttpErrorKind::Timeout,
        "{err}"
    );
    assert!(!err.call().expect("call facts").streaming, "{err}");
}

#[tokio::test]
async fn an_endpoint_base_url_serves_tasks_without_a_mapping_lookup() {
    let server = start();
    let endpoint = format!(
        "{}/hf-inference/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        server.endpoint()
    );
    let dedicated = builder(&server)
        .base_url(endpoint.clone())
        .send_token_to_base_url(true)
        .build()
        .unwrap();
    let labels = dedicated
        .text_classification(
            "ignored-for-endpoints",
            "I love it",
            &TextClassificationParameters::default(),
        )
        .await
        .expect("classification");
    assert_eq!(labels[0].label, "POSITIVE");

    // A model given as a URL is called directly too (chat path appended). This URL is on the
    // router's own origin, so it may receive the token.
    let chat_url = format!("{}/hf-inference/models/{CHAT_MODEL}", server.endpoint());
    let answer = client(&server)
        .chat_completion(&chat_url, hello())
        .await
        .expect("chat");
    assert_eq!(answer.text(), "You said: hello there, model");

    let requests = server.requests();
    assert!(
        requests.iter().all(|r| r.method == "POST"),
        "no provider-mapping lookup: {requests:?}"
    );
    assert!(requests.iter().all(|r| r.authorization));
    assert_eq!(
        requests[1].path_and_query,
        format!("/hf-inference/models/{CHAT_MODEL}/v1/chat/completions")
    );
}
