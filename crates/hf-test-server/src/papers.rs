//! Papers, read-only: search (`/api/papers/search?q&limit`), one paper (`/api/papers/{id}`),
//! its page as Markdown (`/papers/{id}.md`) and the daily papers (`/api/daily_papers` with
//! `date`, `week`, `month`, `submitter`, `sort`, `p`, `limit`). No token is needed.

use axum::response::Response;
use serde_json::{Value, json};

use crate::respond::Ctx;
use crate::seed::{PAPERS, SeedPaper};
use crate::util::{error_response, ok_json, text_response};

fn not_found(id: &str) -> Response {
    error_response(404, None, &format!("Paper {id} not found"))
}

fn find(id: &str) -> Option<&'static SeedPaper> {
    PAPERS.iter().find(|p| p.id == id)
}

fn user_json(name: &str) -> Value {
    json!({"user": name, "fullname": name.replace('-', " "), "avatarUrl": format!("/avatars/{name}.svg"), "type": "user"})
}

/// `/api/papers/{id}` and the `paper` of a daily entry.
fn paper_json(p: &SeedPaper) -> Value {
    json!({
        "id": p.id,
        "authors": p.authors.iter().map(|a| json!({"_id": crate::util::sha1_hex(a.as_bytes())[..24], "name": a, "hidden": false})).collect::<Vec<_>>(),
        "publishedAt": p.published_at,
        "title": p.title,
        "summary": p.summary,
        "upvotes": p.upvotes,
        "discussionId": crate::util::sha1_hex(p.id.as_bytes())[..24],
        "numComments": p.comments,
        "submittedOnDailyBy": user_json(p.submitter),
    })
}

fn daily_json(p: &SeedPaper) -> Value {
    let mut paper = paper_json(p);
    if let Some(o) = paper.as_object_mut() {
        o.remove("numComments");
        o.remove("submittedOnDailyBy");
    }
    json!({
        "paper": paper,
        "publishedAt": p.published_at,
        "title": p.title,
        "summary": p.summary,
        "numComments": p.comments,
        "submittedOnDailyAt": format!("{}T10:00:00.000Z", p.daily),
        "submittedOnDailyBy": user_json(p.submitter),
        "isAuthorParticipating": false,
    })
}

fn limit(ctx: &Ctx, default: usize) -> usize {
    ctx.q("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(default)
        .clamp(1, 100)
}

/// `GET /api/papers/search`.
pub(crate) fn search(ctx: &Ctx) -> Response {
    let q = ctx.q("q").unwrap_or("").to_lowercase();
    let words: Vec<&str> = q.split_whitespace().collect();
    let out: Vec<Value> = PAPERS
        .iter()
        .filter(|p| {
            let text = format!("{} {}", p.title, p.summary).to_lowercase();
            words.iter().all(|w| text.contains(w))
        })
        .take(limit(ctx, 20))
        .map(paper_json)
        .collect();
    ok_json(Value::Array(out))
}

/// `GET /api/papers/{id}`.
pub(crate) fn info(id: &str) -> Response {
    find(id).map_or_else(|| not_found(id), |p| ok_json(paper_json(p)))
}

/// `GET /papers/{id}.md`.
pub(crate) fn markdown(id: &str) -> Response {
    find(id).map_or_else(|| not_found(id), |p| text_response(200, p.markdown))
}

/// ISO week (`2026-W48`) of a `YYYY-MM-DD` date.
fn iso_week(date: &str) -> Option<String> {
    fn num<T: std::str::FromStr>(date: &str, r: std::ops::Range<usize>) -> Option<T> {
        date.get(r)?.parse().ok()
    }
    let month = time::Month::try_from(num::<u8>(date, 5..7)?).ok()?;
    let day = time::Date::from_calendar_date(num(date, 0..4)?, month, num(date, 8..10)?).ok()?;
    let (year, week, _) = day.to_iso_week_date();
    Some(format!("{year}-W{week:02}"))
}

/// `GET /api/daily_papers`.
pub(crate) fn daily(ctx: &Ctx) -> Response {
    let (date, week, month, submitter) = (
        ctx.q("date"),
        ctx.q("week"),
        ctx.q("month"),
        ctx.q("submitter"),
    );
    if let Some(d) = date
        && (d.len() != 10 || iso_week(d).is_none())
    {
        return error_response(
            400,
            None,
            &format!("Invalid date '{d}': expected YYYY-MM-DD"),
        );
    }
    let mut found: Vec<&SeedPaper> = PAPERS
        .iter()
        .filter(|p| date.is_none_or(|d| p.daily == d))
        .filter(|p| month.is_none_or(|m| p.daily.starts_with(m)))
        .filter(|p| week.is_none_or(|w| iso_week(p.daily).as_deref() == Some(w)))
        .filter(|p| submitter.is_none_or(|s| p.submitter == s))
        .collect();
    if ctx.q("sort") == Some("trending") {
        found.sort_by_key(|p| std::cmp::Reverse(p.upvotes));
    }
    let page = limit(ctx, 50);
    let start = ctx
        .q("p")
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(0)
        * page;
    let out: Vec<Value> = found
        .into_iter()
        .skip(start)
        .take(page)
        .map(daily_json)
        .collect();
    ok_json(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::iso_week;

    #[test]
    fn iso_weeks() {
        assert_eq!(iso_week("2026-12-01").as_deref(), Some("2026-W49"));
        assert_eq!(iso_week("2021-01-03").as_deref(), Some("2020-W53"));
        assert_eq!(iso_week("2025-02-27").as_deref(), Some("2025-W09"));
    }
}
