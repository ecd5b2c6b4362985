//! Replays of real exchanges recorded against the router and providers
//! (../shared/fixtures/recorded): our client must parse each recorded response into the values
//! the recording holds, and map recorded errors to the right typed errors.

use std::time::Duration;

use futures_util::StreamExt;
use hf_auth::Token;
use hf_auth::http::{HubConfig, RetryPolicy};
use hf_inference::chat::{JsonSchemaFormat, ResponseFormat, Tool, ToolChoice};
use hf_inference::{
    ChatCompletionRequest, ChatMessage, Error, FeatureExtractionParameters, FillMaskParameters,
    InferenceClient, ModelErrorKind, Provider, QuestionAnsweringParameters, Text2TextParameters,
    TextClassificationParameters, TextGenerationParameters, TextToImageParameters,
    TokenClassificationParameters, ZeroShotParameters,
};
use serde_json::Value;

use crate::cassette::{Interaction, find_tape, load_cassette, load_tapes};
use crate::replay_server::{Canned, ReplayServer};

const HUB: &str = "huggingface_hub@34bb25d9/tests/cassettes/";
const LEGACY: &str = "huggingface_hub@b7abb35e/tests/cassettes/";
const TOKEN: &str = "hf_fakeReplayTokenAAAAAAAAAAAAAAAAAAAAAAAAA";

/// The `index`-th recorded interaction of a cassette, or `None` when the fixtures are absent.
fn recorded(cassette: &str, index: usize) -> Option<Interaction> {
    load_cassette(cassette).map(|all| all[index].clone())
}

