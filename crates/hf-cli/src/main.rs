//! The `hf` binary.

fn main() -> std::process::ExitCode {
    hf_cli::run(std::env::args_os(), false)
}
