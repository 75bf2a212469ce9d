//! argocd-cmp-claude run as ArgoCD runs it: in the app's source directory, with the build
//! env and plugin parameters, no TTY, and a HOME it cannot write (only the cache dir).

use serde_json::Value;

use crate::support::env::{TestEnv, repo, stderr, stdout};
use crate::support::fake_llm::{FakeLlm, Reply};

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels: {app.kubernetes.io/name: shop}\ndata:\n  mode: \"on\"\n";

/// An app source dir with instructions, and an env like the repo-server sidecar's.
fn app(t: &mut TestEnv, instructions: &str) -> std::path::PathBuf {
    let dir = t.path().join("repo/apps/shop");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("claudernetes.yaml"), instructions).unwrap();
    // HOME cannot be written (it sits under a regular file, which stops root too): only the
    // cache dir is writable, as in the sidecar.
    std::fs::write(t.path().join("not-a-dir"), "").unwrap();
    t.set(
        "HOME",
        t.path().join("not-a-dir/home").display().to_string(),
    );
    t.set(
        "KCLAUDE_CACHE_DIR",
        t.path().join("cmp-cache").display().to_string(),
    );
    t.set("ARGOCD_APP_NAME", "shop");
    t.set("ARGOCD_APP_NAMESPACE", "shop-prod");
    t.set("ARGOCD_APP_REVISION", "0123456789abcdef");
    t.set("ARGOCD_APP_SOURCE_PATH", "apps/shop");
    t.set(
        "ARGOCD_APP_SOURCE_REPO_URL",
        "https://git.example/gitops.git",
    );
    dir
}

fn cmp(t: &TestEnv, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut c = t.persona("argocd-cmp-claude");
    c.current_dir(dir).args(args);
    let o = c.output().unwrap();
    if !o.status.success() {
        // Every failure: nothing on stdout and a one-line reason on stderr.
        assert!(
            o.stdout.is_empty(),
            "stdout must be empty on failure: {}",
            stdout(&o)
        );
        assert_eq!(
            stderr(&o).trim().lines().count(),
            1,
            "one line: {}",
            stderr(&o)
        );
    }
    o
}

fn docs(o: &std::process::Output) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(&stdout(o))
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

