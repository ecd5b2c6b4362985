//! Seed data: users, orgs, tokens and (for `Seed::Demo`) realistic repos.
//!
//! Content is generated once per process and shared between servers, so seeding a
//! new server only clones a few maps.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use serde_json::{Value, json};

use crate::demo_models::DEMO_MODELS;
use crate::model::{Db, Entry, Gated, Org, Repo, RepoType, Role, Scope, TokenInfo, Tree, User};
use crate::util::{git_blob_sha1, pseudo_random_bytes, random_alnum, sha256_hex};

/// What the server starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seed {
    /// Users, orgs, tokens and the demo repos.
    Demo,
    /// Users, orgs and tokens, no repos.
    Empty,
}

/// The fake tokens of a server (generated at start-up, different for every server).
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    /// `demo-user`, role `read`, display name `demo-read`.
    pub read: String,
    /// `demo-user`, role `write`, display name `demo-write`.
    pub write: String,
    /// `demo-user`, fine-grained `demo-fine-grained`: write only on `demo-user/scoped-model`.
    pub fine_grained: String,
    /// `demo-user`, fine-grained `demo-org-write`: read+write on `demo-org` repos, collections
    /// and Inference Endpoints only.
    pub org_write: String,
    /// Always answered with 401.
    pub expired: String,
    /// `demo-user`, legacy role `admin` (writes like `write`), display name `demo-admin`.
    pub admin: String,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Tokens { .. }")
    }
}

pub(crate) const GITATTRIBUTES: &str = "*.7z filter=lfs diff=lfs merge=lfs -text
*.arrow filter=lfs diff=lfs merge=lfs -text
*.bin filter=lfs diff=lfs merge=lfs -text
*.bz2 filter=lfs diff=lfs merge=lfs -text
*.ckpt filter=lfs diff=lfs merge=lfs -text
*.ftz filter=lfs diff=lfs merge=lfs -text
*.gz filter=lfs diff=lfs merge=lfs -text
*.h5 filter=lfs diff=lfs merge=lfs -text
*.joblib filter=lfs diff=lfs merge=lfs -text
*.lfs.* filter=lfs diff=lfs merge=lfs -text
*.mlmodel filter=lfs diff=lfs merge=lfs -text
*.model filter=lfs diff=lfs merge=lfs -text
*.msgpack filter=lfs diff=lfs merge=lfs -text
*.npy filter=lfs diff=lfs merge=lfs -text
*.npz filter=lfs diff=lfs merge=lfs -text
*.onnx filter=lfs diff=lfs merge=lfs -text
*.ot filter=lfs diff=lfs merge=lfs -text
*.parquet filter=lfs diff=lfs merge=lfs -text
*.pb filter=lfs diff=lfs merge=lfs -text
*.pickle filter=lfs diff=lfs merge=lfs -text
*.pkl filter=lfs diff=lfs merge=lfs -text
*.pt filter=lfs diff=lfs merge=lfs -text
*.pth filter=lfs diff=lfs merge=lfs -text
*.rar filter=lfs diff=lfs merge=lfs -text
*.safetensors filter=lfs diff=lfs merge=lfs -text
saved_model/**/* filter=lfs diff=lfs merge=lfs -text
*.tar.* filter=lfs diff=lfs merge=lfs -text
*.tar filter=lfs diff=lfs merge=lfs -text
*.tflite filter=lfs diff=lfs merge=lfs -text
*.tgz filter=lfs diff=lfs merge=lfs -text
*.wasm filter=lfs diff=lfs merge=lfs -text
*.xz filter=lfs diff=lfs merge=lfs -text
*.zip filter=lfs diff=lfs merge=lfs -text
*.zst filter=lfs diff=lfs merge=lfs -text
*tfevents* filter=lfs diff=lfs merge=lfs -text
";

/// Base date of the seed history: 2024-01-01T00:00:00Z.
const T0: u64 = 1_704_067_200;

