//! Router and hf-inference routes.

use hf_test_server::{FaultAction, FaultRule};
use reqwest::Method;
use serde_json::{Value, json};

use crate::*;

#[tokio::test]
async fn inference_routes() {
    let s = server();
    let c = client();
    let t = s.tokens();
    let e = s.endpoint();
    let post = |url: String, body: Value, token: Option<String>| {
        let mut r = c.post(url).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let tok = Some(t.read.clone());
    let m = |id: &str| format!("{e}/hf-inference/models/{id}");
    let v = json_of(
        post(
            m("distilbert/distilbert-base-uncased-finetuned-sst-2-english"),
            json!({"inputs": "I like you", "parameters": {}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v[0][0]["label"], "POSITIVE");
    assert!(v[0][0]["score"].as_f64().unwrap() > 0.99);
    let v = json_of(post(m("dbmdz/bert-large-cased-finetuned-conll03-english"), json!({"inputs": "My name is Sarah Jessica Parker but you can call me Jessica", "parameters": {}}), tok.clone()).await.unwrap()).await;
    assert_eq!(v[0]["entity_group"], "PER");
    assert_eq!(v[0]["word"], "Sarah Jessica Parker");
    let v = json_of(
        post(
            m("distilbert/distilroberta-base"),
            json!({"inputs": "Hello <mask>!", "parameters": {}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 5);
    assert_eq!(v[0]["sequence"], "Hello the!");
    let v = json_of(
        post(
            m("google-t5/t5-small"),
            json!({"inputs": "Hello world", "parameters": {}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v[0]["translation_text"], "Hallo Welt");
    let v = json_of(
        post(
            m("facebook/bart-large-cnn"),
            json!({"inputs": "One. Two three.", "parameters": {}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v[0]["summary_text"], "One.");
    let v = json_of(post(m("deepset/roberta-base-squad2"), json!({"inputs": {"question": "What is the capital of France?", "context": "The capital of France is Paris."}, "parameters": {}}), tok.clone()).await.unwrap()).await;
    assert_eq!(
        (v["answer"].clone(), v["start"].clone(), v["end"].clone()),
        (json!("Paris"), json!(25), json!(30))
    );
    let v = json_of(post(m("facebook/bart-large-mnli"), json!({"inputs": "I love space travel", "parameters": {"candidate_labels": ["cooking", "space"]}}), tok.clone()).await.unwrap()).await;
    assert_eq!(v[0]["label"], "space");
    let v = json_of(
        post(
            format!(
                "{}/pipeline/feature-extraction",
                m("sentence-transformers/all-MiniLM-L6-v2")
            ),
            json!({"inputs": "hello"}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v.as_array().unwrap().len(), 384);
    let v = json_of(
        post(
            format!(
                "{}/pipeline/sentence-similarity",
                m("sentence-transformers/all-MiniLM-L6-v2")
            ),
            json!({"inputs": {"source_sentence": "a", "sentences": ["a", "b"]}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert!((v[0].as_f64().unwrap() - 1.0).abs() < 1e-5);
    let v = json_of(
        post(
            m("gpt2"),
            json!({"inputs": "Once upon", "parameters": {"max_new_tokens": 3, "details": true}}),
            tok.clone(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(v[0]["generated_text"], " and then the");
    assert_eq!(v[0]["details"]["generated_tokens"], 3);
    let r = post(
        m("gpt2"),
        json!({"inputs": "Once", "parameters": {"max_new_tokens": 2}, "stream": true}),
        tok.clone(),
    )
    .await
    .unwrap();
    assert_eq!(header(&r, "content-type"), "text/event-stream");
    let text = r.text().await.unwrap();
    assert_eq!(text.matches("data:").count(), 2);

    // chat, JSON and SSE, on both routes
    let body = json!({"model": "meta-llama/Llama-3.1-8B-Instruct", "messages": [{"role": "system", "content": "be nice"}, {"role": "user", "content": "Hi there"}], "stream": false});
    for url in [
        format!("{e}/v1/chat/completions"),
        format!(
            "{}/v1/chat/completions",
            m("meta-llama/Llama-3.1-8B-Instruct")
        ),
    ] {
        let v = json_of(post(url.clone(), body.clone(), tok.clone()).await.unwrap()).await;
        assert_eq!(v["object"], "chat.completion");
        assert_eq!(v["choices"][0]["message"]["content"], "You said: Hi there");
        assert_eq!(v["choices"][0]["finish_reason"], "stop");
        assert!(v["usage"]["total_tokens"].as_u64().unwrap() > 0);
        let mut sb = body.clone();
        sb["stream"] = json!(true);
        let text = post(url, sb, tok.clone())
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.ends_with("data: [DONE]\n\n"));
        let content: String = text
            .split("\n\n")
            .filter_map(|ev| ev.strip_prefix("data: "))
            .filter(|d| *d != "[DONE]")
            .map(|d| {
                serde_json::from_str::<Value>(d).unwrap()["choices"][0]["delta"]["content"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(content, "You said: Hi there");
    }
    let mut b2 = body.clone();
    b2["model"] = json!("meta-llama/Llama-3.1-8B-Instruct:fastest");
    assert_eq!(
        post(format!("{e}/v1/chat/completions"), b2, tok.clone())
            .await
            .unwrap()
            .status(),
        200
    );

    // errors
    assert_eq!(
        post(m("gpt2"), json!({"inputs": "x"}), None)
            .await
            .unwrap()
            .status(),
        401
    );
    let r = post(m("nope/model"), json!({"inputs": "x"}), tok.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(json_of(r).await["error"], "Model nope/model does not exist");
    let r = post(m("gpt2"), json!({"parameters": {}}), tok.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(json_of(r).await["error_type"], "validation");
    s.add_fault(FaultRule {
        origin: None,
        method: None,
        path_contains: "/hf-inference/models/gpt2".into(),
        action: FaultAction::StatusSequence(vec![503]),
        times: None,
    });
    let r = post(m("gpt2"), json!({"inputs": "x"}), tok.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let v = json_of(r).await;
    assert_eq!(v["error"], "Model gpt2 is currently loading");
    assert_eq!(v["estimated_time"], 20.0);
    // model info of inference models
    let v = json_of(
        get(
            &c,
            &format!("{e}/api/models/sentence-transformers/all-MiniLM-L6-v2"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(v["pipeline_tag"], "sentence-similarity");
    let _ = Method::GET;
}

#[tokio::test]
async fn binary_inference_tasks() {
    let s = server();
    let c = client();
    let e = s.endpoint();
    let token = &s.tokens().read;
    let post_bytes = |model: &str, body: Vec<u8>| {
        c.post(format!("{e}/hf-inference/models/{model}"))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
    };
    let r = post_bytes(
        "google/vit-base-patch16-224",
        b"not really an image".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let labels = json_of(r).await;
    let scores: Vec<f64> = labels
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["score"].as_f64().unwrap())
        .collect();
    assert_eq!(scores.len(), 5);
    assert!(scores.windows(2).all(|w| w[0] >= w[1]) && scores.iter().sum::<f64>() <= 1.0);
    let r = post_bytes("openai/whisper-large-v3", b"RIFF....WAVE".to_vec())
        .await
        .unwrap();
    assert!(json_of(r).await["text"].as_str().unwrap().ends_with('.'));
    let r = post_bytes("openai/whisper-large-v3", Vec::new())
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // Base64 in JSON is accepted too.
    let r = c
        .post(format!(
            "{e}/hf-inference/models/google/vit-base-patch16-224"
        ))
        .bearer_auth(token)
        .json(&json!({"inputs": "bm90IHJlYWxseSBhbiBpbWFnZQ=="}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_of(r).await, labels);
    let r = c
        .post(format!(
            "{e}/hf-inference/models/stabilityai/stable-diffusion-xl-base-1.0"
        ))
        .bearer_auth(token)
        .json(&json!({"inputs": "a cat"}))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&r, "content-type"), "image/png");
    let png = r.bytes().await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.ends_with(b"IEND\xaeB`\x82"));
}
