//! The autonomy gate: which tier an action falls in, and what to do about it.
//!
//! Three tiers from the team's agent design: safe actions run, confirm-tier actions ask, and
//! forbidden actions are refused — always. The built-in forbidden set is a floor: a config file
//! can raise a verb's tier but never lower a forbidden one, and no flag (`--yes` included)
//! turns a refusal into a run. Pure logic; the CLI supplies the TTY fact and the flags.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::action::Action;

/// How much autonomy an action gets. Ordered: `Safe < Confirm < Forbidden`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Safe,
    Confirm,
    Forbidden,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Safe => "safe",
            Tier::Confirm => "confirm",
            Tier::Forbidden => "forbidden",
        }
    }
}

/// The kinds a change action would write: its target, or for `apply` the manifest's kind and,
/// for a `List`, every item's kind.
pub fn changed_kinds(action: &Action) -> Vec<&str> {
    match action {
        Action::Apply { manifest } => {
            let mut kinds: Vec<&str> = manifest
                .get("kind")
                .and_then(|k| k.as_str())
                .into_iter()
                .collect();
            for item in manifest
                .get("items")
                .and_then(|i| i.as_array())
                .into_iter()
                .flatten()
            {
                kinds.extend(item.get("kind").and_then(|k| k.as_str()));
            }
            kinds
        }
        a => a
            .target()
            .map(|t| vec![t.kind.as_str()])
            .unwrap_or_default(),
    }
}

/// The built-in tier of an action: the floor every policy starts from.
///
/// Any change to a Node, whatever the verb (apply, patch, reconcile, finalizers…), is
/// forbidden: it moves or strands the node's workloads. So is deleting a Namespace or CRD, or
/// removing their finalizers (which completes a pending deletion).
pub fn builtin_tier(action: &Action) -> Tier {
    if action.is_read() {
        return Tier::Safe;
    }
    let kinds = changed_kinds(action);
    if kinds.iter().any(|k| k.eq_ignore_ascii_case("Node")) {
        return Tier::Forbidden;
    }
    let destroys_scope = kinds.iter().any(|k| {
        k.eq_ignore_ascii_case("Namespace") || k.eq_ignore_ascii_case("CustomResourceDefinition")
    });
    match action {
        Action::Get { .. }
        | Action::Describe { .. }
        | Action::Logs { .. }
        | Action::List { .. }
        | Action::Top { .. }
        | Action::Diff { .. } => Tier::Safe,
        Action::Delete { .. } | Action::RemoveFinalizers { .. } if destroys_scope => {
            Tier::Forbidden
        }
        Action::Patch { .. }
        | Action::Scale { .. }
        | Action::RolloutRestart { .. }
        | Action::RolloutUndo { .. }
        | Action::ArgoRollback { .. }
        | Action::Apply { .. }
        | Action::Delete { .. }
        | Action::Reconcile { .. }
        | Action::Suspend { .. }
        | Action::Resume { .. }
        | Action::ArgoSync { .. }
        | Action::ArgoRefresh { .. }
        | Action::ArgoTerminateOp { .. }
        | Action::RemoveFinalizers { .. } => Tier::Confirm,
        Action::Drain { .. }
        | Action::Cordon { .. }
        | Action::Uncordon { .. }
        | Action::DeleteNode { .. }
        | Action::LabelNode { .. }
        | Action::TaintNode { .. }
        | Action::Reset { .. } => Tier::Forbidden,
    }
}

/// The `autonomy` block of the team's `settings.json` (and of our config file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutonomyConfig {
    #[serde(default)]
    pub safe_actions: Vec<String>,
    #[serde(default)]
    pub confirm_actions: Vec<String>,
    #[serde(default)]
    pub forbidden_actions: Vec<String>,
}

/// Per-workflow overrides (`autonomy.auto_approve` / `always_confirm` in a workflow file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowAutonomy {
    #[serde(default)]
    pub auto_approve: Vec<String>,
    #[serde(default)]
    pub always_confirm: Vec<String>,
}

