//! Downloads the files of a repo that match the patterns (`*.json`, `*.safetensors`...) into
//! the shared cache, and prints the snapshot folder.
//!
//! `cargo run -p hf-rs-hub --example snapshot_with_patterns -- openai-community/gpt2 '*.json'`

#![allow(
    clippy::print_stdout,
    reason = "an example prints its result for the caller"
)]

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let repo = args
        .next()
        .ok_or("usage: snapshot_with_patterns REPO_ID [PATTERN...]")?;
    let snapshot = args.fold(
        hf_hub::HubApi::from_env()?.model(&repo).snapshot(),
        |s, p| s.include(&p),
    );
    println!("{}", snapshot.run().await?.display());
    Ok(())
}
