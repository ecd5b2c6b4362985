//! `hf datasets sql`'s engine: the DuckDB program (`duckdb` on `PATH`), run as Python's
//! `huggingface_hub` runs it when its `duckdb` package is missing: the query and the token's
//! secret statements on stdin (never argv), `-json` output read back as rows in column order.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::command_error::UsageError;
use crate::output::{Human, Render, check, day};

/// The most result bytes read back (a query can select a whole dataset).
const MAX_OUTPUT: usize = 256 * 1024 * 1024;

/// Refuses what Python refuses: an empty query and DuckDB's dot commands (`.shell`...),
/// which would run outside SQL.
pub(crate) fn check_query(query: &str) -> anyhow::Result<String> {
    let normalized = query.trim().trim_end_matches(';').trim().to_owned();
    if normalized.is_empty() {
        return Err(UsageError("SQL query cannot be empty.".into()).into());
    }
    for line in normalized.lines() {
        let line = line.trim_start();
        if line.starts_with('.') && line[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(UsageError(
                "DuckDB CLI meta-commands are not allowed in SQL queries.".into(),
            )
            .into());
        }
    }
    Ok(normalized)
}

/// `duckdb` in one of the `PATH` folders.
pub(crate) fn find(path: Option<&str>) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .map(|dir| {
            dir.join(if cfg!(windows) {
                "duckdb.exe"
            } else {
                "duckdb"
            })
        })
        .find(|candidate| candidate.is_file())
}

/// The statements that let DuckDB read private files with `token`: an HTTP bearer secret
/// scoped to the Hub and a Hugging Face secret for `hf://` paths (Python's).
fn secret_statements(token: &str, endpoint: &str) -> Vec<String> {
    let token = token.replace('\'', "''");
    let endpoint = endpoint.replace('\'', "''");
    vec![
        format!(
            "CREATE OR REPLACE SECRET hf_hub_token (TYPE HTTP, BEARER_TOKEN '{token}', SCOPE '{endpoint}')"
        ),
        format!("CREATE OR REPLACE SECRET hf_token (TYPE HUGGINGFACE, TOKEN '{token}')"),
    ]
}

/// Whether `query` reads over the network (`http(s)://` or `hf://` paths), where the token's
/// secrets serve; for local files they are left out (creating them loads DuckDB's `httpfs`
/// extension, which is fetched from the network the first time).
fn reads_remote_files(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    lower.contains("http://") || lower.contains("https://") || lower.contains("hf://")
}

/// Runs `query` with `binary`, the token's secrets first (their output sent nowhere) when the
/// query reads remote files.
pub(crate) fn run(
    binary: &Path,
    query: &str,
    token: Option<&hf_auth::Token>,
    endpoint: &str,
) -> anyhow::Result<Rows> {
    let mut input = String::new();
    if let Some(token) = token.filter(|_| reads_remote_files(query)) {
        input.push_str(&format!(".output {}\n", null_device()));
        for statement in secret_statements(token.expose_secret(), endpoint) {
            input.push_str(&statement);
            input.push_str(";\n");
        }
        input.push_str(".output\n");
    }
    input.push_str(query);
    input.push_str(";\n");
    let mut child = Command::new(binary)
        .arg("-json")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            anyhow::Error::new(e).context(format!("could not run {}", binary.display()))
        })?;
    // Written from a thread: a large answer fills stdout while stdin is still being written.
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output()?;
    let _ = writer.join();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let message = [stderr.trim(), stdout.trim()]
            .into_iter()
            .find(|m| !m.is_empty())
            .unwrap_or("DuckDB CLI command failed.")
            .to_owned();
        return Err(anyhow::anyhow!("{message}"));
    }
    if output.stdout.len() > MAX_OUTPUT {
        return Err(anyhow::anyhow!(
            "the query's result is over {} MiB: select fewer rows (LIMIT) or columns",
            MAX_OUTPUT / (1024 * 1024)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let text = text.trim();
    if text.is_empty() {
        return Ok(Rows::default());
    }
    let rows: Vec<Row> = serde_json::from_str(text)
        .map_err(|e| anyhow::anyhow!("DuckDB printed something that is not JSON rows: {e}"))?;
    Ok(Rows::from(rows))
}

fn null_device() -> &'static str {
    if cfg!(windows) { "NUL" } else { "/dev/null" }
}

/// One row as DuckDB printed it, columns in order.
struct Row(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Row {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = Row;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
                let mut cells = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    cells.push((key, value));
                }
                Ok(Row(cells))
            }
        }
        deserializer.deserialize_map(InOrder)
    }
}

