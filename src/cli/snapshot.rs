//! `kubectl claude snapshot -o DIR`: capture cluster state for offline `diagnose --snapshot`.

use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use super::cluster_view::{cluster_view, live_cluster, scope};
use crate::cluster::{ClusterView, snapshot};
use crate::error::{Error, Result};
use crate::ui::BarProgress;

/// Capture cluster state into a directory for offline diagnosis
///
/// Lists workloads, pods, nodes, events, PVCs, services and endpoint slices, and the Flux,
/// Argo CD, ARC and Gateway API kinds the cluster serves, plus recent logs of failing pods.
/// Secret values and secret-looking env values are replaced by `<redacted>`, every other
/// string and log is scrubbed of credentials, managedFields are dropped, and DIR/README.md
/// says what was redacted. Every kind forbidden: nothing is written (exit 4). Read it back
/// with `--snapshot DIR`.
///
/// Examples:
///   kubectl claude snapshot -o snap/ -A
///   kubectl claude snapshot -o snap/ -n flux-system --kinds kustomization,helmrelease,pods
///   kubectl claude diagnose --snapshot snap/
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SnapshotArgs {
    /// Only these kinds (kubectl names or short names, comma-separated; default: all known)
    #[arg(long, value_delimiter = ',', value_name = "KIND,…")]
    pub kinds: Vec<String>,
    /// Lines of log tail per failing container (0: no logs)
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub log_lines: u32,
}

pub async fn run(ctx: &Ctx, args: &SnapshotArgs) -> Result<u8> {
    let dir: PathBuf = ctx
        .global
        .output
        .clone()
        .map(PathBuf::from)
        .ok_or_else(|| {
            Error::usage_hint(
                "snapshot needs an output directory",
                "pass -o DIR, e.g. `kubectl claude snapshot -o snap/ -A`",
            )
        })?;
    let view = if ctx.global.snapshot.is_some() {
        cluster_view(ctx).await?
    } else {
        let live = live_cluster(ctx).await?.with_log_tail(args.log_lines);
        ClusterView::Live(Box::new(live))
    };
    let scope = scope(ctx, &view);
    // Names are checked up front: a typo must not produce a snapshot silently missing a kind.
    let mut kinds: Vec<&str> = Vec::new();
    for k in &args.kinds {
        let info = crate::cluster::kinds::lookup(k).ok_or_else(|| {
            Error::usage_hint(
                format!("unknown kind `{k}` in --kinds"),
                "use kubectl names or short names: deploy, pods, kustomization, helmrelease, application…",
            )
        })?;
        kinds.push(info.kind);
    }
    ctx.ui.status(&format!(
        "capturing {} ({})",
        view.describe(),
        scope
            .namespace
            .as_deref()
            .map_or("all namespaces".to_string(), |n| format!("namespace {n}"))
    ));
    let bar = BarProgress(ctx.ui.progress(0, "listing"));
    let inv = view
        .gather(&kinds, &scope, args.log_lines > 0, &bar)
        .await?;
    // Nothing could be read because every kind was refused: that is not a snapshot, and
    // "wrote 0 objects" with exit 0 would pass for one.
    let refused: Vec<&str> = inv
        .skipped
        .iter()
        .filter(|s| !s.reason.is_not_served())
        .map(|s| s.kind.as_str())
        .collect();
    let read_any = !inv.is_empty() || inv.served_kinds().any(|k| !refused.contains(&k));
    if !read_any && !refused.is_empty() {
        let first = inv
            .skipped
            .iter()
            .find(|s| !s.reason.is_not_served())
            .map(|s| s.reason.to_string())
            .unwrap_or_default();
        return Err(crate::cluster::Error::Api {
            what: format!("snapshot {}", view.describe()),
            message: format!(
                "every requested kind could not be read ({}): {first}; nothing was written",
                refused.join(", ")
            ),
        }
        .into());
    }
    if let ClusterView::Live(l) = &view {
        for g in l.skipped_groups() {
            ctx.ui.warn(&format!("skipped API group {g}"));
        }
    }
    let written = snapshot::write(&dir, &inv)?;
    for s in &inv.skipped {
        if !s.reason.is_not_served() {
            ctx.ui.warn(&format!("skipped {}: {}", s.kind, s.reason));
        }
    }
    ctx.ui.status(&format!(
        "wrote {} objects and {} logs to {} ({} files)",
        written.objects,
        written.logs,
        dir.display(),
        written.files
    ));
    Ok(0)
}
