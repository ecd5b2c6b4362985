//! Every command page of the Python `hf` CLI in the groups we are drop-in for, with every flag
//! spelling and enum value its help lists, parsed by our command line. The pages and flags are
//! read from Python's own help, generated at test time from the client installed in `.venv`
//! (`tests/python/help_tree.py`), so this cannot drift from it; what we do not accept yet is
//! listed in [`GAPS`], and a gap that starts parsing fails the test until it is removed from
//! the list. Without `.venv` the test says it is skipped (and fails under `CI`).

use std::collections::BTreeSet;

use clap::CommandFactory as _;
use clap::error::ErrorKind;

use crate::cli::Cli;

/// Python's help tree, one page per command, as `hf <path> --help` prints it; `None` (the
/// test skipped) when the Python client is not installed in `.venv`.
fn python_help_tree() -> Option<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".venv/bin/python");
    let python = hf_test_server::provisioned(
        "the Python client in .venv (cargo xtask ci creates it)",
        python.is_file().then_some(python),
    )?;
    let output = std::process::Command::new(python)
        .arg(root.join("tests/python/help_tree.py"))
        .output()
        .expect("run tests/python/help_tree.py");
    assert!(
        output.status.success(),
        "tests/python/help_tree.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).expect("the help tree is UTF-8"))
}

/// The command groups (or single commands) we are drop-in for.
const GROUPS: &[&str] = &[
    "auth",
    "download",
    "upload",
    "cache",
    "repos",
    "models",
    "datasets",
    "spaces list",
    "spaces info",
    "spaces card",
    "spaces search",
    "spaces secrets",
    "spaces variables",
    "spaces pause",
    "spaces restart",
    "spaces hardware",
    "spaces settings",
    "spaces logs",
    "spaces wait",
    "spaces dev-mode",
    "discussions",
    "collections",
    "papers",
    "webhooks",
    "endpoints",
];

/// What Python accepts and we do not (yet), as `command flag` (`command (page)` for a
/// whole command), each with the reason; docs/coming-from-python.md says the same.
const GAPS: &[(&str, &str)] = &[];

/// Spellings that mean something else here, on purpose (docs/coming-from-python.md): not
/// tried, since parsing or refusing them proves nothing.
const OURS: &[(&str, &str)] = &[
    (
        "repos create -v",
        "-v is our verbosity flag; Python's -v is --volume, spelled out here",
    ),
    (
        "repos duplicate -v",
        "-v is our verbosity flag; Python's -v is --volume, spelled out here",
    ),
];

/// One flag of a page: its spellings and, when it takes one, the values to try.
#[derive(Debug)]
struct Flag {
    names: Vec<String>,
    /// `None` for a switch; every listed choice for an enum; one plausible value otherwise.
    values: Option<Vec<String>>,
    /// Marked `[required]`: every command line of the page passes it.
    required: bool,
}

/// One command page.
#[derive(Debug, Default)]
struct Page {
    path: Vec<String>,
    /// A group of subcommands (`COMMAND [ARGS]...`).
    group: bool,
    /// Values for the required positional arguments, in order.
    positionals: Vec<String>,
    flags: Vec<Flag>,
    /// The usage line wraps onto the next one (more positionals there).
    usage_continues: bool,
    /// Past the `Examples` heading: wrapped example lines look like flags, and are not.
    in_examples: bool,
}

/// A value our parser must accept for a positional argument named `name` in the usage line
/// (`NAME:{a|b}`: a choice, the first).
fn positional_value(name: &str) -> String {
    if let Some((_, choices)) = name.split_once(":{") {
        return choices
            .trim_end_matches('}')
            .split('|')
            .next()
            .unwrap_or_default()
            .to_owned();
    }
    match name.trim_end_matches("...") {
        "TO_ID" => "user/other",
        "BRANCH" => "dev",
        "TAG" => "v1",
        "PATTERNS" => "*.bin",
        "SQL" => "SELECT 1",
        "SRC" => "hf://user/repo/file.txt",
        "NUM" => "5",
        "SPACE_ID" => "user/space",
        "COMMENT_ID" => "abc123",
        "NEW_TITLE" => "A new title",
        _ => "user/repo",
    }
    .to_owned()
}

