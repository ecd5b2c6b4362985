//! Where the token files and the cache live, resolved by the Python client's rules
//! (so both tools share one login and one cache).
//!
//! - [`hf_home`]: `HF_HOME`, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`.
//! - [`hub_cache_dir`]: `HF_HUB_CACHE`, else `HUGGINGFACE_HUB_CACHE`, else `$HF_HOME/hub`.
//! - [`token_path`]: `HF_TOKEN_PATH`, else `$HF_HOME/token`.
//! - [`stored_tokens_path`]: always `stored_tokens` beside the token file.
//!
//! Values have a leading `~` and `$NAME`/`${NAME}` references expanded, like Python's
//! `os.path.expanduser(os.path.expandvars(..))`. Only variables of the registry
//! ([`crate::env::VARS`]) are expanded, because every variable read goes through it;
//! any other `$NAME` is kept as written (as Python keeps unknown names).

use std::path::{Path, PathBuf};

use crate::env::{self, EnvSource};

/// The root directory for token files and the cache (`HF_HOME`).
#[must_use]
pub fn hf_home(source: &dyn EnvSource) -> PathBuf {
    if let Some(value) = source.get(&env::HF_HOME) {
        return expand(source, &value);
    }
    if let Some(value) = source.get(&env::XDG_CACHE_HOME) {
        return expand(source, &value).join("huggingface");
    }
    home_dir(source).join(".cache").join("huggingface")
}

/// The shared repo cache (`HF_HUB_CACHE`).
#[must_use]
pub fn hub_cache_dir(source: &dyn EnvSource) -> PathBuf {
    source
        .get(&env::HF_HUB_CACHE)
        .or_else(|| source.get(&env::HUGGINGFACE_HUB_CACHE))
        .map_or_else(
            || hf_home(source).join("hub"),
            |value| expand(source, &value),
        )
}

/// The file holding the active token (`HF_TOKEN_PATH`).
#[must_use]
pub fn token_path(source: &dyn EnvSource) -> PathBuf {
    source.get(&env::HF_TOKEN_PATH).map_or_else(
        || hf_home(source).join("token"),
        |value| expand(source, &value),
    )
}

/// The INI file of named tokens: `stored_tokens` in the token file's directory.
#[must_use]
pub fn stored_tokens_path(source: &dyn EnvSource) -> PathBuf {
    let token = token_path(source);
    token.parent().map_or_else(
        || PathBuf::from("stored_tokens"),
        |dir| dir.join("stored_tokens"),
    )
}

/// The user's home directory: `HOME`, else what the OS reports, else the current directory.
fn home_dir(source: &dyn EnvSource) -> PathBuf {
    source
        .get(&env::HOME)
        .map(PathBuf::from)
        .or_else(std::env::home_dir)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Expands `$NAME` and `${NAME}` (registry variables only), then a leading `~`.
fn expand(source: &dyn EnvSource, value: &str) -> PathBuf {
    let expanded = expand_vars(source, value);
    if expanded == "~" {
        return home_dir(source);
    }
    if let Some(rest) = expanded
        .strip_prefix("~/")
        .or_else(|| expanded.strip_prefix("~\\"))
    {
        return home_dir(source).join(rest);
    }
    PathBuf::from(expanded)
}

fn expand_vars(source: &dyn EnvSource, value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        let (name, consumed) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        let known = env::VARS
            .iter()
            .find(|var| !name.is_empty() && var.name == name);
        match known.and_then(|var| source.raw(var)) {
            Some(replacement) => {
                out.push_str(&replacement);
                rest = &after[consumed..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `path` shown with the home directory abbreviated to `~`, for messages.
#[must_use]
pub fn display_path(source: &dyn EnvSource, path: &Path) -> String {
    let home = home_dir(source);
    match path.strip_prefix(&home) {
        Ok(rest) if !home.as_os_str().is_empty() && home != Path::new(".") => {
            Path::new("~").join(rest).display().to_string()
        }
        _ => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::MapEnv;

    #[test]
    fn defaults_follow_home_and_xdg() {
        let env = MapEnv::new().with("HOME", "/home/u");
        assert_eq!(hf_home(&env), PathBuf::from("/home/u/.cache/huggingface"));
        assert_eq!(
            hub_cache_dir(&env),
            PathBuf::from("/home/u/.cache/huggingface/hub")
        );
        assert_eq!(
            token_path(&env),
            PathBuf::from("/home/u/.cache/huggingface/token")
        );
        let xdg = env.with("XDG_CACHE_HOME", "/xdg");
        assert_eq!(hf_home(&xdg), PathBuf::from("/xdg/huggingface"));
    }

    #[test]
    fn explicit_variables_win_in_python_order() {
        let env = MapEnv::new()
            .with("HOME", "/home/u")
            .with("HF_HOME", "/data/hf")
            .with("HUGGINGFACE_HUB_CACHE", "/legacy")
            .with("HF_TOKEN_PATH", "/secrets/tok");
        assert_eq!(hub_cache_dir(&env), PathBuf::from("/legacy"));
        assert_eq!(token_path(&env), PathBuf::from("/secrets/tok"));
        assert_eq!(
            stored_tokens_path(&env),
            PathBuf::from("/secrets/stored_tokens")
        );
        let env = env.with("HF_HUB_CACHE", "/new");
        assert_eq!(hub_cache_dir(&env), PathBuf::from("/new"));
    }

    #[test]
    fn tilde_and_registry_variables_are_expanded() {
        let env = MapEnv::new()
            .with("HOME", "/home/u")
            .with("XDG_CACHE_HOME", "/xdg")
            .with("HF_HOME", "~/hf");
        assert_eq!(hf_home(&env), PathBuf::from("/home/u/hf"));
        let env = env.with(
            "HF_HUB_CACHE",
            "${XDG_CACHE_HOME}/hub-$HF_HOME/$UNKNOWN_VAR",
        );
        assert_eq!(
            hub_cache_dir(&env),
            PathBuf::from("/xdg/hub-~/hf/$UNKNOWN_VAR")
        );
        let env = MapEnv::new().with("HOME", "/h").with("HF_TOKEN_PATH", "~");
        assert_eq!(token_path(&env), PathBuf::from("/h"));
    }

    #[test]
    fn lone_dollars_and_unclosed_braces_are_kept() {
        let env = MapEnv::new().with("HF_HOME", "/a$/b${HOME");
        assert_eq!(hf_home(&env), PathBuf::from("/a$/b${HOME"));
    }

    #[test]
    fn display_abbreviates_home() {
        let env = MapEnv::new().with("HOME", "/home/u");
        assert_eq!(
            display_path(&env, Path::new("/home/u/.cache/huggingface")),
            "~/.cache/huggingface"
        );
        assert_eq!(display_path(&env, Path::new("/srv/x")), "/srv/x");
    }
}
