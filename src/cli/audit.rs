//! `kubectl claude audit`: the action audit log as a table or JSON, one row per attempt.
//!
//! Reads `~/.local/state/kubectl-claude/actions/*.jsonl` and pairs each decision record with
//! its outcome by `id`. An attempt without an outcome (the process died mid-action) is shown
//! as `(none)`: that is exactly the case the decision-first order exists for.

use std::collections::BTreeMap;

use clap::Args;
use serde_json::json;

use super::Ctx;
use super::flags::OutputFormat;
use super::flags::parse_since;
use crate::audit::{Phase, Record};
use crate::error::{EXIT_OK, Error, Result};

/// Show the action audit log: every decision and outcome of the autonomy gate
///
/// Each attempt by `act`, `fix` and `workflow run` — runs, refusals, declines, dry runs and
/// suggestions — is recorded before it executes and again after. The log lives in
/// ~/.local/state/kubectl-claude/actions/YYYY-MM-DD.jsonl (mode 0600, append-only).
///
/// Examples:
///   kubectl claude audit
///   kubectl claude audit --since 24h
///   kubectl claude audit --since 2026-11-01 -o json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AuditArgs {
    /// Only attempts at or after this time: a date (YYYY-MM-DD), an RFC 3339 time, or a
    /// duration back from now (30m, 24h, 7d)
    #[arg(long, value_name = "DATE|DURATION")]
    pub since: Option<String>,
}

/// One attempt: its decision, and its outcome when one was written.
struct Row<'a> {
    decision: &'a Record,
    outcome: Option<&'a Record>,
}

pub async fn run(ctx: &Ctx, args: &AuditArgs) -> Result<u8> {
    let format = ctx.format(
        &[OutputFormat::Table, OutputFormat::Json],
        OutputFormat::Table,
    )?;
    let since = match &args.since {
        Some(s) => Some(parse_since(s, ctx.env.now()).ok_or_else(|| {
            Error::usage_hint(
                format!("--since `{s}` is not a date, a time or a duration"),
                "examples: --since 2026-11-01, --since 2026-11-01T08:00:00Z, --since 24h",
            )
        })?),
        None => None,
    };
    let dir = ctx.paths.audit_dir();
    let (records, unreadable) =
        crate::audit::read_report(&dir).map_err(|e| Error::io("read", &dir, e))?;
    // A line that is not a record is a torn write or tampering: say where, never hide it.
    if !unreadable.is_empty() {
        let at: Vec<String> = unreadable
            .iter()
            .take(5)
            .map(|u| format!("{}:{}", u.file.display(), u.line))
            .collect();
        ctx.ui.warn(&format!(
            "{} line{} of the audit log could not be read (a torn write or an edit): {}{}",
            unreadable.len(),
            if unreadable.len() == 1 { "" } else { "s" },
            at.join(", "),
            if unreadable.len() > 5 { ", …" } else { "" }
        ));
    }
    let mut outcomes: BTreeMap<&str, &Record> = BTreeMap::new();
    for r in records.iter().filter(|r| r.phase == Phase::Outcome) {
        outcomes.insert(&r.id, r);
    }
    let rows: Vec<Row> = records
        .iter()
        .filter(|r| r.phase == Phase::Decision)
        .filter(|r| match since {
            Some(s) => r.at.parse::<jiff::Timestamp>().is_ok_and(|t| t >= s),
            None => true,
        })
        .map(|d| Row {
            decision: d,
            outcome: outcomes.get(d.id.as_str()).copied(),
        })
        .collect();
    let str_of = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
    if format == OutputFormat::Json {
        let attempts: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| crate::audit::attempt_json(r.decision, r.outcome))
            .collect();
        ctx.ui.out(&format!(
            "{:#}\n",
            json!({"v": 1, "attempts": attempts, "unreadable": unreadable})
        ))?;
        return Ok(EXIT_OK);
    }
    if rows.is_empty() {
        ctx.ui
            .status(&format!("no actions recorded in {}", dir.display()));
        return Ok(EXIT_OK);
    }
    let mut t = crate::ui::table([
        "TIME", "CONTEXT", "ORIGIN", "VERB", "TARGET", "TIER", "APPROVAL", "OUTCOME",
    ]);
    for r in &rows {
        let d = r.decision;
        let outcome = match r.outcome.and_then(|o| o.outcome) {
            Some(o) => o.as_str().to_string(),
            None => "(none)".into(),
        };
        // Seconds are enough to read; the record keeps full precision.
        let at =
            d.at.parse::<jiff::Timestamp>()
                .ok()
                .and_then(|t| t.round(jiff::Unit::Second).ok())
                .map_or_else(|| d.at.clone(), |t| t.to_string());
        t.add_row([
            at,
            d.context.clone(),
            d.origin.clone(),
            d.verb.clone(),
            d.target.clone(),
            d.tier.as_str().to_string(),
            str_of(serde_json::to_value(d.approval).unwrap_or_default()),
            outcome,
        ]);
    }
    ctx.ui.out(&format!("{t}\n"))?;
    Ok(EXIT_OK)
}
