//! The safety holes of issue 10, end to end: audit truth when the log fails mid-action, torn
//! lines, directory modes the user set, all-or-nothing applies and multi-step fixes.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::acting::{audit_dir, audit_records, deployment, env_for, fake, mutations};
use crate::support::env::{NOW, TestEnv, stderr, stdout};
use crate::support::fake_apiserver::FakeApiServer;

fn day_file(t: &TestEnv) -> PathBuf {
    audit_dir(t).join(format!("{}.jsonl", &NOW[..10]))
}

#[test]
fn an_outcome_lost_after_a_scale_says_it_ran_not_that_it_did_not() {
    let t = TestEnv::new();
    let day = day_file(&t);
    let hooked = day.clone();
    // The cluster receives the change; at that moment the audit file becomes unwritable (a
    // directory in its place fails the append whoever runs the test, root included).
    let fake = FakeApiServer::builder()
        .objects([deployment()])
        .on_write(move |_| {
            let _ = std::fs::remove_file(&hooked);
            let _ = std::fs::create_dir(&hooked);
        })
        .start();
    t.use_cluster(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "scale",
            "deployment/web",
            "--replicas",
            "3",
            "-n",
            "app",
            "--yes",
        ])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(6), "{err}");
    assert_eq!(mutations(&fake).len(), 1, "the scale was sent once");
    assert!(!err.contains("not executed"), "{err}");
    assert!(err.contains("executed scale Deployment/app/web"), "{err}");
    assert!(
        err.contains("(ok)") && err.contains("decision record"),
        "{err}"
    );
    assert!(err.contains("do not run it again"), "{err}");
    assert!(day.is_dir());
}

#[test]
fn an_append_after_a_torn_line_starts_on_a_fresh_line_and_audit_reports_the_fragment() {
    let fake = fake();
    let t = env_for(&fake);
    let day = day_file(&t);
    std::fs::create_dir_all(day.parent().unwrap()).unwrap();
    // What a full disk or a crash leaves: half a record, no newline.
    std::fs::write(&day, "{\"v\":1,\"id\":\"torn\",\"phase\":\"deci").unwrap();
    let o = t
        .cmd()
        .args(["act", "get", "deployment/web", "-n", "app"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&day).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| serde_json::from_str::<Value>(l).is_ok())
    );

    let o = t.cmd().args(["audit", "-o", "json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(v["unreadable"][0]["line"], 1, "{v:#}");
    let o = t.cmd().args(["audit"]).output().unwrap();
    let err = stderr(&o);
    assert!(
        err.contains("1 line") && err.contains("could not be read"),
        "{err}"
    );
    assert!(err.contains(&format!("{}:1", day.display())), "{err}");
}

#[cfg(unix)]
#[test]
fn an_audit_directory_the_user_made_read_only_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let fake = fake();
    let t = env_for(&fake);
    let dir = audit_dir(&t);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let o = t
        .cmd()
        .args([
            "act",
            "scale",
            "deployment/web",
            "--replicas",
            "3",
            "-n",
            "app",
            "--yes",
        ])
        .output()
        .unwrap();
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o500, "the user's mode was changed");
    // Root writes through 0500; anyone else is refused before anything is sent.
    if unsafe_is_root() {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    } else {
        assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
        assert!(mutations(&fake).is_empty());
    }
}

fn unsafe_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn a_multi_document_apply_with_a_node_anywhere_changes_nothing() {
    let fake = fake();
    let t = env_for(&fake);
    let mut d = deployment();
    d["spec"]["replicas"] = json!(5);
    // A typed NodeList inside a List: its items carry no kind.
    let file = t.write(
        "fix.yaml",
        &format!(
            "{}---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: NodeList\n  items:\n  - metadata:\n      name: pi5-a\n      labels: {{evil: \"yes\"}}\n",
            kubectl_claude::manifest::to_yaml(&d)
        ),
    );
    let o = t
        .cmd()
        .args(["act", "apply", "-f"])
        .arg(&file)
        .arg("--yes")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(mutations(&fake).is_empty(), "{:?}", mutations(&fake));
    assert!(!err.contains("List/"), "{err}");
    assert!(
        err.contains("forbidden") && err.contains("writes a Node"),
        "{err}"
    );
    let recs = audit_records(&t);
    assert_eq!(recs.len(), 4);
    assert!(
        recs.iter().all(|r| r["approval"] == "refused-forbidden"),
        "{recs:#?}"
    );
    assert!(recs.iter().all(|r| r["unit"]["of"] == 2), "{recs:#?}");
}

