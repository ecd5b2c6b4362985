//! Downloads one file into the shared cache with the environment's token and settings
//! (`HF_ENDPOINT`, `HF_TOKEN` or the token file, `HF_HOME`...), and prints its path.
//!
//! `cargo run -p hf-rs-hub --example download_file -- openai-community/gpt2 config.json`
//!
//! The lines between `// task` and `// end task` are the ones counted against the Python
//! equivalent in `python/download_file.py` (`cargo xtask e2e` prints both counts).

#![allow(
    clippy::print_stdout,
    reason = "an example prints its result for the caller"
)]

use hf_hub::HubApi;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [repo, file] = args.as_slice() else {
        return Err("usage: download_file REPO_ID FILE".into());
    };
    // task
    let path = HubApi::from_env()?.model(repo).download(file).await?;
    // end task
    println!("{}", path.display());
    Ok(())
}
