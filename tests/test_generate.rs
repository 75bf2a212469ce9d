//! generate and lint end to end: the offline provider on every example, the Anthropic and
//! OpenAI clients against the loopback fake LLM, cache, lock, failure shapes, secrets.

use std::time::Duration;

use serde_json::Value;

use crate::support::env::{TEST_API_KEY, TestEnv, repo, stderr, stdout};
use crate::support::fake_llm::{FakeLlm, Reply};

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: web}}
  template:
    metadata: {labels: {app.kubernetes.io/name: web}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
      - name: web
        image: ghcr.io/acme/web:1.2.3
        env: [{name: FEATURE, value: \"no\"}]
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /ready, port: http}}
        livenessProbe: {httpGet: {path: /health, port: http}}
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
";

fn docs(out: &std::process::Output) -> Vec<Value> {
    let text = stdout(out);
    serde_saphyr::from_multiple::<Value>(&text)
        .unwrap_or_else(|e| panic!("stdout is not YAML: {e}\n{text}"))
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

fn find<'a>(objs: &'a [Value], kind: &str) -> &'a Value {
    objs.iter()
        .find(|o| o["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {objs:#?}"))
}

#[test]
fn offline_examples_render_the_requested_objects() {
    let t = TestEnv::new();
    let run = |name: &str| {
        let o = t
            .cmd()
            .args(["generate", "-f"])
            .arg(repo().join("examples").join(name))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains("offline generator"), "{}", stderr(&o));
        docs(&o)
    };
    let nginx = run("nginx");
    assert_eq!(find(&nginx, "Deployment")["spec"]["replicas"], 2);
    assert_eq!(find(&nginx, "Service")["spec"]["type"], "LoadBalancer");

    let fastapi = run("fastapi");
    let d = find(&fastapi, "Deployment");
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "myregistry/fastapi-app:v1.0.0");
    assert_eq!(d["spec"]["replicas"], 3);
    assert_eq!(c["ports"][0]["containerPort"], 8000);
    assert_eq!(c["livenessProbe"]["httpGet"]["path"], "/health");
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/health");
    assert!(c["resources"]["limits"]["memory"].is_string());
    let ing = find(&fastapi, "Ingress");
    assert!(ing["spec"]["tls"][0]["secretName"].is_string());

    let us = run("user-service");
    let d = find(&us, "Deployment");
    let c = &d["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(d["metadata"]["name"], "user-service");
    assert_eq!(d["spec"]["replicas"], 5);
    assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxSurge"], 1);
    assert_eq!(d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], 0);
    assert_eq!(
        c["envFrom"][0]["configMapRef"]["name"],
        "user-service-config"
    );
    assert_eq!(c["envFrom"][1]["secretRef"]["name"], "user-service-secrets");
    assert_eq!(c["resources"]["requests"]["cpu"], "100m");
    assert_eq!(c["resources"]["limits"]["memory"], "512Mi");
    assert_eq!(c["livenessProbe"]["periodSeconds"], 10);
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/ready");
    assert_eq!(c["readinessProbe"]["periodSeconds"], 5);
    let svc = find(&us, "Service");
    assert_eq!(svc["spec"]["type"], "ClusterIP");
    assert_eq!(svc["spec"]["ports"][0]["port"], 80);
    assert_eq!(
        d["spec"]["template"]["metadata"]["annotations"]["prometheus.io/scrape"],
        "true"
    );

    let redis = run("redis");
    let sts = find(&redis, "StatefulSet");
    assert_eq!(sts["spec"]["replicas"], 3);
    assert_eq!(
        sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
        "1Gi"
    );
    let services: Vec<_> = redis.iter().filter(|o| o["kind"] == "Service").collect();
    assert_eq!(services.len(), 2);
    assert!(services.iter().any(|s| s["spec"]["clusterIP"] == "None"));
    for kind in ["ConfigMap", "PodDisruptionBudget", "NetworkPolicy"] {
        find(&redis, kind);
    }
}

#[test]
fn every_example_lints_clean() {
    let t = TestEnv::new();
    for entry in std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .flatten()
    {
        let dir = entry.path();
        if !dir.join("claudernetes.yaml").exists() {
            continue;
        }
        let o = t
            .cmd()
            .args(["generate", "-q", "-f"])
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            dir.display(),
            stderr(&o)
        );
        let out = t.write("out.yaml", &stdout(&o));
        let l = t
            .cmd()
            .args(["lint", "-o", "json", "-f"])
            .arg(&out)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&l.stdout).unwrap();
        assert_eq!(l.status.code(), Some(0), "{}: {v:#}", dir.display());
        assert_eq!(v["errors"], 0);
        assert_eq!(v["warnings"], 0, "{}: {v:#}", dir.display());
    }
}

