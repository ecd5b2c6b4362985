//! `Link` headers of paginated listings: the next page must be an absolute URL.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = url::Url::parse("https://huggingface.co/api/models?limit=10").unwrap();
    if let Some(next) = hf_hub::tree::next_link(text, &base) {
        assert!(!next.cannot_be_a_base() || next.scheme() != "https");
    }
});
