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
