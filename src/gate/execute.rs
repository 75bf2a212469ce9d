//! The executors: the live cluster, the cluster view a front-end opened (live executes, a
//! snapshot answers reads and previews only), and no cluster at all.

use serde_json::Value;

use crate::action::Action;
use crate::cluster::{self, ObjRef};

use super::types::*;

impl Executor for cluster::live::LiveCluster {
    fn context(&self) -> String {
        cluster::live::LiveCluster::context(self).to_string()
    }
    async fn read(&self, r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
        self.get(r).await
    }
    async fn apply_preview(&self, manifest: &Value) -> Result<Option<Value>, cluster::Error> {
        self.server_side_apply_dry_run(manifest).await.map(Some)
    }
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
        cluster::live::LiveCluster::execute(self, action).await
    }
}

/// The cluster view a front-end opened: the live cluster executes (and discovers kinds), a
/// snapshot previews only.
impl Executor for cluster::ClusterView {
    fn context(&self) -> String {
        match self {
            cluster::ClusterView::Live(l) => l.context().to_string(),
            cluster::ClusterView::Snapshot(s) => format!("snapshot:{}", s.root().display()),
        }
    }
    fn is_snapshot(&self) -> bool {
        matches!(self, cluster::ClusterView::Snapshot(_))
    }
    async fn read(&self, r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
        match self {
            cluster::ClusterView::Live(l) => l.get(r).await,
            cluster::ClusterView::Snapshot(s) => {
                Ok(s.inventory().get_ref(r).map(|o| o.value().clone()))
            }
        }
    }
    async fn apply_preview(&self, manifest: &Value) -> Result<Option<Value>, cluster::Error> {
        match self {
            cluster::ClusterView::Live(l) => l.server_side_apply_dry_run(manifest).await.map(Some),
            cluster::ClusterView::Snapshot(_) => Ok(None),
        }
    }
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
        match self {
            cluster::ClusterView::Live(l) => l.execute(action).await,
            // Reads are answered from the snapshot; nothing else runs (one rule, one place).
            cluster::ClusterView::Snapshot(s) => {
                SnapshotExecutor {
                    inventory: s.inventory(),
                    label: self.context(),
                }
                .execute(action)
                .await
            }
        }
    }
    async fn list(
        &self,
        kind: &str,
        namespace: Option<&str>,
    ) -> Result<Vec<Value>, cluster::Error> {
        let scope = cluster::Scope {
            namespace: namespace.map(str::to_string),
        };
        let inv = self
            .gather(&[kind], &scope, false, &cluster::NoProgress)
            .await?;
        Ok(inv.of_kind(kind).map(|o| o.value().clone()).collect())
    }
    async fn find_kind(&self, kind: &str) -> Result<Option<Discovered>, cluster::Error> {
        match self {
            cluster::ClusterView::Live(l) => Ok(l.find_kind(kind).await?.map(|r| Discovered {
                api_version: r.api_version(),
                kind: r.kind.clone(),
                namespaced: r.namespaced,
            })),
            cluster::ClusterView::Snapshot(_) => Ok(None),
        }
    }
    fn skipped_groups(&self) -> Vec<String> {
        match self {
            cluster::ClusterView::Live(l) => l.skipped_groups(),
            cluster::ClusterView::Snapshot(_) => Vec::new(),
        }
    }
}

/// No cluster at all: for refusing forbidden actions without connecting (the gate never
/// executes one, and a refusal needs no preview). Reads find nothing; nothing can execute.
pub struct Unconnected {
    /// The context it would have used, for the audit log.
    pub context: String,
}

impl Executor for Unconnected {
    fn context(&self) -> String {
        self.context.clone()
    }
    async fn read(&self, _r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
        Ok(None)
    }
    async fn apply_preview(&self, _manifest: &Value) -> Result<Option<Value>, cluster::Error> {
        Ok(None)
    }
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
        Err(cluster::Error::NeedsLive {
            what: format!("{} {}", action.verb(), action.target_display()),
        })
    }
}

/// A snapshot as an executor: previews read the snapshot, nothing can be executed. Private:
/// a [`cluster::ClusterView::Snapshot`] is the executor front-ends use.
struct SnapshotExecutor<'a> {
    inventory: &'a cluster::Inventory,
    label: String,
}

impl Executor for SnapshotExecutor<'_> {
    fn context(&self) -> String {
        self.label.clone()
    }
    fn is_snapshot(&self) -> bool {
        true
    }
    async fn read(&self, r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
        Ok(self.inventory.get_ref(r).map(|o| o.value().clone()))
    }
    async fn apply_preview(&self, _manifest: &Value) -> Result<Option<Value>, cluster::Error> {
        Ok(None)
    }
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
        // Reads are answered from the snapshot, as a live cluster would; nothing else runs.
        let missing = |r: &ObjRef| cluster::Error::Api {
            what: format!("get {}", r.display()),
            message: format!("not found in {}", self.label),
        };
        match action {
            Action::Get { target } | Action::Describe { target } => self
                .inventory
                .get_ref(target)
                .map(|o| o.value().clone())
                .ok_or_else(|| missing(target)),
            Action::Logs {
                target, container, ..
            } => {
                let ns = target.namespace.as_deref().unwrap_or("");
                self.inventory
                    .logs_for(ns, &target.name, container.as_deref())
                    .map(|t| Value::String(t.to_string()))
                    .ok_or_else(|| missing(target))
            }
            Action::List { kind, namespace } => {
                let items: Vec<Value> = self
                    .inventory
                    .of_kind(kind)
                    .filter(|o| namespace.is_none() || o.namespace() == namespace.as_deref())
                    .map(|o| o.value().clone())
                    .collect();
                Ok(serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items}))
            }
            _ => Err(cluster::Error::NeedsLive {
                what: format!("{} {}", action.verb(), action.target_display()),
            }),
        }
    }
}
