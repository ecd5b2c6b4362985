//! Router / hf-inference routes with deterministic outputs shaped like the real ones.

use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::demo_models::DEMO_MODELS;
use crate::model::{Caller, RepoType};
use crate::respond::Ctx;
use crate::util::{error_response, json_response, now_secs, ok_json, sha1_hex, sha256_hex};

fn alias(id: &str) -> &str {
    match id {
        "t5-small" => "google-t5/t5-small",
        "distilbert-base-uncased-finetuned-sst-2-english" => {
            "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
        }
        "distilroberta-base" => "distilbert/distilroberta-base",
        other => other,
    }
}

/// The task of a model: the demo table, else the pipeline tag of a visible repo.
fn task_of(ctx: &Ctx, id: &str) -> Option<(String, String)> {
    let id = alias(id);
    if let Some(m) = DEMO_MODELS.iter().find(|m| m.id == id) {
        return Some((m.id.to_owned(), m.pipeline_tag.to_owned()));
    }
    let db = ctx.db();
    let repo = db.repos.get(&(RepoType::Model, id.to_owned()))?;
    if !db.can_read(&ctx.caller, repo) {
        return None;
    }
    Some((repo.id.clone(), repo.pipeline_tag.clone()?))
}

fn not_found(id: &str) -> Response {
    let msg = format!("Model {id} does not exist");
    let mut r = json_response(StatusCode::NOT_FOUND, &json!({ "error": msg }));
    crate::util::set_header(&mut r, "x-error-message", &msg);
    r
}

fn validation(msg: &str) -> Response {
    let mut r = json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({"error": msg, "error_type": "validation"}),
    );
    crate::util::set_header(&mut r, "x-error-message", msg);
    r
}

/// `/v1/...` and `/hf-inference/...`
pub(crate) async fn dispatch(ctx: &Ctx, segs: &[String]) -> Response {
    if ctx.method != Method::POST {
        return error_response(405, None, "Method not allowed");
    }
    if matches!(ctx.caller, Caller::Anonymous) {
        let mut r = error_response(401, None, "Invalid username or password.");
        crate::util::set_header(
            &mut r,
            "www-authenticate",
            "Bearer realm=\"Authentication required\"",
        );
        return r;
    }
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    // Image and audio tasks take the raw bytes (as the router does); everything else JSON.
    if let ["hf-inference", "models", rest @ ..] = segs.as_slice()
        && let Some((real_id, task)) = task_of(ctx, &rest.join("/"))
        && BINARY_INPUT_TASKS.contains(&task.as_str())
    {
        return binary_input_task(&real_id, &task, &ctx.body);
    }
    let body: Value = if ctx.body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&ctx.body) {
            Ok(v) => v,
            Err(e) => return validation(&format!("Failed to deserialize the JSON body: {e}")),
        }
    };
    match segs.as_slice() {
        ["v1", "chat", "completions"] => {
            let model = body["model"].as_str().unwrap_or("");
            let base = model.split(':').next().unwrap_or(model);
            match task_of(ctx, base) {
                Some((id, task)) if task == "text-generation" => chat(&id, &body),
                Some(_) => error_response(400, None, &format!("Model {base} is not a chat model")),
                None if model.is_empty() => validation("`model` is required"),
                None => not_found(base),
            }
        }
        ["hf-inference", "models", rest @ ..] => {
            let (id, explicit) = if rest.len() > 3 && rest.ends_with(&["v1", "chat", "completions"])
            {
                (rest[..rest.len() - 3].join("/"), Some("chat"))
            } else if rest.len() > 2 && rest[rest.len() - 2] == "pipeline" {
                (rest[..rest.len() - 2].join("/"), Some(rest[rest.len() - 1]))
            } else {
                (rest.join("/"), None)
            };
            let Some((real_id, task)) = task_of(ctx, &id) else {
                return not_found(&id);
            };
            let task = match explicit {
                Some("chat") => {
                    if task != "text-generation" {
                        return error_response(
                            400,
                            None,
                            &format!("Model {id} is not a chat model"),
                        );
                    }
                    return chat(&real_id, &body);
                }
                Some(t) => t.to_owned(),
                None => task,
            };
            run_task(&real_id, &task, &body)
        }
        ["hf-inference", "pipeline", task, rest @ ..] => {
            let id = rest.join("/");
            let Some((real_id, _)) = task_of(ctx, &id) else {
                return not_found(&id);
            };
            run_task(&real_id, task, &body)
        }
        _ => error_response(404, None, "Not found"),
    }
}

