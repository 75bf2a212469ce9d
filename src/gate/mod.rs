//! The gate runner: every action `act`, `fix` and workflows take goes through here.
//!
//! For one proposed action: policy tier → [`decide`](crate::autonomy::decide) → (ask a human when the tier says so) →
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

mod execute;
mod policy;
mod run;
mod types;

pub use execute::Unconnected;
pub use policy::{Error, Gate, applies_a_node};
pub use types::{
    Answer, Ask, Attempt, BlockedBy, Discovered, Executor, Interaction, Origin, Preview, Proposed,
    Via,
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Action;
    use crate::action::{PatchType, Verb};
    use crate::audit::{AuditLog, Outcome};
    use crate::autonomy::AutonomyConfig;
    use crate::autonomy::{Approval, GateInput, Policy, Tier};
    use crate::cluster::{self, ObjRef};
    use proptest::prelude::*;
    use serde_json::Value;
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
        async fn confirm(&self, _: &Ask<'_>) -> std::io::Result<Answer> {
            Ok(Answer::Approved {
                via: Via::Terminal,
                by: None,
            })
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

    /// Every verb's name, from the verb table.
    fn verb_names() -> Vec<&'static str> {
        Verb::all().iter().map(|v| v.as_str()).collect()
    }

    /// Any action of any verb on any target, built by `action::build` like `act` and
    /// workflows build them; every verb of the table, none skipped.
    fn any_action() -> impl Strategy<Value = Action> {
        (
            prop::sample::select(Verb::all().to_vec()),
            any_target(),
            any::<i32>(),
            any::<bool>(),
        )
            .prop_map(|(verb, target, n, as_list)| {
                let obj = json!({"apiVersion": target.api_version, "kind": target.kind,
                    "metadata": {"name": target.name}});
                // apply of a List hides the kinds inside it.
                let manifest = if as_list {
                    json!({"apiVersion": "v1", "kind": "List", "items": [obj]})
                } else {
                    obj
                };
                let p = crate::action::Params {
                    replicas: Some(n.saturating_abs()),
                    patch_type: Some(PatchType::Merge),
                    patch: Some(json!({"spec": {}})),
                    history_id: Some(1),
                    manifest: Some(manifest),
                    label: Some("a=b".into()),
                    taint: Some("a=b:NoSchedule".into()),
                    command: Some(vec!["true".into()]),
                    ..Default::default()
                };
                // `delete` also as JSON from a model or recipe gives it: of a Node it stays
                // `Delete` (which `build` would have turned into `DeleteNode`).
                if verb == Verb::Delete && as_list {
                    return Action::Delete { target };
                }
                crate::action::build(verb, target, &p).expect("every verb builds from full params")
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
        let names = prop::sample::subsequence(verb_names(), 0..10);
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
            cfg in any_config(), flags in any_flags(), auto in prop::sample::subsequence(verb_names(), 0..10),
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
                let att = rt.block_on(gate.run(&Proposed::new(a.clone(), Origin::Llm), &exec, &Yes)).unwrap();
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
            Origin::User,
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
        let r = rt().block_on(gate.run(&Proposed::new(a, Origin::User), &exec, &Yes));
        assert!(matches!(r, Err(Error::Audit(_))));
        assert!(exec.ran.borrow().is_empty());
    }

    /// Runs steps in order, fails the one numbered `fail`, and calls `hook` after each run.
    struct Scripted<'a> {
        ran: RefCell<Vec<Action>>,
        fail: Option<usize>,
        hook: &'a dyn Fn(),
    }

    impl Executor for Scripted<'_> {
        fn context(&self) -> String {
            "test".into()
        }
        async fn read(&self, _r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
            Ok(None)
        }
        async fn apply_preview(&self, m: &Value) -> Result<Option<Value>, cluster::Error> {
            Ok(Some(m.clone()))
        }
        async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
            let n = self.ran.borrow().len();
            self.ran.borrow_mut().push(action.clone());
            (self.hook)();
            if self.fail == Some(n) {
                return Err(cluster::Error::NeedsLive {
                    what: "scripted failure".into(),
                });
            }
            Ok(Value::Null)
        }
    }

    fn yes_gate<'a>(policy: &'a Policy, audit: &'a AuditLog) -> Gate<'a> {
        Gate {
            policy,
            input: GateInput {
                yes: true,
                ..Default::default()
            },
            audit,
            now: "2026-11-22T10:00:00Z".parse().unwrap(),
        }
    }

    fn scale(name: &str) -> Proposed {
        Proposed::new(
            Action::Scale {
                target: ObjRef::new("apps/v1", "Deployment", Some("a"), name),
                replicas: 3,
            },
            Origin::User,
        )
    }

    #[test]
    fn an_outcome_that_cannot_be_recorded_says_the_action_ran() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("a");
        let audit = AuditLog::new(&dir, "test");
        let policy = Policy::default();
        let gate = yes_gate(&policy, &audit);
        // After the change is sent, the day's file becomes a directory: the outcome append
        // fails whoever runs the test (root included).
        let day = crate::jsonl::daily_file(&dir, gate.now);
        let sabotage = || {
            std::fs::remove_file(&day).unwrap();
            std::fs::create_dir(&day).unwrap();
        };
        let exec = Scripted {
            ran: RefCell::default(),
            fail: None,
            hook: &sabotage,
        };
        let r = rt().block_on(gate.run(&scale("web"), &exec, &Yes));
        assert_eq!(exec.ran.borrow().len(), 1);
        let e = r.unwrap_err();
        assert!(matches!(e, Error::OutcomeNotRecorded { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(msg.starts_with("executed scale Deployment"), "{msg}");
        assert!(
            msg.contains("(ok)") && msg.contains("decision record"),
            "{msg}"
        );
        let top: crate::error::Error = e.into();
        assert_eq!(top.exit_code(), crate::error::EXIT_IO);
        assert!(!top.to_string().contains("not executed"), "{top}");
        assert!(
            top.hints()
                .iter()
                .any(|h| h.contains("do not run it again"))
        );
    }

    #[test]
    fn one_forbidden_step_refuses_the_whole_unit() {
        let d = tempfile::tempdir().unwrap();
        let audit = AuditLog::new(d.path().join("a"), "test");
        let policy = Policy::default();
        let gate = yes_gate(&policy, &audit);
        let node = Proposed::new(
            Action::Apply {
                manifest: json!({"apiVersion": "v1", "kind": "List", "items": [
                    {"apiVersion": "v1", "kind": "List", "items": [
                        {"apiVersion": "v1", "kind": "NodeList", "items": [
                            {"metadata": {"name": "pi5-a", "labels": {"x": "y"}}}]}]}]}),
            },
            Origin::User,
        );
        assert_eq!(gate.tier(&node), Tier::Forbidden);
        let exec = Tripwire::default();
        let parts = [scale("web"), node, scale("api")];
        let atts = rt().block_on(gate.run_unit(&parts, &exec, &Yes)).unwrap();
        assert!(exec.ran.borrow().is_empty());
        assert!(
            atts.iter()
                .all(|a| a.outcome == Outcome::Skipped && a.approval == Approval::RefusedForbidden)
        );
        assert_eq!(atts[0].blocked_by, Some(BlockedBy::ForbiddenStep(1)));
        assert_eq!(atts[1].blocked_by, None);
        let recs = crate::audit::read(&d.path().join("a")).unwrap();
        assert_eq!(recs.len(), 6);
        assert!(
            recs.iter()
                .all(|r| r.unit.as_ref().is_some_and(|u| u.of == 3))
        );
    }

    #[test]
    fn a_unit_stops_at_the_failed_step_and_says_what_did_not_run() {
        let d = tempfile::tempdir().unwrap();
        let audit = AuditLog::new(d.path().join("a"), "test");
        let policy = Policy::default();
        let gate = yes_gate(&policy, &audit);
        let exec = Scripted {
            ran: RefCell::default(),
            fail: Some(1),
            hook: &|| {},
        };
        let parts = [scale("a"), scale("b"), scale("c")];
        let atts = rt().block_on(gate.run_unit(&parts, &exec, &Yes)).unwrap();
        assert_eq!(
            exec.ran.borrow().len(),
            2,
            "the step after the failure was sent"
        );
        assert_eq!(atts[0].outcome, Outcome::Ok);
        assert_eq!(atts[1].outcome, Outcome::Error);
        assert_eq!(atts[2].outcome, Outcome::Skipped);
        assert_eq!(atts[2].blocked_by, Some(BlockedBy::EarlierStepFailed(1)));
        let recs = crate::audit::read(&d.path().join("a")).unwrap();
        // All three decisions precede the first outcome.
        let phases: Vec<_> = recs.iter().map(|r| r.phase).collect();
        assert_eq!(&phases[..3], &[crate::audit::Phase::Decision; 3]);
        let last = recs.last().unwrap();
        assert_eq!(last.error.as_deref(), Some("not run: step 2 of 3 failed"));
    }
}
