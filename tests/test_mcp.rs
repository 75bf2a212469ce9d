//! `kubectl claude mcp` driven by a real MCP client we did not write: the Python `mcp` SDK
//! from PyPI (installed by scripts/ci-deps.sh), running tests/mcp_client.py against the built
//! binary and the loopback fake API server.

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::support::env::{TestEnv, repo};
use crate::support::fake_apiserver::FakeApiServer;
use crate::test_act::{audit_records, env_for, mutations};

/// The password planted in the fake cluster; no tool result may ever contain it.
const PLANTED: &str = "hunter2-planted-Zq9";

/// The real interpreter (not a pyenv shim, which needs the real HOME).
fn python() -> &'static PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let o = std::process::Command::new("python3")
            .args(["-c", "import mcp, sys; print(sys.executable)"])
            .output()
            .expect("python3 runs");
        assert!(
            o.status.success(),
            "the Python mcp SDK is missing: run scripts/ci-deps.sh\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&o.stdout).trim())
    })
}

fn cluster() -> FakeApiServer {
    let mut objs = vec![
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "app"},
            "type": "Opaque", "data": {"password": "aHVudGVyMi1wbGFudGVkLVpxOQ=="},
            "stringData": {"password": PLANTED}}),
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-1", "namespace": "app", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                "env": [{"name": "DB_PASSWORD", "value": PLANTED}]}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}),
    ];
    objs.extend(crate::test_act::objects());
    FakeApiServer::start(objs)
}

