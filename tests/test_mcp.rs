//! `kubectl claude mcp` driven by a real MCP client we did not write: the Python `mcp` SDK
//! from PyPI (installed by scripts/ci-deps.sh), running tests/mcp_client.py against the built
//! binary and the loopback fake API server.

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;

use serde_json::{Value, json};

use crate::support::acting::{audit_records, env_for, mutations};
use crate::support::env::{TestEnv, repo};
use crate::support::fake_apiserver::FakeApiServer;

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
    cluster_builder().start()
}

/// [`cluster`] before it starts, to script more (exec replies).
fn cluster_builder() -> crate::support::fake_apiserver::Builder {
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
    objs.extend(crate::support::acting::objects());
    FakeApiServer::builder().objects(objs)
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
        json!([{"tool": "__list_tools__"}, {"tool": "__list_prompts__"},
               {"tool": "__get_prompt__", "arguments": {"name": "workflow",
                   "arguments": {"name": "pod-crashloop-remediation"}}}]),
    );
    let wf_prompt = all["calls"][2]["prompt"].as_str().unwrap();
    assert!(
        wf_prompt.contains("`workflow_run`") && wf_prompt.contains("pod-crashloop-remediation"),
        "{wf_prompt}"
    );
    let names = tool_names(&all);
    for n in [
        "diagnose",
        "status",
        "list",
        "get",
        "describe",
        "events",
        "logs",
        "diff",
        "generate",
        "lint",
        "audit",
        "workflow_list",
        "workflow_run",
        "act",
    ] {
        assert!(names.contains(&n.to_string()), "{n} missing from {names:?}");
    }
    let schema = |name: &str| {
        all["calls"][0]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()["inputSchema"]
            .clone()
    };
    assert_eq!(schema("workflow_run")["required"], json!(["name"]));
    assert!(schema("workflow_run")["properties"]["params"].is_object());
    assert_eq!(schema("logs")["required"], json!(["target"]));
    assert!(schema("logs")["properties"]["tail"].is_object());
    assert_eq!(schema("diff")["required"], json!(["manifests"]));
    assert_eq!(schema("generate")["required"], json!(["instructions"]));
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
               {"tool": "act", "arguments": {"verb": "scale", "target": "deploy/web", "namespace": "app", "replicas": 3}},
               {"tool": "workflow_run", "arguments": {"name": "cluster-health-check"}}]),
    );
    let names = tool_names(&ro);
    for hidden in ["act", "workflow_run"] {
        assert!(!names.contains(&hidden.to_string()), "{names:?}");
    }
    for safe in [
        "diagnose",
        "describe",
        "logs",
        "diff",
        "generate",
        "workflow_list",
    ] {
        assert!(names.contains(&safe.to_string()), "{safe}: {names:?}");
    }
    // Even called by name, a hidden tool is an error result, not a crash or a write.
    assert_eq!(ro["calls"][1]["isError"], true);
    assert!(
        ro["calls"][1]["text"]
            .as_str()
            .unwrap()
            .contains("read-only")
    );
    assert_eq!(ro["calls"][2]["isError"], true);
    assert!(
        ro["calls"][2]["text"]
            .as_str()
            .unwrap()
            .contains("no tool `workflow_run`")
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
    // A snapshot lists the acting tools too: they only preview there (see below).
    assert!(tool_names(&r).contains(&"diff".to_string()));
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
            "diagnose",
            "status",
            "list",
            "get",
            "describe",
            "events",
            "logs",
            "diff",
            "generate",
            "lint",
            "audit",
            "workflow_list",
            "workflow_run",
            "act",
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
        // The tools a skill names must be tools the server lists.
        for tool in [
            "describe",
            "logs",
            "diff",
            "generate",
            "workflow_list",
            "workflow_run",
        ] {
            if body.contains(&format!("`{tool}`")) {
                assert!(listed.contains(&tool.to_string()), "{skill} names {tool}");
            }
        }
        assert!(
            fm.get("description").is_some_and(|d| d.len() > 20),
            "{skill}"
        );
        assert!(!body.trim().is_empty());
    }
}

