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
///   kubectl claude usage --since 7d
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct UsageArgs {
    /// Only days on or after this: a date (2026-11-01), a time or a duration (24h, 7d)
    #[arg(long, value_name = "DATE|DURATION")]
    pub since: Option<String>,
}

pub async fn run(ctx: &Ctx, args: &UsageArgs) -> Result<u8> {
    let format = ctx.output(&["table", "json"], "table")?;
    let dir = ctx.paths.usage_dir();
    let records: Vec<CallRecord> =
        crate::jsonl::read_dir(&dir).map_err(|e| Error::io("read", &dir, e))?;
    // Same forms as `audit --since`: a date, a time or a duration back from now.
    let since = match &args.since {
        Some(s) => {
            let ts = super::flags::parse_since(s, ctx.env.now()).ok_or_else(|| {
                Error::usage_hint(
                    format!("--since `{s}` is not a date, a time or a duration"),
                    "examples: --since 2026-11-01, --since 24h, --since 7d",
                )
            })?;
            Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
        }
        None => None,
    };
    let rows = summarize(&records, since.as_deref());
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
