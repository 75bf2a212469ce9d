//! `fix` and `audit` end to end: diagnose a cluster, walk root-cause fixes through the gate.

use serde_json::Value;

use crate::support::acting::{assert_audit, audit_records, env_for};
use crate::support::env::{TestEnv, repo, stderr, stdout};
use crate::support::fake_apiserver::FakeApiServer;

fn oom_fake() -> FakeApiServer {
    FakeApiServer::from_dir(&repo().join("examples/snapshots/helmrelease-oomkilled"))
}

#[test]
fn fix_suggest_only_on_a_snapshot_prints_patches_and_writes_nothing() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args(["fix", "--suggest-only", "--snapshot"])
        .arg(repo().join("examples/snapshots/helmrelease-oomkilled"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("# manual: kubectl patch deployment/checkout -n shop"),
        "{out}"
    );
    let docs = kubectl_claude::manifest::parse_stream(&out).unwrap();
    assert_eq!(docs[0]["kind"], "Deployment");
    assert_eq!(
        docs[0].pointer("/spec/template/spec/containers/0/resources/limits/memory"),
        Some(&Value::from("512Mi"))
    );
    assert!(stderr(&o).contains("k8s.oomkilled"), "{}", stderr(&o));
    let recs = audit_records(&t);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0]["approval"], "suggest-only");
    assert_eq!(recs[0]["origin"], "recipe:workloads");
}

#[test]
fn fix_on_a_snapshot_refuses_to_change_it() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args(["fix", "--yes", "--snapshot"])
        .arg(repo().join("examples/snapshots/helmrelease-oomkilled"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn fix_without_a_terminal_refuses_with_exit_3_and_writes_nothing() {
    let fake = oom_fake();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args(["fix", "--recipe", "workloads"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 ran, 0 declined, 1 refused"),
        "{}",
        stderr(&o)
    );
    assert!(fake.writes().is_empty());
    assert_audit(&t, &[("patch", "refused-no-tty", "skipped")]);
}

#[test]
fn fix_with_yes_sends_the_memory_patch_and_the_audit_shows_it() {
    let fake = oom_fake();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args(["fix", "--recipe", "workloads", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = fake.writes();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].method, "PATCH");
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
        body,
        serde_json::json!({"spec":{"template":{"spec":{"containers":[
            {"name":"checkout","resources":{"limits":{"memory":"512Mi"}}}]}}}})
    );
    assert_audit(&t, &[("patch", "flag-yes", "ok")]);

    let o = t.cmd().args(["audit", "--since", "1h"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for col in [
        "recipe:workloads",
        "patch",
        "Deployment/shop/checkout",
        "flag-yes",
        "ok",
        "kind-fake",
    ] {
        assert!(out.contains(col), "{col}: {out}");
    }
    let o = t.cmd().args(["audit", "-o", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["v"], 1);
    assert_eq!(v["attempts"][0]["outcome"], "ok");
    let o = t
        .cmd()
        .args(["audit", "--since", "2099-01-01", "-o", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["attempts"].as_array().unwrap().len(), 0);
}