/// A log line that carries a credential (and markup): masked, returned as inert text.
const LOG_SECRET_LINE: &str = "<script>alert(1)</script> login ok password=hunter2-planted-Zq9 Authorization: Bearer sk-ant-api03-PLANTEDPLANTEDPLANTED";

fn logging_cluster() -> FakeApiServer {
    let mut log: String = (1..=150).map(|i| format!("line {i}\n")).collect();
    log.push_str(LOG_SECRET_LINE);
    log.push('\n');
    let mut objs = vec![json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "web-1.1", "namespace": "app"},
        "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "app"},
        "type": "Warning", "reason": "BackOff", "count": 3,
        "message": format!("Back-off restarting failed container (DB_PASSWORD={PLANTED})"),
        "lastTimestamp": "2026-11-22T09:59:00Z"})];
    objs.extend([
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "app"},
            "type": "Opaque", "data": {"password": "aHVudGVyMi1wbGFudGVkLVpxOQ=="}}),
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web-1", "namespace": "app", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                "env": [{"name": "DB_PASSWORD", "value": PLANTED}]}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}),
    ]);
    objs.extend(crate::support::acting::objects());
    FakeApiServer::builder()
        .objects(objs)
        .log("app", "web-1", "web", &log)
        .start()
}

#[test]
fn mcp_logs_are_masked_and_trimmed_and_describe_shows_events() {
    let fake = logging_cluster();
    let t = env_for(&fake);
    let r = client(
        &t,
        "none",
        &["-n", "app"],
        json!([{"tool": "logs", "arguments": {"target": "web-1"}},
               {"tool": "logs", "arguments": {"target": "pod/web-1", "tail": 3}},
               {"tool": "logs", "arguments": {"target": "pod/nope"}},
               {"tool": "describe", "arguments": {"target": "pod/web-1"}},
               {"tool": "describe", "arguments": {"target": "secret/db"}}]),
    );
    let calls = r["calls"].as_array().unwrap();
    let l = &calls[0]["structured"];
    assert_eq!(calls[0]["isError"], false, "{:#}", calls[0]);
    assert_eq!(l["total_lines"], 151, "{l:#}");
    assert_eq!(
        l["lines"].as_array().unwrap().len(),
        100,
        "the default tail"
    );
    assert_eq!(l["truncated"], true);
    assert_eq!(l["target"], "Pod/app/web-1");
    let last = l["lines"][99].as_str().unwrap();
    // The markup is only text in a JSON string; the credentials in the line are masked.
    assert!(
        last.starts_with("<script>alert(1)</script> login ok"),
        "{last}"
    );
    assert!(last.contains("<redacted>"), "{last}");
    assert!(!last.contains("PLANTEDPLANTED"), "{last}");
    let l3 = &calls[1]["structured"]["lines"];
    assert_eq!(l3.as_array().unwrap().len(), 3);
    assert_eq!(l3[0], "line 149");
    // A missing pod is an error result with the cluster's message, not a crash.
    assert_eq!(calls[2]["isError"], true, "{:#}", calls[2]);
    assert!(
        calls[2]["text"].as_str().unwrap().contains("nope"),
        "{:#}",
        calls[2]
    );
    let d = &calls[3]["structured"];
    assert_eq!(calls[3]["isError"], false, "{:#}", calls[3]);
    assert_eq!(d["object"]["kind"], "Pod");
    assert_eq!(
        d["object"]["spec"]["containers"][0]["env"][0]["value"],
        "<redacted>"
    );
    assert_eq!(d["events_total"], 1);
    assert_eq!(d["events"][0]["reason"], "BackOff");
    assert_eq!(
        calls[4]["structured"]["object"]["data"]["password"],
        "<redacted>"
    );
    // Logs are read through the acting session: audited as the client's reads.
    let recs = audit_records(&t);
    let reads: Vec<_> = recs.iter().filter(|r| r["verb"] == "logs").collect();
    assert!(!reads.is_empty(), "{recs:#?}");
    assert!(
        reads
            .iter()
            .all(|r| r["origin"] == "mcp:py-test-client" && r["tier"] == "safe"),
        "{reads:#?}"
    );
    assert!(mutations(&fake).is_empty());
}

