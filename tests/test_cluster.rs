//! Cluster access end to end: the built binary (and the library's live cluster) against the
//! loopback fake API server — diff, snapshot, kubeconfig resolution, errors, executor.

use std::collections::BTreeSet;

use kubectl_claude::cluster::live::{ConnectOptions, LiveCluster};
use kubectl_claude::cluster::snapshot::{self, SnapshotCluster};
use kubectl_claude::cluster::{Inventory, NoProgress, ObjRef, Scope};
use serde_json::{Value, json};

use crate::support::env::{TestEnv, env_for, stderr, stdout};
use crate::support::fake_apiserver::{FakeApiServer, kubeconfig_yaml};

fn deployment(replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "app", "uid": "u1", "resourceVersion": "7",
            "generation": 2, "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"app.kubernetes.io/instance": "shop"},
            "managedFields": [{"manager": "kubectl"}],
            "annotations": {"deployment.kubernetes.io/revision": "2"}},
        "spec": {"replicas": replicas, "progressDeadlineSeconds": 600, "revisionHistoryLimit": 10,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                    "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File"}],
                    "restartPolicy": "Always", "dnsPolicy": "ClusterFirst"}}},
        "status": {"replicas": replicas, "readyReplicas": replicas}})
}

fn cluster_objects() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app"}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
        deployment(2),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "app",
            "labels": {"app.kubernetes.io/instance": "shop"}},
            "spec": {"ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}], "clusterIP": "10.0.0.7"}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "old-config", "namespace": "app",
            "labels": {"app.kubernetes.io/instance": "shop"}}, "data": {"a": "1"}}),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds", "namespace": "app"},
            "type": "Opaque", "data": {"user": "YWRtaW4=", "password": "b2xkLXBhc3N3b3Jk"}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "app"},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                "env": [{"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "MODE", "value": "prod"}]}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "web", "ready": false,
                "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}),
    ]
}

fn fake() -> FakeApiServer {
    FakeApiServer::builder()
        .objects(cluster_objects())
        .served("helm.toolkit.fluxcd.io/v2", "HelmRelease")
        .log("app", "web-1", "web", "panic: database unreachable\n")
        .start()
}

