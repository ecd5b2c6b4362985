//! The token files shared with the Python client: the active `token` file and the
//! `stored_tokens` INI file beside it.
//!
//! Both are written the way `huggingface_hub` writes them, so either tool can read
//! what the other saved:
//! - `token` holds the raw active token, with no trailing newline;
//! - `stored_tokens` has one `[name]` section per token with `hf_token = …`, sections
//!   sorted by name, every other field of a section kept as found (OAuth logins add
//!   `refresh_token` and `expires_at`).
//!
//! Files are written atomically (a temporary file in the same directory, then a rename),
//! with mode 0600 and their directory 0700 on Unix.
//!
//! A token whose secret lives in the OS keyring (see [`crate::keyring`]) has a section
//! without `hf_token`: `keyring = <service>` records where the secret is and
//! `keyring_active = true` marks the one in use when the `token` file is absent.
//! The Python client lists such a section as `<not set>` and keeps its fields.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::env::EnvSource;
use crate::error::Error;
use crate::keyring::{Keyring, SERVICE as KEYRING_SERVICE};
use crate::{Token, TokenSource, paths};

/// The `stored_tokens` field holding the secret.
pub const FIELD_TOKEN: &str = "hf_token";
/// Our field naming the keyring service that holds the secret instead.
pub const FIELD_KEYRING: &str = "keyring";
/// Our field marking the keyring token in use when there is no `token` file.
pub const FIELD_KEYRING_ACTIVE: &str = "keyring_active";
/// The OAuth expiry field (unix seconds) written by the Python client.
pub const FIELD_EXPIRES_AT: &str = "expires_at";

/// Fields whose values are secrets: never shown by `Debug`.
const SECRET_FIELDS: &[&str] = &[FIELD_TOKEN, "refresh_token"];

/// Where the two token files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenFiles {
    token_path: PathBuf,
    stored_tokens_path: PathBuf,
}

impl TokenFiles {
    /// The files for a given active-token path; `stored_tokens` is in the same directory.
    #[must_use]
    pub fn new(token_path: impl Into<PathBuf>) -> Self {
        let token_path = token_path.into();
        let stored_tokens_path = token_path.parent().map_or_else(
            || PathBuf::from("stored_tokens"),
            |dir| dir.join("stored_tokens"),
        );
        Self {
            token_path,
            stored_tokens_path,
        }
    }

    /// The files named by `HF_TOKEN_PATH` (default `$HF_HOME/token`).
    #[must_use]
    pub fn from_env_source(env: &dyn EnvSource) -> Self {
        Self {
            token_path: paths::token_path(env),
            stored_tokens_path: paths::stored_tokens_path(env),
        }
    }

    /// The active token file.
    #[must_use]
    pub fn token_path(&self) -> &Path {
        &self.token_path
    }

    /// The `stored_tokens` INI file.
    #[must_use]
    pub fn stored_tokens_path(&self) -> &Path {
        &self.stored_tokens_path
    }