/// Normalises a configured action name to our verb spelling: `delete node`, `delete_node`
/// and `delete-node` are the same verb; `rollout` names every `rollout-*` verb;
/// `restart_pod`/`restart-pod` name `rollout-restart` and `delete` of a Pod.
fn verb_matches(configured: &str, action: &Action) -> bool {
    let c: String = configured
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|ch| if ch == ' ' || ch == '_' { '-' } else { ch })
        .collect();
    let verb = action.verb();
    if c == verb {
        return true;
    }
    match c.as_str() {
        "rollout" => verb.starts_with("rollout-"),
        "restart-pod" | "restart" => {
            verb == "rollout-restart"
                || (verb == "delete" && action.target().is_some_and(|t| t.kind == "Pod"))
        }
        "scale-replicas" => verb == "scale",
        "edit" => verb == "patch",
        "sync" => verb == "argo-sync",
        "rollback" => verb == "rollout-undo" || verb == "argo-rollback",
        "update-resources" => verb == "patch",
        _ => {
            // `delete-pvc`, `delete-pod`: delete restricted to a kind.
            if let Some(kind) = c.strip_prefix("delete-") {
                let kind = if kind == "pvc" {
                    "persistentvolumeclaim"
                } else {
                    kind
                };
                verb == "delete"
                    && action
                        .target()
                        .is_some_and(|t| t.kind.eq_ignore_ascii_case(kind))
            } else {
                false
            }
        }
    }
}

/// An effective policy: built-in floor, then config, then per-workflow overrides.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub config: AutonomyConfig,
    pub workflow: Option<WorkflowAutonomy>,
}

impl Policy {
    pub fn new(config: AutonomyConfig) -> Self {
        Self {
            config,
            workflow: None,
        }
    }

    pub fn with_workflow(mut self, wf: WorkflowAutonomy) -> Self {
        self.workflow = Some(wf);
        self
    }

    /// The tier the action gets under this policy, and where that came from.
    pub fn tier(&self, action: &Action) -> Tier {
        let floor = builtin_tier(action);
        if floor == Tier::Forbidden {
            return Tier::Forbidden; // the floor: nothing lowers it
        }
        let listed = |names: &[String]| names.iter().any(|n| verb_matches(n, action));
        let mut tier = floor;
        if listed(&self.config.forbidden_actions) {
            tier = Tier::Forbidden;
        } else if listed(&self.config.confirm_actions) {
            tier = tier.max(Tier::Confirm);
        }
        // Config may not *lower* a built-in confirm to safe: a "safe" listing only confirms
        // what is already safe. That keeps a typo in safe_actions from auto-running deletes.
        if let Some(wf) = &self.workflow {
            if tier == Tier::Confirm && listed(&wf.auto_approve) && !listed(&wf.always_confirm) {
                return Tier::Safe;
            }
            if tier == Tier::Safe && listed(&wf.always_confirm) {
                return Tier::Confirm;
            }
        }
        tier
    }

    /// The tier of every known verb on a sample target; used by `config view`.
    pub fn table(&self) -> BTreeMap<&'static str, Tier> {
        crate::action::VERBS
            .iter()
            .filter_map(|v| sample_action(v).map(|a| (*v, self.tier(&a))))
            .collect()
    }
}

/// Configured names that match no verb (typos such as `restart_podz`): they would silently
/// do nothing, so `config view` and `workflow validate` report them.
pub fn unknown_names<'a>(names: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let samples: Vec<Action> = crate::action::VERBS
        .iter()
        .filter_map(|v| sample_action(v))
        .collect();
    names
        .into_iter()
        .filter(|n| {
            let norm = n.trim().to_ascii_lowercase().replace(['_', ' '], "-");
            !norm.starts_with("delete-") && !samples.iter().any(|a| verb_matches(n, a))
        })
        .cloned()
        .collect()
}

fn sample_action(verb: &str) -> Option<Action> {
    let t = crate::cluster::ObjRef::new("apps/v1", "Deployment", Some("default"), "x");
    let n = crate::cluster::ObjRef::new("v1", "Node", None, "x");
    let v = serde_json::json!({"verb": verb, "target": if verb.ends_with("node") || matches!(verb, "drain"|"cordon"|"uncordon") { serde_json::to_value(&n).ok()? } else { serde_json::to_value(&t).ok()? },
        "patch_type": "merge", "patch": {}, "replicas": 1, "history_id": 1, "manifest": {}, "kind": "Pod", "label": "a=b", "taint": "a=b:NoSchedule"});
    serde_json::from_value(v).ok()
}

