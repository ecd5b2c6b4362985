//! Repo ids (`org/name`, with a type prefix), revisions, and the paths derived from them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(id) = text.parse::<hf_hub::RepoId>() {
        // A valid id must stay inside its cache folder and round-trip.
        let repo = hf_hub::Repo::model(id.clone());
        let folder = repo.cache_folder_name();
        assert!(!folder.contains('/') && !folder.contains('\\') && folder != ".." && folder != ".");
        assert_eq!(
            id.as_str().parse::<hf_hub::RepoId>().ok().as_ref(),
            Some(&id)
        );
        let _ = repo.api_path();
        let _ = repo.resolve_path("main", "a/b.txt");
    }
    let _ = text.parse::<hf_hub::RepoType>();
    if hf_hub::repo::validate_revision(text).is_ok() {
        let encoded = hf_hub::repo::encode_revision(text);
        assert!(!encoded.contains('/') && !encoded.contains('?') && !encoded.contains('#'));
    }
    if let Ok(path) = hf_hub::cache::safe_relative_path(text) {
        assert!(!path.split('/').any(|p| p == ".." || p.is_empty()));
        assert!(!path.starts_with('/') && !path.contains('\\') && !path.contains('\0'));
    }
});