    /// The raw content of the active token file (not cleaned), or `None` when it does not exist.
    ///
    /// # Errors
    /// When the file exists but cannot be read (permissions, not UTF-8, ...).
    pub fn read_active_raw(&self) -> Result<Option<Token>, Error> {
        match std::fs::read(&self.token_path) {
            Ok(bytes) => String::from_utf8(bytes)
                .map(|s| Some(Token::new(s)))
                .map_err(|_| {
                    Error::Parse(format!(
                        "the token file {} is not valid UTF-8",
                        self.token_path.display()
                    ))
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(
                format!("cannot read the token file {}", self.token_path.display()),
                e,
            )),
        }
    }

    /// Makes `token` the active token: writes the token file (no trailing newline).
    ///
    /// # Errors
    /// When the file or its directory cannot be written.
    pub fn write_active(&self, token: &Token) -> Result<(), Error> {
        write_secret_file(&self.token_path, token.expose_secret().as_bytes())
    }

    /// Deletes the active token file. Returns whether it existed.
    ///
    /// # Errors
    /// When it exists and cannot be deleted.
    pub fn remove_active(&self) -> Result<bool, Error> {
        remove_if_exists(&self.token_path)
    }

    /// Reads `stored_tokens`; a missing file is an empty set.
    ///
    /// # Errors
    /// When the file cannot be read or parsed (the error names the line).
    pub fn read_stored(&self) -> Result<StoredTokens, Error> {
        match std::fs::read(&self.stored_tokens_path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::Parse(format!(
                        "{} is not valid UTF-8",
                        self.stored_tokens_path.display()
                    ))
                })?;
                StoredTokens::parse(&text).map_err(|reason| {
                    Error::Parse(format!(
                        "cannot parse {}: {reason}",
                        self.stored_tokens_path.display()
                    ))
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(StoredTokens::default()),
            Err(e) => Err(Error::io(
                format!("cannot read {}", self.stored_tokens_path.display()),
                e,
            )),
        }
    }

    /// Replaces `stored_tokens` with `tokens` (atomically). An empty set still writes the file.
    ///
    /// # Errors
    /// When the file or its directory cannot be written.
    pub fn write_stored(&self, tokens: &StoredTokens) -> Result<(), Error> {
        let text = zeroize::Zeroizing::new(tokens.render());
        write_secret_file(&self.stored_tokens_path, text.as_bytes())
    }

    /// Deletes `stored_tokens`. Returns whether it existed.
    ///
    /// # Errors
    /// When it exists and cannot be deleted.
    pub fn remove_stored(&self) -> Result<bool, Error> {
        remove_if_exists(&self.stored_tokens_path)
    }
}

/// Where [`TokenStore::save`] keeps the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Storage {
    /// In `stored_tokens` and the `token` file (readable by the Python client).
    Files,
    /// In the OS keyring; the files record only the name.
    Keyring,
}

/// What [`TokenStore::save`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveOutcome {
    /// Where the secret ended up.
    pub stored_in: Storage,
    /// Why the keyring was not used although asked for (the token went to the files instead).
    pub keyring_error: Option<String>,
}

/// What [`TokenStore::logout`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutOutcome {
    /// The token names removed.
    pub removed: Vec<String>,
    /// Whether the active token was among them (the `token` file was deleted or the keyring mark dropped).
    pub active_removed: bool,
    /// Keyring entries that could not be deleted, with the reason.
    pub keyring_errors: Vec<String>,
}

/// One row of [`TokenStore::list`]: never the secret, only its mask.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListedToken {
    /// The token name (the section name).
    pub name: String,
    /// The masked token (`hf_****abcd`), or `<keyring>` / `<not set>`.
    pub masked: String,
    /// `file` or `keyring`.
    pub storage: &'static str,
    /// Whether it is the token in use.
    pub active: bool,
    /// OAuth expiry (unix seconds), when recorded.
    pub expires_at: Option<i64>,
}

/// Login, switch, logout and list over the token files (and the keyring when a token is kept there).
#[derive(Debug, Clone)]
pub struct TokenStore {
    files: TokenFiles,
    keyring: Option<Keyring>,
}

impl TokenStore {
    /// A store over `files`, using the platform keyring only if a keyring token is involved.
    #[must_use]
    pub fn new(files: TokenFiles) -> Self {
        Self {
            files,
            keyring: None,
        }
    }

    /// Uses `keyring` instead of the platform one (tests use [`Keyring::in_memory`]).
    #[must_use]
    pub fn with_keyring(mut self, keyring: Keyring) -> Self {
        self.keyring = Some(keyring);
        self
    }

    /// The files.
    #[must_use]
    pub fn files(&self) -> &TokenFiles {
        &self.files
    }

    fn keyring(&self) -> Result<Keyring, Error> {
        match &self.keyring {
            Some(keyring) => Ok(keyring.clone()),
            None => Keyring::system(),
        }
    }

