//! One plan for preview and executor: every verb is previewed and executed against the fake
//! API server, and the server must receive exactly the writes of the action's plan — the
//! writes whose local application is what the confirm prompt showed.

use kubectl_claude::action::{Action, PatchType, Verb};
use kubectl_claude::audit::AuditLog;
use kubectl_claude::autonomy::{GateInput, Policy};
use kubectl_claude::cluster::live::{ConnectOptions, LiveCluster};
use kubectl_claude::cluster::{ObjRef, kinds};
use kubectl_claude::gate::{Executor, Gate};
use kubectl_claude::plan::{self, Plan};
use serde_json::{Value, json};

use crate::support::fake_apiserver::{FakeApiServer, Recorded};

const NOW: &str = "2026-11-22T10:00:00Z";

fn dep() -> ObjRef {
    ObjRef::new("apps/v1", "Deployment", Some("app"), "web")
}
fn pod() -> ObjRef {
    ObjRef::new("v1", "Pod", Some("app"), "web-1")
}
fn ks() -> ObjRef {
    ObjRef::new(
        "kustomize.toolkit.fluxcd.io/v1",
        "Kustomization",
        Some("flux-system"),
        "apps",
    )
}
fn app() -> ObjRef {
    ObjRef::new(
        "argoproj.io/v1alpha1",
        "Application",
        Some("argocd"),
        "shop",
    )
}
fn node() -> ObjRef {
    ObjRef::new("v1", "Node", None, "pi5-a")
}

fn objects() -> Vec<Value> {
    vec![
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "app"},
            "spec": {"replicas": 1, "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}}),
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-1", "namespace": "app"},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "old", "namespace": "app"}, "data": {"a": "1"}}),
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": "apps", "namespace": "flux-system"},
            "spec": {"suspend": false, "sourceRef": {"kind": "GitRepository", "name": "repo"}}}),
        json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": "repo", "namespace": "flux-system"}}),
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": "shop", "namespace": "argocd",
                "finalizers": ["resources-finalizer.argocd.argoproj.io"]},
            "operation": {"sync": {}}, "status": {"operationState": {"phase": "Running"}}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "pi5-a"}}),
    ]
}

/// The actions each verb is tried with. An exhaustive `match`: a new verb does not compile
/// until it is given a case here.
fn cases(verb: Verb) -> Vec<Action> {
    match verb {
        Verb::Get => vec![Action::Get { target: dep() }],
        Verb::Describe => vec![Action::Describe { target: dep() }],
        Verb::Logs => vec![Action::Logs {
            target: pod(),
            container: None,
            previous: None,
        }],
        Verb::List => vec![Action::List {
            kind: "Pod".into(),
            namespace: Some("app".into()),
        }],
        Verb::Top => vec![Action::Top { target: pod() }],
        Verb::Diff => vec![Action::Diff { target: dep() }],
        Verb::Patch => vec![
            Action::Patch {
                target: dep(),
                patch_type: PatchType::Merge,
                patch: json!({"metadata": {"labels": {"team": "shop"}}}),
            },
            Action::Patch {
                target: dep(),
                patch_type: PatchType::Strategic,
                patch: json!({"spec": {"template": {"spec": {"containers": [
                    {"name": "web", "image": "nginx:1.28"}]}}}}),
            },
            Action::Patch {
                target: dep(),
                patch_type: PatchType::Json,
                patch: json!([{"op": "replace", "path": "/spec/replicas", "value": 2}]),
            },
        ],
        Verb::Scale => vec![Action::Scale {
            target: dep(),
            replicas: 3,
        }],
        Verb::RolloutRestart => vec![Action::RolloutRestart { target: dep() }],
        Verb::RolloutUndo => vec![Action::RolloutUndo {
            target: dep(),
            to_revision: None,
        }],
        Verb::ArgoRollback => vec![Action::ArgoRollback {
            target: app(),
            history_id: 1,
        }],
        Verb::Apply => vec![Action::Apply {
            manifest: json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "new", "namespace": "app"}, "data": {"b": "2"}}),
        }],
        Verb::Delete => vec![Action::Delete {
            target: ObjRef::new("v1", "ConfigMap", Some("app"), "old"),
        }],
        Verb::Reconcile => vec![
            Action::Reconcile {
                target: ks(),
                with_source: true,
                reset: false,
                force: true,
            },
            Action::Reconcile {
                target: app(),
                with_source: false,
                reset: false,
                force: false,
            },
        ],
        Verb::Suspend => vec![Action::Suspend { target: ks() }],
        Verb::Resume => vec![Action::Resume { target: ks() }],
        Verb::ArgoSync => vec![Action::ArgoSync { target: app() }],
        Verb::ArgoRefresh => vec![Action::ArgoRefresh { target: app() }],
        Verb::ArgoTerminateOp => vec![Action::ArgoTerminateOp { target: app() }],
        Verb::RemoveFinalizers => vec![Action::RemoveFinalizers { target: app() }],
        Verb::RestartPod => vec![Action::RestartPod {
            target: pod(),
            grace_period_seconds: Some(30),
        }],
        Verb::Exec => vec![Action::Exec {
            target: pod(),
            container: None,
            command: vec!["true".into()],
            timeout_seconds: None,
        }],
        Verb::Drain => vec![Action::Drain { target: node() }],
        Verb::Cordon => vec![Action::Cordon { target: node() }],
        Verb::Uncordon => vec![Action::Uncordon { target: node() }],
        Verb::DeleteNode => vec![
            Action::DeleteNode { target: node() },
            Action::Delete { target: node() },
        ],
        Verb::LabelNode => vec![Action::LabelNode {
            target: node(),
            label: "a=b".into(),
        }],
        Verb::TaintNode => vec![Action::TaintNode {
            target: node(),
            taint: "a=b:NoSchedule".into(),
        }],
        Verb::Reset => vec![Action::Reset { target: node() }],
    }
}

