//! `cargo xtask api [--check]`: the public API of each published library crate, listed from
//! its source into `docs/api/<crate>.txt` (our stand-in for `cargo semver-checks`, which
//! cannot be installed offline). `cargo xtask ci` runs `--check`, so a change to a public
//! signature fails CI until the listing is regenerated and committed: API changes are
//! deliberate, and reviewers see them in the diff.
//!
//! Listed: every `pub` item (not `pub(crate)`) in every module file, with the attributes
//! that matter to callers (`cfg`, `derive`, `non_exhaustive`, `doc(hidden)`), public fields and
//! variants, the `pub` methods of inherent impls and the trait impls of public types, and
//! item-macro invocations (which generate methods the parser cannot see). Items are sorted
//! within a module, so moving code inside a file changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use quote::ToTokens;

use crate::util;

/// The published libraries: (package, source folder, crate name).
const CRATES: &[(&str, &str, &str)] = &[
    ("hf-auth", "crates/hf-auth", "hf_auth"),
    ("hf-rs-hub", "crates/hf-hub", "hf_hub"),
    ("hf-inference", "crates/hf-inference", "hf_inference"),
];

/// Runs the task; `check` fails when a file would change instead of writing it.
pub(crate) fn run(check: bool) -> anyhow::Result<()> {
    let root = util::root();
    let mut stale = Vec::new();
    for (package, dir, name) in CRATES {
        let listing = listing(package, &root.join(dir), name)?;
        let target = root.join("docs/api").join(format!("{package}.txt"));
        let current = std::fs::read_to_string(&target).unwrap_or_default();
        if current == listing {
            println!(
                "api: {package}: {} lines, up to date",
                listing.lines().count()
            );
        } else if check {
            stale.push(diff_summary(package, &current, &listing));
        } else {
            std::fs::create_dir_all(target.parent().context("docs/api")?)?;
            std::fs::write(&target, &listing)?;
            println!("api: wrote {}", target.display());
        }
    }
    if !stale.is_empty() {
        bail!(
            "the public API changed:\n{}\nIf the change is deliberate, run `cargo xtask api` and commit docs/api/.",
            stale.join("\n")
        );
    }
    Ok(())
}

/// The lines only in one of the two listings, for the CI log.
fn diff_summary(package: &str, old: &str, new: &str) -> String {
    let old_lines: BTreeSet<&str> = old.lines().collect();
    let new_lines: BTreeSet<&str> = new.lines().collect();
    let mut out = format!("  {package}:");
    for line in old_lines.difference(&new_lines).take(20) {
        out.push_str(&format!("\n    - {line}"));
    }
    for line in new_lines.difference(&old_lines).take(20) {
        out.push_str(&format!("\n    + {line}"));
    }
    out
}

/// One module's source, parsed.
struct Module {
    path: String,
    public: bool,
    file: syn::File,
}

fn listing(package: &str, dir: &Path, name: &str) -> anyhow::Result<String> {
    let mut modules = Vec::new();
    collect(&dir.join("src/lib.rs"), name.to_owned(), true, &mut modules)?;
    let public_types: BTreeSet<String> = modules
        .iter()
        .flat_map(|m| m.file.items.iter())
        .filter_map(public_type_name)
        .collect();
    let mut out = format!(
        "# The public API of {package}, listed by `cargo xtask api` from {}/src.\n# `cargo xtask ci` fails when this file is out of date: regenerate it and commit.\n",
        dir.file_name()
            .map_or_else(String::new, |n| format!("crates/{}", n.to_string_lossy()))
    );
    let mut sections = BTreeMap::new();
    for module in &modules {
        let mut blocks: Vec<String> = module
            .file
            .items
            .iter()
            .filter_map(|item| render_item(item, &public_types))
            .collect();
        blocks.sort();
        if !blocks.is_empty() {
            let header = if module.public {
                format!("\n## {}\n", module.path)
            } else {
                format!(
                    "\n## {} (private module; items reachable through re-exports)\n",
                    module.path
                )
            };
            sections.insert(module.path.clone(), format!("{header}{}", blocks.join("")));
        }
    }
    for section in sections.values() {
        out.push_str(section);
    }
    Ok(out)
}