    /// Saves `token` under `name` (replacing a token of that name) and makes it active, as
    /// `hf auth login` does after validation. With [`Storage::Keyring`], when the keyring
    /// cannot be used, the token is saved to the files instead and the reason returned.
    ///
    /// # Errors
    /// When the files cannot be read or written, or `name` cannot be a section name.
    pub fn save(&self, name: &str, token: &Token, storage: Storage) -> Result<SaveOutcome, Error> {
        let mut stored = self.files.read_stored()?;
        let previous_in_keyring = stored
            .get(name)
            .is_some_and(|e| e.keyring_service().is_some());
        let mut keyring_error = None;
        if storage == Storage::Keyring {
            match self.keyring().and_then(|keyring| keyring.set(name, token)) {
                Ok(()) => {
                    stored.insert(name, StoredEntry::in_keyring(KEYRING_SERVICE))?;
                    stored.set_active_keyring(Some(name));
                    self.files.write_stored(&stored)?;
                    // The token file would take precedence over the keyring.
                    self.files.remove_active()?;
                    return Ok(SaveOutcome {
                        stored_in: Storage::Keyring,
                        keyring_error: None,
                    });
                }
                Err(e) => keyring_error = Some(e.to_string()),
            }
        }
        stored.insert(name, StoredEntry::with_token(token))?;
        stored.set_active_keyring(None);
        self.files.write_stored(&stored)?;
        self.files.write_active(token)?;
        if previous_in_keyring {
            // Best effort: the secret now lives in the files; do not leave a stale copy.
            let _ = self.keyring().and_then(|keyring| keyring.delete(name));
        }
        Ok(SaveOutcome {
            stored_in: Storage::Files,
            keyring_error,
        })
    }

    /// Makes the stored token `name` active. Returns where its secret is.
    ///
    /// # Errors
    /// [`Error::UnknownTokenName`] when there is no such token; [`Error::Keyring`] when it is
    /// kept in a keyring that cannot be read or no longer holds it; I/O errors.
    pub fn switch(&self, name: &str) -> Result<Storage, Error> {
        let mut stored = self.files.read_stored()?;
        let Some(entry) = stored.get(name) else {
            return Err(self.unknown(name));
        };
        if let Some(token) = entry.token() {
            self.files.write_active(&token)?;
            if stored.active_keyring_name().is_some() {
                stored.set_active_keyring(None);
                self.files.write_stored(&stored)?;
            }
            return Ok(Storage::Files);
        }
        if entry.keyring_service().is_none() {
            return Err(Error::Parse(format!(
                "the token '{name}' in {} has no value",
                self.files.stored_tokens_path().display()
            )));
        }
        if self.keyring()?.get(name)?.is_none() {
            return Err(Error::Keyring(format!(
                "the token '{name}' is recorded as kept in the OS keyring, but the keyring has no \
                 entry for it"
            )));
        }
        stored.set_active_keyring(Some(name));
        self.files.write_stored(&stored)?;
        self.files.remove_active()?;
        Ok(Storage::Keyring)
    }

    /// The secrets [`TokenStore::logout`] would remove for `name` (`None`: every stored token
    /// and the active token file's), each once, without removing anything: what
    /// `hf auth logout --revoke` revokes before it forgets them.
    ///
    /// # Errors
    /// [`Error::UnknownTokenName`] when `name` is not stored; I/O errors; a keyring that
    /// cannot be read.
    pub fn secrets_to_remove(&self, name: Option<&str>) -> Result<Vec<Token>, Error> {
        let stored = self.files.read_stored()?;
        let mut secrets: Vec<Token> = Vec::new();
        let mut keep = |token: Token| {
            if !token.expose_secret().is_empty() && !secrets.contains(&token) {
                secrets.push(token);
            }
        };
        let entries: Vec<(&String, &StoredEntry)> = match name {
            Some(name) => vec![
                stored
                    .entries
                    .get_key_value(name)
                    .ok_or_else(|| self.unknown(name))?,
            ],
            None => {
                if let Some(raw) = self.files.read_active_raw()? {
                    keep(crate::token::clean_secret(raw.expose_secret()).0);
                }
                stored.entries.iter().collect()
            }
        };
        for (entry_name, entry) in entries {
            let secret = match entry.keyring_service() {
                Some(_) => self.keyring()?.get(entry_name)?,
                None => entry.token(),
            };
            if let Some(token) = secret {
                keep(token);
            }
        }
        Ok(secrets)
    }

