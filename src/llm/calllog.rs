//! The model call log: one JSONL record per model call or cache hit, for cost and compliance.
//! Records time, provider, model, tokens, duration, outcome, cache hit/miss, the app and a
//! hash of the prompt — never the prompt or the key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// One record (`v: 1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRecord {
    pub v: u32,
    pub ts: String,
    pub provider: String,
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub duration_ms: u64,
    /// `ok`, or `error: <short reason>`.
    pub outcome: String,
    /// `hit`, `miss`, `lock` or `bypass`.
    pub cache: String,
    /// The instructions file or the app name.
    pub app: String,
    pub prompt_sha256: String,
}

/// Appends a record to the day's file under `dir`.
pub fn record(dir: &Path, at: jiff::Timestamp, rec: &CallRecord) -> std::io::Result<()> {
    crate::jsonl::append(&crate::jsonl::daily_file(dir, at), rec)
}

/// Token totals for one (day, model, app) row of `kubectl claude usage`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UsageRow {
    pub day: String,
    pub provider: String,
    pub model: String,
    pub app: String,
    pub calls: u64,
    pub cache_hits: u64,
    pub errors: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
}

/// Sums records by day, provider/model and app, sorted.
pub fn summarize(records: &[CallRecord], since: Option<&str>) -> Vec<UsageRow> {
    let mut rows: BTreeMap<(String, String, String, String), UsageRow> = BTreeMap::new();
    for r in records {
        let day = r.ts.get(..10).unwrap_or("").to_string();
        if since.is_some_and(|s| day.as_str() < s) {
            continue;
        }
        let key = (
            day.clone(),
            r.provider.clone(),
            r.model.clone(),
            r.app.clone(),
        );
        let row = rows.entry(key).or_insert_with(|| UsageRow {
            day,
            provider: r.provider.clone(),
            model: r.model.clone(),
            app: r.app.clone(),
            ..Default::default()
        });
        match r.cache.as_str() {
            "hit" | "lock" => row.cache_hits += 1,
            _ => row.calls += 1,
        }
        if r.outcome != "ok" {
            row.errors += 1;
        }
        row.input_tokens += r.input_tokens;
        row.output_tokens += r.output_tokens;
    }
    rows.into_values().collect()
}
