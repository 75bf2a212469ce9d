//! The gate runner: every action `act`, `fix` and workflows take goes through here.
//!
//! For one proposed action: policy tier → [`decide`] → (ask a human when the tier says so) →
//! decision record in the audit log, flushed → execute → outcome record. The order is the
//! safety argument:
//!
//! - a forbidden action is refused before anything else happens, whatever the flags, and the
//!   executor is never called with one (checked again against the built-in floor right before
//!   execution, in case a policy implementation ever gets it wrong);
//! - nothing runs unless its decision record is on disk;
//! - every attempt — refusals, declines, dry runs and suggestions included — leaves a
//!   decision/outcome pair.
//!
//! The executor and the human are traits, so the CLI plugs in a live cluster and a terminal,
//! and tests plug in fakes (one that panics on forbidden actions). Nothing here prints.

use serde_json::Value;

use crate::action::Action;
use crate::audit::{AuditLog, Outcome};
use crate::autonomy::{Approval, Decision, GateInput, Policy, Refusal, Tier, builtin_tier, decide};
use crate::cluster::{self, ObjRef};

/// Where actions run. `execute` is only ever called with a non-forbidden action.
#[expect(
    async_fn_in_trait,
    reason = "used generically on one thread; no Send bound needed"
)]
pub trait Executor {
    /// The kube context (or `snapshot:<dir>`) for the audit log.
    fn context(&self) -> String;
    /// Reads the object an action is about, for the preview; `None` when it does not exist.
    async fn read(&self, r: &ObjRef) -> Result<Option<Value>, cluster::Error>;
    /// What `apply` would make of a manifest (server-side dry run); `None` when unavailable.
    async fn apply_preview(&self, manifest: &Value) -> Result<Option<Value>, cluster::Error>;
    /// Makes the change; returns what the server returned.
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error>;
}

/// The human on the other side of a confirm prompt.
pub trait Interaction {
    /// Shows the proposal and its change and asks; `Ok(true)` approves.
    fn confirm(&self, ask: &Ask<'_>) -> std::io::Result<bool>;
}

/// An action someone wants to run, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposed {
    pub action: Action,
    /// `user`, `llm`, `recipe:<id>`, `workflow:<name>`.
    pub origin: String,
    pub rationale: Option<String>,
    /// The object is managed by GitOps: the durable fix belongs in Git.
    pub gitops_managed: bool,
    /// Ask even when the policy says safe (a workflow step with `confirm: true`). Never lowers.
    pub force_confirm: bool,
    /// What was asked for when `action` is its translation (a `rollout-undo` sent as the
    /// patch kubectl would send): the tier is the stricter of the two, so a policy about the
    /// requested verb still holds.
    pub requested: Option<Action>,
}

impl Proposed {
    pub fn new(action: Action, origin: impl Into<String>) -> Self {
        Self {
            action,
            origin: origin.into(),
            rationale: None,
            gitops_managed: false,
            force_confirm: false,
            requested: None,
        }
    }
}

/// What the action would change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preview {
    /// A unified diff of the object before → after (Secret values masked); empty when none.
    pub diff: String,
    /// Said instead of (or besides) a diff: deletes, reads, objects not found…
    pub note: Option<String>,
}

/// What the prompt shows.
#[derive(Debug)]
pub struct Ask<'a> {
    pub proposed: &'a Proposed,
    pub tier: Tier,
    pub preview: &'a Preview,
}

/// The result of one attempt.
#[derive(Debug)]
pub struct Attempt {
    pub id: String,
    pub tier: Tier,
    pub approval: Approval,
    pub outcome: Outcome,
    pub refusal: Option<Refusal>,
    /// Shown for dry runs and prompts.
    pub preview: Option<Preview>,
    /// What the executor returned (reads print it).
    pub result: Option<Value>,
    pub error: Option<cluster::Error>,
}

