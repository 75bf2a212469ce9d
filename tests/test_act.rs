//! Acting safely, end to end: `act` against the loopback fake API server, asserting on the
//! requests the fake recorded and on the audit log the binary wrote.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::env::{TestEnv, stderr, stdout};
use crate::support::fake_apiserver::{ExecRecorded, ExecReply, FakeApiServer};

// The fixtures and audit helpers every acting test shares live in `tests/support/acting.rs`.
use crate::support::acting::{assert_audit, audit_records, env_for, fake, mutations, objects};

#[test]
fn forbidden_is_refused_with_and_without_yes_and_sends_nothing() {
    let fake = fake();
    let t = env_for(&fake);
    for extra in [&[][..], &["--yes"][..], &["--yes", "--dry-run"][..]] {
        let o = t
            .cmd()
            .args(["act", "drain", "node/pi5-a"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(3), "{extra:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("forbidden"), "{err}");
        assert!(
            err.contains("kubectl drain pi5-a --ignore-daemonsets"),
            "the manual command is shown: {err}"
        );
    }
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
    assert_audit(
        &t,
        &[
            ("drain", "refused-forbidden", "skipped"),
            ("drain", "refused-forbidden", "skipped"),
            ("drain", "refused-forbidden", "skipped"),
        ],
    );
}

#[test]
fn confirm_without_a_terminal_is_refused_and_sends_nothing() {
    let fake = fake();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "scale",
            "deployment/web",
            "-n",
            "app",
            "--replicas",
            "3",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    assert!(fake.writes().is_empty());
    assert_audit(&t, &[("scale", "refused-no-tty", "skipped")]);
}

#[test]
fn confirm_with_yes_sends_exactly_the_expected_patch() {
    let fake = fake();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "scale",
            "deploy/web",
            "-n",
            "app",
            "--replicas",
            "3",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = fake.writes();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].method, "PATCH");
    assert_eq!(
        w[0].path,
        "/apis/apps/v1/namespaces/app/deployments/web/scale"
    );
    assert_eq!(
        w[0].content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&w[0].body).unwrap(),
        json!({"spec": {"replicas": 3}})
    );
    assert!(w[0].query.contains("fieldManager=kubectl-claude"));

    let o = t
        .cmd()
        .args([
            "act",
            "patch",
            "deployment/web",
            "-n",
            "app",
            "--type",
            "merge",
        ])
        .args([
            "-p",
            r#"{"spec":{"template":{"spec":{"priorityClassName":"high"}}}}"#,
        ])
        .args(["--yes", "--reason", "ticket 42"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = fake.writes();
    assert_eq!(w.len(), 2);
    assert_eq!(w[1].path, "/apis/apps/v1/namespaces/app/deployments/web");
    assert_eq!(
        w[1].content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&w[1].body).unwrap(),
        json!({"spec": {"template": {"spec": {"priorityClassName": "high"}}}})
    );
    assert_audit(
        &t,
        &[("scale", "flag-yes", "ok"), ("patch", "flag-yes", "ok")],
    );
    let recs = audit_records(&t);
    assert_eq!(recs[2]["rationale"], "ticket 42");
    assert_eq!(recs[2]["origin"], "user");
    assert_eq!(recs[2]["tier"], "confirm");
    assert_eq!(recs[2]["action"]["patch_type"], "merge");
    assert_eq!(recs[2]["target"], "Deployment/app/web");
}

#[test]
fn dry_run_shows_the_change_and_sends_nothing() {
    let fake = fake();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "scale",
            "deployment/web",
            "-n",
            "app",
            "--replicas",
            "5",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("-  replicas: 2"), "{out}");
    assert!(out.contains("+  replicas: 5"), "{out}");
    assert!(stderr(&o).contains("kubectl scale deployment/web -n app --replicas 5"));
    assert!(fake.writes().is_empty());
    assert_audit(&t, &[("scale", "dry-run", "skipped")]);
}

