//! Workflows end to end: branching on what the recipes found, the per-workflow autonomy block,
//! and validation messages that name the file and the step.

use serde_json::{Value, json};

use crate::support::acting::{assert_audit, audit_records, deployment, env_for};
use crate::support::env::{TestEnv, repo, stderr, stdout};
use crate::support::fake_apiserver::FakeApiServer;

#[test]
fn crashloop_workflow_takes_the_oom_branch_and_patches_the_memory_limit() {
    let fake = FakeApiServer::from_dir(&repo().join("examples/snapshots/helmrelease-oomkilled"));
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "workflow",
            "run",
            "pod-crashloop-remediation",
            "--param",
            "namespace=shop",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = fake.writes();
    assert_eq!(w.len(), 1, "only the memory patch, no restart: {w:#?}");
    assert_eq!(
        w[0].path,
        "/apis/apps/v1/namespaces/shop/deployments/checkout"
    );
    assert_eq!(
        w[0].content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );
    let body: Value = serde_json::from_str(&w[0].body).unwrap();
    assert_eq!(
        body.pointer("/spec/template/spec/containers/0/resources/limits/memory"),
        Some(&json!("512Mi"))
    );
    let out = stdout(&o);
    assert!(out.contains("decide-action    condition is true"), "{out}");
    assert!(!out.contains("restart"), "{out}");
    assert_audit(&t, &[("patch", "flag-yes", "ok")]);
    assert_eq!(
        audit_records(&t)[0]["origin"],
        "workflow:pod-crashloop-remediation"
    );
}

#[test]
fn crashloop_workflow_without_oom_restarts_auto_approved_by_the_workflow() {
    let objects = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app"}}),
        deployment(),
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-abc", "namespace": "app",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u1"}]},
            "spec": {"replicas": 2}}),
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-abc-1", "namespace": "app",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "uid": "u2"}]},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "web", "ready": false,
                "restartCount": 7, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}}),
        // Another broken workload that sorts first: the restart must not pick it.
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "app", "uid": "u9"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "api"}},
                "template": {"metadata": {"labels": {"app": "api"}},
                    "spec": {"containers": [{"name": "api", "image": "ghcr.io/acme/api:9.9.9"}]}}},
            "status": {"replicas": 1, "unavailableReplicas": 1}}),
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "api-abc", "namespace": "app",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "api", "uid": "u9"}]},
            "spec": {"replicas": 1}}),
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "api-abc-1", "namespace": "app",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "api-abc", "uid": "u8"}]},
            "spec": {"containers": [{"name": "api", "image": "ghcr.io/acme/api:9.9.9"}]},
            "status": {"phase": "Pending", "containerStatuses": [{"name": "api", "ready": false,
                "restartCount": 0, "state": {"waiting": {"reason": "ImagePullBackOff",
                    "message": "Back-off pulling image \"ghcr.io/acme/api:9.9.9\": manifest unknown"}}}]}}),
    ];
    let fake = FakeApiServer::start(objects);
    let t = env_for(&fake);
    // No --yes and no terminal: the restart runs only because the workflow auto-approves it.
    let o = t
        .cmd()
        .args([
            "workflow",
            "run",
            "pod-crashloop-remediation",
            "--param",
            "namespace=app",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = fake.writes();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].path, "/apis/apps/v1/namespaces/app/deployments/web");
    assert!(
        w[0].body.contains("kubectl.kubernetes.io/restartedAt"),
        "{}",
        w[0].body
    );
    assert_audit(&t, &[("rollout-restart", "auto", "ok")]);
}