/// Size of `demo-org/xet-model/model.safetensors` (Xet-backed, several chunks and MiB).
pub(crate) const XET_SAFETENSORS_SIZE: usize = 5 * 1024 * 1024 + 4321;

/// Size of `demo-org/demo-model/model.safetensors`.
pub(crate) const DEMO_SAFETENSORS_SIZE: usize = 3 * 1024 * 1024 + 1234;

struct SeedData {
    blobs: Arc<HashMap<String, Bytes>>,
    repos: Vec<Repo>,
    /// Content of the seeded Xet files, stored in each server's CAS at start-up.
    xet_files: Vec<Bytes>,
}

enum Content {
    Regular(Vec<u8>),
    Lfs(Bytes),
    /// An LFS file stored in the CAS only (served through Xet and the bridge).
    Xet(Bytes),
}

struct Builder<'a> {
    repo: Repo,
    blobs: &'a mut HashMap<String, Bytes>,
    xet_files: &'a mut Vec<Bytes>,
    date: u64,
}

impl Builder<'_> {
    fn commit_on(&mut self, branch: &str, title: &str, files: Vec<(String, Content)>) -> String {
        let parent = self.repo.branches.get(branch).cloned();
        let mut tree: Tree = parent
            .as_ref()
            .and_then(|p| self.repo.commits.get(p))
            .map(|c| (*c.tree).clone())
            .unwrap_or_default();
        let mut changed = Vec::new();
        for (path, content) in files {
            let entry = match content {
                Content::Regular(data) => {
                    let e = Entry::regular(&data, "");
                    self.blobs.insert(e.blob_key(), Bytes::from(data));
                    e
                }
                Content::Lfs(data) => {
                    let e = Entry::lfs(&sha256_hex(&data), data.len() as u64, "");
                    self.blobs.insert(e.blob_key(), data);
                    e
                }
                Content::Xet(data) => {
                    let e = Entry::xet(
                        &sha256_hex(&data),
                        data.len() as u64,
                        &crate::util::xet_file_hash(&data),
                        "",
                    );
                    self.xet_files.push(data);
                    e
                }
            };
            tree.insert(path.clone(), entry);
            changed.push(path);
        }
        self.date += 3600;
        let author = self.repo.namespace().to_owned();
        let id = self.repo.add_commit(
            parent.as_deref(),
            title,
            "",
            &author,
            self.date,
            tree,
            &changed,
        );
        self.repo.branches.insert(branch.to_owned(), id.clone());
        id
    }
}

fn reg(path: &str, s: &str) -> (String, Content) {
    (path.to_owned(), Content::Regular(s.as_bytes().to_vec()))
}

fn new_builder<'a>(
    blobs: &'a mut HashMap<String, Bytes>,
    xet_files: &'a mut Vec<Bytes>,
    kind: RepoType,
    id: &str,
    offset_days: u64,
) -> Builder<'a> {
    let created = T0 + offset_days * 86_400;
    let mut b = Builder {
        repo: Repo::new(kind, id, created),
        blobs,
        xet_files,
        date: created,
    };
    b.commit_on(
        "main",
        "initial commit",
        vec![reg(".gitattributes", GITATTRIBUTES)],
    );
    b
}

/// A small file that looks like a safetensors file: u64 header length, JSON header, data.
fn safetensors_bytes(total: usize, seed: u64) -> Vec<u8> {
    let n_floats = (total.saturating_sub(200)) / 4;
    let mut header = format!(
        "{{\"__metadata__\":{{\"format\":\"pt\"}},\"weight\":{{\"dtype\":\"F32\",\"shape\":[{n_floats}],\"data_offsets\":[0,{}]}}}}",
        n_floats * 4
    );
    // pad header so that header + data == total
    let want_header = total - 8 - n_floats * 4;
    while header.len() < want_header {
        header.push(' ');
    }
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&pseudo_random_bytes(seed, n_floats * 4));
    out
}

fn parquet_bytes(total: usize) -> Vec<u8> {
    let mut out = b"PAR1".to_vec();
    out.extend_from_slice(&pseudo_random_bytes(0xDA7A, total - 8));
    out.extend_from_slice(b"PAR1");
    out
}