#[test]
fn read_only_refuses_changes_and_runs_reads() {
    let fake = fake();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "rollout-restart",
            "deployment/web",
            "-n",
            "app",
            "--read-only",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = t
        .cmd()
        .args(["act", "get", "deployment/web", "-n", "app", "--read-only"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("image: nginx:1.27"), "{}", stdout(&o));
    assert!(fake.writes().is_empty());
    assert_audit(
        &t,
        &[
            ("rollout-restart", "refused-read-only", "skipped"),
            ("get", "auto", "ok"),
        ],
    );
}

#[test]
fn suggest_only_prints_a_patch_for_git_and_sends_nothing() {
    let fake = fake();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "scale",
            "deployment/web",
            "-n",
            "app",
            "--replicas",
            "4",
            "--suggest-only",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("# manual: kubectl scale deployment/web -n app --replicas 4"),
        "{out}"
    );
    let docs = kubectl_claude::manifest::parse_stream(&out).unwrap();
    assert_eq!(docs[0]["kind"], "Deployment");
    assert_eq!(docs[0]["spec"]["replicas"], 4);
    assert!(fake.writes().is_empty());
    assert_audit(&t, &[("scale", "suggest-only", "skipped")]);
}

#[test]
fn an_unwritable_audit_log_blocks_execution_with_exit_6() {
    let fake = fake();
    let mut t = env_for(&fake);
    let file = t.write("not-a-dir", "x");
    t.set("XDG_STATE_HOME", file.join("state").display().to_string());
    let o = t
        .cmd()
        .args([
            "act",
            "scale",
            "deployment/web",
            "-n",
            "app",
            "--replicas",
            "3",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("audit log"), "{}", stderr(&o));
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
}

#[test]
fn config_and_team_settings_cannot_lower_a_forbidden_tier() {
    let fake = fake();
    let t = env_for(&fake);
    let settings = t.write(
        "team/settings.json",
        r#"{"agents": {}, "autonomy": {"safe_actions": ["drain", "cordon", "delete node", "scale"],
            "confirm_actions": [], "forbidden_actions": []}}"#,
    );
    t.write(
        "home/.config/kubectl-claude/config.yaml",
        &format!(
            "autonomy:\n  safe_actions: [drain, cordon, scale, patch]\nautonomy_file: {}\n",
            settings.display()
        ),
    );
    for args in [
        &["act", "drain", "node/pi5-a", "--yes"][..],
        &["act", "cordon", "pi5-a"][..],
        &["act", "delete", "node/pi5-a", "--yes"][..],
    ] {
        let o = t.cmd().args(args).output().unwrap();
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("forbidden"), "{}", stderr(&o));
    }
    // "safe" in config does not lower a built-in confirm either.
    let o = t
        .cmd()
        .args([
            "act",
            "scale",
            "deployment/web",
            "-n",
            "app",
            "--replicas",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(fake.writes().is_empty());
    assert_audit(
        &t,
        &[
            ("drain", "refused-forbidden", "skipped"),
            ("cordon", "refused-forbidden", "skipped"),
            ("delete-node", "refused-forbidden", "skipped"),
            ("scale", "refused-no-tty", "skipped"),
        ],
    );
}

#[test]
fn reconcile_with_source_annotates_source_then_kustomization() {
    let fake = fake();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "reconcile",
            "ks/apps",
            "-n",
            "flux-system",
            "--with-source",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let paths: Vec<String> = mutations(&fake).iter().map(|w| w.path.clone()).collect();
    assert_eq!(
        paths,
        vec![
            "/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/flux-system",
            "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps",
        ]
    );
}

// ------------------------------------------------------------------ through a real pty

/// Runs the binary inside a pseudo-terminal (util-linux `script`), waits for the prompt,
/// types `answer` and returns (exit code, everything the terminal showed).
pub fn run_in_pty(t: &TestEnv, args: &[&str], answer: &str) -> (Option<i32>, String) {
    let quoted: Vec<String> = std::iter::once(crate::support::env::bin().display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let mut cmd = t.std_cmd_at(Path::new("script"));
    cmd.args(["-qec", &quoted.join(" "), "/dev/null"])
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("script(1) from util-linux");
    let seen = Arc::new(Mutex::new(String::new()));
    let mut out = child.stdout.take().unwrap();
    let s2 = seen.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            s2.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.lock().unwrap().contains("Apply this change?") {
        assert!(
            Instant::now() < deadline,
            "no prompt: {}",
            seen.lock().unwrap()
        );
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(answer.as_bytes());
    let _ = stdin.flush();
    let status = loop {
        if let Ok(Some(s)) = child.try_wait() {
            break s;
        }
        assert!(Instant::now() < deadline, "hung: {}", seen.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    let _ = reader.join();
    let text = seen.lock().unwrap().clone();
    (status.code(), text)
}

#[test]
fn interactive_prompt_no_writes_nothing_yes_writes_once() {
    let fake = fake();
    let t = env_for(&fake);
    let args = [
        "act",
        "scale",
        "deployment/web",
        "-n",
        "app",
        "--replicas",
        "3",
    ];
    let (code, screen) = run_in_pty(&t, &args, "n\r");
    assert_eq!(code, Some(3), "{screen}");
    assert!(
        screen.contains("-  replicas: 2"),
        "the prompt shows the diff: {screen}"
    );
    assert!(screen.contains("+  replicas: 3"), "{screen}");
    assert!(
        screen.contains("kubectl scale deployment/web -n app --replicas 3"),
        "{screen}"
    );
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());

    let (code, screen) = run_in_pty(&t, &args, "y\r");
    assert_eq!(code, Some(0), "{screen}");
    let w = fake.writes();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(
        w[0].path,
        "/apis/apps/v1/namespaces/app/deployments/web/scale"
    );
    assert_audit(
        &t,
        &[
            ("scale", "declined", "skipped"),
            ("scale", "user-confirmed", "ok"),
        ],
    );
}

#[test]
fn rollout_undo_sends_the_previous_template_as_a_json_patch() {
    let rs = |name: &str, rev: &str, image: &str| {
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": "app",
                "annotations": {"deployment.kubernetes.io/revision": rev},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u1"}]},
            "spec": {"template": {"metadata": {"labels": {"app": "web", "pod-template-hash": name}},
                "spec": {"containers": [{"name": "web", "image": image}]}}}})
    };
    let mut objs = objects();
    objs.push(rs("web-new", "2", "nginx:1.27"));
    objs.push(rs("web-old", "1", "nginx:1.26"));
    let fake = FakeApiServer::start(objs);
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "rollout-undo",
            "deployment/web",
            "-n",
            "app",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = fake.writes();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].path, "/apis/apps/v1/namespaces/app/deployments/web");
    assert_eq!(
        w[0].content_type.as_deref(),
        Some("application/json-patch+json")
    );
    let body: Value = serde_json::from_str(&w[0].body).unwrap();
    assert_eq!(body[0]["op"], "replace");
    assert_eq!(body[0]["path"], "/spec/template");
    assert_eq!(
        body[0]["value"]["spec"]["containers"][0]["image"],
        "nginx:1.26"
    );
    let recs = audit_records(&t);
    assert_eq!(
        recs[0]["rationale"],
        "rollout undo: restore the pod template of revision 1"
    );
}

