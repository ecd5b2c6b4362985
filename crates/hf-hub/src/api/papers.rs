//! Papers on the Hub: search, one paper, its page as Markdown, and the daily papers.
//! Public: no token needed.

use serde::Serialize;
use serde_json::Value;

use crate::{Error, HubApi};

/// The most papers read from one answer.
pub const MAX_PAPERS: usize = 1_000;
/// The largest paper page read (`read_paper`).
pub const MAX_PAPER_MARKDOWN_BYTES: u64 = 16 * 1024 * 1024;

/// A paper, as the Hub describes it (the fields its several answers share).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Paper {
    /// The arXiv id (`2502.08025`).
    pub id: String,
    /// Its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Its abstract.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Its authors' names.
    pub authors: Vec<String>,
    /// When it was published (ISO 8601).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    /// Upvotes on the Hub.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upvotes: Option<u64>,
    /// Comments on its discussion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comments: Option<u64>,
    /// The id of its discussion on the Hub.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discussion_id: Option<String>,
    /// When it was put on the daily papers page (ISO 8601).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
    /// Who put it there: a user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
    /// That user's display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_by_name: Option<String>,
}

impl Paper {
    /// From `/api/papers/{id}`, `/api/papers/search` or a `/api/daily_papers` entry (whose
    /// paper is nested under `paper`), as Python's `PaperInfo` reads them.
    fn from_json(value: &Value) -> Result<Self, Error> {
        let paper = &value["paper"];
        let text = |v: &Value| v.as_str().map(str::to_owned);
        let either = |key: &str| text(&paper[key]).or_else(|| text(&value[key]));
        let id = either("id")
            .ok_or_else(|| Error::Protocol("the Hub answered a paper without an id".into()))?;
        let authors = paper["authors"]
            .as_array()
            .or_else(|| value["authors"].as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|a| a["name"].as_str().map(str::to_owned))
                    .take(MAX_PAPERS)
                    .collect()
            })
            .unwrap_or_default();
        let submitter = value
            .get("submittedOnDailyBy")
            .or_else(|| value.get("submittedBy"))
            .filter(|v| v.is_object());
        Ok(Self {
            id,
            title: text(&value["title"]).or_else(|| text(&paper["title"])),
            summary: either("summary"),
            authors,
            published_at: either("publishedAt"),
            upvotes: paper["upvotes"]
                .as_u64()
                .or_else(|| value["upvotes"].as_u64()),
            comments: value["numComments"].as_u64(),
            discussion_id: either("discussionId"),
            submitted_at: text(&value["submittedOnDailyAt"]),
            submitted_by: submitter.and_then(|s| text(&s["user"]).or_else(|| text(&s["name"]))),
            submitted_by_name: submitter.and_then(|s| text(&s["fullname"])),
        })
    }
}

/// `sort` of [`DailyPapersOptions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DailyPapersSort {
    /// Newest first (the Hub's default).
    PublishedAt,
    /// Trending first.
    Trending,
}

/// Which daily papers (all optional).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct DailyPapersOptions {
    /// A day, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// An ISO week, `2025-W09`.
    pub week: Option<String>,
    /// A month, `2025-02`.
    pub month: Option<String>,
    /// Papers submitted by this user.
    pub submitter: Option<String>,
    /// Sort order.
    pub sort: Option<DailyPapersSort>,
    /// At most this many (the Hub's default is 50).
    pub limit: Option<usize>,
}

/// A paper id is an arXiv id: digits, dots, letters, `-`, `/` (old style `hep-th/9901001`).
fn check_paper_id(id: &str) -> Result<(), Error> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.contains("..")
        && !id.starts_with('/')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/' | '_'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "'{id}' is not a paper id (an arXiv id such as 2502.08025)"
        )))
    }
}

fn papers_from(answer: &Value) -> Result<Vec<Paper>, Error> {
    let Some(list) = answer.as_array() else {
        return Err(Error::Protocol(
            "the Hub answered papers that are not a list".into(),
        ));
    };
    if list.len() > MAX_PAPERS {
        return Err(Error::Protocol(format!(
            "the Hub answered {} papers (at most {MAX_PAPERS} are read)",
            list.len()
        )));
    }
    list.iter().map(Paper::from_json).collect()
}

