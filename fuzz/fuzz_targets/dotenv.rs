//! `.env` files.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(env) = hf_auth::dotenv::DotEnv::parse(text, ".env") {
        for name in ["HF_TOKEN", "HF_HOME", "HF_ENDPOINT", ""] {
            let _ = env.value(name);
        }
    }
});