/// A deterministic number in [0, 1) from a string.
fn unit(s: &str) -> f64 {
    let h = sha256_hex(s.as_bytes());
    u64::from_str_radix(&h[..12], 16).unwrap_or(0) as f64 / (1u64 << 48) as f64
}

fn embedding(text: &str) -> Vec<f64> {
    let bytes = crate::util::pseudo_random_bytes(
        u64::from_str_radix(&sha256_hex(text.as_bytes())[..16], 16).unwrap_or(1),
        384 * 2,
    );
    let v: Vec<f64> = bytes
        .chunks(2)
        .map(|c| (u16::from_le_bytes([c[0], c[1]]) as f64 / 65535.0) - 0.5)
        .collect();
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-9);
    v.iter().map(|x| ((x / norm) as f32) as f64).collect()
}

fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    ((dot / (na * nb).max(1e-9)) as f32) as f64
}

const NEGATIVE_WORDS: &[&str] = &[
    "hate", "bad", "terrible", "awful", "worst", "horrible", "sad", "not", "never",
];

fn classify(text: &str) -> Value {
    let lower = text.to_lowercase();
    let negative = lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| NEGATIVE_WORDS.contains(&w));
    let (pos, neg) = if negative {
        (0.00021728175459429622, 0.9997827410697937)
    } else {
        (0.9998695850372314, 0.00013043530634604394)
    };
    let mut v = vec![
        json!({"label": "POSITIVE", "score": pos}),
        json!({"label": "NEGATIVE", "score": neg}),
    ];
    if negative {
        v.reverse();
    }
    Value::Array(v)
}

fn entities(text: &str) -> Value {
    const SKIP: &[&str] = &[
        "My", "The", "I", "A", "An", "This", "That", "It", "We", "You", "He", "She", "They", "Our",
        "In", "On", "At", "But", "And",
    ];
    const LOC: &[&str] = &[
        "Paris", "London", "Berlin", "France", "Germany", "England", "Europe", "America", "New",
        "York", "Nice",
    ];
    const ORG: &[&str] = &[
        "Google",
        "Microsoft",
        "Apple",
        "Hugging",
        "Face",
        "Amazon",
        "Meta",
    ];
    let mut out = Vec::new();
    let mut current: Option<(usize, usize, Vec<&str>)> = None;
    let mut idx = 0;
    for word in text.split(' ') {
        let start = idx;
        idx += word.len() + 1;
        let clean = word.trim_matches(|c: char| !c.is_alphanumeric());
        let offset = word.find(clean).unwrap_or(0);
        let is_entity =
            clean.chars().next().is_some_and(char::is_uppercase) && !SKIP.contains(&clean);
        if is_entity {
            let s = start + offset;
            let e = s + clean.len();
            match &mut current {
                Some((_, end, words)) => {
                    *end = e;
                    words.push(clean);
                }
                None => current = Some((s, e, vec![clean])),
            }
        }
        if (!is_entity || clean.len() != word.len())
            && let Some((s, e, words)) = current.take()
        {
            out.push((s, e, words));
        }
    }
    if let Some(c) = current.take() {
        out.push(c);
    }
    Value::Array(
        out.into_iter()
            .enumerate()
            .map(|(i, (s, e, words))| {
                let group = if words.iter().any(|w| LOC.contains(w)) {
                    "LOC"
                } else if words.iter().any(|w| ORG.contains(w)) {
                    "ORG"
                } else {
                    "PER"
                };
                json!({
                    "entity_group": group,
                    "score": 0.9991335868835449 - i as f64 * 0.0011,
                    "word": words.join(" "),
                    "start": s,
                    "end": e,
                })
            })
            .collect(),
    )
}

