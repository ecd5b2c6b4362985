//! The `download_file` example without async: `hf_hub::blocking` (feature `blocking`) has the
//! same handles and method names, synchronous. No runtime appears in this program.
//!
//! `cargo run -p hf-rs-hub --features blocking --example blocking_download -- openai-community/gpt2 config.json`
//!
//! The lines between `// task` and `// end task` are counted against `python/blocking_download.py`.

#![allow(
    clippy::print_stdout,
    reason = "an example prints its result for the caller"
)]

use hf_hub::blocking::HubApi;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [repo, file] = args.as_slice() else {
        return Err("usage: blocking_download REPO_ID FILE".into());
    };
    // task
    let path = HubApi::from_env()?.model(repo).download(file)?;
    // end task
    println!("{}", path.display());
    Ok(())
}
