//! `docs/reference/environment.md` is generated from the registry in `src/env.rs`.
//! This test fails when they differ; `HF_UPDATE_GENERATED=1` (or `cargo xtask codegen`)
//! rewrites the file instead.

use std::path::Path;

#[test]
fn environment_reference_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/reference/environment.md");
    let expected = hf_auth::env::render_markdown();
    #[allow(
        clippy::disallowed_methods,
        reason = "a test switch for the generator, not a setting of the product"
    )]
    let update = std::env::var_os("HF_UPDATE_GENERATED").is_some_and(|v| v == "1");
    if update {
        std::fs::write(&path, &expected).expect("write docs/reference/environment.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/reference/environment.md is out of date with crates/hf-auth/src/env.rs; \
         run `cargo xtask codegen` and commit it"
    );
}
