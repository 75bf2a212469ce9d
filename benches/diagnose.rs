//! Diagnose throughput on a large synthetic cluster: 5,000 pods (5% crashlooping), 300
//! HelmReleases (10% failing) with their Deployments and Services, 200 Argo CD Applications.
//! Times `recipes::run` + `finding::link` and prints min/median over N runs; then serves the
//! same cluster from the loopback fake API server and times the built binary's live
//! `diagnose -A` end to end (wall time, API requests, peak RSS via GNU time) next to
//! `kubectl get` of the same kinds as a baseline.
//!
//! `cargo bench --bench diagnose` (add `-- --runs 20` to change N). Without `--bench` in argv
//! it exits at once, because `cargo test --all-targets` also runs bench targets.

use std::time::{Duration, Instant};

use kubectl_claude::autonomy::Policy;
use kubectl_claude::cluster::Inventory;
use kubectl_claude::finding::link;
use kubectl_claude::recipes::{self, RECIPES};
use serde_json::json;

#[path = "../tests/support/fake_apiserver.rs"]
#[allow(dead_code)]
mod fake_apiserver;

fn synthetic() -> Inventory {
    let mut inv = Inventory::new();
    for k in [
        "HelmRelease",
        "Kustomization",
        "GitRepository",
        "Application",
        "EndpointSlice",
    ] {
        inv.mark_served(k);
    }
    for i in 0..300 {
        let ns = format!("team-{}", i % 30);
        let failing = i % 10 == 0;
        let cond = if failing {
            json!([{"type":"Ready","status":"False","reason":"UpgradeFailed","message":format!("Helm upgrade failed for release {ns}/app-{i} with chart app@1.0.0: context deadline exceeded")}])
        } else {
            json!([{"type":"Ready","status":"True","reason":"UpgradeSucceeded","message":"ok"}])
        };
        inv.insert(json!({"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease",
            "metadata":{"name":format!("app-{i}"),"namespace":ns,"generation":1},
            "spec":{"chart":{"spec":{"chart":"app","sourceRef":{"kind":"HelmRepository","name":"charts","namespace":"flux-system"}}}},
            "status":{"observedGeneration":1,"conditions":cond}}));
        inv.insert(json!({"apiVersion":"apps/v1","kind":"Deployment",
            "metadata":{"name":format!("app-{i}"),"namespace":ns,"labels":{"helm.toolkit.fluxcd.io/name":format!("app-{i}"),"helm.toolkit.fluxcd.io/namespace":ns}},
            "spec":{"replicas":2,"selector":{"matchLabels":{"app":format!("app-{i}")}}},
            "status":{"availableReplicas": if failing {0} else {2}}}));
        inv.insert(json!({"apiVersion":"v1","kind":"Service","metadata":{"name":format!("app-{i}"),"namespace":ns},
            "spec":{"selector":{"app":format!("app-{i}")},"ports":[{"port":80,"targetPort":8080}]}}));
        inv.insert(json!({"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
            "metadata":{"name":format!("app-{i}-x"),"namespace":ns,"labels":{"kubernetes.io/service-name":format!("app-{i}")}},
            "endpoints": if failing { json!([]) } else { json!([{"addresses":["10.0.0.1"],"conditions":{"ready":true}}]) }}));
    }
    for p in 0..5000 {
        let i = p % 300;
        let ns = format!("team-{}", i % 30);
        let crash = p % 20 == 0;
        let state = if crash {
            json!({"waiting":{"reason":"CrashLoopBackOff","message":"back-off"}})
        } else {
            json!({"running":{"startedAt":"2026-11-22T09:00:00Z"}})
        };
        inv.insert(json!({"apiVersion":"v1","kind":"Pod",
            "metadata":{"name":format!("app-{i}-5d8f7c9b6-{p:05}"),"namespace":ns,"labels":{"app":format!("app-{i}")},
                "ownerReferences":[{"kind":"ReplicaSet","name":format!("app-{i}-5d8f7c9b6")}]},
            "spec":{"containers":[{"name":"app","image":"acme/app:1","ports":[{"containerPort":8080}],"resources":{"limits":{"memory":"256Mi"}}}]},
            "status":{"phase":"Running","conditions":[{"type":"Ready","status": if crash {"False"} else {"True"}}],
                "containerStatuses":[{"name":"app","restartCount": if crash {7} else {0},"state":state,
                    "lastState": if crash { json!({"terminated":{"exitCode":137,"reason":"OOMKilled"}}) } else { json!({}) }}]}}));
    }
    for a in 0..200 {
        let drift = a % 8 == 0;
        inv.insert(json!({"apiVersion":"argoproj.io/v1alpha1","kind":"Application",
            "metadata":{"name":format!("argo-{a}"),"namespace":"argocd"},
            "spec":{"destination":{"namespace":format!("team-{}", a % 30)}},
            "status":{"sync":{"status": if drift {"OutOfSync"} else {"Synced"},"revision":"abc"},"health":{"status":"Healthy"},
                "operationState":{"phase":"Succeeded","syncResult":{"revision":"abc"}}}}));
    }
    inv
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let runs: usize = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(10);
    let t0 = Instant::now();
    let inv = synthetic();
    println!(
        "synthetic inventory: {} objects in {:?}",
        inv.len(),
        t0.elapsed()
    );
    let policy = Policy::default();
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    let mut counts = (0, 0);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = recipes::run(RECIPES, &inv);
        let linked = link(out.findings, &policy);
        times.push(t.elapsed());
        counts = (linked.len(), linked.iter().filter(|f| f.root_cause).count());
    }
    times.sort();
    println!(
        "recipes + link over {runs} runs: min {:?}, median {:?}, max {:?} — {} findings, {} root causes",
        times[0],
        times[times.len() / 2],
        times[times.len() - 1],
        counts.0,
        counts.1
    );

    live(inv);
}

