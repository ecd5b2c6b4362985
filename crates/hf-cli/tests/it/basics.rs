//! Help, version, usage errors, exit codes and broken pipes.

use std::process::Stdio;

use crate::common::TestEnv;

#[test]
fn help_lists_commands_and_global_options() {
    let env = TestEnv::new();
    hf_snapshot!(env, ["--help"]);
}

#[test]
fn no_arguments_prints_help_and_exits_2() {
    let env = TestEnv::new();
    let outcome = env.run::<_, &str>([]);
    assert_eq!(outcome.code, Some(2));
    assert!(
        outcome.stderr.contains("Usage: hf [OPTIONS] <COMMAND>"),
        "{}",
        outcome.stderr
    );
    assert_eq!(outcome.stdout, "");
}

#[test]
fn version_in_both_formats() {
    let env = TestEnv::new();
    hf_snapshot!(env, ["version"], @r"
    status: 0
    ----- stdout -----
    hf [VERSION]
    ");
    hf_snapshot!(env, ["--version"], @r"
    status: 0
    ----- stdout -----
    hf [VERSION]
    ");
    let outcome = hf_snapshot!(env, ["version", "--format", "json"], @r#"
    status: 0
    ----- stdout -----
    {
      "version": "[VERSION]"
    }
    "#);
    assert_eq!(outcome.json()["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let env = TestEnv::new();
    hf_snapshot!(env, ["frobnicate"], @r"
    status: 2
    ----- stderr -----
    error: unrecognized subcommand 'frobnicate'

    Usage: hf [OPTIONS] <COMMAND>

    For more information, try '--help'.
    ");
}

#[test]
fn bad_flags_and_values_are_usage_errors() {
    let env = TestEnv::new();
    for args in [
        &["env", "--no-such-flag"][..],
        &["env", "--format", "yaml"],
        &["--format"],
        &["version", "-q", "-v"],
    ] {
        let outcome = env.run(args);
        assert_eq!(outcome.code, Some(2), "{args:?}: {}", outcome.transcript());
        assert!(
            outcome.stderr.starts_with("error: "),
            "{args:?}: {}",
            outcome.stderr
        );
        assert_eq!(outcome.stdout, "", "{args:?}");
    }
}

#[test]
fn global_options_are_accepted_after_the_subcommand() {
    let env = TestEnv::new();
    let outcome = env.run(["version", "--format", "json", "-vv"]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    assert_eq!(outcome.json()["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn legacy_binary_runs_the_same_commands_with_a_warning() {
    let env = TestEnv::new();
    let output = env.legacy_command(["version"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("hf {}\n", env!("CARGO_PKG_VERSION"))
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`huggingface-cli` is deprecated"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "NO_COLOR is set, yet: {stderr:?}"
    );
}

/// `hf env | head -0`: the reader is gone before anything is written. Rust ignores
/// SIGPIPE, so the write fails with EPIPE; hf must exit 0 and print nothing.
#[test]
fn closed_stdout_exits_quietly() {
    let env = TestEnv::new();
    for args in [
        &["env"][..],
        &["env", "--format", "json"],
        &["--help"],
        &["version"],
    ] {
        let (reader, writer) = std::io::pipe().expect("create a pipe");
        drop(reader);
        let output = env
            .command(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("run hf");
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
    }
}
