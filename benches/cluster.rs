//! Benchmarks for the cluster layer: diff of 500 objects, snapshot load of 10,000 objects
//! (time and peak RSS from `/proc/self/status` VmHWM).
//!
//! `harness = false`: `cargo test --all-targets` runs this binary without `--bench`, so it
//! exits at once unless `--bench` is in argv (`cargo bench --bench cluster`).

use std::time::{Duration, Instant};

use kubectl_claude::cluster::snapshot::{self, SnapshotCluster};
use kubectl_claude::cluster::{Inventory, ObjRef};
use kubectl_claude::diff::{Status, diff_pair};
use serde_json::{Value, json};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--load") {
        if let Some(dir) = args.get(i + 1) {
            load_only(std::path::Path::new(dir));
        }
        return;
    }
    bench_diff();
    bench_snapshot_load();
}

fn deployment(i: usize, replicas: usize, live: bool) -> Value {
    let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": format!("app-{i}"), "namespace": format!("ns-{}", i % 20),
            "labels": {"app.kubernetes.io/name": format!("app-{i}"), "app.kubernetes.io/instance": "bench"}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": format!("app-{i}")}},
            "template": {"metadata": {"labels": {"app": format!("app-{i}")}},
                "spec": {"containers": [
                    {"name": "app", "image": format!("registry.example/app:{i}"),
                     "ports": [{"containerPort": 8080, "name": "http"}],
                     "env": [{"name": "MODE", "value": "prod"}, {"name": "PORT", "value": "8080"}],
                     "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}},
                    {"name": "sidecar", "image": "busybox:1.36", "args": ["sleep", "infinity"]}]}}}});
    if live {
        let meta = &mut d["metadata"];
        meta["uid"] = json!(format!("uid-{i}"));
        meta["resourceVersion"] = json!("12345");
        meta["generation"] = json!(3);
        meta["managedFields"] = json!([{"manager": "kubectl", "operation": "Apply"}]);
        d["spec"]["progressDeadlineSeconds"] = json!(600);
        d["spec"]["revisionHistoryLimit"] = json!(10);
        d["spec"]["template"]["spec"]["restartPolicy"] = json!("Always");
        d["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = json!("IfNotPresent");
        d["status"] = json!({"replicas": replicas, "readyReplicas": replicas,
            "conditions": [{"type": "Available", "status": "True"}]});
    }
    d
}

fn bench_diff() {
    let n = 500;
    let desired: Vec<Value> = (0..n)
        .map(|i| deployment(i, if i % 10 == 0 { 3 } else { 2 }, false))
        .collect();
    let live: Vec<Value> = (0..n).map(|i| deployment(i, 2, true)).collect();
    let mut times = Vec::new();
    let mut changed = 0;
    for _ in 0..7 {
        let t = Instant::now();
        changed = 0;
        for (d, l) in desired.iter().zip(&live) {
            let r = ObjRef::new(
                "apps/v1",
                "Deployment",
                d.pointer("/metadata/namespace").and_then(Value::as_str),
                d.pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
            );
            if diff_pair(r, d, Some(l)).status == Status::Changed {
                changed += 1;
            }
        }
        times.push(t.elapsed());
    }
    assert_eq!(changed, n / 10);
    let (min, median) = stats(&mut times);
    println!(
        "diff {n} objects ({changed} changed): min {:.1} ms, median {:.1} ms ({:.0} µs/object)",
        ms(min),
        ms(median),
        median.as_secs_f64() * 1e6 / n as f64
    );
}

fn pod(i: usize) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("pod-{i}"), "namespace": format!("ns-{}", i % 50),
            "labels": {"app": format!("app-{}", i % 300), "pod-template-hash": "5d8f7c9b6"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": format!("app-{}-5d8f7c9b6", i % 300), "uid": "x", "controller": true}]},
        "spec": {"nodeName": format!("node-{}", i % 30), "containers": [{"name": "app",
            "image": "registry.example/app:1.2.3", "ports": [{"containerPort": 8080}],
            "env": [{"name": "MODE", "value": "prod"}, {"name": "DB_PASSWORD", "value": "s3cret"}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]},
        "status": {"phase": "Running", "podIP": "10.0.0.1",
            "conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
            "containerStatuses": [{"name": "app", "ready": true, "restartCount": i % 3,
                "state": {"running": {"startedAt": "2026-11-22T10:00:00Z"}}}]}})
}

/// Writes the snapshot in this process, then loads it in a child (`--load DIR`) so the peak
/// RSS reported is the loader's alone (VmHWM cannot be reset reliably).
fn bench_snapshot_load() {
    // Smaller runs for a quick check: BENCH_SNAPSHOT_OBJECTS=1000.
    let n: usize = std::env::var("BENCH_SNAPSHOT_OBJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let json_dir = dir.path().join("json");
    let yaml_dir = dir.path().join("yaml");
    {
        let mut inv = Inventory::new();
        for i in 0..n {
            inv.insert(pod(i));
        }
        snapshot::write(&json_dir, &inv).expect("write snapshot");
        // The same objects as `kubectl get pods -A -o yaml` writes them: one YAML List.
        std::fs::create_dir_all(&yaml_dir).expect("mkdir");
        let items: Vec<Value> = inv.into_objects();
        let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
        std::fs::write(
            yaml_dir.join("pods.yaml"),
            kubectl_claude::manifest::to_yaml(&list),
        )
        .expect("write yaml");
    }
    let exe = std::env::current_exe().expect("exe");
    for (what, d, count) in [
        ("snapshot (JSON, as `snapshot` writes)", &json_dir, n),
        ("kubectl get -o yaml list", &yaml_dir, n.min(yaml_objects())),
    ] {
        if count < n {
            // A smaller YAML list when asked (BENCH_YAML_OBJECTS), for quick runs.
            let items: Vec<Value> = (0..count).map(pod).collect();
            let list = json!({"apiVersion": "v1", "kind": "List", "items": items});
            std::fs::write(
                d.join("pods.yaml"),
                kubectl_claude::manifest::to_yaml(&list),
            )
            .expect("write yaml");
        }
        let out = std::process::Command::new(&exe)
            .arg("--bench")
            .arg("--load")
            .arg(d)
            .output()
            .expect("run child");
        let size: u64 = std::fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0);
        println!(
            "load {what}: {count} objects, {:.1} MiB: {}",
            size as f64 / 1048576.0,
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
}

/// How many objects the YAML comparison uses (BENCH_YAML_OBJECTS; default: all).
fn yaml_objects() -> usize {
    std::env::var("BENCH_YAML_OBJECTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX)
}

/// The child: load one directory, print time and peak RSS.
fn load_only(dir: &std::path::Path) {
    let base = vm_hwm_kib();
    let t = Instant::now();
    let s = SnapshotCluster::load(dir).expect("load");
    let elapsed = t.elapsed();
    let peak = vm_hwm_kib();
    println!(
        "{:.0} ms, peak RSS {} (at start {}), {} objects loaded",
        ms(elapsed),
        peak.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
        base.map_or("n/a".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
        s.inventory().len()
    );
}

fn vm_hwm_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn stats(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    (times[0], times[times.len() / 2])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