/// Refusing a forbidden action must not depend on reaching a cluster: no kubeconfig at all
/// still gives exit 3, the manual command, and an audit record.
#[test]
fn forbidden_is_refused_without_a_cluster() {
    let t = TestEnv::new();
    for extra in [&[][..], &["--yes"][..]] {
        let o = t
            .cmd()
            .args(["act", "drain", "node/pi5-a"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(3),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains("kubectl drain pi5-a"));
    }
    let log = std::fs::read_to_string(
        t.home()
            .join(".local/state/kubectl-claude/actions/2026-11-22.jsonl"),
    )
    .unwrap();
    assert_eq!(
        log.lines()
            .filter(|l| l.contains("refused-forbidden"))
            .count(),
        4,
        "{log}"
    );
}

/// Any change to a Node is forbidden, whatever verb carries it: apply of a Node manifest (or a
/// List holding one), finalizer removal, a reconcile annotation. Zero writes, exit 3, with
/// `--yes` too.
#[test]
fn every_write_to_a_node_is_forbidden_whatever_the_verb() {
    let fake = fake();
    let t = env_for(&fake);
    let node = "apiVersion: v1\nkind: Node\nmetadata: {name: pi5-a, labels: {evil: \"yes\"}}\nspec:\n  unschedulable: true\n  taints: [{key: k, value: v, effect: NoExecute}]\n";
    t.write("node.yaml", node);
    let list = format!(
        "apiVersion: v1\nkind: List\nitems:\n- {}\n",
        node.trim_end().replace('\n', "\n  ")
    );
    t.write("list.yaml", &list);
    let cases: Vec<Vec<&str>> = vec![
        vec!["act", "apply", "-f", "node.yaml", "--yes"],
        vec!["act", "apply", "-f", "list.yaml", "--yes"],
        vec!["act", "remove-finalizers", "node/pi5-a", "--yes"],
        vec!["act", "reconcile", "node/pi5-a", "--yes"],
        vec![
            "act",
            "patch",
            "node/pi5-a",
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"unschedulable":true}}"#,
            "--yes",
        ],
        vec!["act", "remove-finalizers", "namespace/app", "--yes"],
    ];
    for args in cases {
        let o = t.cmd().args(&args).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(3),
            "{args:?}: {}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(stderr(&o).contains("forbidden"), "{args:?}: {}", stderr(&o));
    }
    assert!(mutations(&fake).is_empty(), "{:#?}", mutations(&fake));
}