/// A plausible value for `flag` whose metavar is `metavar` (TEXT, INTEGER, FLOAT...).
fn option_value(flag: &str, metavar: &str) -> String {
    match (flag, metavar) {
        (_, "INTEGER") => "1",
        (_, "FLOAT") => "1.5",
        ("--num-parameters", _) => "min:6B,max:128B",
        ("-s" | "--secrets" | "-e" | "--env", _) => "NAME=value",
        ("-v" | "--volume", _) => "hf://org/model:/data",
        ("--expand", _) => "downloads,likes",
        ("--subset" | "--split", _) => "default",
        ("--timeout", _) => "5m",
        _ => "x",
    }
    .to_owned()
}

/// The pages of `text` (Python's help tree) whose command path starts with one of `groups`.
fn pages(text: &str, groups: &[&str]) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    for line in text.lines() {
        if let Some(path) = line
            .strip_prefix("$ hf ")
            .and_then(|rest| rest.strip_suffix(" --help"))
        {
            pages.push(Page {
                path: path.split_whitespace().map(str::to_owned).collect(),
                ..Page::default()
            });
            continue;
        }
        let Some(page) = pages.last_mut() else {
            continue;
        };
        if let Some(usage) = line.strip_prefix("Usage: hf ") {
            let words: Vec<&str> = usage.split_whitespace().skip(page.path.len()).collect();
            page.group = words.contains(&"COMMAND");
            if !page.group {
                page.positionals = words
                    .iter()
                    .filter(|word| !word.starts_with('['))
                    .map(|word| positional_value(word))
                    .collect();
            }
            page.usage_continues = true;
            continue;
        }
        if page.usage_continues {
            page.usage_continues = false;
            if line.starts_with("      ") && !page.group {
                page.positionals.extend(
                    line.split_whitespace()
                        .filter(|word| !word.starts_with('['))
                        .map(positional_value),
                );
                continue;
            }
        }
        if line == "Examples" {
            page.in_examples = true;
        }
        if page.in_examples {
            continue;
        }
        // An option line: two spaces, then the spellings, then two spaces or the end.
        let Some(spec) = line.strip_prefix("  -").map(|rest| format!("-{rest}")) else {
            // A wrapped help text may end with the flag's `[required]`.
            if line.starts_with("        ")
                && line.contains("[required]")
                && let Some(flag) = page.flags.last_mut()
            {
                flag.required = true;
            }
            continue;
        };
        let required = line.contains("[required]");
        let spec = spec.split("  ").next().unwrap_or_default();
        let tokens: Vec<&str> = spec.split_whitespace().collect();
        let names: Vec<String> = tokens
            .iter()
            .filter(|token| token.starts_with('-'))
            .map(|token| token.trim_end_matches(',').to_owned())
            .collect();
        let metavar = tokens
            .iter()
            .find(|token| !token.starts_with('-') && **token != "/")
            .copied();
        let values = metavar.map(|metavar| match metavar.strip_prefix('[') {
            Some(choices) => choices
                .trim_end_matches(']')
                .split('|')
                .map(str::to_owned)
                .collect(),
            None => vec![option_value(&names[names.len() - 1], metavar)],
        });
        page.flags.push(Flag {
            names,
            values,
            required,
        });
    }
    pages.retain(|page| {
        let path = page.path.join(" ");
        groups
            .iter()
            .any(|group| path == *group || path.starts_with(&format!("{group} ")))
    });
    pages
}

/// Why our parser refuses `argv`, or `None` when it accepts it (help counts as accepted).
fn refusal(argv: &[String]) -> Option<String> {
    let args = std::iter::once("hf".to_owned()).chain(argv.iter().cloned());
    match Cli::command().try_get_matches_from(args) {
        Ok(_) => None,
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            None
        }
        Err(error) => Some(
            error
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
    }
}

