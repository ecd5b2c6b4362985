//! The Parquet files of a dataset, as Python's table.

use serde::Serialize;
use serde_json::Value;

use crate::output::{Human, Render};
use crate::repo_views::file_size;

/// The Parquet files, as Python's table (`subset`, `split`, `url`, `size`; quiet: the URLs).
#[derive(Debug)]
pub(crate) struct ParquetList {
    pub(crate) files: Vec<hf_hub::api::ParquetFile>,
}

impl Serialize for ParquetList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rows: Vec<Value> = self
            .files
            .iter()
            .map(|f| serde_json::json!({"subset": f.config, "split": f.split, "url": f.url, "size": f.size}))
            .collect();
        rows.serialize(serializer)
    }
}

impl Render for ParquetList {
    fn human(&self) -> Human {
        if self.files.is_empty() {
            return Human::Text("No results found.".into());
        }
        Human::Table {
            headers: ["SUBSET", "SPLIT", "URL", "SIZE"]
                .map(str::to_owned)
                .to_vec(),
            rows: self
                .files
                .iter()
                .map(|f| {
                    vec![
                        f.config.clone(),
                        f.split.clone(),
                        f.url.clone(),
                        file_size(f.size, true),
                    ]
                })
                .collect(),
        }
    }

    fn quiet(&self) -> Vec<String> {
        self.files.iter().map(|f| f.url.clone()).collect()
    }
}
