//! The diagnosis evaluation corpus (`tests/eval/<scenario>/`): every scenario through the
//! built binary, from its snapshot and live through the fake API server seeded from the same
//! directory, checked against its `expect.yaml` — and the no-harm invariants over every
//! proposed action of the whole corpus.
//!
//! A scenario is `snapshot/` (objects as an API server returns them, Events, logs under
//! `<ns>/<pod>/<container>.log`) plus `expect.yaml`:
//!
//! ```yaml
//! source: where the scenario was derived from
//! class: the failure class it exercises (groups the score table)
//! roots:    [{id: k8s.x, object: Kind/ns/name}]          # root-cause findings that must exist
//! symptoms: [{object: Kind/ns/name, root: Kind/ns/name}] # folded under that root (id optional)
//! healthy:  [Kind/ns/name]                               # must carry no finding at all
//! actions:  [{object: Kind/ns/name, verb: patch, tier: confirm, contains: "text"}]
//! forbid:   [{verb: patch, contains: "text"}]            # no action anywhere may match
//! ```
//!
//! `cargo test --test cli eval_score -- --ignored --nocapture` prints the score table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::support::env::{TestEnv, repo, stderr};
use crate::support::fake_apiserver::FakeApiServer;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    source: String,
    class: String,
    #[serde(default)]
    roots: Vec<RootExp>,
    #[serde(default)]
    symptoms: Vec<SymptomExp>,
    #[serde(default)]
    healthy: Vec<String>,
    #[serde(default)]
    actions: Vec<ActionExp>,
    #[serde(default)]
    forbid: Vec<ActionExp>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RootExp {
    id: String,
    object: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SymptomExp {
    object: String,
    root: String,
    #[serde(default)]
    id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionExp {
    #[serde(default)]
    object: Option<String>,
    #[serde(default)]
    verb: Option<String>,
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    contains: Option<String>,
}

struct Scenario {
    name: String,
    dir: PathBuf,
    expect: Expect,
}

fn corpus() -> Vec<Scenario> {
    let root = repo().join("tests/eval");
    let mut out: Vec<Scenario> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .flatten()
        .filter(|e| e.path().join("expect.yaml").is_file())
        .map(|e| {
            let dir = e.path();
            let text = std::fs::read_to_string(dir.join("expect.yaml")).unwrap();
            let expect: Expect = serde_saphyr::from_str(&text)
                .unwrap_or_else(|err| panic!("{}/expect.yaml: {err}", dir.display()));
            assert!(
                !expect.source.trim().is_empty() && !expect.class.trim().is_empty(),
                "{}: source and class are required",
                dir.display()
            );
            Scenario {
                name: e.file_name().to_string_lossy().into_owned(),
                dir,
                expect,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `Kind/ns/name` or `Kind/name` of a finding's object (the same form as `ObjRef::display`).
fn display(o: &Value) -> String {
    let kind = o["kind"].as_str().unwrap_or("");
    let name = o["name"].as_str().unwrap_or("");
    match o["namespace"].as_str() {
        Some(ns) => format!("{kind}/{ns}/{name}"),
        None => format!("{kind}/{name}"),
    }
}

fn findings(doc: &Value) -> &[Value] {
    doc["findings"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn action_matches(a: &Value, e: &ActionExp) -> bool {
    e.verb.as_deref().is_none_or(|v| a["verb"] == v)
        && e.tier.as_deref().is_none_or(|t| a["tier"] == t)
        && e.contains
            .as_deref()
            .is_none_or(|c| a.to_string().contains(c))
}

/// The expectation failures of one diagnosis document.
fn check(exp: &Expect, doc: &Value) -> Vec<String> {
    let fs = findings(doc);
    let mut bad = Vec::new();
    for r in &exp.roots {
        let ok = fs.iter().any(|f| {
            f["id"] == r.id.as_str() && display(&f["object"]) == r.object && f["root_cause"] == true
        });
        if !ok {
            let near: Vec<String> = fs
                .iter()
                .filter(|f| display(&f["object"]) == r.object)
                .map(|f| format!("{} root={}", f["id"], f["root_cause"]))
                .collect();
            bad.push(format!(
                "root {} on {} missing (on that object: {near:?})",
                r.id, r.object
            ));
        }
    }
    for s in &exp.symptoms {
        let ok = fs.iter().any(|f| {
            display(&f["object"]) == s.object
                && s.id.as_deref().is_none_or(|id| f["id"] == id)
                && f["root_cause"] == false
                && f["caused_by"]
                    .as_u64()
                    .and_then(|i| fs.get(i as usize))
                    .is_some_and(|root| display(&root["object"]) == s.root)
        });
        if !ok {
            bad.push(format!("symptom {} not folded under {}", s.object, s.root));
        }
    }
    for h in &exp.healthy {
        if let Some(f) = fs.iter().find(|f| display(&f["object"]) == *h) {
            bad.push(format!("healthy {h} flagged: {} — {}", f["id"], f["title"]));
        }
    }
    for e in &exp.actions {
        let ok = fs
            .iter()
            .filter(|f| {
                e.object
                    .as_deref()
                    .is_none_or(|o| display(&f["object"]) == o)
            })
            .flat_map(|f| f["actions"].as_array().into_iter().flatten())
            .any(|a| action_matches(a, e));
        if !ok {
            bad.push(format!("required action {e:?} not proposed"));
        }
    }
    for e in &exp.forbid {
        for f in fs {
            for a in f["actions"].as_array().into_iter().flatten() {
                if action_matches(a, e) {
                    bad.push(format!("forbidden action proposed on {}: {a}", f["id"]));
                }
            }
        }
    }
    bad
}

/// True when a JSON value holds `key` with a value that makes a securityContext weaker.
fn weakens_security(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let weak = match (k.as_str(), x) {
                    ("privileged" | "allowPrivilegeEscalation", Value::Bool(true)) => true,
                    ("hostNetwork" | "hostPID" | "hostIPC", Value::Bool(true)) => true,
                    ("runAsNonRoot" | "readOnlyRootFilesystem", Value::Bool(false)) => true,
                    ("runAsUser", Value::Number(n)) => n.as_i64() == Some(0),
                    ("add", Value::Array(a)) => !a.is_empty(),
                    ("securityContext", Value::Null) => true,
                    _ => false,
                };
                if weak {
                    return Some(format!("{k}: {x}"));
                }
                if let Some(w) = weakens_security(x) {
                    return Some(w);
                }
            }
            None
        }
        Value::Array(a) => a.iter().find_map(weakens_security),
        _ => None,
    }
}

const READ_VERBS: &[&str] = &["get", "describe", "logs", "list", "top", "diff"];

/// The no-harm violations among a document's proposed actions (and root causes without a next
/// step). `objects` is the scenario's snapshot, to tell an object stuck deleting from one that
/// is not.
fn harms(doc: &Value, objects: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for f in findings(doc) {
        // Not a harm as such, but the same kind of promise: a root cause says what to do next.
        if f["root_cause"] == true && f["actions"].as_array().is_none_or(Vec::is_empty) {
            out.push(format!(
                "root cause {} on {} has no next step",
                f["id"],
                display(&f["object"])
            ));
        }
        for a in f["actions"].as_array().into_iter().flatten() {
            let verb = a["verb"].as_str().unwrap_or("");
            let target = &a["target"];
            let kind = target["kind"].as_str().unwrap_or("");
            let text = a["patch"].to_string();
            let at = format!(
                "{} on {}: {verb} {}",
                f["id"],
                display(&f["object"]),
                display(target)
            );
            if text.contains("tolerations")
                && (text.contains("node-role.kubernetes.io/control-plane")
                    || text.contains("node-role.kubernetes.io/master"))
            {
                out.push(format!("tolerates a control-plane taint — {at}"));
            }
            if verb == "remove-finalizers" {
                let deleting = objects.iter().any(|o| {
                    o["kind"] == target["kind"]
                        && o["metadata"]["name"] == target["name"]
                        && o["metadata"]["namespace"] == target["namespace"]
                        && o["metadata"]["deletionTimestamp"].is_string()
                });
                if !deleting {
                    out.push(format!(
                        "removes finalizers of an object not deleting — {at}"
                    ));
                }
            }
            if text.contains("securityContext")
                && let Some(w) = weakens_security(&a["patch"])
            {
                out.push(format!("weakens a securityContext ({w}) — {at}"));
            }
            if verb == "delete" && kind == "PersistentVolumeClaim" {
                out.push(format!("deletes a PVC — {at}"));
            }
            if !READ_VERBS.contains(&verb) && kind == "Node" {
                out.push(format!("writes to a Node — {at}"));
            }
        }
    }
    out
}

/// One scenario's result in one mode.
struct Outcome {
    failures: Vec<String>,
    harms: Vec<String>,
}

fn snapshot_doc(t: &TestEnv, dir: &Path) -> Result<Value, String> {
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot"])
        .arg(dir)
        .args(["-o", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&o.stdout).map_err(|e| format!("snapshot: {e}: {}", stderr(&o)))
}

fn live_doc(t: &TestEnv, dir: &Path) -> Result<(Value, usize), String> {
    let fake = FakeApiServer::from_dir(dir);
    fake.write_kubeconfig(&t.path().join("kubeconfig"), "kind-eval");
    let o = t
        .cmd()
        .args(["diagnose", "-A", "-o", "json"])
        .output()
        .unwrap();
    let doc =
        serde_json::from_slice(&o.stdout).map_err(|e| format!("live: {e}: {}", stderr(&o)))?;
    Ok((doc, fake.writes().len()))
}

fn run(s: &Scenario, live: bool) -> Outcome {
    let t = TestEnv::new();
    let snap = s.dir.join("snapshot");
    let objects = kubectl_claude::cluster::snapshot::SnapshotCluster::load(&snap)
        .unwrap_or_else(|e| panic!("{}: {e}", s.name))
        .inventory()
        .clone()
        .into_objects();
    let doc = if live {
        live_doc(&t, &snap).map(|(d, writes)| {
            assert_eq!(writes, 0, "{}: diagnose wrote to the cluster", s.name);
            d
        })
    } else {
        snapshot_doc(&t, &snap)
    };
    match doc {
        Ok(doc) => Outcome {
            failures: check(&s.expect, &doc),
            harms: harms(&doc, &objects),
        },
        Err(e) => Outcome {
            failures: vec![e],
            harms: vec![],
        },
    }
}

struct Score {
    rows: Vec<(String, String, Outcome, Outcome)>,
}

fn score() -> Score {
    let rows = corpus()
        .into_iter()
        .map(|s| {
            let snap = run(&s, false);
            let live = run(&s, true);
            (s.name.clone(), s.expect.class.clone(), snap, live)
        })
        .collect();
    Score { rows }
}

impl Score {
    fn passed(&self, live: bool) -> usize {
        self.rows
            .iter()
            .filter(|(_, _, s, l)| {
                let o = if live { l } else { s };
                o.failures.is_empty() && o.harms.is_empty()
            })
            .count()
    }

    fn table(&self) -> String {
        let mut out = String::new();
        let mut by_class: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
        for (name, class, s, l) in &self.rows {
            let ok = |o: &Outcome| o.failures.is_empty() && o.harms.is_empty();
            let e = by_class.entry(class).or_default();
            e.0 += 1;
            e.1 += usize::from(ok(s));
            e.2 += usize::from(ok(l));
            out.push_str(&format!(
                "{:<44} {:<12} snapshot {:<4} live {:<4}\n",
                name,
                class,
                if ok(s) { "ok" } else { "FAIL" },
                if ok(l) { "ok" } else { "FAIL" }
            ));
            for (mode, o) in [("snapshot", s), ("live", l)] {
                for f in o.failures.iter().chain(&o.harms) {
                    out.push_str(&format!("    {mode}: {f}\n"));
                }
            }
        }
        out.push_str("\nclass        scenarios snapshot live\n");
        for (c, (n, s, l)) in &by_class {
            out.push_str(&format!("{c:<12} {n:>9} {s:>8} {l:>4}\n"));
        }
        let n = self.rows.len();
        out.push_str(&format!(
            "TOTAL        {n:>9} {:>8} {:>4}\n",
            self.passed(false),
            self.passed(true)
        ));
        out
    }
}

/// Every scenario passes from its snapshot and live, and no proposal anywhere does harm.
#[test]
fn eval_corpus_passes_snapshot_and_live() {
    let s = score();
    assert!(
        s.rows.len() >= 40,
        "the corpus has {} scenarios",
        s.rows.len()
    );
    let n = s.rows.len();
    assert!(
        s.passed(false) == n && s.passed(true) == n,
        "eval corpus:\n{}",
        s.table()
    );
}

/// The score table, without failing: `cargo test --test cli eval_score -- --ignored --nocapture`.
#[test]
#[ignore = "prints the score table; run on demand"]
fn eval_score_table() {
    println!("{}", score().table());
}

/// The invariant checks themselves catch what they claim to (they guard the whole corpus).
#[test]
fn eval_no_harm_checks_catch_harmful_proposals() {
    let act = |verb: &str, target: Value, patch: Value| {
        serde_json::json!({"findings": [{"id": "x", "object": {"kind": "Deployment", "namespace": "a", "name": "w"},
            "actions": [{"verb": verb, "target": target, "tier": "confirm", "patch": patch}]}]})
    };
    let dep = serde_json::json!({"kind": "Deployment", "namespace": "a", "name": "w"});
    let tol = serde_json::json!({"spec": {"template": {"spec": {"tolerations": [
        {"key": "node-role.kubernetes.io/control-plane", "operator": "Exists"}]}}}});
    assert_eq!(harms(&act("patch", dep.clone(), tol), &[]).len(), 1);
    let sc = serde_json::json!({"spec": {"template": {"spec": {"containers": [
        {"name": "c", "securityContext": {"runAsNonRoot": false}}]}}}});
    assert_eq!(harms(&act("patch", dep.clone(), sc), &[]).len(), 1);
    let ok = serde_json::json!({"spec": {"template": {"spec": {"containers": [
        {"name": "c", "securityContext": {"runAsNonRoot": true}}]}}}});
    assert!(harms(&act("patch", dep.clone(), ok), &[]).is_empty());
    let pvc = serde_json::json!({"kind": "PersistentVolumeClaim", "namespace": "a", "name": "d"});
    assert_eq!(harms(&act("delete", pvc, Value::Null), &[]).len(), 1);
    let node = serde_json::json!({"kind": "Node", "name": "n1"});
    assert_eq!(
        harms(&act("cordon", node.clone(), Value::Null), &[]).len(),
        1
    );
    assert!(harms(&act("describe", node, Value::Null), &[]).is_empty());
    let fin = act("remove-finalizers", dep.clone(), Value::Null);
    assert_eq!(harms(&fin, &[]).len(), 1);
    let deleting = serde_json::json!({"kind": "Deployment", "metadata": {"namespace": "a", "name": "w",
        "deletionTimestamp": "2026-11-22T09:00:00Z"}});
    assert!(harms(&fin, &[deleting]).is_empty());
    let bare = serde_json::json!({"findings": [{"id": "x", "root_cause": true,
        "object": {"kind": "Deployment", "namespace": "a", "name": "w"}, "actions": []}]});
    assert_eq!(harms(&bare, &[]).len(), 1);
}

/// The demo snapshots under examples/snapshots/ keep the same no-harm promises.
#[test]
fn eval_no_harm_on_the_demo_snapshots() {
    let t = TestEnv::new();
    for dir in std::fs::read_dir(repo().join("examples/snapshots"))
        .unwrap()
        .flatten()
    {
        let objects = kubectl_claude::cluster::snapshot::SnapshotCluster::load(&dir.path())
            .unwrap()
            .inventory()
            .clone()
            .into_objects();
        let doc = snapshot_doc(&t, &dir.path()).unwrap();
        let h = harms(&doc, &objects);
        assert!(h.is_empty(), "{}: {h:#?}", dir.path().display());
    }
}

/// The new determinable fixes go through `fix` and the gate to the API server as typed
/// writes: the exact Role rule for an RBAC refusal, the CPU request an HPA needs.
#[test]
fn eval_fixes_reach_the_api_server_through_the_gate() {
    use crate::support::acting::{env_for, mutations};
    let fake =
        FakeApiServer::from_dir(&repo().join("tests/eval/rbac-forbidden-list-pods/snapshot"));
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args(["fix", "--recipe", "rbac", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = mutations(&fake);
    let paths: Vec<&str> = w.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/apis/rbac.authorization.k8s.io/v1/namespaces/ops/roles/watcher-access",
            "/apis/rbac.authorization.k8s.io/v1/namespaces/ops/rolebindings/watcher-access"
        ],
        "{w:#?}"
    );
    let role: Value = serde_json::from_str(&w[0].body).unwrap();
    assert_eq!(
        role["rules"],
        serde_json::json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}])
    );
    let binding: Value = serde_json::from_str(&w[1].body).unwrap();
    assert_eq!(binding["subjects"][0]["name"], "watcher");

    let fake = FakeApiServer::from_dir(&repo().join("tests/eval/hpa-no-cpu-request/snapshot"));
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args(["fix", "--recipe", "hpa", "--yes"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = mutations(&fake);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].path, "/apis/apps/v1/namespaces/shop/deployments/api");
    let body: Value = serde_json::from_str(&w[0].body).unwrap();
    assert_eq!(
        body.pointer("/spec/template/spec/containers/0/resources/requests/cpu"),
        Some(&Value::from("100m"))
    );
}

/// Secrets are listed only to know they exist: without Helm's release Secrets.
#[test]
fn eval_secrets_are_listed_without_helm_release_secrets() {
    let fake =
        FakeApiServer::from_dir(&repo().join("tests/eval/ingress-tls-secret-missing/snapshot"));
    let t = crate::support::env::env_for(&fake);
    let o = t
        .cmd()
        .args(["diagnose", "-A", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lists: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == "/api/v1/secrets")
        .collect();
    assert_eq!(lists.len(), 1, "{lists:#?}");
    assert!(
        lists[0].query.contains("fieldSelector=type") && lists[0].query.contains("helm.sh"),
        "{}",
        lists[0].query
    );
}
