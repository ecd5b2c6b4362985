//! Downloads one file into the shared cache with the environment's token and settings
//! (`HF_ENDPOINT`, `HF_TOKEN` or the token file, `HF_HOME`...), and prints its path.
//!
//! `cargo run -p hf-rs-hub --example download_file -- openai-community/gpt2 config.json`

#![allow(
    clippy::print_stdout,
    reason = "an example prints its result for the caller"
)]

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let [repo, file] = arguments(["REPO_ID", "FILE"])?;
    let path = hf_hub::HubApi::from_env()?
        .model(&repo)
        .download(&file)
        .await?;
    println!("{}", path.display());
    Ok(())
}

/// The command-line arguments named `names`, in order.
fn arguments<const N: usize>(names: [&str; N]) -> Result<[String; N], String> {
    let given: Vec<String> = std::env::args().skip(1).collect();
    given
        .try_into()
        .map_err(|_| format!("usage: download_file {}", names.join(" ")))
}
