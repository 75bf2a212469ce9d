//! Diagnostic recipes: pure functions from an [`Inventory`] to [`Finding`]s.
//!
//! # Adding a recipe
//! 1. Create `recipes/<name>.rs` with a unit struct implementing [`Recipe`].
//! 2. Use failure-mode ids from `research/failure-modes.md` (`flux.source-not-found`, …).
//! 3. Set `cause` on symptoms so `finding::link` folds them under the root.
//! 4. Add it to [`RECIPES`] and give it fixture tests next to it.
//!
//! Recipes never do I/O and never print; the same inventory always gives the same findings.

pub mod arc;
pub mod argocd;
pub mod certmanager;
pub mod common;
pub mod custom_resources;
pub mod externalsecrets;
pub mod flux;
pub mod hpa;
pub mod ingress;
pub mod jobs;
pub mod logs;
pub mod netpol;
pub mod network;
pub mod nodes;
pub mod onepassword;
pub mod rbac;
pub mod storage;
pub mod targetapp_failed;
pub mod volumes;
pub mod webhooks;
pub mod workloads;

use crate::cluster::{Inventory, SkippedKind};
use crate::finding::Finding;

/// A diagnostic recipe: declares what it reads, then judges it.
pub trait Recipe: Sync {
    /// Stable id used by `--recipe` and in JSON (`flux`, `argocd`, …).
    fn id(&self) -> &'static str;
    /// One line for `diagnose --list`.
    fn summary(&self) -> &'static str;
    /// Kinds the recipe reads; the ClusterView gathers them.
    fn reads(&self) -> &'static [&'static str];
    /// True when the recipe applies to this cluster (e.g. Flux CRDs are served).
    fn relevant(&self, inv: &Inventory) -> bool;
    /// The findings, deterministic order.
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding>;
}

/// The registry, in the order recipes run and are listed.
/// GitOps recipes first: they read the chain top-down and point at the workloads and nodes
/// the generic recipes judge.
pub static RECIPES: &[&dyn Recipe] = &[
    &flux::Flux,
    &argocd::ArgoCd,
    &arc::Arc,
    &certmanager::CertManager,
    &externalsecrets::ExternalSecrets,
    &onepassword::OnePassword,
    &custom_resources::CustomResources,
    &webhooks::Webhooks,
    &workloads::Workloads,
    &volumes::Volumes,
    &jobs::Jobs,
    &storage::Storage,
    &rbac::Rbac,
    &hpa::Hpa,
    &network::Network,
    &netpol::NetPol,
    &ingress::Ingress,
    &nodes::Nodes,
    &targetapp_failed::TargetApps,
];

/// Finds a recipe by id.
pub fn by_id(id: &str) -> Option<&'static dyn Recipe> {
    RECIPES.iter().copied().find(|r| r.id() == id)
}

/// All recipe ids, for completion and help.
pub fn ids() -> Vec<&'static str> {
    RECIPES.iter().map(|r| r.id()).collect()
}

/// The kinds a set of recipes reads, deduplicated and sorted (what the ClusterView gathers).
pub fn kinds_for(recipes: &[&dyn Recipe]) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = recipes
        .iter()
        .flat_map(|r| r.reads().iter().copied())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// The outcome of running recipes over one inventory.
#[derive(Debug, Default)]
pub struct Run {
    pub findings: Vec<Finding>,
    /// Recipes that ran.
    pub ran: Vec<&'static str>,
    /// What could not be checked: unreadable kinds (with the recipes that needed them) and
    /// recipes whose kinds the cluster does not serve.
    pub skipped: Vec<SkippedKind>,
    pub not_relevant: Vec<&'static str>,
}

/// Runs the recipes that apply to `inv` and records what could not be checked, so a report
/// never calls healthy what it did not see.
pub fn run(recipes: &[&dyn Recipe], inv: &Inventory) -> Run {
    let mut out = Run::default();
    for r in recipes {
        if !r.relevant(inv) {
            out.not_relevant.push(r.id());
            continue;
        }
        out.ran.push(r.id());
        out.findings.extend(r.diagnose(inv));
    }
    // A kind the cluster does not serve holds nothing to check; only unreadable kinds are gaps.
    for s in inv.skipped.iter().filter(|s| !s.reason.is_not_served()) {
        let users: Vec<&str> = recipes
            .iter()
            .filter(|r| out.ran.contains(&r.id()) && r.reads().contains(&s.kind.as_str()))
            .map(|r| r.id())
            .collect();
        let reason = if users.is_empty() {
            s.reason.clone()
        } else {
            format!("{} — not checked by: {}", s.reason, users.join(", ")).into()
        };
        out.skipped.push(SkippedKind {
            kind: s.kind.clone(),
            reason,
        });
    }
    out
}

#[cfg(test)]
pub(crate) mod testing {
    //! Fixture helpers: the demo snapshots under `examples/snapshots/` double as test data.
    use super::*;

    pub fn load(scenario: &str) -> Inventory {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/snapshots")
            .join(scenario);
        crate::cluster::snapshot::SnapshotCluster::load(&dir)
            .unwrap_or_else(|e| panic!("{scenario}: {e}"))
            .inventory()
            .clone()
    }

    pub fn by_id<'a>(fs: &'a [Finding], id: &str) -> &'a Finding {
        fs.iter().find(|f| f.id == id).unwrap_or_else(|| {
            panic!(
                "no {id} in {:#?}",
                fs.iter()
                    .map(|f| (&f.id, f.object.display()))
                    .collect::<Vec<_>>()
            )
        })
    }
}