/// A policy about `rollout-undo` still holds when the undo is sent as the patch kubectl sends.
#[test]
fn a_forbidden_rollout_undo_stays_forbidden_after_translation() {
    let fake = FakeApiServer::start({
        let mut o = objects();
        for (rev, image) in [("1", "nginx:1.26"), ("2", "nginx:1.27")] {
            o.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": format!("web-{rev}"), "namespace": "app",
                    "annotations": {"deployment.kubernetes.io/revision": rev},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u1", "controller": true}]},
                "spec": {"selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web", "pod-template-hash": rev}},
                        "spec": {"containers": [{"name": "web", "image": image}]}}}}));
        }
        o
    });
    let t = env_for(&fake);
    t.write(
        "home/.config/kubectl-claude/config.yaml",
        "autonomy:\n  forbidden_actions: [rollout-undo]\n",
    );
    let o = t
        .cmd()
        .args([
            "act",
            "rollout-undo",
            "deployment/web",
            "-n",
            "app",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}{}", stdout(&o), stderr(&o));
    assert!(mutations(&fake).is_empty(), "{:#?}", mutations(&fake));
}

/// Kinds outside the built-in table (any CRD) resolve through the cluster's discovery.
#[test]
fn act_resolves_custom_kinds_through_discovery() {
    let cert = json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
        "metadata": {"name": "web-tls", "namespace": "app"}, "spec": {"secretName": "web-tls"}});
    let fake = FakeApiServer::start(vec![cert]);
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args(["act", "delete", "certificate/web-tls", "-n", "app", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let w = mutations(&fake);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].method, "DELETE");
    assert_eq!(
        w[0].path,
        "/apis/cert-manager.io/v1/namespaces/app/certificates/web-tls"
    );
    let o = t
        .cmd()
        .args(["act", "delete", "widget/x", "-n", "app", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown kind `widget`"),
        "{}",
        stderr(&o)
    );
}

/// A refusal made before connecting names the object in the context's namespace, so the
/// manual command a human may run targets the same object the request meant.
#[test]
fn early_refusals_use_the_contexts_namespace() {
    let fake = fake();
    let t = TestEnv::new();
    std::fs::write(
        t.path().join("kubeconfig"),
        fake.kubeconfig_yaml("kind-fake", "fake-token", Some("prod")),
    )
    .unwrap();
    t.write(
        "home/.config/kubectl-claude/config.yaml",
        "autonomy:\n  forbidden_actions: [scale]\n",
    );
    let o = t
        .cmd()
        .args(["act", "scale", "deploy/web", "--replicas", "0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("-n prod"), "{}", stderr(&o));
    assert!(fake.writes().is_empty());
}

// ------------------------------------------------------------------ what users see (insta)

/// Snapshots of what users see — stdout, stderr and the exit code together — so that any
/// change to them shows up in review (`cargo insta review`, or `INSTA_UPDATE=always`).
macro_rules! assert_shown {
    ($name:expr, $text:expr) => {
        let filters = crate::support::acting::snapshot_filters();
        let filters: Vec<(&str, &str)> = filters
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        insta::with_settings!({filters => filters, prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $text);
        });
    };
}

fn shown_output(o: &std::process::Output) -> String {
    crate::support::acting::shown(o.status.code(), &stdout(o), &stderr(o))
}

#[test]
fn shown_act_help() {
    let t = TestEnv::new();
    let o = t.cmd().args(["act", "--help"]).output().unwrap();
    assert_shown!("act_help", shown_output(&o));
}

#[test]
fn shown_diagnose_table() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot"])
        .arg(crate::support::env::repo().join("examples/snapshots/flux-git-auth"))
        .output()
        .unwrap();
    assert_shown!("diagnose_flux_git_auth", shown_output(&o));
}

