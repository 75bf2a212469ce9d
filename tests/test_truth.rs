//! Issue 13 part B: the product tells the truth on every path — nothing unread is "healthy",
//! nothing configured is silently ignored, every hint names something that works.

use serde_json::{Value, json};

use crate::support::env::{TestEnv, env_for, repo, stderr, stdout};
use crate::support::fake_apiserver::FakeApiServer;

/// The health-reporting commands, each as a user would run it on a snapshot.
const HEALTH_COMMANDS: &[&[&str]] = &[
    &["diagnose"],
    &["diagnose", "-o", "json"],
    &["status"],
    &["fix", "--dry-run"],
    &["workflow", "run", "cluster-health-check"],
];

fn assert_not_healthy(o: &std::process::Output, what: &str, want_code: i32, want: &str) {
    let (out, err) = (stdout(o), stderr(o));
    assert_eq!(o.status.code(), Some(want_code), "{what}: {out}\n{err}");
    assert!(out.is_empty(), "{what}: partial output on stdout: {out}");
    for healthy in [
        "No problems",
        "none found",
        "nothing to fix",
        "no problems found",
    ] {
        assert!(!err.contains(healthy), "{what}: {err}");
    }
    assert!(err.contains(want), "{what}: want `{want}` in: {err}");
}

/// Defect 1: a snapshot directory with nothing readable in it — empty, only malformed or
/// too-deep files, a FIFO — or a path that is not there, is an error for every command that
/// reports health, naming what was read and what was not.
#[test]
fn a_snapshot_with_nothing_readable_is_never_healthy() {
    let t = TestEnv::new();
    let empty = t.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    t.write("malformed/pods.yaml", "items: [unclosed\n");
    t.write("malformed/notes.txt", "not a manifest\n");
    t.write("deep/pods.json", &"[".repeat(5000));
    let fifo = t.path().join("fifo");
    std::fs::create_dir_all(&fifo).unwrap();
    let st = std::process::Command::new("mkfifo")
        .arg(fifo.join("pods.yaml"))
        .status()
        .unwrap();
    assert!(st.success());
    let cases = [
        (
            "empty",
            "no Kubernetes object could be read (0 manifest file(s)",
        ),
        ("malformed", "malformed/pods.yaml: invalid YAML"),
        ("deep", "deep/pods.json: invalid"),
        ("fifo", "pods.yaml: a FIFO, not a regular file"),
        ("missing", "no such file or directory"),
    ];
    for (dir, want) in cases {
        let path = t.path().join(dir).display().to_string();
        for cmd in HEALTH_COMMANDS {
            let o = t
                .cmd()
                .args(*cmd)
                .args(["--snapshot", &path])
                .timeout(std::time::Duration::from_secs(30))
                .output()
                .unwrap();
            assert_not_healthy(&o, &format!("{cmd:?} on {dir}"), 2, want);
        }
    }
    // Naming a file instead of the directory says so.
    let file = t.write(
        "one.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n",
    );
    let o = t.run(["diagnose", "--snapshot", &file.display().to_string()]);
    assert_not_healthy(&o, "a file", 2, "is a file, not a directory");
}