pub(crate) fn readme(yaml: &str, body: &str) -> String {
    format!("---\n{yaml}---\n\n{body}")
}

/// Parses the YAML front matter of a model card (a small subset: scalars and lists).
pub(crate) fn parse_card(readme: &str) -> Option<Value> {
    let rest = readme.strip_prefix("---\n")?;
    let end = rest.find("\n---")?;
    let mut map = serde_json::Map::new();
    let mut current_list: Option<String> = None;
    for line in rest[..end].lines() {
        if let Some(item) = line.trim_start().strip_prefix("- ") {
            if let Some(key) = &current_list
                && let Some(Value::Array(a)) = map.get_mut(key)
            {
                a.push(scalar(item));
            }
            continue;
        }
        if line.starts_with(' ') {
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        if v.is_empty() {
            map.insert(k.trim().to_owned(), Value::Array(Vec::new()));
            current_list = Some(k.trim().to_owned());
        } else {
            map.insert(k.trim().to_owned(), scalar(v));
            current_list = None;
        }
    }
    Some(Value::Object(map))
}

fn scalar(v: &str) -> Value {
    let v = v.trim().trim_matches('"').trim_matches('\'');
    match v {
        "true" => json!(true),
        "false" => json!(false),
        _ => v
            .parse::<i64>()
            .map(|n| json!(n))
            .unwrap_or_else(|_| json!(v)),
    }
}

fn build() -> SeedData {
    let mut blobs = HashMap::new();
    let mut xet_files = Vec::new();
    let mut repos = Vec::new();

    // demo-org/demo-model
    {
        let mut b = new_builder(
            &mut blobs,
            &mut xet_files,
            RepoType::Model,
            "demo-org/demo-model",
            0,
        );
        let card = readme(
            "language:\n- en\nlicense: apache-2.0\nlibrary_name: transformers\npipeline_tag: text-classification\ntags:\n- demo\n- text-classification\ndatasets:\n- demo-org/demo-dataset\n",
            "# Demo model\n\nA tiny model used by the hf test server.\n",
        );
        let config = serde_json::to_string_pretty(&json!({
            "architectures": ["DistilBertForSequenceClassification"],
            "model_type": "distilbert",
            "dim": 32, "n_layers": 2, "n_heads": 2, "vocab_size": 64,
            "id2label": {"0": "NEGATIVE", "1": "POSITIVE"},
            "label2id": {"NEGATIVE": 0, "POSITIVE": 1},
            "torch_dtype": "float32",
            "transformers_version": "4.46.0"
        }))
        .unwrap_or_default()
            + "\n";
        let tokenizer = serde_json::to_string(&json!({
            "version": "1.0",
            "truncation": null, "padding": null,
            "added_tokens": [{"id": 0, "content": "[PAD]", "special": true}, {"id": 1, "content": "[UNK]", "special": true}],
            "normalizer": {"type": "BertNormalizer", "lowercase": true},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[PAD]": 0, "[UNK]": 1, "hello": 2, "world": 3}}
        }))
        .unwrap_or_default();
        let tok_config = "{\n  \"do_lower_case\": true,\n  \"model_max_length\": 512,\n  \"tokenizer_class\": \"DistilBertTokenizer\"\n}\n";
        b.commit_on(
            "main",
            "Upload model files",
            vec![
                reg("README.md", &card),
                reg("config.json", &config),
                reg("tokenizer.json", &tokenizer),
                reg("tokenizer_config.json", tok_config),
                (
                    "model.safetensors".to_owned(),
                    Content::Lfs(Bytes::from(safetensors_bytes(DEMO_SAFETENSORS_SIZE, 42))),
                ),
            ],
        );
        let main = b.repo.branches["main"].clone();
        b.repo.tag_refs.insert("v1.0".to_owned(), main.clone());
        b.repo.branches.insert("dev".to_owned(), main);
        b.commit_on(
            "dev",
            "Add dev notes",
            vec![reg(
                "dev-notes.md",
                "# Dev notes\n\nWork in progress on the dev branch.\n",
            )],
        );
        b.repo.card_data = parse_card(&card);
        b.repo.pipeline_tag = Some("text-classification".to_owned());
        b.repo.library_name = Some("transformers".to_owned());
        b.repo.tags = vec![
            "transformers".into(),
            "safetensors".into(),
            "distilbert".into(),
            "text-classification".into(),
            "demo".into(),
            "en".into(),
            "license:apache-2.0".into(),
            "dataset:demo-org/demo-dataset".into(),
            "region:us".into(),
        ];
        b.repo.downloads = 1234;
        b.repo.likes = 42;
        repos.push(b.repo);
    }

    // demo-org/demo-dataset
    {
        let mut b = new_builder(
            &mut blobs,
            &mut xet_files,
            RepoType::Dataset,
            "demo-org/demo-dataset",
            1,
        );
        let card = readme(
            "license: cc-by-4.0\nlanguage:\n- en\ntask_categories:\n- text-classification\npretty_name: Demo dataset\nsize_categories:\n- n<1K\n",
            "# Demo dataset\n\nA tiny dataset with a CSV and a Parquet split.\n",
        );
        let mut train = String::from("text,label\n");
        for i in 0..50 {
            train.push_str(&format!("\"sample sentence number {i}\",{}\n", i % 2));
        }
        let test = "text,label\n\"I love it\",1\n\"I hate it\",0\n";
        b.commit_on(
            "main",
            "Upload dataset",
            vec![
                reg("README.md", &card),
                reg("data/train.csv", &train),
                reg("data/test.csv", test),
                (
                    "data/train-00000-of-00001.parquet".to_owned(),
                    Content::Lfs(Bytes::from(parquet_bytes(64 * 1024 + 17))),
                ),
            ],
        );
        b.repo.card_data = parse_card(&card);
        // A benchmark leaderboard, as `hf datasets leaderboard` reads it.
        b.repo.leaderboard = vec![
            ("demo-org/xet-model".to_owned(), 0.85, false),
            ("demo-org/demo-model".to_owned(), 0.91, true),
        ];
        b.repo.tags = vec![
            "task_categories:text-classification".into(),
            "language:en".into(),
            "license:cc-by-4.0".into(),
            "size_categories:n<1K".into(),
            "format:parquet".into(),
            "region:us".into(),
        ];
        b.repo.downloads = 321;
        b.repo.likes = 7;
        repos.push(b.repo);
    }

    // demo-org/gated-model
    {
        let mut b = new_builder(
            &mut blobs,
            &mut xet_files,
            RepoType::Model,
            "demo-org/gated-model",
            2,
        );
        let card = readme(
            "license: other\nextra_gated_prompt: You agree to not use the model for evil.\n",
            "# Gated model\n",
        );
        b.commit_on(
            "main",
            "Upload gated model",
            vec![
                reg("README.md", &card),
                reg("config.json", "{\n  \"model_type\": \"gpt2\"\n}\n"),
                (
                    "model.safetensors".to_owned(),
                    Content::Lfs(Bytes::from(safetensors_bytes(64 * 1024, 7))),
                ),
            ],
        );
        b.repo.gated = Gated::Manual;
        b.repo.card_data = parse_card(&card);
        b.repo.tags = vec![
            "transformers".into(),
            "license:other".into(),
            "region:us".into(),
        ];
        b.repo.library_name = Some("transformers".to_owned());
        repos.push(b.repo);
    }

    // demo-user/private-model and demo-user/scoped-model
    for (id, private, days) in [
        ("demo-user/private-model", true, 3),
        ("demo-user/scoped-model", false, 4),
    ] {
        let mut b = new_builder(&mut blobs, &mut xet_files, RepoType::Model, id, days);
        let name = id.split('/').nth(1).unwrap_or(id);
        b.commit_on(
            "main",
            "Add model card",
            vec![
                reg(
                    "README.md",
                    &readme("license: mit\n", &format!("# {name}\n")),
                ),
                reg("config.json", "{\n  \"model_type\": \"bert\"\n}\n"),
            ],
        );
        b.repo.private = private;
        b.repo.card_data = Some(json!({"license": "mit"}));
        b.repo.tags = vec!["license:mit".into(), "region:us".into()];
        repos.push(b.repo);
    }

    // demo-org/gradio-template: the Space template `hf repos create --template Gradio` copies.
    {
        let mut b = new_builder(
            &mut blobs,
            &mut xet_files,
            RepoType::Space,
            "demo-org/gradio-template",
            6,
        );
        b.commit_on(
            "main",
            "Add the template",
            vec![
                reg(
                    "README.md",
                    &readme("title: Gradio template\nsdk: gradio\n", "# Gradio template\n"),
                ),
                reg(
                    "app.py",
                    "import gradio as gr\n\ngr.Interface(lambda x: x, \"text\", \"text\").launch()\n",
                ),
            ],
        );
        b.repo.sdk = Some("gradio".into());
        b.repo.template = Some(("Gradio".into(), false));
        repos.push(b.repo);
    }

    // demo-org/many-files: 1200 small files in 12 folders
    {
        let mut b = new_builder(
            &mut blobs,
            &mut xet_files,
            RepoType::Model,
            "demo-org/many-files",
            5,
        );
        let mut files = vec![reg(
            "README.md",
            "# Many files\n\n1200 small files in 12 folders.\n",
        )];
        for i in 0..1200 {
            files.push(reg(
                &format!("shard-{:02}/file-{i:04}.txt", i / 100),
                &format!("file number {i}\n"),
            ));
        }
        b.commit_on("main", "Add 1200 files", files);
        repos.push(b.repo);
    }

    // demo-org/xet-model: a Xet-enabled repo whose weights live in the CAS only
    // (demo-org/demo-model is the legacy LFS one).
    {
        let mut b = new_builder(
            &mut blobs,
            &mut xet_files,
            RepoType::Model,
            "demo-org/xet-model",
            6,
        );
        b.repo.xet_enabled = true;
        b.repo.tags = vec!["demo".into(), "xet".into()];
        b.repo.library_name = Some("transformers".into());
        b.commit_on(
            "main",
            "Upload weights through Xet",
            vec![
                reg("README.md", "# Xet model\n\nWeights stored in Xet, served through the CAS and the bridge.\n"),
                reg("config.json", "{\n  \"model_type\": \"gpt2\",\n  \"n_layer\": 2\n}\n"),
                (
                    "model.safetensors".to_owned(),
                    Content::Xet(Bytes::from(safetensors_bytes(XET_SAFETENSORS_SIZE, 7))),
                ),
            ],
        );
        repos.push(b.repo);
    }

    // inference demo models
    for (i, m) in DEMO_MODELS.iter().enumerate() {
        let mut b = new_builder(
            &mut blobs,
            &mut xet_files,
            RepoType::Model,
            m.id,
            10 + i as u64,
        );
        let card = readme(
            &format!(
                "license: apache-2.0\nlibrary_name: {}\npipeline_tag: {}\n",
                m.library, m.pipeline_tag
            ),
            &format!("# {}\n", m.id),
        );
        b.commit_on(
            "main",
            "Upload model",
            vec![
                reg("README.md", &card),
                reg(
                    "config.json",
                    &format!("{{\n  \"architectures\": [\"{}\"]\n}}\n", m.architecture),
                ),
            ],
        );
        b.repo.card_data = parse_card(&card);
        b.repo.pipeline_tag = Some(m.pipeline_tag.to_owned());
        b.repo.library_name = Some(m.library.to_owned());
        let mut tags = vec![m.library.to_string(), m.pipeline_tag.to_string()];
        if m.conversational {
            tags.push("conversational".into());
        } else if m.provider_task != m.pipeline_tag {
            tags.push(m.provider_task.to_string());
        }
        tags.extend([
            "license:apache-2.0".to_owned(),
            "endpoints_compatible".to_owned(),
            "region:us".to_owned(),
        ]);
        b.repo.tags = tags;
        b.repo.downloads = 1_000_000 - i as u64 * 1000;
        b.repo.likes = 500 - i as u64;
        b.repo.provider_mapping = Some(json!({
            "hf-inference": {"status": "live", "providerId": m.id, "task": m.provider_task}
        }));
        repos.push(b.repo);
    }

    SeedData {
        blobs: Arc::new(blobs),
        repos,
        xet_files,
    }
}

fn seed_data() -> &'static SeedData {
    static DATA: OnceLock<SeedData> = OnceLock::new();
    DATA.get_or_init(build)
}