#[test]
fn mcp_diff_compares_with_the_cluster_and_with_a_snapshot_and_writes_nothing() {
    let fake = cluster();
    let t = env_for(&fake);
    let manifests = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: app}}\nspec: {{replicas: 5}}\n---\n\
         apiVersion: v1\nkind: Secret\nmetadata: {{name: db, namespace: app}}\nstringData: {{password: {PLANTED}-new}}\n---\n\
         apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: fresh, namespace: app}}\ndata: {{a: b}}\n"
    );
    let r = client(
        &t,
        "none",
        &[],
        json!([{"tool": "diff", "arguments": {"manifests": manifests}},
               {"tool": "diff", "arguments": {"manifests": "kind: [unclosed"}}]),
    );
    let c = &r["calls"][0];
    assert_eq!(c["isError"], false, "{c:#}");
    let d = &c["structured"];
    assert_eq!(d["v"], 1);
    assert_eq!(d["differs"], true);
    let objs = d["objects"].as_array().unwrap();
    assert_eq!(objs[0]["status"], "changed", "{d:#}");
    assert!(
        objs[0]["diff"].as_str().unwrap().contains("+  replicas: 5"),
        "{d:#}"
    );
    assert_eq!(
        objs[1]["status"], "changed",
        "a changed Secret is still reported"
    );
    assert_eq!(objs[2]["status"], "new");
    assert_eq!(d["summary"]["new"], 1);
    assert_eq!(d["summary"]["changed"], 2);
    assert_eq!(r["calls"][1]["isError"], true);
    assert!(
        r["calls"][1]["text"]
            .as_str()
            .unwrap()
            .contains("<manifests>")
    );
    assert!(mutations(&fake).is_empty(), "diff changes nothing");

    // Offline: against a snapshot.
    let snap = repo().join("examples/snapshots/flux-git-auth");
    let r = client(
        &t,
        "none",
        &["--snapshot", snap.to_str().unwrap()],
        json!([{"tool": "diff", "arguments": {"manifests":
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: fleet-infra, namespace: flux-system}\nspec: {interval: 7m}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: flux-system}\n"}},
               {"tool": "diff", "arguments": {"manifests": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "server_side": true}}]),
    );
    let d = &r["calls"][0]["structured"];
    assert_eq!(r["calls"][0]["isError"], false, "{:#}", r["calls"][0]);
    assert_eq!(d["objects"][0]["status"], "changed", "{d:#}");
    assert!(
        d["objects"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("interval: 7m"),
        "{d:#}"
    );
    assert_eq!(d["objects"][1]["status"], "new");
    assert!(d["warnings"][0].as_str().unwrap().contains("snapshot"));
    assert_eq!(r["calls"][1]["isError"], true);
    assert!(
        r["calls"][1]["text"]
            .as_str()
            .unwrap()
            .contains("server_side")
    );
}