/// Defect 1: files that could not be read reach the report (JSON `unreadable`, the table's
/// "Not read:"), and the headline does not claim a clean bill of health.
#[test]
fn unreadable_files_reach_the_report() {
    let t = TestEnv::new();
    t.write(
        "snap/nodes.yaml",
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus:\n  conditions:\n  - {type: Ready, status: \"True\"}\n",
    );
    t.write("snap/pods.yaml", "items: [unclosed\n");
    let snap = t.path().join("snap").display().to_string();
    let o = t.run(["diagnose", "--snapshot", &snap, "-o", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let unreadable = v["unreadable"].as_array().unwrap();
    assert_eq!(unreadable.len(), 1, "{v:#}");
    assert!(
        unreadable[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("pods.yaml"),
        "{v:#}"
    );
    let o = t.run(["diagnose", "--snapshot", &snap]);
    let out = stdout(&o);
    assert!(
        out.contains("in what could be read")
            && out.contains("Not read:")
            && out.contains("pods.yaml"),
        "{out}"
    );
    let o = t.run(["status", "--snapshot", &snap]);
    let out = stdout(&o);
    assert!(
        !out.contains("  none found\n") && out.contains("not everything was checked"),
        "{out}"
    );
    let o = t.run([
        "workflow",
        "run",
        "cluster-health-check",
        "--snapshot",
        &snap,
    ]);
    let out = stdout(&o);
    assert!(
        out.contains("not checked:") && out.contains("pods.yaml"),
        "{out}"
    );
}

/// Defect 1, live: every kind Forbidden, a server lost after discovery (every LIST fails),
/// or nothing served — never "no problems".
#[test]
fn a_live_cluster_that_yields_nothing_is_never_healthy() {
    let mut all_forbidden = FakeApiServer::builder();
    for k in kubectl_claude::cluster::kinds::KNOWN {
        all_forbidden = all_forbidden.forbid(&k.api_version(), k.kind);
    }
    let lost = FakeApiServer::builder()
        .objects([json!({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"}})])
        .served("v1", "Pod")
        .fail_resources(500)
        .start();
    let cases = [
        (all_forbidden.start(), 4, "forbidden"),
        (lost, 4, "etcdserver: request timed out"),
        (FakeApiServer::builder().start(), 2, "not served"),
    ];
    for (fake, code, want) in cases {
        let t = env_for(&fake);
        for cmd in HEALTH_COMMANDS {
            let mut args: Vec<&str> = cmd.to_vec();
            if cmd[0] == "fix" {
                // A live fix never gets far enough to propose anything.
                args = vec!["fix", "--dry-run", "-A"];
            }
            let o = t.run(&args);
            assert_not_healthy(&o, &format!("{cmd:?} ({want})"), code, want);
            assert!(stderr(&o).contains("nothing could be read from context \"kind-fake\""));
        }
    }
}

/// Defect 1: part of the cluster unreadable — the report says so in its headline.
#[test]
fn a_partly_forbidden_cluster_is_reported_as_partly_checked() {
    let fake = FakeApiServer::builder()
        .objects([
            json!({"apiVersion":"v1","kind":"Node","metadata":{"name":"n1"},
            "status":{"conditions":[{"type":"Ready","status":"True"}]}}),
        ])
        .forbid("v1", "Pod")
        .start();
    let t = env_for(&fake);
    let o = t.run(["diagnose"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("in what could be read")
            && out.contains("Not checked:")
            && out.contains("Pod (forbidden"),
        "{out}"
    );
    let o = t.run(["status"]);
    let out = stdout(&o);
    assert!(out.contains("not everything was checked"), "{out}");
    let o = t.run(["fix", "--dry-run", "-A"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(
        e.contains("nothing to fix: no root cause at or above warning in what could be read")
            && e.contains("not checked: Pod (forbidden"),
        "{e}"
    );
}

/// Defect 7: `status` recommends the safe look at a NotReady node, never the forbidden
/// `cordon`; `workflow run cluster-health-check` folds the Pending pod under its node as
/// `diagnose` does instead of counting it as a second root cause.
#[test]
fn status_and_workflows_link_like_diagnose() {
    let t = TestEnv::new();
    let snap = repo()
        .join("examples/snapshots/homelab-mixed")
        .display()
        .to_string();
    let o = t.run(["status", "--snapshot", &snap, "-o", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let recs = v["recommendations"].as_array().unwrap();
    assert!(!recs.is_empty());
    for r in recs {
        assert!(!r.as_str().unwrap().starts_with("[forbidden]"), "{r}");
    }
    assert!(
        recs[0]
            .as_str()
            .unwrap()
            .starts_with("[safe] kubectl describe node/k8s-3"),
        "{recs:?}"
    );
    // diagnose's root causes, per recipe.
    let o = t.run(["diagnose", "--snapshot", &snap, "-o", "json"]);
    let d: Value = serde_json::from_slice(&o.stdout).unwrap();
    let diagnose_roots = d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["root_cause"] == true)
        .count();
    let o = t.run([
        "workflow",
        "run",
        "cluster-health-check",
        "--snapshot",
        &snap,
    ]);
    let out = stdout(&o);
    let step_roots: usize = out
        .lines()
        .filter_map(|l| {
            l.split(" root cause(s)")
                .next()?
                .rsplit(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert_eq!(step_roots, diagnose_roots, "{out}\n{d:#}");
    assert!(
        out.contains(
            "symptom(s) of root causes found by other recipes: k8s.node-notready on Node/k8s-3"
        ),
        "{out}"
    );
}

/// Defect 2: a configured credential that cannot be read fails with "cannot read FILE"
/// (exit 2) — never a silent fall back to the offline generator. Likewise a key file that is
/// empty and a base URL that is not a URL.
#[test]
fn configured_but_broken_provider_settings_fail_loudly() {
    let mut t = TestEnv::new();
    let missing = t.path().join("no-such-key").display().to_string();
    let run = |t: &TestEnv, args: &[&str]| t.run(args);
    let check = |o: &std::process::Output, want: &str| {
        let e = stderr(o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(o.stdout.is_empty(), "{}", stdout(o));
        assert!(e.contains(want), "want `{want}` in: {e}");
        assert!(!e.contains("offline generator"), "{e}");
    };
    // The environment variable.
    t.set("ANTHROPIC_API_KEY_FILE", missing.clone());
    let o = run(&t, &["generate", "Deploy nginx with 2 replicas"]);
    check(
        &o,
        &format!("cannot read {missing} (named by ANTHROPIC_API_KEY_FILE)"),
    );
    // The same for diagnose --explain (after the diagnosis) and config view (shown).
    let snap = repo()
        .join("examples/snapshots/homelab-mixed")
        .display()
        .to_string();
    let o = run(&t, &["diagnose", "--snapshot", &snap, "--explain"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(&format!("cannot read {missing}")));
    let o = run(&t, &["config", "view", "-o", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["effective"]["anthropicKey"]
            .as_str()
            .unwrap()
            .contains("cannot read"),
        "{v:#}"
    );
    assert_eq!(v["effective"]["provider"], "anthropic");
    // The config key.
    t.unset("ANTHROPIC_API_KEY_FILE");
    let cfg = t.write(
        "home/.config/kubectl-claude/config.yaml",
        &format!("anthropic:\n  api_key_file: {missing}\n"),
    );
    let o = run(&t, &["generate", "Deploy nginx with 2 replicas"]);
    check(
        &o,
        &format!("named by anthropic.api_key_file in {}", cfg.display()),
    );
    // An empty key file.
    let empty = t.write("empty-key", "\n");
    t.set("ANTHROPIC_API_KEY_FILE", empty.display().to_string());
    let o = run(&t, &["generate", "Deploy nginx with 2 replicas"]);
    check(&o, "is empty");
    // A base URL that is not one.
    std::fs::remove_file(&cfg).unwrap();
    t.unset("ANTHROPIC_API_KEY_FILE");
    t.set("OPENAI_BASE_URL", "localhost:11434");
    let o = run(&t, &["generate", "--provider", "openai", "Deploy nginx"]);
    check(
        &o,
        "OPENAI_BASE_URL `localhost:11434` is not an http(s) URL",
    );
}

/// Defect 7: `config view` does not present a config file that does not exist as read.
#[test]
fn config_view_says_when_there_is_no_config_file() {
    let t = TestEnv::new();
    let o = t.run(["config", "view", "-o", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["fileRead"], false, "{v:#}");
    assert!(stderr(&o).contains("no config file at"), "{}", stderr(&o));
    t.write("home/.config/kubectl-claude/config.yaml", "model: m\n");
    let o = t.run(["config", "view", "-o", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["fileRead"], true, "{v:#}");
    assert!(!stderr(&o).contains("no config file"));
}

/// An app dir under `repo/apps/shop` and the sidecar's environment (destination shop-prod).
fn cmp_app(t: &mut TestEnv, instructions: &str) -> std::path::PathBuf {
    let dir = t.write("repo/apps/shop/claudernetes.yaml", instructions);
    let dir = dir.parent().unwrap().to_path_buf();
    t.set(
        "KCLAUDE_CACHE_DIR",
        t.path().join("cmp-cache").display().to_string(),
    );
    t.set("ARGOCD_APP_NAME", "shop");
    t.set("ARGOCD_APP_NAMESPACE", "shop-prod");
    t.set("ARGOCD_APP_SOURCE_PATH", "apps/shop");
    dir
}

fn cmp_generate(t: &TestEnv, dir: &std::path::Path) -> std::process::Output {
    let mut c = t.persona("argocd-cmp-claude");
    c.current_dir(dir).arg("generate");
    c.output().unwrap()
}

/// Defect 4: a lock made for the destination namespace is accepted by the CMP; a lock stale
/// because of the Application's values names the exact `--set` command, and that command
/// makes a lock the CMP accepts.
#[test]
fn the_cmp_accepts_a_destination_lock_and_names_the_command_for_a_stale_one() {
    let mut t = TestEnv::new();
    let dir = cmp_app(
        &mut t,
        "instructions: |\n  Deploy nginx:{{ tag }} with 2 replicas\nvalues:\n  tag: \"1.27\"\n",
    );
    let lock = |t: &TestEnv, cwd: &std::path::Path, args: &[&str]| {
        let o = t
            .cmd()
            .current_dir(cwd)
            .args(["generate", "-q", "--lock"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    lock(&t, &dir, &["-f", ".", "-n", "shop-prod"]);
    let o = cmp_generate(&t, &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("from lock"), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("namespace: shop-prod"),
        "{}",
        stdout(&o)
    );
    // The Application overrides a value: stale, and the hint is the command to run.
    t.set(
        "ARGOCD_APP_PARAMETERS",
        r#"[{"name":"values","map":{"tag":"1.28"}}]"#,
    );
    let o = cmp_generate(&t, &dir);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(o.stdout.is_empty());
    let want = "kubectl claude generate -f apps/shop --lock -n shop-prod --set tag=1.28";
    assert!(e.contains(want), "{e}");
    // Running exactly that from the repository root makes a lock the CMP accepts.
    let args: Vec<&str> = want.split(' ').skip(3).filter(|a| *a != "--lock").collect();
    lock(&t, &t.path().join("repo"), &args);
    let o = cmp_generate(&t, &dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("nginx-unprivileged:1.28"),
        "{}",
        stdout(&o)
    );
}

/// Defect 4: an Application value that no placeholder reads changes nothing, so it does not
/// make the lock stale — `generate --lock` refuses such a `--set`, so a hint naming it would
/// point at a command that fails.
#[test]
fn the_cmp_ignores_a_value_no_placeholder_reads_when_matching_the_lock() {
    let mut t = TestEnv::new();
    let dir = cmp_app(
        &mut t,
        "instructions: |\n  Deploy nginx:1.27 with 2 replicas\n",
    );
    let o = t
        .cmd()
        .current_dir(&dir)
        .args(["generate", "-q", "--lock", "-f", ".", "-n", "shop-prod"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    t.set(
        "ARGOCD_APP_PARAMETERS",
        r#"[{"name":"values","map":{"tag":"1.28"}}]"#,
    );
    let o = cmp_generate(&t, &dir);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(e.contains("no {{ … }} placeholder for `tag`"), "{e}");
    assert!(e.contains("from lock"), "{e}");
    assert!(!e.contains("--set tag"), "{e}");
}

/// Defect 4, CLI: rendering from a matching lock does not claim "using the offline
/// generator"; a lock that no longer matches is warned about, not silently bypassed.
#[test]
fn cli_generate_says_when_the_committed_lock_is_stale() {
    let t = TestEnv::new();
    let dir = t
        .write(
            "app/claudernetes.yaml",
            "instructions: |\n  Deploy nginx with 2 replicas\n",
        )
        .parent()
        .unwrap()
        .to_path_buf();
    let run = |args: &[&str]| {
        t.cmd()
            .current_dir(&dir)
            .arg("generate")
            .args(args)
            .output()
            .unwrap()
    };
    assert_eq!(run(&["-f", ".", "--lock"]).status.code(), Some(0));
    let o = run(&["-f", "."]);
    let e = stderr(&o);
    assert!(e.contains("rendered from claudernetes.lock.yaml"), "{e}");
    assert!(!e.contains("using the offline generator"), "{e}");
    assert!(!e.contains("stale"), "{e}");
    std::fs::write(
        dir.join("claudernetes.yaml"),
        "instructions: |\n  Deploy nginx with 3 replicas\n",
    )
    .unwrap();
    let o = run(&["-f", "."]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(
        e.contains("claudernetes.lock.yaml is stale") && e.contains("--lock"),
        "{e}"
    );
    assert!(stdout(&o).contains("replicas: 3"), "{}", stdout(&o));
}

/// Defect 6: the CMP's allowed-kinds rejection names the parameter, not a flag it lacks.
#[test]
fn cmp_rejection_hints_name_what_the_sidecar_has() {
    let mut t = TestEnv::new();
    let dir = cmp_app(
        &mut t,
        "instructions: |\n  Deploy nginx with 2 replicas and a LoadBalancer service\n",
    );
    t.set(
        "ARGOCD_APP_PARAMETERS",
        r#"[{"name":"allowed-kinds","array":["ConfigMap"]}]"#,
    );
    let o = cmp_generate(&t, &dir);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(5), "{e}");
    assert!(!e.contains("--no-cache"), "{e}");
    assert!(e.contains("allowed-kinds parameter"), "{e}");
}

/// Defect 3: the CMP's own deadline ends inside Argo CD's (default 50 s, inside the
/// repo-server's 60 s), is configurable with KCLAUDE_CMP_TIMEOUT, and its error says which
/// Argo CD settings to raise.
#[test]
fn the_cmp_fails_with_its_own_error_inside_argo_cds_deadline() {
    use crate::support::fake_llm::{FakeLlm, Reply};
    let llm = FakeLlm::start(vec![
        Reply::anthropic("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
            .delayed(std::time::Duration::from_secs(20)),
    ]);
    let mut t = TestEnv::new();
    let dir = cmp_app(&mut t, "instructions: a configmap\n");
    t.use_anthropic(&llm);
    t.set("KCLAUDE_CMP_TIMEOUT", "2s");
    let start = std::time::Instant::now();
    let o = cmp_generate(&t, &dir);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(5), "{e}");
    assert!(o.stdout.is_empty());
    assert!(
        start.elapsed() < std::time::Duration::from_secs(8),
        "{:?}",
        start.elapsed()
    );
    assert!(e.contains("within 2 s"), "{e}");
    assert!(
        e.contains("server.repo.server.timeout.seconds") && e.contains("KCLAUDE_CMP_TIMEOUT"),
        "{e}"
    );
    // A budget that is not a duration is refused, not ignored.
    t.set("KCLAUDE_CMP_TIMEOUT", "soon");
    let o = cmp_generate(&t, &dir);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("KCLAUDE_CMP_TIMEOUT=`soon`"),
        "{}",
        stderr(&o)
    );
}

/// Defect 6: without a cluster, each command's hint names only what works for it; `act get`
/// (a safe read) works on a snapshot; `diff --snapshot` is refused, not silently ignored.
#[test]
fn hints_without_a_cluster_name_what_works_for_each_command() {
    let t = TestEnv::new();
    let manifest = t.write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\n",
    );
    let manifest = manifest.display().to_string();
    let cases: &[(&[&str], &str)] = &[
        (&["diagnose"], "or work offline with --snapshot DIR"),
        (&["status"], "or work offline with --snapshot DIR"),
        (&["fix"], "--snapshot DIR with --dry-run or --suggest-only"),
        (
            &["workflow", "run", "cluster-health-check"],
            "or run it on --snapshot DIR",
        ),
        (
            &["act", "get", "deployment/x"],
            "for reads (get, describe, list, logs)",
        ),
        (&["diff", "-f", &manifest], "`kubectl claude lint -f FILE`"),
    ];
    for (args, want) in cases {
        let o = t.cmd().args(*args).output().unwrap();
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(4), "{args:?}: {e}");
        assert!(e.contains(want), "{args:?}: want `{want}` in {e}");
        if args[0] == "diff" {
            assert!(!e.contains("--snapshot"), "{e}");
        }
    }
    let snap = repo()
        .join("examples/snapshots/homelab-mixed")
        .display()
        .to_string();
    // Each hint that names --snapshot works as it says.
    let o = t.run(["act", "get", "node/k8s-3", "--snapshot", &snap]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("name: k8s-3"), "{}", stdout(&o));
    let o = t.run([
        "act",
        "list",
        "pods",
        "-n",
        "media",
        "--snapshot",
        &snap,
        "-o",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = t.run(["fix", "--dry-run", "--snapshot", &snap]);
    assert!(matches!(o.status.code(), Some(0 | 1 | 3)), "{}", stderr(&o));
    // A change on a snapshot is still refused, with what does work.
    let o = t.run([
        "act",
        "scale",
        "deployment/x",
        "--replicas",
        "2",
        "--snapshot",
        &snap,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("act runs reads"), "{}", stderr(&o));
    let o = t.run(["diff", "-f", &manifest, "--snapshot", &snap]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("does not read --snapshot"),
        "{}",
        stderr(&o)
    );
}

/// Defect 7: the krew manifest does not claim release checksums it does not hold, and the
/// archives `scripts/package-krew.sh` builds into dist/ are never committed by accident.
#[test]
fn krew_manifest_says_what_its_checksums_are() {
    let text = std::fs::read_to_string(repo().join("krew/claude.yaml")).unwrap();
    let zeros = format!("\"{}\"", "0".repeat(64));
    if text.contains(&zeros) {
        assert!(
            text.contains("placeholders"),
            "zero sha256 values presented as real"
        );
        assert!(!text.contains("those of the last packaged release"));
    }
    let ignore = std::fs::read_to_string(repo().join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l.trim() == "dist/"), "{ignore}");
    let script = std::fs::read_to_string(repo().join("scripts/package-krew.sh")).unwrap();
    assert!(
        script.contains("out=\"dist\""),
        "the script's output dir changed: update .gitignore"
    );
}

/// Defect 7: `lint -f DIR` skips claudernetes instruction/lock files (saying so), refuses one
/// named directly, and numbers documents within their own file.
#[test]
fn lint_skips_instruction_files_and_numbers_documents_per_file() {
    let t = TestEnv::new();
    let o = t.run([
        "lint",
        "-f",
        &repo().join("examples").display().to_string(),
        "-o",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for i in v["issues"].as_array().unwrap() {
        let origin = i["origin"].as_str().unwrap_or("");
        assert!(!origin.contains("claudernetes."), "{i}");
    }
    assert!(
        stderr(&o).contains("skipped") && stderr(&o).contains("instruction"),
        "{}",
        stderr(&o)
    );
    // Unnamed documents are numbered in their own file.
    t.write(
        "m/a.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    );
    t.write("m/b.yaml", "foo: bar\n");
    let o = t.run(["lint", "-f", "m", "-o", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let missing: Vec<&Value> = v["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["rule"] == "missing-kind")
        .collect();
    assert_eq!(missing.len(), 1, "{v:#}");
    assert_eq!(missing[0]["object"], "document 1", "{v:#}");
    assert!(missing[0]["origin"].as_str().unwrap().ends_with("b.yaml#1"));
    let f = repo()
        .join("examples/redis/claudernetes.yaml")
        .display()
        .to_string();
    let o = t.run(["lint", "-f", &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds generate instructions"),
        "{}",
        stderr(&o)
    );
}

/// Defect 7: an unknown `--set` key and `--layout`/`--repo-url` without `--write` are errors,
/// not silently ignored.
#[test]
fn generate_refuses_flags_that_would_do_nothing() {
    let t = TestEnv::new();
    let dir = t
        .write(
            "app/claudernetes.yaml",
            "instructions: |\n  Deploy nginx:{{ tag }} with 2 replicas\nvalues:\n  tag: \"1.27\"\n",
        )
        .parent()
        .unwrap()
        .display()
        .to_string();
    let run = |args: &[&str]| t.cmd().arg("generate").args(args).output().unwrap();
    let o = run(&["-f", &dir, "--set", "tga=1.28"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("`tga`") && stderr(&o).contains("placeholders: tag"),
        "{}",
        stderr(&o)
    );
    let o = run(&["-f", &dir, "--set", "tag=1.28"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for extra in [
        &["--layout", "flux"][..],
        &["--repo-url", "https://git.example/x.git"],
    ] {
        let mut args = vec!["-f", dir.as_str()];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("without --write"), "{}", stderr(&o));
    }
}

/// Defect 7: a refused connection is not retried until the deadline and is not reported as
/// "retry-after exceeds the deadline": it fails at once, naming the URL.
#[test]
fn a_refused_connection_fails_at_once_and_says_so() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener); // nothing listens there now
    let mut t = TestEnv::new();
    t.set("ANTHROPIC_API_KEY", "k");
    t.set("ANTHROPIC_BASE_URL", format!("http://127.0.0.1:{port}"));
    let start = std::time::Instant::now();
    let o = t.run(["generate", "Deploy nginx"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(5), "{e}");
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(
        e.contains("connection refused") && e.contains(&port.to_string()),
        "{e}"
    );
    assert!(!e.contains("retry-after"), "{e}");
}

/// Defect 7: completion offers workflow names (built-in and the user's).
#[test]
fn completion_offers_workflow_names() {
    let t = TestEnv::new();
    t.write(
        "home/.config/kubectl-claude/workflows/my-check.yaml",
        "name: my-check\ndescription: mine\nsteps:\n  - name: report\n    action: report\n",
    );
    for sub in ["run", "show"] {
        let o = t
            .persona("kubectl_complete-claude")
            .args(["workflow", sub, ""])
            .output()
            .unwrap();
        let s = stdout(&o);
        assert!(
            s.lines().any(|l| l.starts_with("cluster-health-check\t")),
            "{s}"
        );
        assert!(s.lines().any(|l| l.starts_with("my-check")), "{s}");
    }
}

/// Issue 10 item 11: loading a snapshot costs a bounded multiple of its size (a 12 MB compact
/// pod list ran in ~335 MB before, ~200 MB now: it must fit a 280 MB data limit), and inputs
/// past the documented limits — an oversized file, a link to /dev/zero — are refused with a
/// clear message instead of being read until allocation fails.
#[test]
fn snapshot_memory_is_bounded_and_oversized_inputs_are_refused() {
    let t = TestEnv::new();
    let items: Vec<Value> = (0..16_000)
        .map(|i| {
            json!({"apiVersion":"v1","kind":"Pod","metadata":{"name":format!("pod-{i}"),
                "namespace":format!("ns-{}", i % 50),"labels":{"app":format!("app-{}", i % 300),
                "pod-template-hash":"abcdef123"},"uid":"5c0e3a9e-8c1f-4a57-9b1e-0c7d2a7f4b11",
                "creationTimestamp":"2026-05-01T10:00:00Z"},
             "spec":{"nodeName":format!("node-{}", i % 20),"containers":[{"name":"app",
                "image":"registry.example.com/team/app:v1.2.3","ports":[{"containerPort":8080,
                "protocol":"TCP"}],"resources":{"requests":{"cpu":"100m","memory":"128Mi"}},
                "env":[{"name":"LOG_LEVEL","value":"info"},{"name":"PORT","value":"8080"}]}]},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True",
                "lastTransitionTime":"2026-05-01T10:01:00Z"}],"containerStatuses":[{"name":"app",
                "ready":true,"restartCount":0,"image":"registry.example.com/team/app:v1.2.3",
                "state":{"running":{"startedAt":"2026-05-01T10:00:30Z"}}}]}})
        })
        .collect();
    let big = json!({"apiVersion":"v1","kind":"List","items":items}).to_string();
    assert!(big.len() > 11_000_000, "{}", big.len());
    t.write("big/pods.json", &big);
    let snap = t.path().join("big").display().to_string();
    if cfg!(target_os = "linux") {
        let mut c = std::process::Command::new("sh");
        c.env_clear();
        for (k, v) in &t.env {
            c.env(k, v);
        }
        let o = c
            .args(["-c", "ulimit -d 280000 && exec \"$0\" \"$@\""])
            .arg(crate::support::env::bin())
            .args(["diagnose", "--snapshot", &snap, "-o", "json"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v["findings"].as_array().unwrap().is_empty());
    }
    // Past the per-file limit (a sparse file: nothing is read), and a link to /dev/zero.
    t.write(
        "mixed/nodes.yaml",
        "apiVersion: v1\nkind: Node\nmetadata: {name: node1}\nstatus:\n  conditions:\n  - {type: Ready, status: \"True\"}\n",
    );
    let huge = std::fs::File::create(t.path().join("mixed/pods.json")).unwrap();
    huge.set_len(kubectl_claude::cluster::snapshot::MAX_JSON_FILE_BYTES + 1)
        .unwrap();
    std::os::unix::fs::symlink("/dev/zero", t.path().join("mixed/events.json")).unwrap();
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot", "mixed", "-o", "json"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let un = v["unreadable"].to_string();
    assert!(
        un.contains("pods.json") && un.contains("MiB per-JSON-file limit"),
        "{un}"
    );
    assert!(
        un.contains("events.json") && un.contains("a device, not a regular file"),
        "{un}"
    );
    // The path itself being a device is refused by name.
    let o = t
        .cmd()
        .args(["diagnose", "--snapshot", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is a device, not a directory"),
        "{}",
        stderr(&o)
    );
}

/// Defect 6: a failing model behind `diagnose --explain` is not answered with
/// `--provider offline`, which `--explain` does not take.
#[test]
fn explain_failures_hint_at_what_explain_takes() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut t = TestEnv::new();
    t.set("ANTHROPIC_API_KEY", "k");
    t.set("ANTHROPIC_BASE_URL", format!("http://127.0.0.1:{port}"));
    let snap = repo()
        .join("examples/snapshots/homelab-mixed")
        .display()
        .to_string();
    let o = t.run(["diagnose", "--snapshot", &snap, "--explain"]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(5), "{e}");
    assert!(
        stdout(&o).contains("Node/k8s-3"),
        "the diagnosis comes first: {}",
        stdout(&o)
    );
    assert!(!e.contains("--provider offline"), "{e}");
    assert!(e.contains("drop --explain"), "{e}");
}

/// Defect 7: on a terminal that reports 0 columns, tables keep their cells whole instead of
/// wrapping one letter per line. Run under a real pty (util-linux `script`).
#[test]
fn tables_do_not_collapse_on_a_zero_column_terminal() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let t = TestEnv::new();
    let snap = repo()
        .join("examples/snapshots/homelab-mixed")
        .display()
        .to_string();
    let inner = format!(
        "stty cols 0 rows 0; '{}' status --snapshot '{snap}'",
        crate::support::env::bin().display()
    );
    let mut c = std::process::Command::new("script");
    c.env_clear();
    for (k, v) in &t.env {
        c.env(k, v);
    }
    let o = c
        .args(["-qec", &inner, "/dev/null"])
        .output()
        .expect("util-linux `script` runs the binary on a pty");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("NODE") && out.contains("k8s-3"), "{out}");
    assert!(out.contains("MEM REQ/ALLOC"), "collapsed: {out}");
}

/// Workflow recipe steps link across every recipe, so they read every kind: consecutive steps
/// with no action in between share one gather instead of listing the cluster per step.
#[test]
fn workflow_recipe_steps_share_one_gather_until_an_action_runs() {
    let fake = FakeApiServer::from_dir(&repo().join("examples/snapshots/homelab-mixed"));
    let t = env_for(&fake);
    let o = t.run(["workflow", "run", "cluster-health-check", "-A"]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    let pod_lists = fake
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path == "/api/v1/pods")
        .count();
    assert_eq!(pod_lists, 1, "{}", stdout(&o));
}

/// Verifier defect: a bad `OPENAI_BASE_URL` is answered with an OpenAI-compatible example, a
/// bad `ANTHROPIC_BASE_URL` with Anthropic's (before: both with both).
#[test]
fn a_bad_base_url_hint_gives_an_example_for_its_provider() {
    let mut t = TestEnv::new();
    t.set("OPENAI_BASE_URL", "localhost:11434");
    let o = t.run(["generate", "--provider", "openai", "Deploy nginx"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("hint:") && e.contains("http://localhost:11434/v1"),
        "{e}"
    );
    assert!(!e.contains("anthropic.com"), "{e}");
    t.unset("OPENAI_BASE_URL");
    t.set("ANTHROPIC_API_KEY", "test-key-not-real");
    t.set("ANTHROPIC_BASE_URL", "api.anthropic.com");
    let o = t.run(["generate", "--provider", "anthropic", "Deploy nginx"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("https://api.anthropic.com"), "{e}");
    assert!(!e.contains("11434"), "{e}");
}

/// Verifier defect: with no kubeconfig file at all, the first hint says how to get one (before:
/// "pick a context with --context", which needs a kubeconfig to pick from).
#[test]
fn no_kubeconfig_at_all_says_how_to_get_one() {
    let t = TestEnv::new(); // KUBECONFIG names a file that does not exist
    let o = t.run(["diagnose"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let e = stderr(&o);
    let first = e
        .lines()
        .find(|l| l.starts_with("hint:"))
        .unwrap_or_else(|| panic!("no hint: {e}"));
    assert!(first.contains("get a kubeconfig"), "{e}");
    assert!(first.contains("KUBECONFIG"), "{e}");
    assert!(!first.contains("--context"), "{e}");
    // A kubeconfig that exists but names no usable context still says --context.
    t.write(
        "kubeconfig",
        "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n",
    );
    let o = t.run(["diagnose"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("--context"), "{}", stderr(&o));
}

/// Verifier defect: `generate --timeout 0` means no limit, as kubectl's `--request-timeout=0`
/// (before: it was read as 1 s). The model answers after 1.5 s.
#[test]
fn generate_timeout_zero_means_no_limit() {
    use crate::support::fake_llm::{FakeLlm, Reply};
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {app.kubernetes.io/name: web}}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app.kubernetes.io/name: web}}\n  template:\n    metadata: {labels: {app.kubernetes.io/name: web}}\n    spec:\n      containers: [{name: web, image: 'ghcr.io/acme/web:1.2.3'}]\n";
    let slow = || {
        Reply::anthropic(&format!("```yaml\n{deploy}```"))
            .delayed(std::time::Duration::from_millis(1500))
    };
    let llm = FakeLlm::start(vec![slow(), slow(), slow(), slow(), slow(), slow()]);
    let mut t = TestEnv::new();
    t.use_anthropic(&llm);
    let o = t.run([
        "generate",
        "a web deployment",
        "--timeout",
        "0",
        "--no-cache",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("kind: Deployment"), "{}", stdout(&o));
    // A limit still limits.
    let o = t.run([
        "generate",
        "a web deployment",
        "--timeout",
        "1",
        "--no-cache",
    ]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
}
