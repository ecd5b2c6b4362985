//! Allow/ignore patterns with the Python client's exact semantics (`filter_repo_objects`):
//! `fnmatchcase` matching (case-sensitive, `*` also matches `/`, `?` one character,
//! `[seq]`/`[!seq]` classes), a trailing `/` gets `*` appended, and `\` counts as `/`.
//! A path is kept when it matches at least one allow pattern (if any are given) and no
//! ignore pattern.

/// A compiled set of allow and ignore patterns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatternFilter {
    allow: Option<Vec<Glob>>,
    ignore: Vec<Glob>,
}

impl PatternFilter {
    /// A filter keeping everything.
    #[must_use]
    pub fn all() -> Self {
        Self::default()
    }

    /// A filter from allow patterns (`None`: everything is allowed; `Some(empty)`: nothing is)
    /// and ignore patterns.
    #[must_use]
    pub fn new<A, I>(allow: Option<A>, ignore: I) -> Self
    where
        A: IntoIterator,
        A::Item: AsRef<str>,
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        Self {
            allow: allow.map(|patterns| {
                patterns
                    .into_iter()
                    .map(|p| Glob::new(p.as_ref()))
                    .collect()
            }),
            ignore: ignore.into_iter().map(|p| Glob::new(p.as_ref())).collect(),
        }
    }

    /// Whether the filter keeps everything (no allow and no ignore patterns).
    #[must_use]
    pub fn is_all(&self) -> bool {
        self.allow.is_none() && self.ignore.is_empty()
    }

    /// Whether `path` passes the filter.
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        let path = path.replace('\\', "/");
        if let Some(allow) = &self.allow
            && !allow.iter().any(|glob| glob.matches(&path))
        {
            return false;
        }
        !self.ignore.iter().any(|glob| glob.matches(&path))
    }

    /// The items of `items` whose `key` passes the filter, in order.
    pub fn filter<'a, T, F>(
        &'a self,
        items: impl IntoIterator<Item = T> + 'a,
        key: F,
    ) -> impl Iterator<Item = T> + 'a
    where
        F: Fn(&T) -> &str + 'a,
    {
        items
            .into_iter()
            .filter(move |item| self.matches(key(item)))
    }
}

/// Python's `fnmatch.fnmatchcase(name, pattern)`.
#[must_use]
pub fn fnmatch(name: &str, pattern: &str) -> bool {
    Glob::compile(pattern).matches(name)
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Glob {
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    AnyChar,
    AnySequence,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// A class that can never match (Python's `(?!)`, e.g. `[z-a]`).
    Never,
}

impl Glob {
    /// A pattern as the Hub client uses it: `\` normalised to `/`, trailing `/` means "everything below".
    fn new(pattern: &str) -> Self {
        let mut pattern = pattern.replace('\\', "/");
        if pattern.ends_with('/') {
            pattern.push('*');
        }
        Self::compile(&pattern)
    }

    /// `fnmatch.translate` rules.
    fn compile(pattern: &str) -> Self {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            match c {
                '*' => {
                    if tokens.last() != Some(&Token::AnySequence) {
                        tokens.push(Token::AnySequence);
                    }
                }
                '?' => tokens.push(Token::AnyChar),
                '[' => match parse_class(&chars, i) {
                    Some((token, next)) => {
                        tokens.push(token);
                        i = next;
                    }
                    None => tokens.push(Token::Literal('[')),
                },
                other => tokens.push(Token::Literal(other)),
            }
        }
        Self { tokens }
    }

    fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        // Iterative matching with backtracking to the last `*` (linear in practice).
        let (mut t, mut n) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while n < name.len() {
            if t < self.tokens.len() {
                match &self.tokens[t] {
                    Token::AnySequence => {
                        star = Some((t, n));
                        t += 1;
                        continue;
                    }
                    token if token_matches(token, name[n]) => {
                        t += 1;
                        n += 1;
                        continue;
                    }
                    _ => {}
                }
            }
            match star {
                Some((star_t, star_n)) => {
                    t = star_t + 1;
                    n = star_n + 1;
                    star = Some((star_t, star_n + 1));
                }
                None => return false,
            }
        }
        self.tokens[t..]
            .iter()
            .all(|token| *token == Token::AnySequence)
    }
}

