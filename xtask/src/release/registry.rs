//! Whether crates.io names are free, ours, or someone else's.

use std::process::{Command, Stdio};

/// What the registry says about one package name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NameStatus {
    /// No crate of that name.
    Free,
    /// Published before from our repository.
    Ours { latest: String },
    /// Someone else's crate.
    Taken {
        latest: String,
        repository: Option<String>,
        description: Option<String>,
    },
    /// The registry could not be asked.
    Unknown(String),
}

/// Asks the registry index cargo uses (`cargo info`, run outside the workspace so the
/// local package does not answer) who owns `name`.
pub(super) fn registry_status(name: &str, our_repository: Option<&str>) -> NameStatus {
    let mut command = Command::new("cargo");
    command
        .args(["info", name])
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::null());
    let output = match command.output() {
        Ok(output) => output,
        Err(error) => return NameStatus::Unknown(format!("could not run cargo info: {error}")),
    };
    classify_info(
        output.status.success(),
        &String::from_utf8_lossy(&output.stdout),
        &String::from_utf8_lossy(&output.stderr),
        our_repository,
    )
}

/// Reads `cargo info` output: not found = free; found with our repository = ours.
pub(super) fn classify_info(
    success: bool,
    stdout: &str,
    stderr: &str,
    our_repository: Option<&str>,
) -> NameStatus {
    if !success {
        if stderr.contains("could not find") {
            return NameStatus::Free;
        }
        let why = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("cargo info failed");
        return NameStatus::Unknown(why.to_owned());
    }
    let field = |key: &str| {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(key).map(|v| v.trim().to_owned()))
    };
    let latest = field("version:").unwrap_or_else(|| "?".to_owned());
    let repository = field("repository:");
    let normalise = |url: &str| {
        url.trim_end_matches('/')
            .trim_end_matches(".git")
            .to_ascii_lowercase()
    };
    let ours = match (repository.as_deref(), our_repository) {
        (Some(theirs), Some(ours)) => normalise(theirs) == normalise(ours),
        _ => false,
    };
    if ours {
        NameStatus::Ours { latest }
    } else {
        // The description is the line after the name line (and its keywords).
        let description = stdout
            .lines()
            .nth(1)
            .filter(|l| !l.contains(':'))
            .map(str::to_owned);
        NameStatus::Taken {
            latest,
            repository,
            description,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_info_output_is_classified() {
        let ours = "https://github.com/hf-rs/hf";
        assert_eq!(
            classify_info(
                false,
                "",
                "error: could not find `hf-auth` in registry `crates-io`",
                Some(ours)
            ),
            NameStatus::Free
        );
        let taken = "hf-cli\nLocal HoneyForge honeypot lifecycle CLI\nversion: 0.1.0\nrepository: https://github.com/Unkno394/MellCore\n";
        assert_eq!(
            classify_info(true, taken, "", Some(ours)),
            NameStatus::Taken {
                latest: "0.1.0".to_owned(),
                repository: Some("https://github.com/Unkno394/MellCore".to_owned()),
                description: Some("Local HoneyForge honeypot lifecycle CLI".to_owned()),
            }
        );
        let published =
            "hf-auth #hub\nTokens\nversion: 0.1.0\nrepository: https://github.com/hf-rs/hf.git\n";
        assert_eq!(
            classify_info(true, published, "", Some(ours)),
            NameStatus::Ours {
                latest: "0.1.0".to_owned()
            }
        );
        assert!(matches!(
            classify_info(
                false,
                "",
                "error: failed to query the index: timeout",
                Some(ours)
            ),
            NameStatus::Unknown(_)
        ));
    }
}
