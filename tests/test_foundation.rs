//! Foundation: help, version, personas, links, completion, config, exit codes.

use crate::support::env::{TestEnv, stderr, stdout};

#[test]
fn help_lists_commands_and_exit_codes() {
    let t = TestEnv::new();
    let o = t.cmd().arg("--help").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("Usage: kubectl claude"), "{s}");
    assert!(s.contains("version"), "{s}");
    assert!(s.contains("Exit codes"), "{s}");
}

#[test]
fn unknown_flag_is_usage_error_2() {
    let t = TestEnv::new();
    let o = t.cmd().arg("--nope").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
}

#[test]
fn version_text_and_json() {
    let t = TestEnv::new();
    let o = t.cmd().arg("version").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with("kubectl-claude 0."),
        "{}",
        stdout(&o)
    );
    let o = t.cmd().arg("--version").output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains(env!("CARGO_PKG_VERSION")),
        "{}",
        stdout(&o)
    );
    let o = t.cmd().args(["version", "-o", "json"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kubernetesApi"], "1.35");
    assert!(v["target"].as_str().unwrap().contains("-"));
}

#[test]
fn namespace_and_all_namespaces_conflict() {
    let t = TestEnv::new();
    let o = t.cmd().args(["version", "-n", "x", "-A"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error: --namespace and --all-namespaces"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn every_subcommand_has_help_with_examples() {
    let t = TestEnv::new();
    let o = t.cmd().arg("--help").output().unwrap();
    let help = stdout(&o);
    let commands: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Wrapped descriptions continue with deeper indentation.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 6, "{commands:?}");
    for c in commands {
        let o = t.cmd().args([c.as_str(), "--help"]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{c}");
        assert!(
            stdout(&o).contains("Examples:\n  "),
            "`{c} --help` has no examples:\n{}",
            stdout(&o)
        );
    }
}

#[test]
fn personas_dispatch_on_argv0() {
    let t = TestEnv::new();
    // Unknown names behave as kubectl-claude.
    let o = t
        .persona("my-renamed-copy")
        .arg("version")
        .output()
        .unwrap();
    assert!(stdout(&o).starts_with("kubectl-claude "), "{}", stdout(&o));
    let o = t
        .persona("argocd-cmp-claude")
        .arg("--help")
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("Usage: argocd-cmp-claude"),
        "{}",
        stdout(&o)
    );
    let o = t.persona("flux-claude").arg("--help").output().unwrap();
    assert!(stdout(&o).contains("Usage: flux claude"), "{}", stdout(&o));
}

#[test]
fn kubectl_completion_protocol() {
    let t = TestEnv::new();
    let o = t
        .persona("kubectl_complete-claude")
        .arg("ge")
        .output()
        .unwrap();
    let s = stdout(&o);
    assert!(s.lines().any(|l| l.starts_with("generate\t")), "{s}");
    assert_eq!(s.lines().last(), Some(":4"));
    let o = t
        .persona("kubectl_complete-claude")
        .args(["generate", "--prov"])
        .output()
        .unwrap();
    assert!(
        stdout(&o).lines().any(|l| l.starts_with("--provider")),
        "{}",
        stdout(&o)
    );
    let o = t
        .persona("kubectl_complete-claude")
        .args(["generate", "--provider", ""])
        .output()
        .unwrap();
    let s = stdout(&o);
    assert!(s.contains("offline") && s.contains("anthropic"), "{s}");
}

#[test]
fn flux_completion_protocol_and_contexts() {
    let t = TestEnv::new();
    t.write(
        "kubeconfig",
        "apiVersion: v1\nkind: Config\ncontexts:\n- name: homelab\n  context: {cluster: c, user: u, namespace: media}\n- name: work\n  context: {cluster: c, user: u}\nclusters: []\nusers: []\n",
    );
    let o = t
        .persona("flux-claude")
        .args(["__complete", "--context", ""])
        .output()
        .unwrap();
    let s = stdout(&o);
    assert!(
        s.lines().any(|l| l == "homelab") && s.lines().any(|l| l == "work"),
        "{s}"
    );
    assert!(s.lines().last().unwrap().starts_with(':'));
    let o = t
        .persona("flux-claude")
        .args(["__complete", "-n", "me"])
        .output()
        .unwrap();
    assert!(stdout(&o).lines().any(|l| l == "media"), "{}", stdout(&o));
}

#[test]
fn completion_scripts_in_the_repo_match_the_cli() {
    let t = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = t.cmd().args(["completion", shell]).output().unwrap();
        assert_eq!(o.status.code(), Some(0));
        let path = crate::support::env::repo().join(format!("completions/kubectl-claude.{shell}"));
        if std::env::var_os("KCLAUDE_BLESS").is_some() {
            std::fs::write(&path, &o.stdout).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_default();
        assert!(
            committed == o.stdout,
            "{} drifted from the CLI: run `KCLAUDE_BLESS=1 cargo test completion_scripts` and commit",
            path.display()
        );
    }
}

#[test]
fn install_links_is_idempotent() {
    let t = TestEnv::new();
    let bin_dir = t.path().join("links");
    let flux_dir = t.path().join("flux-plugins");
    let run = || {
        t.cmd()
            .args(["install", "links", "--dir"])
            .arg(&bin_dir)
            .arg("--flux-dir")
            .arg(&flux_dir)
            .output()
            .unwrap()
    };
    let o = run();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).matches("created:").count(), 3, "{}", stdout(&o));
    let o = run();
    assert_eq!(
        stdout(&o).matches("already present:").count(),
        3,
        "{}",
        stdout(&o)
    );
    // The links work: the completion name answers kubectl's protocol.
    let o = t
        .std_cmd_at(&bin_dir.join("kubectl_complete-claude"))
        .arg("")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("generate"));
    // FLUXCD_PLUGINS is honoured when --flux-dir is absent.
    let mut t2 = TestEnv::new();
    let fp = t2.path().join("fp");
    t2.set("FLUXCD_PLUGINS", fp.display().to_string());
    let o = t2
        .cmd()
        .args(["install", "links", "--dir"])
        .arg(t2.path().join("b"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(fp.join("flux-claude").exists());
}

#[test]
fn config_view_masks_secrets_and_errors_name_file_line_key() {
    let mut t = TestEnv::new();
    t.write(
        "home/.config/kubectl-claude/config.yaml",
        "provider: anthropic\nanthropic:\n  api_key: sk-ant-secret-value\nautonomy:\n  forbidden_actions: [scale]\n",
    );
    let o = t
        .cmd()
        .args(["config", "view", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(!s.contains("sk-ant-secret-value"), "{s}");
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(v["effective"]["provider"], "anthropic");
    assert_eq!(v["effective"]["tiers"]["scale"], "forbidden");
    assert_eq!(v["effective"]["tiers"]["drain"], "forbidden");
    t.set("ANTHROPIC_API_KEY", "from-env");
    let o = t.cmd().args(["config", "view"]).output().unwrap();
    assert!(stdout(&o).contains("ANTHROPIC_API_KEY environment variable"));
    assert!(!stdout(&o).contains("from-env"));
    t.write(
        "home/.config/kubectl-claude/config.yaml",
        "provider: offline\nmodle: x\n",
    );
    let o = t.cmd().args(["config", "view"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("config.yaml") && e.contains("modle") && e.contains("line 2"),
        "{e}"
    );
}

#[test]
fn broken_pipe_exits_zero() {
    let t = TestEnv::new();
    // Far more output than a pipe buffers, so the write must hit the closed pipe.
    let pods: String = (0..600)
        .map(|i| format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers: [{{name: c, image: busybox}}]\n"))
        .collect();
    t.write("many.yaml", &pods);
    let mut c = t.std_cmd_at(&crate::support::env::bin());
    c.args(["lint", "-f", "many.yaml"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    drop(child.stdout.take()); // close the read end: writes fail with EPIPE
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("error"), "{}", stderr(&o));
}

#[test]
fn real_kubectl_runs_the_plugin() {
    let Ok(which) = std::process::Command::new("sh")
        .args(["-c", "command -v kubectl"])
        .output()
    else {
        eprintln!("skipping: no sh");
        return;
    };
    if !which.status.success() {
        eprintln!("skipping real_kubectl_runs_the_plugin: kubectl is not on PATH");
        return;
    }
    let mut t = TestEnv::new();
    let dir = t.path().join("plugins");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(crate::support::env::bin(), dir.join("kubectl-claude")).unwrap();
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    t.set("PATH", path);
    let o = t
        .std_cmd_at(std::path::Path::new("kubectl"))
        .args(["claude", "version"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("kubectl-claude "));
}

#[test]
fn krew_manifest_is_a_valid_plugin() {
    let text =
        std::fs::read_to_string(crate::support::env::repo().join("krew/claude.yaml")).unwrap();
    let m: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(
        m["apiVersion"],
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(m["kind"], "Plugin");
    assert_eq!(
        m["metadata"]["name"], "claude",
        "name must equal the file name"
    );
    let version = m["spec"]["version"].as_str().unwrap();
    assert!(version.starts_with('v'));
    assert_eq!(&version[1..], env!("CARGO_PKG_VERSION"));
    let short = m["spec"]["shortDescription"].as_str().unwrap();
    assert!(short.len() <= 50 && !short.contains('\n'));
    assert!(!m["spec"]["description"].as_str().unwrap().is_empty());
    let mut seen = Vec::new();
    for p in m["spec"]["platforms"].as_array().unwrap() {
        let os = p["selector"]["matchLabels"]["os"].as_str().unwrap();
        let arch = p["selector"]["matchLabels"]["arch"].as_str().unwrap();
        let sha = p["sha256"].as_str().unwrap();
        assert!(
            sha.len() == 64
                && sha
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
            "{sha}"
        );
        let uri = p["uri"].as_str().unwrap();
        assert!(uri.ends_with(".tar.gz") || uri.ends_with(".zip"));
        assert!(uri.contains(version));
        let bin = p["bin"].as_str().unwrap();
        assert_eq!(
            bin,
            if os == "windows" {
                "kubectl-claude.exe"
            } else {
                "kubectl-claude"
            }
        );
        seen.push(format!("{os}/{arch}"));
    }
    for want in [
        "linux/amd64",
        "linux/arm64",
        "darwin/amd64",
        "darwin/arm64",
        "windows/amd64",
    ] {
        assert!(seen.contains(&want.to_string()), "{want} missing");
    }
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), seen.len(), "selectors must not overlap");
}

/// `-o` is parsed into one typed format: each command names the formats it takes when given
/// another, printing nothing else, and `snapshot -o DIR` still takes a directory.
#[test]
fn each_command_names_the_output_formats_it_takes() {
    let fake = crate::support::fake_apiserver::FakeApiServer::start(vec![]);
    let t = crate::support::env::env_for(&fake);
    for (args, expected) in [
        (&["approvals", "list", "-o", "yaml"][..], "table, json"),
        (
            &["targetapp", "list", "-o", "text"][..],
            "table, json, yaml",
        ),
        (&["generate", "a web app", "-o", "table"][..], "yaml, json"),
        (&["diagnose", "-o", "text"][..], "table, json, yaml"),
    ] {
        let o = t.run(args);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        let format = args[args.len() - 1];
        assert!(
            e.contains(&format!(
                "unsupported output format `{format}` (expected one of: {expected})"
            )),
            "{args:?}: {e}"
        );
        assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
    }
    let snap = t.path().join("snap");
    let o = t.run(["snapshot", "-o", &snap.display().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(snap.is_dir(), "snapshot -o names the directory it writes");
}