#[test]
fn every_python_flag_of_the_drop_in_groups_is_accepted() {
    let Some(text) = python_help_tree() else {
        return;
    };
    let pages = pages(&text, GROUPS);
    // The help file has 187 pages; these groups are 106 of them. Fewer means the parser broke.
    assert!(pages.len() >= 106, "found only {} pages", pages.len());

    let gaps: BTreeSet<String> = GAPS.iter().map(|(what, _)| (*what).to_owned()).collect();
    let mut refused: BTreeSet<String> = BTreeSet::new();
    let mut details: Vec<String> = Vec::new();
    let mut tried = 0_usize;
    for page in &pages {
        let command = page.path.join(" ");
        let mut base = page.path.clone();
        base.extend(page.positionals.iter().cloned());
        // Required flags go on every line but their own (given twice, they would be refused).
        let required = |except: Option<&Flag>| -> Vec<String> {
            page.flags
                .iter()
                .filter(|f| f.required && !except.is_some_and(|e| std::ptr::eq(e, *f)))
                .flat_map(|f| {
                    std::iter::once(f.names[f.names.len() - 1].clone())
                        .chain(f.values.iter().flatten().next().cloned())
                })
                .collect()
        };
        tried += 1;
        if let Some(why) = refusal(&[page.path.clone(), vec!["--help".to_owned()]].concat()) {
            refused.insert(format!("{command} (page)"));
            details.push(format!("hf {command} --help: {why}"));
            continue;
        }
        if page.group {
            continue;
        }
        for flag in &page.flags {
            for name in &flag.names {
                if OURS
                    .iter()
                    .any(|(what, _)| *what == format!("{command} {name}"))
                {
                    continue;
                }
                let values = flag
                    .values
                    .clone()
                    .map_or(vec![None], |values| values.into_iter().map(Some).collect());
                for value in values {
                    let mut argv = base.clone();
                    argv.extend(required(Some(flag)));
                    argv.push(name.clone());
                    argv.extend(value.clone());
                    tried += 1;
                    if let Some(why) = refusal(&argv) {
                        refused.insert(format!("{command} {name}"));
                        details.push(format!("hf {}: {why}", argv.join(" ")));
                    }
                }
            }
        }
    }
    let unexpected: Vec<&String> = refused.difference(&gaps).collect();
    let stale: Vec<&String> = gaps.difference(&refused).collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{tried} command lines tried.\nRefused but not listed in GAPS: {unexpected:#?}\n\
         Listed in GAPS but now accepted (remove them): {stale:#?}\nDetails:\n{}",
        details.join("\n")
    );
}

#[test]
fn the_help_tree_reader_finds_pages_flags_and_choices() {
    let text = "\
$ hf models list --help
====
Usage: hf models list [OPTIONS] [REPO_ID]

Options:
  --sort [likes|trending_score]
                                  Sort results.
  --limit INTEGER                 Limit.
  --gated / --no-gated            Filter.
  -h, --human-readable            Sizes.
                                  -- not an option

Examples
  $ hf models list --sort likes
  --limit 3
$ hf repos tag create --help
Usage: hf repos tag create [OPTIONS] REPO_ID TAG
                           KIND:{model|dataset}
$ hf jobs --help
Usage: hf jobs [OPTIONS] COMMAND [ARGS]...
";
    let pages = pages(text, &["models", "repos"]);
    assert_eq!(pages.len(), 2);
    let list = &pages[0];
    assert!(list.positionals.is_empty() && !list.group);
    let summary: Vec<(Vec<String>, Option<Vec<String>>)> = list
        .flags
        .iter()
        .map(|flag| (flag.names.clone(), flag.values.clone()))
        .collect();
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        summary,
        vec![
            (
                strings(&["--sort"]),
                Some(strings(&["likes", "trending_score"]))
            ),
            (strings(&["--limit"]), Some(strings(&["1"]))),
            (strings(&["--gated", "--no-gated"]), None),
            (strings(&["-h", "--human-readable"]), None),
        ]
    );
    assert_eq!(pages[1].positionals, strings(&["user/repo", "v1", "model"]));
}