#[test]
fn mcp_generate_works_offline_and_with_a_model_key() {
    use crate::support::fake_llm::{FakeLlm, Reply};
    let mut t = TestEnv::new();
    let r = client(
        &t,
        "none",
        &[],
        json!([{"tool": "generate", "arguments": {
                   "instructions": "Deploy nginx with 2 replicas and a LoadBalancer service",
                   "namespace": "web"}},
               {"tool": "generate", "arguments": {"instructions": "  "}},
               {"tool": "generate", "arguments": {"instructions": "nginx", "provider": "nope"}}]),
    );
    let g = &r["calls"][0];
    assert_eq!(g["isError"], false, "{g:#}");
    let s = &g["structured"];
    assert_eq!(s["kind"], "List");
    assert_eq!(s["generation"]["provider"], "offline");
    let items = s["items"].as_array().unwrap();
    let dep = items.iter().find(|o| o["kind"] == "Deployment").unwrap();
    assert_eq!(dep["spec"]["replicas"], 2);
    assert_eq!(dep["metadata"]["namespace"], "web");
    let svc = items.iter().find(|o| o["kind"] == "Service").unwrap();
    assert_eq!(svc["spec"]["type"], "LoadBalancer");
    assert_eq!(r["calls"][1]["isError"], true);
    assert!(
        r["calls"][2]["text"]
            .as_str()
            .unwrap()
            .contains("unknown provider"),
        "{:#}",
        r["calls"][2]
    );

    // With a key, the configured model (the loopback fake) answers, once; the key and a
    // credential in the instructions never leave toward the client or the model.
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels: {app.kubernetes.io/name: api}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app.kubernetes.io/name: api}}\n  template:\n    metadata: {labels: {app.kubernetes.io/name: api}}\n    spec:\n      securityContext: {runAsNonRoot: true}\n      containers:\n      - name: api\n        image: ghcr.io/acme/api:1.0.0\n        readinessProbe: {httpGet: {path: /ready, port: 8080}}\n        livenessProbe: {httpGet: {path: /health, port: 8080}}\n        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}\n        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n";
    let llm = FakeLlm::start(vec![Reply::anthropic(&format!("```yaml\n{deploy}```"))]);
    t.set("ANTHROPIC_API_KEY", "test-key-not-real");
    t.set("ANTHROPIC_BASE_URL", llm.url());
    let r = client(
        &t,
        "none",
        &[],
        json!([{"tool": "generate", "arguments": {"instructions": "an api with 3 replicas", "namespace": "shop"}},
               {"tool": "generate", "arguments": {"instructions": "an api with 3 replicas", "namespace": "shop"}},
               {"tool": "generate", "arguments": {"instructions": format!("an api with env DB_PASSWORD: {PLANTED}")}}]),
    );
    let g = &r["calls"][0];
    assert_eq!(g["isError"], false, "{g:#}");
    assert_eq!(g["structured"]["generation"]["provider"], "anthropic");
    assert_eq!(g["structured"]["items"][0]["metadata"]["name"], "api");
    assert_eq!(g["structured"]["items"][0]["metadata"]["namespace"], "shop");
    assert_eq!(
        r["calls"][1]["structured"]["generation"]["source"], "hit",
        "the same instructions again are a cache hit"
    );
    assert_eq!(r["calls"][2]["isError"], true, "{:#}", r["calls"][2]);
    assert_eq!(
        llm.count(),
        1,
        "one model call: a cache hit, then a refusal"
    );
    let req = llm.requests()[0].json();
    assert!(
        req["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("an api with 3 replicas")
    );
    assert!(!r.to_string().contains("test-key-not-real"));
}

/// A user workflow with one confirm step: scale deploy/web in app to 4.
fn scale_workflow(t: &TestEnv) {
    t.write(
        "home/.config/kubectl-claude/workflows/scale-web.yaml",
        "name: scale-web\ndescription: scale web for the sale\nparams:\n  - name: replicas\n    default: \"4\"\nsteps:\n  - name: scale\n    action: scale\n    target: deploy/web\n    namespace: app\n    inputs: {replicas: \"{{ params.replicas }}\"}\n    confirm: true\n    description: more traffic expected\n  - name: report\n    action: report\n",
    );
}

