//! Reading the recorded exchanges in `../shared/fixtures/recorded` (never copied into the repo):
//! VCR.py cassettes (YAML, read by the tiny parser below) and huggingface.js's `tapes.json`.
//!
//! The YAML subset is what PyYAML emits for cassettes: block mappings and sequences, plain,
//! single- and double-quoted scalars folded over several lines, and `!!binary |` blocks.
//! Binary scalars become `{"$binary": "<base64>"}`.

use std::path::PathBuf;

use base64::Engine;
use serde_json::{Map, Value};

/// The recorded-fixtures folder, or `None` (skipped, said on stderr) when it is absent: it
/// lives in `../shared` beside the repository, which a plain clone does not have (CI does).
pub(crate) fn fixtures_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/recorded");
    hf_test_server::provisioned(
        "the recorded exchanges of ../shared/fixtures/recorded",
        dir.is_dir().then_some(dir),
    )
}

/// One recorded request/response pair.
#[derive(Debug, Clone)]
pub(crate) struct Interaction {
    pub(crate) uri: String,
    pub(crate) request_body: Option<String>,
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Interaction {
    pub(crate) fn body_json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("recorded body is JSON")
    }

    pub(crate) fn body_text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("recorded body is UTF-8")
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Loads a cassette by its path relative to the fixtures folder.
pub(crate) fn load_cassette(relative: &str) -> Option<Vec<Interaction>> {
    let path = fixtures_dir()?.join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc = parse_yaml(&text);
    let interactions = doc["interactions"]
        .as_array()
        .expect("interactions")
        .clone();
    Some(
        interactions
            .iter()
            .map(|i| {
                let request = &i["request"];
                let response = &i["response"];
                let body = match &response["body"]["string"] {
                    Value::String(s) => s.clone().into_bytes(),
                    Value::Object(o) => base64::engine::general_purpose::STANDARD
                        .decode(o["$binary"].as_str().expect("binary"))
                        .expect("valid base64"),
                    Value::Null => Vec::new(),
                    other => panic!("unexpected body {other}"),
                };
                let mut headers = Vec::new();
                if let Some(map) = response["headers"].as_object() {
                    for (name, values) in map {
                        for value in values.as_array().into_iter().flatten() {
                            headers.push((name.clone(), scalar_text(value)));
                        }
                    }
                }
                Interaction {
                    uri: scalar_text(&request["uri"]),
                    request_body: request["body"].as_str().map(str::to_owned),
                    status: scalar_text(&response["status"]["code"])
                        .parse()
                        .expect("status code"),
                    headers,
                    body,
                }
            })
            .collect(),
    )
}

/// The huggingface.js tapes (all of them).
pub(crate) fn load_tapes() -> Option<Vec<Interaction>> {
    let path = fixtures_dir()?.join("huggingface.js@cd261f48/packages/inference/test/tapes.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let tapes: Map<String, Value> = serde_json::from_str(&text).expect("tapes.json is JSON");
    Some(
        tapes
            .values()
            .map(|t| Interaction {
                uri: t["url"].as_str().unwrap_or_default().to_owned(),
                request_body: t["init"]["body"].as_str().map(str::to_owned),
                status: u16::try_from(t["response"]["status"].as_u64().unwrap_or(0)).unwrap_or(0),
                headers: t["response"]["headers"]
                    .as_object()
                    .map(|h| {
                        h.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                            .collect()
                    })
                    .unwrap_or_default(),
                body: t["response"]["body"]
                    .as_str()
                    .unwrap_or_default()
                    .as_bytes()
                    .to_vec(),
            })
            .collect(),
    )
}

/// The first tape matching `pred`.
pub(crate) fn find_tape(tapes: &[Interaction], pred: impl Fn(&Interaction) -> bool) -> Interaction {
    tapes
        .iter()
        .find(|t| pred(t))
        .cloned()
        .expect("a matching tape")
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

// ----- the YAML subset ------------------------------------------------------------------------

pub(crate) fn parse_yaml(text: &str) -> Value {
    let mut parser = Parser {
        lines: text.lines().map(str::to_owned).collect(),
        pos: 0,
    };
    parser.node(0)
}

struct Parser {
    lines: Vec<String>,
    pos: usize,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

impl Parser {
    fn skip_blank(&mut self) {
        while self.pos < self.lines.len() && self.lines[self.pos].trim().is_empty() {
            self.pos += 1;
        }
    }

    fn node(&mut self, min_indent: usize) -> Value {
        self.skip_blank();
        let Some(line) = self.lines.get(self.pos) else {
            return Value::Null;
        };
        let indent = indent_of(line);
        if indent < min_indent {
            return Value::Null;
        }
        if is_item(&line[indent..]) {
            self.sequence(indent)
        } else {
            self.mapping(indent)
        }
    }

    fn sequence(&mut self, indent: usize) -> Value {
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            let Some(line) = self.lines.get(self.pos) else {
                break;
            };
            if indent_of(line) != indent || !is_item(&line[indent..]) {
                break;
            }
            let rest = line[indent..]
                .trim_start_matches('-')
                .trim_start()
                .to_owned();
            if rest.is_empty() {
                self.pos += 1;
                items.push(self.node(indent + 1));
            } else if !rest.starts_with(['"', '\'']) && (rest.contains(": ") || rest.ends_with(':'))
            {
                // `- key: value` starts a mapping indented by the dash.
                self.lines[self.pos] = format!("{}{}", " ".repeat(indent + 2), rest);
                items.push(self.mapping(indent + 2));
            } else {
                self.pos += 1;
                items.push(self.scalar(&rest, indent));
            }
        }
        Value::Array(items)
    }

    fn mapping(&mut self, indent: usize) -> Value {
        let mut map = Map::new();
        loop {
            self.skip_blank();
            let Some(line) = self.lines.get(self.pos) else {
                break;
            };
            if indent_of(line) != indent || is_item(&line[indent..]) {
                break;
            }
            let content = line[indent..].to_owned();
            let (key, value) = match content.find(": ") {
                Some(at) => (
                    content[..at].to_owned(),
                    content[at + 2..].trim_start().to_owned(),
                ),
                None => (content.trim_end_matches(':').to_owned(), String::new()),
            };
            let key = key.trim_matches(|c| c == '"' || c == '\'').to_owned();
            self.pos += 1;
            let value = if value.is_empty() {
                self.skip_blank();
                match self.lines.get(self.pos) {
                    Some(next) if indent_of(next) > indent => self.node(indent + 1),
                    Some(next) if indent_of(next) == indent && is_item(&next[indent..]) => {
                        self.sequence(indent)
                    }
                    _ => Value::Null,
                }
            } else {
                self.scalar(&value, indent)
            };
            map.insert(key, value);
        }
        Value::Object(map)
    }

    /// A scalar starting with `first` (the rest of the current line, already consumed);
    /// continuation lines are more indented than `indent`.
    fn scalar(&mut self, first: &str, indent: usize) -> Value {
        if let Some(rest) = first.strip_prefix('"') {
            let raw = self.quoted_raw(rest, find_double_end);
            return Value::String(decode_double(&raw));
        }
        if let Some(rest) = first.strip_prefix('\'') {
            let raw = self.quoted_raw(rest, find_single_end);
            return Value::String(fold(&raw, false));
        }
        if first.starts_with("!!binary") || first.starts_with('|') || first.starts_with('>') {
            let mut block = Vec::new();
            while let Some(line) = self.lines.get(self.pos) {
                if !line.trim().is_empty() && indent_of(line) <= indent {
                    break;
                }
                block.push(line.trim().to_owned());
                self.pos += 1;
            }
            if first.starts_with("!!binary") {
                return serde_json::json!({"$binary": block.concat()});
            }
            let mut text = block.join("\n").trim_end_matches('\n').to_owned();
            text.push('\n');
            return Value::String(text);
        }
        let mut text = first.trim_end().to_owned();
        while let Some(line) = self.lines.get(self.pos) {
            if line.trim().is_empty() || indent_of(line) <= indent {
                break;
            }
            text.push(' ');
            text.push_str(line.trim());
            self.pos += 1;
        }
        if text == "null" || text == "~" {
            Value::Null
        } else {
            Value::String(text)
        }
    }

    /// The text between the quotes, newlines and indentation included.
    fn quoted_raw(&mut self, first: &str, find_end: impl Fn(&str) -> Option<usize>) -> String {
        let mut raw = first.to_owned();
        loop {
            if let Some(end) = find_end(&raw) {
                raw.truncate(end);
                return raw;
            }
            let line = self
                .lines
                .get(self.pos)
                .expect("unterminated quoted scalar")
                .clone();
            raw.push('\n');
            raw.push_str(&line);
            self.pos += 1;
        }
    }
}

fn find_double_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn find_single_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Line folding (and, for double quotes, escapes): a line break plus indentation becomes one
/// space; n+1 breaks become n newlines; trailing unescaped blanks before a break are dropped.
fn fold_with(raw: &str, double: bool) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::new();
    let mut trailing_blanks = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if double && c == '\\' {
            i += 1;
            let Some(&e) = chars.get(i) else { break };
            if e == '\n' {
                i += 1;
                while matches!(chars.get(i), Some(' ' | '\t')) {
                    i += 1;
                }
                trailing_blanks = 0;
                continue;
            }
            let hex = |len: usize, i: &mut usize| {
                let digits: String = chars[*i + 1..*i + 1 + len].iter().collect();
                *i += len;
                char::from_u32(u32::from_str_radix(&digits, 16).expect("hex escape"))
                    .unwrap_or('\u{fffd}')
            };
            let decoded = match e {
                '0' => '\0',
                'a' => '\x07',
                'b' => '\x08',
                't' | '\t' => '\t',
                'n' => '\n',
                'v' => '\x0b',
                'f' => '\x0c',
                'r' => '\r',
                'e' => '\x1b',
                'N' => '\u{85}',
                '_' => '\u{a0}',
                'L' => '\u{2028}',
                'P' => '\u{2029}',
                'x' => hex(2, &mut i),
                'u' => hex(4, &mut i),
                'U' => hex(8, &mut i),
                other => other,
            };
            out.push(decoded);
            trailing_blanks = 0;
            i += 1;
            continue;
        }
        if !double && c == '\'' && chars.get(i + 1) == Some(&'\'') {
            out.push('\'');
            trailing_blanks = 0;
            i += 2;
            continue;
        }
        if c == '\n' {
            out.truncate(out.len() - trailing_blanks);
            trailing_blanks = 0;
            i += 1;
            let mut breaks = 0;
            loop {
                while matches!(chars.get(i), Some(' ' | '\t')) {
                    i += 1;
                }
                if chars.get(i) == Some(&'\n') {
                    breaks += 1;
                    i += 1;
                } else {
                    break;
                }
            }
            if breaks == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', breaks));
            }
            continue;
        }
        if c == ' ' || c == '\t' {
            trailing_blanks += 1;
        } else {
            trailing_blanks = 0;
        }
        out.push(c);
        i += 1;
    }
    out
}

fn decode_double(raw: &str) -> String {
    fold_with(raw, true)
}

fn fold(raw: &str, double: bool) -> String {
    fold_with(raw, double)
}

#[test]
fn yaml_subset_folds_and_unescapes_like_pyyaml() {
    let doc = parse_yaml(
        "a:\n- request:\n    body: 'it''s\n      folded'\n    code: 200\n  response:\n    string: \"x\\u2019y\\\n      \\ z\\n\n      w\"\n- plain value\nb: null\n",
    );
    assert_eq!(doc["a"][0]["request"]["body"], "it's folded");
    assert_eq!(doc["a"][0]["request"]["code"], "200");
    assert_eq!(doc["a"][0]["response"]["string"], "x\u{2019}y z\n w");
    assert_eq!(doc["a"][1], "plain value");
    assert_eq!(doc["b"], Value::Null);
}