fn token_matches(token: &Token, c: char) -> bool {
    match token {
        Token::Literal(l) => *l == c,
        Token::AnyChar => true,
        Token::Class { negated, ranges } => {
            ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
        }
        Token::AnySequence | Token::Never => false,
    }
}

/// Parses a `[...]` class starting after the `[` at `start`; `None` when it is not closed
/// (then `[` is a literal, as in Python).
fn parse_class(chars: &[char], start: usize) -> Option<(Token, usize)> {
    let mut j = start;
    if j < chars.len() && chars[j] == '!' {
        j += 1;
    }
    if j < chars.len() && chars[j] == ']' {
        j += 1;
    }
    while j < chars.len() && chars[j] != ']' {
        j += 1;
    }
    if j >= chars.len() {
        return None;
    }
    let mut body = &chars[start..j];
    let negated = body.first() == Some(&'!');
    if negated {
        body = &body[1..];
    }
    if body.is_empty() {
        // `[!]`: Python turns it into `.` (any character).
        return Some((
            if negated {
                Token::AnyChar
            } else {
                Token::Never
            },
            j + 1,
        ));
    }
    let mut ranges = Vec::new();
    let mut k = 0;
    while k < body.len() {
        if k + 2 < body.len() && body[k + 1] == '-' {
            let (lo, hi) = (body[k], body[k + 2]);
            // Reversed ranges are empty in Python (they are dropped).
            if lo <= hi {
                ranges.push((lo, hi));
            }
            k += 3;
        } else {
            ranges.push((body[k], body[k]));
            k += 1;
        }
    }
    if ranges.is_empty() {
        return Some((
            if negated {
                Token::AnyChar
            } else {
                Token::Never
            },
            j + 1,
        ));
    }
    Some((Token::Class { negated, ranges }, j + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatchcase_semantics() {
        assert!(fnmatch("model.safetensors", "*.safetensors"));
        assert!(
            fnmatch("sub/dir/model.safetensors", "*.safetensors"),
            "* crosses /"
        );
        assert!(!fnmatch("Model.BIN", "*.bin"), "case-sensitive");
        assert!(fnmatch("a1.txt", "a?.txt"));
        assert!(!fnmatch("a12.txt", "a?.txt"));
        assert!(fnmatch("a1", "a[0-9]"));
        assert!(!fnmatch("ax", "a[0-9]"));
        assert!(fnmatch("ax", "a[!0-9]"));
        assert!(fnmatch("a]", "a[]]"));
        assert!(fnmatch("a[b", "a[b"), "unclosed [ is literal");
        assert!(!fnmatch("az", "a[z-a]"), "reversed range never matches");
        assert!(fnmatch("a-", "a[a-]"));
        assert!(fnmatch("", "*"));
        assert!(!fnmatch("abc", "ab"));
        assert!(fnmatch("aXbXc", "a*b*c"));
        assert!(!fnmatch("aXbXd", "a*b*c"));
    }

    #[test]
    fn filter_follows_filter_repo_objects() {
        let files = [
            "config.json",
            "model.safetensors",
            "onnx/model.onnx",
            "onnx/sub/x.json",
            "README.md",
        ];
        let keep = |f: &PatternFilter| {
            files
                .iter()
                .filter(|p| f.matches(p))
                .copied()
                .collect::<Vec<_>>()
        };
        assert_eq!(keep(&PatternFilter::all()), files.to_vec());
        let only_dir = PatternFilter::new(Some(["onnx/"]), Vec::<String>::new());
        assert_eq!(keep(&only_dir), ["onnx/model.onnx", "onnx/sub/x.json"]);
        let backslash = PatternFilter::new(Some(["onnx\\"]), Vec::<String>::new());
        assert_eq!(keep(&backslash), keep(&only_dir));
        let json_not_onnx = PatternFilter::new(Some(["*.json"]), ["onnx/*"]);
        assert_eq!(keep(&json_not_onnx), ["config.json"]);
        let nothing = PatternFilter::new(Some(Vec::<String>::new()), Vec::<String>::new());
        assert!(keep(&nothing).is_empty());
        let ignore_only = PatternFilter::new(None::<Vec<String>>, ["*.md", "*.safetensors"]);
        assert_eq!(
            keep(&ignore_only),
            ["config.json", "onnx/model.onnx", "onnx/sub/x.json"]
        );
    }
}