#[test]
fn shown_fix_summary() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args(["fix", "--dry-run", "--snapshot"])
        .arg(crate::support::env::repo().join("examples/snapshots/helmrelease-oomkilled"))
        .output()
        .unwrap();
    assert_shown!("fix_dry_run_helmrelease_oomkilled", shown_output(&o));
}

#[test]
fn shown_confirm_prompt() {
    let fake = fake();
    let t = env_for(&fake);
    let (code, screen) = run_in_pty(
        &t,
        &[
            "act",
            "scale",
            "deployment/web",
            "-n",
            "app",
            "--replicas",
            "3",
            "--reason",
            "more load",
        ],
        "n\r",
    );
    assert!(fake.writes().is_empty(), "{:#?}", fake.writes());
    assert_shown!(
        "confirm_prompt_declined",
        crate::support::acting::shown(code, &screen, "")
    );
}

/// `act restart-pod --grace-period N` sends exactly one DELETE of that pod carrying N.
#[test]
fn restart_pod_takes_a_grace_period() {
    let fake = FakeApiServer::start(with_pod());
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "restart-pod",
            "pod/web-1",
            "-n",
            "app",
            "--grace-period",
            "5",
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = fake.writes();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(
        (w[0].method.as_str(), w[0].path.as_str()),
        ("DELETE", "/api/v1/namespaces/app/pods/web-1")
    );
    let body: Value = serde_json::from_str(&w[0].body).unwrap();
    assert_eq!(body["gracePeriodSeconds"], 5, "{body}");
}

/// The acting fixtures plus a two-container pod `app/web-1` (`web` first).
fn with_pod() -> Vec<Value> {
    let mut objs = crate::support::acting::objects();
    objs.push(json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-1", "namespace": "app"},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"},
            {"name": "side", "image": "busybox"}]},
        "status": {"phase": "Running"}}));
    objs
}

fn exec_fake(reply: ExecReply) -> FakeApiServer {
    FakeApiServer::builder()
        .objects(with_pod())
        .exec_reply("app", "web-1", reply)
        .start()
}

const EXEC_HI: [&str; 10] = [
    "act",
    "exec",
    "pod/web-1",
    "-n",
    "app",
    "--yes",
    "--",
    "sh",
    "-c",
    "echo hi",
];

