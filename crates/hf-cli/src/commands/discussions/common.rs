//! What the `hf discussions` verbs share: the discussion number, a body from the command line,
//! a file or stdin (with its attachments uploaded), the confirmation and the not-found hint.

use crate::args::RepoArg;
use crate::command_error::UsageError;
use crate::hints::HintExt as _;

use hf_hub::Repo;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub(crate) struct NumArgs {
    #[command(flatten)]
    pub(crate) repo: RepoArg,
    /// The discussion or pull request number.
    #[arg(value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) num: u64,
}

/// A text from `--body` or `--body-file` (`-`: stdin), with `--attach` files.
#[derive(Debug, clap::Args)]
pub(crate) struct BodyArgs {
    /// The text (supports Markdown).
    #[arg(long, conflicts_with = "body_file")]
    pub(crate) body: Option<String>,
    /// Read the text from a file. Use '-' for stdin.
    #[arg(long, value_name = "PATH")]
    pub(crate) body_file: Option<PathBuf>,
    /// Attach an image, video or audio file, as 'FILE' or 'FILE#alt text'. A
    /// '![alt](FILE)' reference in the body is replaced by the uploaded file, other files are
    /// appended. Can be used multiple times.
    #[arg(long, value_name = "FILE")]
    pub(crate) attach: Vec<String>,
}

/// `--body` or `--body-file` (`-`: stdin), `None` when neither is given.
pub(crate) fn read_body(args: &BodyArgs) -> anyhow::Result<Option<String>> {
    if let Some(body) = &args.body {
        return Ok(Some(body.clone()));
    }
    let Some(path) = &args.body_file else {
        return Ok(None);
    };
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| anyhow::Error::new(e).context("could not read the text from stdin"))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| {
            anyhow::Error::new(e).context(format!("could not read {}", path.display()))
        })?
    };
    Ok(Some(text))
}

/// The Markdown the Hub's editor inserts for an uploaded file.
pub(crate) fn media_markdown(content_type: &str, url: &str, alt: &str) -> String {
    match content_type.split('/').next() {
        Some("image") => format!("![{alt}]({url})"),
        Some("audio") => format!("<audio controls src=\"{url}\"></audio>"),
        // The Hub renders an uploaded video's bare URL as a player.
        _ => url.to_owned(),
    }
}

/// One `--attach` value: `FILE` or `FILE#alt text` (a file whose name holds `#` is taken whole).
pub(crate) fn attachment_spec(value: &str) -> (PathBuf, String) {
    let whole = Path::new(value);
    let (file, alt) = if whole.is_file() {
        (value, "")
    } else {
        value.split_once('#').unwrap_or((value, ""))
    };
    let path = PathBuf::from(file);
    let alt = if alt.is_empty() {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        alt.to_owned()
    };
    (path, alt)
}

