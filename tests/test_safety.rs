//! The safety holes of issue 10, end to end: audit truth when the log fails mid-action, torn
//! lines, directory modes the user set, all-or-nothing applies and multi-step fixes.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::env::{NOW, TestEnv, stderr, stdout};
use crate::support::fake_apiserver::FakeApiServer;
use crate::test_act::{audit_dir, audit_records, deployment, env_for, mutations};

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
    fake.write_kubeconfig(&t.path().join("kubeconfig"), "kind-fake");
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
    let fake = crate::test_act::fake();
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
    let fake = crate::test_act::fake();
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
    let fake = crate::test_act::fake();
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
    assert!(err.contains("forbidden"), "{err}");
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
