//! `cargo xtask test-server [ARGS]...`: runs the local Hub in the foreground.

use crate::util;

/// Runs `hf-test-server` with a fresh temporary `--data-dir` unless ARGS name one.
pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let mut command = util::cargo(&["run", "--quiet", "-p", "hf-test-server", "--"]);
    if !args
        .iter()
        .any(|a| a == "--data-dir" || a.starts_with("--data-dir="))
    {
        let data_dir = std::env::temp_dir().join(format!("hf-test-server-{}", std::process::id()));
        std::fs::create_dir_all(&data_dir)?;
        command.arg("--data-dir").arg(&data_dir);
    }
    command.args(args);
    util::run(&mut command)
}