impl HubApi {
    /// `GET /api/papers/search?q=`: papers matching `query`.
    ///
    /// # Errors
    /// Network failures; [`Error::Protocol`] for a malformed or oversized answer.
    pub async fn search_papers(
        &self,
        query: &str,
        limit: Option<usize>,
    ) -> Result<Vec<Paper>, Error> {
        let url = self.http.url("/api/papers/search")?;
        let mut pairs = vec![("q", query.to_owned())];
        if let Some(l) = limit {
            pairs.push(("limit", l.to_string()));
        }
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer: Value = self.http.get(url).query(&pairs).send_json().await?;
        papers_from(&answer)
    }

    /// `GET /api/papers/{id}`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a malformed id; 404 for a paper the Hub does not have.
    pub async fn paper(&self, id: &str) -> Result<Paper, Error> {
        check_paper_id(id)?;
        let url = self.http.url(&format!("/api/papers/{id}"))?;
        let answer: Value = self.http.get(url).send_json().await?;
        Paper::from_json(&answer)
    }

    /// `GET /papers/{id}.md`: the paper's page as Markdown.
    ///
    /// # Errors
    /// As [`HubApi::paper`]; [`Error::Protocol`] for a page over [`MAX_PAPER_MARKDOWN_BYTES`]
    /// or not UTF-8.
    pub async fn read_paper(&self, id: &str) -> Result<String, Error> {
        check_paper_id(id)?;
        let url = self.http.url(&format!("/papers/{id}.md"))?;
        let response = self.http.get(url).send().await?;
        let body = response
            .read_limited(MAX_PAPER_MARKDOWN_BYTES)
            .await
            .map_err(|e| Error::Protocol(format!("the paper's page: {e}")))?;
        String::from_utf8(body.to_vec())
            .map_err(|_| Error::Protocol("the paper's page is not UTF-8".into()))
    }

    /// `GET /api/daily_papers`: the daily papers of a day, week or month (the latest without).
    ///
    /// # Errors
    /// Network failures; 400 for a malformed date; [`Error::Protocol`] for a malformed answer.
    pub async fn list_daily_papers(
        &self,
        options: &DailyPapersOptions,
    ) -> Result<Vec<Paper>, Error> {
        let url = self.http.url("/api/daily_papers")?;
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(l) = options.limit {
            pairs.push(("limit", l.to_string()));
        }
        if let Some(sort) = options.sort {
            pairs.push((
                "sort",
                match sort {
                    DailyPapersSort::PublishedAt => "publishedAt",
                    DailyPapersSort::Trending => "trending",
                }
                .into(),
            ));
        }
        for (key, value) in [
            ("date", &options.date),
            ("week", &options.week),
            ("month", &options.month),
            ("submitter", &options.submitter),
        ] {
            if let Some(v) = value {
                pairs.push((key, v.clone()));
            }
        }
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer: Value = self.http.get(url).query(&pairs).send_json().await?;
        let mut papers = papers_from(&answer)?;
        if let Some(l) = options.limit {
            papers.truncate(l);
        }
        Ok(papers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_daily_entry_reads_its_nested_paper() {
        let p = Paper::from_json(&json!({
            "paper": {"id": "2502.08025", "authors": [{"name": "A"}], "upvotes": 3, "summary": "s", "publishedAt": "2025-02-11T00:00:00.000Z"},
            "title": "T", "numComments": 2, "submittedOnDailyAt": "2025-02-12T00:00:00.000Z",
            "submittedOnDailyBy": {"user": "u", "fullname": "U U"},
        }))
        .unwrap();
        assert_eq!(
            (p.id.as_str(), p.title.as_deref(), p.upvotes, p.comments),
            ("2502.08025", Some("T"), Some(3), Some(2))
        );
        assert_eq!(p.authors, ["A"]);
        assert_eq!(p.submitted_by_name.as_deref(), Some("U U"));
        assert!(Paper::from_json(&json!({"title": "no id"})).is_err());
    }

    #[test]
    fn paper_ids_are_checked_before_they_are_joined() {
        assert!(check_paper_id("2502.08025").is_ok());
        assert!(check_paper_id("hep-th/9901001").is_ok());
        for bad in ["", "../x", "/etc", "a?b", "a b"] {
            assert!(check_paper_id(bad).is_err(), "{bad:?}");
        }
    }
}