#[test]
fn live_mode_against_the_fake_llm_then_cache_hit() {
    let llm = FakeLlm::start(vec![Reply::anthropic(&format!("```yaml\n{CM}```"))]);
    let mut t = TestEnv::new();
    let dir = app(
        &mut t,
        "instructions: |\n  a settings configmap with mode on\n",
    );
    t.set("ANTHROPIC_API_KEY", "sidecar-key");
    t.set("ANTHROPIC_BASE_URL", llm.url());
    let o = cmp(&t, &dir, &["generate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let objs = docs(&o);
    assert_eq!(objs.len(), 1);
    assert_eq!(
        objs[0]["metadata"]["namespace"], "shop-prod",
        "ARGOCD_APP_NAMESPACE is the default namespace"
    );
    assert_eq!(objs[0]["data"]["mode"], "on");
    assert!(stdout(&o).contains("\"on\"") || stdout(&o).contains("'on'"));
    assert!(stderr(&o).contains("from model"), "{}", stderr(&o));
    let o2 = cmp(&t, &dir, &["generate"]);
    assert_eq!(o2.status.code(), Some(0), "{}", stderr(&o2));
    assert_eq!(o2.stdout, o.stdout);
    assert!(stderr(&o2).contains("from cache"), "{}", stderr(&o2));
    assert_eq!(llm.count(), 1, "the refresh must not call the model");
}

#[test]
fn locked_mode_renders_from_a_matching_lock_and_refuses_a_stale_one() {
    let mut t = TestEnv::new();
    let dir = app(
        &mut t,
        "instructions: |\n  Deploy nginx with 2 replicas and a LoadBalancer service\nnamespace: shop-prod\n",
    );
    // The developer's side: generate --lock (offline here) and commit.
    let mut dev = TestEnv::new();
    dev.set("HOME", t.path().join("dev-home").display().to_string());
    let o = dev
        .cmd()
        .current_dir(&dir)
        .args(["generate", "--lock", "-f", "."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The sidecar: an Anthropic provider is configured but must never be called.
    let llm = FakeLlm::start(vec![Reply::error(500, "api_error", "must not be called")]);
    t.set("ANTHROPIC_API_KEY", "sidecar-key");
    t.set("ANTHROPIC_BASE_URL", llm.url());
    let o2 = cmp(&t, &dir, &["generate"]);
    assert_eq!(o2.status.code(), Some(0), "{}", stderr(&o2));
    assert_eq!(
        o2.stdout, o.stdout,
        "the lock renders exactly what was reviewed"
    );
    assert!(stderr(&o2).contains("from lock"), "{}", stderr(&o2));
    // Edit the instructions: the lock is stale.
    std::fs::write(
        dir.join("claudernetes.yaml"),
        "instructions: |\n  Deploy nginx with 3 replicas\nnamespace: shop-prod\n",
    )
    .unwrap();
    let o3 = cmp(&t, &dir, &["generate"]);
    assert_eq!(o3.status.code(), Some(2));
    assert!(
        stderr(&o3).contains("kubectl claude generate -f apps/shop --lock -n shop-prod"),
        "{}",
        stderr(&o3)
    );
    assert_eq!(llm.count(), 0);
}

#[test]
fn deny_rule_fails_the_render() {
    let privileged = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    securityContext: {privileged: true}\n";
    let llm = FakeLlm::start(vec![Reply::anthropic(privileged)]);
    let mut t = TestEnv::new();
    let dir = app(&mut t, "instructions: a privileged debug pod\n");
    t.use_anthropic(&llm);
    let o = cmp(&t, &dir, &["generate"]);
    assert_eq!(o.status.code(), Some(5));
    assert!(stderr(&o).contains("deny-privileged"), "{}", stderr(&o));
}

#[test]
fn allowed_kinds_parameter_is_enforced() {
    let mut t = TestEnv::new();
    let dir = app(
        &mut t,
        "instructions: Deploy nginx with 2 replicas and a LoadBalancer service\n",
    );
    t.set("ARGOCD_APP_PARAMETERS", r#"[{"name":"allowed-kinds","array":["Deployment"]},{"name":"provider","string":"offline"}]"#);
    let o = cmp(&t, &dir, &["generate"]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stderr(&o).contains("deny-kind"), "{}", stderr(&o));
}

#[test]
fn empty_output_is_refused() {
    let mut t = TestEnv::new();
    let dir = app(&mut t, "instructions: make everything better\n");
    t.set("ARGOCD_ENV_PROVIDER", "offline");
    let o = cmp(&t, &dir, &["generate"]);
    assert_ne!(o.status.code(), Some(0));
}

#[test]
fn timeout_is_honoured() {
    let llm = FakeLlm::start(vec![
        Reply::anthropic(CM).delayed(std::time::Duration::from_secs(10)),
    ]);
    let mut t = TestEnv::new();
    let dir = app(&mut t, "instructions: a configmap\n");
    t.use_anthropic(&llm);
    t.set("ARGOCD_EXEC_TIMEOUT", "4s");
    let start = std::time::Instant::now();
    let o = cmp(&t, &dir, &["generate"]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn sigterm_stops_without_output() {
    let llm = FakeLlm::start(vec![
        Reply::anthropic(CM).delayed(std::time::Duration::from_secs(10)),
    ]);
    let mut t = TestEnv::new();
    let dir = app(&mut t, "instructions: a configmap\n");
    t.use_anthropic(&llm);
    let mut c = t.std_persona("argocd-cmp-claude");
    c.current_dir(&dir)
        .arg("generate")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = c.spawn().unwrap();
    // Wait until the request reached the fake server, then terminate.
    for _ in 0..100 {
        if llm.count() > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    unsafe_kill_term(child.id());
    let o = child.wait_with_output().unwrap();
    assert!(o.stdout.is_empty());
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("SIGTERM"), "{}", stderr(&o));
}

fn unsafe_kill_term(pid: u32) {
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
}

#[test]
fn discover_parameters_and_init() {
    let mut t = TestEnv::new();
    let dir = app(&mut t, "instructions: Deploy nginx with 2 replicas\n");
    let o = cmp(&t, &dir, &["discover"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), "claudernetes.yaml");
    let empty = t.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = t
        .persona("argocd-cmp-claude")
        .current_dir(&empty)
        .arg("discover")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let o = cmp(&t, &dir, &["parameters"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "provider",
            "model",
            "mode",
            "namespace",
            "allowed-kinds",
            "values"
        ]
    );
    let o = cmp(&t, &dir, &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(dir.join("claudernetes.yaml"), "instructoins: typo\n").unwrap();
    let o = cmp(&t, &dir, &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("claudernetes.yaml"), "{}", stderr(&o));
}

#[test]
fn plugin_files_parse_and_reference_the_binary_and_uid_999() {
    let root = repo().join("plugins/argocd");
    let plugin: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(root.join("plugin.yaml")).unwrap())
            .unwrap();
    assert_eq!(plugin["kind"], "ConfigManagementPlugin");
    assert_eq!(
        plugin["spec"]["generate"]["command"][0],
        "argocd-cmp-claude"
    );
    assert_eq!(plugin["spec"]["generate"]["command"][1], "generate");
    assert_eq!(plugin["spec"]["init"]["command"][1], "init");
    assert!(plugin["spec"]["discover"].is_object());
    assert_eq!(
        plugin["spec"]["parameters"]["dynamic"]["command"][1],
        "parameters"
    );
    let patch_text = std::fs::read_to_string(root.join("repo-server-patch.yaml")).unwrap();
    let patch: Value = serde_saphyr::from_str(&patch_text).unwrap();
    let containers = patch["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    let side = containers
        .iter()
        .find(|c| c["name"] == "claude-cmp")
        .unwrap();
    assert_eq!(side["command"][0], "/var/run/argocd/argocd-cmp-server");
    assert_eq!(side["securityContext"]["runAsUser"], 999);
    assert_eq!(side["securityContext"]["runAsNonRoot"], true);
    assert_eq!(side["securityContext"]["readOnlyRootFilesystem"], true);
    let mounts: Vec<&str> = side["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap())
        .collect();
    for m in ["/var/run/argocd", "/home/argocd/cmp-server/plugins", "/tmp"] {
        assert!(mounts.contains(&m), "{m} in {mounts:?}");
    }
    assert!(
        side["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["valueFrom"]["secretKeyRef"].is_object())
    );
    assert!(side["resources"]["limits"].is_object());
    let dockerfile = std::fs::read_to_string(root.join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("USER 999"), "runs as uid 999");
    assert!(dockerfile.contains("argocd-cmp-claude"));
    // The example Application uses the plugin with parameters, and everything lints.
    let o = TestEnv::new()
        .cmd()
        .args(["lint", "-f"])
        .arg(root.join("examples"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}

#[test]
fn a_lock_made_without_a_namespace_matches_and_gets_the_destination_namespace() {
    let mut t = TestEnv::new();
    let dir = app(&mut t, "instructions: |\n  Deploy nginx with 2 replicas\n");
    let mut dev = TestEnv::new();
    dev.set("HOME", t.path().join("dev-home").display().to_string());
    let o = dev
        .cmd()
        .current_dir(&dir)
        .args(["generate", "-q", "--lock", "-f", "."])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = cmp(&t, &dir, &["generate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("from lock"), "{}", stderr(&o));
    for d in docs(&o) {
        assert_eq!(d["metadata"]["namespace"], "shop-prod");
    }
}

/// The cache is keyed without the destination namespace; two apps sharing the sidecar's cache
/// each get their own namespace, never the other's.
#[test]
fn a_shared_cache_never_leaks_one_apps_namespace_into_another() {
    let mut t = TestEnv::new();
    let dir = app(&mut t, "instructions: |\n  Deploy nginx with 2 replicas\n");
    t.set("ARGOCD_ENV_PROVIDER", "offline");
    t.set("ARGOCD_APP_NAMESPACE", "staging");
    let o = cmp(&t, &dir, &["generate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        docs(&o)
            .iter()
            .all(|d| d["metadata"]["namespace"] == "staging")
    );
    t.set("ARGOCD_APP_NAMESPACE", "prod");
    let o = cmp(&t, &dir, &["generate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("from cache"), "{}", stderr(&o));
    for d in docs(&o) {
        assert_eq!(d["metadata"]["namespace"], "prod", "{d:#}");
    }
}