#[test]
fn mcp_workflow_run_confirm_step_declined_writes_nothing_accepted_patches_once() {
    let run = json!([{"tool": "workflow_run", "arguments": {"name": "scale-web"}}]);

    // Declined: nothing written, the decision audited as the client's.
    let fake = cluster();
    let t = env_for(&fake);
    scale_workflow(&t);
    let r = client(&t, "decline", &[], run.clone());
    let c = &r["calls"][0];
    assert_eq!(
        c["isError"], false,
        "a declined step is not an error: {c:#}"
    );
    assert_eq!(c["structured"]["tally"]["declined"], 1, "{c:#}");
    assert_eq!(c["structured"]["actions"][0]["approval"], "declined");
    assert_eq!(r["elicitations"].as_array().unwrap().len(), 1);
    let msg = r["elicitations"][0]["message"].as_str().unwrap();
    assert!(msg.contains("replicas: 4"), "the diff is shown: {msg}");
    assert!(msg.contains("more traffic expected"), "{msg}");
    assert!(mutations(&fake).is_empty());
    let recs = audit_records(&t);
    let scale: Vec<_> = recs.iter().filter(|r| r["verb"] == "scale").collect();
    assert_eq!(scale.len(), 2, "{recs:#?}");
    assert_eq!(scale[0]["origin"], "mcp:py-test-client");
    assert_eq!(scale[0]["approval"], "declined");

    // Accepted: exactly one PATCH, audited as mcp-elicitation with the approver.
    let fake = cluster();
    let t = env_for(&fake);
    scale_workflow(&t);
    let r = client(&t, "accept", &[], run.clone());
    let c = &r["calls"][0];
    assert_eq!(c["isError"], false, "{c:#}");
    let s = &c["structured"];
    assert_eq!(s["tally"]["ran"], 1, "{s:#}");
    assert_eq!(s["origin"], "mcp:py-test-client");
    assert_eq!(s["actions"][0]["approval"], "mcp-elicitation");
    assert!(s["report"].as_str().unwrap().contains("scale"), "{s:#}");
    let w = mutations(&fake);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].method, "PATCH");
    assert_eq!(
        w[0].path,
        "/apis/apps/v1/namespaces/app/deployments/web/scale"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&w[0].body).unwrap(),
        json!({"spec": {"replicas": 4}})
    );
    let recs = audit_records(&t);
    assert!(
        recs.iter().all(|r| r["origin"] == "mcp:py-test-client"),
        "every record of the run is the client's: {recs:#?}"
    );
    let scale: Vec<_> = recs.iter().filter(|r| r["verb"] == "scale").collect();
    assert_eq!(scale[0]["approval"], "mcp-elicitation");
    assert_eq!(scale[0]["approver"], "mcp:py-test-client");
    assert_eq!(scale[1]["outcome"], "ok");
    // `audit -o json` carries who approved.
    let o = t.cmd().args(["audit", "-o", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let a = v["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["verb"] == "scale")
        .unwrap()
        .clone();
    assert_eq!(a["approver"], "mcp:py-test-client", "{a:#}");
    assert_eq!(a["approval"], "mcp-elicitation");
    assert!(a["request"].is_null());

    // A client that cannot ask: refused with the exact diff, nothing written.
    let fake = cluster();
    let t = env_for(&fake);
    scale_workflow(&t);
    let r = client(
        &t,
        "none",
        &[],
        json!([{"tool": "workflow_run", "arguments": {"name": "scale-web", "params": {"replicas": "6"}}},
               {"tool": "workflow_run", "arguments": {"name": "scale-web", "params": {"nope": "1"}}},
               {"tool": "workflow_run", "arguments": {"name": "no-such-workflow"}}]),
    );
    let c = &r["calls"][0];
    assert_eq!(c["isError"], true, "{c:#}");
    assert_eq!(c["structured"]["actions"][0]["approval"], "refused-no-tty");
    assert!(c["text"].as_str().unwrap().contains("replicas: 6"), "{c:#}");
    assert!(c["text"].as_str().unwrap().contains("elicitation"), "{c:#}");
    assert!(
        r["calls"][1]["text"]
            .as_str()
            .unwrap()
            .contains("has no param `nope`")
    );
    assert!(
        r["calls"][2]["text"]
            .as_str()
            .unwrap()
            .contains("no workflow named")
    );
    assert!(mutations(&fake).is_empty());
}

#[test]
fn mcp_on_a_snapshot_reads_answer_and_changes_are_previewed_only() {
    let t = TestEnv::new();
    let snap = repo().join("examples/snapshots/helmrelease-oomkilled");
    let r = client(
        &t,
        "accept",
        &["--snapshot", snap.to_str().unwrap()],
        json!([{"tool": "__list_tools__"},
               {"tool": "workflow_run", "arguments": {"name": "pod-crashloop-remediation",
                   "params": {"namespace": "shop"}}},
               {"tool": "act", "arguments": {"verb": "rollout-restart", "target": "deploy/checkout",
                   "namespace": "shop"}},
               {"tool": "describe", "arguments": {"target": "deploy/checkout", "namespace": "shop"}}]),
    );
    let names = tool_names(&r);
    assert!(names.contains(&"act".to_string()) && names.contains(&"workflow_run".to_string()));
    let w = &r["calls"][1];
    assert_eq!(w["isError"], false, "{w:#}");
    assert_eq!(w["structured"]["snapshot"], true, "{w:#}");
    assert_eq!(w["structured"]["dry_run"], true, "{w:#}");
    assert_eq!(w["structured"]["tally"]["ran"], 0, "{w:#}");
    assert!(
        w["structured"]["tally"]["shown"].as_u64().unwrap() > 0,
        "the remediation is previewed: {w:#}"
    );
    let a = &r["calls"][2]["structured"];
    assert_eq!(a["approval"], "dry-run", "{a:#}");
    assert!(a["snapshot"].as_str().unwrap().contains("previewed only"));
    assert_eq!(
        r["calls"][3]["structured"]["object"]["metadata"]["name"],
        "checkout"
    );
    assert!(
        r["elicitations"].as_array().unwrap().is_empty(),
        "a preview asks nobody"
    );
    // Every record, the workflow's fix steps included, is the client's and a preview.
    let recs = audit_records(&t);
    let changes: Vec<_> = recs.iter().filter(|r| r["tier"] != "safe").collect();
    assert!(changes.len() >= 4, "{recs:#?}");
    assert!(
        recs.iter().all(|r| r["origin"] == "mcp:py-test-client"),
        "{recs:#?}"
    );
    assert!(
        changes.iter().all(|r| r["approval"] == "dry-run"),
        "{changes:#?}"
    );
}

#[test]
fn audit_json_carries_approver_and_request() {
    let t = TestEnv::new();
    let rec = |phase: &str, extra: Value| {
        let mut v = json!({"v": 1, "id": "abc123", "phase": phase, "at": "2026-11-22T09:00:00Z",
            "context": "kind-fake", "origin": "trigger:alert", "action": {"verb": "scale"},
            "verb": "scale", "target": "Deployment/app/web", "tier": "confirm",
            "approval": "approval-request", "command": "kubectl scale deployment/web -n app --replicas 3",
            "approver": "alice@example.com", "request": "ar-7f3c"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v.to_string()
    };
    t.write(
        "home/.local/state/kubectl-claude/actions/2026-11-22.jsonl",
        &format!(
            "{}\n{}\n",
            rec("decision", json!({})),
            rec("outcome", json!({"outcome": "ok"}))
        ),
    );
    let o = t.cmd().args(["audit", "-o", "json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let a = &v["attempts"][0];
    assert_eq!(a["approver"], "alice@example.com", "{v:#}");
    assert_eq!(a["request"], "ar-7f3c");
    assert_eq!(a["outcome"], "ok");
    // The MCP `audit` tool returns the same fields.
    let r = client(&t, "none", &[], json!([{"tool": "audit", "arguments": {}}]));
    let m = &r["calls"][0]["structured"]["attempts"][0];
    assert_eq!(m["approver"], "alice@example.com");
    assert_eq!(m["request"], "ar-7f3c");
}

/// The Claude Code CLI, when installed: `KCLAUDE_TEST_CLAUDE`, else `claude` on PATH. It is
/// large, so scripts/ci-deps.sh does not install it (`npm install -g @anthropic-ai/claude-code`).
fn claude_code() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("KCLAUDE_TEST_CLAUDE") {
        return Some(PathBuf::from(p));
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("claude"))
        .find(|p| p.is_file())
}

/// A real Claude Code, offline: its own validator accepts the plugin and the marketplace
/// (`--strict`: warnings fail), it loads the plugin from `--plugin-dir` with every agent, skill
/// and the MCP server, and its MCP client connects to `kubectl claude mcp` as the plugin's
/// `.mcp.json` starts it (through a `kubectl` on PATH that runs the built binary). Skipped
/// only when no `claude` binary is installed.
#[test]
fn claude_code_validates_loads_and_connects_to_the_plugin() {
    let Some(claude) = claude_code() else {
        eprintln!(
            "SKIPPED claude_code_validates_loads_and_connects_to_the_plugin: no `claude` binary \
             (npm install -g @anthropic-ai/claude-code, or set KCLAUDE_TEST_CLAUDE)"
        );
        return;
    };
    let t = TestEnv::new();
    let shims = t.path().join("shims");
    std::fs::create_dir_all(&shims).unwrap();
    let kubectl = shims.join("kubectl");
    std::fs::write(
        &kubectl,
        format!(
            "#!/bin/sh\n[ \"$1\" = claude ] || {{ echo \"only the claude plugin here\" >&2; exit 1; }}\nshift\nexec '{}' \"$@\"\n",
            crate::support::env::bin().display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&kubectl, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        shims.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |args: &[&str]| {
        let o = t
            .std_cmd_at(&claude)
            .env("PATH", &path)
            .env("DISABLE_AUTOUPDATER", "1")
            .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
            .env("DISABLE_TELEMETRY", "1")
            .args(args)
            .output()
            .expect("run claude");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (o.status.code(), text)
    };
    let plugin = repo().join("plugins/claude-code");
    let plugin = plugin.to_str().unwrap();
    let (code, out) = run(&["plugin", "validate", "--strict", plugin]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Validation passed"), "{out}");
    let (code, out) = run(&["plugin", "validate", "--strict", repo().to_str().unwrap()]);
    assert_eq!(code, Some(0), "the marketplace: {out}");
    // The validator does fail: an agent without a description is refused under --strict.
    let broken = t.path().join("broken");
    std::fs::create_dir_all(broken.join(".claude-plugin")).unwrap();
    std::fs::create_dir_all(broken.join("agents")).unwrap();
    std::fs::copy(
        repo().join("plugins/claude-code/.claude-plugin/plugin.json"),
        broken.join(".claude-plugin/plugin.json"),
    )
    .unwrap();
    std::fs::write(broken.join("agents/x.md"), "---\nname: x\n---\nbody\n").unwrap();
    let (code, out) = run(&["plugin", "validate", "--strict", broken.to_str().unwrap()]);
    assert_ne!(code, Some(0), "{out}");

    let (code, out) = run(&[
        "--plugin-dir",
        plugin,
        "plugin",
        "details",
        "kubectl-claude",
    ]);
    assert_eq!(code, Some(0), "{out}");
    for want in ["Skills (5)", "Agents (6)", "MCP servers (1)"] {
        assert!(out.contains(want), "{want}: {out}");
    }
    for name in [
        "cluster-status",
        "k8s-orchestrator",
        "k8s-diagnostician",
        "argocd-operator",
        "flux-operator",
        "git-operator",
        "k8s-status",
    ] {
        assert!(out.contains(name), "{name}: {out}");
    }
    let (code, out) = run(&["--plugin-dir", plugin, "mcp", "list"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("kubectl-claude: kubectl claude mcp - ✔ Connected"),
        "Claude Code's MCP client did not connect to the server: {out}"
    );
}

/// The ignore file `diagnose` and `serve` honour silences the MCP `diagnose` and `status`
/// tools too: the root cause moves to `suppressed` with its reason.
#[test]
fn mcp_diagnose_and_status_honour_the_shared_ignore_file() {
    let t = TestEnv::new();
    let snap = repo().join("examples/snapshots/flux-git-auth");
    let calls = json!([{"tool": "diagnose", "arguments": {}}, {"tool": "status", "arguments": {}}]);
    let before = client(
        &t,
        "none",
        &["--snapshot", snap.to_str().unwrap()],
        calls.clone(),
    );
    let ids = |r: &Value| -> Vec<String> {
        r["calls"][0]["structured"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        ids(&before).contains(&"flux.git-auth-failed".to_string()),
        "{before:#}"
    );
    let problems_before = before["calls"][1]["structured"].to_string();
    assert!(
        problems_before.contains("flux.git-auth-failed"),
        "{problems_before}"
    );

    t.write(
        ".kubectl-claude-ignore",
        "- id: flux.git-auth-failed\n  reason: rotating the deploy key\n",
    );
    let after = client(&t, "none", &["--snapshot", snap.to_str().unwrap()], calls);
    assert!(
        !ids(&after).contains(&"flux.git-auth-failed".to_string()),
        "{after:#}"
    );
    let sup = after["calls"][0]["structured"]["suppressed"]
        .as_array()
        .unwrap();
    let root = sup
        .iter()
        .find(|s| s["id"] == "flux.git-auth-failed")
        .unwrap();
    assert!(
        root["reason"]
            .as_str()
            .unwrap()
            .contains("rotating the deploy key"),
        "{root:#}"
    );
    let status_after = after["calls"][1]["structured"].to_string();
    assert!(
        !status_after.contains("flux.git-auth-failed"),
        "{status_after}"
    );
}

/// `act` exec over MCP: the argv and container are tool arguments; exec is confirm tier, so
/// it asks by elicitation (showing what will run) and runs exactly that argv once on accept;
/// a client that cannot ask is refused and nothing is sent. What the command printed comes
/// back masked (the planted password never reaches the client), and the audit keeps the
/// exit code.
#[test]
fn mcp_act_exec_asks_first_runs_the_argv_once_and_masks_its_output() {
    let reply = crate::support::fake_apiserver::ExecReply {
        stdout: format!("DB_PASSWORD={PLANTED}\nready\n"),
        ..Default::default()
    };
    let call = json!([{"tool": "act", "arguments": {"verb": "exec", "target": "pod/web-1",
        "namespace": "app", "container": "web", "command": ["sh", "-c", "env; echo ready"],
        "reason": "check the env"}}]);

    let fake = cluster_builder()
        .exec_reply("app", "web-1", reply.clone())
        .start();
    let t = env_for(&fake);
    let r = client(&t, "accept", &[], call.clone());
    let c = &r["calls"][0];
    assert_eq!(c["isError"], false, "{c:#}");
    assert_eq!(c["structured"]["approval"], "mcp-elicitation", "{c:#}");
    assert_eq!(c["structured"]["result"]["exitCode"], 0, "{c:#}");
    let out = c["structured"]["result"]["stdout"].as_str().unwrap();
    assert!(out.contains("ready") && out.contains("<redacted>"), "{out}");
    let el = r["elicitations"].as_array().unwrap();
    assert_eq!(el.len(), 1);
    let msg = el[0]["message"].as_str().unwrap();
    assert!(
        msg.contains(r#"["sh" "-c" "env; echo ready"]"#) && msg.contains("container web"),
        "the prompt shows what will run: {msg}"
    );
    let execs = fake.execs();
    assert_eq!(execs.len(), 1, "{execs:#?}");
    assert_eq!(execs[0].command, ["sh", "-c", "env; echo ready"]);
    assert_eq!(execs[0].container.as_deref(), Some("web"));
    let recs = audit_records(&t);
    assert_eq!(recs[0]["approval"], "mcp-elicitation");
    assert_eq!(recs[1]["outcome"], "ok");
    assert_eq!(recs[1]["exec"]["exit_code"], 0, "{:#?}", recs[1]);
    assert!(!recs[1].to_string().contains(PLANTED));

    let fake = cluster_builder().exec_reply("app", "web-1", reply).start();
    let t = env_for(&fake);
    let r = client(&t, "none", &[], call);
    let c = &r["calls"][0];
    assert_eq!(c["isError"], true, "{c:#}");
    assert_eq!(c["structured"]["approval"], "refused-no-tty", "{c:#}");
    assert!(fake.execs().is_empty(), "{:#?}", fake.execs());
}

/// `restart-pod` with `grace_period_seconds` over MCP sends one DELETE of the pod whose
/// DeleteOptions carry it.
#[test]
fn mcp_act_restart_pod_sends_the_grace_period() {
    let fake = cluster();
    let t = env_for(&fake);
    let r = client(
        &t,
        "accept",
        &[],
        json!([{"tool": "act", "arguments": {"verb": "restart-pod", "target": "pod/web-1",
            "namespace": "app", "grace_period_seconds": 7}}]),
    );
    let c = &r["calls"][0];
    assert_eq!(c["isError"], false, "{c:#}");
    let w = mutations(&fake);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(
        (w[0].method.as_str(), w[0].path.as_str()),
        ("DELETE", "/api/v1/namespaces/app/pods/web-1")
    );
    let body: Value = serde_json::from_str(&w[0].body).unwrap();
    assert_eq!(body["gracePeriodSeconds"], 7, "{body}");
    assert!(
        c["structured"]["command"]
            .as_str()
            .unwrap()
            .contains("--grace-period 7"),
        "{c:#}"
    );
}