impl Attempt {
    /// True when the action was executed successfully.
    pub fn ran(&self) -> bool {
        self.outcome == Outcome::Ok
    }
}

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
}

impl From<Error> for crate::error::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Audit(a) => a.into(),
            Error::Cluster(c) => c.into(),
        }
    }
}

impl Gate<'_> {
    /// When the outcome happened: the run's clock plus the time the attempt took (whole
    /// seconds under a fixed test clock stay stable; real runs get the real duration).
    fn outcome_time(&self, started: std::time::Instant) -> jiff::Timestamp {
        let took = jiff::SignedDuration::try_from(started.elapsed()).unwrap_or_default();
        self.now.checked_add(took).unwrap_or(self.now)
    }

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
            .any(|a| builtin_tier(a) == Tier::Forbidden)
        {
            tier = Tier::Forbidden;
        }
        tier
    }

    /// Runs one proposal through the gate. `Err` only when the run must stop (the audit log
    /// cannot be written, or the preview read failed); a failed action is `Ok` with
    /// `outcome: error`.
    pub async fn run<E: Executor, I: Interaction + ?Sized>(
        &self,
        p: &Proposed,
        exec: &E,
        human: &I,
    ) -> Result<Attempt, Error> {
        let started = std::time::Instant::now();
        let tier = self.tier(p);
        let mut preview = None;
        let mut refusal = None;
        let (approval, execute) = match decide(tier, self.input) {
            Decision::Refuse(r) => {
                refusal = Some(r);
                (
                    match r {
                        Refusal::Forbidden => Approval::RefusedForbidden,
                        Refusal::NoTty => Approval::RefusedNoTty,
                        Refusal::ReadOnly => Approval::RefusedReadOnly,
                    },
                    false,
                )
            }
            Decision::DryRun => {
                // An apply dry-run is the server's verdict on the manifest: a rejection (422, a
                // webhook, RBAC) must fail the run, not become a note (CI relies on it).
                preview = Some(if matches!(p.action, Action::Apply { .. }) {
                    self.preview(&p.action, exec).await?
                } else {
                    self.preview_or_note(&p.action, exec).await?
                });
                (Approval::DryRun, false)
            }
            Decision::Suggest => (Approval::SuggestOnly, false),
            Decision::Run { approval } => (approval, true),
            Decision::Ask => {
                let pv = self.preview_or_note(&p.action, exec).await?;
                let ask = Ask {
                    proposed: p,
                    tier,
                    preview: &pv,
                };
                // A prompt that cannot be answered (terminal gone) is a "no": fail closed.
                let yes = human.confirm(&ask).unwrap_or(false);
                preview = Some(pv);
                if yes {
                    (Approval::UserConfirmed, true)
                } else {
                    (Approval::Declined, false)
                }
            }
        };
        // Belt and braces: whatever decided above, a forbidden action never executes.
        let execute = execute && tier != Tier::Forbidden;

        let id = self.audit.new_id(&p.action);
        let mut rec = self
            .audit
            .record(&id, self.now, &p.origin, &p.action, tier, approval);
        rec.rationale = p.rationale.clone();
        // The decision is on disk before anything is sent; if it cannot be, nothing is.
        self.audit.write(&rec, self.now)?;

        let mut attempt = Attempt {
            id,
            tier,
            approval,
            outcome: Outcome::Skipped,
            refusal,
            preview,
            result: None,
            error: None,
        };
        if execute {
            match exec.execute(&p.action).await {
                Ok(v) => {
                    attempt.outcome = Outcome::Ok;
                    attempt.result = Some(v);
                }
                Err(e) => {
                    attempt.outcome = Outcome::Error;
                    attempt.error = Some(e);
                }
            }
        }
        let error = attempt.error.as_ref().map(ToString::to_string);
        self.audit.write(
            &rec.outcome_of(self.outcome_time(started), attempt.outcome, error),
            self.now,
        )?;
        Ok(attempt)
    }

    /// Computes the before → after diff of an action without changing anything.
    /// The preview, or a note saying why there is none: only a cluster that stopped
    /// answering (or rejected us) stops the run; a kind that is not served or a Forbidden read
    /// must not, and the attempt is still audited.
    async fn preview_or_note<E: Executor>(
        &self,
        action: &Action,
        exec: &E,
    ) -> Result<Preview, Error> {
        match self.preview(action, exec).await {
            Ok(p) => Ok(p),
            Err(e @ (cluster::Error::Unreachable { .. } | cluster::Error::Unauthorized { .. })) => {
                Err(Error::Cluster(e))
            }
            Err(e) => Ok(Preview {
                diff: String::new(),
                note: Some(format!("no preview: {e}")),
            }),
        }
    }

    pub async fn preview<E: Executor>(
        &self,
        action: &Action,
        exec: &E,
    ) -> Result<Preview, cluster::Error> {
        if let Action::Apply { manifest } = action {
            let o = cluster::Obj(manifest);
            let r = o.obj_ref();
            let before = exec.read(&r).await?;
            return Ok(match exec.apply_preview(manifest).await? {
                Some(after) => Preview {
                    note: before.is_none().then(|| format!("creates {}", r.display())),
                    diff: crate::diff::diff_server_side(r, before.as_ref(), &after).diff,
                },
                None => Preview {
                    diff: crate::diff::diff_pair(r, manifest, before.as_ref()).diff,
                    note: Some("client-side preview (no server to dry-run against)".into()),
                },
            });
        }
        let Some(target) = action.target() else {
            return Ok(Preview {
                diff: String::new(),
                note: Some(crate::change::describe(action)),
            });
        };
        if action.is_read() || matches!(action, Action::Delete { .. }) {
            return Ok(Preview {
                diff: String::new(),
                note: Some(crate::change::describe(action)),
            });
        }
        let Some(before) = exec.read(target).await? else {
            return Ok(Preview {
                diff: String::new(),
                note: Some(format!(
                    "{} was not found; the action will fail",
                    target.display()
                )),
            });
        };
        match crate::change::after(action, &before, &self.now.to_string()) {
            Ok(Some(after)) => {
                let d = crate::diff::diff_server_side(target.clone(), Some(&before), &after);
                let mut note = None;
                if d.diff.is_empty() {
                    note = Some("no change to the object's spec or metadata".into());
                }
                if matches!(
                    action,
                    Action::Reconcile {
                        with_source: true,
                        ..
                    }
                ) {
                    note = Some(crate::change::describe(action));
                }
                Ok(Preview { diff: d.diff, note })
            }
            Ok(None) => Ok(Preview {
                diff: String::new(),
                note: Some(crate::change::describe(action)),
            }),
            Err(e) => Ok(Preview {
                diff: String::new(),
                note: Some(match e {
                    crate::change::Error::Directives(_) => e.to_string(),
                    crate::change::Error::JsonPatch(_) => {
                        format!("cannot preview: {e}; the server will reject it too")
                    }
                }),
            }),
        }
    }
}

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

