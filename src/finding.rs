//! Findings: what a recipe concluded, with its evidence and proposed actions.
//!
//! A finding is about one object. Recipes may say what a finding is *caused by* (another
//! object); [`link`] then folds symptoms under their deepest root cause, so one broken
//! GitRepository behind five Kustomizations reads as one root cause with five symptoms.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::autonomy::{Policy, Tier};
use crate::object::ObjRef;

/// Severity with an explicit rank, independent of declaration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
    Critical,
}

impl Severity {
    pub fn rank(self) -> u8 {
        match self {
            Severity::Info => 0,
            Severity::Warning => 1,
            Severity::Error => 2,
            Severity::Critical => 3,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        }
    }
}

/// An action a finding proposes, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub action: Action,
    pub rationale: String,
    /// True when the object is managed by GitOps: the durable fix belongs in Git.
    #[serde(default)]
    pub gitops_managed: bool,
}

impl Proposal {
    pub fn new(action: Action, rationale: impl Into<String>) -> Self {
        Self {
            action,
            rationale: rationale.into(),
            gitops_managed: false,
        }
    }
}

/// One conclusion of a recipe.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable dotted id, e.g. `flux.source-not-found` (ids from failure-modes.md).
    pub id: String,
    pub severity: Severity,
    pub object: ObjRef,
    pub title: String,
    pub evidence: Vec<String>,
    /// The object whose failure explains this one, when the recipe knows it.
    pub cause: Option<ObjRef>,
    pub proposals: Vec<Proposal>,
    /// The recipe that produced it.
    pub recipe: &'static str,
}

impl Finding {
    pub fn new(
        recipe: &'static str,
        id: &str,
        severity: Severity,
        object: ObjRef,
        title: impl Into<String>,
    ) -> Self {
        Self {
            id: id.to_string(),
            severity,
            object,
            title: title.into(),
            evidence: Vec::new(),
            cause: None,
            proposals: Vec::new(),
            recipe,
        }
    }
    pub fn evidence(mut self, e: impl Into<String>) -> Self {
        let e = e.into();
        if !e.trim().is_empty() {
            self.evidence.push(e);
        }
        self
    }
    pub fn caused_by(mut self, cause: ObjRef) -> Self {
        self.cause = Some(cause);
        self
    }
    pub fn propose(mut self, action: Action, rationale: impl Into<String>) -> Self {
        self.proposals.push(Proposal::new(action, rationale));
        self
    }
}

/// A finding after linking: the shape of the `-o json` contract (`v: 1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkedFinding {
    pub id: String,
    pub severity: Severity,
    pub object: ObjRef,
    pub title: String,
    pub evidence: Vec<String>,
    pub root_cause: bool,
    /// Index (in the same `findings` array) of the root finding this is a symptom of.
    pub caused_by: Option<usize>,
    pub actions: Vec<ActionView>,
    pub recipe: &'static str,
}

/// One proposed action in the JSON contract: the typed action flattened with its tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionView {
    pub verb: &'static str,
    pub target: serde_json::Value,
    pub tier: Tier,
    pub rationale: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<serde_json::Value>,
    pub command: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub gitops_managed: bool,
    #[serde(skip)]
    pub action: Option<Action>,
}

impl ActionView {
    pub fn from_proposal(p: &Proposal, policy: &Policy) -> Self {
        let target = match &p.action {
            Action::Apply { manifest } => {
                serde_json::to_value(crate::object::Obj(manifest).obj_ref()).unwrap_or_default()
            }
            Action::List { kind, namespace } => {
                serde_json::json!({"kind": kind, "namespace": namespace})
            }
            a => a
                .target()
                .and_then(|t| serde_json::to_value(t).ok())
                .unwrap_or_default(),
        };
        let patch = match &p.action {
            Action::Patch { patch, .. } => Some(patch.clone()),
            Action::Apply { manifest } => Some(manifest.clone()),
            _ => None,
        };
        Self {
            verb: p.action.verb(),
            target,
            tier: policy.tier(&p.action),
            rationale: p.rationale.clone(),
            patch,
            command: p.action.manual_command(),
            gitops_managed: p.gitops_managed,
            action: Some(p.action.clone()),
        }
    }
}

