//! What acting tests share: the fake cluster's objects (a Deployment `app/web`, a Node, a
//! Flux Kustomization and its source), one `env_for` pointing a `TestEnv` at a fake API
//! server, the writes it recorded, and the audit log the binary wrote, parsed and checked.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::env::TestEnv;
use super::fake_apiserver::{FakeApiServer, Recorded};

pub fn deployment() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "app", "uid": "u1", "resourceVersion": "7"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                    "resources": {"limits": {"memory": "64Mi"}}}]}}},
        "status": {"replicas": 2}})
}

pub fn objects() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app"}}),
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "pi5-a"},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
        deployment(),
        json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": "apps", "namespace": "flux-system"},
            "spec": {"interval": "10m", "path": "./apps",
                "sourceRef": {"kind": "GitRepository", "name": "flux-system"}}}),
        json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
            "metadata": {"name": "flux-system", "namespace": "flux-system"},
            "spec": {"interval": "1m", "url": "https://example.com/repo.git"}}),
    ]
}

pub fn fake() -> FakeApiServer {
    FakeApiServer::start(objects())
}

// One `env_for` for every test; named here too, as acting tests always start with it.
pub use super::env::env_for;

/// Requests that change something: non-GETs that are not server-side dry runs.
pub fn mutations(fake: &FakeApiServer) -> Vec<Recorded> {
    fake.writes()
        .into_iter()
        .filter(|r| !r.query.contains("dryRun=All"))
        .collect()
}

/// The audit records the binary wrote (all days), parsed.
pub fn audit_records(t: &TestEnv) -> Vec<Value> {
    let dir = audit_dir(t);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn audit_dir(t: &TestEnv) -> PathBuf {
    t.home().join(".local/state/kubectl-claude/actions")
}

/// Asserts one decision/outcome pair per attempt with the given approvals and outcomes, and
/// mode 0600 on the file.
pub fn assert_audit(t: &TestEnv, expected: &[(&str, &str, &str)]) {
    let recs = audit_records(t);
    assert_eq!(recs.len(), expected.len() * 2, "{recs:#?}");
    for (pair, (verb, approval, outcome)) in recs.chunks(2).zip(expected) {
        let (d, o) = (&pair[0], &pair[1]);
        assert_eq!(d["v"], 1);
        assert_eq!(d["phase"], "decision");
        assert_eq!(o["phase"], "outcome");
        assert_eq!(d["id"], o["id"], "{pair:#?}");
        assert_eq!(d["verb"], *verb);
        assert_eq!(d["action"]["verb"], *verb);
        assert_eq!(d["approval"], *approval, "{pair:#?}");
        assert!(d.get("outcome").is_none());
        assert_eq!(o["outcome"], *outcome, "{pair:#?}");
        assert_eq!(d["at"], super::env::NOW);
    }
    if !expected.is_empty() {
        assert_eq!(recs[0]["context"], "kind-fake");
        let file = audit_dir(t).join("2026-11-22.jsonl");
        assert_eq!(mode(&file), 0o600);
    }
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// What a user sees from one run, for snapshot tests: the exit code, stdout and stderr
/// together (stdout and stderr of a pty are one stream; pass it as `stdout`).
pub fn shown(code: Option<i32>, stdout: &str, stderr: &str) -> String {
    let clean = |s: &str| strip_csi(&s.replace("\r\n", "\n").replace('\r', ""));
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        code.map_or("signal".to_string(), |c| c.to_string()),
        clean(stdout),
        clean(stderr)
    )
}

/// The filters that keep a snapshot stable: temporary directories, the repository checkout,
/// loopback ports, timestamps and durations.
pub fn snapshot_filters() -> Vec<(String, String)> {
    let repo = super::env::repo().display().to_string();
    vec![
        (regex_escape(&repo), "[REPO]".into()),
        (r"/tmp/[^\s'\x22:]+".into(), "[TMP]".into()),
        (r"127\.0\.0\.1:\d+".into(), "127.0.0.1:[PORT]".into()),
        (
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z".into(),
            "[TIME]".into(),
        ),
        (r"\b\d+(\.\d+)?m?s\b".into(), "[DURATION]".into()),
    ]
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '/' || c == '_' || c == '-' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// Drops terminal control sequences (`ESC [ … letter`: cursor, erase, colour) a pty shows.
fn strip_csi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