const DESIRED: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: app
  labels: {app.kubernetes.io/instance: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: app
  labels: {app.kubernetes.io/instance: shop}
spec:
  ports:
  - port: 80
    targetPort: 8080
";

fn diff_lines(s: &str) -> Vec<&str> {
    s.lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect()
}

#[test]
fn diff_unchanged_ignores_defaults_and_exits_0() {
    let fake = fake();
    let t = env_for(&fake);
    let f = t.write("desired.yaml", DESIRED);
    let o = t.cmd().args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(diff_lines(&out).is_empty(), "{out}");
    assert!(out.contains("0 new, 0 changed, 2 unchanged"), "{out}");
    assert!(fake.writes().is_empty(), "diff must only read");
}

#[test]
fn diff_changed_field_shows_exactly_that_field_and_exits_1() {
    let fake = fake();
    let t = env_for(&fake);
    let f = t.write(
        "desired.yaml",
        &DESIRED.replace("replicas: 2", "replicas: 5"),
    );
    let o = t.cmd().args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(
        diff_lines(&out),
        vec!["-  replicas: 2", "+  replicas: 5"],
        "{out}"
    );
    assert!(out.contains("--- live/Deployment/app/web"), "{out}");
    assert!(out.contains("0 new, 1 changed, 1 unchanged"), "{out}");
}

#[test]
fn diff_new_object_json_output() {
    let fake = fake();
    let t = env_for(&fake);
    let f = t.write(
        "new.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fresh}\ndata: {k: v}\n",
    );
    let o = t
        .cmd()
        .args(["diff", "-o", "json", "-n", "app", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["v"], 1);
    assert_eq!(v["objects"][0]["status"], "new");
    assert_eq!(v["objects"][0]["object"]["namespace"], "app");
    assert!(
        v["objects"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("+  k: v")
    );
    assert_eq!(v["summary"]["new"], 1);
}

#[test]
fn diff_masks_secrets_but_reports_the_change() {
    let fake = fake();
    let t = env_for(&fake);
    let f = t.write(
        "s.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: app}\nstringData:\n  user: admin\n  password: new-password\n",
    );
    let o = t.cmd().args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("password: <redacted> (changed)"), "{out}");
    for leak in ["new-password", "old-password", "b2xkLXBhc3N3b3Jk", "admin"] {
        assert!(!out.contains(leak), "{leak} leaked:\n{out}");
    }
    // The same values are no difference.
    let f = t.write(
        "same.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: app}\nstringData: {user: admin, password: old-password}\n",
    );
    let o = t.cmd().args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn diff_prune_preview_lists_live_only_objects() {
    let fake = fake();
    let t = env_for(&fake);
    let f = t.write("desired.yaml", DESIRED);
    let o = t
        .cmd()
        .args(["diff", "--prune-preview", "-o", "json", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let live_only: Vec<&Value> = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["status"] == "live-only")
        .collect();
    assert_eq!(live_only.len(), 1, "{v:#}");
    assert_eq!(live_only[0]["object"]["name"], "old-config");
    assert_eq!(v["summary"]["liveOnly"], 1);
}

#[test]
fn diff_server_side_uses_apply_dry_run() {
    let fake = fake();
    let t = env_for(&fake);
    let f = t.write(
        "desired.yaml",
        &DESIRED.replace("replicas: 2", "replicas: 3"),
    );
    let o = t
        .cmd()
        .args(["diff", "--server-side", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        diff_lines(&stdout(&o)),
        vec!["-  replicas: 2", "+  replicas: 3"],
        "{}",
        stdout(&o)
    );
    let writes = fake.writes();
    assert!(!writes.is_empty());
    for w in &writes {
        assert_eq!(w.method, "PATCH");
        assert!(w.query.contains("dryRun=All"), "{w:?}");
        assert!(w.query.contains("fieldManager=kubectl-claude"), "{w:?}");
        assert_eq!(
            w.content_type.as_deref(),
            Some("application/apply-patch+yaml")
        );
    }
    // Nothing was stored.
    let d = fake
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "Deployment")
        .unwrap();
    assert_eq!(d["spec"]["replicas"], 2);
}

#[test]
fn unreachable_server_exits_4_naming_kubeconfig_context_and_server() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let t = TestEnv::new();
    let kc = t.write(
        "kubeconfig",
        &kubeconfig_yaml(&format!("http://127.0.0.1:{port}"), "gone", "t", None),
    );
    let f = t.write("d.yaml", DESIRED);
    let o = t.cmd().args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("unreachable"), "{e}");
    assert!(e.contains("\"gone\""), "{e}");
    assert!(e.contains(&format!("127.0.0.1:{port}")), "{e}");
    assert!(e.contains(&kc.display().to_string()), "{e}");
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_credentials_exit_4() {
    let fake = FakeApiServer::builder()
        .objects(cluster_objects())
        .token("right")
        .start();
    let t = TestEnv::new();
    t.write("kubeconfig", &fake.kubeconfig_yaml("prod", "wrong", None));
    let f = t.write("d.yaml", DESIRED);
    let o = t.cmd().args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("authentication failed"), "{e}");
    assert!(e.contains("\"prod\"") && e.contains(&fake.url()), "{e}");
    // With the right token it works.
    t.write("kubeconfig", &fake.kubeconfig_yaml("prod", "right", None));
    let o = t.cmd().args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn kubeconfig_env_with_two_paths_is_merged() {
    let fake = fake();
    let mut t = TestEnv::new();
    // The first file names the current context; the second defines it (first wins for
    // current-context, contexts are merged).
    let first = t.write(
        "kc/first",
        "apiVersion: v1\nkind: Config\ncurrent-context: kind-fake\nclusters: []\ncontexts: []\nusers: []\n",
    );
    let second = t.write(
        "kc/second",
        &fake.kubeconfig_yaml("kind-fake", "t", Some("app")),
    );
    t.set(
        "KUBECONFIG",
        format!(
            "{}:{}:{}",
            first.display(),
            t.path().join("missing").display(),
            second.display()
        ),
    );
    let f = t.write("d.yaml", DESIRED);
    let o = t.cmd().args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn context_flag_selects_the_context() {
    let fake = fake();
    let t = TestEnv::new();
    let kc = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: broken\nclusters:\n- name: broken\n  cluster: {{server: \"http://127.0.0.1:9\"}}\n- name: good\n  cluster: {{server: \"{}\"}}\ncontexts:\n- name: broken\n  context: {{cluster: broken, user: u}}\n- name: good\n  context: {{cluster: good, user: u}}\nusers:\n- name: u\n  user: {{token: t}}\n",
        fake.url()
    );
    t.write("kubeconfig", &kc);
    let f = t.write("d.yaml", DESIRED);
    let o = t.cmd().args(["diff", "-f"]).arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let o = t
        .cmd()
        .args(["diff", "--context", "good", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = t
        .cmd()
        .args(["diff", "--context", "nope", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("context \"nope\" not found"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn snapshot_command_redacts_skips_forbidden_and_reads_back() {
    let fake = FakeApiServer::builder()
        .objects(cluster_objects())
        .forbid("v1", "Secret")
        .log("app", "web-1", "web", "panic: database unreachable\n")
        .start();
    let t = env_for(&fake);
    let dir = t.path().join("snap");
    let o = t
        .cmd()
        .args(["snapshot", "-A", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "snapshot prints data nowhere but the directory"
    );
    assert!(
        stderr(&o).contains("skipped Secret: forbidden"),
        "{}",
        stderr(&o)
    );
    let skipped = std::fs::read_to_string(dir.join("skipped-kinds.txt")).unwrap();
    assert!(skipped.contains("Secret: forbidden"), "{skipped}");
    let pods = std::fs::read_to_string(dir.join("pod.json")).unwrap();
    assert!(!pods.contains("hunter2"), "{pods}");
    assert!(
        pods.contains("<redacted>") && pods.contains("prod"),
        "{pods}"
    );
    let log = std::fs::read_to_string(dir.join("app/web-1/web.log")).unwrap();
    assert!(log.contains("database unreachable"));
    let snap = SnapshotCluster::load(&dir).unwrap();
    let inv = snap.inventory();
    assert!(inv.get("Deployment", Some("app"), "web").is_some());
    assert!(inv.is_served("Secret"), "forbidden kinds are served");
    assert!(inv.skipped.iter().any(|s| s.kind == "Secret"));
    assert_eq!(
        inv.logs_for("app", "web-1", Some("web")),
        Some("panic: database unreachable\n")
    );
    // Every request was a read.
    assert!(fake.writes().is_empty());
}

// ---------------------------------------------------------------------------- library level

fn rt() -> tokio::runtime::Runtime {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn connect(fake: &FakeApiServer, dir: &std::path::Path) -> LiveCluster {
    let kc = dir.join("kubeconfig");
    fake.write_kubeconfig(&kc, "kind-fake");
    LiveCluster::connect(ConnectOptions {
        kubeconfig: Some(kc),
        ..Default::default()
    })
    .await
    .unwrap()
}

fn refs(inv: &Inventory) -> BTreeSet<ObjRef> {
    inv.all().map(|o| o.obj_ref()).collect()
}

#[test]
fn live_gather_then_snapshot_round_trip_is_the_same_inventory() {
    let fake = fake();
    let d = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let live = connect(&fake, d.path()).await;
        assert_eq!(live.default_namespace(), "default");
        let inv = live
            .gather(&[], &Scope::all(), true, &NoProgress)
            .await
            .unwrap();
        assert_eq!(inv.len(), cluster_objects().len());
        assert!(inv.is_served("HelmRelease"), "served but empty");
        assert!(!inv.is_served("Kustomization"));
        assert!(
            inv.skipped
                .iter()
                .any(|s| s.kind == "Kustomization" && s.reason == "not served")
        );
        assert_eq!(
            inv.logs_for("app", "web-1", Some("web")),
            Some("panic: database unreachable\n")
        );
        let dir = d.path().join("snap");
        snapshot::write(&dir, &inv).unwrap();
        let back = SnapshotCluster::load(&dir).unwrap();
        let back = back.inventory();
        assert!(back.unreadable.is_empty(), "{:?}", back.unreadable);
        assert_eq!(refs(&inv), refs(back));
        for o in inv.all() {
            let mut want = o.value().clone();
            snapshot::redact(&mut want);
            let got = back.get_ref(&o.obj_ref()).unwrap();
            assert_eq!(got.value(), &want, "{}", o.obj_ref().display());
        }
        let served: Vec<&str> = inv.served_kinds().collect();
        let served_back: Vec<&str> = back.served_kinds().collect();
        assert_eq!(served, served_back);
        assert_eq!(inv.logs, back.logs);
        assert_eq!(inv.skipped, back.skipped);
    });
    // One LIST per served kind, nothing else but discovery and logs.
    let lists: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.query.contains("limit=500"))
        .collect();
    assert_eq!(lists.len(), 8, "{lists:#?}");
}

#[test]
fn lists_are_paginated_and_namespace_scoped() {
    let mut objects = Vec::new();
    for i in 0..1203 {
        objects.push(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("p{i:04}"), "namespace": if i % 2 == 0 { "a" } else { "b" }}}));
    }
    let fake = FakeApiServer::start(objects);
    let d = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let live = connect(&fake, d.path()).await;
        let all = live
            .gather(&["pods"], &Scope::all(), false, &NoProgress)
            .await
            .unwrap();
        assert_eq!(all.len(), 1203);
        let a = live
            .gather(&["po"], &Scope::namespace("a"), false, &NoProgress)
            .await
            .unwrap();
        assert_eq!(a.len(), 602);
    });
    let pages: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/pods")
        .collect();
    assert_eq!(pages.len(), 3);
    assert!(pages[1].query.contains("continue=500"), "{:?}", pages[1]);
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path == "/api/v1/namespaces/a/pods")
    );
}

#[test]
fn executor_patches_and_never_sends_forbidden_verbs() {
    use kubectl_claude::action::Action;
    let fake = fake();
    let d = tempfile::tempdir().unwrap();
    let web = ObjRef::new("apps/v1", "Deployment", Some("app"), "web");
    rt().block_on(async {
        let live = connect(&fake, d.path())
            .await
            .with_clock("2026-11-22T10:00:00Z".parse().unwrap());
        let out = live
            .execute(&Action::Scale {
                target: web.clone(),
                replicas: 4,
            })
            .await
            .unwrap();
        assert_eq!(out["spec"]["replicas"], 4);
        let out = live
            .execute(&Action::RolloutRestart {
                target: web.clone(),
            })
            .await
            .unwrap();
        assert_eq!(
            out["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
            "2026-11-22T10:00:00Z"
        );
        let before = fake.requests().len();
        for a in [
            Action::Drain {
                target: ObjRef::new("v1", "Node", None, "n1"),
            },
            Action::Delete {
                target: ObjRef::new("v1", "Node", None, "n1"),
            },
            Action::Cordon {
                target: ObjRef::new("v1", "Node", None, "n1"),
            },
        ] {
            let e = live.execute(&a).await.unwrap_err();
            assert!(e.to_string().contains("forbidden"), "{e}");
        }
        assert_eq!(
            fake.requests().len(),
            before,
            "no request for forbidden verbs"
        );
    });
    let writes = fake.writes();
    assert_eq!(writes.len(), 2);
    assert_eq!(
        writes[0].path,
        "/apis/apps/v1/namespaces/app/deployments/web/scale"
    );
}

#[test]
fn executor_flux_and_argo_verbs_patch_what_the_upstream_tools_patch() {
    use kubectl_claude::action::Action;
    let fake = FakeApiServer::start(vec![
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": "apps", "namespace": "flux-system"},
            "spec": {"sourceRef": {"kind": "GitRepository", "name": "repo"}}}),
        json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": "repo", "namespace": "flux-system"}}),
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": "shop", "namespace": "argocd", "finalizers": ["resources-finalizer.argocd.argoproj.io"]},
            "operation": {"sync": {}}, "status": {"operationState": {"phase": "Running"}}}),
    ]);
    let d = tempfile::tempdir().unwrap();
    let ks = ObjRef::new(
        "kustomize.toolkit.fluxcd.io/v1",
        "Kustomization",
        Some("flux-system"),
        "apps",
    );
    let app = ObjRef::new(
        "argoproj.io/v1alpha1",
        "Application",
        Some("argocd"),
        "shop",
    );
    let ts = "2026-11-22T10:00:00Z";
    rt().block_on(async {
        let live = connect(&fake, d.path())
            .await
            .with_clock(ts.parse().unwrap());
        let out = live
            .execute(&Action::Reconcile {
                target: ks.clone(),
                with_source: true,
                reset: false,
                force: true,
            })
            .await
            .unwrap();
        let ann = &out["metadata"]["annotations"];
        assert_eq!(ann["reconcile.fluxcd.io/requestedAt"], ts);
        assert_eq!(ann["reconcile.fluxcd.io/forceAt"], ts);
        let out = live
            .execute(&Action::Suspend { target: ks.clone() })
            .await
            .unwrap();
        assert_eq!(out["spec"]["suspend"], true);
        let out = live
            .execute(&Action::ArgoRefresh {
                target: app.clone(),
            })
            .await
            .unwrap();
        assert_eq!(
            out["metadata"]["annotations"]["argocd.argoproj.io/refresh"],
            "hard"
        );
        let out = live
            .execute(&Action::ArgoTerminateOp {
                target: app.clone(),
            })
            .await
            .unwrap();
        assert_eq!(out["status"]["operationState"]["phase"], "Terminating");
        let out = live
            .execute(&Action::RemoveFinalizers {
                target: app.clone(),
            })
            .await
            .unwrap();
        assert!(out["metadata"].get("finalizers").is_none(), "{out}");
    });
    let writes: Vec<String> = fake.writes().iter().map(|w| w.path.clone()).collect();
    assert!(
        writes.contains(
            &"/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/repo"
                .to_string()
        ),
        "--with-source reconciles the source too: {writes:?}"
    );
    assert!(
        fake.writes()
            .iter()
            .all(|w| w.content_type.as_deref() == Some("application/merge-patch+json"))
    );
}

