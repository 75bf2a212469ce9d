//! Reading clusters: one [`ClusterView`], two implementations.
//!
//! `live` talks to an API server through kube; `snapshot` reads a directory of YAML/JSON
//! (`kubectl get -o yaml` output, `cluster-info dump` trees, our own `snapshot` command).
//! Both produce the same [`Inventory`], so recipes, `status` and everything downstream cannot
//! tell them apart.

pub mod inventory;
pub mod kinds;
pub mod kubeconfig;
pub mod live;
pub mod snapshot;

use std::path::PathBuf;

pub use inventory::{Condition, Inventory, Obj, ObjRef, SkippedKind, string_map};

/// Which namespaces to read. `None` = all namespaces (`-A`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub namespace: Option<String>,
}

impl Scope {
    pub fn all() -> Self {
        Self { namespace: None }
    }
    pub fn namespace(ns: impl Into<String>) -> Self {
        Self {
            namespace: Some(ns.into()),
        }
    }
    /// True when an object in `ns` (None = cluster-scoped) is in scope.
    pub fn contains(&self, ns: Option<&str>) -> bool {
        match (&self.namespace, ns) {
            (None, _) | (_, None) => true,
            (Some(want), Some(have)) => want == have,
        }
    }
}

/// Errors reaching or reading a cluster.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No usable kubeconfig.
    #[error("cannot load kubeconfig {source_desc}: {message}")]
    Kubeconfig {
        source_desc: String,
        message: String,
    },
    /// The API server did not answer.
    #[error(
        "cluster unreachable: context \"{context}\" (server {server}, kubeconfig {kubeconfig}): {message}"
    )]
    Unreachable {
        context: String,
        server: String,
        kubeconfig: String,
        message: String,
    },
    /// Credentials were rejected.
    #[error(
        "authentication failed for context \"{context}\" (server {server}, kubeconfig {kubeconfig}): {message}"
    )]
    Unauthorized {
        context: String,
        server: String,
        kubeconfig: String,
        message: String,
    },
    /// An API call failed.
    #[error("failed to {what}: {message}")]
    Api { what: String, message: String },
    /// A snapshot directory could not be read.
    #[error("cannot read snapshot {}: {message}", path.display())]
    Snapshot { path: PathBuf, message: String },
    /// The operation needs a live cluster.
    #[error("{what} needs a live cluster, not a snapshot")]
    NeedsLive { what: String },
}

impl Error {
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::Kubeconfig { .. } => vec![
                "pick a context with --context (see `kubectl config get-contexts`), pass --kubeconfig FILE or set KUBECONFIG; or use --snapshot DIR to work offline"
                    .into(),
            ],
            Error::Unreachable { .. } => vec![
                "check the server is up and reachable (kubectl cluster-info), pick another context with --context, or use --snapshot DIR".into(),
            ],
            Error::Unauthorized { .. } => vec![
                "refresh your credentials (e.g. re-run your cloud login or `kubectl get ns` to refresh an exec token)".into(),
            ],
            Error::Snapshot { .. } => vec![
                "capture one with `kubectl claude snapshot -o DIR`, or try examples/snapshots/<scenario>".into(),
            ],
            _ => vec![],
        }
    }
}

/// Progress callbacks while gathering; the CLI turns them into a progress bar.
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn step(&self, _what: &str) {}
    fn finish(&self) {}
}

/// A progress sink that reports nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A cluster to read: live or from a snapshot directory.
pub enum ClusterView {
    Live(Box<live::LiveCluster>),
    Snapshot(snapshot::SnapshotCluster),
}

impl ClusterView {
    /// Gathers the given kinds in scope, plus logs of failing pods when `logs` is set.
    pub async fn gather(
        &self,
        kinds: &[&str],
        scope: &Scope,
        logs: bool,
        progress: &dyn Progress,
    ) -> Result<Inventory, Error> {
        match self {
            ClusterView::Live(l) => l.gather(kinds, scope, logs, progress).await,
            ClusterView::Snapshot(s) => Ok(s.gather(kinds, scope)),
        }
    }

    /// A short description for messages: `context "x"` or `snapshot DIR`.
    pub fn describe(&self) -> String {
        match self {
            ClusterView::Live(l) => format!("context \"{}\"", l.context()),
            ClusterView::Snapshot(s) => format!("snapshot {}", s.root().display()),
        }
    }

    pub fn as_live(&self) -> Option<&live::LiveCluster> {
        match self {
            ClusterView::Live(l) => Some(l),
            ClusterView::Snapshot(_) => None,
        }
    }
}
