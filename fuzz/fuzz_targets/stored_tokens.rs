//! The `stored_tokens` INI file: parse, and a parsed file must render and re-parse to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(tokens) = hf_auth::store::StoredTokens::parse(text) {
        let rendered = tokens.render();
        let again = hf_auth::store::StoredTokens::parse(&rendered)
            .unwrap_or_else(|e| panic!("a rendered file must parse: {e}\n{rendered}"));
        assert_eq!(again.render(), rendered, "render/parse must be stable");
    }
});
