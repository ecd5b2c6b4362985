//! A small Server-Sent Events parser: bytes in (split anywhere), complete events out. Model
//! streams (`hf-inference`) and Space logs (`hf-hub`) both read through it.
//!
//! It follows the WHATWG rules that matter for model servers: lines end with `\n`, `\r\n`
//! or `\r` (also when the `\r` and `\n` arrive in different chunks); `data:` lines of one
//! event are joined with `\n`; a blank line ends the event; `:` lines are comments; one
//! space after the colon is dropped (`data:{...}` and `data: {...}` both occur in the wild).
//! It never panics on any input and holds at most [`MAX_EVENT_BYTES`] of buffered data.

/// The largest event (or unterminated line) accepted, to bound memory against a hostile server.
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// The `event:` field, when one was given.
    pub event: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
}

/// The stream broke the size limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a server-sent event is larger than {MAX_EVENT_BYTES} bytes")]
pub struct SseTooLarge;

/// Incremental parser state. Feed chunks with [`SseParser::push`], then call [`SseParser::finish`]
/// when the byte stream ends.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    skip_lf: bool,
    data: String,
    has_data: bool,
    event: Option<String>,
}

impl SseParser {
    /// A parser at the start of a stream.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Consumes `chunk` and returns the events it completed, in order.
    ///
    /// # Errors
    /// When a line or an event grows beyond [`MAX_EVENT_BYTES`].
    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, SseTooLarge> {
        let mut events = Vec::new();
        let mut rest = chunk;
        if self.skip_lf && !rest.is_empty() {
            // A `\r` ended the previous chunk: a `\n` starting this one belongs to it.
            if rest[0] == b'\n' {
                rest = &rest[1..];
            }
            self.skip_lf = false;
        }
        while let Some(pos) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.line.extend_from_slice(&rest[..pos]);
            let terminator = rest[pos];
            rest = &rest[pos + 1..];
            if terminator == b'\r' {
                match rest.first() {
                    Some(b'\n') => rest = &rest[1..],
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            } else {
                self.skip_lf = false;
            }
            let line = std::mem::take(&mut self.line);
            if let Some(event) = self.take_line(&line)? {
                events.push(event);
            }
        }
        self.line.extend_from_slice(rest);
        if self.line.len() > MAX_EVENT_BYTES {
            return Err(SseTooLarge);
        }
        Ok(events)
    }

    /// Ends the stream: a last event not followed by a blank line is still returned
    /// (servers that close right after their final `data:` line are common).
    #[must_use]
    pub fn finish(&mut self) -> Option<SseEvent> {
        let line = std::mem::take(&mut self.line);
        if !line.is_empty() {
            // Cannot grow past the limit: `push` already checked the line.
            if let Ok(Some(event)) = self.take_line(&line) {
                return Some(event);
            }
        }
        self.dispatch()
    }

    fn take_line(&mut self, line: &[u8]) -> Result<Option<SseEvent>, SseTooLarge> {
        if line.is_empty() {
            return Ok(self.dispatch());
        }
        if line[0] == b':' {
            return Ok(None);
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&String::from_utf8_lossy(value));
                self.has_data = true;
                if self.data.len() > MAX_EVENT_BYTES {
                    return Err(SseTooLarge);
                }
            }
            b"event" => self.event = Some(String::from_utf8_lossy(value).into_owned()),
            // `id` and `retry` only matter for reconnecting, which our callers do themselves.
            _ => {}
        }
        Ok(None)
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = self.event.take();
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_pieces(input: &[u8], cut: &[usize]) -> Vec<SseEvent> {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        let mut start = 0;
        for &end in cut.iter().chain(std::iter::once(&input.len())) {
            let end = end.clamp(start, input.len());
            events.extend(parser.push(&input[start..end]).unwrap());
            start = end;
        }
        events.extend(parser.finish());
        events
    }

    fn data(events: &[SseEvent]) -> Vec<&str> {
        events.iter().map(|e| e.data.as_str()).collect()
    }

    #[test]
    fn both_data_spellings_and_done() {
        let input = b"data:{\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n";
        assert_eq!(
            data(&parse_in_pieces(input, &[])),
            vec!["{\"a\":1}", "{\"b\":2}", "[DONE]"]
        );
    }

    #[test]
    fn every_split_point_gives_the_same_events() {
        let input = "data: h\u{e9}llo\r\n\r\n: comment\nevent: x\ndata: a\ndata:b\n\ndata: \u{1F600}\r\rdata: last".as_bytes();
        let whole = parse_in_pieces(input, &[]);
        assert_eq!(
            data(&whole),
            vec!["h\u{e9}llo", "a\nb", "\u{1F600}", "last"]
        );
        assert_eq!(whole[1].event.as_deref(), Some("x"));
        for i in 0..=input.len() {
            for j in i..=input.len() {
                assert_eq!(parse_in_pieces(input, &[i, j]), whole, "cut at {i},{j}");
            }
        }
    }

    #[test]
    fn crlf_split_between_chunks_is_one_line_end() {
        let mut parser = SseParser::new();
        assert!(parser.push(b"data: x\r").unwrap().is_empty());
        // The `\n` completes the `\r\n`; the following `\r\n` is the blank line.
        assert_eq!(data(&parser.push(b"\n\r\n").unwrap()), vec!["x"]);
    }

    #[test]
    fn events_without_data_are_not_dispatched() {
        assert!(
            parse_in_pieces(b"event: ping\n\n: keep-alive\n\nretry: 10\nid: 3\n\n", &[]).is_empty()
        );
        assert_eq!(data(&parse_in_pieces(b"data\n\n", &[])), vec![""]);
    }

    #[test]
    fn oversized_lines_are_refused() {
        let mut parser = SseParser::new();
        let big = vec![b'a'; MAX_EVENT_BYTES + 1];
        assert_eq!(parser.push(&big), Err(SseTooLarge));
    }
}