/// The caller's situation: flags and whether a human can be asked.
#[derive(Debug, Clone, Copy, Default)]
pub struct GateInput {
    pub yes: bool,
    pub dry_run: bool,
    pub read_only: bool,
    pub suggest_only: bool,
    pub interactive: bool,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    Forbidden,
    NoTty,
    ReadOnly,
}

/// What the gate decided. `Ask` is resolved by the caller into run or declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Run without asking; `approval` says why it needed none.
    Run {
        approval: Approval,
    },
    /// Ask a human first.
    Ask,
    /// Show what would happen, change nothing.
    DryRun,
    /// Print the change for Git; change nothing.
    Suggest,
    Refuse(Refusal),
}

/// The approval field of the audit record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Approval {
    Auto,
    UserConfirmed,
    FlagYes,
    Declined,
    RefusedForbidden,
    RefusedNoTty,
    RefusedReadOnly,
    DryRun,
    SuggestOnly,
}

/// Decides what happens to an action of a given tier. Forbidden is checked first and nothing
/// after it can undo that.
pub fn decide(tier: Tier, input: GateInput) -> Decision {
    if tier == Tier::Forbidden {
        return Decision::Refuse(Refusal::Forbidden);
    }
    if input.read_only && tier != Tier::Safe {
        return Decision::Refuse(Refusal::ReadOnly);
    }
    if input.suggest_only && tier != Tier::Safe {
        return Decision::Suggest;
    }
    if input.dry_run {
        return Decision::DryRun;
    }
    match tier {
        Tier::Safe => Decision::Run {
            approval: Approval::Auto,
        },
        Tier::Confirm if input.interactive && !input.yes => Decision::Ask,
        Tier::Confirm if input.yes => Decision::Run {
            approval: Approval::FlagYes,
        },
        Tier::Confirm => Decision::Refuse(Refusal::NoTty),
        Tier::Forbidden => Decision::Refuse(Refusal::Forbidden),
    }
}