/// Parses `file` and the module files it declares.
fn collect(file: &Path, path: String, public: bool, out: &mut Vec<Module>) -> anyhow::Result<()> {
    let source = std::fs::read_to_string(file)
        .with_context(|| format!("could not read {}", file.display()))?;
    let parsed =
        syn::parse_file(&source).with_context(|| format!("could not parse {}", file.display()))?;
    // `lib.rs` and `mod.rs` declare modules beside them; `foo.rs` in `foo/`.
    let dir: PathBuf = match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "mod.rs") => file.parent().context("a parent")?.to_path_buf(),
        _ => file.with_extension(""),
    };
    for item in &parsed.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if is_test_only(&module.attrs) || module.content.is_some() {
            continue;
        }
        let name = module.ident.to_string();
        let child = [
            dir.join(format!("{name}.rs")),
            dir.join(&name).join("mod.rs"),
        ]
        .into_iter()
        .find(|p| p.is_file())
        .with_context(|| format!("no file for `mod {name}` in {}", dir.display()))?;
        let child_public = public && matches!(module.vis, syn::Visibility::Public(_));
        collect(&child, format!("{path}::{name}"), child_public, out)?;
    }
    out.push(Module {
        path,
        public,
        file: parsed,
    });
    Ok(())
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && {
            let tokens = a.meta.to_token_stream().to_string();
            tokens.contains("test") && !tokens.contains("feature")
        }
    })
}

fn is_public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn public_type_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) if is_public(&s.vis) => Some(s.ident.to_string()),
        syn::Item::Enum(e) if is_public(&e.vis) => Some(e.ident.to_string()),
        syn::Item::Type(t) if is_public(&t.vis) => Some(t.ident.to_string()),
        syn::Item::Trait(t) if is_public(&t.vis) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// The attributes a caller depends on, one per line.
fn attributes(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| {
            ["cfg", "derive", "non_exhaustive", "doc"]
                .iter()
                .any(|name| a.path().is_ident(name))
        })
        .filter(|a| !a.path().is_ident("doc") || a.to_token_stream().to_string().contains("hidden"))
        .map(|a| format!("{}\n", tidy(&a.to_token_stream().to_string())))
        .collect()
}

fn text(tokens: &dyn ToTokens) -> String {
    tidy(&tokens.to_token_stream().to_string())
}

fn render_item(item: &syn::Item, public_types: &BTreeSet<String>) -> Option<String> {
    let block = match item {
        syn::Item::Fn(f) if is_public(&f.vis) => {
            format!("{}pub {}\n", attributes(&f.attrs), text(&f.sig))
        }
        syn::Item::Struct(s) if is_public(&s.vis) => {
            let mut out = format!(
                "{}pub struct {}{}\n",
                attributes(&s.attrs),
                s.ident,
                text(&s.generics)
            );
            for field in s.fields.iter().filter(|f| is_public(&f.vis)) {
                let name = field
                    .ident
                    .as_ref()
                    .map_or_else(|| "(tuple field)".to_owned(), ToString::to_string);
                out.push_str(&format!("    pub {name}: {}\n", text(&field.ty)));
            }
            out
        }
        syn::Item::Enum(e) if is_public(&e.vis) => {
            let mut out = format!(
                "{}pub enum {}{}\n",
                attributes(&e.attrs),
                e.ident,
                text(&e.generics)
            );
            for variant in &e.variants {
                out.push_str(&format!(
                    "    {}{}\n",
                    variant.ident,
                    fields(&variant.fields)
                ));
            }
            out
        }
        syn::Item::Trait(t) if is_public(&t.vis) => {
            let mut out = format!(
                "{}pub trait {}{}\n",
                attributes(&t.attrs),
                t.ident,
                text(&t.generics)
            );
            for inner in &t.items {
                if let syn::TraitItem::Fn(f) = inner {
                    out.push_str(&format!("    {}\n", text(&f.sig)));
                }
            }
            out
        }
        syn::Item::Type(t) if is_public(&t.vis) => format!(
            "{}pub type {}{} = {}\n",
            attributes(&t.attrs),
            t.ident,
            text(&t.generics),
            text(&t.ty)
        ),
        syn::Item::Const(c) if is_public(&c.vis) => {
            format!(
                "{}pub const {}: {}\n",
                attributes(&c.attrs),
                c.ident,
                text(&c.ty)
            )
        }
        syn::Item::Static(s) if is_public(&s.vis) => {
            format!(
                "{}pub static {}: {}\n",
                attributes(&s.attrs),
                s.ident,
                text(&s.ty)
            )
        }
        syn::Item::Use(u) if is_public(&u.vis) => format!("{}{}\n", attributes(&u.attrs), text(u)),
        syn::Item::Mod(m) if is_public(&m.vis) => {
            format!("{}pub mod {}\n", attributes(&m.attrs), m.ident)
        }
        syn::Item::Macro(m)
            if m.ident.is_none()
                && m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "setters") =>
        {
            setters(&m.mac.tokens.to_string())
        }
        syn::Item::Macro(m) if m.ident.is_none() => {
            // An invocation that generates items (the blocking wrappers): list its input.
            let body = tidy(&m.mac.tokens.to_string());
            let body = body.replace("; ", ";\n    ");
            format!(
                "{}{}! {{\n    {body}\n}}\n",
                attributes(&m.attrs),
                text(&m.mac.path)
            )
        }
        syn::Item::Impl(i) => {
            let self_name = match &*i.self_ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            }?;
            if !public_types.contains(&self_name) {
                return None;
            }
            let header = match &i.trait_ {
                Some((bang, path, _)) => format!(
                    "impl{} {}{} for {}",
                    text(&i.generics),
                    if bang.is_some() { "!" } else { "" },
                    text(path),
                    text(&i.self_ty)
                ),
                None => format!("impl{} {}", text(&i.generics), text(&i.self_ty)),
            };
            let methods: Vec<String> = i
                .items
                .iter()
                .filter_map(|inner| match inner {
                    syn::ImplItem::Fn(f) if is_public(&f.vis) => Some(format!(
                        "    {}pub {}\n",
                        attributes(&f.attrs).replace('\n', " "),
                        text(&f.sig)
                    )),
                    syn::ImplItem::Const(c) if is_public(&c.vis) => {
                        Some(format!("    pub const {}: {}\n", c.ident, text(&c.ty)))
                    }
                    _ => None,
                })
                .collect();
            if i.trait_.is_none() && methods.is_empty() {
                return None;
            }
            let mut methods = methods;
            methods.sort();
            format!("{}{header}\n{}", attributes(&i.attrs), methods.join(""))
        }
        _ => return None,
    };
    Some(block)
}