fn client(server: &ReplayServer, provider: Provider) -> InferenceClient {
    let mut config = HubConfig::new(server.url()).expect("config");
    config.retry = RetryPolicy {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    InferenceClient::builder()
        .hub_config(config)
        .router_url(server.url())
        .provider(provider)
        .token(Some(Token::new(TOKEN)))
        .build()
        .expect("client")
}

async fn serve(interaction: &Interaction) -> ReplayServer {
    ReplayServer::start(vec![Canned::from_recording(interaction)]).await
}

fn messages(request_body: Option<&str>) -> Vec<ChatMessage> {
    let body: Value =
        serde_json::from_str(request_body.expect("recorded request body")).expect("JSON");
    serde_json::from_value(body["messages"].clone()).expect("recorded messages")
}

/// The text of a recorded chat stream, reassembled independently of the client's parser.
fn recorded_stream_text(body: &str) -> (String, usize) {
    let mut text = String::new();
    let mut events = 0;
    for line in body.lines() {
        let Some(data) = line.strip_prefix("data:") else {
            continue;
        };
        let data = data.trim();
        if data == "[DONE]" {
            break;
        }
        let event: Value = serde_json::from_str(data).expect("recorded event is JSON");
        events += 1;
        if let Some(content) = event["choices"][0]["delta"]["content"].as_str() {
            text.push_str(content);
        }
    }
    (text, events)
}

fn assert_close(actual: f64, expected: &Value) {
    let expected = expected.as_f64().expect("a number");
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

#[tokio::test]
async fn chat_plain_on_hf_inference_matches_the_recording() {
    let Some(rec) = recorded(
        &format!(
            "{HUB}TestInferenceClient.test_chat_completion_no_stream[hf-inference,conversational].yaml"
        ),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let request = ChatCompletionRequest::new(messages(rec.request_body.as_deref()));
    let answer = client(&server, Provider::HfInference)
        .chat_completion("meta-llama/Llama-3.1-8B-Instruct", request)
        .await
        .expect("chat");
    let expected = rec.body_json();
    assert_eq!(
        answer.text(),
        expected["choices"][0]["message"]["content"]
            .as_str()
            .unwrap()
    );
    assert_eq!(
        answer.choices[0].finish_reason.as_deref(),
        expected["choices"][0]["finish_reason"].as_str()
    );
    let usage = answer.usage.expect("usage");
    assert_eq!(
        usage.total_tokens,
        expected["usage"]["total_tokens"].as_u64().unwrap()
    );
    assert_eq!(answer.model, "meta-llama/Llama-3.1-8B-Instruct");

    let sent = &server.received()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(
        sent.target,
        "/hf-inference/models/meta-llama/Llama-3.1-8B-Instruct/v1/chat/completions"
    );
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    let body = sent.json();
    assert_eq!(body["model"], "meta-llama/Llama-3.1-8B-Instruct");
    assert_eq!(body["stream"], false);
    let recorded_request: Value =
        serde_json::from_str(rec.request_body.as_deref().unwrap()).unwrap();
    assert_eq!(body["messages"], recorded_request["messages"]);
}

#[tokio::test]
async fn chat_plain_through_a_third_party_provider_matches_the_recording() {
    let Some(rec) = recorded(
        &format!(
            "{HUB}TestInferenceClient.test_chat_completion_no_stream[together,conversational].yaml"
        ),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let request = ChatCompletionRequest::new(messages(rec.request_body.as_deref()));
    let answer = client(&server, Provider::Other("together".to_owned()))
        .chat_completion("meta-llama/Meta-Llama-3-8B-Instruct", request)
        .await
        .expect("chat");
    let expected = rec.body_json();
    assert_eq!(
        answer.text(),
        expected["choices"][0]["message"]["content"]
            .as_str()
            .unwrap()
    );
    assert_eq!(answer.id, expected["id"].as_str().unwrap());
    assert_eq!(answer.model, expected["model"].as_str().unwrap());
    let sent = &server.received()[0];
    assert_eq!(sent.target, "/v1/chat/completions");
    assert_eq!(
        sent.json()["model"],
        "meta-llama/Meta-Llama-3-8B-Instruct:together"
    );
}

#[tokio::test]
async fn streamed_chats_reassemble_to_the_recorded_text() {
    let cases = [
        (
            format!(
                "{HUB}TestInferenceClient.test_chat_completion_with_stream[hf-inference,conversational].yaml"
            ),
            Provider::HfInference,
            "meta-llama/Llama-3.1-8B-Instruct",
        ),
        (
            format!(
                "{HUB}TestInferenceClient.test_chat_completion_with_stream[together,conversational].yaml"
            ),
            Provider::Other("together".to_owned()),
            "meta-llama/Meta-Llama-3-8B-Instruct",
        ),
        (
            format!("{HUB}TestOpenAICompatibility.test_with_stream_true.yaml"),
            Provider::HfInference,
            "meta-llama/Meta-Llama-3-8B-Instruct",
        ),
        (
            format!("{LEGACY}InferenceClientVCRTest.test_chat_completion_with_stream.yaml"),
            Provider::Auto,
            "HuggingFaceH4/zephyr-7b-beta",
        ),
    ];
    for (cassette, provider, model) in cases {
        let Some(all) = load_cassette(&cassette) else {
            return;
        };
        let rec = all.last().expect("interaction").clone();
        let (expected_text, expected_events) = recorded_stream_text(&rec.body_text());
        assert!(
            !expected_text.is_empty(),
            "{cassette}: the recording holds text"
        );
        // Pieces of 7 bytes split `data:` prefixes, JSON and UTF-8 sequences anywhere.
        let server = ReplayServer::start(vec![Canned::from_recording(&rec).in_pieces(7)]).await;
        let request =
            ChatCompletionRequest::new(messages(rec.request_body.as_deref())).max_tokens(20);
        let mut stream = client(&server, provider)
            .chat_completion_stream(model, request)
            .await
            .expect("stream starts");
        let mut text = String::new();
        let mut events = 0;
        let mut last_finish = None;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.unwrap_or_else(|e| panic!("{cassette}: {e}"));
            events += 1;
            text.push_str(chunk.text());
            if let Some(reason) = chunk.choices.first().and_then(|c| c.finish_reason.clone()) {
                last_finish = Some(reason);
            }
        }
        assert_eq!(text, expected_text, "{cassette}");
        assert_eq!(events, expected_events, "{cassette}");
        assert!(
            last_finish.is_some(),
            "{cassette}: the last chunk has a finish reason"
        );
        let sent = &server.received()[0];
        assert_eq!(sent.json()["stream"], true);
        assert_eq!(sent.header("accept"), Some("text/event-stream"));
    }
}

#[tokio::test]
async fn a_recorded_tapes_chat_stream_reassembles() {
    let Some(tapes) = load_tapes() else { return };
    let rec = find_tape(&tapes, |t| {
        t.uri
            == "https://router.huggingface.co/hf-inference/models/mistralai/Mistral-7B-Instruct-v0.2/v1/chat/completions"
            && t.header("content-type") == Some("text/event-stream")
    });
    let (expected_text, _) = recorded_stream_text(&rec.body_text());
    let server = ReplayServer::start(vec![Canned::from_recording(&rec).in_pieces(5)]).await;
    let request = ChatCompletionRequest::new(messages(rec.request_body.as_deref()));
    let stream = client(&server, Provider::HfInference)
        .chat_completion_stream("mistralai/Mistral-7B-Instruct-v0.2", request)
        .await
        .expect("stream");
    let chunks: Vec<_> = stream.collect().await;
    let text: String = chunks
        .iter()
        .map(|c| c.as_ref().expect("chunk").text().to_owned())
        .collect();
    assert!(!expected_text.is_empty());
    assert_eq!(text, expected_text);
}

#[tokio::test]
async fn the_recorded_provider_mapping_is_read() {
    let Some(rec) = recorded(
        &format!(
            "{HUB}TestInferenceClient.test_chat_completion_no_stream[together,conversational].yaml"
        ),
        0,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let client = client(&server, Provider::Auto);
    let mappings = client
        .provider_mapping("meta-llama/Meta-Llama-3-8B-Instruct")
        .await
        .expect("mapping");
    let expected = rec.body_json()["inferenceProviderMapping"]
        .as_object()
        .unwrap()
        .clone();
    assert_eq!(mappings.len(), expected.len());
    for mapping in &mappings {
        let entry = &expected[&mapping.provider];
        assert_eq!(mapping.provider_id, entry["providerId"].as_str().unwrap());
        assert_eq!(mapping.task, entry["task"].as_str().unwrap());
        assert_eq!(mapping.status, entry["status"].as_str().unwrap());
    }
    // Cached: a second lookup sends nothing.
    client
        .provider_mapping("meta-llama/Meta-Llama-3-8B-Instruct")
        .await
        .expect("cached");
    let sent = server.received();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "GET");
    assert_eq!(
        sent[0].target,
        "/api/models/meta-llama/Meta-Llama-3-8B-Instruct?expand=inferenceProviderMapping"
    );
}

#[tokio::test]
async fn text_generation_with_and_without_details_matches_the_recordings() {
    let Some(rec) = recorded(
        &format!("{HUB}TestTextGenerationClientVCR.test_generate_with_details.yaml"),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let parameters = TextGenerationParameters {
        max_new_tokens: Some(1),
        details: Some(true),
        decoder_input_details: Some(true),
        ..Default::default()
    };
    let out = client(&server, Provider::HfInference)
        .text_generation("google/flan-t5-xxl", "test", &parameters)
        .await
        .expect("generation");
    let expected = &rec.body_json()[0];
    assert_eq!(
        out.generated_text,
        expected["generated_text"].as_str().unwrap()
    );
    let details = out.details.expect("details");
    assert_eq!(
        details.finish_reason,
        expected["details"]["finish_reason"].as_str().unwrap()
    );
    assert_eq!(
        u64::from(details.generated_tokens),
        expected["details"]["generated_tokens"].as_u64().unwrap()
    );
    assert_eq!(
        details.tokens.len(),
        expected["details"]["tokens"].as_array().unwrap().len()
    );
    assert_eq!(
        details.tokens[0].text,
        expected["details"]["tokens"][0]["text"].as_str().unwrap()
    );
    assert_close(
        f64::from(details.tokens[0].logprob.unwrap()),
        &expected["details"]["tokens"][0]["logprob"],
    );
    assert_eq!(
        details.prefill[0].text,
        expected["details"]["prefill"][0]["text"].as_str().unwrap()
    );
    assert_eq!(details.prefill[0].logprob, None);
    let sent = server.received()[0].json();
    assert_eq!(sent["inputs"], "test");
    assert_eq!(sent["parameters"]["max_new_tokens"], 1);
    assert_eq!(sent["parameters"]["details"], true);
    assert_eq!(
        server.received()[0].target,
        "/hf-inference/models/google/flan-t5-xxl"
    );

    let Some(rec) = recorded(
        &format!("{HUB}TestTextGenerationClientVCR.test_generate_non_tgi_endpoint.yaml"),
        2,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let out = client(&server, Provider::HfInference)
        .text_generation("gpt2", "0 1 2", &TextGenerationParameters::default())
        .await
        .expect("generation");
    assert_eq!(
        out.generated_text,
        rec.body_json()[0]["generated_text"].as_str().unwrap()
    );
    assert!(out.details.is_none());
}

#[tokio::test]
async fn streamed_text_generation_matches_the_recordings() {
    for name in [
        "test_generate_stream_with_details",
        "test_generate_stream_no_details",
    ] {
        let Some(rec) = recorded(&format!("{HUB}TestTextGenerationClientVCR.{name}.yaml"), 1)
        else {
            return;
        };
        let expected: Vec<Value> = rec
            .body_text()
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(|d| serde_json::from_str(d.trim()).unwrap())
            .collect();
        let server = ReplayServer::start(vec![Canned::from_recording(&rec).in_pieces(3)]).await;
        let stream = client(&server, Provider::HfInference)
            .text_generation_stream(
                "google/flan-t5-xxl",
                "test",
                &TextGenerationParameters::default(),
            )
            .await
            .expect("stream");
        let events: Vec<_> = stream.collect().await;
        assert_eq!(events.len(), expected.len(), "{name}");
        for (event, expected) in events.iter().zip(&expected) {
            let event = event.as_ref().expect("event");
            assert_eq!(
                u64::from(event.token.id),
                expected["token"]["id"].as_u64().unwrap()
            );
            assert_eq!(
                event.token.text,
                expected["token"]["text"].as_str().unwrap()
            );
            assert_eq!(
                event.generated_text.as_deref(),
                expected["generated_text"].as_str()
            );
            let details = event.details.as_ref().expect("last event has details");
            assert_eq!(
                details.finish_reason,
                expected["details"]["finish_reason"].as_str().unwrap()
            );
        }
        assert_eq!(server.received()[0].json()["stream"], true);
    }
}

#[tokio::test]
async fn an_error_event_mid_stream_is_a_typed_error() {
    let Some(tapes) = load_tapes() else { return };
    let rec = find_tape(&tapes, |t| {
        t.uri
            .ends_with("/hf-inference/models/meta-llama/Llama-3.2-3B")
            && t.body_text().starts_with("data: {\"error\"")
    });
    let recorded_error: Value =
        serde_json::from_str(rec.body_text().trim().trim_start_matches("data:").trim()).unwrap();
    let server = serve(&rec).await;
    let stream = client(&server, Provider::HfInference)
        .text_generation_stream(
            "meta-llama/Llama-3.2-3B",
            "story",
            &TextGenerationParameters::default(),
        )
        .await
        .expect("the stream starts with 200");
    let events: Vec<_> = stream.collect().await;
    match events.as_slice() {
        [Err(Error::Model { kind, message, .. })] => {
            assert_eq!(
                *kind,
                ModelErrorKind::from_type(recorded_error["error_type"].as_str())
            );
            assert_eq!(message, recorded_error["error"].as_str().unwrap());
        }
        other => panic!("expected one model error, got {other:?}"),
    }
}

#[tokio::test]
async fn recorded_422_validation_error_is_typed() {
    let Some(rec) = recorded(
        &format!("{HUB}TestTextGenerationClientVCR.test_generate_validation_error.yaml"),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let parameters = TextGenerationParameters {
        max_new_tokens: Some(10000),
        ..Default::default()
    };
    let err = client(&server, Provider::HfInference)
        .text_generation("google/flan-t5-xxl", "test", &parameters)
        .await
        .expect_err("422");
    let expected = rec.body_json();
    match &err {
        Error::Model {
            kind,
            message,
            status,
        } => {
            assert_eq!(*kind, ModelErrorKind::Validation);
            assert_eq!(message, expected["error"].as_str().unwrap());
            assert_eq!(*status, Some(422));
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert_eq!(server.received().len(), 1, "a 422 is not retried");
}

#[tokio::test]
async fn recorded_422_template_error_and_plain_text_422() {
    let Some(tapes) = load_tapes() else { return };
    let rec = find_tape(&tapes, |t| {
        t.status == 422
            && t.uri
                == "https://router.huggingface.co/hf-inference/models/google/gemma-2b/v1/chat/completions"
            && t.body_text().contains("error_type")
    });
    let server = serve(&rec).await;
    let err = client(&server, Provider::HfInference)
        .chat_completion(
            "google/gemma-2b",
            ChatCompletionRequest::new(vec![ChatMessage::user("1+1=")]),
        )
        .await
        .expect_err("422");
    assert!(
        matches!(&err, Error::Model { kind: ModelErrorKind::Template, status: Some(422), message } if message == rec.body_json()["error"].as_str().unwrap()),
        "{err:?}"
    );

    let Some(rec) = recorded(
        &format!("{LEGACY}InferenceClientVCRTest.test_chat_completion_unprocessable_entity.yaml"),
        0,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let err = client(&server, Provider::HfInference)
        .chat_completion(
            "meta-llama/Meta-Llama-3-70B-Instruct",
            ChatCompletionRequest::new(vec![ChatMessage::user("x")]),
        )
        .await
        .expect_err("422");
    assert_eq!(err.status(), Some(422));
    let http = err.as_http().expect("an HTTP error");
    assert_eq!(http.server_message(), Some(rec.body_text().trim()));
    assert_eq!(*http.kind(), hf_auth::HttpErrorKind::Unprocessable, "{err}");
}

#[tokio::test]
async fn recorded_401_names_the_token_problem() {
    let Some(rec) = recorded(
        &format!("{HUB}TestInferenceClient.test_chat_completion_unprocessable_entity.yaml"),
        1,
    ) else {
        return;
    };
    assert_eq!(rec.status, 401);
    let server = serve(&rec).await;
    let err = client(&server, Provider::HfInference)
        .chat_completion(
            "meta-llama/Meta-Llama-3-70B-Instruct",
            ChatCompletionRequest::new(vec![ChatMessage::user("x")]),
        )
        .await
        .expect_err("401");
    let http = err.as_http().expect("an HTTP error");
    assert_eq!(http.status(), Some(401));
    assert_eq!(*http.kind(), hf_auth::HttpErrorKind::Unauthorized);
    assert_eq!(http.server_message(), rec.header("x-error-message"));
    let text = err.to_string();
    assert!(
        text.contains("unauthorized (401)") && err.call().is_some_and(|call| call.token_sent),
        "{text}"
    );
    assert!(!text.contains(TOKEN), "the token never shows in errors");
}

#[tokio::test]
async fn recorded_404_says_the_model_is_not_served() {
    let Some(tapes) = load_tapes() else { return };
    let rec = find_tape(&tapes, |t| {
        t.status == 404
            && t.uri
                == "https://router.huggingface.co/hf-inference/models/this-model-does-not-exist-123"
    });
    let server = serve(&rec).await;
    let err = client(&server, Provider::HfInference)
        .fill_mask(
            "this-model-does-not-exist-123",
            "[MASK] world!",
            &FillMaskParameters::default(),
        )
        .await
        .expect_err("404");
    assert_eq!(err.status(), Some(404));
    assert_eq!(
        err.as_http().unwrap().server_message(),
        rec.body_json()["error"].as_str()
    );
    let text = err.to_string();
    assert!(
        err.call()
            .is_some_and(|call| call.model == "this-model-does-not-exist-123"
                && call.provider == "hf-inference"),
        "{text}"
    );
}

#[tokio::test]
async fn recorded_429_says_when_to_retry_and_is_not_retried_blindly() {
    let Some(rec) = recorded(
        &format!("{LEGACY}InferenceApiTest.test_inference_missing_input.yaml"),
        1,
    ) else {
        return;
    };
    assert_eq!(rec.status, 429);
    let server = ReplayServer::start(vec![
        Canned::from_recording(&rec),
        Canned::from_recording(&rec),
    ])
    .await;
    let err = client(&server, Provider::HfInference)
        .question_answering(
            "deepset/roberta-base-squad2",
            "What's my name?",
            "",
            &QuestionAnsweringParameters::default(),
        )
        .await
        .expect_err("429");
    assert_eq!(
        *err.as_http().unwrap().kind(),
        hf_auth::HttpErrorKind::RateLimited
    );
    assert_eq!(
        err.as_http().unwrap().server_message(),
        rec.body_json()["error"].as_str()
    );
    let text = err.to_string();
    assert!(
        text.contains("rate limited (429)") && err.call().is_some(),
        "{text}"
    );
    // No Retry-After in the recording: retrying at once would only burn quota.
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn recorded_classification_tasks_parse() {
    let Some(rec) = recorded(
        &format!(
            "{HUB}TestInferenceClient.test_text_classification[hf-inference,text-classification].yaml"
        ),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let labels = client(&server, Provider::HfInference)
        .text_classification(
            "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            "I like you",
            &TextClassificationParameters::default(),
        )
        .await
        .expect("classification");
    let expected = rec.body_json()[0].as_array().unwrap().clone();
    assert_eq!(labels.len(), expected.len());
    for (label, expected) in labels.iter().zip(&expected) {
        assert_eq!(label.label, expected["label"].as_str().unwrap());
        assert_close(label.score, &expected["score"]);
    }
    assert_eq!(
        server.received()[0].json(),
        serde_json::json!({"inputs": "I like you", "parameters": {}})
    );

    let Some(rec) = recorded(
        &format!(
            "{HUB}TestInferenceClient.test_token_classification[hf-inference,token-classification].yaml"
        ),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let entities = client(&server, Provider::HfInference)
        .token_classification(
            "dbmdz/bert-large-cased-finetuned-conll03-english",
            "My name is Sarah Jessica Parker but you can call me Jessica",
            &TokenClassificationParameters::default(),
        )
        .await
        .expect("token classification");
    let expected = rec.body_json();
    assert_eq!(entities.len(), expected.as_array().unwrap().len());
    for (entity, expected) in entities.iter().zip(expected.as_array().unwrap()) {
        assert_eq!(entity.label(), expected["entity_group"].as_str().unwrap());
        assert_eq!(entity.word, expected["word"].as_str().unwrap());
        assert_eq!(entity.start.map(|s| s as u64), expected["start"].as_u64());
        assert_eq!(entity.end.map(|s| s as u64), expected["end"].as_u64());
        assert_close(entity.score, &expected["score"]);
    }

    let Some(rec) = recorded(
        &format!(
            "{HUB}TestInferenceClient.test_zero_shot_classification_single_label[hf-inference,zero-shot-classification].yaml"
        ),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let request: Value = serde_json::from_str(rec.request_body.as_deref().unwrap()).unwrap();
    let parameters = ZeroShotParameters {
        candidate_labels: serde_json::from_value(request["parameters"]["candidate_labels"].clone())
            .unwrap(),
        ..Default::default()
    };
    let labels = client(&server, Provider::HfInference)
        .zero_shot_classification(
            "facebook/bart-large-mnli",
            request["inputs"].as_str().unwrap(),
            &parameters,
        )
        .await
        .expect("zero-shot");
    let expected = rec.body_json();
    let names: Vec<&str> = labels.iter().map(|l| l.label.as_str()).collect();
    let expected_names: Vec<&str> = expected["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(names, expected_names);
    assert_close(labels[0].score, &expected["scores"][0]);
    assert_eq!(
        server.received()[0].json()["parameters"]["candidate_labels"],
        request["parameters"]["candidate_labels"]
    );

    let Some(rec) = recorded(
        &format!("{LEGACY}InferenceClientVCRTest.test_fill_mask.yaml"),
        0,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let candidates = client(&server, Provider::HfInference)
        .fill_mask(
            "distilroberta-base",
            "The goal of life is <mask>.",
            &FillMaskParameters::default(),
        )
        .await
        .expect("fill-mask");
    let expected = rec.body_json();
    assert_eq!(candidates.len(), expected.as_array().unwrap().len());
    assert_eq!(
        candidates[0].token_str,
        expected[0]["token_str"].as_str().unwrap()
    );
    assert_eq!(
        candidates[0].sequence,
        expected[0]["sequence"].as_str().unwrap()
    );
    assert_eq!(
        u64::from(candidates[0].token),
        expected[0]["token"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn recorded_text_to_text_tasks_parse() {
    let Some(rec) = recorded(
        &format!("{HUB}TestInferenceClient.test_summarization[hf-inference,summarization].yaml"),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let summary = client(&server, Provider::HfInference)
        .summarization(
            "sshleifer/distilbart-cnn-12-6",
            "The sky is blue, the tree is green.",
            &Text2TextParameters::default(),
        )
        .await
        .expect("summary");
    assert_eq!(
        summary.summary_text,
        rec.body_json()[0]["summary_text"].as_str().unwrap()
    );

    let Some(rec) = recorded(
        &format!("{HUB}TestInferenceClient.test_translation[hf-inference,translation].yaml"),
        2,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let translation = client(&server, Provider::HfInference)
        .translation("t5-small", "Hello world", &Text2TextParameters::default())
        .await
        .expect("translation");
    assert_eq!(
        translation.translation_text,
        rec.body_json()[0]["translation_text"].as_str().unwrap()
    );
    assert_eq!(server.received()[0].target, "/hf-inference/models/t5-small");

    let Some(tapes) = load_tapes() else { return };
    let rec = find_tape(&tapes, |t| {
        t.uri == "https://router.huggingface.co/hf-inference/models/deepset/roberta-base-squad2"
            && t.status == 200
    });
    let request: Value = serde_json::from_str(rec.request_body.as_deref().unwrap()).unwrap();
    let server = serve(&rec).await;
    let answers = client(&server, Provider::HfInference)
        .question_answering(
            "deepset/roberta-base-squad2",
            request["inputs"]["question"].as_str().unwrap(),
            request["inputs"]["context"].as_str().unwrap(),
            &QuestionAnsweringParameters::default(),
        )
        .await
        .expect("answer");
    let expected = rec.body_json();
    assert_eq!(answers[0].answer, expected["answer"].as_str().unwrap());
    assert_eq!(answers[0].start as u64, expected["start"].as_u64().unwrap());
    assert_eq!(answers[0].end as u64, expected["end"].as_u64().unwrap());
    assert_close(answers[0].score, &expected["score"]);
    assert_eq!(server.received()[0].json()["inputs"], request["inputs"]);
}

#[tokio::test]
async fn recorded_embeddings_and_similarity_parse() {
    let Some(rec) = recorded(
        &format!(
            "{HUB}TestInferenceClient.test_feature_extraction_with_transformers[hf-inference,feature-extraction].yaml"
        ),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let tensor = client(&server, Provider::HfInference)
        .feature_extraction(
            "facebook/bart-base",
            "Hi, who are you?",
            &FeatureExtractionParameters::default(),
        )
        .await
        .expect("features");
    let expected = rec.body_json();
    let tokens = expected[0].as_array().unwrap();
    let dims = tokens[0].as_array().unwrap().len();
    assert_eq!(tensor.shape, vec![1, tokens.len(), dims]);
    assert_eq!(tensor.data.len(), tokens.len() * dims);
    #[allow(clippy::cast_possible_truncation)]
    let recorded_value = expected[0][1][2].as_f64().unwrap() as f32;
    assert_eq!(tensor.data[dims + 2], recorded_value, "row-major order");
    assert_eq!(
        server.received()[0].target,
        "/hf-inference/models/facebook/bart-base/pipeline/feature-extraction"
    );

    let Some(rec) = recorded(
        &format!(
            "{LEGACY}InferenceClientVCRTest.test_feature_extraction_with_sentence_transformers.yaml"
        ),
        0,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let embedding = client(&server, Provider::HfInference)
        .feature_extraction(
            "sentence-transformers/all-MiniLM-L6-v2",
            "Hi, who are you?",
            &FeatureExtractionParameters::default(),
        )
        .await
        .expect("embedding");
    assert_eq!(
        embedding.shape,
        vec![rec.body_json().as_array().unwrap().len()]
    );
    assert_eq!(embedding.first_row().len(), 384);

    let Some(rec) = recorded(
        &format!(
            "{HUB}TestInferenceClient.test_sentence_similarity[hf-inference,sentence-similarity].yaml"
        ),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let sentences = vec![
        "Deep learning is so straightforward.".to_owned(),
        "This is so difficult, like rocket science.".to_owned(),
        "I can't believe how much I struggled with this.".to_owned(),
    ];
    let scores = client(&server, Provider::HfInference)
        .sentence_similarity(
            "sentence-transformers/all-MiniLM-L6-v2",
            "Machine learning is so easy.",
            &sentences,
        )
        .await
        .expect("similarity");
    let expected = rec.body_json();
    assert_eq!(scores.len(), expected.as_array().unwrap().len());
    for (score, expected) in scores.iter().zip(expected.as_array().unwrap()) {
        assert_close(*score, expected);
    }
    let sent = &server.received()[0];
    assert_eq!(
        sent.target,
        "/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/sentence-similarity"
    );
    assert_eq!(
        sent.json()["inputs"]["sentences"],
        serde_json::json!(sentences)
    );
}

#[tokio::test]
async fn recorded_binary_tasks_parse() {
    let Some(rec) = recorded(
        &format!(
            "{HUB}TestInferenceClient.test_text_to_image_default[hf-inference,text-to-image].yaml"
        ),
        1,
    ) else {
        return;
    };
    let server = serve(&rec).await;
    let image = client(&server, Provider::HfInference)
        .text_to_image(
            "CompVis/stable-diffusion-v1-4",
            "An astronaut riding a horse on the moon.",
            &TextToImageParameters::default(),
        )
        .await
        .expect("image");
    assert_eq!(image.bytes.as_ref(), rec.body.as_slice());
    assert!(image.bytes.starts_with(b"\xff\xd8\xff"), "a JPEG");
    assert_eq!(image.content_type.as_deref(), rec.header("content-type"));
    assert_eq!(server.received()[0].header("accept"), Some("image/png"));

    let Some(tapes) = load_tapes() else { return };
    let rec = find_tape(&tapes, |t| {
        t.uri == "https://router.huggingface.co/hf-inference/models/google/vit-base-patch16-224"
    });
    let server = serve(&rec).await;
    let fake_png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let labels = client(&server, Provider::HfInference)
        .image_classification("google/vit-base-patch16-224", fake_png.clone().into())
        .await
        .expect("image classification");
    let expected = rec.body_json();
    assert_eq!(labels.len(), expected.as_array().unwrap().len());
    assert_eq!(labels[0].label, expected[0]["label"].as_str().unwrap());
    let sent = &server.received()[0];
    assert_eq!(sent.body, fake_png, "raw bytes are the body");
    assert_eq!(sent.header("content-type"), Some("image/png"));

    let rec = find_tape(&tapes, |t| {
        t.uri
            == "https://router.huggingface.co/hf-inference/models/facebook/wav2vec2-large-960h-lv60-self"
    });
    let server = serve(&rec).await;
    let transcript = client(&server, Provider::HfInference)
        .automatic_speech_recognition(
            "facebook/wav2vec2-large-960h-lv60-self",
            b"fLaC\0\0\0\x22".to_vec().into(),
        )
        .await
        .expect("transcript");
    assert_eq!(transcript.text, rec.body_json()["text"].as_str().unwrap());
    assert_eq!(
        server.received()[0].header("content-type"),
        Some("audio/flac")
    );
}

#[tokio::test]
async fn bill_to_and_no_token_are_honoured() {
    let Some(rec) = recorded(
        &format!("{HUB}TestInferenceClient.test_translation[hf-inference,translation].yaml"),
        2,
    ) else {
        return;
    };
    let server = ReplayServer::start(vec![
        Canned::from_recording(&rec),
        Canned::from_recording(&rec),
    ])
    .await;
    let billed = InferenceClient::builder()
        .hub_config(HubConfig::new(server.url()).unwrap())
        .router_url(server.url())
        .provider(Provider::HfInference)
        .bill_to("my-org")
        .build()
        .unwrap();
    billed
        .translation("t5-small", "Hello world", &Text2TextParameters::default())
        .await
        .expect("translation");
    let sent = &server.received()[0];
    assert_eq!(sent.header("x-hf-bill-to"), Some("my-org"));
    assert_eq!(sent.header("authorization"), None, "no token, no header");
}

#[tokio::test]
async fn recorded_tool_calls_parse_and_tools_are_sent_as_given() {
    let Some(rec) = recorded(
        &format!("{LEGACY}InferenceClientVCRTest.test_chat_completion_with_tool.yaml"),
        0,
    ) else {
        return;
    };
    let recorded_request: Value =
        serde_json::from_str(rec.request_body.as_deref().unwrap()).unwrap();
    let tools: Vec<Tool> =
        serde_json::from_value(recorded_request["tools"].clone()).expect("recorded tools");
    let choice: ToolChoice =
        serde_json::from_value(recorded_request["tool_choice"].clone()).expect("choice");
    let request = ChatCompletionRequest::new(messages(rec.request_body.as_deref()))
        .max_tokens(500)
        .tools(tools, Some(choice));
    let server = serve(&rec).await;
    let answer = client(&server, Provider::HfInference)
        .chat_completion("meta-llama/Meta-Llama-3-70B-Instruct", request)
        .await
        .expect("chat");
    let sent = server.received()[0].json();
    assert_eq!(sent["tools"], recorded_request["tools"]);
    assert_eq!(sent["tool_choice"], recorded_request["tool_choice"]);
    let expected = &rec.body_json()["choices"][0]["message"]["tool_calls"][0];
    let call = &answer.choices[0]
        .message
        .tool_calls
        .as_ref()
        .expect("tool calls")[0];
    assert_eq!(
        call.function.name,
        expected["function"]["name"].as_str().unwrap()
    );
    assert_eq!(call.function.arguments, expected["function"]["arguments"]);
    assert_eq!(call.id, expected["id"].to_string());
}

#[tokio::test]
async fn json_schema_formats_are_rewritten_for_hf_inference_only() {
    let Some(rec) = recorded(
        &format!("{HUB}TestInferenceClient.test_chat_completion_with_non_tgi.yaml"),
        1,
    ) else {
        return;
    };
    let schema =
        serde_json::json!({"type": "object", "properties": {"answer": {"type": "string"}}});
    let format = ResponseFormat::JsonSchema {
        json_schema: JsonSchemaFormat {
            name: "answer".to_owned(),
            schema: schema.clone(),
            strict: Some(true),
        },
    };
    let request = ChatCompletionRequest::new(vec![ChatMessage::user("hi")]).response_format(format);
    let server = ReplayServer::start(vec![
        Canned::from_recording(&rec),
        Canned::from_recording(&rec),
    ])
    .await;
    client(&server, Provider::HfInference)
        .chat_completion("microsoft/DialoGPT-small", request.clone())
        .await
        .expect("hf-inference");
    client(&server, Provider::Auto)
        .chat_completion("microsoft/DialoGPT-small", request)
        .await
        .expect("router");
    let sent = server.received();
    assert_eq!(
        sent[0].json()["response_format"],
        serde_json::json!({"type": "json_object", "value": schema})
    );
    assert_eq!(sent[1].json()["response_format"]["type"], "json_schema");
    assert_eq!(
        sent[1].json()["response_format"]["json_schema"]["schema"],
        schema
    );
}

#[tokio::test]
async fn parameters_a_plain_transformers_model_refuses_are_dropped_once() {
    let Some(all) = load_cassette(&format!(
        "{HUB}TestTextGenerationClientVCR.test_generate_non_tgi_endpoint.yaml"
    )) else {
        return;
    };
    let (refusal, answer) = (&all[1], &all[2]);
    assert_eq!(refusal.status, 400);
    let server = ReplayServer::start(vec![
        Canned::from_recording(refusal),
        Canned::from_recording(answer),
    ])
    .await;
    let parameters = TextGenerationParameters {
        max_new_tokens: Some(10),
        stop: Some(vec![]),
        details: Some(false),
        ..Default::default()
    };
    let out = client(&server, Provider::HfInference)
        .text_generation("gpt2", "0 1 2", &parameters)
        .await
        .expect("the second attempt answers");
    assert_eq!(
        out.generated_text,
        answer.body_json()[0]["generated_text"].as_str().unwrap()
    );
    let sent = server.received();
    assert_eq!(sent.len(), 2);
    assert!(sent[0].json()["parameters"].get("stop").is_some());
    let retried = sent[1].json();
    assert!(retried["parameters"].get("stop").is_none(), "{retried}");
    assert_eq!(
        retried["parameters"]["max_new_tokens"], 10,
        "the others are kept"
    );
}

/// In-repo fixtures for answers no recording holds (the MANIFEST lists no 403 and no 503):
/// bodies shaped like the router's and text-generation-inference's.
fn canned_json(status: u16, body: &str, headers: &[(&str, &str)]) -> Canned {
    let mut all = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    all.extend(
        headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
    Canned {
        status,
        headers: all,
        body: body.as_bytes().to_vec(),
        piece: None,
    }
}

#[tokio::test]
async fn forbidden_loading_and_overloaded_answers() {
    let message = "This authentication method does not have sufficient permissions to call Inference Providers";
    let server = ReplayServer::start(vec![canned_json(
        403,
        &format!("{{\"error\":\"{message}\"}}"),
        &[("X-Error-Message", message)],
    )])
    .await;
    let err = client(&server, Provider::Auto)
        .chat_completion(
            "m/x",
            ChatCompletionRequest::new(vec![ChatMessage::user("hi")]),
        )
        .await
        .expect_err("403");
    assert_eq!(
        *err.as_http().unwrap().kind(),
        hf_auth::HttpErrorKind::Forbidden
    );
    // The facts the caller's advice needs (the advice itself: hf-cli's inference tests).
    let call = err.call().expect("what the call was");
    assert_eq!(call.model, "m/x");
    assert!(call.token_sent && !call.streaming);
    assert!(
        !err.to_string().contains("hint"),
        "no advice in the message: {err}"
    );
    assert!(!err.is_transient());

    let loading = r#"{"error":"Model gpt2 is currently loading","estimated_time":20.0}"#;
    let server = ReplayServer::start(vec![
        canned_json(503, loading, &[]),
        canned_json(503, loading, &[]),
        canned_json(200, r#"[{"generated_text":" and more"}]"#, &[]),
    ])
    .await;
    let out = client(&server, Provider::HfInference)
        .text_generation("gpt2", "x", &TextGenerationParameters::default())
        .await
        .expect("answers once loaded");
    assert_eq!(out.generated_text, " and more");
    assert_eq!(server.received().len(), 3);

    let overloaded = r#"{"error":"Model is overloaded","error_type":"overloaded"}"#;
    let server = ReplayServer::start(vec![canned_json(503, overloaded, &[])]).await;
    let mut config = HubConfig::new(server.url()).unwrap();
    config.retry = RetryPolicy::none();
    let no_retry = InferenceClient::builder()
        .hub_config(config)
        .router_url(server.url())
        .provider(Provider::HfInference)
        .build()
        .unwrap();
    let err = no_retry
        .text_generation("gpt2", "x", &TextGenerationParameters::default())
        .await
        .expect_err("overloaded");
    assert!(
        matches!(
            &err,
            Error::Model {
                kind: ModelErrorKind::Overloaded,
                status: Some(503),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_transient());
}
