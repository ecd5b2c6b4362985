//! `.env` files, read only when asked for (`--env-file PATH` on the CLI, or
//! [`DotEnv::load`] in a library) and never implicitly.
//!
//! A [`DotEnv`] is an [`EnvSource`]; combined with the process environment by
//! [`Layered`], the process wins (as `docker compose` and `python-dotenv` do by default).
//! Its `Debug` output lists variable names only, because values may be secrets.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::env::{EnvSource, EnvVar};
use crate::error::Error;

/// The variables of one `.env` file.
#[derive(Clone)]
pub struct DotEnv {
    path: PathBuf,
    vars: BTreeMap<String, Zeroizing<String>>,
}

impl fmt::Debug for DotEnv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DotEnv")
            .field("path", &self.path)
            .field("names", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl DotEnv {
    /// Reads and parses the file at `path`.
    ///
    /// # Errors
    /// When the file cannot be read, or a line is malformed (the error names the line).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let text =
            Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
                Error::io(format!("cannot read the env file {}", path.display()), e)
            })?);
        Self::parse(&text, path)
    }

    /// Parses `.env` text: `NAME=value` lines, optionally prefixed with `export `; `#`
    /// comments; values unquoted (trimmed, ` #` starts a comment), in single quotes
    /// (literal) or in double quotes (`\n`, `\"`, `\\` escapes).
    ///
    /// # Errors
    /// [`Error::Parse`] naming the file and line; the value is never quoted in the message.
    pub fn parse(text: &str, path: impl Into<PathBuf>) -> Result<Self, Error> {
        let path = path.into();
        let mut vars = BTreeMap::new();
        let bad =
            |number: usize, why: &str| Error::Parse(format!("{}:{number}: {why}", path.display()));
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").map_or(line, str::trim_start);
            let Some((name, raw)) = line.split_once('=') else {
                return Err(bad(number, "expected NAME=value"));
            };
            let name = name.trim();
            if name.is_empty()
                || name.starts_with(|c: char| c.is_ascii_digit())
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            {
                return Err(bad(number, "the variable name is not valid"));
            }
            let value = parse_value(raw.trim()).ok_or_else(|| bad(number, "unterminated quote"))?;
            vars.insert(name.to_owned(), Zeroizing::new(value));
        }
        Ok(Self { path, vars })
    }

    /// The file this came from.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The value of `name`, as written (empty values included).
    #[must_use]
    pub fn value(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|v| v.as_str())
    }

    /// The names the file sets, sorted (their values through [`DotEnv::value`]).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }
}

fn parse_value(raw: &str) -> Option<String> {
    if let Some(rest) = raw.strip_prefix('\'') {
        let end = rest.find('\'')?;
        return Some(rest[..end].to_owned());
    }
    if let Some(rest) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(out),
                '\\' => match chars.next()? {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        return None;
    }
    let value = match raw.find(" #") {
        Some(comment) => &raw[..comment],
        None => raw,
    };
    Some(value.trim().to_owned())
}

impl EnvSource for DotEnv {
    fn raw(&self, var: &EnvVar) -> Option<String> {
        self.value(var.name).map(str::to_owned)
    }
}

/// Two sources: `first` wins for every variable it sets (empty counts as unset).
pub struct Layered<'a> {
    first: &'a dyn EnvSource,
    second: &'a dyn EnvSource,
}

impl fmt::Debug for Layered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Layered").finish_non_exhaustive()
    }
}

impl<'a> Layered<'a> {
    /// `first`, then `second`.
    #[must_use]
    pub fn new(first: &'a dyn EnvSource, second: &'a dyn EnvSource) -> Self {
        Self { first, second }
    }
}

impl EnvSource for Layered<'_> {
    fn raw(&self, var: &EnvVar) -> Option<String> {
        self.first.get(var).or_else(|| self.second.raw(var))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{self, MapEnv};

    #[test]
    fn parses_common_forms() {
        let text = "# tokens\nexport HF_TOKEN=hf_abc # mine\nHF_ENDPOINT='http://x #y'\n\
                    HF_HOME=\"/a b\\n\"\nEMPTY=\n";
        let file = DotEnv::parse(text, "/p/.env").unwrap();
        assert_eq!(file.value("HF_TOKEN"), Some("hf_abc"));
        assert_eq!(file.value("HF_ENDPOINT"), Some("http://x #y"));
        assert_eq!(file.value("HF_HOME"), Some("/a b\n"));
        assert_eq!(file.get(&env::HF_HUB_OFFLINE), None);
        assert!(!format!("{file:?}").contains("hf_abc"));
    }

    #[test]
    fn errors_name_the_line_not_the_value() {
        let err = DotEnv::parse("A=1\nHF_TOKEN=\"hf_secret\n", "/p/.env").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("/p/.env:2"), "{message}");
        assert!(!message.contains("hf_secret"));
        assert!(DotEnv::parse("1A=x", "f").is_err());
        assert!(DotEnv::parse("novalue", "f").is_err());
    }

    #[test]
    fn process_environment_wins_over_the_file() {
        let file = DotEnv::parse("HF_TOKEN=from-file\nHF_HOME=/file", "f").unwrap();
        let process = MapEnv::new()
            .with("HF_TOKEN", "from-process")
            .with("HF_HOME", "");
        let layered = Layered::new(&process, &file);
        assert_eq!(layered.get(&env::HF_TOKEN).as_deref(), Some("from-process"));
        assert_eq!(layered.get(&env::HF_HOME).as_deref(), Some("/file"));
    }
}