/// The seeded Xet files' content, for the CAS (none for `Seed::Empty`).
pub(crate) fn xet_files(seed: Seed) -> Vec<Bytes> {
    match seed {
        Seed::Demo => seed_data().xet_files.clone(),
        Seed::Empty => Vec::new(),
    }
}

/// Shared seed blobs (empty map for `Seed::Empty` would also work; they are cheap to share).
pub(crate) fn seed_blobs() -> Arc<HashMap<String, Bytes>> {
    seed_data().blobs.clone()
}

/// A new fake token value (`hf_fake<tag>` + random letters, 37 characters in all).
pub(crate) fn token(tag: &str) -> String {
    let prefix = format!("hf_fake{tag}");
    let rest = 37 - prefix.len();
    prefix + &random_alnum(rest)
}

/// Builds the database for a new server and returns it with the generated tokens.
pub(crate) fn build_db(seed: Seed) -> (Db, Tokens) {
    let mut db = Db::default();
    db.users.insert(
        "demo-user".into(),
        User {
            fullname: "Demo User".into(),
            orgs: vec!["demo-org".into()],
        },
    );
    db.users.insert(
        "other-user".into(),
        User {
            fullname: "Other User".into(),
            orgs: vec![],
        },
    );
    db.orgs.insert(
        "demo-org".into(),
        Org {
            name: "demo-org".into(),
            fullname: "Demo Org".into(),
        },
    );
    let tokens = Tokens {
        read: token("read"),
        write: token("write"),
        fine_grained: token("fine"),
        org_write: token("orgwrite"),
        expired: token("expired"),
        admin: token("admin"),
    };
    let mk = |role, name: &str| TokenInfo {
        user: "demo-user".into(),
        role,
        display_name: name.into(),
        scopes: vec![],
        global: vec![],
        can_read_gated: false,
        expired: false,
    };
    db.tokens
        .insert(tokens.read.clone(), mk(Role::Read, "demo-read"));
    db.tokens
        .insert(tokens.write.clone(), mk(Role::Write, "demo-write"));
    let mut fine = mk(Role::FineGrained, "demo-fine-grained");
    fine.can_read_gated = true;
    fine.global = vec!["discussion.write", "post.write"];
    fine.scopes = vec![Scope {
        kind: "model",
        name: "demo-user/scoped-model".into(),
        permissions: vec!["repo.content.read", "repo.write"],
    }];
    db.tokens.insert(tokens.fine_grained.clone(), fine);
    let mut org = mk(Role::FineGrained, "demo-org-write");
    org.scopes = vec![Scope {
        kind: "org",
        name: "demo-org".into(),
        permissions: vec![
            "repo.content.read",
            "repo.write",
            "collection.write",
            "inference.endpoints.write",
        ],
    }];
    db.tokens.insert(tokens.org_write.clone(), org);
    let mut expired = mk(Role::Write, "demo-expired");
    expired.expired = true;
    db.tokens.insert(tokens.expired.clone(), expired);
    db.tokens
        .insert(tokens.admin.clone(), mk(Role::Admin, "demo-admin"));

    if seed == Seed::Demo {
        for repo in &seed_data().repos {
            db.repos.insert((repo.kind, repo.id.clone()), repo.clone());
        }
        db.redirects.insert(
            (RepoType::Model, "demo-org/old-model-name".into()),
            "demo-org/demo-model".into(),
        );
        db.redirects.insert(
            (RepoType::Model, "t5-small".into()),
            "google-t5/t5-small".into(),
        );
    }
    (db, tokens)
}