/// Orders findings (severity, then object) and resolves `cause` links to the deepest root.
/// A finding whose cause has no finding of its own stays a root cause: we never hide a
/// problem behind an object we could not judge.
pub fn link(mut findings: Vec<Finding>, policy: &Policy) -> Vec<LinkedFinding> {
    findings.sort_by(|a, b| {
        b.severity
            .rank()
            .cmp(&a.severity.rank())
            .then_with(|| {
                let key = |o: &ObjRef| (o.kind.clone(), o.namespace.clone(), o.name.clone());
                key(&a.object).cmp(&key(&b.object))
            })
            .then_with(|| a.object.api_version.cmp(&b.object.api_version))
            .then_with(|| a.id.cmp(&b.id))
    });
    findings.dedup_by(|a, b| a.id == b.id && a.object == b.object);
    // When an object has several findings, a cause points at the one that has no cause of its
    // own (the object's own failure), not at a symptom that happens to sit on the same object.
    let index_of = |r: &ObjRef, skip: usize| {
        let on = |i: &usize, f: &Finding| *i != skip && f.object.same_object(r);
        findings
            .iter()
            .enumerate()
            .find(|(i, f)| on(i, f) && f.cause.is_none())
            .or_else(|| findings.iter().enumerate().find(|(i, f)| on(i, f)))
            .map(|(i, _)| i)
    };
    // Follow each chain to its end, guarding against cycles.
    let mut root_of: Vec<Option<usize>> = vec![None; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        let mut cur = f.cause.as_ref().and_then(|c| index_of(c, i));
        let mut seen = vec![i];
        let mut root = None;
        while let Some(j) = cur {
            if seen.contains(&j) {
                root = None; // a cycle has no deeper cause: report this one as a root
                break;
            }
            seen.push(j);
            root = Some(j);
            cur = findings[j].cause.as_ref().and_then(|c| index_of(c, j));
        }
        root_of[i] = root;
    }
    findings
        .iter()
        .zip(root_of)
        .map(|(f, root)| LinkedFinding {
            id: f.id.clone(),
            severity: f.severity,
            object: f.object.clone(),
            title: f.title.clone(),
            evidence: f.evidence.clone(),
            root_cause: root.is_none(),
            caused_by: root,
            actions: f
                .proposals
                .iter()
                .map(|p| ActionView::from_proposal(p, policy))
                .collect(),
            recipe: f.recipe,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: &str, name: &str) -> ObjRef {
        ObjRef::new("v1", kind, Some("ns"), name)
    }

    #[test]
    fn chains_resolve_to_the_deepest_root() {
        let fs = vec![
            Finding::new("t", "a", Severity::Error, r("Kustomization", "apps"), "ks")
                .caused_by(r("Kustomization", "infra")),
            Finding::new(
                "t",
                "b",
                Severity::Error,
                r("Kustomization", "infra"),
                "ks2",
            )
            .caused_by(r("GitRepository", "repo")),
            Finding::new(
                "t",
                "c",
                Severity::Critical,
                r("GitRepository", "repo"),
                "git",
            ),
        ];
        let linked = link(fs, &Policy::default());
        assert_eq!(linked[0].object.name, "repo");
        assert!(linked[0].root_cause);
        assert!(
            linked[1..]
                .iter()
                .all(|f| f.caused_by == Some(0) && !f.root_cause)
        );
    }

    #[test]
    fn a_cause_points_at_the_objects_own_failure_not_its_symptom() {
        // The StatefulSet has a symptom (pods wait for the claim) and its own failure (the
        // claim template names a missing StorageClass); the claim folds under the latter.
        let fs = vec![
            Finding::new(
                "t",
                "pod",
                Severity::Error,
                r("StatefulSet", "db"),
                "pods pending",
            )
            .caused_by(r("PersistentVolumeClaim", "data-db-0")),
            Finding::new(
                "t",
                "pvc",
                Severity::Error,
                r("PersistentVolumeClaim", "data-db-0"),
                "x",
            )
            .caused_by(r("StatefulSet", "db")),
            Finding::new(
                "t",
                "sc",
                Severity::Error,
                r("StatefulSet", "db"),
                "class missing",
            ),
        ];
        let linked = link(fs, &Policy::default());
        let root = linked.iter().position(|f| f.id == "sc").unwrap();
        assert!(linked[root].root_cause);
        for f in linked.iter().filter(|f| f.id != "sc") {
            assert_eq!(f.caused_by, Some(root), "{}", f.id);
        }
    }

    #[test]
    fn unknown_cause_stays_root_and_cycles_terminate() {
        let fs = vec![
            Finding::new("t", "a", Severity::Error, r("X", "a"), "a").caused_by(r("X", "b")),
            Finding::new("t", "b", Severity::Error, r("X", "b"), "b").caused_by(r("X", "a")),
            Finding::new("t", "c", Severity::Error, r("X", "c"), "c").caused_by(r("X", "zzz")),
        ];
        let linked = link(fs, &Policy::default());
        assert!(linked.iter().all(|f| f.root_cause));
    }
}
