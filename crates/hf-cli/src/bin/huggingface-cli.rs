//! The legacy `huggingface-cli` binary: the same commands as `hf`, with a deprecation warning.

fn main() -> std::process::ExitCode {
    hf_cli::run(std::env::args_os(), true)
}
