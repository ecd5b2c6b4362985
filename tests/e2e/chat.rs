//! `hf chat` against the test server's OpenAI-compatible route.

use crate::logged_in;

#[test]
fn chat_answers_on_stdout() {
    let Some((target, session)) = logged_in("chat_answers_on_stdout") else {
        return;
    };
    if !target.test_server {
        // Real providers bill per call; the client is covered by hf-inference's replay tests.
        hf_e2e::not_run("chat runs only against hf-test-server");
        return;
    }
    let answer = session
        .hf(["chat", "meta-llama/Llama-3.1-8B-Instruct", "Say hello"])
        .env("HF_ROUTER_URL", &target.endpoint)
        .run()
        .success();
    assert_eq!(answer.stdout.trim(), "You said: Say hello", "{answer:?}");

    let json = session
        .hf([
            "chat",
            "meta-llama/Llama-3.1-8B-Instruct",
            "Say hello",
            "--format",
            "json",
        ])
        .env("HF_ROUTER_URL", &target.endpoint)
        .run()
        .success()
        .json();
    assert_eq!(json["content"], "You said: Say hello");
    assert_eq!(json["finish_reason"], "stop");

    // The prompt can come from stdin.
    let piped = session
        .hf(["chat", "meta-llama/Llama-3.1-8B-Instruct"])
        .env("HF_ROUTER_URL", &target.endpoint)
        .stdin("from stdin")
        .run()
        .success();
    assert!(piped.stdout.contains("from stdin"), "{piped:?}");
}