/// The URL path of a write, written out from the kinds table (not through discovery).
fn path_of(w: &plan::Write) -> String {
    let t = &w.target;
    let info = kinds::lookup(&t.kind).expect("a known kind");
    let base = if t.api_version.contains('/') {
        format!("/apis/{}", t.api_version)
    } else {
        format!("/api/{}", t.api_version)
    };
    let ns = match &t.namespace {
        Some(ns) => format!("/namespaces/{ns}"),
        None => String::new(),
    };
    let sub = w
        .subresource
        .map(|s| format!("/{}", s.as_str()))
        .unwrap_or_default();
    format!("{base}{ns}/{}/{}{sub}", info.plural, t.name)
}

fn patch_type_of(content_type: &str) -> PatchType {
    match content_type {
        "application/merge-patch+json" => PatchType::Merge,
        "application/strategic-merge-patch+json" => PatchType::Strategic,
        "application/json-patch+json" => PatchType::Json,
        other => panic!("not a patch content type: {other}"),
    }
}

fn body(r: &Recorded) -> Option<Value> {
    (!r.body.is_empty()).then(|| serde_json::from_str(&r.body).expect("a JSON body"))
}

fn rt() -> tokio::runtime::Runtime {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn every_verb_sends_exactly_the_previewed_plan() {
    let d = tempfile::tempdir().unwrap();
    let policy = Policy::default();
    let audit = AuditLog::new(d.path().join("audit"), "test");
    let gate = Gate {
        policy: &policy,
        input: GateInput::default(),
        audit: &audit,
        now: NOW.parse().unwrap(),
    };
    let mut writes_seen = 0;
    for &verb in Verb::all() {
        for action in cases(verb) {
            assert_eq!(Verb::of(&action), verb, "{action:?}");
            // A fresh server per action: each starts from the same objects.
            let fake = FakeApiServer::builder()
                .objects(objects())
                .log("app", "web-1", "web", "hello\n")
                .start();
            let kc = d.path().join("kubeconfig");
            fake.write_kubeconfig(&kc, "kind-fake");
            rt().block_on(async {
                let live = LiveCluster::connect(ConnectOptions {
                    kubeconfig: Some(kc),
                    ..Default::default()
                })
                .await
                .unwrap()
                .with_clock(NOW.parse().unwrap());
                let before = match action.target() {
                    Some(t) => live.read(t).await.unwrap(),
                    None => None,
                };
                let preview = gate.preview(&action, &live).await.unwrap();
                let previewed: Vec<Recorded> = fake.writes();
                let planned = plan::plan(&action, before.as_ref(), NOW).unwrap();
                let start = fake.writes().len();
                let result = live.execute(&action).await;
                let sent: Vec<Recorded> = fake.writes()[start..].to_vec();
                let what = format!("{action:?}");
                let writes = match planned {
                    Plan::Write(w) => w,
                    Plan::Read(_) => {
                        assert!(result.is_ok(), "{what}: {result:?}");
                        assert!(sent.is_empty(), "{what} only reads: {sent:#?}");
                        return;
                    }
                    // An exec: the preview describes the planned step, the fake got exactly
                    // that argv once, and no object was written.
                    Plan::Exec(step) => {
                        assert!(result.is_ok(), "{what}: {result:?}");
                        assert!(sent.is_empty(), "{what} writes nothing: {sent:#?}");
                        // The preview names the container the executor resolves.
                        let shown = kubectl_claude::change::describe_with(
                            &action,
                            before.as_ref().expect("the pod"),
                        );
                        assert_eq!(preview.note.as_deref(), Some(shown.as_str()), "{what}");
                        assert!(shown.contains(r#"["true"]"#), "{shown}");
                        let execs = fake.execs();
                        assert_eq!(execs.len(), 1, "{what}: {execs:#?}");
                        assert_eq!(execs[0].command, step.command, "{what}");
                        assert_eq!(execs[0].pod, step.target.name, "{what}");
                        assert_eq!(
                            execs[0].container,
                            step.container_in(before.as_ref().unwrap()),
                            "{what}"
                        );
                        return;
                    }
                    Plan::Unsupported(_) | Plan::Forbidden => {
                        assert!(result.is_err(), "{what}");
                        assert!(sent.is_empty(), "{what} writes nothing: {sent:#?}");
                        return;
                    }
                };
                assert!(result.is_ok(), "{what}: {result:?}");
                // The server got the plan: same writes, same order, nothing else.
                assert_eq!(sent.len(), writes.len(), "{what}: {sent:#?}");
                for (w, r) in writes.iter().zip(&sent) {
                    assert_eq!(r.method, w.method().as_str(), "{what}");
                    assert_eq!(r.path, path_of(w), "{what}");
                    assert_eq!(r.content_type.as_deref(), w.content_type(), "{what}");
                    assert_eq!(body(r).as_ref(), w.body(), "{what}");
                    for (k, v) in w.query() {
                        assert!(r.query.contains(&format!("{k}={v}")), "{what}: {}", r.query);
                    }
                    assert!(!r.query.contains("dryRun"), "{what}: {}", r.query);
                }
                writes_seen += sent.len();
                match &action {
                    // The preview of an apply is the server's dry run of the same request.
                    Action::Apply { .. } => {
                        assert_eq!(previewed.len(), 1, "{what}: {previewed:#?}");
                        let (p, s) = (&previewed[0], &sent[0]);
                        assert!(p.query.contains("dryRun=All"), "{}", p.query);
                        assert_eq!(
                            (&p.method, &p.path, &p.content_type, body(p)),
                            (&s.method, &s.path, &s.content_type, body(s)),
                        );
                        assert!(!preview.diff.is_empty(), "{what}");
                    }
                    Action::Delete { .. } | Action::RestartPod { .. } => {
                        assert!(previewed.is_empty());
                        assert!(preview.diff.is_empty());
                        assert!(preview.note.unwrap().starts_with("deletes "), "{what}");
                    }
                    // Everything else: what the server received, applied to the object as
                    // read, is exactly the change the prompt showed.
                    _ => {
                        assert!(
                            previewed.is_empty(),
                            "a preview writes nothing: {previewed:#?}"
                        );
                        let target = action.target().unwrap();
                        let mut after = before.clone().unwrap();
                        for (w, r) in writes.iter().zip(&sent) {
                            if &w.target == target {
                                let ct = r.content_type.as_deref().unwrap();
                                kubectl_claude::change::apply_patch(
                                    &mut after,
                                    patch_type_of(ct),
                                    &body(r).unwrap(),
                                )
                                .unwrap();
                            }
                        }
                        let shown = kubectl_claude::diff::diff_server_side(
                            target.clone(),
                            before.as_ref(),
                            &after,
                        );
                        assert_ne!(Some(&after), before.as_ref(), "{what} changes something");
                        // The object the preview diffed, and the diff the prompt showed.
                        let previewed_after =
                            kubectl_claude::change::after(&action, before.as_ref().unwrap(), NOW)
                                .unwrap();
                        assert_eq!(previewed_after.as_ref(), Some(&after), "{what}");
                        assert_eq!(preview.diff, shown.diff, "{what}");
                    }
                }
            });
        }
    }
    // Patch ×3, scale, restart, apply, delete, reconcile (source + object, app), suspend,
    // resume, sync, refresh, terminate, finalizers, restart-pod.
    assert_eq!(writes_seen, 17);
}

/// `act --help`, shell completion and `config view` are generated from the verb table: each
/// lists every verb, with its built-in tier where it shows one.
#[test]
fn help_completion_and_config_view_list_every_verb_of_the_table() {
    use crate::support::env::{TestEnv, stdout};
    let t = TestEnv::new();
    let help = stdout(&t.cmd().args(["act", "--help"]).output().unwrap());
    let o = t
        .persona("kubectl_complete-claude")
        .args(["act", ""])
        .output()
        .unwrap();
    let completion = stdout(&o);
    let view = stdout(&t.cmd().args(["config", "view"]).output().unwrap());
    // Tier label → the verbs listed under it.
    let mut by_tier: Vec<(String, Vec<String>)> = Vec::new();
    for l in help
        .lines()
        .skip_while(|l| !l.starts_with("Verbs, by built-in tier:"))
        .skip(1)
        .take_while(|l| !l.starts_with("Required:"))
    {
        let mut words = l.split_whitespace().map(str::to_string).peekable();
        if let Some(label) = words.next_if(|w| w.ends_with(':')) {
            by_tier.push((label.trim_end_matches(':').to_string(), Vec::new()));
        }
        by_tier
            .last_mut()
            .expect("a tier label first")
            .1
            .extend(words);
    }
    assert_eq!(by_tier.len(), 3, "{help}");
    for &v in Verb::all() {
        let spec = v.spec();
        let under: Vec<&str> = by_tier
            .iter()
            .filter(|(_, vs)| vs.iter().any(|w| w == spec.name))
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(
            under,
            [spec.tier.as_str()],
            "{} in act --help:\n{help}",
            spec.name
        );
        assert!(
            completion
                .lines()
                .any(|l| l.split('\t').next() == Some(spec.name)),
            "{} not completed:\n{completion}",
            spec.name
        );
        assert!(
            view.contains(&format!("    {}: {}\n", spec.name, spec.tier.as_str())),
            "{} not in config view:\n{view}",
            spec.name
        );
    }
}

/// The README's tier table names the same verbs per tier as the verb table.
#[test]
fn readme_tier_table_matches_the_verb_table() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for tier in ["safe", "confirm", "forbidden"] {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| **{tier}** |")))
            .unwrap_or_else(|| panic!("no `{tier}` row in the README's tier table"));
        // The verbs cell, up to the kinds rule the forbidden row adds (", and `delete`/…").
        let cell = row.split('|').nth(2).unwrap();
        let cell = cell.split(", and").next().unwrap();
        let listed: Vec<&str> = cell.split('`').skip(1).step_by(2).collect();
        let table: Vec<&str> = Verb::all()
            .iter()
            .filter(|v| v.spec().tier.as_str() == tier)
            .map(|v| v.as_str())
            .collect();
        assert_eq!(listed, table, "README row `{tier}`");
    }
}