/// A query's result: its columns (the first row's) and rows.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

impl From<Vec<Row>> for Rows {
    fn from(rows: Vec<Row>) -> Self {
        let columns: Vec<String> = rows
            .first()
            .map(|r| r.0.iter().map(|(k, _)| k.clone()).collect())
            .unwrap_or_default();
        let rows = rows
            .into_iter()
            .map(|row| {
                columns
                    .iter()
                    .map(|c| {
                        row.0
                            .iter()
                            .find(|(k, _)| k == c)
                            .map_or(Value::Null, |(_, v)| v.clone())
                    })
                    .collect()
            })
            .collect();
        Self { columns, rows }
    }
}

impl Serialize for Rows {
    /// Each row an object, columns in the query's order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct Object<'a>(&'a [String], &'a [Value]);
        impl Serialize for Object<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0.iter().zip(self.1) {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
        let mut seq = serializer.serialize_seq(Some(self.rows.len()))?;
        for row in &self.rows {
            seq.serialize_element(&Object(&self.columns, row))?;
        }
        seq.end()
    }
}

/// A cell as Python's tables show it.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(b) => check(*b),
        Value::String(s) if s.len() > 10 && s.as_bytes().get(10) == Some(&b'T') => day(s),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Render for Rows {
    fn human(&self) -> Human {
        if self.rows.is_empty() {
            return Human::Text("No results found.".into());
        }
        Human::Table {
            headers: self.columns.iter().map(|c| c.to_uppercase()).collect(),
            rows: self
                .rows
                .iter()
                .map(|r| r.iter().map(cell).collect())
                .collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.rows
            .iter()
            .map(|r| r.first().map(cell).unwrap_or_default())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_checked_as_python_checks_them() {
        assert_eq!(check_query("  SELECT 1;  ").unwrap(), "SELECT 1");
        assert!(check_query(" ; ").is_err());
        assert!(check_query("SELECT 1;\n.shell rm -rf /").is_err());
        assert!(
            check_query("SELECT\n.5 AS half").is_ok(),
            "a number, not a command"
        );
    }

    #[test]
    fn rows_keep_the_query_s_column_order() {
        let rows: Vec<Row> = serde_json::from_str(r#"[{"z":1,"a":"x"},{"z":2,"a":null}]"#).unwrap();
        let rows = Rows::from(rows);
        assert_eq!(rows.columns, ["z", "a"]);
        assert_eq!(
            serde_json::to_string(&rows).unwrap(),
            r#"[{"z":1,"a":"x"},{"z":2,"a":null}]"#
        );
        assert_eq!(rows.quiet(), ["1", "2"]);
    }

    #[test]
    fn only_remote_reads_get_the_secrets() {
        assert!(reads_remote_files(
            "SELECT * FROM read_parquet('https://hub/x.parquet')"
        ));
        assert!(reads_remote_files("FROM 'hf://datasets/a/b/*.parquet'"));
        assert!(!reads_remote_files(
            "SELECT * FROM read_parquet('data/x.parquet')"
        ));
    }

    #[test]
    fn secrets_escape_quotes() {
        let s = secret_statements("hf_a'b", "https://h");
        assert!(s[0].contains("BEARER_TOKEN 'hf_a''b'") && s[0].contains("SCOPE 'https://h'"));
    }
}