/// `act exec … --yes -- ARGV` runs exactly that argv (no shell of ours) in the pod's first
/// container over the websocket exec, shows its output, and audits exit code and output.
#[test]
fn exec_runs_the_argv_in_the_pod_shows_its_output_and_audits_the_exit_code() {
    let fake = exec_fake(ExecReply {
        stdout: "hi\n".into(),
        stderr: "note: warm cache\n".into(),
        ..Default::default()
    });
    let t = env_for(&fake);
    let o = t.cmd().args(EXEC_HI).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "hi\n");
    assert!(stderr(&o).contains("note: warm cache"), "{}", stderr(&o));
    assert_eq!(
        fake.execs(),
        [ExecRecorded {
            namespace: "app".into(),
            pod: "web-1".into(),
            container: Some("web".into()),
            command: vec!["sh".into(), "-c".into(), "echo hi".into()],
            stdin: false,
            stdout: true,
            stderr: true,
            tty: false,
            protocol: "v4.channel.k8s.io".into(),
        }]
    );
    assert!(mutations(&fake).is_empty(), "exec writes no object");
    assert_audit(&t, &[("exec", "flag-yes", "ok")]);
    let recs = audit_records(&t);
    assert_eq!(
        recs[1]["exec"],
        json!({"exit_code": 0, "stdout": "hi\n", "stderr": "note: warm cache\n", "truncated": false}),
        "{:#?}",
        recs[1]
    );
    assert!(recs[0].get("exec").is_none(), "the decision has no outcome");
    assert_eq!(recs[0]["action"]["command"], json!(["sh", "-c", "echo hi"]));
    // `audit -o json` shows the same summary on the attempt.
    let o = t.cmd().args(["audit", "-o", "json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(doc["attempts"][0]["exec"], recs[1]["exec"], "{doc:#}");
    assert_eq!(doc["attempts"][0]["outcome"], "ok");

    // `-c` picks the container.
    let o = t
        .cmd()
        .args([
            "act",
            "exec",
            "pod/web-1",
            "-n",
            "app",
            "-c",
            "side",
            "--yes",
            "--",
            "true",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = fake.execs();
    assert_eq!(e.len(), 2);
    assert_eq!(
        (e[1].container.as_deref(), &e[1].command[..]),
        (Some("side"), &["true".to_string()][..])
    );
}

/// A non-zero exit is a failed action: exit 4 with the code and the last stderr line, the
/// output still shown, and the audit outcome `error` with the exit code and the output
/// masked (a credential the command printed never reaches the log).
#[test]
fn exec_with_a_non_zero_exit_fails_and_the_audit_keeps_the_masked_output() {
    let fake = exec_fake(ExecReply {
        stdout: "DB_PASSWORD=hunter2\nconnecting\n".into(),
        // The last stderr line becomes the error message: a credential in it is masked too.
        stderr: "psql: connection refused (PGPASSWORD=hunter2)\n".into(),
        exit_code: 3,
        ..Default::default()
    });
    let t = env_for(&fake);
    let o = t.cmd().args(EXEC_HI).output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains("exited with code 3"), "{err}");
    assert!(err.contains("psql: connection refused"), "{err}");
    assert_eq!(fake.execs().len(), 1);
    assert_audit(&t, &[("exec", "flag-yes", "error")]);
    let recs = audit_records(&t);
    assert_eq!(recs[1]["exec"]["exit_code"], 3, "{:#?}", recs[1]);
    assert!(
        recs[1]["exec"]["stdout"]
            .as_str()
            .unwrap()
            .contains("connecting"),
        "{:#?}",
        recs[1]
    );
    assert!(
        recs[1]["error"]
            .as_str()
            .unwrap()
            .contains("exited with code 3")
    );
    let log =
        std::fs::read_to_string(crate::support::acting::audit_dir(&t).join("2026-11-22.jsonl"))
            .unwrap();
    assert!(!log.contains("hunter2"), "{log}");
}

/// Exec stays confirm tier: without a terminal and without `--yes` it is refused, and a
/// dry run shows what would run (pod, container, argv) — neither sends an exec.
#[test]
fn exec_without_yes_is_refused_and_a_dry_run_shows_the_argv_and_sends_nothing() {
    let fake = exec_fake(ExecReply::default());
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "act",
            "exec",
            "pod/web-1",
            "-n",
            "app",
            "--",
            "sh",
            "-c",
            "echo hi",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("--yes"), "{}", stderr(&o));
    let o = t
        .cmd()
        .args([
            "act",
            "exec",
            "pod/web-1",
            "-n",
            "app",
            "--dry-run",
            "--",
            "sh",
            "-c",
            "echo hi",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shown = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        shown.contains(r#"runs ["sh" "-c" "echo hi"] in container web of Pod/app/web-1"#),
        "{shown}"
    );
    assert!(
        shown.contains("kubectl exec web-1 -n app -- sh -c 'echo hi'"),
        "the manual command is quoted for a shell: {shown}"
    );
    assert!(fake.execs().is_empty(), "{:#?}", fake.execs());
    assert!(
        !fake.requests().iter().any(|r| r.path.ends_with("/exec")),
        "no exec request at all"
    );
    assert_audit(
        &t,
        &[
            ("exec", "refused-no-tty", "skipped"),
            ("exec", "dry-run", "skipped"),
        ],
    );
}

/// A command that outlives `--request-timeout` fails with a clear message; an unknown pod
/// fails before any exec is sent.
#[test]
fn exec_is_bounded_by_the_request_timeout_and_needs_an_existing_pod() {
    let fake = exec_fake(ExecReply {
        delay: Duration::from_secs(3),
        ..Default::default()
    });
    let t = env_for(&fake);
    let started = Instant::now();
    let o = t
        .cmd()
        .args(["--request-timeout", "1s"])
        .args(EXEC_HI)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains("did not finish within 1s"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_audit(&t, &[("exec", "flag-yes", "error")]);

    let o = t
        .cmd()
        .args([
            "act", "exec", "pod/nope", "-n", "app", "--yes", "--", "true",
        ])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains("not found"), "{err}");
    assert_eq!(fake.execs().len(), 1, "only the first one reached a pod");
}
