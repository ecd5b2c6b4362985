//! Downloads the files of a repo that match the patterns given (all of them without any)
//! into the shared cache, and prints the snapshot folder.
//!
//! `cargo run -p hf-rs-hub --example snapshot_with_patterns -- openai-community/gpt2 '*.json' '*.txt'`
//!
//! The lines between `// task` and `// end task` are counted against `python/snapshot_with_patterns.py`.

#![allow(
    clippy::print_stdout,
    reason = "an example prints its result for the caller"
)]

use hf_hub::HubApi;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [repo, patterns @ ..] = args.as_slice() else {
        return Err("usage: snapshot_with_patterns REPO_ID [PATTERN...]".into());
    };
    // task
    let folder = HubApi::from_env()?
        .model(repo)
        .snapshot()
        .include_all(patterns)
        .run()
        .await?;
    // end task
    println!("{}", folder.display());
    Ok(())
}
