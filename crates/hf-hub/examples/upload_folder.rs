//! Uploads a local folder to an existing model repo with the environment's token (checked
//! for write access, and the files scanned for secrets, before anything is sent), and prints
//! the commit's URL (or the unchanged head when the Hub already had every file).
//!
//! `cargo run -p hf-rs-hub --example upload_folder -- my-user/my-model ./output`
//!
//! The lines between `// task` and `// end task` are counted against `python/upload_folder.py`.

#![allow(
    clippy::print_stdout,
    reason = "an example prints its result for the caller"
)]

use hf_hub::HubApi;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [repo, folder] = args.as_slice() else {
        return Err("usage: upload_folder REPO_ID FOLDER".into());
    };
    // task
    let report = HubApi::from_env()?
        .model(repo)
        .upload_folder(folder)
        .run()
        .await?;
    // end task
    match report.last_commit() {
        Some(commit) => println!("{}", commit.commit_url),
        None => println!("unchanged at {}", report.head.unwrap_or_default()),
    }
    Ok(())
}
