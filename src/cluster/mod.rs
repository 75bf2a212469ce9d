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

pub use inventory::{Condition, Inventory, Obj, ObjRef, SkipReason, SkippedKind, string_map};

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
    /// No kubeconfig file at all where kubectl looks (`KUBECONFIG`, `~/.kube/config`).
    #[error("cannot load kubeconfig {source_desc}: {message}")]
    NoKubeconfig {
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
    /// A command run through exec ended non-zero (or the server could not run it); the
    /// output (`live::ExecOutput` as JSON) is kept for the audit log.
    #[error("failed to {what}: {message}")]
    ExecFailed {
        what: String,
        message: String,
        output: Box<serde_json::Value>,
    },
    /// A snapshot directory could not be read.
    #[error("cannot read snapshot {}: {message}", path.display())]
    Snapshot { path: PathBuf, message: String },
    /// The operation needs a live cluster.
    #[error("{what} needs a live cluster, not a snapshot")]
    NeedsLive { what: String },
    /// None of the kinds asked for could be read: a report would call unseen state healthy.
    #[error("nothing could be read from {source_desc}: {detail}")]
    NothingRead {
        source_desc: String,
        detail: String,
        /// The user's input, not the cluster's failure (exit 2, not 4): a snapshot lacking the
        /// kinds, or recipes whose kinds the cluster does not serve.
        users_input: bool,
    },
}

impl Error {
    /// The output of a failed exec, when this is one.
    pub fn exec_output(&self) -> Option<&serde_json::Value> {
        match self {
            Error::ExecFailed { output, .. } => Some(output),
            _ => None,
        }
    }

    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::NoKubeconfig { .. } => vec![
                "get a kubeconfig for your cluster (e.g. your provider's `get-credentials` command, or copy it from the control plane to ~/.kube/config), or point KUBECONFIG (or --kubeconfig FILE) at one"
                    .into(),
            ],
            Error::Kubeconfig { .. } => vec![
                "pick a context with --context (see `kubectl config get-contexts`), pass --kubeconfig FILE or set KUBECONFIG"
                    .into(),
            ],
            Error::Unreachable { .. } => vec![
                "check the server is up and reachable (kubectl cluster-info), or pick another context with --context".into(),
            ],
            Error::Unauthorized { .. } => vec![
                "refresh your credentials (e.g. re-run your cloud login or `kubectl get ns` to refresh an exec token)".into(),
            ],
            Error::Snapshot { .. } => vec![
                "capture one with `kubectl claude snapshot -o DIR`, or try examples/snapshots/<scenario>".into(),
            ],
            Error::NothingRead {
                users_input: true,
                ..
            } => vec![
                "run `kubectl claude diagnose --list` to see the kinds each recipe reads, and pick recipes that apply here (or a snapshot that holds those kinds)".into(),
            ],
            Error::NothingRead { .. } => vec![
                "check your permissions (`kubectl auth can-i list pods -A`) and that the API server is healthy, or pick another context with --context".into(),
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

    /// Gathers like [`ClusterView::gather`], and fails when none of `kinds` could be read —
    /// every one Forbidden, not served or failing — so that no report calls unseen state
    /// healthy. Used by every command that reports health (diagnose, status, fix, workflows).
    pub async fn gather_checked(
        &self,
        kinds: &[&str],
        scope: &Scope,
        logs: bool,
        progress: &dyn Progress,
    ) -> Result<Inventory, Error> {
        let inv = self.gather(kinds, scope, logs, progress).await?;
        if inv.read_any(kinds) {
            return Ok(inv);
        }
        let reasons: Vec<String> = inv
            .skipped
            .iter()
            .map(|s| format!("{} ({})", s.kind, s.reason))
            .collect();
        let only_not_served =
            !inv.skipped.is_empty() && inv.skipped.iter().all(|s| s.reason.is_not_served());
        let detail = match self {
            ClusterView::Snapshot(_) => {
                let mut d = format!(
                    "it holds none of the kinds asked for ({})",
                    if kinds.is_empty() {
                        "any".to_string()
                    } else {
                        kinds.join(", ")
                    }
                );
                if !reasons.is_empty() {
                    d.push_str(&format!("; not captured: {}", reasons.join("; ")));
                }
                d
            }
            ClusterView::Live(_) if reasons.is_empty() => "no kind was listed".into(),
            ClusterView::Live(_) if only_not_served => format!(
                "none of the kinds asked for is served: {}",
                reasons.join("; ")
            ),
            ClusterView::Live(_) => format!("every kind failed: {}", reasons.join("; ")),
        };
        Err(Error::NothingRead {
            source_desc: self.describe(),
            detail,
            // A snapshot lacking the kinds is the user's input, like a bad --snapshot.
            users_input: only_not_served || matches!(self, ClusterView::Snapshot(_)),
        })
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
