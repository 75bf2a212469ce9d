//! `kubectl claude usage`: model tokens by day, model and app, from the call log.

use clap::Args;
use serde_json::json;

use super::Ctx;
use crate::error::{Error, Result};
use crate::llm::calllog::{CallRecord, summarize};

/// Show model usage (tokens, calls, cache hits) by day, model and app
///
/// Every model call and cache hit is recorded in ~/.local/state/kubectl-claude/llm-calls/
/// (time, provider, model, tokens, duration, outcome, cache, app and a hash of the prompt —
/// never the prompt or the key).
///
/// Examples:
///   kubectl claude usage
///   kubectl claude usage --since 2026-11-01 -o json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct UsageArgs {
    /// Only days on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
}

pub async fn run(ctx: &Ctx, args: &UsageArgs) -> Result<u8> {
    let format = ctx.output(&["table", "json"], "table")?;
    let dir = ctx.paths.usage_dir();
    let records: Vec<CallRecord> =
        crate::jsonl::read_dir(&dir).map_err(|e| Error::io("read", &dir, e))?;
    let rows = summarize(&records, args.since.as_deref());
    if format == "json" {
        ctx.ui
            .out(&format!("{:#}\n", json!({"v": 1, "rows": rows})))?;
        return Ok(0);
    }
    if rows.is_empty() {
        ctx.ui
            .status(&format!("no model calls recorded in {}", dir.display()));
        return Ok(0);
    }
    let mut t = crate::ui::table([
        "DAY",
        "PROVIDER",
        "MODEL",
        "APP",
        "CALLS",
        "CACHE HITS",
        "ERRORS",
        "INPUT TOKENS",
        "OUTPUT TOKENS",
    ]);
    for r in &rows {
        t.add_row([
            r.day.clone(),
            r.provider.clone(),
            r.model.clone(),
            r.app.clone(),
            r.calls.to_string(),
            r.cache_hits.to_string(),
            r.errors.to_string(),
            r.input_tokens.to_string(),
            r.output_tokens.to_string(),
        ]);
    }
    ctx.ui.out(&format!("{t}\n"))?;
    Ok(0)
}