/// Uploads the `--attach` files and embeds them: a `![alt](FILE)` reference in `body` is
/// replaced by the uploaded file, the others are appended (as Python does).
pub(crate) async fn with_attachments(
    api: &hf_hub::HubApi,
    body: String,
    attach: &[String],
) -> anyhow::Result<String> {
    if attach.is_empty() {
        return Ok(body);
    }
    // Checked before any upload: a bad file uploads nothing.
    let mut files = Vec::new();
    for value in attach {
        let (path, alt) = attachment_spec(value);
        if !path.is_file() {
            return Err(UsageError(format!("attachment not found: '{}'", path.display())).into());
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(content_type) = hf_hub::api::attachment_content_type(&ext) else {
            return Err(UsageError(format!(
                "cannot attach '{}': supported formats are {}",
                path.display(),
                hf_hub::api::ATTACHMENT_EXTENSIONS.join(", ")
            ))
            .into());
        };
        let absolute = std::fs::canonicalize(&path)?;
        files.push((path, absolute, alt, content_type));
    }
    let mut uploaded = Vec::new();
    for (path, absolute, alt, content_type) in files {
        let bytes = std::fs::read(&path).map_err(|e| {
            anyhow::Error::new(e).context(format!("could not read {}", path.display()))
        })?;
        let url = api.upload_attachment(bytes, content_type).await?;
        uploaded.push((absolute, alt, content_type, url));
    }
    let mut referenced = vec![false; uploaded.len()];
    let body = replace_image_references(
        &body,
        |target| {
            let target = std::fs::canonicalize(target).ok()?;
            let i = uploaded.iter().position(|(p, ..)| *p == target)?;
            referenced[i] = true;
            Some(i)
        },
        |i, alt| media_markdown(uploaded[i].2, &uploaded[i].3, alt),
    );
    let mut parts = vec![body.trim().to_owned()];
    for (i, (_, alt, content_type, url)) in uploaded.iter().enumerate() {
        if !referenced[i] {
            parts.push(media_markdown(content_type, url, alt));
        }
    }
    Ok(parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n"))
}

/// Replaces each `![alt](target)` whose target `find` knows by `render(index, alt)`.
pub(crate) fn replace_image_references(
    body: &str,
    mut find: impl FnMut(&str) -> Option<usize>,
    render: impl Fn(usize, &str) -> String,
) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some(start) = rest.find("![") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let parsed = after.find("](").and_then(|close| {
            let alt = &after[..close];
            let target_part = &after[close + 2..];
            let end = target_part.find(')')?;
            (!alt.contains(']') && !alt.contains('\n')).then_some((
                alt,
                &target_part[..end],
                close + 2 + end + 1,
            ))
        });
        match parsed {
            Some((alt, target, used)) => {
                // `(<path> "title")`: drop the title, then the angle brackets.
                let clean = target.split(" \"").next().unwrap_or(target).trim();
                let clean = clean.trim_start_matches('<').trim_end_matches('>');
                match find(clean) {
                    Some(i) => out.push_str(&render(i, alt)),
                    None => out.push_str(&rest[start..start + 2 + used]),
                }
                rest = &rest[start + 2 + used..];
            }
            None => {
                out.push_str("![");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

pub(crate) fn confirm(yes: bool, what: &str) -> anyhow::Result<()> {
    if yes {
        Ok(())
    } else {
        Err(UsageError(format!(
            "{what}: pass --yes to confirm (nothing was changed)"
        ))
        .into())
    }
}

/// A discussion that is not there: say how to find the right number.
pub(crate) fn not_found_hint<T>(
    result: Result<T, hf_hub::Error>,
    repo: &Repo,
    num: u64,
) -> anyhow::Result<T> {
    match result {
        Err(e)
            if e.as_http().is_some_and(|h| {
                matches!(
                    h.kind(),
                    hf_hub::HttpErrorKind::EntryNotFound | hf_hub::HttpErrorKind::NotFound
                )
            }) =>
        {
            Err(e).hint(crate::hints::discussion_not_found(num, &repo.id))
        }
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_to_attached_files_are_replaced_and_others_kept() {
        let body = "Before: ![old](./a.png) and ![web](https://x/y.png) ![](<b.png> \"t\")";
        let known = ["./a.png", "b.png"];
        let out = replace_image_references(
            body,
            |t| known.iter().position(|k| *k == t),
            |i, alt| format!("[{i}:{alt}]"),
        );
        assert_eq!(out, "Before: [0:old] and ![web](https://x/y.png) [1:]");
        assert_eq!(
            replace_image_references("a ![broken( b", |_| Some(0), |_, _| "X".into()),
            "a ![broken( b"
        );
    }

    #[test]
    fn attachment_specs_split_alt_text_unless_the_file_exists() {
        let (path, alt) = attachment_spec("shots/before.png#Before the fix");
        assert_eq!(path, PathBuf::from("shots/before.png"));
        assert_eq!(alt, "Before the fix");
        let (_, alt) = attachment_spec("after.png");
        assert_eq!(alt, "after");
    }

    #[test]
    fn media_is_embedded_as_the_hub_editor_does() {
        assert_eq!(media_markdown("image/png", "u", "a"), "![a](u)");
        assert_eq!(media_markdown("video/mp4", "u", "a"), "u");
        assert_eq!(
            media_markdown("audio/wav", "u", "a"),
            "<audio controls src=\"u\"></audio>"
        );
    }
}
