//! The gate for one run ([`Gate`]: policy, flags, audit log, clock), its errors, and the
//! policy check: the tier of a proposal, floored by the built-in forbidden set and by any
//! apply that writes a Node.

use serde_json::Value;

use crate::action::Action;
use crate::audit::AuditLog;
use crate::autonomy::{GateInput, Policy, Tier, builtin_tier};
use crate::cluster;

use super::types::*;

/// The gate for one run: policy, flags, audit log and clock.
pub struct Gate<'a> {
    pub policy: &'a Policy,
    pub input: GateInput,
    pub audit: &'a AuditLog,
    pub now: jiff::Timestamp,
}

/// Failures that stop the run (as opposed to an action that failed, which is an outcome).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Audit(#[from] crate::audit::Error),
    /// Reading the object for a preview failed.
    #[error(transparent)]
    Cluster(#[from] cluster::Error),
    /// Something was executed but its outcome record could not be written: the change may be
    /// live, so this must never read as "not executed".
    #[error(
        "executed {} but its outcome could not be written to the audit log {}; the decision record (id {id}) is in {}",
        executed.join(", "), path.display(), decision.display()
    )]
    OutcomeNotRecorded {
        /// `verb target (ok|error)` of each step that was sent.
        executed: Vec<String>,
        id: String,
        path: std::path::PathBuf,
        decision: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// True when an apply writes a Node anywhere in its manifest: Lists nested at any depth, and
/// the items of a typed `NodeList`, which carry no `kind` of their own.
pub fn applies_a_node(a: &Action) -> bool {
    fn walk(v: &Value, inherited: Option<&str>, depth: usize) -> bool {
        // A manifest this deep is hostile; judge it forbidden rather than recurse further.
        if depth > 64 {
            return true;
        }
        let kind = v.get("kind").and_then(Value::as_str).or(inherited);
        if kind.is_some_and(|k| k.eq_ignore_ascii_case("Node")) {
            return true;
        }
        let Some(items) = v.get("items").and_then(Value::as_array) else {
            return false;
        };
        let item_kind = kind
            .and_then(|k| k.strip_suffix("List"))
            .filter(|k| !k.is_empty());
        items.iter().any(|i| walk(i, item_kind, depth + 1))
    }
    match a {
        Action::Apply { manifest } => walk(manifest, None, 0),
        _ => false,
    }
}

impl Gate<'_> {
    /// The tier of a proposal: policy, raised by `force_confirm`, floored by the built-in
    /// forbidden set.
    pub fn tier(&self, p: &Proposed) -> Tier {
        let mut tier = self.policy.tier(&p.action);
        if let Some(r) = &p.requested {
            tier = tier.max(self.policy.tier(r));
        }
        if p.force_confirm && tier == Tier::Safe {
            tier = Tier::Confirm;
        }
        let floor = std::iter::once(&p.action).chain(p.requested.as_ref());
        if floor
            .into_iter()
            .any(|a| builtin_tier(a) == Tier::Forbidden || applies_a_node(a))
        {
            tier = Tier::Forbidden;
        }
        tier
    }
}