#[test]
fn offline_lists_what_it_did_not_understand_and_strict_fails() {
    let t = TestEnv::new();
    let text = "Deploy ghcr.io/acme/api:2.0 with 2 replicas. Use blue-green deployment with Argo Rollouts.";
    let o = t.cmd().args(["generate", text]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("blue-green deployment with Argo Rollouts"),
        "{}",
        stderr(&o)
    );
    let o = t
        .cmd()
        .args(["generate", "--strict", text])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5));
    assert!(o.stdout.is_empty());
    let o = t
        .cmd()
        .args(["generate", "make it fast and cheap"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn json_output_is_a_kubectl_list() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args(["generate", "-o", "json", "Deploy nginx with 2 replicas"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    assert!(!v["items"].as_array().unwrap().is_empty());
}

#[test]
fn anthropic_fenced_reply_is_extracted_validated_and_cached() {
    let llm = FakeLlm::start(vec![Reply::anthropic(&format!(
        "Here is your deployment:\n\n```yaml\n{DEPLOY}```\n\nLet me know!"
    ))]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let o = t
        .cmd()
        .args(["generate", "a web deployment", "-n", "shop"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let objs = docs(&o);
    assert_eq!(objs.len(), 1);
    assert_eq!(objs[0]["metadata"]["namespace"], "shop");
    // "no" stays a string: quoted when written.
    assert!(
        stdout(&o).contains("value: \"no\"") || stdout(&o).contains("value: 'no'"),
        "{}",
        stdout(&o)
    );
    let req = &llm.requests()[0];
    assert_eq!(req.path, "/v1/messages");
    assert_eq!(req.header("x-api-key"), Some(TEST_API_KEY));
    assert_eq!(req.header("anthropic-version"), Some("2023-06-01"));
    let body = req.json();
    assert!(body.get("temperature").is_none());
    assert!(
        body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .contains("a web deployment")
    );
    // Second run: cache hit, no model call.
    let o2 = t
        .cmd()
        .args(["generate", "a web deployment", "-n", "shop"])
        .output()
        .unwrap();
    assert_eq!(o2.status.code(), Some(0));
    assert_eq!(o2.stdout, o.stdout);
    assert_eq!(llm.count(), 1, "the second run must not call the model");
    // --no-cache calls again.
    t.cmd()
        .args(["generate", "--no-cache", "a web deployment", "-n", "shop"])
        .output()
        .unwrap();
    assert_eq!(llm.count(), 2);
    // The call log has one record per run, no prompt text, no key.
    let u = t.cmd().args(["usage", "-o", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&u.stdout).unwrap();
    let row = &v["rows"][0];
    assert_eq!(row["calls"], 2);
    assert_eq!(row["cache_hits"], 1);
    assert_eq!(row["input_tokens"], 240);
    let log_dir = t.home().join(".local/state/kubectl-claude/llm-calls");
    let log = std::fs::read_to_string(log_dir.join("2026-11-22.jsonl")).unwrap();
    assert!(!log.contains("a web deployment") && !log.contains(TEST_API_KEY));
}

#[test]
fn prose_reply_with_unfenced_yaml_is_extracted() {
    let llm = FakeLlm::start(vec![Reply::anthropic(&format!(
        "Sure! Below is the manifest.\n{DEPLOY}\nThis follows best practices."
    ))]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let o = t.cmd().args(["generate", "web"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(docs(&o).len(), 1);
}

fn assert_llm_failure(replies: Vec<Reply>, want_in_stderr: &str) -> FakeLlm {
    let llm = FakeLlm::start(replies);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    t.set(
        "XDG_CONFIG_HOME",
        t.path().join("cfg").display().to_string(),
    );
    t.write("cfg/kubectl-claude/config.yaml", "timeout_seconds: 3\n");
    let o = t
        .cmd()
        .args(["generate", "a web deployment"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing on stdout on failure");
    assert!(stderr(&o).contains(want_in_stderr), "{}", stderr(&o));
    assert!(!stderr(&o).contains(TEST_API_KEY));
    llm
}

#[test]
fn prose_only_reply_is_an_error() {
    assert_llm_failure(
        vec![Reply::anthropic("I'm sorry, I can't help with that.")],
        "no Kubernetes object",
    );
}

#[test]
fn truncated_reply_is_an_error_with_nothing_printed() {
    let partial = &DEPLOY[..DEPLOY.len() / 2];
    assert_llm_failure(
        vec![Reply::anthropic_stop(partial, "max_tokens")],
        "cut off at max_tokens",
    );
}

#[test]
fn empty_reply_is_an_error() {
    assert_llm_failure(vec![Reply::anthropic("")], "empty");
}

#[test]
fn unauthorized_names_the_key_source_not_the_key() {
    assert_llm_failure(
        vec![Reply::error(
            401,
            "authentication_error",
            "invalid x-api-key",
        )],
        "ANTHROPIC_API_KEY environment variable",
    );
}

#[test]
fn timeout_is_honoured() {
    let llm = assert_llm_failure(
        vec![Reply::anthropic(DEPLOY).delayed(Duration::from_secs(6))],
        "did not answer within 3 s",
    );
    assert_eq!(llm.count(), 1);
}

#[test]
fn overloaded_twice_then_success_retries() {
    let llm = FakeLlm::start(vec![
        Reply::error(529, "overloaded_error", "Overloaded"),
        Reply::error(529, "overloaded_error", "Overloaded"),
        Reply::anthropic(DEPLOY),
    ]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let o = t.cmd().args(["generate", "web"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(llm.count(), 3);
}

#[test]
fn rate_limit_honours_retry_after() {
    let llm = FakeLlm::start(vec![
        Reply::error(429, "rate_limit_error", "slow down").header("retry-after", "1"),
        Reply::anthropic(DEPLOY),
    ]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let start = std::time::Instant::now();
    let o = t.cmd().args(["generate", "web"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        start.elapsed()
    );
    assert_eq!(llm.count(), 2);
}

#[test]
fn deny_rules_reject_model_output() {
    let privileged = DEPLOY.replace(
        "allowPrivilegeEscalation: false,",
        "privileged: true, allowPrivilegeEscalation: false,",
    );
    assert_llm_failure(vec![Reply::anthropic(&privileged)], "deny-privileged");
}

#[test]
fn unknown_fields_in_model_output_are_rejected() {
    let bad = DEPLOY.replace("replicas: 2", "replicas: 2\n  replica: 3");
    assert_llm_failure(vec![Reply::anthropic(&bad)], "unknown field `spec.replica`");
}

#[test]
fn secrets_in_instructions_are_refused_and_never_sent() {
    let llm = FakeLlm::start(vec![Reply::anthropic(DEPLOY)]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let text =
        "Deploy web with env DB_PASSWORD: hunter2hunter2 and key sk-ant-api03-AAAAAAAAAAAAAAAA";
    let o = t.cmd().args(["generate", text]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--allow-secrets"), "{}", stderr(&o));
    assert_eq!(
        llm.count(),
        0,
        "the fake LLM server must never receive the secret"
    );
    let o = t
        .cmd()
        .args(["generate", "--allow-secrets", text])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(llm.count(), 1);
}

#[test]
fn openai_compatible_provider() {
    let llm = FakeLlm::start(vec![Reply::openai(&format!("```yaml\n{DEPLOY}```"))]);
    let mut t = TestEnv::new();
    t.set("OPENAI_BASE_URL", llm.openai_url());
    let o = t
        .cmd()
        .args([
            "generate",
            "--provider",
            "openai",
            "--model",
            "llama3.1",
            "web",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let req = &llm.requests()[0];
    assert_eq!(req.path, "/v1/chat/completions");
    let body = req.json();
    assert_eq!(body["model"], "llama3.1");
    assert_eq!(body["messages"][0]["role"], "system");
    // `options.num_ctx` is Ollama's: not sent to an endpoint that is not Ollama…
    assert!(body.get("options").is_none(), "{body}");
    // …unless configured.
    t.write(
        "home/.config/kubectl-claude/config.yaml",
        "openai:\n  num_ctx: 32768\n",
    );
    let o = t
        .cmd()
        .args(["generate", "--provider", "openai", "--no-cache", "web"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(llm.requests()[1].json()["options"]["num_ctx"], 32768);
}

#[test]
fn lock_round_trip_calls_no_model() {
    let llm = FakeLlm::start(vec![Reply::anthropic(DEPLOY)]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let f = t.write(
        "app/claudernetes.yaml",
        "instructions: |\n  a web deployment\nnamespace: web\n",
    );
    let o = t
        .cmd()
        .args(["generate", "--lock", "-f"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lock = t.path().join("app/claudernetes.lock.yaml");
    assert!(lock.exists());
    assert_eq!(llm.count(), 1);
    // A fresh cache (new HOME) still renders from the lock with no call.
    t.set("HOME", t.path().join("home2").display().to_string());
    let o2 = t
        .cmd()
        .args(["generate", "-f"])
        .arg(t.path().join("app"))
        .output()
        .unwrap();
    assert_eq!(o2.status.code(), Some(0), "{}", stderr(&o2));
    assert_eq!(o2.stdout, o.stdout);
    assert!(stderr(&o2).contains("lock"), "{}", stderr(&o2));
    assert_eq!(llm.count(), 1);
}

#[test]
fn write_dir_and_flux_layout() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args([
            "generate", "-n", "shop", "--write", "out", "--layout", "flux", "-f",
        ])
        .arg(repo().join("examples/user-service"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let base = t.path().join("out/shop/user-service");
    assert!(base.join("ks.yaml").exists());
    assert!(base.join("app/kustomization.yaml").exists());
    assert!(base.join("app/deployment-user-service.yaml").exists());
    let l = t.cmd().args(["lint", "-f", "out"]).output().unwrap();
    assert_eq!(l.status.code(), Some(0), "{}{}", stdout(&l), stderr(&l));
}

#[test]
fn lint_flags_bad_manifests_and_exits_1() {
    let t = TestEnv::new();
    t.write(
        "bad/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers:\n  - name: c\n    image: nginx:latest\n    securityContext: {privileged: true}\n",
    );
    t.write(
        "bad/crb.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: all}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: []\n",
    );
    t.write(
        "bad/hr.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: h, namespace: x}\nspec:\n  install: {remediation: {retries: -1}}\n  chart: {spec: {chart: c, sourceRef: {kind: HelmRepository, name: r}}}\n",
    );
    let o = t
        .cmd()
        .args(["lint", "-f", "bad", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["rule"].as_str().unwrap())
        .collect();
    for want in [
        "deny-privileged",
        "deny-host-namespaces",
        "deny-cluster-admin",
        "image-tag",
        "helm-retries",
        "flux-sourceref-namespace",
    ] {
        assert!(rules.contains(&want), "{want} missing from {rules:?}");
    }
    let o = t.cmd().args(["lint", "-f", "bad"]).output().unwrap();
    assert!(stdout(&o).contains("deny-privileged"));
    assert!(stdout(&o).contains("bad/pod.yaml#1"), "{}", stdout(&o));
}

#[test]
fn lint_malformed_yaml_names_the_file_and_line() {
    let t = TestEnv::new();
    t.write(
        "m.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n",
    );
    let o = t.cmd().args(["lint", "-f", "m.yaml"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("m.yaml") && e.contains("line"), "{e}");
}

/// A call whose answer is rejected still cost tokens: the call log records them and the
/// prompt's hash, never the prompt.
#[test]
fn rejected_answers_are_call_logged_with_their_tokens() {
    let llm = FakeLlm::start(vec![Reply::anthropic("I'm sorry, I can't help with that.")]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let o = t
        .cmd()
        .args(["generate", "a web deployment"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5));
    let log = std::fs::read_to_string(
        t.home()
            .join(".local/state/kubectl-claude/llm-calls/2026-11-22.jsonl"),
    )
    .unwrap();
    let rec: Value = serde_json::from_str(log.lines().next().unwrap()).unwrap();
    assert!(
        rec["outcome"].as_str().unwrap().starts_with("error:"),
        "{rec}"
    );
    assert_eq!(rec["input_tokens"], 120);
    assert_eq!(rec["output_tokens"], 340);
    assert_eq!(rec["prompt_sha256"].as_str().unwrap().len(), 64);
    assert!(!log.contains("a web deployment"));
}

#[test]
fn a_missing_api_key_is_a_usage_error_with_a_hint() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args(["generate", "--provider", "anthropic", "web"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("hint:"), "{}", stderr(&o));
}

#[test]
fn missing_input_files_are_usage_errors() {
    let t = TestEnv::new();
    for args in [
        vec!["lint", "-f", "nope.yaml"],
        vec!["generate", "-f", "nope/"],
        vec!["diagnose", "--snapshot", "nope/"],
        vec!["workflow", "validate", "nope.yaml"],
    ] {
        let o = t.cmd().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}

/// Issue 13 (5): what the offline generator applied is never reported as not understood.
#[test]
fn offline_never_reports_an_applied_requirement_as_not_understood() {
    let t = TestEnv::new();
    for (text, kind, check) in [
        ("a redis cache with 2 replicas", "Deployment", "replicas"),
        (
            "a postgres database with 10Gi storage and a service",
            "PersistentVolumeClaim",
            "storage",
        ),
    ] {
        let o = t.cmd().args(["generate", text]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{text}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains("did not understand"),
            "{text}: {}",
            stderr(&o)
        );
        let objs = docs(&o);
        let obj = find(&objs, kind);
        match check {
            "replicas" => assert_eq!(obj["spec"]["replicas"], 2),
            _ => assert_eq!(obj["spec"]["resources"]["requests"]["storage"], "10Gi"),
        }
    }
    // A partly applied requirement reports only the words that were not applied.
    let o = t
        .cmd()
        .args(["generate", "nginx with 3 replicas spread evenly"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("  - spread evenly\n"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("3 replicas spread"), "{}", stderr(&o));
}

/// Issue 13 (5): "a nginx ingress for app.example.com with TLS" renders the Ingress asked for.
#[test]
fn offline_nginx_ingress_with_host_and_tls_renders() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args(["generate", "a nginx ingress for app.example.com with TLS"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let objs = docs(&o);
    let ing = find(&objs, "Ingress");
    assert_eq!(ing["spec"]["ingressClassName"], "nginx");
    assert_eq!(ing["spec"]["rules"][0]["host"], "app.example.com");
    assert_eq!(ing["spec"]["tls"][0]["hosts"][0], "app.example.com");
    assert!(
        stderr(&o).contains("note: image: none named; nginx serves behind the nginx Ingress"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("did not understand"), "{}", stderr(&o));
}

/// Issue 13 (5): the hint names only flags that were used (or exist for the situation).
#[test]
fn offline_failure_hints_match_the_flags_used() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args(["generate", "make it fast and cheap"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let err = stderr(&o);
    assert!(!err.contains("--strict"), "{err}");
    assert!(err.contains("rendered nothing"), "{err}");
    assert!(err.contains("make it fast"), "{err}");
    let o = t
        .cmd()
        .args(["generate", "--strict", "Deploy nginx and make it fast"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("drop --strict"), "{}", stderr(&o));
}

/// Issue 13 (5): well-known images get what they need to start, from a Secret that is named
/// in a note (never created, never holding a value).
#[test]
fn offline_well_known_images_get_what_they_need_to_start() {
    let t = TestEnv::new();
    let o = t
        .cmd()
        .args(["generate", "postgres with 10Gi storage"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let objs = docs(&o);
    assert!(objs.iter().all(|o| o["kind"] != "Secret"), "{objs:#?}");
    let c = &find(&objs, "Deployment")["spec"]["template"]["spec"]["containers"][0];
    let env = c["env"].as_array().unwrap();
    let pw = env
        .iter()
        .find(|e| e["name"] == "POSTGRES_PASSWORD")
        .unwrap();
    assert_eq!(
        pw["valueFrom"]["secretKeyRef"],
        serde_json::json!({ "name": "postgres-credentials", "key": "password" })
    );
    // initdb refuses the lost+found of a fresh volume, so the data lives one level down.
    let pgdata = env.iter().find(|e| e["name"] == "PGDATA").unwrap();
    assert_eq!(pgdata["value"], "/var/lib/postgresql/data/pgdata");
    let err = stderr(&o);
    assert!(
        err.contains("note: env: POSTGRES_PASSWORD read from Secret 'postgres-credentials'")
            && err.contains("kubectl create secret generic postgres-credentials"),
        "{err}"
    );
    // Without storage a database still gets a writable data directory.
    let o = t
        .cmd()
        .args(["generate", "a mysql database"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let objs = docs(&o);
    let pod = &find(&objs, "Deployment")["spec"]["template"]["spec"];
    let data = pod["containers"][0]["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "data")
        .unwrap();
    assert_eq!(data["mountPath"], "/var/lib/mysql");
    assert!(
        pod["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "data" && v["emptyDir"].is_object())
    );
    assert!(stderr(&o).contains("MYSQL_ROOT_PASSWORD"), "{}", stderr(&o));
    // minio's image prints its help without a command.
    let o = t.cmd().args(["generate", "minio"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let objs = docs(&o);
    let c = &find(&objs, "Deployment")["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["args"][0], "server");
}
