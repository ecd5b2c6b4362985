//! Streams a chat answer from Inference Providers with the environment's token
//! (`HF_TOKEN`, the token file or the OS keyring; `HF_ROUTER_URL` for another router) and
//! prints it as it arrives.
//!
//! `cargo run -p hf-inference --example chat_stream -- meta-llama/Llama-3.1-8B-Instruct "What is deep learning?"`
//!
//! The lines between `// task` and `// end task` are counted against `python/chat_stream.py`.

#![allow(
    clippy::print_stdout,
    reason = "an example prints its result for the caller"
)]

use hf_inference::{ChatCompletionRequest, InferenceClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [model, prompt] = args.as_slice() else {
        return Err("usage: chat_stream MODEL PROMPT".into());
    };
    // task
    let mut stream = InferenceClient::from_env()?
        .chat_completion_stream(model, ChatCompletionRequest::user(prompt))
        .await?;
    while let Some(chunk) = stream.next().await {
        print!("{}", chunk?.text());
    }
    // end task
    println!();
    Ok(())
}
