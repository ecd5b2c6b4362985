//! Data output: everything a command prints to stdout goes through [`Output`].
//!
//! Commands build a value that is `Serialize` (the `--format json` form) and
//! implements [`Render`] (the human form, and the ids `--format quiet` prints), then call
//! [`Output::emit`]. The other forms follow the Python CLI's conventions: `agent` is the
//! human form made compact and stable (tables as tab-separated values with snake_case
//! headers and nothing truncated, fields as `key=value` lines), `quiet` is one id or path
//! a line, and `auto` (the default) is `human` on a terminal and `agent` otherwise. Logs and
//! progress never go here: they go to stderr through `tracing`.
//!
//! Rust ignores `SIGPIPE`, so a closed pipe (`hf env | head -1`) shows up as an
//! `io::ErrorKind::BrokenPipe` write error. [`Output`] turns it into [`BrokenPipe`],
//! which `run` maps to a quiet exit with status 0.

use std::fmt;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

/// How data is written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OutputFormat {
    /// `human` when stdout is a terminal, `agent` otherwise.
    Auto,
    /// Aligned `key: value` lines or tables, for people; long cells are cut to the width.
    Human,
    /// Compact and stable, for programs and assistants: tab-separated tables, `key=value` lines.
    Agent,
    /// One JSON document, for programs.
    Json,
    /// One id or path a line.
    Quiet,
}

impl OutputFormat {
    /// `auto` made concrete for a stdout that `is_terminal` describes.
    pub(crate) fn resolve(self, is_terminal: bool) -> Self {
        match self {
            Self::Auto if is_terminal => Self::Human,
            Self::Auto => Self::Agent,
            other => other,
        }
    }
}

/// The columns assumed when neither `COLUMNS` nor the terminal says (as Python's
/// `shutil.get_terminal_size`).
pub(crate) const DEFAULT_WIDTH: usize = 80;

/// `523 B`, `1.2 MB`: decimal units, as Python's `format_size(..., human_readable=True)`.
pub(crate) fn size_with_unit(bytes: u64) -> String {
    let mut value = bytes as f64;
    for unit in ["B", "KB", "MB", "GB", "TB"] {
        if value < 1000.0 {
            return if unit == "B" {
                format!("{bytes} B")
            } else {
                format!("{value:.1} {unit}")
            };
        }
        value /= 1000.0;
    }
    format!("{value:.1} PB")
}

/// `1 path`, `2 paths`: a count with its noun in the right number.
pub(crate) fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// The human form of a command's result.
#[derive(Debug, Clone)]
pub(crate) enum Human {
    /// Aligned `key: value` lines.
    Fields(Vec<(String, String)>),
    /// A table with a header row; columns separated by two spaces.
    Table {
        /// Column titles.
        headers: Vec<String>,
        /// One entry per row, as many cells as headers.
        rows: Vec<Vec<String>>,
    },
    /// Free text, printed as is (a newline is added when missing).
    Text(String),
}

/// A command result that can be printed in every format.
pub(crate) trait Render: Serialize {
    /// The human form (the agent form is derived from it).
    fn human(&self) -> Human;

    /// What `--format quiet` prints, one entry a line: by default the first column of a
    /// table, the first value of fields, or the text.
    /// A line printed after the human form (a total), if any.
    fn summary(&self) -> Option<String> {
        None
    }

