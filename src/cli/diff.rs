//! `kubectl claude diff`: desired manifests vs live state; exit 0 same, 1 differs.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use super::cluster_view::live_cluster;
use super::flags::{InstructionFlags, OutputFormat};
use crate::diff::{DiffOptions, DiffReport, Status, diff_objects};
use crate::error::{EXIT_OK, EXIT_REPORT, Error, Result};
use crate::manifest::{self, Manifest};
use crate::ui::Style;

/// Show how manifests differ from the live cluster
///
/// Compares only the fields the manifests declare, so values the server defaulted are not
/// reported as drift; status and server-set metadata are ignored. Secret values are masked
/// (`<redacted>`, `<redacted> (changed)`) but a changed Secret is still reported as changed. Prints a
/// unified diff per object, then a summary table (`-o json` for machines).
///
/// A -f that names instructions (claudernetes.yaml / claudernetes.md, or a directory holding
/// one) is rendered through the generate pipeline first (its lock and cache are honoured).
///
/// Exit status: 0 no differences, 1 differences, 4 cluster unreachable, 2 bad input.
///
/// Examples:
///   kubectl claude diff -f deploy/
///   kubectl claude diff -f apps/shop/claudernetes.yaml     # generate, then diff
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
    // Read only when a -f names instructions.
    #[command(flatten)]
    pub generation: InstructionFlags,
}

pub async fn run(ctx: &Ctx, args: &DiffArgs) -> Result<u8> {
    // diff compares with live state; a snapshot flag silently ignored would diff elsewhere.
    if ctx.global.snapshot.is_some() {
        return Err(Error::usage_hint(
            "diff compares manifests with a live cluster and does not read --snapshot",
            "drop --snapshot; to check manifests without a cluster use `kubectl claude lint -f FILE`",
        ));
    }
    let output = ctx.format(
        &[OutputFormat::Table, OutputFormat::Json],
        OutputFormat::Table,
    )?;
    let desired = read_desired(ctx, args).await?;
    let live = live_cluster(ctx).await?;
    let opts = DiffOptions {
        server_side: args.server_side,
        prune_preview: args.prune_preview,
    };
    let report = diff_objects(&live, &desired, &opts).await?;
    for w in &report.warnings {
        ctx.ui.warn(w);
    }
    if output == OutputFormat::Json {
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

/// True when `p` names generate instructions rather than manifests.
fn is_instructions(p: &std::path::Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    crate::generate::input::FILE_NAMES.contains(&name)
        || (p.is_dir() && crate::generate::input::find_in_dir(p).is_some())
}

/// Renders instructions through the generate pipeline (lock, cache, provider as configured).
async fn generated(ctx: &Ctx, args: &DiffArgs, path: &std::path::Path) -> Result<Vec<Manifest>> {
    let gen_args = super::instructions::PrepareArgs::from_flags(&args.generation);
    let instructions = super::instructions::load_instructions(ctx, None, Some(path))?;
    let prepared = super::instructions::prepare(ctx, instructions, &gen_args)?;
    let app = prepared.instructions.app_name();
    let cache = crate::generate::cache::Cache::new(&ctx.paths.cache_dir);
    let now = ctx.env.now().to_string();
    let mut req = prepared.request(
        (!args.generation.no_cache).then_some(&cache),
        false,
        false,
        8192,
        &now,
        &app,
    );
    if args.generation.no_cache {
        req.lock = None;
    }
    let outcome = crate::generate::run(&req).await?;
    super::instructions::report_notes(ctx, &outcome);
    Ok(outcome
        .objects
        .into_iter()
        .enumerate()
        .map(|(i, value)| Manifest {
            value,
            origin: format!("{}#{}", path.display(), i + 1),
        })
        .collect())
}

async fn read_desired(ctx: &Ctx, args: &DiffArgs) -> Result<Vec<Manifest>> {
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
        if f.as_os_str() != "-" && is_instructions(f) {
            out.extend(generated(ctx, args, f).await?);
        } else {
            out.extend(manifest::load(f, || ctx.read_stdin())?);
        }
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
