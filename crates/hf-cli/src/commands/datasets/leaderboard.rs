//! A dataset's leaderboard, as Python's table.

use serde::Serialize;
use serde_json::Value;

use crate::args::TokenArg;
use crate::output::{Human, Render};

#[derive(Debug, clap::Args)]
pub(crate) struct LeaderboardArgs {
    /// The benchmark dataset id (e.g. `SWE-bench/SWE-bench_Verified`).
    pub(crate) dataset_id: String,
    /// Show at most this many rows.
    #[arg(long, default_value_t = 20)]
    pub(crate) limit: usize,
    #[command(flatten)]
    pub(crate) token: TokenArg,
}

/// The leaderboard rows, as Python's table (`rank`, `model_id`, `value`, `source`).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub(crate) struct Leaderboard {
    pub(crate) rows: Vec<hf_hub::api::LeaderboardEntry>,
}

impl Render for Leaderboard {
    fn human(&self) -> Human {
        if self.rows.is_empty() {
            return Human::Text("No results found.".into());
        }
        Human::Table {
            headers: ["RANK", "MODEL_ID", "VALUE", "SOURCE"]
                .map(str::to_owned)
                .to_vec(),
            rows: self
                .rows
                .iter()
                .map(|r| {
                    let source = r
                        .source
                        .as_ref()
                        .and_then(|s| s.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    vec![
                        r.rank.to_string(),
                        r.model_id.clone(),
                        r.value.to_string(),
                        source,
                    ]
                })
                .collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.rows.iter().map(|r| r.model_id.clone()).collect()
    }
}
