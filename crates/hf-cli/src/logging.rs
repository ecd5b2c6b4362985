//! Logs and progress messages go to stderr through `tracing`.
//!
//! Level, most specific first: `RUST_LOG` (full filter directives), then `-q`
//! (errors only) or `-v`/`-vv`/`-vvv`, then `HF_DEBUG` (debug), then
//! `HF_HUB_VERBOSITY`, then `warning`. Levels below `-vvv` apply to our crates;
//! dependencies stay at `warn`. No ANSI colour when `NO_COLOR` is set or stderr is
//! not a terminal. Tokens never reach logs: the HTTP core logs redacted URLs only.

use std::io::IsTerminal;

use hf_auth::env::{self, EnvSource};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::MakeExt as _;

/// Our crates, which get the chosen level; everything else stays at `warn`.
const OUR_CRATES: &[&str] = &["hf_cli", "hf_auth", "hf_hub", "hf_inference"];

/// The filter directives for the given flags and environment.
pub(crate) fn directives(verbose: u8, quiet: bool, source: &dyn EnvSource) -> String {
    if let Some(rust_log) = source.get(&env::RUST_LOG) {
        return rust_log;
    }
    let level = if quiet {
        "error"
    } else {
        match verbose {
            0 if source.flag(&env::HF_DEBUG) => "debug",
            0 => source
                .get(&env::HF_HUB_VERBOSITY)
                .and_then(|v| python_level(&v))
                .unwrap_or("warn"),
            1 => "info",
            2 => "debug",
            _ => return "trace".to_owned(),
        }
    };
    let ours = OUR_CRATES
        .iter()
        .map(|krate| format!("{krate}={level}"))
        .collect::<Vec<_>>()
        .join(",");
    let others = if level == "error" { "error" } else { "warn" };
    format!("{others},{ours}")
}

/// Maps a Python logging level name to a tracing level.
fn python_level(name: &str) -> Option<&'static str> {
    match name.trim().to_ascii_lowercase().as_str() {
        "debug" => Some("debug"),
        "info" => Some("info"),
        "warn" | "warning" => Some("warn"),
        "error" | "critical" | "fatal" => Some("error"),
        _ => None,
    }
}

/// Whether colour is allowed on a stream that `is_terminal` describes.
pub(crate) fn use_color(source: &dyn EnvSource, is_terminal: bool) -> bool {
    // NO_COLOR counts when set to any non-empty value (https://no-color.org).
    is_terminal && source.get(&env::NO_COLOR).is_none()
}

/// Installs the global subscriber. A malformed `RUST_LOG` falls back to the
/// flag-based level with a warning instead of failing the command.
pub(crate) fn init(verbose: u8, quiet: bool, source: &dyn EnvSource) {
    let wanted = directives(verbose, quiet, source);
    let (filter, bad_rust_log) = match EnvFilter::try_new(&wanted) {
        Ok(filter) => (filter, None),
        Err(error) => {
            let fallback = directives(verbose, quiet, &WithoutRustLog(source));
            (EnvFilter::new(fallback), Some(error))
        }
    };
    let ansi = use_color(source, std::io::stderr().is_terminal());
    // Log fields may quote a server (an error message, a path): every value is shown through
    // `sanitize`, so no escape sequence or token-shaped string reaches stderr at any level.
    let fields = tracing_subscriber::fmt::format::debug_fn(|writer, field, value| {
        let text = format!("{value:?}");
        let safe = hf_auth::sanitize::for_display(&text);
        if field.name() == "message" {
            write!(writer, "{safe}")
        } else {
            write!(writer, "{field}={safe}")
        }
    })
    .delimited(" ");
    let _ = tracing_subscriber::fmt()
        .fmt_fields(fields)
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_target(verbose >= 2)
        .without_time()
        .try_init();
    if let Some(error) = bad_rust_log {
        tracing::warn!("ignoring RUST_LOG: {error}");
    }
}

/// The environment with `RUST_LOG` hidden, for the fallback filter.
struct WithoutRustLog<'a>(&'a dyn EnvSource);

impl EnvSource for WithoutRustLog<'_> {
    fn raw(&self, var: &env::EnvVar) -> Option<String> {
        if var.name == env::RUST_LOG.name {
            None
        } else {
            self.0.raw(var)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hf_auth::env::MapEnv;

    #[test]
    fn precedence_is_rust_log_then_flags_then_environment() {
        let env = MapEnv::new();
        assert!(directives(0, false, &env).contains("hf_hub=warn"));
        assert!(directives(1, false, &env).contains("hf_cli=info"));
        assert!(directives(2, false, &env).contains("hf_auth=debug"));
        assert_eq!(directives(3, false, &env), "trace");
        assert_eq!(
            directives(0, true, &env),
            "error,hf_cli=error,hf_auth=error,hf_hub=error,hf_inference=error"
        );

        let env = MapEnv::new().with("HF_HUB_VERBOSITY", "info");
        assert!(directives(0, false, &env).contains("hf_hub=info"));
        let env = env.with("HF_DEBUG", "1");
        assert!(directives(0, false, &env).contains("hf_hub=debug"));
        assert!(directives(0, true, &env).contains("hf_hub=error"));
        let env = env.with("RUST_LOG", "reqwest=trace");
        assert_eq!(directives(3, false, &env), "reqwest=trace");
    }

    #[test]
    fn no_color_and_non_terminals_disable_colour() {
        assert!(use_color(&MapEnv::new(), true));
        assert!(!use_color(&MapEnv::new(), false));
        assert!(!use_color(&MapEnv::new().with("NO_COLOR", "1"), true));
        assert!(use_color(&MapEnv::new().with("NO_COLOR", ""), true));
    }
}
