//! The live ClusterView: kube client, kubeconfig resolution like kubectl, discovery, LIST
//! with pagination. (Being built; see issue 5.)

use super::{Error, Inventory, Progress, Scope};

/// A connected cluster.
pub struct LiveCluster {
    context: String,
}

impl LiveCluster {
    pub fn context(&self) -> &str {
        &self.context
    }

    pub async fn gather(
        &self,
        _kinds: &[&str],
        _scope: &Scope,
        _logs: bool,
        _progress: &dyn Progress,
    ) -> Result<Inventory, Error> {
        Err(Error::NeedsLive {
            what: "live gathering (not built yet)".into(),
        })
    }
}

/// Namespace names of the current cluster for shell completion, within a short deadline;
/// empty when no cluster answers.
pub fn namespaces_for_completion() -> Vec<String> {
    Vec::new()
}