    /// Removes the token `name`, or every stored token and the active token file when `None`
    /// (as the Python client's `logout`). Keyring entries of removed tokens are deleted too.
    ///
    /// # Errors
    /// [`Error::UnknownTokenName`] when `name` is not stored; I/O errors.
    pub fn logout(&self, name: Option<&str>) -> Result<LogoutOutcome, Error> {
        let mut stored = self.files.read_stored()?;
        let mut outcome = LogoutOutcome::default();
        let removed: Vec<(String, StoredEntry)> = match name {
            Some(name) => {
                let Some(entry) = stored.remove(name) else {
                    return Err(self.unknown(name));
                };
                let active_file = self
                    .files
                    .read_active_raw()?
                    .map(|raw| crate::token::clean_secret(raw.expose_secret()).0);
                let was_active = match entry.token() {
                    Some(token) => active_file.as_ref() == Some(&token),
                    None => entry.is_keyring_active() && active_file.is_none(),
                };
                if was_active {
                    self.files.remove_active()?;
                    outcome.active_removed = true;
                }
                self.files.write_stored(&stored)?;
                vec![(name.to_owned(), entry)]
            }
            None => {
                outcome.active_removed = self.files.remove_active()?;
                self.files.remove_stored()?;
                stored.entries.into_iter().collect()
            }
        };
        for (entry_name, entry) in removed {
            if entry.keyring_service().is_some()
                && let Err(e) = self
                    .keyring()
                    .and_then(|keyring| keyring.delete(&entry_name))
            {
                outcome.keyring_errors.push(format!("'{entry_name}': {e}"));
            }
            outcome.removed.push(entry_name);
        }
        Ok(outcome)
    }

    /// The stored tokens, masked, with the one in use marked. `current` is the token
    /// discovery found (it may come from the environment, as in the Python client).
    ///
    /// # Errors
    /// When `stored_tokens` cannot be read.
    pub fn list(&self, current: Option<&crate::token::Found>) -> Result<Vec<ListedToken>, Error> {
        let stored = self.files.read_stored()?;
        Ok(stored
            .iter()
            .map(|(name, entry)| {
                let token = entry.token();
                let in_keyring = token.is_none() && entry.keyring_service().is_some();
                let active = current.is_some_and(|found| match &found.source {
                    TokenSource::Keyring(active_name) => active_name == name,
                    _ => token.as_ref() == Some(&found.token),
                });
                ListedToken {
                    name: name.to_owned(),
                    masked: match (&token, in_keyring) {
                        (Some(token), _) => token.masked(),
                        (None, true) => "<keyring>".to_owned(),
                        (None, false) => "<not set>".to_owned(),
                    },
                    storage: if in_keyring { "keyring" } else { "file" },
                    active,
                    expires_at: entry.expires_at(),
                }
            })
            .collect())
    }

    fn unknown(&self, name: &str) -> Error {
        Error::UnknownTokenName {
            name: name.to_owned(),
            path: self.files.stored_tokens_path().display().to_string(),
        }
    }
}

fn remove_if_exists(path: &Path) -> Result<bool, Error> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(format!("cannot delete {}", path.display()), e)),
    }
}