const GEN_WORDS: &[&str] = &[
    " and", " then", " the", " model", " said", " hello", " to", " the", " world", ".",
];

fn run_task(id: &str, task: &str, body: &Value) -> Response {
    let inputs = &body["inputs"];
    let params = &body["parameters"];
    match task {
        "sentence-similarity" => {
            let src = inputs
                .get("source_sentence")
                .or_else(|| body.get("source_sentence"))
                .and_then(Value::as_str);
            let sentences = inputs
                .get("sentences")
                .or_else(|| body.get("sentences"))
                .and_then(Value::as_array);
            let (Some(src), Some(sentences)) = (src, sentences) else {
                return validation(
                    "Input validation error: `inputs` must contain `source_sentence` and `sentences`",
                );
            };
            let a = embedding(src);
            let out: Vec<f64> = sentences
                .iter()
                .map(|s| cosine(&a, &embedding(s.as_str().unwrap_or(""))))
                .collect();
            ok_json(json!(out))
        }
        _ if inputs.is_null() => validation("Input validation error: `inputs` must be provided"),
        "feature-extraction" => match inputs {
            Value::String(s) => ok_json(json!(embedding(s))),
            Value::Array(a) => ok_json(json!(
                a.iter()
                    .map(|s| embedding(s.as_str().unwrap_or("")))
                    .collect::<Vec<_>>()
            )),
            _ => {
                validation("Input validation error: `inputs` must be a string or a list of strings")
            }
        },
        "text-classification" => match inputs {
            Value::String(s) => ok_json(json!([classify(s)])),
            Value::Array(a) => ok_json(Value::Array(
                a.iter()
                    .map(|s| classify(s.as_str().unwrap_or("")))
                    .collect(),
            )),
            _ => validation("Input validation error: `inputs` must be a string"),
        },
        "token-classification" => match inputs.as_str() {
            Some(s) => ok_json(entities(s)),
            None => validation("Input validation error: `inputs` must be a string"),
        },
        "fill-mask" => {
            let Some(text) = inputs.as_str() else {
                return validation("Input validation error: `inputs` must be a string");
            };
            let mask = if text.contains("<mask>") {
                "<mask>"
            } else if text.contains("[MASK]") {
                "[MASK]"
            } else {
                return validation("No mask_token (<mask>) found on the input");
            };
            let cands = [
                ("the", 1996, 0.2910905182361603),
                ("my", 2026, 0.18091173470020294),
                ("hello", 7592, 0.052397340536117554),
                ("wonderful", 6919, 0.04246954247355461),
                ("a", 1037, 0.015912111848592758),
            ];
            let out: Vec<Value> = cands
                .iter()
                .map(|(t, tok, score)| {
                    json!({"score": score, "token": tok, "token_str": t, "sequence": text.replacen(mask, t, 1)})
                })
                .collect();
            ok_json(Value::Array(out))
        }
        "summarization" => {
            let Some(text) = inputs.as_str() else {
                return validation("Input validation error: `inputs` must be a string");
            };
            let first = match text.find(". ") {
                Some(i) => &text[..=i],
                None => text,
            };
            let words: Vec<&str> = first.split_whitespace().take(40).collect();
            ok_json(json!([{"summary_text": words.join(" ")}]))
        }
        "translation" => {
            let Some(text) = inputs.as_str() else {
                return validation("Input validation error: `inputs` must be a string");
            };
            ok_json(json!([{"translation_text": translate(text)}]))
        }
        "question-answering" => {
            let q = inputs.get("question").and_then(Value::as_str);
            let c = inputs.get("context").and_then(Value::as_str);
            let (Some(_q), Some(c)) = (q, c) else {
                return validation(
                    "Input validation error: `inputs` must contain `question` and `context`",
                );
            };
            // The last word of the context, with char offsets.
            let chars: Vec<char> = c.chars().collect();
            let mut end = chars.len();
            while end > 0 && !chars[end - 1].is_alphanumeric() {
                end -= 1;
            }
            let mut start = end;
            while start > 0 && chars[start - 1].is_alphanumeric() {
                start -= 1;
            }
            let answer: String = chars[start..end].iter().collect();
            ok_json(
                json!({"score": 0.9703431725502014, "start": start, "end": end, "answer": answer}),
            )
        }
        "zero-shot-classification" => {
            let Some(text) = inputs.as_str() else {
                return validation("Input validation error: `inputs` must be a string");
            };
            let labels: Vec<String> = match &params["candidate_labels"] {
                Value::Array(a) => a
                    .iter()
                    .filter_map(|l| l.as_str().map(str::to_owned))
                    .collect(),
                Value::String(s) => s.split(',').map(|l| l.trim().to_owned()).collect(),
                _ => Vec::new(),
            };
            if labels.is_empty() {
                return validation("Input validation error: `candidate_labels` must be provided");
            }
            let lower = text.to_lowercase();
            let mut scored: Vec<(String, f64)> = labels
                .iter()
                .map(|l| {
                    let hit = if lower.contains(&l.to_lowercase()) {
                        10.0
                    } else {
                        0.0
                    };
                    (l.clone(), 1.0 + hit + unit(&format!("{text}|{l}")))
                })
                .collect();
            let multi = params["multi_label"].as_bool().unwrap_or(false);
            let total: f64 = scored.iter().map(|(_, s)| s).sum();
            for (_, s) in scored.iter_mut() {
                *s = if multi { *s / 12.0 } else { *s / total };
                *s = (*s as f32) as f64;
            }
            scored.sort_by(|a, b| b.1.total_cmp(&a.1));
            ok_json(Value::Array(
                scored
                    .into_iter()
                    .map(|(l, s)| json!({"label": l, "score": s}))
                    .collect(),
            ))
        }
        "text-generation" | "text2text-generation" => text_generation(id, body),
        "text-to-image" => match inputs.as_str() {
            Some(prompt) if !prompt.trim().is_empty() => {
                let mut r = Response::new(axum::body::Body::from(png_for(prompt)));
                crate::util::set_header(&mut r, "content-type", "image/png");
                r
            }
            _ => validation("Input validation error: `inputs` must be a non-empty string"),
        },
        other => error_response(
            400,
            None,
            &format!("Task {other} is not supported by the test server for model {id}"),
        ),
    }
}