fn failed_runner(name: &str) -> Value {
    json!({"apiVersion": "actions.github.com/v1alpha1", "kind": "EphemeralRunner",
        "metadata": {"name": name, "namespace": "arc-runners",
            "ownerReferences": [{"apiVersion": "actions.github.com/v1alpha1",
                "kind": "EphemeralRunnerSet", "name": "set", "uid": "u"}]},
        "status": {"phase": "Failed", "reason": "TooManyPodFailures", "message": "pod failed"}})
}

#[test]
fn a_fix_of_several_steps_stops_at_the_failure_and_says_it_is_partial() {
    let fake = FakeApiServer::builder()
        .objects([
            json!({"apiVersion": "actions.github.com/v1alpha1", "kind": "AutoscalingRunnerSet",
                "metadata": {"name": "runners", "namespace": "arc-runners"}, "spec": {}}),
            failed_runner("r1"),
            failed_runner("r2"),
            failed_runner("r3"),
        ])
        .fail_writes("ephemeralrunners/r2", 500)
        .start();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args(["fix", "--recipe", "arc", "--yes"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let sent: Vec<String> = mutations(&fake).into_iter().map(|r| r.path).collect();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        sent[0].ends_with("/r1") && sent[1].ends_with("/r2"),
        "{sent:?}"
    );
    assert!(
        err.contains("partial:") && err.contains("1 of 3 steps"),
        "{err}"
    );
    assert!(err.contains("not run:"), "{err}");
    let recs = audit_records(&t);
    assert_eq!(recs.len(), 6, "{recs:#?}");
    assert_eq!(recs[5]["error"], "not run: step 2 of 3 failed");
}

/// The oomkilled example with credentials planted in every shape the probing found leaking:
/// env names with PASS, values shaped like credentials, container args, log lines, events.
fn planted_snapshot(t: &TestEnv) -> PathBuf {
    let src = crate::support::env::repo().join("examples/snapshots/helmrelease-oomkilled");
    let dst = t.path().join("snap");
    copy_tree(&src, &dst);
    let pods = std::fs::read_to_string(dst.join("pods.yaml")).unwrap();
    let pods = pods.replace(
        "    containers:\n    - name: checkout\n",
        "    containers:\n    - name: checkout\n      args: [\"--db-password\", \"PLANTED-ARG-1\", \"--token=PLANTED-ARG-2\"]\n      env:\n      - name: DB_PASS\n        value: PLANTED-ENV-1\n      - name: MYSQL_ROOT_PASS\n        value: PLANTED-ENV-2\n      - name: JAVA_OPTS\n        value: -Dspring.datasource.password=PLANTED-ENV-3\n      - name: DATABASE_URL\n        value: postgres://app:PLANTED-ENV-4@db:5432/app\n      - name: APP_CONFIG\n        value: '{\"password\": \"PLANTED-ENV-5\"}'\n",
    );
    std::fs::write(dst.join("pods.yaml"), pods).unwrap();
    // The prompt summarises the workload's template, so plant the same env there.
    let w = std::fs::read_to_string(dst.join("workloads.yaml")).unwrap();
    let w = w.replace(
        "        containers:\n        - name: checkout\n",
        "        containers:\n        - name: checkout\n          env:\n          - name: DB_PASS\n            value: PLANTED-ENV-1\n          - name: MYSQL_ROOT_PASS\n            value: PLANTED-ENV-2\n          - name: JAVA_OPTS\n            value: -Dspring.datasource.password=PLANTED-ENV-3\n          - name: DATABASE_URL\n            value: postgres://app:PLANTED-ENV-4@db:5432/app\n          - name: APP_CONFIG\n            value: '{\"password\": \"PLANTED-ENV-5\"}'\n",
    );
    assert!(w.contains("PLANTED-ENV-5"));
    std::fs::write(dst.join("workloads.yaml"), w).unwrap();
    let log = dst.join("shop/checkout-6b8f9d7c5d-x7k2p/logs.txt");
    let mut text = std::fs::read_to_string(&log).unwrap();
    text.push_str("connecting with api_key = PLANTED-LOG-1\nsecret = \"PLANTED-LOG-2\"\n{\"db_password\": \"PLANTED-LOG-3\"}\nusing password PLANTED-LOG-4\n");
    std::fs::write(&log, text).unwrap();
    let ev = std::fs::read_to_string(dst.join("events.yaml")).unwrap();
    let ev = ev.replace(
        "Back-off restarting failed container checkout",
        "Back-off restarting (token=PLANTED-EVENT-1) failed container checkout",
    );
    std::fs::write(dst.join("events.yaml"), ev).unwrap();
    dst
}

fn copy_tree(src: &std::path::Path, dst: &std::path::Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap().flatten() {
        let to = dst.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

#[test]
fn explain_prompts_carry_no_planted_credential() {
    use crate::support::fake_llm::{FakeLlm, Reply};
    let llm = FakeLlm::start(vec![Reply::anthropic("It is OOMKilled.")]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let snap = planted_snapshot(&t);
    let o = t
        .cmd()
        .args(["diagnose", "--explain", "--snapshot"])
        .arg(&snap)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let body = &llm.requests()[0].body;
    assert!(!body.contains("PLANTED"), "the prompt leaked: {body}");
    // Not vacuous: the env entries were summarised, their values masked.
    for name in [
        "DB_PASS=",
        "MYSQL_ROOT_PASS=",
        "JAVA_OPTS=",
        "DATABASE_URL=",
        "APP_CONFIG=",
    ] {
        assert!(body.contains(name), "{name} missing from {body}");
    }
}

#[test]
fn snapshot_files_carry_no_planted_credential_and_say_what_was_redacted() {
    let fake = FakeApiServer::builder()
        .objects([
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "app"},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                    "args": ["--db-password", "PLANTED-ARG-1", "--token=PLANTED-ARG-2", "--port", "8080"],
                    "env": [
                        {"name": "DATABASE_URL", "value": "postgres://app:PLANTED-ENV-1@db:5432/app"},
                        {"name": "DB_PASS", "value": "PLANTED-ENV-2"},
                        {"name": "JAVA_OPTS", "value": "-Dspring.datasource.password=PLANTED-ENV-3"},
                        {"name": "MODE", "value": "prod"}]}]},
                "status": {"phase": "Running", "message": "probe sent api_key=PLANTED-STATUS-1",
                    "containerStatuses": [{"name": "web", "ready": false,
                    "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "app"},
                "data": {"application.properties": "spring.datasource.password=PLANTED-CM-1\nserver.port=8080\n",
                    "config.json": "{\"token\": \"PLANTED-CM-2\"}"}}),
            json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e1", "namespace": "app"},
                "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "app"},
                "reason": "Unhealthy", "type": "Warning",
                "message": "Readiness probe failed: GET /health?token=PLANTED-EVENT-1 returned 401"}),
        ])
        .log("app", "web-1", "web", "connecting with password PLANTED-LOG-1\nsecret = \"PLANTED-LOG-2\"\nready on :8080\n")
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
    let mut all = String::new();
    for f in walk(&dir) {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(!text.contains("PLANTED"), "{} leaked: {text}", f.display());
        all.push_str(&text);
    }
    // Not vacuous: what is not a credential survives, and the files were written.
    for kept in [
        "prod",
        "--port",
        "8080",
        "server.port=8080",
        "ready on :8080",
        "Readiness probe failed",
    ] {
        assert!(all.contains(kept), "{kept} was lost");
    }
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains("What was redacted") && readme.contains("args"),
        "{readme}"
    );
    // The README is not mistaken for cluster data.
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!stderr(&o).contains("README"), "{}", stderr(&o));
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn dry_runs_prompts_and_audit_records_mask_credentials_in_patches() {
    let fake = FakeApiServer::builder()
        .objects([
            deployment(),
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "app"},
                "data": {"password": "b2xk"}}),
        ])
        .start();
    let t = env_for(&fake);
    let env_patch = r#"{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"API_TOKEN","value":"PLANTED-ENV-9"}],"args":["--token=PLANTED-ARG-9"]}]}}}}"#;
    let secret_patch = r#"{"data":{"password":"UExBTlRFRC1CNjQ="}}"#;
    for (target, patch_type, patch) in [
        ("deployment/web", "strategic", env_patch),
        ("secret/db", "merge", secret_patch),
    ] {
        let o = t
            .cmd()
            .args([
                "act",
                "patch",
                target,
                "-n",
                "app",
                "--type",
                patch_type,
                "-p",
                patch,
                "--dry-run",
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let shown = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            !shown.contains("PLANTED") && !shown.contains("UExBTlRFRC1CNjQ="),
            "{shown}"
        );
        assert!(shown.contains("kubectl patch"), "{shown}");
    }
    // The diff still shows that the env value is added.
    let o = t
        .cmd()
        .args([
            "act",
            "patch",
            "deployment/web",
            "-n",
            "app",
            "-p",
            env_patch,
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("+") && stdout(&o).contains("value: <redacted>"),
        "{}",
        stdout(&o)
    );

    let o = t
        .cmd()
        .args([
            "act",
            "patch",
            "deployment/web",
            "-n",
            "app",
            "-p",
            env_patch,
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The cluster gets the real value; the record does not.
    assert!(mutations(&fake)[0].body.contains("PLANTED-ENV-9"));
    let log = std::fs::read_to_string(day_file(&t)).unwrap();
    assert!(!log.contains("PLANTED"), "{log}");
    assert!(log.contains("API_TOKEN"), "{log}");
}

fn widget() -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "w1", "namespace": "default"}, "spec": {"size": 3}})
}