/// A variant's fields without their attributes: `(T, U)` or ` { a: T, b: U }`.
fn fields(fields: &syn::Fields) -> String {
    let ty = |f: &syn::Field| tidy(&f.ty.to_token_stream().to_string());
    match fields {
        syn::Fields::Unit => String::new(),
        syn::Fields::Unnamed(unnamed) => {
            let types: Vec<String> = unnamed.unnamed.iter().map(ty).collect();
            format!("({})", types.join(", "))
        }
        syn::Fields::Named(named) => {
            let pairs: Vec<String> = named
                .named
                .iter()
                .map(|f| {
                    let name = f
                        .ident
                        .as_ref()
                        .map_or_else(String::new, ToString::to_string);
                    format!("{name}: {}", ty(f))
                })
                .collect();
            format!(" {{ {} }}", pairs.join(", "))
        }
    }
}

/// Joins the tokens as a person writes them (`&self`, `Result<T, E>`, `a::b`).
fn tidy(tokens: &str) -> String {
    let mut s = tokens.to_owned();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" ,", ","),
        (" ;", ";"),
        (" :", ":"),
        ("& ", "&"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        ("[ ", "["),
        (" ]", "]"),
        (" . ", "."),
        (" !", "!"),
        ("# [", "#["),
        ("? ", "?"),
        ("{ ", "{"),
        (" }", "}"),
        (",)", ")"),
    ] {
        s = s.replace(from, to);
    }
    // A `mut` binding is the function's own business, not its signature.
    s.replace("->(", "-> (")
        .replace("=(", "= (")
        .replace("(mut self", "(self")
}

/// The methods `hf_hub`'s `setters!(Type { with_x => x: T, with_y => y: into U, })` writes,
/// as they read in the documentation.
fn setters(tokens: &str) -> String {
    let tokens = tidy(tokens);
    let Some((name, rest)) = tokens.split_once('{') else {
        return format!("setters! {{ {tokens} }}\n");
    };
    let mut out = format!("impl {}\n", name.trim());
    for entry in rest.trim_end_matches('}').split(',') {
        let Some((setter, field)) = entry.split_once("=>") else {
            continue;
        };
        let Some((_, ty)) = field.split_once(':') else {
            continue;
        };
        let ty = ty.trim();
        let ty = match ty.strip_prefix("into ") {
            Some(ty) => format!("impl Into<{ty}>"),
            None => ty.to_owned(),
        };
        out.push_str(&format!(
            "    pub fn {}(self, value: {ty}) -> Self\n",
            setter.trim()
        ));
    }
    out
}