fn translate(text: &str) -> String {
    const DICT: &[(&str, &str)] = &[
        ("hello", "Hallo"),
        ("world", "Welt"),
        ("my", "Mein"),
        ("name", "Name"),
        ("is", "ist"),
        ("and", "und"),
        ("i", "ich"),
        ("live", "lebe"),
        ("in", "in"),
        ("the", "die"),
        ("house", "Haus"),
        ("good", "gut"),
        ("morning", "Morgen"),
        ("thank", "danke"),
        ("you", "du"),
        ("cat", "Katze"),
        ("dog", "Hund"),
    ];
    text.split(' ')
        .map(|w| {
            let core = w.trim_matches(|c: char| !c.is_alphanumeric());
            match DICT.iter().find(|(en, _)| en.eq_ignore_ascii_case(core)) {
                Some((_, de)) if !core.is_empty() => w.replacen(core, de, 1),
                _ => w.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn sse(events: Vec<String>) -> Response {
    let body: String = events.concat();
    let mut r = Response::new(Body::from(body));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn text_generation(id: &str, body: &Value) -> Response {
    let Some(prompt) = body["inputs"].as_str() else {
        return validation("Input validation error: `inputs` must be a string");
    };
    let params = &body["parameters"];
    let n = params["max_new_tokens"].as_u64().unwrap_or(20);
    let prompt_tokens = prompt.split_whitespace().count().max(1) as u64;
    if n + prompt_tokens > 1512 {
        return validation(&format!(
            "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 1512. Given: {prompt_tokens} `inputs` tokens and {n} `max_new_tokens`"
        ));
    }
    let tokens: Vec<&str> = (0..n as usize)
        .map(|i| GEN_WORDS[i % GEN_WORDS.len()])
        .collect();
    let generated: String = tokens.concat();
    let full = params["return_full_text"].as_bool().unwrap_or(false);
    let text = if full {
        format!("{prompt}{generated}")
    } else {
        generated
    };
    let tok_json = |i: usize, t: &str| json!({"id": 100 + i, "text": t, "logprob": -0.5 - (i as f64) * 0.01, "special": false});
    let _ = id;
    if body["stream"].as_bool().unwrap_or(false) {
        let mut events = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            let last = i + 1 == tokens.len();
            let ev = json!({
                "index": i + 1,
                "token": tok_json(i, t),
                "generated_text": if last { json!(text) } else { Value::Null },
                "details": if last { json!({"finish_reason": "length", "generated_tokens": n, "seed": null}) } else { Value::Null },
            });
            events.push(format!("data:{ev}\n\n"));
        }
        return sse(events);
    }
    let mut out = json!({"generated_text": text});
    if params["details"].as_bool().unwrap_or(false) {
        out["details"] = json!({
            "finish_reason": "length",
            "generated_tokens": n,
            "seed": null,
            "prefill": [],
            "tokens": tokens.iter().enumerate().map(|(i, t)| tok_json(i, t)).collect::<Vec<_>>(),
        });
    }
    ok_json(json!([out]))
}

fn last_user_message(body: &Value) -> Option<String> {
    let msgs = body["messages"].as_array()?;
    let m = msgs.iter().rev().find(|m| m["role"] == "user")?;
    match &m["content"] {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .filter_map(|p| p["text"].as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

/// Chat completion: the reply is always `You said: <last user message>`.
fn chat(id: &str, body: &Value) -> Response {
    let Some(msgs) = body["messages"].as_array() else {
        return validation("Input validation error: `messages` must be a non-empty list");
    };
    if msgs.is_empty() {
        return validation("Input validation error: `messages` must be a non-empty list");
    }
    let Some(last) = last_user_message(body) else {
        return validation("Input validation error: no user message");
    };
    let reply = format!("You said: {last}");
    let prompt_tokens: usize = msgs
        .iter()
        .map(|m| {
            m["content"]
                .as_str()
                .map(|s| s.split_whitespace().count())
                .unwrap_or(1)
                + 4
        })
        .sum();
    let pieces: Vec<String> = {
        let mut v = Vec::new();
        for (i, w) in reply.split(' ').enumerate() {
            v.push(if i == 0 {
                w.to_owned()
            } else {
                format!(" {w}")
            });
        }
        v
    };
    let completion_tokens = pieces.len();
    let created = now_secs();
    let cid = format!(
        "chatcmpl-{}",
        &sha1_hex(format!("{id}{reply}").as_bytes())[..24]
    );
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    });
    if body["stream"].as_bool().unwrap_or(false) {
        let mut events = Vec::new();
        for (i, p) in pieces.iter().enumerate() {
            let last = i + 1 == pieces.len();
            let chunk = json!({
                "object": "chat.completion.chunk",
                "id": cid,
                "created": created,
                "model": id,
                "system_fingerprint": "3.2.1-native",
                "choices": [{
                    "index": 0,
                    "delta": {"role": "assistant", "content": p},
                    "logprobs": null,
                    "finish_reason": if last { json!("stop") } else { Value::Null },
                }],
                "usage": null,
            });
            events.push(format!("data: {chunk}\n\n"));
        }
        if body["stream_options"]["include_usage"]
            .as_bool()
            .unwrap_or(false)
        {
            let chunk = json!({
                "object": "chat.completion.chunk", "id": cid, "created": created, "model": id,
                "system_fingerprint": "3.2.1-native", "choices": [], "usage": usage,
            });
            events.push(format!("data: {chunk}\n\n"));
        }
        events.push("data: [DONE]\n\n".to_owned());
        return sse(events);
    }
    ok_json(json!({
        "object": "chat.completion",
        "id": cid,
        "created": created,
        "model": id,
        "system_fingerprint": "3.2.1-native",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": reply},
            "logprobs": null,
            "finish_reason": "stop",
        }],
        "usage": usage,
    }))
}

/// Tasks whose input is the raw bytes of an image or a recording.
const BINARY_INPUT_TASKS: &[&str] = &["image-classification", "automatic-speech-recognition"];

/// Image classification and speech recognition: deterministic answers from the input bytes,
/// shaped like the recorded real ones. A JSON body `{"inputs": "<base64>"}` is accepted too.
fn binary_input_task(id: &str, task: &str, body: &[u8]) -> Response {
    use base64::Engine as _;
    let decoded;
    let input = match serde_json::from_slice::<Value>(body) {
        Ok(v) => match v["inputs"]
            .as_str()
            .map(|b| base64::engine::general_purpose::STANDARD.decode(b))
        {
            Some(Ok(bytes)) => {
                decoded = bytes;
                decoded.as_slice()
            }
            _ => return validation("Input validation error: `inputs` must be base64 data"),
        },
        Err(_) => body,
    };
    if input.is_empty() {
        return validation("Input validation error: the body must hold the input file");
    }
    let digest = sha256_hex(input);
    match task {
        "image-classification" => {
            const LABELS: &[&str] = &[
                "tabby, tabby cat",
                "Egyptian cat",
                "tiger cat",
                "golden retriever",
                "lynx, catamount",
                "remote control, remote",
            ];
            let mut scored: Vec<(&str, f64)> = LABELS
                .iter()
                .map(|l| (*l, 0.01 + unit(&format!("{digest}|{l}"))))
                .collect();
            let total: f64 = scored.iter().map(|(_, s)| s).sum();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1));
            ok_json(Value::Array(
                scored
                    .into_iter()
                    .take(5)
                    .map(|(l, s)| json!({"label": l, "score": ((s / total) as f32) as f64}))
                    .collect(),
            ))
        }
        _ => {
            const WORDS: &[&str] = &[
                "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "today",
            ];
            let words: Vec<&str> = digest
                .as_bytes()
                .chunks(2)
                .take(6)
                .map(|pair| WORDS[usize::from(pair[0]) % WORDS.len()])
                .collect();
            ok_json(json!({"text": format!(" {}.", words.join(" ")), "model": id}))
        }
    }
}

/// A small valid PNG (16x16, one colour from the prompt), stored without compression.
fn png_for(prompt: &str) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    const SIDE: u32 = 16;
    let digest = sha256_hex(prompt.as_bytes());
    let rgb: Vec<u8> = (0..3)
        .map(|i| u8::from_str_radix(&digest[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect();
    // Scanlines: filter byte 0, then RGB pixels.
    let row: Vec<u8> = std::iter::once(0)
        .chain(rgb.iter().copied().cycle().take(3 * SIDE as usize))
        .collect();
    let raw = row.repeat(SIDE as usize);
    // zlib: header, one stored deflate block, Adler-32.
    let mut zlib = vec![0x78, 0x01, 0x01];
    let len = raw.len() as u16;
    zlib.extend_from_slice(&len.to_le_bytes());
    zlib.extend_from_slice(&(!len).to_le_bytes());
    zlib.extend_from_slice(&raw);
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&SIDE.to_be_bytes());
    ihdr.extend_from_slice(&SIDE.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ner() {
        let v = entities("My name is Sarah Jessica Parker but you can call me Jessica");
        assert_eq!(v[0]["word"], "Sarah Jessica Parker");
        assert_eq!(v[0]["start"], 11);
        assert_eq!(v[0]["end"], 31);
        assert_eq!(v[1]["word"], "Jessica");
        assert_eq!(v[1]["start"], 52);
    }

    #[test]
    fn translation() {
        assert_eq!(translate("Hello world"), "Hallo Welt");
    }
}
