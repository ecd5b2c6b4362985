//! `hf chat` and `hf infer` against the local test server's router routes.

use std::io::{Read as _, Write as _};
use std::process::Stdio;
use std::time::{Duration, Instant};

use hf_test_server::{FaultAction, FaultRule, Origin, ServerConfig, TestServer};

use crate::common::{Outcome, TestEnv};

const CHAT_MODEL: &str = "meta-llama/Llama-3.1-8B-Instruct";

/// A hermetic environment whose Hub and router are a fresh test server, with a read token in HF_TOKEN.
struct InferEnv {
    env: TestEnv,
    server: TestServer,
}

impl InferEnv {
    fn new() -> Self {
        let server = TestServer::spawn(ServerConfig::default()).expect("start the test server");
        let mut env = TestEnv::new();
        env.endpoint(server.endpoint())
            .set("HF_ROUTER_URL", server.endpoint())
            .set("HF_TOKEN", &server.tokens().read);
        Self { env, server }
    }

    /// Runs `hf` and checks that the token never shows.
    fn run(&self, args: &[&str]) -> Outcome {
        let outcome = self.env.run(args);
        let token = &self.server.tokens().read;
        assert!(
            !outcome.stdout.contains(token) && !outcome.stderr.contains(token),
            "the token leaked"
        );
        outcome
    }

    fn slow_chat(&self, bytes_per_sec: u64) {
        self.server.add_fault(FaultRule {
            origin: Some(Origin::Hub),
            method: Some("POST".to_owned()),
            path_contains: "/v1/chat/completions".to_owned(),
            action: FaultAction::DripBytesPerSec(bytes_per_sec),
            times: None,
        });
    }
}