/// Runs a command under GNU time; returns (wall seconds, peak RSS KiB) when available.
fn timed(cmd: &mut std::process::Command) -> (f64, Option<u64>) {
    let t = Instant::now();
    let out = cmd.output().expect("spawn");
    let wall = t.elapsed().as_secs_f64();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rss = String::from_utf8_lossy(&out.stderr)
        .lines()
        .rev()
        .find_map(|l| {
            l.strip_prefix("peak-rss-kib=")
                .and_then(|v| v.trim().parse().ok())
        });
    (wall, rss)
}

fn with_time(program: &str, args: &[&str], kubeconfig: &std::path::Path) -> std::process::Command {
    let gnu_time = std::path::Path::new("/usr/bin/time");
    let mut c = if gnu_time.exists() {
        let mut c = std::process::Command::new(gnu_time);
        c.args(["-f", "peak-rss-kib=%M", program]);
        c
    } else {
        std::process::Command::new(program)
    };
    c.args(args)
        .env("KUBECONFIG", kubeconfig)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null());
    c
}

/// The same cluster served over HTTP: the binary's live diagnose vs `kubectl get`.
fn live(inv: Inventory) {
    let served: Vec<(String, String)> = inv
        .served_kinds()
        .filter_map(|k| {
            kubectl_claude::cluster::kinds::lookup(k).map(|i| (i.api_version(), i.kind.to_string()))
        })
        .collect();
    let mut b = fake_apiserver::FakeApiServer::builder();
    for (av, k) in &served {
        b = b.served(av, k);
    }
    let fake = b.objects(inv.into_objects()).start();
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kubeconfig");
    fake.write_kubeconfig(&kubeconfig, "bench");
    let bin = env!("CARGO_BIN_EXE_kubectl-claude");
    let before = fake.requests().len();
    let (wall, rss) = timed(&mut with_time(
        bin,
        &["diagnose", "-A", "-o", "json"],
        &kubeconfig,
    ));
    let requests = fake.requests().len() - before;
    println!(
        "live diagnose -A (fake API server): {:.0} ms wall, {requests} API requests, peak RSS {}",
        wall * 1000.0,
        rss.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
    );
    let has_kubectl = std::process::Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok_and(|o| o.status.success());
    if has_kubectl {
        let before = fake.requests().len();
        let (wall, rss) = timed(&mut with_time(
            "kubectl",
            &[
                "get",
                "pods,deployments,services,helmreleases.helm.toolkit.fluxcd.io,applications.argoproj.io",
                "-A",
                "-o",
                "json",
            ],
            &kubeconfig,
        ));
        let requests = fake.requests().len() - before;
        println!(
            "baseline kubectl get pods,deployments,services,helmreleases,applications -A -o json: {:.0} ms wall, {requests} API requests, peak RSS {}",
            wall * 1000.0,
            rss.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
        );
    } else {
        println!("baseline skipped: kubectl is not on PATH");
    }
}
