//! Stream events as decoded by chat and text-generation streams (JSON, `[DONE]`, several
//! JSON objects in one event as newline-delimited JSON, error objects).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (event, data) = match text.split_once('\n') {
        Some((event, data)) if event.len() < 16 => (Some(event), data),
        _ => (None, text),
    };
    let _ = hf_inference::fuzzing::decode_stream_event(event, data);
});