#[test]
fn token_guide_examples_reproduce() {
    let t = InferEnv::new();
    let outcome = t.run(&[
        "infer",
        "text-classification",
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        "I love Hugging Face!",
    ]);
    insta::assert_snapshot!(t.env.normalize(&outcome.transcript()));
    let labels = outcome.json();
    assert_eq!(labels[0]["label"], "POSITIVE");

    let outcome = t.run(&[
        "infer",
        "text-generation",
        "gpt2",
        "The answer to the universe is",
    ]);
    insta::assert_snapshot!(t.env.normalize(&outcome.transcript()));
    assert!(
        outcome.json()["generated_text"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
}

#[test]
fn infer_covers_the_text_tasks() {
    let t = InferEnv::new();
    let qa = t.run(&[
        "infer",
        "question-answering",
        "deepset/roberta-base-squad2",
        "Where do I live?",
        "--context",
        "I live in Paris.",
    ]);
    assert_eq!(qa.code, Some(0), "{}", qa.transcript());
    assert_eq!(qa.json()[0]["answer"], "Paris");

    let zero_shot = t.run(&[
        "infer",
        "zero-shot-classification",
        "facebook/bart-large-mnli",
        "I want a refund",
        "--labels",
        "refund,legal",
        "--format",
        "json",
    ]);
    assert_eq!(zero_shot.code, Some(0), "{}", zero_shot.transcript());
    assert_eq!(zero_shot.json()[0]["label"], "refund");

    let similarity = t.run(&[
        "infer",
        "sentence-similarity",
        "sentence-transformers/all-MiniLM-L6-v2",
        "A happy person",
        "--sentence",
        "A happy person",
        "--sentence",
        "A sad cat",
    ]);
    assert_eq!(similarity.code, Some(0), "{}", similarity.transcript());
    let scores = similarity.json();
    assert!((scores[0].as_f64().unwrap() - 1.0).abs() < 1e-6);

    let generation = t.run(&[
        "infer",
        "text-generation",
        "gpt2",
        "Hello",
        "--parameters",
        r#"{"max_new_tokens": 3, "details": true}"#,
    ]);
    assert_eq!(generation.json()["details"]["generated_tokens"], 3);

    let streamed = t.run(&[
        "infer",
        "text-generation",
        "gpt2",
        "Hello",
        "--stream",
        "--parameters",
        r#"{"max_new_tokens": 3}"#,
    ]);
    assert_eq!(streamed.code, Some(0), "{}", streamed.transcript());
    assert_eq!(
        streamed.stdout.trim_end(),
        generation.json()["generated_text"].as_str().unwrap(),
        "streamed tokens make the same text"
    );
}

#[test]
fn infer_usage_errors_exit_2() {
    let t = InferEnv::new();
    let unknown = t.run(&["infer", "dance", "gpt2", "x"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("unknown task 'dance'"),
        "{}",
        unknown.stderr
    );
    let no_labels = t.run(&[
        "infer",
        "zero-shot-classification",
        "facebook/bart-large-mnli",
        "x",
    ]);
    assert_eq!(no_labels.code, Some(2));
    let no_output = t.run(&["infer", "text-to-image", "some/model", "a cat"]);
    assert_eq!(no_output.code, Some(2));
    assert!(
        no_output.stderr.contains("--output"),
        "{}",
        no_output.stderr
    );
    assert!(
        t.server.requests().iter().all(|r| r.method != "POST"),
        "nothing was sent"
    );
}

#[test]
fn infer_errors_explain_what_to_do() {
    let mut t = InferEnv::new();
    t.server.add_fault(FaultRule {
        origin: Some(Origin::Hub),
        method: Some("POST".to_owned()),
        path_contains: "/hf-inference/models/".to_owned(),
        action: FaultAction::RateLimit {
            retry_after_secs: 3600,
        },
        times: Some(1),
    });
    let limited = t.run(&[
        "infer",
        "summarization",
        "facebook/bart-large-cnn",
        "A long text. More.",
    ]);
    insta::assert_snapshot!(without_request_ids(&t.env.normalize(&limited.transcript())));

    t.env.unset("HF_TOKEN");
    let anonymous = t.run(&["chat", CHAT_MODEL, "hi"]);
    insta::assert_snapshot!(without_request_ids(
        &t.env.normalize(&anonymous.transcript())
    ));
}

/// Request ids differ on every run: `(request id: X)` becomes `(request id: [ID])`.
fn without_request_ids(text: &str) -> String {
    const MARK: &str = "(request id: ";
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(MARK) {
        out.push_str(&rest[..start + MARK.len()]);
        let after = &rest[start + MARK.len()..];
        let end = after.find(')').unwrap_or(after.len());
        out.push_str("[ID]");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn chat_streams_the_answer() {
    let t = InferEnv::new();
    let outcome = t.run(&[
        "chat",
        CHAT_MODEL,
        "hello there",
        "--system",
        "Be brief.",
        "--max-tokens",
        "20",
    ]);
    insta::assert_snapshot!(t.env.normalize(&outcome.transcript()), @r"
    status: 0
    ----- stdout -----
    You said: hello there
    ");
    let json = t
        .run(&["chat", CHAT_MODEL, "hello there", "--format", "json"])
        .json();
    assert_eq!(json["content"], "You said: hello there");
    assert_eq!(json["finish_reason"], "stop");
    let sent = t.server.requests();
    assert!(
        sent.iter()
            .all(|r| r.path_and_query == "/v1/chat/completions" && r.authorization)
    );

    // A provider choice is passed to the router.
    let routed = t.run(&["chat", CHAT_MODEL, "hi", "--provider", "hf-inference"]);
    assert_eq!(routed.stdout, "You said: hi\n");
    assert!(
        t.server.requests().iter().any(|r| r.path_and_query
            == format!("/hf-inference/models/{CHAT_MODEL}/v1/chat/completions"))
    );
}

#[test]
fn chat_reads_the_prompt_from_stdin() {
    let t = InferEnv::new();
    let mut child = t
        .env
        .command(["chat", CHAT_MODEL])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hf");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"what comes from stdin")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "You said: what comes from stdin\n"
    );

    let empty = t.run(&["chat", CHAT_MODEL]);
    assert_eq!(empty.code, Some(2), "stdin is closed: no prompt");
}

#[test]
fn chat_prints_the_first_tokens_before_the_stream_ends() {
    let t = InferEnv::new();
    t.slow_chat(600);
    let started = Instant::now();
    let mut child = t
        .env
        .command(["chat", CHAT_MODEL, "one two three four five six"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hf");
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 3];
    stdout.read_exact(&mut first).expect("the first token");
    let first_at = started.elapsed();
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let total = started.elapsed();
    assert!(status.success());
    assert_eq!(&first, b"You");
    assert_eq!(
        String::from_utf8_lossy(&rest),
        " said: one two three four five six\n"
    );
    assert!(
        first_at * 2 < total,
        "first token at {first_at:?}, end at {total:?}"
    );
}

#[test]
fn chat_into_a_closed_pipe_exits_quietly() {
    let t = InferEnv::new();
    t.slow_chat(2000);
    let long_prompt = "word ".repeat(40);
    let mut child = t
        .env
        .command(["chat", CHAT_MODEL, long_prompt.trim()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn hf");
    // `| head -c 10`: read ten bytes, then close the pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 10];
    stdout.read_exact(&mut head).unwrap();
    drop(stdout);
    let started = Instant::now();
    let output = child.wait_with_output().unwrap();
    assert_eq!(&head, b"You said: ");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "nothing on stderr"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "it stopped instead of draining the stream"
    );
}

#[test]
fn binary_tasks_read_files_write_images_and_report_unserved_models() {
    let t = InferEnv::new();
    let missing = t.run(&[
        "infer",
        "image-classification",
        "google/vit-base-patch16-224",
        "no-such.png",
        "--provider",
        "hf-inference",
    ]);
    assert_eq!(missing.code, Some(1));
    assert!(
        missing
            .stderr
            .contains("could not read the input file no-such.png"),
        "{}",
        missing.stderr
    );

    let image = t.env.path("cat.png");
    std::fs::write(&image, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let classified = t.run(&[
        "infer",
        "image-classification",
        "google/vit-base-patch16-224",
        image.to_str().unwrap(),
    ]);
    assert_eq!(classified.code, Some(0), "{}", classified.transcript());
    let labels = classified.json();
    assert_eq!(labels.as_array().map(Vec::len), Some(5), "{labels}");
    assert!(labels[0]["label"].is_string() && labels[0]["score"].is_f64());
    // The raw bytes were posted to the model's hf-inference route.
    assert!(t.server.requests().iter().any(|r| r.method == "POST"
        && r.path_and_query == "/hf-inference/models/google/vit-base-patch16-224"));

    let audio = t.env.path("hello.wav");
    std::fs::write(&audio, b"RIFF\x24\0\0\0WAVEfmt ").unwrap();
    let heard = t.run(&[
        "infer",
        "automatic-speech-recognition",
        "openai/whisper-large-v3",
        audio.to_str().unwrap(),
    ]);
    assert_eq!(heard.code, Some(0), "{}", heard.transcript());
    assert!(heard.json()["text"].is_string(), "{}", heard.stdout);

    let unserved = t.run(&[
        "infer",
        "image-classification",
        "some-org/no-such-vision-model",
        image.to_str().unwrap(),
        "--provider",
        "hf-inference",
    ]);
    assert_eq!(unserved.code, Some(1), "{}", unserved.transcript());
    assert!(
        unserved.stderr.starts_with("error: "),
        "{}",
        unserved.stderr
    );

    let output = t.env.path("out.png");
    let drawn = t.run(&[
        "infer",
        "text-to-image",
        "stabilityai/stable-diffusion-xl-base-1.0",
        "a cat",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(drawn.code, Some(0), "{}", drawn.transcript());
    let png = std::fs::read(&output).expect("the image is written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));

    let nowhere = t.env.path("nothing.png");
    let failed = t.run(&[
        "infer",
        "text-to-image",
        "some-org/some-model",
        "a cat",
        "--output",
        nowhere.to_str().unwrap(),
    ]);
    assert_eq!(failed.code, Some(1), "{}", failed.transcript());
    assert!(!nowhere.exists(), "no file is written on failure");
}

#[test]
fn a_loading_model_is_waited_for_with_a_notice() {
    let t = InferEnv::new();
    t.server.add_fault(FaultRule {
        origin: Some(Origin::Hub),
        method: Some("POST".to_owned()),
        path_contains: "/hf-inference/models/".to_owned(),
        action: FaultAction::StatusSequence(vec![503]),
        times: Some(1),
    });
    let outcome = t.run(&["infer", "translation", "google-t5/t5-small", "Hello world"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    assert!(
        outcome.json()["translation_text"].is_string(),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome
            .stderr
            .contains("is unavailable (503: loading or busy); retrying in"),
        "{}",
        outcome.stderr
    );
}

/// The token guide's retired Inference API URL, as the model or as `--base-url`, is model
/// `<id>` on the hf-inference provider through the router, with the token sent there (a
/// Hub origin) and a one-line note that the old host is retired.
#[test]
fn a_retired_inference_api_url_calls_the_model_on_hf_inference() {
    let retired = format!("https://api-inference.huggingface.co/models/{CHAT_MODEL}");
    for args in [
        vec!["chat", retired.as_str(), "hi"],
        vec![
            "chat",
            "ignored-model",
            "hi",
            "--base-url",
            retired.as_str(),
        ],
    ] {
        let t = InferEnv::new();
        let outcome = t.run(&args);
        assert_eq!(outcome.code, Some(0), "{args:?}: {}", outcome.transcript());
        assert_eq!(outcome.stdout, "You said: hi\n");
        assert_eq!(
            outcome
                .stderr
                .matches("api-inference.huggingface.co is retired")
                .count(),
            1,
            "{}",
            outcome.stderr
        );
        let calls: Vec<_> = t
            .server
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect();
        assert!(
            calls.iter().all(|r| r.path_and_query
                == format!("/hf-inference/models/{CHAT_MODEL}/v1/chat/completions")
                && r.authorization),
            "{calls:?}"
        );
        assert!(!calls.is_empty());
    }
}