#[test]
fn workflow_dry_run_and_missing_params() {
    let fake = FakeApiServer::from_dir(&repo().join("examples/snapshots/helmrelease-oomkilled"));
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "workflow",
            "run",
            "pod-crashloop-remediation",
            "--param",
            "namespace=shop",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("+            memory: 512Mi"),
        "{}",
        stdout(&o)
    );
    assert!(fake.writes().is_empty());
    let o = t
        .cmd()
        .args(["workflow", "run", "pod-crashloop-remediation"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--param namespace="), "{}", stderr(&o));
}

#[test]
fn validate_names_the_file_and_the_step() {
    let t = TestEnv::new();
    let f = t.write(
        "wf.yaml",
        "name: bad\nsteps:\n  - name: look\n    recipe: workloads\n  - name: go\n    condition: \"{{ steps.look.healthy == 'false' }}\"\n    branches: {true: nowhere}\n  - name: act\n    action: drain\n    target: node/x\n    inputs: {bogus: 1}\n",
    );
    let o = t
        .cmd()
        .args(["workflow", "validate"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("wf.yaml: step \"go\": branches.true: no step named `nowhere`"),
        "{err}"
    );
    assert!(err.contains("step \"act\": unknown input `bogus`"), "{err}");
    let ok = t
        .cmd()
        .args(["workflow", "validate"])
        .arg(repo().join("src/workflow/builtin/rollback-app.yaml"))
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    // A user workflow shows up in the list and cannot drain even when it auto-approves it.
    t.write(
        "home/.config/kubectl-claude/workflows/drainer.yaml",
        "name: drainer\ndescription: tries to drain\nautonomy: {auto_approve: [drain]}\nsteps:\n  - action: drain\n    target: node/pi5-a\n",
    );
    let o = t.cmd().args(["workflow", "list"]).output().unwrap();
    assert!(stdout(&o).contains("drainer"), "{}", stdout(&o));
    let fake = FakeApiServer::start(vec![json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": "pi5-a"}})]);
    t.use_cluster(&fake);
    let o = t
        .cmd()
        .args(["workflow", "run", "drainer", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(fake.writes().is_empty());
    assert_audit(&t, &[("drain", "refused-forbidden", "skipped")]);
}

/// A workflow `action: apply` step takes its object from `inputs.manifest` (no `target`).
#[test]
fn workflow_apply_step_applies_its_manifest() {
    let fake = FakeApiServer::builder()
        .objects([json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app"}})])
        .served("v1", "ConfigMap")
        .start();
    let t = env_for(&fake);
    t.write(
        "home/.config/kubectl-claude/workflows/seed.yaml",
        "name: seed-config\ndescription: apply a ConfigMap\nsteps:\n  - name: apply\n    action: apply\n    inputs:\n      manifest:\n        apiVersion: v1\n        kind: ConfigMap\n        metadata: {name: settings, namespace: app}\n        data: {mode: \"on\"}\n",
    );
    let o = t
        .cmd()
        .args(["workflow", "run", "seed-config", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let w: Vec<_> = fake
        .writes()
        .into_iter()
        .filter(|r| !r.query.contains("dryRun=All"))
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].method, "PATCH");
    assert_eq!(w[0].path, "/api/v1/namespaces/app/configmaps/settings");
    assert!(w[0].body.contains("settings"), "{}", w[0].body);
}

/// The one snapshot rule (`crate::session`): a workflow on a snapshot is previewed only, like
/// `act` and `fix`, and says so; approving changes up front (`--yes`) is refused.
#[test]
fn workflow_on_a_snapshot_is_previewed_only_and_refuses_yes() {
    let t = TestEnv::new();
    let snap = repo().join("examples/snapshots/helmrelease-oomkilled");
    let run = |extra: &[&str]| {
        t.cmd()
            .args([
                "workflow",
                "run",
                "pod-crashloop-remediation",
                "--param",
                "namespace=shop",
                "--snapshot",
            ])
            .arg(&snap)
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&["--yes"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--yes cannot approve changes on a --snapshot"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert!(audit_records(&t).is_empty());
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("snapshot: actions are previewed only"),
        "{}",
        stderr(&o)
    );
    // The remediation is previewed and recorded as such; nothing runs.
    let recs = audit_records(&t);
    assert!(!recs.is_empty());
    assert!(recs.iter().all(|r| r["approval"] == "dry-run"), "{recs:#?}");
}
