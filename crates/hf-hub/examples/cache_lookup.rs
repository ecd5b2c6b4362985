//! Looks a file up in the shared cache, without any network: prints its path, or fails when
//! it is not cached. Synchronous: no async runtime.
//!
//! `cargo run -p hf-rs-hub --example cache_lookup -- openai-community/gpt2 config.json [REVISION]`
//!
//! The lines between `// task` and `// end task` are counted against `python/cache_lookup.py`.

#![allow(
    clippy::print_stdout,
    reason = "an example prints its result for the caller"
)]

use hf_hub::cache::Cache;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [repo, file, rest @ ..] = args.as_slice() else {
        return Err("usage: cache_lookup REPO_ID FILE [REVISION]".to_owned());
    };
    let revision = rest.first().map_or("main", String::as_str);
    // task
    let found = Cache::from_env().model(repo).get_at(file, revision);
    // end task
    let path =
        found.ok_or_else(|| format!("{file} of {repo} at '{revision}' is not in the cache"))?;
    println!("{}", path.display());
    Ok(())
}
