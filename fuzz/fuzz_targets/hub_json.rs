//! JSON answers of the Hub: tree pages, repo info, listings.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = serde_json::from_slice::<Vec<hf_hub::tree::TreeEntry>>(data) {
        for entry in &entries {
            let _ = entry.etag();
            let _ = entry.content_size();
            let _ = hf_hub::cache::safe_relative_path(&entry.path);
        }
    }
    let _ = serde_json::from_slice::<hf_hub::api::RepoInfo>(data);
    let _ = serde_json::from_slice::<Vec<hf_hub::api::RepoInfo>>(data);
});