#[test]
fn namespace_completion_asks_the_cluster() {
    let fake = fake();
    let t = env_for(&fake);
    let o = t
        .persona("kubectl_complete-claude")
        .args(["diff", "-n", ""])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.lines().any(|l| l == "app"), "{out}");
    assert!(out.trim_end().ends_with(":4"), "{out}");
}

#[test]
fn diff_reads_manifests_from_stdin() {
    let fake = fake();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args(["diff", "-f", "-"])
        .write_stdin(DESIRED.replace("image: nginx:1.27", "image: nginx:1.28"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        diff_lines(&stdout(&o)),
        vec!["-      - image: nginx:1.27", "+      - image: nginx:1.28"],
        "{}",
        stdout(&o)
    );
}

/// `diff` straight from instructions: generate (offline) then compare. Seeded with exactly the
/// generated objects the cluster is unchanged; with one field drifted, exactly that shows.
#[test]
fn diff_from_instructions_through_the_generate_pipeline() {
    let example = crate::support::env::repo().join("examples/user-service");
    let t0 = TestEnv::new();
    let o = t0
        .cmd()
        .args(["generate", "-q", "-n", "shop", "-o", "json", "-f"])
        .arg(&example)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let list: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut objects: Vec<Value> = list["items"].as_array().unwrap().clone();
    // The server adds what servers add.
    for obj in &mut objects {
        obj["metadata"]["uid"] = json!("u-1");
        obj["metadata"]["resourceVersion"] = json!("42");
        obj["status"] = json!({"observedGeneration": 1});
    }
    let fake = FakeApiServer::start(objects.clone());
    let t = env_for(&fake);
    let run = |t: &TestEnv| {
        t.cmd()
            .args(["diff", "-n", "shop", "-f"])
            .arg(&example)
            .output()
            .unwrap()
    };
    let o = run(&t);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    // Drift one field live.
    let mut drifted = objects.clone();
    drifted[0]["spec"]["replicas"] = json!(2);
    let fake2 = FakeApiServer::start(drifted);
    let t2 = env_for(&fake2);
    let o = run(&t2);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("-  replicas: 2") && out.contains("+  replicas: 5"),
        "{out}"
    );
    let changed: Vec<&str> = out
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(changed.len(), 2, "exactly the drifted field: {changed:?}");
    assert!(fake2.writes().is_empty());
}
