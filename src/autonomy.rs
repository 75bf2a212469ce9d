//! The autonomy gate: which tier an action falls in, and what to do about it.
//!
//! Three tiers from the team's agent design: safe actions run, confirm-tier actions ask, and
//! forbidden actions are refused — always. The built-in forbidden set is a floor: a config file
//! can raise a verb's tier but never lower a forbidden one, and no flag (`--yes` included)
//! turns a refusal into a run. Pure logic; the CLI supplies the TTY fact and the flags.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The tiers live beside the verb table, which gives each verb its minimum.
pub use crate::action::Tier;
use crate::action::{Action, Verb};

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
/// The verb table gives each verb its minimum. On top of it, any change to a Node, whatever
/// the verb (apply, patch, reconcile, finalizers…), is forbidden: it moves or strands the
/// node's workloads. So is deleting a Namespace or CRD, or removing their finalizers (which
/// completes a pending deletion).
pub fn builtin_tier(action: &Action) -> Tier {
    let verb = Verb::of(action);
    let floor = verb.spec().tier;
    if floor == Tier::Safe {
        return Tier::Safe; // reads, of Nodes too
    }
    let kinds = changed_kinds(action);
    if kinds.iter().any(|k| k.eq_ignore_ascii_case("Node")) {
        return Tier::Forbidden;
    }
    let destroys_scope = kinds.iter().any(|k| {
        k.eq_ignore_ascii_case("Namespace") || k.eq_ignore_ascii_case("CustomResourceDefinition")
    });
    if destroys_scope && matches!(verb, Verb::Delete | Verb::RemoveFinalizers) {
        return Tier::Forbidden;
    }
    floor
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
/// `restart_pod`/`restart-pod` name `rollout-restart`, `restart-pod` and `delete` of a Pod;
/// `delete-pod` names `delete` and `restart-pod` of a Pod.
fn verb_matches(configured: &str, action: &Action) -> bool {
    let c: String = configured
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|ch| if ch == ' ' || ch == '_' { '-' } else { ch })
        .collect();
    let verb = Verb::of(action);
    if c == verb.as_str() {
        return true;
    }
    // Aliases are configured text; what they name is typed.
    match c.as_str() {
        "rollout" => verb.as_str().starts_with("rollout-"),
        "restart-pod" | "restart" => {
            verb == Verb::RolloutRestart
                || verb == Verb::RestartPod
                || (verb == Verb::Delete && action.target().is_some_and(|t| t.kind == "Pod"))
        }
        "scale-replicas" => verb == Verb::Scale,
        "edit" | "update-resources" => verb == Verb::Patch,
        "sync" => verb == Verb::ArgoSync,
        "rollback" => matches!(verb, Verb::RolloutUndo | Verb::ArgoRollback),
        other => match other.strip_prefix("delete-") {
            // `delete-pvc`, `delete-pod`: delete restricted to a kind.
            Some(kind) => {
                let kind = if kind == "pvc" {
                    "persistentvolumeclaim"
                } else {
                    kind
                };
                // `restart-pod` deletes a Pod too: `delete-pod` names it.
                (verb == Verb::Delete || verb == Verb::RestartPod)
                    && action
                        .target()
                        .is_some_and(|t| t.kind.eq_ignore_ascii_case(kind))
            }
            None => false,
        },
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

    /// The tier of every verb on a sample target; used by `config view`.
    pub fn table(&self) -> BTreeMap<&'static str, Tier> {
        Verb::all()
            .iter()
            .map(|&v| (v.as_str(), self.tier(&sample_action(v))))
            .collect()
    }
}

/// Configured names that match no verb (typos such as `restart_podz`): they would silently
/// do nothing, so `config view` and `workflow validate` report them.
pub fn unknown_names<'a>(names: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    let samples: Vec<Action> = Verb::all().iter().map(|&v| sample_action(v)).collect();
    names
        .into_iter()
        .filter(|n| {
            let norm = n.trim().to_ascii_lowercase().replace(['_', ' '], "-");
            !norm.starts_with("delete-") && !samples.iter().any(|a| verb_matches(n, a))
        })
        .cloned()
        .collect()
}

/// Every verb on a sample target (see [`crate::action::sample`]): no verb is skipped.
pub fn sample_action(verb: Verb) -> Action {
    crate::action::sample(verb)
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
    /// An approved request whose object changed since it was shown: the plan no longer
    /// applies as the approver saw it (see `session::Session::execute_approved`).
    Stale,
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
    /// A person answered yes at a terminal prompt.
    UserConfirmed,
    FlagYes,
    /// A person answered yes through an MCP elicitation (the client asked its user).
    McpElicitation,
    /// A person approved a stored approval request; the action ran later.
    ApprovalRequest,
    Declined,
    /// Not run yet: queued as an approval request (the record's `request` names it).
    Deferred,
    RefusedForbidden,
    RefusedNoTty,
    RefusedReadOnly,
    /// An approved request refused because its object changed since it was shown.
    RefusedStale,
    DryRun,
    SuggestOnly,
    /// Not an action: a person started a workflow run (the record's `started_by`).
    Started,
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
    match Verb::of(action) {
        Verb::Drain | Verb::Cordon | Verb::Uncordon => {
            "node scheduling changes move or strand every workload on the node; a human must decide"
        }
        Verb::DeleteNode | Verb::Delete => {
            "deleting a node, namespace or CRD destroys everything under it and cannot be undone"
        }
        Verb::LabelNode | Verb::TaintNode | Verb::Patch => {
            "node label and taint changes reschedule workloads cluster-wide; a human must decide"
        }
        Verb::Reset => "a reset wipes state and cannot be undone",
        // Forbidden only by a policy (or by writing to a Node): the generic reason.
        Verb::Get
        | Verb::Describe
        | Verb::Logs
        | Verb::List
        | Verb::Top
        | Verb::Diff
        | Verb::Scale
        | Verb::RolloutRestart
        | Verb::RolloutUndo
        | Verb::ArgoRollback
        | Verb::Apply
        | Verb::Reconcile
        | Verb::Suspend
        | Verb::Resume
        | Verb::ArgoSync
        | Verb::ArgoRefresh
        | Verb::ArgoTerminateOp
        | Verb::RemoveFinalizers
        | Verb::RestartPod
        | Verb::Exec => "this action is forbidden by the autonomy policy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::ObjRef;
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
        let names = prop::sample::subsequence(Verb::all().to_vec(), 0..8);
        let strings = |vs: Vec<Verb>| vs.into_iter().map(|v| v.as_str().to_string()).collect();
        (names.clone(), names.clone(), names).prop_map(move |(s, c, f)| AutonomyConfig {
            safe_actions: strings(s),
            confirm_actions: strings(c),
            forbidden_actions: strings(f),
        })
    }

    proptest! {
        /// No forbidden action is ever decided as runnable, whatever config and flags say.
        #[test]
        fn forbidden_never_runs(verb in prop::sample::select(Verb::all().to_vec()),
                                cfg in any_config(), flags in any_flags()) {
            let a = sample_action(verb);
            let p = Policy::new(cfg);
            if builtin_tier(&a) == Tier::Forbidden {
                let d = decide(p.tier(&a), flags);
                prop_assert_eq!(d, Decision::Refuse(Refusal::Forbidden));
            }
        }
    }
}