/// Writes `content` to `path` atomically, owner-only (file 0600, directory 0700 on Unix),
/// as the Python client's `_write_secret` does. A symlink at `path` is followed, so a
/// token file linked elsewhere stays linked.
fn write_secret_file(path: &Path, content: &[u8]) -> Result<(), Error> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(path)
            .map_err(|e| Error::io(format!("cannot resolve the link {}", path.display()), e))?,
        _ => path.to_path_buf(),
    };
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let file_name = target
        .file_name()
        .map_or_else(|| "token".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{file_name}.tmp-{:016x}", fastrand::u64(..)));
    let result = (|| {
        let mut file = open_private(&temp)?;
        file.write_all(content)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(Error::io(format!("cannot write {}", target.display()), e));
    }
    Ok(())
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// Creates `dir` and its missing parents owner-only (0700). Only the directories created
/// here get that mode: an existing one (a shared 1777 or 755 folder, `/tmp`) is never
/// changed, or `HF_TOKEN_PATH=/tmp/token` would strip `/tmp` of its sticky bit.
#[cfg(unix)]
fn create_private_dir(dir: &Path) -> Result<(), Error> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err())
        .collect();
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(format!("cannot create the directory {}", dir.display()), e))?;
    for created in missing {
        // The umask may have loosened nothing (0700 & !umask), but it may have tightened it further.
        let _ = std::fs::set_permissions(created, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("cannot create the directory {}", dir.display()), e))
}

/// One `[name]` section of `stored_tokens`: its fields, in file order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct StoredEntry {
    fields: Vec<(String, String)>,
}

impl fmt::Debug for StoredEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (key, value) in &self.fields {
            if SECRET_FIELDS.contains(&key.as_str()) {
                map.entry(key, &Token::new(value.clone()).masked());
            } else {
                map.entry(key, value);
            }
        }
        map.finish()
    }
}

impl StoredEntry {
    /// An entry holding `token` in the file (`hf_token = …`).
    #[must_use]
    pub fn with_token(token: &Token) -> Self {
        Self {
            fields: vec![(FIELD_TOKEN.to_owned(), token.expose_secret().to_owned())],
        }
    }

    /// An entry whose secret is in the OS keyring under `service`.
    #[must_use]
    pub fn in_keyring(service: &str) -> Self {
        Self {
            fields: vec![(FIELD_KEYRING.to_owned(), service.to_owned())],
        }
    }

    /// The value of `field` (keys are case-insensitive, as in Python's configparser).
    #[must_use]
    pub fn field(&self, field: &str) -> Option<&str> {
        let field = field.to_ascii_lowercase();
        self.fields
            .iter()
            .find(|(key, _)| *key == field)
            .map(|(_, value)| value.as_str())
    }

    /// Sets `field` (replacing a previous value).
    pub fn set_field(&mut self, field: &str, value: &str) {
        let field = field.to_ascii_lowercase();
        match self.fields.iter_mut().find(|(key, _)| *key == field) {
            Some(slot) => value.clone_into(&mut slot.1),
            None => self.fields.push((field, value.to_owned())),
        }
    }

    /// Removes `field`.
    pub fn remove_field(&mut self, field: &str) {
        let field = field.to_ascii_lowercase();
        self.fields.retain(|(key, _)| *key != field);
    }

    /// The token stored in the file, cleaned like every token source; `None` when absent
    /// or empty (for example when the secret is in the keyring).
    #[must_use]
    pub fn token(&self) -> Option<Token> {
        self.field(FIELD_TOKEN)
            .map(|raw| crate::token::clean_secret(raw).0)
            .filter(|token| !token.expose_secret().is_empty())
    }

    /// The keyring service holding the secret, when it is kept there.
    #[must_use]
    pub fn keyring_service(&self) -> Option<&str> {
        self.field(FIELD_KEYRING).filter(|s| !s.is_empty())
    }

    /// Whether this keyring token is the one in use when there is no `token` file.
    #[must_use]
    pub fn is_keyring_active(&self) -> bool {
        self.field(FIELD_KEYRING_ACTIVE)
            .is_some_and(crate::env::is_truthy)
    }

    /// The OAuth expiry (unix seconds), when recorded.
    #[must_use]
    pub fn expires_at(&self) -> Option<i64> {
        self.field(FIELD_EXPIRES_AT)?.trim().parse().ok()
    }
}

/// The parsed `stored_tokens` file: sections by name, rendered sorted as Python writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredTokens {
    entries: BTreeMap<String, StoredEntry>,
}

