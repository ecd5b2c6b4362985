//! Typed streams of server-sent events: [`EventStream`], with [`ChatStream`] and
//! [`TextGenerationStream`] as its two uses.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;

use hf_auth::HttpError;

use crate::chat::ChatCompletionChunk;
use crate::error::{Error, ModelErrorKind};
use crate::sse::{SseEvent, SseParser};
use crate::tasks::types::TextGenerationStreamOutput;

type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, HttpError>> + Send>>;
type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// A stream of typed items decoded from a server-sent-events response.
///
/// It ends after `data: [DONE]` or when the server closes the stream. An error event
/// (`{"error": ..., "error_type": ...}`) is yielded as [`Error::Model`] and ends the stream.
/// Dropping the stream closes the connection, which cancels generation on the server.
pub struct EventStream<T> {
    inner: ItemStream<T>,
}

/// Streamed chat completion chunks.
pub type ChatStream = EventStream<ChatCompletionChunk>;
/// Streamed text-generation tokens.
pub type TextGenerationStream = EventStream<TextGenerationStreamOutput>;

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    /// The next item, or `None` once the stream has ended (what `StreamExt::next` gives,
    /// without importing it).
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        self.inner.next().await
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

struct State {
    body: ByteStream,
    parser: SseParser,
    pending: VecDeque<SseEvent>,
    body_done: bool,
    ended: bool,
    url: String,
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    /// Decodes the events of a streaming response.
    pub(crate) fn from_response(response: hf_auth::http::HubResponse) -> Self {
        let url = response.url().to_string();
        Self::from_bytes(response.bytes_stream(), url)
    }

    /// Decodes events from any byte stream (`url` names the source in errors).
    pub(crate) fn from_bytes(
        bytes: impl Stream<Item = Result<Bytes, HttpError>> + Send + 'static,
        url: String,
    ) -> Self {
        let state = State {
            body: Box::pin(bytes),
            parser: SseParser::new(),
            pending: VecDeque::new(),
            body_done: false,
            ended: false,
            url,
        };
        let inner = futures_util::stream::unfold(state, |mut state| async move {
            let item = next_item::<T>(&mut state).await?;
            Some((item, state))
        });
        Self {
            inner: inner.boxed(),
        }
    }
}

async fn next_item<T: DeserializeOwned>(state: &mut State) -> Option<Result<T, Error>> {
    loop {
        if state.ended {
            return None;
        }
        if let Some(event) = state.pending.pop_front() {
            match decode_event::<T>(&event, &state.url) {
                Decoded::Item(item) => return Some(Ok(item)),
                Decoded::Skip => continue,
                Decoded::Done => {
                    state.ended = true;
                    return None;
                }
                Decoded::Split(lines) => {
                    // Some servers put one JSON document per `data:` line with no blank line between.
                    for line in lines.into_iter().rev() {
                        state.pending.push_front(SseEvent {
                            event: None,
                            data: line,
                        });
                    }
                    continue;
                }
                Decoded::Failed(error) => {
                    state.ended = true;
                    return Some(Err(error));
                }
            }
        }
        if state.body_done {
            state.ended = true;
            return None;
        }
        match state.body.next().await {
            Some(Ok(chunk)) => match state.parser.push(&chunk) {
                Ok(events) => state.pending.extend(events),
                Err(too_large) => {
                    state.ended = true;
                    return Some(Err(Error::decode(&state.url, too_large.to_string())));
                }
            },
            Some(Err(http)) => {
                state.ended = true;
                return Some(Err(Error::StreamBroken { source: http }));
            }
            None => {
                state.body_done = true;
                state.pending.extend(state.parser.finish());
            }
        }
    }
}

enum Decoded<T> {
    Item(T),
    Skip,
    Done,
    Split(Vec<String>),
    Failed(Error),
}

/// Decodes one event (`event:` field, `data`) as chat and text-generation streams do and
/// returns how many items came out; for the fuzz targets under `fuzz/` only.
#[doc(hidden)]
#[must_use]
pub fn fuzz_decode_event(event: Option<&str>, data: &str) -> usize {
    let event = SseEvent {
        event: event.map(str::to_owned),
        data: data.to_owned(),
    };
    count_items::<ChatCompletionChunk>(&event) + count_items::<TextGenerationStreamOutput>(&event)
}

/// How many `T` items one event decodes to (one per line when the event holds several).
fn count_items<T: DeserializeOwned>(event: &SseEvent) -> usize {
    match decode_event::<T>(event, "http://fuzz") {
        Decoded::Item(_) => 1,
        Decoded::Split(lines) => lines
            .into_iter()
            .filter(|line| {
                let split = SseEvent {
                    event: None,
                    data: line.clone(),
                };
                matches!(decode_event::<T>(&split, "http://fuzz"), Decoded::Item(_))
            })
            .count(),
        Decoded::Skip | Decoded::Done | Decoded::Failed(_) => 0,
    }
}

