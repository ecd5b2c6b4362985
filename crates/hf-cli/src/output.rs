//! Data output: everything a command prints to stdout goes through [`Output`].
//!
//! Commands build a value that is `Serialize` (the `--format json` form) and
//! implements [`Render`] (the human form), then call [`Output::emit`]. Logs and
//! progress never go here: they go to stderr through `tracing`.
//!
//! Rust ignores `SIGPIPE`, so a closed pipe (`hf env | head -1`) shows up as an
//! `io::ErrorKind::BrokenPipe` write error. [`Output`] turns it into [`BrokenPipe`],
//! which `run` maps to a quiet exit with status 0.

use std::fmt;
use std::io::{self, Write};

use serde::Serialize;

/// How data is written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// Aligned `key: value` lines or tables, for people.
    Human,
    /// One JSON document, for programs.
    Json,
}

/// The human form of a command's result.
#[derive(Debug, Clone)]
pub(crate) enum Human {
    /// Aligned `key: value` lines.
    Fields(Vec<(String, String)>),
    /// A table with a header row; columns separated by two spaces.
    #[allow(dead_code, reason = "for list commands added by later issues")]
    Table {
        /// Column titles.
        headers: Vec<String>,
        /// One entry per row, as many cells as headers.
        rows: Vec<Vec<String>>,
    },
    /// Free text, printed as is (a newline is added when missing).
    Text(String),
}

/// A command result that can be printed in both formats.
pub(crate) trait Render: Serialize {
    /// The human form.
    fn human(&self) -> Human;
}

/// stdout was closed by the reader (for example `| head`): not an error for the user.
#[derive(Debug)]
pub(crate) struct BrokenPipe;

impl fmt::Display for BrokenPipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stdout was closed")
    }
}

impl std::error::Error for BrokenPipe {}

/// The stdout printer.
pub(crate) struct Output {
    format: OutputFormat,
    out: Box<dyn Write + Send>,
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Output")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl Output {
    /// A printer writing to the process's stdout.
    pub(crate) fn stdout(format: OutputFormat) -> Self {
        Self::new(format, Box::new(io::stdout()))
    }

    /// A printer writing to `out`.
    pub(crate) fn new(format: OutputFormat, out: Box<dyn Write + Send>) -> Self {
        Self { format, out }
    }

    /// The selected format.
    #[allow(dead_code, reason = "for commands that stream raw data")]
    pub(crate) fn format(&self) -> OutputFormat {
        self.format
    }

    /// Prints `value` in the selected format.
    ///
    /// # Errors
    /// [`BrokenPipe`] when the reader went away; other write or serialisation errors.
    pub(crate) fn emit<T: Render>(&mut self, value: &T) -> anyhow::Result<()> {
        let text = match self.format {
            // JSON escapes control characters itself; token-shaped strings are masked in both.
            OutputFormat::Json => {
                let mut json = serde_json::to_string_pretty(value)?;
                json.push('\n');
                hf_auth::sanitize::mask_tokens(&json).into_owned()
            }
            OutputFormat::Human => {
                hf_auth::sanitize::for_display(&render_human(&value.human())).into_owned()
            }
        };
        self.write_raw(text.as_bytes())
    }

    /// Prints `value` like [`Output::emit`] but without masking token-shaped strings: only for
    /// `hf auth token`, whose whole job is to hand the user's own token to a script. Control
    /// characters are still escaped.
    ///
    /// # Errors
    /// As [`Output::emit`].
    pub(crate) fn emit_revealing_secret<T: Render>(&mut self, value: &T) -> anyhow::Result<()> {
        let text = match self.format {
            OutputFormat::Json => {
                let mut json = serde_json::to_string_pretty(value)?;
                json.push('\n');
                json
            }
            OutputFormat::Human => {
                hf_auth::sanitize::escape_controls(&render_human(&value.human())).into_owned()
            }
        };
        self.write_raw(text.as_bytes())
    }

    /// Writes text that a server produced (streamed model output) with control characters
    /// escaped and token-shaped strings masked, and flushes.
    ///
    /// # Errors
    /// As [`Output::write_raw`].
    pub(crate) fn write_text(&mut self, text: &str) -> anyhow::Result<()> {
        let safe = hf_auth::sanitize::for_display(text);
        self.write_raw(safe.as_bytes())
    }

    /// Writes bytes as they are (text we produced ourselves, such as a completion script) and flushes.
    ///
    /// # Errors
    /// [`BrokenPipe`] when the reader went away; other write errors.
    pub(crate) fn write_raw(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.out
            .write_all(bytes)
            .and_then(|()| self.out.flush())
            .map_err(|error| {
                if error.kind() == io::ErrorKind::BrokenPipe {
                    anyhow::Error::new(BrokenPipe)
                } else {
                    anyhow::Error::new(error).context("could not write to stdout")
                }
            })
    }
}

/// The text for a [`Human`] value, ending with a newline unless empty.
pub(crate) fn render_human(human: &Human) -> String {
    let mut out = String::new();
    match human {
        Human::Fields(fields) => {
            let width = fields
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0)
                + 1;
            for (key, value) in fields {
                let label = format!("{key}:");
                out.push_str(format!("{label:<width$} {value}").trim_end());
                out.push('\n');
            }
        }
        Human::Table { headers, rows } => {
            let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
            for row in rows {
                for (i, cell) in row.iter().enumerate() {
                    if let Some(w) = widths.get_mut(i) {
                        *w = (*w).max(cell.chars().count());
                    }
                }
            }
            for row in std::iter::once(headers).chain(rows) {
                let line: Vec<String> = row
                    .iter()
                    .enumerate()
                    .map(|(i, cell)| format!("{cell:<w$}", w = widths.get(i).copied().unwrap_or(0)))
                    .collect();
                out.push_str(line.join("  ").trim_end());
                out.push('\n');
            }
        }
        Human::Text(text) => {
            out.push_str(text);
            if !text.is_empty() && !text.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_aligned() {
        let text = render_human(&Human::Fields(vec![
            ("a".into(), "1".into()),
            ("longer key".into(), "2".into()),
            ("empty".into(), String::new()),
        ]));
        assert_eq!(text, "a:          1\nlonger key: 2\nempty:\n");
    }

    #[test]
    fn tables_pad_columns() {
        let text = render_human(&Human::Table {
            headers: vec!["ID".into(), "SIZE".into()],
            rows: vec![
                vec!["gpt2".into(), "1".into()],
                vec!["x".into(), "200".into()],
            ],
        });
        assert_eq!(text, "ID    SIZE\ngpt2  1\nx     200\n");
    }

    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn broken_pipe_is_recognised() {
        let mut output = Output::new(OutputFormat::Human, Box::new(ClosedPipe));
        let error = output.write_raw(b"x").unwrap_err();
        assert!(error.is::<BrokenPipe>());
    }
}
