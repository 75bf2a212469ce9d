//! Suppression end to end, through both front-ends of the one engine (`src/suppress.rs`):
//! `diagnose` (ignore files, the `kubectl-claude.io/ignore` annotation, `-o json`'s
//! `suppressed`, `--show-suppressed`, expiry) and `serve` (its findings and notifications).

use serde_json::{Value, json};

use crate::support::env::{TestEnv, repo, stderr, stdout};
use crate::support::fake_apiserver::FakeApiServer;

fn oom_snapshot() -> String {
    repo()
        .join("examples/snapshots/helmrelease-oomkilled")
        .display()
        .to_string()
}

fn diagnose_json(t: &TestEnv, extra: &[&str]) -> (i32, Value, String) {
    let o = t
        .cmd()
        .args(["diagnose", "-o", "json"])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&o), stderr(&o)));
    (o.status.code().unwrap_or(-1), v, stderr(&o))
}

fn ids(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// An ignore file in the working directory silences the OOM root cause and, with it, its two
/// symptoms; `-o json` lists them under `suppressed` with the reason; the table says how many
/// and `--show-suppressed` lists them; an expired rule silences nothing and says so.
#[test]
fn diagnose_honours_an_ignore_file_until_it_expires() {
    let t = TestEnv::new();
    let snap = oom_snapshot();
    let (code, before, _) = diagnose_json(&t, &["--snapshot", &snap]);
    assert_eq!(code, 1);
    assert!(ids(&before, "findings").contains(&"k8s.oomkilled".to_string()));
    assert_eq!(before["suppressed"], json!([]));

    t.write(
        ".kubectl-claude-ignore",
        "- id: k8s.oomkilled\n  object: Deployment/shop/check*\n  until: 2999-12-31\n  reason: JIRA-42, memory bump scheduled\n",
    );
    let (code, v, _) = diagnose_json(&t, &["--snapshot", &snap]);
    assert_eq!(code, 0, "nothing left to fail on: {v:#}");
    assert_eq!(v["findings"], json!([]), "{v:#}");
    let sup = v["suppressed"].as_array().unwrap();
    assert_eq!(sup.len(), 3, "{v:#}");
    let root = sup.iter().find(|s| s["id"] == "k8s.oomkilled").unwrap();
    assert!(
        root["reason"]
            .as_str()
            .unwrap()
            .contains(".kubectl-claude-ignore: k8s.oomkilled on Deployment/shop/check* until 2999-12-31 (JIRA-42"),
        "{root:#}"
    );
    assert_eq!(root["object"]["name"], "checkout");
    assert!(
        sup.iter()
            .filter(|s| s["id"] != "k8s.oomkilled")
            .all(|s| s["reason"]
                .as_str()
                .unwrap()
                .starts_with("symptom of suppressed k8s.oomkilled on Deployment/shop/checkout")),
        "{sup:#?}"
    );

    let o = t
        .cmd()
        .args(["diagnose", "--snapshot", &snap])
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("3 suppressed (--show-suppressed lists them)"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("JIRA-42"));
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot", &snap, "--show-suppressed"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("Suppressed"), "{}", stdout(&o));
    assert!(stdout(&o).contains("JIRA-42"), "{}", stdout(&o));

    // The config dir's ignore.yaml, with a rule that has expired: it silences nothing.
    std::fs::remove_file(t.path().join(".kubectl-claude-ignore")).unwrap();
    t.write(
        "home/.config/kubectl-claude/ignore.yaml",
        "- id: k8s.*\n  until: 2020-01-01\n",
    );
    let (code, v, err) = diagnose_json(&t, &["--snapshot", &snap]);
    assert_eq!(code, 1);
    assert_eq!(ids(&v, "findings"), ids(&before, "findings"));
    assert_eq!(v["suppressed"], json!([]));
    assert!(
        err.contains("ignore.yaml: the rule for k8s.* expired on 2020-01-01"),
        "{err}"
    );

    // A broken ignore file: exit 2 naming the file, nothing on stdout.
    t.write(
        "home/.config/kubectl-claude/ignore.yaml",
        "- id: x\n  until: next week\n",
    );
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot", &snap, "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert!(
        stderr(&o).contains("ignore.yaml: rule 1 (x): until \"next week\""),
        "{}",
        stderr(&o)
    );
}

fn annotated_checkout(fake: &FakeApiServer, annotations: Value) {
    let mut d = fake
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "Deployment" && o["metadata"]["name"] == "checkout")
        .unwrap();
    d["metadata"]["annotations"] = annotations;
    fake.upsert(d);
}

/// The annotation on the live object silences its finding until `ignore-until`; past it, the
/// finding is back with a warning.
#[test]
fn diagnose_honours_the_ignore_annotation_on_a_live_object() {
    let fake =
        FakeApiServer::builder_from_dir(&repo().join("examples/snapshots/helmrelease-oomkilled"))
            .start();
    let t = crate::support::env::env_for(&fake);
    annotated_checkout(
        &fake,
        json!({"kubectl-claude.io/ignore": "k8s.crashloopbackoff, k8s.oomkilled",
            "kubectl-claude.io/ignore-until": "2999-01-01T00:00:00Z"}),
    );
    let (code, v, _) = diagnose_json(&t, &[]);
    assert_eq!(code, 0, "{v:#}");
    let sup = v["suppressed"].as_array().unwrap();
    let root = sup
        .iter()
        .find(|s| s["id"] == "k8s.oomkilled")
        .expect("suppressed");
    assert_eq!(
        root["reason"],
        "annotation kubectl-claude.io/ignore on Deployment/shop/checkout (until 2999-01-01T00:00:00Z)"
    );
    annotated_checkout(
        &fake,
        json!({"kubectl-claude.io/ignore": "k8s.oomkilled",
            "kubectl-claude.io/ignore-until": "2021-01-01T00:00:00Z"}),
    );
    let (code, v, err) = diagnose_json(&t, &[]);
    assert_eq!(code, 1);
    assert!(ids(&v, "findings").contains(&"k8s.oomkilled".to_string()));
    assert!(err.contains("expired at 2021-01-01T00:00:00Z"), "{err}");
}

/// `status` counts what `diagnose` counts: a suppressed root cause is not an active problem.
#[test]
fn status_honours_the_ignore_file_like_diagnose() {
    let t = TestEnv::new();
    let snap = oom_snapshot();
    let status = |t: &TestEnv| -> String {
        let o = t
            .cmd()
            .args(["status", "-o", "json", "--snapshot", &snap])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert!(status(&t).contains("k8s.oomkilled"));
    t.write(".kubectl-claude-ignore", "- id: k8s.oomkilled\n");
    let after = status(&t);
    assert!(!after.contains("k8s.oomkilled"), "{after}");
}
