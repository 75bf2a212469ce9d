//! Picks the cluster a read-only command works on: `--snapshot DIR`, else the live cluster
//! from the kubeconfig (live support is being built in `cluster::live`).

use super::Ctx;
use crate::cluster::{ClusterView, snapshot::SnapshotCluster};
use crate::error::Result;

/// The ClusterView for this run.
pub async fn cluster_view(ctx: &Ctx) -> Result<ClusterView> {
    if let Some(dir) = &ctx.global.snapshot {
        let dir = if dir.is_relative() {
            ctx.env.cwd.join(dir)
        } else {
            dir.clone()
        };
        return Ok(ClusterView::Snapshot(SnapshotCluster::load(&dir)?));
    }
    Err(crate::cluster::Error::NeedsLive {
        what: "reading a live cluster is not available yet; this command".into(),
    }
    .into())
}