impl StoredTokens {
    /// Parses the subset of Python's `configparser` format the file uses: `[section]`
    /// headers, `key = value` or `key: value` lines, `#`/`;` comment lines, indented
    /// continuation lines and blank lines. Keys are lower-cased; `[DEFAULT]` is ignored.
    ///
    /// # Errors
    /// A message naming the offending line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut entries: BTreeMap<String, StoredEntry> = BTreeMap::new();
        let mut current: Option<String> = None;
        let mut last_key: Option<String> = None;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let trimmed = line.trim();
            if trimmed.is_empty() {
                last_key = None;
                continue;
            }
            if trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            let indented = line.starts_with([' ', '\t']);
            if indented && let (Some(section), Some(key)) = (&current, &last_key) {
                // A continuation line: appended to the previous value.
                if let Some(entry) = entries.get_mut(section)
                    && let Some(slot) = entry.fields.iter_mut().find(|(k, _)| k == key)
                {
                    slot.1.push('\n');
                    slot.1.push_str(trimmed);
                }
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('[')
                && let Some(end) = rest.rfind(']')
            {
                let name = &rest[..end];
                if name.is_empty() {
                    return Err(format!("line {number}: empty section name"));
                }
                if entries.contains_key(name) {
                    return Err(format!("line {number}: section '{name}' appears twice"));
                }
                entries.insert(name.to_owned(), StoredEntry::default());
                current = Some(name.to_owned());
                last_key = None;
                continue;
            }
            let Some(section) = &current else {
                return Err(format!(
                    "line {number}: a value appears before any [section]"
                ));
            };
            let Some(split) = trimmed.find(['=', ':']) else {
                return Err(format!("line {number}: expected 'key = value'"));
            };
            let key = trimmed[..split].trim().to_ascii_lowercase();
            let value = trimmed[split + 1..].trim();
            if key.is_empty() {
                return Err(format!("line {number}: empty key"));
            }
            if let Some(entry) = entries.get_mut(section) {
                entry.set_field(&key, value);
            }
            last_key = Some(key);
        }
        entries.remove("DEFAULT");
        Ok(Self { entries })
    }

    /// The file content, byte for byte as Python's `configparser.write` produces it.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, entry) in &self.entries {
            out.push('[');
            out.push_str(name);
            out.push_str("]\n");
            for (key, value) in &entry.fields {
                out.push_str(key);
                out.push_str(" = ");
                out.push_str(&value.replace('\n', "\n\t"));
                out.push('\n');
            }
            out.push('\n');
        }
        out
    }

    /// Whether no token is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The stored tokens, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &StoredEntry)> {
        self.entries
            .iter()
            .map(|(name, entry)| (name.as_str(), entry))
    }

    /// The entry called `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&StoredEntry> {
        self.entries.get(name)
    }

    /// The entry called `name`, to change it.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut StoredEntry> {
        self.entries.get_mut(name)
    }

    /// Adds or replaces the whole section `name` (a re-login drops stale fields, as in Python).
    ///
    /// # Errors
    /// [`Error::InvalidToken`] when `name` cannot be a section name (empty, a line break, `DEFAULT`).
    pub fn insert(&mut self, name: &str, entry: StoredEntry) -> Result<(), Error> {
        validate_name(name)?;
        self.entries.insert(name.to_owned(), entry);
        Ok(())
    }

    /// Removes the section `name` and returns it.
    pub fn remove(&mut self, name: &str) -> Option<StoredEntry> {
        self.entries.remove(name)
    }

    /// The name of the keyring token marked active, if any.
    #[must_use]
    pub fn active_keyring_name(&self) -> Option<&str> {
        self.iter()
            .find(|(_, entry)| entry.keyring_service().is_some() && entry.is_keyring_active())
            .map(|(name, _)| name)
    }

    /// Marks `name` as the active keyring token (or none), clearing every other mark.
    pub fn set_active_keyring(&mut self, name: Option<&str>) {
        for (entry_name, entry) in &mut self.entries {
            if Some(entry_name.as_str()) == name {
                entry.set_field(FIELD_KEYRING_ACTIVE, "true");
            } else {
                entry.remove_field(FIELD_KEYRING_ACTIVE);
            }
        }
    }

    /// The name of the entry whose file token equals `token`.
    #[must_use]
    pub fn name_of(&self, token: &Token) -> Option<&str> {
        self.iter()
            .find(|(_, entry)| entry.token().as_ref() == Some(token))
            .map(|(name, _)| name)
    }
}