fn decode_event<T: DeserializeOwned>(event: &SseEvent, url: &str) -> Decoded<T> {
    let data = event.data.trim();
    if data == "[DONE]" {
        return Decoded::Done;
    }
    if data.is_empty() {
        return Decoded::Skip;
    }
    let value: Value = match serde_json::from_str(data) {
        Ok(value) => value,
        Err(error) => {
            let lines: Vec<String> = data
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect();
            if lines.len() > 1 {
                return Decoded::Split(lines);
            }
            if event.event.as_deref() == Some("error") {
                return Decoded::Failed(Error::Model {
                    kind: ModelErrorKind::from_type(None),
                    message: data.to_owned(),
                    status: None,
                });
            }
            return Decoded::Failed(Error::decode(
                url,
                format!("invalid JSON in a stream event: {error}"),
            ));
        }
    };
    if let Some(error) = error_in(&value) {
        return Decoded::Failed(error);
    }
    match serde_json::from_value(value) {
        Ok(item) => Decoded::Item(item),
        Err(error) => Decoded::Failed(Error::decode(
            url,
            format!("unexpected stream event: {error}"),
        )),
    }
}

/// An error object in a body or stream event: TGI's `{"error": "...", "error_type": "..."}` or
/// OpenAI's `{"error": {"message": "...", "type": "..."}}`.
pub(crate) fn error_in(value: &Value) -> Option<Error> {
    let error = value.get("error")?;
    let (message, error_type) = match error {
        Value::String(message) => (
            message.clone(),
            value.get("error_type").and_then(Value::as_str),
        ),
        Value::Object(obj) => (
            obj.get("message")
                .and_then(Value::as_str)
                .map_or_else(|| error.to_string(), str::to_owned),
            obj.get("type").and_then(Value::as_str),
        ),
        Value::Null => return None,
        other => (other.to_string(), None),
    };
    Some(Error::Model {
        kind: ModelErrorKind::from_type(error_type),
        message,
        status: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::stream;

    fn stream_of(chunks: &[&str]) -> ChatStream {
        let owned: Vec<Result<Bytes, HttpError>> = chunks
            .iter()
            .map(|c| Ok(Bytes::copy_from_slice(c.as_bytes())))
            .collect();
        EventStream::from_bytes(
            stream::iter(owned),
            "http://127.0.0.1/v1/chat/completions".to_owned(),
        )
    }

    const CHUNK_A: &str = r#"{"id":"","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}"#;
    const CHUNK_B: &str = r#"{"id":"","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}"#;

    #[tokio::test]
    async fn chunks_until_done_and_nothing_after() {
        let text =
            format!("data: {CHUNK_A}\n\ndata:{CHUNK_B}\n\ndata: [DONE]\n\ndata: {CHUNK_A}\n\n");
        let (left, right) = text.split_at(37);
        let items: Vec<_> = stream_of(&[left, right]).collect().await;
        let texts: Vec<String> = items
            .into_iter()
            .map(|i| i.unwrap().text().to_owned())
            .collect();
        assert_eq!(texts, vec!["Hel", "lo"]);
    }

    #[tokio::test]
    async fn error_events_become_typed_errors_and_end_the_stream() {
        let text = format!(
            "data: {CHUNK_A}\n\ndata: {{\"error\":\"Input validation error: too long\",\"error_type\":\"validation\"}}\n\ndata: {CHUNK_B}\n\n"
        );
        let items: Vec<_> = stream_of(&[&text]).collect().await;
        assert_eq!(items.len(), 2);
        match &items[1] {
            Err(Error::Model { kind, message, .. }) => {
                assert_eq!(*kind, ModelErrorKind::Validation);
                assert!(message.contains("too long"));
            }
            other => panic!("expected a model error, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn consecutive_data_lines_without_blank_lines_still_decode() {
        let text = format!("data: {CHUNK_A}\ndata: {CHUNK_B}\n");
        let items: Vec<_> = stream_of(&[&text]).collect().await;
        let texts: Vec<String> = items
            .into_iter()
            .map(|i| i.unwrap().text().to_owned())
            .collect();
        assert_eq!(texts, vec!["Hel", "lo"]);
    }

    #[tokio::test]
    async fn garbage_is_a_decode_error() {
        let items: Vec<_> = stream_of(&["data: {not json\n\n"]).collect().await;
        assert!(matches!(items.as_slice(), [Err(Error::Decode { .. })]));
    }
}