/// Runs the Python client with `scenario` (accept, decline, none) and `calls`; returns the
/// client's report. Asserts that the planted secret is in none of it.
fn client(t: &TestEnv, scenario: &str, server_args: &[&str], calls: Value) -> Value {
    let mut cmd = t.std_cmd_at(python());
    cmd.arg(repo().join("tests/mcp_client.py"))
        .arg(scenario)
        .arg(crate::support::env::bin())
        .arg("mcp")
        .args(server_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn the python client");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(calls.to_string().as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        o.status.success(),
        "client failed: {}\n{out}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.contains(PLANTED), "a Secret value leaked: {out}");
    assert!(
        !out.contains("aHVudGVyMi1wbGFudGVkLVpxOQ"),
        "Secret data leaked: {out}"
    );
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn tool_names(report: &Value) -> Vec<String> {
    report["calls"][0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn mcp_lists_tools_with_schemas_and_read_only_lists_only_safe_ones() {
    let fake = cluster();
    let t = env_for(&fake);
    let all = client(
        &t,
        "none",
        &[],
        json!([{"tool": "__list_tools__"}, {"tool": "__list_prompts__"}]),
    );
    let names = tool_names(&all);
    for n in [
        "diagnose", "status", "list", "get", "events", "audit", "act",
    ] {
        assert!(names.contains(&n.to_string()), "{n} missing from {names:?}");
    }
    let act = all["calls"][0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "act")
        .unwrap();
    assert_eq!(act["inputSchema"]["type"], "object");
    assert!(
        act["inputSchema"]["properties"]["replicas"].is_object(),
        "{act:#}"
    );
    assert_eq!(act["inputSchema"]["required"], json!(["verb", "target"]));
    assert_eq!(act["annotations"]["destructiveHint"], true);
    let prompts = &all["calls"][1]["prompts"];
    assert_eq!(
        prompts,
        &json!([
            "cluster-status",
            "diagnose",
            "rollback",
            "workflow",
            "deploy"
        ])
    );

    let ro = client(
        &t,
        "accept",
        &["--read-only"],
        json!([{"tool": "__list_tools__"},
               {"tool": "act", "arguments": {"verb": "scale", "target": "deploy/web", "namespace": "app", "replicas": 3}}]),
    );
    let names = tool_names(&ro);
    assert!(!names.contains(&"act".to_string()), "{names:?}");
    assert!(names.contains(&"diagnose".to_string()));
    // Even called by name, a hidden tool is an error result, not a crash or a write.
    assert_eq!(ro["calls"][1]["isError"], true);
    assert!(
        ro["calls"][1]["text"]
            .as_str()
            .unwrap()
            .contains("read-only")
    );
    assert!(ro["elicitations"].as_array().unwrap().is_empty());
    assert!(mutations(&fake).is_empty());
}

#[test]
fn mcp_diagnose_on_a_snapshot_finds_the_root_cause() {
    let t = TestEnv::new();
    let snap = repo().join("examples/snapshots/flux-git-auth");
    let r = client(
        &t,
        "none",
        &["--snapshot", snap.to_str().unwrap()],
        json!([{"tool": "__list_tools__"}, {"tool": "diagnose", "arguments": {}},
               {"tool": "diagnose", "arguments": {"recipes": ["nope"]}}]),
    );
    assert!(
        !tool_names(&r).contains(&"act".to_string()),
        "a snapshot is read-only"
    );
    let d = &r["calls"][1];
    assert_eq!(d["isError"], false, "{d:#}");
    assert_eq!(d["structured"]["v"], 1);
    let first = &d["structured"]["findings"][0];
    assert_eq!(first["id"], "flux.git-auth-failed", "{d:#}");
    assert_eq!(first["object"]["name"], "fleet-infra");
    // Root causes first, their symptoms folded into a count (listed only when asked).
    let mixed = repo().join("examples/snapshots/homelab-mixed");
    let r2 = client(
        &t,
        "none",
        &["--snapshot", mixed.to_str().unwrap()],
        json!([{"tool": "diagnose", "arguments": {}},
               {"tool": "diagnose", "arguments": {"show_symptoms": true}}]),
    );
    let folded = r2["calls"][0]["structured"]["findings"]
        .as_array()
        .unwrap()
        .clone();
    let all = r2["calls"][1]["structured"]["findings"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        folded.iter().all(|f| f["caused_by"].is_null()),
        "{folded:#?}"
    );
    let n_folded: u64 = folded
        .iter()
        .filter_map(|f| f["symptoms_folded"].as_u64())
        .sum();
    assert!(n_folded > 0, "{folded:#?}");
    assert_eq!(folded.len() as u64 + n_folded, all.len() as u64);
    assert!(all.iter().any(|f| !f["caused_by"].is_null()));
    // A bad argument is an error result with the CLI's message and hint.
    let e = &r["calls"][2];
    assert_eq!(e["isError"], true);
    assert!(
        e["text"]
            .as_str()
            .unwrap()
            .contains("unknown recipe `nope`"),
        "{e:#}"
    );
    assert!(e["text"].as_str().unwrap().contains("hint:"), "{e:#}");
}

#[test]
fn mcp_act_drain_is_refused_and_sends_nothing() {
    let fake = cluster();
    let t = env_for(&fake);
    let r = client(
        &t,
        "accept",
        &[],
        json!([{"tool": "act", "arguments": {"verb": "drain", "target": "pi5-a"}}]),
    );
    let c = &r["calls"][0];
    assert_eq!(c["isError"], true, "{c:#}");
    assert_eq!(c["structured"]["approval"], "refused-forbidden");
    assert!(c["text"].as_str().unwrap().contains("forbidden"), "{c:#}");
    assert!(
        c["structured"]["command"]
            .as_str()
            .unwrap()
            .contains("drain")
    );
    assert!(
        r["elicitations"].as_array().unwrap().is_empty(),
        "never asked"
    );
    assert!(mutations(&fake).is_empty());
    let recs = audit_records(&t);
    assert_eq!(recs.len(), 2, "{recs:#?}");
    assert_eq!(recs[0]["origin"], "mcp:py-test-client");
    assert_eq!(recs[0]["approval"], "refused-forbidden");
}

#[test]
fn mcp_confirm_tier_scale_asks_by_elicitation_accept_runs_once_decline_runs_nothing() {
    let scale = json!([{"tool": "act", "arguments": {"verb": "scale", "target": "deploy/web",
        "namespace": "app", "replicas": 3, "reason": "more traffic"}}]);

    let fake = cluster();
    let t = env_for(&fake);
    let r = client(&t, "accept", &[], scale.clone());
    let c = &r["calls"][0];
    assert_eq!(c["isError"], false, "{c:#}");
    assert_eq!(c["structured"]["approval"], "mcp-elicitation");
    assert_eq!(c["structured"]["outcome"], "ok");
    let el = r["elicitations"].as_array().unwrap();
    assert_eq!(el.len(), 1);
    let msg = el[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("Deployment/app/web") || msg.contains("deployment/web"),
        "{msg}"
    );
    assert!(
        msg.contains("more traffic"),
        "the rationale is shown: {msg}"
    );
    assert!(
        msg.contains("-  replicas: 2") || msg.contains("replicas: 3"),
        "the diff is shown: {msg}"
    );
    let w = mutations(&fake);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].method, "PATCH");
    assert_eq!(
        w[0].path,
        "/apis/apps/v1/namespaces/app/deployments/web/scale"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&w[0].body).unwrap(),
        json!({"spec": {"replicas": 3}})
    );
    let recs = audit_records(&t);
    assert_eq!(recs.len(), 2, "{recs:#?}");
    assert_eq!(recs[0]["origin"], "mcp:py-test-client");
    assert_eq!(recs[0]["approval"], "mcp-elicitation");
    assert_eq!(recs[0]["rationale"], "more traffic");
    assert_eq!(recs[0]["approver"], "mcp:py-test-client");
    assert_eq!(recs[1]["outcome"], "ok");

    let fake = cluster();
    let t = env_for(&fake);
    let r = client(&t, "decline", &[], scale);
    let c = &r["calls"][0];
    assert_eq!(c["isError"], true, "{c:#}");
    assert_eq!(c["structured"]["approval"], "declined");
    assert_eq!(r["elicitations"].as_array().unwrap().len(), 1);
    assert!(mutations(&fake).is_empty());
    let recs = audit_records(&t);
    assert_eq!(recs[0]["approval"], "declined");
    assert_eq!(recs[1]["outcome"], "skipped");
}

#[test]
fn mcp_client_without_elicitation_is_refused_with_the_diff_and_sends_nothing() {
    let fake = cluster();
    let t = env_for(&fake);
    let r = client(
        &t,
        "none",
        &[],
        json!([{"tool": "act", "arguments": {"verb": "scale", "target": "deploy/web",
            "namespace": "app", "replicas": 5}}]),
    );
    let c = &r["calls"][0];
    assert_eq!(c["isError"], true, "{c:#}");
    assert_eq!(c["structured"]["approval"], "refused-no-tty");
    let diff = c["structured"]["diff"].as_str().unwrap();
    assert!(diff.contains("replicas: 5"), "{c:#}");
    assert!(c["text"].as_str().unwrap().contains("elicitation"), "{c:#}");
    assert!(
        c["structured"]["command"]
            .as_str()
            .unwrap()
            .contains("--replicas=5")
            || c["structured"]["command"]
                .as_str()
                .unwrap()
                .contains("--replicas 5"),
        "{c:#}"
    );
    assert!(mutations(&fake).is_empty());
    assert_eq!(audit_records(&t)[0]["approval"], "refused-no-tty");
}

#[test]
fn mcp_reads_never_return_secret_values() {
    let fake = cluster();
    let t = env_for(&fake);
    // `client` asserts the planted value appears in no result; check the reads did run.
    let r = client(
        &t,
        "none",
        &["-n", "app"],
        json!([{"tool": "get", "arguments": {"target": "secret/db"}},
               {"tool": "get", "arguments": {"target": "pod/web-1"}},
               {"tool": "list", "arguments": {"kind": "pods"}},
               {"tool": "diagnose", "arguments": {}},
               {"tool": "status", "arguments": {}},
               {"tool": "events", "arguments": {"target": "pod/web-1"}},
               {"tool": "get", "arguments": {"target": "deploy/nope"}},
               {"tool": "lint", "arguments": {"manifests": format!(
                   "apiVersion: v1\nkind: Secret\nmetadata: {{name: s}}\nstringData: {{password: {PLANTED}}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: w}}\nspec: {{selector: {{matchLabels: {{a: b}}}}, template: {{metadata: {{labels: {{a: b}}}}, spec: {{containers: [{{name: w, image: nginx}}]}}}}}}\n")}},
               {"tool": "lint", "arguments": {"manifests": "kind: [unclosed"}},
               {"tool": "workflow_list", "arguments": {}}]),
    );
    let calls = r["calls"].as_array().unwrap();
    assert_eq!(calls[0]["isError"], false, "{:#}", calls[0]);
    assert_eq!(calls[0]["structured"]["data"]["password"], "<redacted>");
    assert_eq!(
        calls[1]["structured"]["spec"]["containers"][0]["env"][0]["value"],
        "<redacted>"
    );
    assert_eq!(calls[2]["structured"]["total"], 1);
    for c in &calls[..6] {
        assert_eq!(c["isError"], false, "{c:#}");
    }
    assert_eq!(calls[6]["isError"], true);
    assert!(calls[6]["text"].as_str().unwrap().contains("not found"));
    let lint = &calls[7]["structured"];
    assert_eq!(calls[7]["isError"], false, "{:#}", calls[7]);
    assert_eq!(lint["objects"], 2);
    assert!(
        lint["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["rule"].as_str().is_some()),
        "{lint:#}"
    );
    assert_eq!(calls[8]["isError"], true, "{:#}", calls[8]);
    assert!(
        calls[8]["text"].as_str().unwrap().contains("<manifests>"),
        "{:#}",
        calls[8]
    );
    let wfs = calls[9]["structured"]["workflows"].as_array().unwrap();
    assert!(
        wfs.iter().any(|w| w["name"] == "cluster-health-check"),
        "{wfs:#?}"
    );
}

/// The YAML frontmatter of a Markdown file as key → value (the documented agent and skill
/// formats: `---`-fenced `key: value` lines, then the body).
fn frontmatter(path: &std::path::Path) -> (std::collections::BTreeMap<String, String>, String) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rest = text
        .strip_prefix("---\n")
        .unwrap_or_else(|| panic!("{}: no frontmatter", path.display()));
    let (head, body) = rest
        .split_once("\n---\n")
        .unwrap_or_else(|| panic!("{}: unterminated frontmatter", path.display()));
    let map = head
        .lines()
        .map(|l| {
            let (k, v) = l
                .split_once(": ")
                .unwrap_or_else(|| panic!("{}: bad line `{l}`", path.display()));
            (k.to_string(), v.to_string())
        })
        .collect();
    (map, body.to_string())
}

fn kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[test]
fn the_claude_code_plugin_follows_the_documented_formats() {
    let root = repo().join("plugins/claude-code");
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(".claude-plugin/plugin.json")).unwrap(),
    )
    .unwrap();
    assert!(kebab(manifest["name"].as_str().unwrap()), "{manifest:#}");
    assert!(manifest["description"].is_string());
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    let market: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join(".claude-plugin/marketplace.json")).unwrap(),
    )
    .unwrap();
    assert!(kebab(market["name"].as_str().unwrap()));
    assert!(market["owner"]["name"].is_string());
    assert_eq!(market["plugins"][0]["name"], manifest["name"]);
    assert_eq!(market["plugins"][0]["source"], "./plugins/claude-code");
    let mcp: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".mcp.json")).unwrap()).unwrap();
    let server = &mcp["mcpServers"]["kubectl-claude"];
    assert_eq!(server["command"], "kubectl");
    assert_eq!(server["args"], json!(["claude", "mcp"]));

    let expected = [
        ("k8s-orchestrator", "opus"),
        ("k8s-diagnostician", "sonnet"),
        ("argocd-operator", "sonnet"),
        ("flux-operator", "sonnet"),
        ("git-operator", "sonnet"),
        ("k8s-status", "haiku"),
    ];
    let mut found: Vec<String> = std::fs::read_dir(root.join("agents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    found.sort();
    let mut want: Vec<String> = expected.iter().map(|(n, _)| format!("{n}.md")).collect();
    want.sort();
    assert_eq!(found, want);
    // The tools the agents name must be tools the server lists.
    let fake = cluster();
    let t = env_for(&fake);
    let listed = tool_names(&client(
        &t,
        "none",
        &[],
        json!([{"tool": "__list_tools__"}]),
    ));
    for (name, model) in expected {
        let (fm, body) = frontmatter(&root.join(format!("agents/{name}.md")));
        assert_eq!(fm.get("name").map(String::as_str), Some(name));
        assert_eq!(fm.get("model").map(String::as_str), Some(model), "{name}");
        assert!(
            fm.get("description").is_some_and(|d| d.len() > 20),
            "{name}"
        );
        assert!(
            body.contains("Safety does not come from this prompt") && body.contains("gate"),
            "{name} must say safety comes from the gate"
        );
        for tool in [
            "diagnose", "status", "list", "get", "events", "audit", "act",
        ] {
            if body.contains(&format!("`{tool}`")) {
                assert!(listed.contains(&tool.to_string()), "{name} names {tool}");
            }
        }
    }
    for skill in [
        "cluster-status",
        "diagnose",
        "rollback",
        "workflow",
        "deploy",
    ] {
        let (fm, body) = frontmatter(&root.join(format!("skills/{skill}/SKILL.md")));
        assert_eq!(fm.get("name").map(String::as_str), Some(skill));
        assert!(
            fm.get("description").is_some_and(|d| d.len() > 20),
            "{skill}"
        );
        assert!(!body.trim().is_empty());
    }
}
