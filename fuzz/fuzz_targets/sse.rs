//! Server-sent events split at arbitrary points: the same events whatever the split, and
//! never more than the size limit buffered.
#![no_main]

use hf_inference::sse::{MAX_EVENT_BYTES, SseParser};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, body)) = data.split_first() else {
        return;
    };
    let mut whole = SseParser::new();
    let mut events = whole.push(body).ok();
    if let Some(events) = events.as_mut() {
        events.extend(whole.finish());
    }
    let mut pieces = SseParser::new();
    let step = usize::from(split).max(1);
    let mut split_events = Some(Vec::new());
    for chunk in body.chunks(step) {
        match pieces.push(chunk) {
            Ok(more) => split_events.as_mut().unwrap().extend(more),
            Err(_) => {
                split_events = None;
                break;
            }
        }
    }
    if let Some(events) = split_events.as_mut() {
        events.extend(pieces.finish());
    }
    if let (Some(a), Some(b)) = (&events, &split_events) {
        assert_eq!(a, b, "events depend on how the bytes were split");
        assert!(a.iter().all(|e| e.data.len() <= MAX_EVENT_BYTES + 1));
    }
});