/// One sentence on why a forbidden verb is forbidden, for the refusal message.
pub fn forbidden_reason(action: &Action) -> &'static str {
    match action {
        Action::Drain { .. } | Action::Cordon { .. } | Action::Uncordon { .. } => {
            "node scheduling changes move or strand every workload on the node; a human must decide"
        }
        Action::DeleteNode { .. } | Action::Delete { .. } => {
            "deleting a node, namespace or CRD destroys everything under it and cannot be undone"
        }
        Action::LabelNode { .. } | Action::TaintNode { .. } | Action::Patch { .. } => {
            "node label and taint changes reschedule workloads cluster-wide; a human must decide"
        }
        Action::Reset { .. } => "a reset wipes state and cannot be undone",
        _ => "this action is forbidden by the autonomy policy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ObjRef;
    use proptest::prelude::*;

    fn dep() -> ObjRef {
        ObjRef::new("apps/v1", "Deployment", Some("a"), "web")
    }
    fn node() -> ObjRef {
        ObjRef::new("v1", "Node", None, "pi5-a")
    }

    #[test]
    fn builtin_tiers() {
        assert_eq!(builtin_tier(&Action::Get { target: dep() }), Tier::Safe);
        assert_eq!(
            builtin_tier(&Action::Scale {
                target: dep(),
                replicas: 2
            }),
            Tier::Confirm
        );
        assert_eq!(
            builtin_tier(&Action::Drain { target: node() }),
            Tier::Forbidden
        );
        assert_eq!(
            builtin_tier(&Action::Delete { target: node() }),
            Tier::Forbidden
        );
    }

    #[test]
    fn config_cannot_lower_forbidden_or_confirm() {
        let p = Policy::new(AutonomyConfig {
            safe_actions: vec!["drain".into(), "delete".into(), "cordon".into()],
            confirm_actions: vec!["delete node".into()],
            forbidden_actions: vec![],
        });
        assert_eq!(p.tier(&Action::Drain { target: node() }), Tier::Forbidden);
        assert_eq!(
            p.tier(&Action::DeleteNode { target: node() }),
            Tier::Forbidden
        );
        assert_eq!(p.tier(&Action::Delete { target: dep() }), Tier::Confirm);
    }

    #[test]
    fn config_can_raise() {
        let p = Policy::new(AutonomyConfig {
            forbidden_actions: vec!["scale".into()],
            confirm_actions: vec!["logs".into()],
            ..Default::default()
        });
        assert_eq!(
            p.tier(&Action::Scale {
                target: dep(),
                replicas: 1
            }),
            Tier::Forbidden
        );
        let logs = Action::Logs {
            target: dep(),
            container: None,
            previous: None,
        };
        assert_eq!(p.tier(&logs), Tier::Confirm);
    }

    #[test]
    fn workflow_overrides() {
        let p = Policy::default().with_workflow(WorkflowAutonomy {
            auto_approve: vec!["restart_pod".into(), "drain".into()],
            always_confirm: vec!["logs".into()],
        });
        assert_eq!(
            p.tier(&Action::RolloutRestart { target: dep() }),
            Tier::Safe
        );
        assert_eq!(p.tier(&Action::Drain { target: node() }), Tier::Forbidden);
        let logs = Action::Logs {
            target: dep(),
            container: None,
            previous: None,
        };
        assert_eq!(p.tier(&logs), Tier::Confirm);
    }

    #[test]
    fn unknown_names_are_reported() {
        let names: Vec<String> = [
            "scale",
            "restart_pod",
            "delete node",
            "delete_pvc",
            "rollout",
            "restart_podz",
            "bogusverb",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(unknown_names(&names), vec!["restart_podz", "bogusverb"]);
    }

    #[test]
    fn decisions() {
        let i = GateInput::default();
        assert_eq!(decide(Tier::Confirm, i), Decision::Refuse(Refusal::NoTty));
        assert_eq!(
            decide(
                Tier::Confirm,
                GateInput {
                    interactive: true,
                    ..i
                }
            ),
            Decision::Ask
        );
        assert_eq!(
            decide(Tier::Confirm, GateInput { yes: true, ..i }),
            Decision::Run {
                approval: Approval::FlagYes
            }
        );
        assert_eq!(
            decide(
                Tier::Forbidden,
                GateInput {
                    yes: true,
                    interactive: true,
                    ..i
                }
            ),
            Decision::Refuse(Refusal::Forbidden)
        );
        assert_eq!(
            decide(Tier::Confirm, GateInput { dry_run: true, ..i }),
            Decision::DryRun
        );
        assert_eq!(
            decide(
                Tier::Confirm,
                GateInput {
                    read_only: true,
                    yes: true,
                    ..i
                }
            ),
            Decision::Refuse(Refusal::ReadOnly)
        );
    }

    fn any_flags() -> impl Strategy<Value = GateInput> {
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(
                |(yes, dry_run, read_only, suggest_only, interactive)| GateInput {
                    yes,
                    dry_run,
                    read_only,
                    suggest_only,
                    interactive,
                },
            )
    }

    fn any_config() -> impl Strategy<Value = AutonomyConfig> {
        let names = prop::sample::subsequence(crate::action::VERBS.to_vec(), 0..8);
        (names.clone(), names.clone(), names).prop_map(|(s, c, f)| AutonomyConfig {
            safe_actions: s.into_iter().map(String::from).collect(),
            confirm_actions: c.into_iter().map(String::from).collect(),
            forbidden_actions: f.into_iter().map(String::from).collect(),
        })
    }

    proptest! {
        /// No forbidden action is ever decided as runnable, whatever config and flags say.
        #[test]
        fn forbidden_never_runs(verb in prop::sample::select(crate::action::VERBS.to_vec()),
                                cfg in any_config(), flags in any_flags()) {
            if let Some(a) = sample_action(verb) {
                let p = Policy::new(cfg);
                if builtin_tier(&a) == Tier::Forbidden {
                    let d = decide(p.tier(&a), flags);
                    prop_assert_eq!(d, Decision::Refuse(Refusal::Forbidden));
                }
            }
        }
    }
}