#[test]
fn a_503_aggregated_group_is_skipped_in_seconds_and_said_so() {
    let fake = FakeApiServer::builder()
        .objects([widget()])
        .unavailable_group("metrics.k8s.io", "v1beta1")
        .start();
    let t = env_for(&fake);
    let started = std::time::Instant::now();
    let o = t.cmd().args(["act", "get", "widget/w1"]).output().unwrap();
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(took < std::time::Duration::from_secs(10), "took {took:?}");
    assert!(stdout(&o).contains("size: 3"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains("skipped API group metrics.k8s.io/v1beta1") && err.contains("503"),
        "{err}"
    );
    // Asked once: no retry storm.
    let asked = fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/apis/metrics.k8s.io/"))
        .count();
    assert_eq!(asked, 1);
}

#[test]
fn request_timeout_bounds_a_hung_aggregated_group() {
    let fake = FakeApiServer::builder()
        .objects([widget()])
        .hanging_group(
            "metrics.k8s.io",
            "v1beta1",
            std::time::Duration::from_secs(30),
        )
        .start();
    let t = env_for(&fake);
    let started = std::time::Instant::now();
    let o = t
        .cmd()
        .args(["act", "get", "widget/w1", "--request-timeout", "1s"])
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(took < std::time::Duration::from_secs(8), "took {took:?}");
    assert!(
        stderr(&o).contains("metrics.k8s.io/v1beta1") && stderr(&o).contains("--request-timeout"),
        "{}",
        stderr(&o)
    );
    let o = t
        .cmd()
        .args(["act", "get", "widget/w1", "--request-timeout", "soon"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn concurrent_cold_renders_of_one_key_make_one_model_call() {
    use crate::support::fake_llm::{FakeLlm, Reply};
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app.kubernetes.io/name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app.kubernetes.io/name: web}}\n  template:\n    metadata: {labels: {app.kubernetes.io/name: web}}\n    spec:\n      securityContext: {runAsNonRoot: true}\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.2.3\n        ports: [{name: http, containerPort: 8080}]\n        readinessProbe: {httpGet: {path: /ready, port: http}}\n        livenessProbe: {httpGet: {path: /health, port: http}}\n        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}\n        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n";
    // Slow enough that every render starts while the first call is still in flight.
    let llm = FakeLlm::start(vec![
        Reply::anthropic(&format!("```yaml\n{deploy}```"))
            .delayed(std::time::Duration::from_millis(1500)),
    ]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let children: Vec<_> = (0..6)
        .map(|_| {
            let mut c = t.std_cmd_at(&crate::support::env::bin());
            c.args(["generate", "a web deployment", "-n", "shop"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    let outs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outs {
        assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    }
    assert_eq!(llm.count(), 1, "one model call for one key");
    let first = stdout(&outs[0]);
    assert!(first.contains("kind: Deployment"));
    assert!(
        outs.iter().all(|o| stdout(o) == first),
        "every render is the same"
    );
    // No lock is left behind.
    let locks: Vec<_> = walk(&t.home())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "lock"))
        .collect();
    assert!(locks.is_empty(), "{locks:?}");
}

#[test]
fn non_utf8_input_is_a_usage_error_everywhere() {
    let t = TestEnv::new();
    let bad = t.path().join("bad.yaml");
    std::fs::write(
        &bad,
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \xff\xfe}\n",
    )
    .unwrap();
    let snap = crate::support::env::repo().join("examples/snapshots/homelab-mixed");
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["lint".into(), "-f".into(), bad.clone().into()],
        // diff has no --snapshot: it reads its input before it looks for a cluster.
        vec!["diff".into(), "-f".into(), bad.clone().into()],
        vec!["generate".into(), "-f".into(), bad.clone().into()],
        vec!["workflow".into(), "validate".into(), bad.clone().into()],
        vec![
            "act".into(),
            "apply".into(),
            "-f".into(),
            bad.clone().into(),
            "--dry-run".into(),
            "--snapshot".into(),
            snap.into(),
        ],
    ];
    for args in runs {
        let o = t.cmd().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
        assert!(stderr(&o).contains("bad.yaml"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn a_snapshot_where_every_kind_is_forbidden_is_an_error_not_an_empty_snapshot() {
    let fake = FakeApiServer::builder()
        .forbid("v1", "Pod")
        .forbid("apps/v1", "Deployment")
        .start();
    let t = env_for(&fake);
    let dir = t.path().join("snap");
    let o = t
        .cmd()
        .args(["snapshot", "-A", "--kinds", "pods,deploy", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(!stderr(&o).contains("wrote 0 objects"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Pod") && stderr(&o).contains("forbidden"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("pod.json").exists() && !dir.join("README.md").exists());
}

#[test]
fn forbidden_pod_logs_are_noted_not_dropped() {
    let fake = FakeApiServer::builder()
        .objects([json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-1", "namespace": "app"},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "web", "ready": false,
                "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}})])
        .log("app", "web-1", "web", "panic\n")
        .forbid_logs()
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
    let err = stderr(&o);
    assert!(
        err.contains("pods/log") && err.contains("app/web-1/web"),
        "{err}"
    );
    let skipped = std::fs::read_to_string(dir.join("skipped-kinds.txt")).unwrap();
    assert!(skipped.contains("pods/log: forbidden"), "{skipped}");
}

#[test]
fn workflow_validate_catches_a_patch_the_server_would_reject() {
    let t = TestEnv::new();
    let cases = [
        (
            "type: json, patch: {spec: {replicas: 2}}",
            "list of operations",
        ),
        (
            "type: json, patch: [{op: set, path: /spec/replicas, value: 2}]",
            "op `set`",
        ),
        (
            "type: json, patch: [{op: replace, path: spec/replicas, value: 2}]",
            "JSON pointer",
        ),
        (
            "type: json, patch: [{op: replace, path: /spec/replicas}]",
            "needs a value",
        ),
        ("type: merge, patch: [1, 2]", "must be a mapping"),
        ("patch: \"replicas=2\"", "must be a mapping"),
    ];
    for (inputs, want) in cases {
        let f = t.write(
            "wf.yaml",
            &format!("name: p\nsteps:\n  - name: bump\n    action: patch\n    target: deployment/web\n    inputs: {{{inputs}}}\n"),
        );
        let o = t
            .cmd()
            .args(["workflow", "validate"])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{inputs}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("step \"bump\": inputs.patch") && stderr(&o).contains(want),
            "{inputs}: {}",
            stderr(&o)
        );
    }
    for ok in [
        "type: json, patch: [{op: replace, path: /spec/replicas, value: 2}]",
        "type: merge, patch: {spec: {replicas: 2}}",
        "patch: \"{{ params.patch }}\"",
    ] {
        let f = t.write(
            "wf.yaml",
            &format!("name: p\nparams: [{{name: patch, required: false}}]\nsteps:\n  - name: bump\n    action: patch\n    target: deployment/web\n    inputs: {{{ok}}}\n"),
        );
        let o = t
            .cmd()
            .args(["workflow", "validate"])
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{ok}: {}", stderr(&o));
    }
}
