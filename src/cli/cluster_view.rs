//! Choosing the cluster a command reads: `--snapshot DIR`, else the live cluster named by
//! `--kubeconfig`, `KUBECONFIG`, `--context` and `-n`, resolved like kubectl.

use super::Ctx;
use crate::cluster::live::{ConnectOptions, LiveCluster};
use crate::cluster::snapshot::SnapshotCluster;
use crate::cluster::{ClusterView, Scope};
use crate::error::Result;

/// The cluster view for this run: the snapshot when `--snapshot` is given, else live.
pub async fn cluster_view(ctx: &Ctx) -> Result<ClusterView> {
    if let Some(dir) = &ctx.global.snapshot {
        return Ok(ClusterView::Snapshot(SnapshotCluster::load(dir)?));
    }
    Ok(ClusterView::Live(Box::new(live_cluster(ctx).await?)))
}

/// How to connect, from the global flags and the captured environment.
pub fn connect_options(ctx: &Ctx) -> ConnectOptions {
    ConnectOptions {
        kubeconfig: ctx.global.kubeconfig.clone(),
        kubeconfig_env: ctx.env.get("KUBECONFIG").map(str::to_string),
        context: ctx.global.context.clone(),
        namespace: ctx.global.namespace.clone(),
        home: ctx.env.path("HOME"),
        in_cluster_env: ctx.env.get("KUBERNETES_SERVICE_HOST").is_some(),
        request_timeout: ctx.global.request_timeout,
    }
}

/// The live cluster (commands that need one, such as `diff`).
pub async fn live_cluster(ctx: &Ctx) -> Result<LiveCluster> {
    let live = LiveCluster::connect(connect_options(ctx)).await?;
    Ok(live.with_clock(ctx.env.now()))
}

/// The namespaces to read: `-A` all, `-n NS`, else the context's default namespace.
pub fn scope(ctx: &Ctx, view: &ClusterView) -> Scope {
    if ctx.global.all_namespaces {
        return Scope::all();
    }
    match (&ctx.global.namespace, view) {
        (Some(ns), _) => Scope::namespace(ns.clone()),
        (None, ClusterView::Live(l)) => Scope::namespace(l.default_namespace()),
        // A snapshot has no current namespace: everything in it.
        (None, ClusterView::Snapshot(_)) => Scope::all(),
    }
}