/// A snapshot as an executor: previews read the snapshot, nothing can be executed.
pub struct SnapshotExecutor<'a> {
    pub inventory: &'a cluster::Inventory,
    pub label: String,
}

impl Executor for SnapshotExecutor<'_> {
    fn context(&self) -> String {
        self.label.clone()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{PatchType, VERBS};
    use crate::autonomy::AutonomyConfig;
    use proptest::prelude::*;
    use serde_json::json;
    use std::cell::RefCell;

    /// Records executions; panics if it ever sees a forbidden action.
    #[derive(Default)]
    struct Tripwire {
        ran: RefCell<Vec<Action>>,
    }

    impl Executor for Tripwire {
        fn context(&self) -> String {
            "test".into()
        }
        async fn read(&self, _r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
            Ok(Some(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "x", "namespace": "default"}, "spec": {"replicas": 1}})))
        }
        async fn apply_preview(&self, m: &Value) -> Result<Option<Value>, cluster::Error> {
            Ok(Some(m.clone()))
        }
        async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
            assert!(
                !independently_forbidden(action),
                "forbidden action reached the executor: {action:?}"
            );
            self.ran.borrow_mut().push(action.clone());
            Ok(Value::Null)
        }
    }

    /// The forbidden set written out by hand, not through `builtin_tier`, so the tripwire is
    /// an independent oracle: node verbs, any write to a Node (apply of a Node or of a List
    /// holding one included), deleting a Namespace or CRD or stripping its finalizers.
    fn independently_forbidden(a: &Action) -> bool {
        let v = serde_json::to_value(a).unwrap();
        let verb = v["verb"].as_str().unwrap_or("");
        if matches!(
            verb,
            "drain" | "cordon" | "uncordon" | "delete-node" | "label-node" | "taint-node" | "reset"
        ) {
            return true;
        }
        if matches!(verb, "get" | "describe" | "logs" | "list" | "top" | "diff") {
            return false;
        }
        let mut kinds = vec![v["target"]["kind"].as_str().unwrap_or("").to_string()];
        kinds.push(v["manifest"]["kind"].as_str().unwrap_or("").to_string());
        for i in v["manifest"]["items"].as_array().into_iter().flatten() {
            kinds.push(i["kind"].as_str().unwrap_or("").to_string());
        }
        kinds.iter().any(|k| k == "Node")
            || (matches!(verb, "delete" | "remove-finalizers")
                && kinds
                    .iter()
                    .any(|k| k == "Namespace" || k == "CustomResourceDefinition"))
    }

    /// Says yes to everything.
    struct Yes;
    impl Interaction for Yes {
        fn confirm(&self, _: &Ask<'_>) -> std::io::Result<bool> {
            Ok(true)
        }
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    fn any_target() -> impl Strategy<Value = ObjRef> {
        (
            prop::sample::select(vec![
                ("apps/v1", "Deployment", true),
                ("v1", "Node", false),
                ("v1", "Namespace", false),
                ("v1", "Pod", true),
                ("apiextensions.k8s.io/v1", "CustomResourceDefinition", false),
                ("kustomize.toolkit.fluxcd.io/v1", "Kustomization", true),
            ]),
            "[a-z]{1,8}",
        )
            .prop_map(|((av, k, ns), name)| ObjRef::new(av, k, ns.then_some("default"), &name))
    }

    /// Any action of any verb on any target, built through the serde tag like config and
    /// workflows build them.
    fn any_action() -> impl Strategy<Value = Action> {
        (
            prop::sample::select(VERBS.to_vec()),
            any_target(),
            any::<i32>(),
            any::<bool>(),
        )
            .prop_filter_map("verb needs other fields", |(verb, target, n, as_list)| {
                let obj = json!({"apiVersion": target.api_version, "kind": target.kind,
                    "metadata": {"name": target.name}});
                // apply of a List hides the kinds inside it.
                let manifest = if as_list {
                    json!({"apiVersion": "v1", "kind": "List", "items": [obj]})
                } else {
                    obj
                };
                let v = json!({"verb": verb, "target": target, "patch_type": "merge",
                    "patch": {"spec": {}}, "replicas": n, "history_id": 1,
                    "manifest": manifest,
                    "kind": target.kind, "label": "a=b", "taint": "a=b:NoSchedule"});
                serde_json::from_value::<Action>(v).ok()
            })
    }

    fn any_flags() -> impl Strategy<Value = GateInput> {
        any::<[bool; 5]>().prop_map(|[yes, dry_run, read_only, suggest_only, interactive]| {
            GateInput {
                yes,
                dry_run,
                read_only,
                suggest_only,
                interactive,
            }
        })
    }

    fn any_config() -> impl Strategy<Value = AutonomyConfig> {
        let names = prop::sample::subsequence(VERBS.to_vec(), 0..10);
        (names.clone(), names.clone(), names).prop_map(|(s, c, f)| AutonomyConfig {
            safe_actions: s.into_iter().map(String::from).collect(),
            confirm_actions: c.into_iter().map(String::from).collect(),
            forbidden_actions: f.into_iter().map(String::from).collect(),
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Whatever the action, config, workflow overrides and flags — and a human who says
        /// yes to everything — a forbidden action never reaches the executor, and every
        /// attempt leaves a decision and an outcome record.
        #[test]
        fn no_forbidden_action_reaches_the_executor(
            actions in prop::collection::vec(any_action(), 1..6),
            cfg in any_config(), flags in any_flags(), auto in prop::sample::subsequence(VERBS.to_vec(), 0..10),
        ) {
            let d = tempfile::tempdir().unwrap();
            let audit = AuditLog::new(d.path().join("a"), "test");
            let policy = Policy::new(cfg).with_workflow(crate::autonomy::WorkflowAutonomy {
                auto_approve: auto.into_iter().map(String::from).collect(),
                always_confirm: vec![],
            });
            let gate = Gate { policy: &policy, input: flags, audit: &audit,
                now: "2026-11-22T10:00:00Z".parse().unwrap() };
            let exec = Tripwire::default();
            let rt = rt();
            for a in &actions {
                let att = rt.block_on(gate.run(&Proposed::new(a.clone(), "llm"), &exec, &Yes)).unwrap();
                if independently_forbidden(a) {
                    prop_assert_eq!(att.approval, Approval::RefusedForbidden);
                    prop_assert_eq!(att.outcome, Outcome::Skipped);
                }
            }
            let recs = crate::audit::read(&d.path().join("a")).unwrap();
            prop_assert_eq!(recs.len(), actions.len() * 2);
        }
    }

    #[test]
    fn a_translated_action_is_judged_by_what_was_requested_too() {
        let d = tempfile::tempdir().unwrap();
        let audit = AuditLog::new(d.path().join("a"), "test");
        let policy = Policy::new(AutonomyConfig {
            forbidden_actions: vec!["rollout-undo".into()],
            ..Default::default()
        });
        let gate = Gate {
            policy: &policy,
            input: GateInput {
                yes: true,
                ..Default::default()
            },
            audit: &audit,
            now: "2026-11-22T10:00:00Z".parse().unwrap(),
        };
        let target = ObjRef::new("apps/v1", "Deployment", Some("a"), "web");
        let mut p = Proposed::new(
            Action::Patch {
                target: target.clone(),
                patch_type: PatchType::Json,
                patch: json!([]),
            },
            "user",
        );
        assert_eq!(gate.tier(&p), Tier::Confirm);
        p.requested = Some(Action::RolloutUndo {
            target,
            to_revision: None,
        });
        assert_eq!(gate.tier(&p), Tier::Forbidden);
        let exec = Tripwire::default();
        let att = rt().block_on(gate.run(&p, &exec, &Yes)).unwrap();
        assert_eq!(att.approval, Approval::RefusedForbidden);
        assert!(exec.ran.borrow().is_empty());
    }

    #[test]
    fn an_unwritable_audit_log_blocks_execution() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let audit = AuditLog::new(file.join("actions"), "test");
        let policy = Policy::default();
        let gate = Gate {
            policy: &policy,
            input: GateInput {
                yes: true,
                ..Default::default()
            },
            audit: &audit,
            now: "2026-11-22T10:00:00Z".parse().unwrap(),
        };
        let exec = Tripwire::default();
        let a = Action::Patch {
            target: ObjRef::new("apps/v1", "Deployment", Some("a"), "x"),
            patch_type: PatchType::Merge,
            patch: json!({}),
        };
        let r = rt().block_on(gate.run(&Proposed::new(a, "user"), &exec, &Yes));
        assert!(matches!(r, Err(Error::Audit(_))));
        assert!(exec.ran.borrow().is_empty());
    }
}