/// A paper of the seed (papers are read-only: `/api/papers/...`, `/api/daily_papers`,
/// `/papers/{id}.md`).
#[derive(Debug)]
pub(crate) struct SeedPaper {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) summary: &'static str,
    pub(crate) authors: &'static [&'static str],
    /// When it was published (ISO 8601).
    pub(crate) published_at: &'static str,
    /// The day it was on the daily papers page (`YYYY-MM-DD`).
    pub(crate) daily: &'static str,
    pub(crate) submitter: &'static str,
    pub(crate) upvotes: u64,
    pub(crate) comments: u64,
    /// The page as Markdown (`/papers/{id}.md`).
    pub(crate) markdown: &'static str,
}

/// The seeded papers, newest first.
pub(crate) const PAPERS: &[SeedPaper] = &[
    SeedPaper {
        id: "2611.01234",
        title: "Chunked Transfers for Large Model Hubs",
        summary: "We study content-defined chunking for distributing model weights and show that deduplicated uploads cut transfer volume by half.",
        authors: &["Ada Demo", "Bo Example"],
        published_at: "2026-11-30T09:00:00.000Z",
        daily: "2026-12-01",
        submitter: "demo-user",
        upvotes: 42,
        comments: 3,
        markdown: "# Chunked Transfers for Large Model Hubs\n\n## Abstract\n\nWe study content-defined chunking for distributing model weights.\n\n## 1 Introduction\n\nModel hubs move petabytes a day.\n",
    },
    SeedPaper {
        id: "2611.00042",
        title: "Attention Is Still What You Need",
        summary: "A short note revisiting attention mechanisms for small language models.",
        authors: &["Cy Sample"],
        published_at: "2026-11-28T12:00:00.000Z",
        daily: "2026-12-01",
        submitter: "other-user",
        upvotes: 17,
        comments: 0,
        markdown: "# Attention Is Still What You Need\n\n## Abstract\n\nA short note revisiting attention.\n",
    },
    SeedPaper {
        id: "2610.09999",
        title: "Vision Language Models on a Budget",
        summary: "Training vision language models on two GPUs with careful data curation.",
        authors: &["Di Placeholder", "Ada Demo"],
        published_at: "2026-10-20T08:30:00.000Z",
        daily: "2026-10-21",
        submitter: "demo-user",
        upvotes: 88,
        comments: 5,
        markdown: "# Vision Language Models on a Budget\n\n## Abstract\n\nTraining vision language models on two GPUs.\n",
    },
];

/// The `.gitattributes` blob for new repos (also present in the seed blob map).
pub(crate) fn gitattributes_entry(commit: &str) -> (Entry, Bytes) {
    let data = Bytes::from_static(GITATTRIBUTES.as_bytes());
    let mut e = Entry::regular(&data, commit);
    e.oid = git_blob_sha1(&data);
    (e, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_parse() {
        let card = parse_card("---\nlicense: mit\ntags:\n- a\n- b\n---\n# x\n").unwrap();
        assert_eq!(card, json!({"license": "mit", "tags": ["a", "b"]}));
    }

    #[test]
    fn safetensors_size() {
        assert_eq!(
            safetensors_bytes(DEMO_SAFETENSORS_SIZE, 1).len(),
            DEMO_SAFETENSORS_SIZE
        );
    }

    #[test]
    fn tokens_shape() {
        let (_, t) = build_db(Seed::Empty);
        for tok in [
            &t.read,
            &t.write,
            &t.fine_grained,
            &t.org_write,
            &t.expired,
            &t.admin,
        ] {
            assert_eq!(tok.len(), 37);
            assert!(tok.starts_with("hf_fake"));
        }
    }
}