/// Checks that `name` can be written as a section header that reads back the same.
fn validate_name(name: &str) -> Result<(), Error> {
    if name.trim().is_empty()
        || name != name.trim()
        || name.contains(['\n', '\r'])
        || name.eq_ignore_ascii_case("DEFAULT")
    {
        return Err(Error::InvalidToken(format!(
            "'{}' cannot be used as a token name (it must be non-empty, on one line, without \
             surrounding spaces, and not DEFAULT)",
            name.escape_debug()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_renders_what_python_writes() {
        let python = "[my-laptop]\nhf_token = hf_fakeAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n\n\
                      [oauth-demo]\nhf_token = hf_oauthBBBB\nrefresh_token = r\nexpires_at = 1700000000\n\n";
        let tokens = StoredTokens::parse(python).unwrap();
        assert_eq!(tokens.render(), python);
        let oauth = tokens.get("oauth-demo").unwrap();
        assert_eq!(oauth.expires_at(), Some(1_700_000_000));
        assert_eq!(oauth.token().unwrap().expose_secret(), "hf_oauthBBBB");
    }

    #[test]
    fn tolerates_configparser_variants() {
        let text = "# comment\n[b]\nHF_TOKEN: hf_x \n  continued\n\n[a]\n; c\nhf_token=hf_y\n[DEFAULT]\nk = v\n";
        let tokens = StoredTokens::parse(text).unwrap();
        let names: Vec<_> = tokens.iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(
            tokens.get("b").unwrap().field("hf_token"),
            Some("hf_x\ncontinued")
        );
        // A value spread over lines comes back as one line, as in Python's cleaning.
        assert_eq!(
            tokens.get("b").unwrap().token().unwrap().expose_secret(),
            "hf_xcontinued"
        );
    }

    #[test]
    fn rejects_malformed_files_with_the_line() {
        assert!(
            StoredTokens::parse("hf_token = x\n")
                .unwrap_err()
                .contains("line 1")
        );
        assert!(
            StoredTokens::parse("[a]\nnot a pair\n")
                .unwrap_err()
                .contains("line 2")
        );
        assert!(
            StoredTokens::parse("[a]\n[a]\n")
                .unwrap_err()
                .contains("twice")
        );
    }

    #[test]
    fn debug_masks_secret_fields() {
        let entry = StoredEntry::with_token(&Token::new("hf_fakeSECRETSECRETSECRETwxyz"));
        let shown = format!("{entry:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("hf_****wxyz"));
    }

    #[test]
    fn keyring_marks_are_exclusive() {
        let mut tokens = StoredTokens::default();
        tokens
            .insert("a", StoredEntry::in_keyring("huggingface"))
            .unwrap();
        tokens
            .insert("b", StoredEntry::in_keyring("huggingface"))
            .unwrap();
        tokens.set_active_keyring(Some("a"));
        assert_eq!(tokens.active_keyring_name(), Some("a"));
        tokens.set_active_keyring(Some("b"));
        assert_eq!(tokens.active_keyring_name(), Some("b"));
        assert!(
            tokens
                .render()
                .contains("[b]\nkeyring = huggingface\nkeyring_active = true\n")
        );
        tokens.set_active_keyring(None);
        assert_eq!(tokens.active_keyring_name(), None);
        assert!(tokens.insert("DEFAULT", StoredEntry::default()).is_err());
        assert!(tokens.insert("a\nb", StoredEntry::default()).is_err());
    }
}
