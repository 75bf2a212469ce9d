//! `kubectl claude diff`: desired manifests vs live state; exit 0 same, 1 differs.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use super::cluster_view::live_cluster;
use crate::diff::{DiffOptions, DiffReport, Status, diff_objects};
use crate::error::{EXIT_OK, EXIT_REPORT, Error, Result};
use crate::manifest::{self, Manifest};
use crate::ui::Style;

/// Show how manifests differ from the live cluster
///
/// Compares only the fields the manifests declare, so values the server defaulted are not
/// reported as drift; status and server-set metadata are ignored. Secret values are masked
/// (`***`, `*** (changed)`) but a changed Secret is still reported as changed. Prints a
/// unified diff per object, then a summary table (`-o json` for machines).
///
/// Exit status: 0 no differences, 1 differences, 4 cluster unreachable, 2 bad input.
///
/// Examples:
///   kubectl claude diff -f deploy/
///   kubectl claude generate "nginx with 2 replicas" | kubectl claude diff -f -
///   kubectl claude diff -f app.yaml --server-side --prune-preview -o json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DiffArgs {
    /// Manifests: a file, a directory (recursive) or `-` for stdin (repeatable; default: stdin
    /// when it is not a terminal)
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub files: Vec<PathBuf>,
    /// Diff against the server-side apply dry run, as `kubectl diff` does
    #[arg(long)]
    pub server_side: bool,
    /// Also list live objects with the same app.kubernetes.io/instance (or name) label that
    /// the manifests no longer contain
    #[arg(long)]
    pub prune_preview: bool,
}

pub async fn run(ctx: &Ctx, args: &DiffArgs) -> Result<u8> {
    let output = ctx.output(&["table", "json"], "table")?;
    let desired = read_desired(ctx, args)?;
    let live = live_cluster(ctx).await?;
    let opts = DiffOptions {
        server_side: args.server_side,
        prune_preview: args.prune_preview,
    };
    let report = diff_objects(&live, &desired, &opts).await?;
    for w in &report.warnings {
        ctx.ui.warn(w);
    }
    if output == "json" {
        ctx.ui.out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        ))?;
    } else {
        ctx.ui.out(&render(ctx, &report))?;
    }
    Ok(if report.has_differences() {
        EXIT_REPORT
    } else {
        EXIT_OK
    })
}

fn read_desired(ctx: &Ctx, args: &DiffArgs) -> Result<Vec<Manifest>> {
    let files = if args.files.is_empty() {
        if std::io::stdin().is_terminal() {
            return Err(Error::usage_hint(
                "no manifests to diff",
                "pass -f FILE|DIR, or pipe manifests in: `… | kubectl claude diff -f -`",
            ));
        }
        vec![PathBuf::from("-")]
    } else {
        args.files.clone()
    };
    let mut out = Vec::new();
    for f in &files {
        out.extend(manifest::load(f, || ctx.read_stdin())?);
    }
    if out.is_empty() {
        return Err(manifest::Error::Empty {
            what: files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
        .into());
    }
    Ok(out)
}

/// Unified diffs (coloured on a terminal) followed by the summary table.
fn render(ctx: &Ctx, report: &DiffReport) -> String {
    let mut out = String::new();
    for o in report
        .objects
        .iter()
        .filter(|o| o.status != Status::Unchanged)
    {
        for line in o.diff.lines() {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                Some(Style::Bold)
            } else if line.starts_with('+') {
                Some(Style::Green)
            } else if line.starts_with('-') {
                Some(Style::Red)
            } else if line.starts_with("@@") {
                Some(Style::Cyan)
            } else {
                None
            };
            match style {
                Some(s) => out.push_str(&ctx.ui.paint(true, s, line)),
                None => out.push_str(line),
            }
            out.push('\n');
        }
    }
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::NOTHING).set_header([
        "STATUS",
        "KIND",
        "NAMESPACE",
        "NAME",
    ]);
    for o in &report.objects {
        table.add_row([
            o.status.as_str(),
            o.object.kind.as_str(),
            o.object.namespace.as_deref().unwrap_or("-"),
            o.object.name.as_str(),
        ]);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&table.to_string());
    let s = report.summary();
    out.push_str(&format!(
        "\n{} new, {} changed, {} unchanged, {} live-only\n",
        s.new, s.changed, s.unchanged, s.live_only
    ));
    out
}
