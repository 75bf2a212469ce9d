//! `diagnose` end to end: every demo snapshot through the built binary.

use serde_json::Value;

use crate::support::env::{TestEnv, repo, stderr, stdout};

fn snapshot(name: &str) -> String {
    repo()
        .join("examples/snapshots")
        .join(name)
        .display()
        .to_string()
}

/// Runs `diagnose -o json` on a scenario; returns (exit code, document).
fn json(t: &TestEnv, scenario: &str, extra: &[&str]) -> (i32, Value) {
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot", &snapshot(scenario), "-o", "json"])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&o), stderr(&o)));
    (o.status.code().unwrap_or(-1), v)
}

fn find<'a>(doc: &'a Value, id: &str, name: &str) -> (usize, &'a Value) {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .find(|(_, f)| f["id"] == id && f["object"]["name"] == name)
        .unwrap_or_else(|| panic!("no {id} on {name} in {doc:#}"))
}

#[test]
fn flux_git_auth_one_root_five_symptoms() {
    let t = TestEnv::new();
    let (code, doc) = json(&t, "flux-git-auth", &[]);
    assert_eq!(code, 1);
    assert_eq!(doc["v"], 1);
    let (root, git) = find(&doc, "flux.git-auth-failed", "fleet-infra");
    assert_eq!(git["root_cause"], true);
    assert_eq!(git["caused_by"], Value::Null);
    assert_eq!(
        git["object"],
        serde_json::json!({"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"GitRepository","namespace":"flux-system","name":"fleet-infra"})
    );
    for (id, name) in [
        ("flux.source-artifact-missing", "infra"),
        ("flux.dependency-not-ready", "apps"),
        ("flux.source-artifact-missing", "podinfo"),
    ] {
        let (_, f) = find(&doc, id, name);
        assert_eq!(f["caused_by"], root, "{name}");
        assert_eq!(f["root_cause"], false);
    }
    let a = git["actions"].as_array().unwrap();
    assert!(
        a.iter()
            .any(|a| a["verb"] == "reconcile" && a["tier"] == "confirm")
    );
    assert!(
        git.get("recipe").is_none(),
        "v1 contract has no recipe field"
    );
    assert!(
        doc["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["kind"] == "HorizontalPodAutoscaler")
    );
    assert!(
        doc["recipes"]
            .as_array()
            .unwrap()
            .contains(&Value::from("flux"))
    );
}

#[test]
fn helmrelease_oomkilled_root_is_the_workload_with_a_gitops_patch() {
    let t = TestEnv::new();
    let (code, doc) = json(&t, "helmrelease-oomkilled", &[]);
    assert_eq!(code, 1);
    let (root, oom) = find(&doc, "k8s.oomkilled", "checkout");
    assert_eq!(oom["root_cause"], true);
    let patch = &oom["actions"][0];
    assert_eq!(patch["verb"], "patch");
    assert_eq!(patch["tier"], "confirm");
    assert_eq!(patch["gitops_managed"], true);
    assert_eq!(
        patch["patch"]["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"],
        "512Mi"
    );
    let (_, hr) = find(&doc, "flux.helmrelease-retries-exhausted", "checkout");
    assert_eq!(hr["caused_by"], root);
    let (_, ks) = find(&doc, "flux.kustomization-health-check-failed", "apps");
    assert_eq!(ks["caused_by"], root);
}

#[test]
fn argocd_sync_error_and_drift() {
    let t = TestEnv::new();
    let (code, doc) = json(&t, "argocd-sync-error", &["--recipe", "argocd"]);
    assert_eq!(code, 1);
    assert_eq!(doc["recipes"], serde_json::json!(["argocd"]));
    let (_, f) = find(&doc, "argocd.sync-failed-apply", "storefront");
    assert_eq!(f["root_cause"], true);
    assert!(
        f["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["verb"] == "argo-sync" && a["command"] == "argocd app sync storefront")
    );
    let (_, d) = find(&doc, "argocd.outofsync-drift", "grafana");
    assert_eq!(d["severity"], "warning");
    find(&doc, "argocd.sync-failed-missing-crd", "kube-prometheus");
}

#[test]
fn arc_listener_restarts_fold_under_argocd_cm() {
    let t = TestEnv::new();
    let (code, doc) = json(&t, "arc-listener-restarts", &[]);
    assert_eq!(code, 1);
    let (root, cm) = find(&doc, "arc.listener-restart-argocd-labels", "argocd-cm");
    assert_eq!(cm["root_cause"], true);
    assert_eq!(
        cm["actions"][0]["patch"]["data"]["application.resourceTrackingMethod"],
        "annotation"
    );
    let (_, l) = find(
        &doc,
        "arc.listener-restarting",
        "home-io-runners-754b578d-listener",
    );
    assert_eq!(l["caused_by"], root);
    let (_, app) = find(&doc, "argocd.outofsync-drift", "arc-runners");
    assert_eq!(app["caused_by"], root);
}

#[test]
fn homelab_table_shows_roots_and_next_steps() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args([
            "diagnose",
            "--snapshot",
            &snapshot("homelab-mixed"),
            "--show-symptoms",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let s = stdout(&o);
    for want in [
        "CRITICAL Node/k8s-3",
        "[safe] kubectl describe node/k8s-3",
        // Node changes are a human's call: named in the evidence, never proposed as actions.
        "a human may keep new pods off it (kubectl cordon k8s-3)",
        "PersistentVolumeClaim/media/jellyfin-config",
        "StorageClass fast-ssd does not exist",
        "Deployment/home/zigbee2mqtt",
        "Service/home/homepage",
        "app.kubernetes.io/name=homepage-app",
        "Not checked: HorizontalPodAutoscaler",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
    assert!(!s.contains("\x1b["), "NO_COLOR must disable colours");
    let (_, doc) = json(&t, "homelab-mixed", &[]);
    let (node, _) = find(&doc, "k8s.node-notready", "k8s-3");
    let (pvc, _) = find(&doc, "k8s.pvc-pending", "jellyfin-config");
    assert_eq!(
        find(&doc, "k8s.pending-taint", "zigbee2mqtt").1["caused_by"],
        node
    );
    assert_eq!(
        find(&doc, "k8s.pvc-pending", "jellyfin").1["caused_by"],
        pvc
    );
}

#[test]
fn fail_on_threshold_and_recipe_selection() {
    let t = TestEnv::new();
    // A snapshot whose only finding is a warning (metrics API down).
    t.write(
        "warn/apiservice.yaml",
        "apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.metrics.k8s.io}\n\
         status:\n  conditions:\n  - {type: Available, status: \"False\", reason: MissingEndpoints, message: no endpoints}\n",
    );
    let warn = t.path().join("warn").display().to_string();
    let code = |extra: &[&str]| {
        t.cmd()
            .args(["diagnose", "--snapshot", &warn])
            .args(extra)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(
        code(&[]),
        Some(0),
        "a warning is below the default threshold (error)"
    );
    assert_eq!(code(&["--fail-on", "warning"]), Some(1));

    let (code, doc) = json(
        &t,
        "homelab-mixed",
        &["--recipe", "network", "--fail-on", "critical"],
    );
    assert_eq!(code, 0, "an error is below a critical threshold");
    assert_eq!(doc["recipes"], serde_json::json!(["network"]));
    // A requested recipe whose kinds the snapshot does not hold read nothing: an error
    // naming the kinds, never an empty (healthy-looking) report.
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot", &snapshot("argocd-sync-error")])
        .args(["--recipe", "flux", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("nothing could be read") && stderr(&o).contains("GitRepository"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn list_and_unknown_recipe() {
    let t = TestEnv::new();
    let o = t.cmd().args(["diagnose", "--list"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    for id in ["flux", "argocd", "arc", "workloads", "network", "nodes"] {
        assert!(s.contains(id), "{s}");
    }
    let o = t
        .cmd()
        .args(["diagnose", "--recipe", "nope"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("flux"), "{}", stderr(&o));
}

#[test]
fn flux_persona_runs_flux_first_without_argocd() {
    let t = TestEnv::new();
    let o = t
        .persona("flux-claude")
        .args([
            "diagnose",
            "--snapshot",
            &snapshot("helmrelease-oomkilled"),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ran: Vec<&str> = v["recipes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(ran[0], "flux");
    assert!(
        ran.contains(&"workloads") && ran.contains(&"nodes"),
        "{ran:?}"
    );
    assert!(!ran.contains(&"argocd") && !ran.contains(&"arc"), "{ran:?}");
}

#[test]
fn yaml_output_and_live_without_snapshot() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args([
            "diagnose",
            "--snapshot",
            &snapshot("arc-listener-restarts"),
            "-o",
            "yaml",
        ])
        .output()
        .unwrap();
    assert!(stdout(&o).starts_with("v: 1\n"), "{}", stdout(&o));
    let o = t.cmd().args(["diagnose"]).output().unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

/// A snapshot with a crashlooping pod whose env carries a password, and a Secret with data.
fn secretive_snapshot(t: &TestEnv) -> String {
    std::fs::create_dir_all(t.path().join("snap")).unwrap();
    let src = repo().join("examples/snapshots/helmrelease-oomkilled");
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        if e.path().is_file() {
            std::fs::copy(e.path(), t.path().join("snap").join(e.file_name())).unwrap();
        }
    }
    // aHVudGVyMi1zZWNyZXQ= is base64("hunter2-secret")
    t.write(
        "snap/secrets.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db-creds, namespace: shop}\ndata:\n  password: aHVudGVyMi1zZWNyZXQ=\nstringData:\n  token: plain-token-value-123\n",
    );
    let pods = std::fs::read_to_string(t.path().join("snap/pods.yaml")).unwrap();
    // Give every container an env var that looks secret.
    let pods = pods.replace(
        "    containers:\n    - name: checkout\n",
        "    containers:\n    - name: checkout\n      env:\n      - name: DB_PASSWORD\n        value: hunter2-secret\n",
    );
    std::fs::write(t.path().join("snap/pods.yaml"), pods).unwrap();
    let w = std::fs::read_to_string(t.path().join("snap/workloads.yaml")).unwrap();
    let w = w.replace(
        "        containers:\n        - name: checkout\n",
        "        containers:\n        - name: checkout\n          env:\n          - name: DB_PASSWORD\n            value: hunter2-secret\n",
    );
    assert!(w.contains("hunter2-secret"));
    std::fs::write(t.path().join("snap/workloads.yaml"), w).unwrap();
    t.path().join("snap").display().to_string()
}

#[test]
fn explain_sends_a_redacted_summary_and_types_suggested_actions() {
    use crate::support::fake_llm::{FakeLlm, Reply};
    let reply = "The HelmRelease fails because its pods are OOMKilled.\n\n```json\n[{\"verb\": \"drain\", \"target\": {\"apiVersion\": \"v1\", \"kind\": \"Node\", \"name\": \"k8s-1\"}}]\n```\n";
    let llm = FakeLlm::start(vec![Reply::anthropic(reply)]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let snap = secretive_snapshot(&t);
    assert!(
        std::fs::read_to_string(t.path().join("snap/pods.yaml"))
            .unwrap()
            .contains("hunter2-secret")
    );
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot", &snap, "--explain"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(llm.count(), 1);
    let body = &llm.requests()[0].body;
    for secret in [
        "hunter2-secret",
        "aHVudGVyMi1zZWNyZXQ=",
        "plain-token-value-123",
    ] {
        assert!(!body.contains(secret), "the prompt leaked {secret}: {body}");
    }
    // The env var itself was summarised (so the check above is not vacuous), value redacted.
    assert!(body.contains("DB_PASSWORD=<redacted>"), "{body}");
    let out = stdout(&o);
    assert!(out.contains("OOMKilled"), "{out}");
    assert!(out.contains("[forbidden] kubectl drain k8s-1"), "{out}");
    // JSON carries the explanation and the typed suggestion with its tier.
    let o = t
        .cmd()
        .args([
            "diagnose",
            "--snapshot",
            &snap,
            "--explain",
            "--mask-names",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["explanation"]["suggested_actions"][0]["tier"],
        "forbidden"
    );
    let masked = &llm.requests()[1].body;
    assert!(!masked.contains("hunter2-secret"));
    // With --mask-names no object or namespace name of the scenario is sent, pods included.
    for name in ["checkout", "shop", "flux-system", "x7k2p"] {
        assert!(
            !masked.contains(name),
            "{name} sent despite --mask-names: {masked}"
        );
    }
    // …and the explanation shown to the user has the real names back.
    let text = v["explanation"]["text"].as_str().unwrap();
    assert!(text.contains("OOMKilled"), "{text}");
}

#[test]
fn explain_without_a_model_is_a_usage_error() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args([
            "diagnose",
            "--snapshot",
            &snapshot("homelab-mixed"),
            "--explain",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    // The diagnosis is printed, then the error (issue 13).
    assert!(stdout(&o).contains("Node/k8s-3"), "{}", stdout(&o));
    assert!(stderr(&o).contains("ANTHROPIC_API_KEY"), "{}", stderr(&o));
}

/// The shared model flags choose what `--explain` asks: without `--explain`, or naming the
/// offline provider (which has no model), they are refused before anything is read, with the
/// way out; with `--explain` they reach the model (`--model` is what the call log records).
#[test]
fn model_flags_only_go_with_explain_and_never_offline() {
    let t = TestEnv::new();
    let snap = snapshot("homelab-mixed");
    for (args, want, hint) in [
        (
            &["--provider", "anthropic"][..],
            "without --explain they do nothing",
            "add --explain",
        ),
        (
            &["--model", "m"][..],
            "without --explain they do nothing",
            "add --explain",
        ),
        (
            &["--explain", "--provider", "offline"][..],
            "the offline provider has none",
            "--provider anthropic or --provider openai",
        ),
    ] {
        let o = t
            .cmd()
            .args(["diagnose", "--snapshot", &snap])
            .args(args)
            .output()
            .unwrap();
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains(want) && e.contains(hint), "{args:?}: {e}");
        assert!(
            stdout(&o).is_empty(),
            "refused before diagnosing: {}",
            stdout(&o)
        );
    }
    use crate::support::fake_llm::{FakeLlm, Reply};
    let llm = FakeLlm::start(vec![Reply::openai("The node is down.")]);
    let mut t = TestEnv::new();
    t.set("OPENAI_BASE_URL", llm.openai_url());
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot", &snap, "--explain", "-o", "json"])
        .args(["--provider", "openai", "--model", "qwen-test"])
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["explanation"]["provider"], "openai", "{doc:#}");
    assert_eq!(doc["explanation"]["model"], "qwen-test");
    assert_eq!(llm.requests().len(), 1);
    assert_eq!(llm.requests()[0].json()["model"], "qwen-test");
}

#[test]
fn status_overview_on_snapshots() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args([
            "status",
            "--snapshot",
            &snapshot("homelab-mixed"),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["v"], 1);
    let nodes = v["nodes"].as_array().unwrap();
    assert!(
        nodes
            .iter()
            .any(|n| n["name"] == "k8s-3" && n["ready"].as_str().unwrap().starts_with("NotReady"))
    );
    assert_eq!(v["problems"][0]["object"], "Node/k8s-3");
    assert!(
        v["recommendations"][0]
            .as_str()
            .unwrap()
            .starts_with("[safe] kubectl describe node/k8s-3")
    );
    let o = t
        .cmd()
        .args(["status", "--snapshot", &snapshot("flux-git-auth")])
        .output()
        .unwrap();
    let s = stdout(&o);
    assert!(
        s.contains("Flux") && s.contains("GitRepository") && s.contains("AuthenticationFailed"),
        "{s}"
    );
    let o = t
        .cmd()
        .args(["status", "--snapshot", &snapshot("argocd-sync-error")])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("OutOfSync"), "{}", stdout(&o));
}

/// Every demo scenario gives the same findings live (through the fake API server seeded from
/// the snapshot) as from the snapshot itself, and the same kinds are reported as not checked.
#[test]
fn live_and_snapshot_give_the_same_result() {
    use crate::support::fake_apiserver::FakeApiServer;
    for scenario in [
        "flux-git-auth",
        "helmrelease-oomkilled",
        "argocd-sync-error",
        "arc-listener-restarts",
        "homelab-mixed",
    ] {
        let t = TestEnv::new();
        let (snap_code, snap) = json(&t, scenario, &[]);
        let fake = FakeApiServer::from_dir(&repo().join("examples/snapshots").join(scenario));
        t.use_cluster(&fake);
        let o = t
            .cmd()
            .args(["diagnose", "-A", "-o", "json"])
            .output()
            .unwrap();
        let live: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{scenario}: {e}: {}", stderr(&o)));
        assert_eq!(
            o.status.code(),
            Some(snap_code),
            "{scenario}: {}",
            stderr(&o)
        );
        assert_eq!(
            live["findings"], snap["findings"],
            "{scenario}: live and snapshot differ"
        );
        assert_eq!(live["recipes"], snap["recipes"], "{scenario}");
        let kinds = |v: &Value| -> Vec<String> {
            let mut k: Vec<String> = v["skipped"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["kind"].as_str().unwrap().to_string())
                .collect();
            k.sort();
            k
        };
        assert_eq!(
            kinds(&live),
            kinds(&snap),
            "{scenario}: not-checked kinds differ"
        );
        // Read-only: diagnose never writes.
        assert!(fake.writes().is_empty(), "{scenario}: {:?}", fake.writes());
    }
}

#[test]
fn live_diagnose_on_an_unreachable_cluster_exits_4() {
    let t = TestEnv::new();
    t.write(
        "kubeconfig",
        "apiVersion: v1\nkind: Config\ncurrent-context: gone\ncontexts:\n- name: gone\n  context: {cluster: gone, user: u}\nclusters:\n- name: gone\n  cluster: {server: \"http://127.0.0.1:9\"}\nusers:\n- name: u\n  user: {token: t}\n",
    );
    let o = t.cmd().args(["diagnose"]).output().unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let e = stderr(&o);
    assert!(e.contains("gone") && e.contains("127.0.0.1:9"), "{e}");
}

/// A workflow `task:` step sends the same redacted summary as --explain, is call-logged, and
/// its answer lands in the report.
#[test]
fn workflow_task_steps_ask_the_model_with_a_redacted_summary() {
    use crate::support::fake_llm::{FakeLlm, Reply};
    let llm = FakeLlm::start(vec![Reply::anthropic(
        "1. Raise the checkout memory limit.",
    )]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let snap = secretive_snapshot(&t);
    let o = t
        .cmd()
        .args([
            "workflow",
            "run",
            "cluster-health-check",
            "--snapshot",
            &snap,
            // The session's snapshot rule: a snapshot is acted on only in a dry run.
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c == 0 || c == 3),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    assert_eq!(llm.count(), 1, "{}{}", stdout(&o), stderr(&o));
    let body = &llm.requests()[0].body;
    assert!(body.contains("Summarize these findings"), "{body}");
    for secret in [
        "hunter2-secret",
        "aHVudGVyMi1zZWNyZXQ=",
        "plain-token-value-123",
    ] {
        assert!(!body.contains(secret), "leaked {secret}: {body}");
    }
    assert!(
        stdout(&o).contains("Raise the checkout memory limit"),
        "{}",
        stdout(&o)
    );
    let u = t.cmd().args(["usage", "-o", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&u.stdout).unwrap();
    assert_eq!(
        v["rows"][0]["app"], "workflow cluster-health-check",
        "{v:#}"
    );
}

/// `snapshot` captured from a live cluster and read back gives the same diagnosis as the live
/// cluster, for every demo scenario (logs of failing pods and ARC controllers included).
#[test]
fn a_live_snapshot_read_back_diagnoses_like_live() {
    use crate::support::fake_apiserver::FakeApiServer;
    for scenario in [
        "flux-git-auth",
        "helmrelease-oomkilled",
        "argocd-sync-error",
        "arc-listener-restarts",
        "homelab-mixed",
    ] {
        let t = TestEnv::new();
        let fake = FakeApiServer::from_dir(&repo().join("examples/snapshots").join(scenario));
        t.use_cluster(&fake);
        let live = t
            .cmd()
            .args(["diagnose", "-A", "-o", "json"])
            .output()
            .unwrap();
        let o = t
            .cmd()
            .args(["snapshot", "-A", "-o", "snap"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{scenario}: {}", stderr(&o));
        let back = t
            .cmd()
            .args(["diagnose", "--snapshot", "snap", "-o", "json"])
            .output()
            .unwrap();
        let (a, b): (Value, Value) = (
            serde_json::from_slice(&live.stdout).unwrap(),
            serde_json::from_slice(&back.stdout).unwrap(),
        );
        assert_eq!(a["findings"], b["findings"], "{scenario}");
        assert_eq!(live.status.code(), back.status.code(), "{scenario}");
    }
}