    fn quiet(&self) -> Vec<String> {
        match self.human() {
            Human::Fields(fields) => fields.into_iter().take(1).map(|(_, v)| v).collect(),
            Human::Table { rows, .. } => rows
                .into_iter()
                .filter_map(|row| row.into_iter().next())
                .collect(),
            Human::Text(text) if text.is_empty() => Vec::new(),
            Human::Text(text) => vec![text],
        }
    }
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
    /// The columns a human table may use (`--no-truncate` makes it unlimited).
    width: Option<usize>,
    out: Box<dyn Write + Send>,
    /// Where the "values were cut" hint goes (stderr).
    notes: Box<dyn Write + Send>,
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Output")
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl Output {
    /// A printer writing to the process's stdout, its notes to stderr. `format` must be
    /// resolved (see [`OutputFormat::resolve`]); `width` is `None` for `--no-truncate`.
    pub(crate) fn stdout(format: OutputFormat, width: Option<usize>) -> Self {
        Self::new(
            format,
            width,
            Box::new(io::stdout()),
            Box::new(io::stderr()),
        )
    }

    /// A printer writing to `out`, its notes to `notes`.
    pub(crate) fn new(
        format: OutputFormat,
        width: Option<usize>,
        out: Box<dyn Write + Send>,
        notes: Box<dyn Write + Send>,
    ) -> Self {
        Self {
            format,
            width,
            out,
            notes,
        }
    }

    /// The selected format (never `auto`).
    pub(crate) fn format(&self) -> OutputFormat {
        self.format
    }

    /// Prints `value` in the selected format.
    ///
    /// # Errors
    /// [`BrokenPipe`] when the reader went away; other write or serialisation errors.
    pub(crate) fn emit<T: Render>(&mut self, value: &T) -> anyhow::Result<()> {
        let text = match self.format {
            // JSON escapes control characters itself; token-shaped strings are masked in all.
            OutputFormat::Json => {
                let mut json = serde_json::to_string_pretty(value)?;
                json.push('\n');
                hf_auth::sanitize::mask_tokens(&json).into_owned()
            }
            OutputFormat::Human | OutputFormat::Auto => {
                let (mut text, cut) = render_human_within(&value.human(), self.width);
                if cut {
                    let _ = writeln!(
                        self.notes,
                        "{}",
                        crate::hints::line(crate::hints::TRUNCATED_VALUES)
                    );
                }
                if let Some(summary) = value.summary() {
                    text.push_str(&format!("\n{summary}\n"));
                }
                hf_auth::sanitize::for_display(&text).into_owned()
            }
            // No summary line: it would end a table a program is reading.
            OutputFormat::Agent => {
                hf_auth::sanitize::for_display(&render_agent(&value.human())).into_owned()
            }
            OutputFormat::Quiet => {
                let mut text = String::new();
                for line in value.quiet() {
                    text.push_str(&single_line(&line));
                    text.push('\n');
                }
                hf_auth::sanitize::for_display(&text).into_owned()
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
            OutputFormat::Quiet => value.quiet().join("\n") + "\n",
            OutputFormat::Agent => render_agent(&value.human()),
            OutputFormat::Human | OutputFormat::Auto => render_human(&value.human()),
        };
        let text = hf_auth::sanitize::escape_controls(&text);
        self.write_raw(text.as_bytes())
    }

    /// A line for the person watching (progress of a wait, what to run next), on stderr:
    /// never in quiet mode, never mixed with the data on stdout.
    pub(crate) fn note(&mut self, text: &str) {
        if self.format != OutputFormat::Quiet {
            let safe = hf_auth::sanitize::for_display(text);
            let _ = writeln!(self.notes, "{safe}");
        }
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

/// The text for a [`Human`] value, ending with a newline unless empty, nothing cut.
pub(crate) fn render_human(human: &Human) -> String {
    render_human_within(human, None).0
}

/// A cell on one line: runs of whitespace (newlines, tabs) become one space.
fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A column title as an agent header: `LAST MODIFIED` becomes `last_modified`,
/// `expires (UTC)` becomes `expires_utc`.
fn snake_case(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("_")
}

/// The agent form: tab-separated tables with snake_case headers, `key=value` fields, text
/// as is; every cell on one line and nothing cut.
pub(crate) fn render_agent(human: &Human) -> String {
    let mut out = String::new();
    match human {
        Human::Fields(fields) => {
            for (key, value) in fields {
                out.push_str(&format!("{}={}\n", snake_case(key), single_line(value)));
            }
        }
        Human::Table { headers, rows } => {
            let header: Vec<String> = headers.iter().map(|h| snake_case(h)).collect();
            out.push_str(&header.join("\t"));
            out.push('\n');
            for row in rows {
                let cells: Vec<String> = row.iter().map(|c| single_line(c)).collect();
                out.push_str(&cells.join("\t"));
                out.push('\n');
            }
        }
        Human::Text(_) => out = render_human(human),
    }
    out
}

/// The widest each column may be so that the table fits `width` (two spaces between
/// columns): the widest column loses one character at a time, never below its title or 4
/// (Python's rule), so a table may still overflow a very narrow terminal.
fn column_caps(natural: &[usize], floors: &[usize], width: usize) -> Vec<usize> {
    let budget = width.saturating_sub(2 * natural.len().saturating_sub(1));
    let mut caps = natural.to_vec();
    while caps.iter().sum::<usize>() > budget {
        let widest = (0..caps.len())
            .filter(|&i| caps[i] > floors[i])
            .max_by_key(|&i| (caps[i], std::cmp::Reverse(i)));
        match widest {
            Some(i) => caps[i] -= 1,
            None => break,
        }
    }
    caps
}

/// A cell cut to `cap` characters, ending with `...` when cut.
fn cut(cell: &str, cap: usize) -> String {
    if cell.chars().count() <= cap {
        return cell.to_owned();
    }
    let kept: String = cell.chars().take(cap.saturating_sub(3)).collect();
    format!("{kept}...")
}

/// The human text, with table cells cut to fit `width` columns (`None`: never cut), and
/// whether anything was cut.
pub(crate) fn render_human_within(human: &Human, width: Option<usize>) -> (String, bool) {
    let mut out = String::new();
    let mut any_cut = false;
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
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| row.iter().map(|c| single_line(c)).collect())
                .collect();
            for row in &rows {
                for (i, cell) in row.iter().enumerate() {
                    if let Some(w) = widths.get_mut(i) {
                        *w = (*w).max(cell.chars().count());
                    }
                }
            }
            let rows = match width {
                Some(width) => {
                    let floors: Vec<usize> =
                        headers.iter().map(|h| h.chars().count().max(4)).collect();
                    let caps = column_caps(&widths, &floors, width);
                    widths.clone_from(&caps);
                    rows.into_iter()
                        .map(|row| {
                            row.iter()
                                .enumerate()
                                .map(|(i, cell)| {
                                    let cap = caps.get(i).copied().unwrap_or(usize::MAX);
                                    let shown = cut(cell, cap);
                                    any_cut |= shown.len() != cell.len();
                                    shown
                                })
                                .collect()
                        })
                        .collect()
                }
                None => rows,
            };
            for row in std::iter::once(headers).chain(&rows) {
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
    (out, any_cut)
}

#[cfg(test)]
mod dates {
    #[test]
    fn dates_match_the_calendar() {
        assert_eq!(super::utc_date(0), "1970-01-01");
        assert_eq!(super::utc_date(1_700_000_000), "2023-11-14");
        assert_eq!(super::utc_date(951_782_400), "2000-02-29");
        assert_eq!(super::utc_today().len(), 10);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_serialise_without_empty_fields_and_quiet_is_the_first() {
        let changed = Report {
            message: "Created discussion #3 on a/b".into(),
            fields: vec![("num", 3.into()), ("ref", serde_json::Value::Null)],
        };
        assert_eq!(
            serde_json::to_value(&changed).unwrap(),
            serde_json::json!({"num": 3})
        );
        assert_eq!(changed.quiet(), vec!["3".to_owned()]);
    }

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
        let mut output = Output::new(
            OutputFormat::Human,
            None,
            Box::new(ClosedPipe),
            Box::new(io::sink()),
        );
        let error = output.write_raw(b"x").unwrap_err();
        assert!(error.is::<BrokenPipe>());
    }
}

/// The result of a change, as Python's `out.result`: a message for people, the fields for
/// programs (`--format json`), the first field alone in quiet mode.
#[derive(Debug)]
pub(crate) struct Report {
    /// The line for people (`Created pull request #3 on a/b`).
    pub(crate) message: String,
    /// The facts, in order; `null` ones are left out.
    pub(crate) fields: Vec<(&'static str, Value)>,
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let map: serde_json::Map<String, Value> = self
            .fields
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        map.serialize(serializer)
    }
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Render for Report {
    fn human(&self) -> Human {
        let mut text = self.message.clone();
        for (key, value) in self.fields.iter().filter(|(_, v)| !v.is_null()) {
            text.push_str(&format!("\n  {key}: {}", plain(value)));
        }
        Human::Text(text)
    }

    fn quiet(&self) -> Vec<String> {
        self.fields
            .first()
            .map(|(_, v)| plain(v))
            .into_iter()
            .collect()
    }
}

/// A document Python prints with `out.dict`: indented JSON in every format (scripts parse
/// it) but quiet, which prints its id.
#[derive(Debug)]
pub(crate) struct Document<T> {
    /// What is printed.
    pub(crate) value: T,
    /// What `--format quiet` prints.
    pub(crate) id: String,
}

impl<T: Serialize> Serialize for Document<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: Serialize> Render for Document<T> {
    fn human(&self) -> Human {
        Human::Text(serde_json::to_string_pretty(&self.value).unwrap_or_default())
    }

    fn quiet(&self) -> Vec<String> {
        vec![self.id.clone()]
    }
}

/// A list Python prints with `out.table`: a table of chosen columns for people ("No results
/// found." when empty), the items whole in JSON, one id a line in quiet mode.
pub(crate) struct Listing<T> {
    /// The items, serialised whole for `--format json`.
    pub(crate) items: Vec<T>,
    /// Column titles (Python's SCREAMING_SNAKE headers).
    pub(crate) headers: &'static [&'static str],
    /// One row's cells.
    pub(crate) row: fn(&T) -> Vec<String>,
    /// What `--format quiet` prints of an item.
    pub(crate) id: fn(&T) -> String,
}

impl<T: Serialize> Serialize for Listing<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

impl<T: Serialize> Render for Listing<T> {
    fn human(&self) -> Human {
        if self.items.is_empty() {
            return Human::Text("No results found.".into());
        }
        Human::Table {
            headers: self.headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: self.items.iter().map(self.row).collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.items.iter().map(self.id).collect()
    }
}

/// The UTC date (`YYYY-MM-DD`) of a Unix time: the same on every machine, whatever its
/// time zone.
pub(crate) fn utc_date(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| ymd(t.date()))
        .unwrap_or_default()
}

/// Today's UTC date, `YYYY-MM-DD`.
pub(crate) fn utc_today() -> String {
    ymd(time::OffsetDateTime::now_utc().date())
}

fn ymd(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// A table cell of a date-time: its day, as Python's tables show it.
pub(crate) fn day(timestamp: &str) -> String {
    timestamp.chars().take(10).collect()
}

/// A table cell of a flag: `✔` when set, empty otherwise (Python's tables).
pub(crate) fn check(flag: bool) -> String {
    if flag {
        "✔".to_owned()
    } else {
        String::new()
    }
}
