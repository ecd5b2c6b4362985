//! `hf_inference::blocking` (feature `blocking`) and the environment constructors: the token
//! is discovered as the CLI does, and calls and streams work from a plain thread.

use hf_inference::blocking::InferenceClient;
use hf_inference::{ChatCompletionRequest, Error, TextClassificationParameters};
use hf_test_server::{ServerConfig, TestServer};

const CHAT_MODEL: &str = "meta-llama/Llama-3.1-8B-Instruct";

fn env_for(server: &TestServer, token: Option<&str>) -> hf_auth::env::MapEnv {
    let home =
        std::env::temp_dir().join(format!("hf-inference-it-empty-home-{}", std::process::id()));
    let env = hf_auth::env::MapEnv::new()
        .with("HF_ROUTER_URL", server.endpoint())
        .with("HF_ENDPOINT", server.endpoint())
        // No token file and no keyring to fall back on.
        .with("HF_HOME", home.to_str().unwrap())
        .with(
            "HF_HUB_DISABLE_IMPLICIT_TOKEN",
            if token.is_some() { "0" } else { "1" },
        );
    match token {
        Some(token) => env.with("HF_TOKEN", token),
        None => env,
    }
}

#[test]
fn blocking_chat_streams_and_tasks_without_a_runtime() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let client =
        InferenceClient::from_env_source(&env_for(&server, Some(&server.tokens().read))).unwrap();
    assert_eq!(
        client.token_source(),
        Some(&hf_auth::TokenSource::EnvHfToken)
    );

    let answer = client
        .chat_completion(CHAT_MODEL, ChatCompletionRequest::user("one"))
        .unwrap();
    assert_eq!(answer.text(), "You said: one");

    let chunks: Vec<String> = client
        .chat_completion_stream(CHAT_MODEL, ChatCompletionRequest::user("two words"))
        .unwrap()
        .map(|chunk| chunk.unwrap().text().to_owned())
        .collect();
    assert!(chunks.len() > 1, "one chunk only: {chunks:?}");
    assert_eq!(chunks.concat(), "You said: two words");

    let labels = client
        .text_classification(
            "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            "I love this",
            &TextClassificationParameters::default(),
        )
        .unwrap();
    assert!(!labels.is_empty());
    assert!(server.requests().iter().all(|r| r.authorization));
}

#[test]
fn without_a_token_the_router_refuses_and_the_error_says_no_token_was_sent() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let client = InferenceClient::from_env_source(&env_for(&server, None)).unwrap();
    assert_eq!(client.token_source(), None);
    let err = client
        .chat_completion(CHAT_MODEL, ChatCompletionRequest::user("hi"))
        .unwrap_err();
    let Error::Http { source, .. } = &err else {
        panic!("expected an HTTP error, got {err}");
    };
    assert_eq!(source.status(), Some(401), "{err}");
    assert!(!source.token_sent(), "{err}");
}

#[test]
fn a_malformed_token_in_the_environment_is_an_error_before_any_request() {
    let server = TestServer::spawn(ServerConfig::default()).unwrap();
    let err =
        InferenceClient::from_env_source(&env_for(&server, Some("hf_bad\u{7}token"))).unwrap_err();
    assert!(matches!(err, Error::Token(_)), "{err:?}");
    assert!(server.requests().is_empty());
}
