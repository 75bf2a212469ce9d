//! `kubectl claude serve` end to end: the built binary against the fake API server — watches
//! (one LIST per kind, then `watch=true` streams), findings served as JSON and kept current,
//! the Alertmanager hook starting a workflow that writes once, the hook's token, size and
//! replay rules, `/metrics` read by a Prometheus text-format parser, and two replicas electing
//! one leader on a Lease.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::acting::env_for;
use crate::support::env::TestEnv;
use crate::support::fake_apiserver::FakeApiServer;

const TOKEN: &str = "s3cret-hook-token";

/// A running `serve`; killed on drop.
struct Serve {
    child: std::process::Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(t: &TestEnv, extra: &[&str]) -> Serve {
        Self::start_with(t, extra, None)
    }

    fn start_with(t: &TestEnv, extra: &[&str], exe: Option<&std::path::Path>) -> Serve {
        t.write("token", &format!("{TOKEN}\n"));
        let bin = crate::support::env::bin();
        let mut c = t.std_cmd_at(exe.unwrap_or(&bin));
        c.args(crate::support::serve_process::FAST)
            .args(["--hook-token-file", "token"])
            .args(extra);
        let (child, addr, log) = crate::support::serve_process::spawn(c);
        Serve { child, addr, log }
    }

    fn get(&self, path: &str) -> (u16, String) {
        http(&self.addr, "GET", path, None, b"")
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Polls `f` until it is true (or fails the test after `secs`).
    fn wait(&self, secs: u64, what: &str, mut f: impl FnMut(&Serve) -> bool) {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if f(self) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out waiting for {what}; serve log:\n{}", self.log());
    }
}

/// A one-shot HTTP/1.1 request.
fn http(addr: &str, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect serve");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (code, body)
}

/// The crash-looping `web` Deployment (not OOM: the workflow restarts it) in namespace `app`.
fn crashloop_objects() -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app"}}),
        crate::support::acting::deployment(),
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-abc", "namespace": "app",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u1"}]},
            "spec": {"replicas": 2}}),
        crashing_pod(),
    ]
}

fn crashing_pod() -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-abc-1", "namespace": "app",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "uid": "u2"}]},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        "status": {"phase": "Running", "containerStatuses": [{"name": "web", "ready": false,
            "restartCount": 7, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}})
}

fn fake() -> FakeApiServer {
    FakeApiServer::builder()
        .objects(crashloop_objects())
        .served("coordination.k8s.io/v1", "Lease")
        .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
        .start()
}

/// Alertmanager's webhook payload (version 4), in the shape its configuration reference
/// documents, for kube-prometheus' KubePodCrashLooping.
fn alert_payload(status: &str) -> Vec<u8> {
    alert_payload_in(status, "app")
}

fn alert_payload_in(status: &str, ns: &str) -> Vec<u8> {
    json!({
        "version": "4",
        "groupKey": "{}:{alertname=\"KubePodCrashLooping\"}",
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "kubectl-claude",
        "groupLabels": {"alertname": "KubePodCrashLooping"},
        "commonLabels": {"alertname": "KubePodCrashLooping", "namespace": ns, "severity": "warning"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.monitoring:9093",
        "alerts": [{
            "status": status,
            "labels": {"alertname": "KubePodCrashLooping", "namespace": ns, "pod": "web-abc-1",
                "container": "web", "severity": "warning"},
            "annotations": {"description": "Pod app/web-abc-1 (web) is in waiting state (reason: \"CrashLoopBackOff\").",
                "summary": "Pod is crash looping."},
            "startsAt": "2026-12-01T10:00:00.000Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.monitoring:9090/graph?g0.expr=...",
            "fingerprint": "5c3c9a1b2d3e4f60"
        }]
    })
    .to_string()
    .into_bytes()
}

fn lists(fake: &FakeApiServer) -> Vec<String> {
    fake.requests()
        .into_iter()
        .filter(|r| {
            r.method == "GET" && !r.query.contains("watch=") && r.path.split('/').count() >= 4
        })
        .filter(|r| !r.path.ends_with("/leases/kubectl-claude"))
        .map(|r| r.path)
        .collect()
}

#[test]
fn serve_watches_and_keeps_findings_current_without_relisting() {
    let fake = fake();
    let t = env_for(&fake);
    let s = Serve::start(&t, &[]);
    assert_eq!(s.get("/healthz").0, 200);
    s.wait(30, "readyz", |s| s.get("/readyz").0 == 200);
    let ids = |s: &Serve| -> Vec<String> {
        let v: Value = serde_json::from_str(&s.get("/api/findings").1).unwrap_or_default();
        v["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| {
                        format!(
                            "{} {}",
                            f["id"].as_str().unwrap_or(""),
                            f["object"]["name"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    s.wait(10, "the crash loop finding", |s| {
        ids(s).iter().any(|i| i.starts_with("k8s.crashloopbackoff"))
    });
    let listed_before = lists(&fake);
    assert!(
        listed_before.iter().any(|p| p == "/api/v1/pods"),
        "{listed_before:#?}"
    );
    // The pod recovers: the watch delivers it, the diagnosis re-runs, the finding clears.
    let mut healthy = crashing_pod();
    healthy["status"] = json!({"phase": "Running", "containerStatuses": [{"name": "web", "ready": true,
        "restartCount": 7, "state": {"running": {"startedAt": "2026-12-01T10:05:00Z"}}}]});
    fake.upsert(healthy);
    s.wait(10, "the finding to clear", |s| {
        !ids(s).iter().any(|i| i.starts_with("k8s.crashloopbackoff"))
    });
    assert_eq!(lists(&fake), listed_before, "no LIST after the initial one");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path == "/api/v1/pods" && r.query.contains("watch=true")),
        "pods are watched"
    );
}

#[test]
fn alert_hook_starts_the_crashloop_workflow_once_and_checks_its_token() {
    let fake = fake();
    let t = env_for(&fake);
    let s = Serve::start(&t, &[]);
    s.wait(10, "leadership", |s| {
        s.get("/api/leader").1.contains("true")
    });
    let addr = s.addr.clone();
    assert_eq!(
        http(
            &addr,
            "POST",
            "/hooks/alertmanager",
            None,
            &alert_payload("firing")
        )
        .0,
        401
    );
    assert_eq!(
        http(
            &addr,
            "POST",
            "/hooks/alertmanager",
            Some("wrong"),
            &alert_payload("firing")
        )
        .0,
        401
    );
    assert_eq!(
        http(&addr, "GET", "/hooks/alertmanager", Some(TOKEN), b"").0,
        405
    );
    let big = vec![b' '; 300 * 1024];
    assert_eq!(
        http(&addr, "POST", "/hooks/alertmanager", Some(TOKEN), &big).0,
        413
    );
    let (code, body) = http(
        &addr,
        "POST",
        "/hooks/alertmanager",
        Some(TOKEN),
        b"{\"version\":\"4\"}",
    );
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("Alertmanager"), "{body}");
    assert!(
        fake.writes().iter().all(|w| w.path.contains("/leases")),
        "{:#?}",
        fake.writes()
    );

    let (code, body) = http(
        &addr,
        "POST",
        "/hooks/alertmanager",
        Some(TOKEN),
        &alert_payload("firing"),
    );
    assert_eq!(code, 202, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        v["started"][0]["workflow"], "pod-crashloop-remediation",
        "{v}"
    );
    assert_eq!(v["started"][0]["params"]["namespace"], "app", "{v}");
    // The same group again while the first run is going: no second run.
    let (_, again) = http(
        &addr,
        "POST",
        "/hooks/alertmanager",
        Some(TOKEN),
        &alert_payload("firing"),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&again).unwrap()["started"],
        json!([]),
        "{again}"
    );
    s.wait(60, "the run to finish", |s| {
        s.get("/api/runs").1.contains("\"outcome\":\"ok\"")
    });
    let writes: Vec<_> = fake
        .writes()
        .into_iter()
        .filter(|w| !w.path.contains("/leases"))
        .collect();
    assert_eq!(writes.len(), 1, "{writes:#?}");
    assert_eq!(
        writes[0].path,
        "/apis/apps/v1/namespaces/app/deployments/web"
    );
    assert!(
        writes[0].body.contains("kubectl.kubernetes.io/restartedAt"),
        "{}",
        writes[0].body
    );
    // That restart is a confirm-tier verb the workflow's `autonomy.auto_approve:
    // [restart_pod]` approves: it ran once, with no human and no queued request, audited as
    // approved automatically by policy.
    assert_eq!(
        kubectl_claude::autonomy::builtin_tier(&kubectl_claude::action::Action::RolloutRestart {
            target: kubectl_claude::object::ObjRef::new(
                "apps/v1",
                "Deployment",
                Some("app"),
                "web"
            ),
        }),
        kubectl_claude::autonomy::Tier::Confirm
    );
    let audit = crate::support::acting::audit_records(&t);
    let restarts: Vec<&Value> = audit
        .iter()
        .filter(|r| r["verb"] == "rollout-restart" && r["outcome"] == "ok")
        .collect();
    assert_eq!(restarts.len(), 1, "{audit:#?}");
    assert_eq!(restarts[0]["approval"], "auto", "{:#}", restarts[0]);
    assert_eq!(restarts[0]["origin"], "workflow:pod-crashloop-remediation");
    assert!(
        fake.objects()
            .iter()
            .all(|o| o["kind"] != "ApprovalRequest"),
        "nothing queued"
    );
    // A resolved notification starts nothing.
    let (_, resolved) = http(
        &addr,
        "POST",
        "/hooks/alertmanager",
        Some(TOKEN),
        &alert_payload("resolved"),
    );
    assert_eq!(
        serde_json::from_str::<Value>(&resolved).unwrap()["started"],
        json!([])
    );
}

#[test]
fn metrics_parse_as_prometheus_text() {
    let fake = fake();
    let t = env_for(&fake);
    let s = Serve::start(&t, &[]);
    // At least one pass (a slow machine may see a second one before the first poll).
    s.wait(30, "a diagnosis pass", |s| {
        s.get("/metrics").1.lines().any(|l| {
            l.strip_prefix("kubectl_claude_diagnose_runs_total ")
                .and_then(|v| v.parse::<f64>().ok())
                .is_some_and(|v| v >= 1.0)
        })
    });
    let _ = http(&s.addr, "POST", "/hooks/alertmanager", None, b"{}");
    let (code, text) = s.get("/metrics");
    assert_eq!(code, 200);
    let scrape =
        prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("parses");
    let find = |name: &str, label: (&str, &str)| {
        scrape
            .samples
            .iter()
            .find(|x| x.metric == name && x.labels.get(label.0) == Some(label.1))
            .map(|x| match x.value {
                prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => f64::NAN,
            })
    };
    assert_eq!(
        find("kubectl_claude_inventory_objects", ("kind", "Pod")),
        Some(1.0),
        "{text}"
    );
    assert!(
        find("kubectl_claude_findings", ("recipe", "workloads")).unwrap_or(0.0) >= 1.0,
        "{text}"
    );
    assert_eq!(
        find("kubectl_claude_hook_requests_total", ("code", "401")),
        Some(1.0),
        "{text}"
    );
    assert!(scrape.docs.contains_key("kubectl_claude_leader"), "{text}");
}

#[test]
fn two_replicas_elect_one_leader_and_only_it_runs_the_alert() {
    let fake = fake();
    let t = env_for(&fake);
    t.write(TICK_PATH, TICK);
    let a = Serve::start(&t, &["--identity", "replica-a"]);
    let b = Serve::start(&t, &["--identity", "replica-b"]);
    let leader = |s: &Serve| s.get("/api/leader").1.contains("true");
    a.wait(10, "a leader", |a| leader(a) || leader(&b));
    std::thread::sleep(Duration::from_millis(800));
    assert!(leader(&a) ^ leader(&b), "exactly one leader");
    let lease = fake
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "Lease")
        .expect("a Lease");
    let holder = lease
        .pointer("/spec/holderIdentity")
        .and_then(Value::as_str)
        .unwrap()
        .to_string();
    let (lead, follow) = if leader(&a) { (&a, &b) } else { (&b, &a) };
    assert_eq!(holder, if leader(&a) { "replica-a" } else { "replica-b" });
    for s in [follow, lead] {
        let _ = http(
            &s.addr,
            "POST",
            "/hooks/alertmanager",
            Some(TOKEN),
            &alert_payload("firing"),
        );
    }
    lead.wait(60, "the run to finish", |s| {
        runs(s)
            .iter()
            .any(|r| r["workflow"] == "pod-crashloop-remediation" && r["outcome"] == "ok")
    });
    // The every-2-seconds schedule ran on the leader only.
    lead.wait(20, "a scheduled run on the leader", |s| {
        runs(s).iter().any(|r| r["trigger"] == "schedule")
    });
    assert_eq!(follow.get("/api/runs").1, "[]", "the follower runs nothing");
    let writes: Vec<_> = fake
        .writes()
        .into_iter()
        .filter(|w| !w.path.contains("/leases"))
        .collect();
    assert_eq!(writes.len(), 1, "one execution: {writes:#?}");
    // The leader goes away: the follower takes over once the Lease lapses.
    let follow_addr = follow.addr.clone();
    if leader(&a) {
        drop(a)
    } else {
        drop(b)
    }
    let end = Instant::now() + Duration::from_secs(15);
    while Instant::now() < end
        && !http(&follow_addr, "GET", "/api/leader", None, b"")
            .1
            .contains("true")
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        http(&follow_addr, "GET", "/api/leader", None, b"")
            .1
            .contains("true"),
        "takeover"
    );
}

/// `kubectl kustomize` is not installed here and no package registry offers a kustomize
/// renderer, so this loads every file of the base the way kustomize would (the resource list,
/// each document) and checks what the issue asks of it.
#[test]
fn kustomize_base_is_complete_and_least_privilege() {
    let base = crate::support::env::repo().join("deploy/base");
    let k = &kubectl_claude::manifest::parse_stream(
        &std::fs::read_to_string(base.join("kustomization.yaml")).unwrap(),
    )
    .unwrap()[0];
    let listed: Vec<String> = k["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let mut on_disk: Vec<String> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "kustomization.yaml")
        .collect();
    on_disk.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(
        sorted, on_disk,
        "every file is a resource and every resource exists"
    );
    let mut docs = Vec::new();
    for f in &listed {
        let text = std::fs::read_to_string(base.join(f)).unwrap();
        let parsed =
            kubectl_claude::manifest::parse_stream(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(!parsed.is_empty(), "{f}");
        docs.extend(parsed);
    }
    let of = |kind: &str| -> Vec<&Value> { docs.iter().filter(|d| d["kind"] == kind).collect() };
    for kind in [
        "CustomResourceDefinition",
        "ServiceAccount",
        "ClusterRole",
        "Deployment",
        "Service",
        "NetworkPolicy",
        "Role",
    ] {
        assert!(!of(kind).is_empty(), "the base has a {kind}");
    }
    let crd = of("CustomResourceDefinition")[0];
    assert_eq!(crd["spec"]["group"], "kubectl-claude.io");
    assert_eq!(crd["spec"]["names"]["kind"], "ApprovalRequest");
    // Deployment: non-root, read-only root, all capabilities dropped, the seed's resources
    // and toleration.
    let d = of("Deployment")[0];
    let pod = &d["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let c = &pod["containers"][0];
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["securityContext"]["capabilities"]["drop"], json!(["ALL"]));
    assert_eq!(c["resources"]["requests"]["memory"], "32Mi");
    assert_eq!(c["resources"]["limits"]["memory"], "64Mi");
    assert_eq!(pod["tolerations"][0]["value"], "pi3");
    assert!(
        c["args"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "--lease-namespace=kubectl-claude"),
        "the Lease and the queue live in the namespace the Role covers: {c:#}"
    );
    // ClusterRole: reads every kind a recipe reads, never Secrets, no wildcards.
    let role = of("ClusterRole")
        .into_iter()
        .find(|r| r["metadata"]["name"] == "kubectl-claude")
        .unwrap();
    let rules = role["rules"].as_array().unwrap();
    let allows = |group: &str, res: &str, verb: &str| {
        rules.iter().any(|r| {
            r["apiGroups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g == group)
                && r["resources"].as_array().unwrap().iter().any(|x| x == res)
                && r["verbs"].as_array().unwrap().iter().any(|v| v == verb)
        })
    };
    let mut missing = Vec::new();
    for k in kubectl_claude::recipes::kinds_for(kubectl_claude::recipes::RECIPES) {
        // Secrets stay unread in the cluster on purpose (their recipes then say "not
        // checked"); custom resources are found through CRD discovery, not one rule.
        if k == "Secret" || k == kubectl_claude::cluster::kinds::CUSTOM_RESOURCES {
            continue;
        }
        let info = kubectl_claude::cluster::kinds::lookup(k)
            .unwrap_or_else(|| panic!("{k} is not in the kinds table"));
        for verb in ["get", "list", "watch"] {
            if !allows(info.group, info.plural, verb) {
                missing.push(format!("{verb} {}.{}", info.plural, info.group));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the ClusterRole does not allow: {missing:#?}"
    );
    assert!(!allows("", "secrets", "get"), "no Secret reads");
    for r in rules {
        for f in ["apiGroups", "resources", "verbs"] {
            assert!(
                !r[f].as_array().unwrap().iter().any(|x| x == "*"),
                "no wildcard: {r}"
            );
        }
    }
    // The ConfigMap's ignore.yaml is a valid (empty) ignore file, read from the config dir.
    let cm = of("ConfigMap")[0];
    assert!(
        kubectl_claude::suppress::parse_rules(cm["data"]["ignore.yaml"].as_str().unwrap(), "cm")
            .unwrap()
            .is_empty()
    );
    assert!(
        c["env"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "XDG_CONFIG_HOME" && e["value"] == "/etc"),
        "{c:#}"
    );
    // The examples parse too.
    for f in ["alertmanager-receiver.yaml", "flux-provider.yaml"] {
        let p = crate::support::env::repo().join("deploy/examples").join(f);
        kubectl_claude::manifest::parse_stream(&std::fs::read_to_string(&p).unwrap())
            .unwrap_or_else(|e| panic!("{f}: {e}"));
    }
}

fn rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The footprint on a 50-node / 2,000-pod cluster: serve's RSS after the initial lists and a
/// diagnosis pass stays under the seed's 64Mi limit.
#[test]
fn serve_rss_on_a_50_node_2000_pod_cluster() {
    let mut objects = Vec::new();
    for n in 0..50 {
        objects.push(json!({"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": format!("node-{n}"), "labels": {"kubernetes.io/arch": "arm64"}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}));
    }
    // KCLAUDE_RSS_NAMESPACES scales the cluster (100 pods, 10 Deployments each) to see how
    // the footprint grows; the assertion holds for the default 20 (2,000 pods).
    let namespaces: usize = std::env::var("KCLAUDE_RSS_NAMESPACES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    for ns in 0..namespaces {
        objects.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": format!("ns-{ns}")}}));
        for d in 0..10 {
            let name = format!("app-{d}");
            objects.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": name, "namespace": format!("ns-{ns}"), "uid": format!("d-{ns}-{d}")},
                "spec": {"replicas": 10, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                        "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                            "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}}}]}}},
                "status": {"replicas": 10, "readyReplicas": 10, "availableReplicas": 10}}));
            for p in 0..10 {
                objects.push(json!({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": format!("{name}-{p}"), "namespace": format!("ns-{ns}"),
                        "labels": {"app": name}},
                    "spec": {"nodeName": format!("node-{}", (ns * 100 + d * 10 + p) % 50),
                        "containers": [{"name": "app", "image": "nginx:1.27"}]},
                    "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true,
                        "restartCount": 0, "state": {"running": {"startedAt": "2026-12-01T10:00:00Z"}}}]}}));
            }
        }
    }
    let fake = FakeApiServer::builder()
        .objects(objects)
        .served("coordination.k8s.io/v1", "Lease")
        .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
        .start();
    let t = env_for(&fake);
    // KCLAUDE_RSS_BIN measures another build of the same binary (the release one).
    let exe = std::env::var_os("KCLAUDE_RSS_BIN").map(std::path::PathBuf::from);
    let s = Serve::start_with(&t, &[], exe.as_deref());
    s.wait(60, "the inventory and a diagnosis pass", |s| {
        let v: Value = serde_json::from_str(&s.get("/api/findings").1).unwrap_or_default();
        v["objects"].as_u64().unwrap_or(0) as usize >= 50 + namespaces * 111
    });
    let rss = rss_kib(s.child.id());
    eprintln!(
        "serve RSS with 50 nodes / {} pods / {} deployments: {} KiB ({})",
        namespaces * 100,
        namespaces * 10,
        rss,
        exe.as_deref()
            .map_or("debug build".to_string(), |p| p.display().to_string())
    );
    assert!(rss > 0);
    if namespaces <= 20 {
        assert!(rss < 64 * 1024, "RSS {rss} KiB is over the 64Mi limit");
    }
}

/// The OOM-killed checkout Deployment (namespace shop), served with the queue's kinds.
fn oom_fake() -> FakeApiServer {
    FakeApiServer::builder_from_dir(
        &crate::support::env::repo().join("examples/snapshots/helmrelease-oomkilled"),
    )
    .served("coordination.k8s.io/v1", "Lease")
    .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
    .start()
}

fn approval_objects(fake: &FakeApiServer) -> Vec<Value> {
    fake.objects()
        .into_iter()
        .filter(|o| o["kind"] == "ApprovalRequest")
        .collect()
}

fn patches_to_checkout(fake: &FakeApiServer) -> usize {
    fake.writes()
        .iter()
        .filter(|w| w.path == "/apis/apps/v1/namespaces/shop/deployments/checkout")
        .count()
}

/// Alert → workflow → the confirm-tier memory patch is queued (nothing written) → `approvals
/// approve` → serve executes it: exactly one PATCH, the approver recorded.
#[test]
fn alert_confirm_step_becomes_a_pending_request_and_approve_patches_once() {
    let fake = FakeApiServer::builder_from_dir(
        &crate::support::env::repo().join("examples/snapshots/helmrelease-oomkilled"),
    )
    .served("coordination.k8s.io/v1", "Lease")
    .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
    // The approver is who the API server says we are.
    .user("alice@example.com")
    .start();
    let t = env_for(&fake);
    let (raddr, got) = receiver();
    let hook = format!("http://{raddr}/hook");
    let s = Serve::start(
        &t,
        &[
            "--notify-webhook",
            &hook,
            "--external-url",
            "https://claude.example.net/",
        ],
    );
    s.wait(10, "leadership", |s| {
        s.get("/api/leader").1.contains("true")
    });
    let (code, body) = http(
        &s.addr,
        "POST",
        "/hooks/alertmanager",
        Some(TOKEN),
        &alert_payload_in("firing", "shop"),
    );
    assert_eq!(code, 202, "{body}");
    s.wait(60, "the run to finish", |s| {
        !s.get("/api/runs").1.contains("running")
    });
    let queued = approval_objects(&fake);
    assert_eq!(
        queued.len(),
        1,
        "one pending request: {:#?}\n{}",
        queued,
        s.log()
    );
    assert_eq!(queued[0]["status"]["phase"], "Pending");
    assert_eq!(
        queued[0]["spec"]["origin"],
        "workflow:pod-crashloop-remediation"
    );
    assert!(
        queued[0]["spec"]["request"]["steps"][0]["preview"]["diff"]
            .as_str()
            .unwrap()
            .contains("512Mi"),
        "{:#}",
        queued[0]
    );
    assert_eq!(
        patches_to_checkout(&fake),
        0,
        "nothing written before approval"
    );
    let id = queued[0]["metadata"]["name"].as_str().unwrap().to_string();
    // The notification links the review page and gives the approve command, once.
    s.wait(20, "the approval notification", |_| {
        got.lock()
            .unwrap()
            .iter()
            .any(|(_, b)| b["event"] == "approval")
    });
    std::thread::sleep(Duration::from_millis(1000));
    let approvals: Vec<Value> = got
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, b)| b["event"] == "approval")
        .map(|(_, b)| b["approval"].clone())
        .collect();
    assert_eq!(approvals.len(), 1, "announced once: {approvals:#?}");
    assert_eq!(approvals[0]["id"], id.as_str());
    assert_eq!(
        approvals[0]["url"],
        format!("https://claude.example.net/ui/pending/default/{id}").as_str()
    );
    assert_eq!(
        approvals[0]["command"],
        format!("kubectl claude approvals approve {id} -n default").as_str()
    );
    assert!(
        approvals[0]["changes"][0]
            .as_str()
            .unwrap()
            .contains("checkout"),
        "{approvals:#?}"
    );

    let o = t
        .cmd()
        .args(["approvals", "list", "-n", "default"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        crate::support::env::stderr(&o)
    );
    assert!(
        crate::support::env::stdout(&o).contains(&id),
        "{}",
        crate::support::env::stdout(&o)
    );
    let o = t
        .cmd()
        .args(["approvals", "show", &id, "-n", "default"])
        .output()
        .unwrap();
    assert!(
        crate::support::env::stdout(&o).contains("512Mi"),
        "{}",
        crate::support::env::stdout(&o)
    );
    let o = t
        .cmd()
        .args(["approvals", "approve", &id, "-n", "default"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        crate::support::env::stderr(&o)
    );
    s.wait(20, "execution", |_| {
        approval_objects(&fake)[0]["status"]["phase"] == "Executed"
    });
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(patches_to_checkout(&fake), 1, "exactly one PATCH");
    // Actions by tier and outcome: queued by the run (the child's observer), executed by the
    // approval executor.
    let m = s.get("/metrics").1;
    assert!(
        m.contains("kubectl_claude_actions_total{outcome=\"queued\",tier=\"confirm\"} 1"),
        "{m}"
    );
    assert!(
        m.contains("kubectl_claude_actions_total{outcome=\"ok\",tier=\"confirm\"} 1"),
        "{m}"
    );
    assert_eq!(
        approval_objects(&fake)[0]["status"]["approver"],
        "alice@example.com"
    );
    let audit = crate::support::acting::audit_records(&t);
    let executed: Vec<&Value> = audit
        .iter()
        .filter(|r| r["approval"] == "approval-request" && r["outcome"] == "ok")
        .collect();
    assert_eq!(executed.len(), 1, "{audit:#?}");
    assert_eq!(executed[0]["approver"], "alice@example.com");
    assert_eq!(executed[0]["request"], id.as_str());
    // Approving again is refused: it is no longer pending.
    let o = t
        .cmd()
        .args(["approvals", "approve", &id, "-n", "default"])
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert_eq!(patches_to_checkout(&fake), 1);
}

/// The target changed between proposal and approval: refused, nothing sent. An approved
/// request past its expiry is closed, not run.
#[test]
fn changed_target_refuses_and_expired_request_never_runs() {
    let fake = oom_fake();
    let t = env_for(&fake);
    let s = Serve::start(&t, &[]);
    s.wait(10, "leadership", |s| {
        s.get("/api/leader").1.contains("true")
    });
    http(
        &s.addr,
        "POST",
        "/hooks/alertmanager",
        Some(TOKEN),
        &alert_payload_in("firing", "shop"),
    );
    s.wait(60, "a queued request", |_| {
        approval_objects(&fake).len() == 1
    });
    let req = approval_objects(&fake)[0].clone();
    let id = req["metadata"]["name"].as_str().unwrap().to_string();
    // Someone raises the limit by hand meanwhile.
    let mut d = fake
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "Deployment" && o["metadata"]["name"] == "checkout")
        .unwrap();
    d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"] = json!("1Gi");
    fake.upsert(d);
    let o = t
        .cmd()
        .args(["approvals", "approve", &id, "-n", "default"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        crate::support::env::stderr(&o)
    );
    s.wait(20, "the refusal", |_| {
        approval_objects(&fake)[0]["status"]["phase"] == "Refused"
    });
    assert_eq!(
        patches_to_checkout(&fake),
        0,
        "a changed target gets no write"
    );

    // An approved copy whose expiry has passed.
    let mut old = req.clone();
    old["metadata"]["name"] = json!("apr-expired");
    old["spec"]["request"]["id"] = json!("apr-expired");
    old["spec"]["expiresAt"] = json!("2020-01-01T00:00:00Z");
    old["status"] = json!({"phase": "Approved", "approver": "someone"});
    fake.upsert(old);
    s.wait(20, "expiry", |_| {
        approval_objects(&fake)
            .iter()
            .any(|o| o["metadata"]["name"] == "apr-expired" && o["status"]["phase"] == "Expired")
    });
    assert_eq!(
        patches_to_checkout(&fake),
        0,
        "an expired request never runs"
    );
}

/// A workflow whose step is forbidden (cordon), started by an alert: refused and audited,
/// never queued, zero writes.
#[test]
fn forbidden_step_from_an_alert_is_refused_not_queued_and_writes_nothing() {
    let fake = FakeApiServer::builder()
        .objects([
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "pi3"},
            "status": {"conditions": [{"type": "Ready", "status": "False"}]}}),
        ])
        .served("v1", "Pod")
        .served("coordination.k8s.io/v1", "Lease")
        .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
        .start();
    let t = env_for(&fake);
    t.write(
        "home/.config/kubectl-claude/workflows/cordon-on-alert.yaml",
        "name: cordon-on-alert\nautonomy:\n  auto_approve: [cordon]\ntrigger:\n  type: alert\n  match:\n    alertname: KubeNodeNotReady\n  params:\n    node: \"{{ alert.labels.node }}\"\nparams:\n  - name: node\n    required: true\nsteps:\n  - name: cordon\n    action: cordon\n    target: \"node/{{ params.node }}\"\n",
    );
    // Neither the workflow's auto_approve nor the config's safe_actions lowers the forbidden
    // floor.
    t.write(
        "home/.config/kubectl-claude/config.yaml",
        "autonomy:\n  safe_actions: [cordon]\n",
    );
    let s = Serve::start(&t, &[]);
    s.wait(10, "leadership", |s| {
        s.get("/api/leader").1.contains("true")
    });
    let mut payload: Value = serde_json::from_slice(&alert_payload("firing")).unwrap();
    payload["alerts"][0]["labels"] = json!({"alertname": "KubeNodeNotReady", "node": "pi3"});
    let (code, body) = http(
        &s.addr,
        "POST",
        "/hooks/alertmanager",
        Some(TOKEN),
        payload.to_string().as_bytes(),
    );
    assert_eq!(code, 202, "{body}");
    assert!(body.contains("cordon-on-alert"), "{body}");
    s.wait(60, "the run to finish", |s| {
        s.get("/api/runs").1.contains("\"outcome\":\"refused\"")
    });
    let writes: Vec<_> = fake
        .writes()
        .into_iter()
        .filter(|w| !w.path.contains("/leases"))
        .collect();
    assert!(writes.is_empty(), "zero writes: {writes:#?}");
    let audit = crate::support::acting::audit_records(&t);
    assert!(
        audit
            .iter()
            .any(|r| r["verb"] == "cordon" && r["approval"] == "refused-forbidden"),
        "{audit:#?}"
    );
}

/// (path, JSON body) of every request a receiver got.
type Received = Arc<Mutex<Vec<(String, Value)>>>;

/// A loopback receiver for notification webhooks: records every body.
fn receiver() -> (String, Received) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut first = String::new();
            let _ = r.read_line(&mut first);
            let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut len = 0;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            g.lock()
                .unwrap()
                .push((path, serde_json::from_slice(&body).unwrap_or_default()));
            let mut s = s;
            let _ =
                s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    (addr, got)
}

#[test]
fn notifies_slack_and_a_webhook_once_per_root_cause_and_when_it_clears() {
    let fake = fake();
    let t = env_for(&fake);
    let (addr, got) = receiver();
    let slack = format!("http://{addr}/slack");
    let hook = format!("http://{addr}/hook");
    let s = Serve::start(&t, &["--notify-slack", &slack, "--notify-webhook", &hook]);
    s.wait(20, "the firing messages", |_| {
        got.lock().unwrap().len() >= 2
    });
    // More passes (the Lease, the queue's kind) must not repeat them.
    std::thread::sleep(Duration::from_millis(800));
    let msgs = got.lock().unwrap().clone();
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    let slack_msg = msgs.iter().find(|(p, _)| p == "/slack").unwrap();
    assert!(
        slack_msg.1["text"]
            .as_str()
            .unwrap()
            .contains("k8s.crashloopbackoff"),
        "{msgs:#?}"
    );
    let hook_msg = msgs.iter().find(|(p, _)| p == "/hook").unwrap();
    assert_eq!(hook_msg.1["event"], "firing");
    assert!(hook_msg.1["finding"]["fingerprint"].as_str().is_some());
    let mut healthy = crashing_pod();
    healthy["status"] = json!({"phase": "Running", "containerStatuses": [{"name": "web", "ready": true,
        "restartCount": 7, "state": {"running": {"startedAt": "2026-12-01T10:05:00Z"}}}]});
    fake.upsert(healthy);
    s.wait(20, "the resolved messages", |_| {
        got.lock().unwrap().len() >= 4
    });
    let msgs = got.lock().unwrap().clone();
    assert!(
        msgs[2..]
            .iter()
            .any(|(p, b)| p == "/hook" && b["event"] == "resolved"),
        "{msgs:#?}"
    );
    assert!(
        msgs[2..]
            .iter()
            .any(|(p, b)| p == "/slack" && b["text"].as_str().unwrap_or("").contains("resolved")),
        "{msgs:#?}"
    );
}

const TICK_PATH: &str = "home/.config/kubectl-claude/workflows/tick.yaml";
/// A workflow scheduled every 2 seconds (croner's optional seconds field), changing nothing.
const TICK: &str = "name: tick\ntrigger:\n  - schedule: \"*/2 * * * * *\"\nsteps:\n  - name: report\n    action: report\n";

fn runs(s: &Serve) -> Vec<Value> {
    serde_json::from_str::<Value>(&s.get("/api/runs").1)
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
}

/// A workflow's cron schedule starts it at the scheduled seconds, repeatedly, through the
/// same `workflow run` child; `kubectl_claude_schedule_runs_total` counts the outcomes. A bad
/// pattern stops serve at start, naming the workflow.
#[test]
fn cron_schedule_runs_the_workflow_on_time_and_counts_it() {
    let fake = fake();
    let t = env_for(&fake);
    t.write(TICK_PATH, TICK);
    let s = Serve::start(&t, &[]);
    s.wait(30, "two scheduled runs that finished", |s| {
        runs(s)
            .iter()
            .filter(|r| {
                r["workflow"] == "tick" && r["trigger"] == "schedule" && r["outcome"] == "ok"
            })
            .count()
            >= 2
    });
    let (_, text) = s.get("/metrics");
    let scrape =
        prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("parses");
    let ok = scrape
        .samples
        .iter()
        .find(|x| {
            x.metric == "kubectl_claude_schedule_runs_total"
                && x.labels.get("workflow") == Some("tick")
                && x.labels.get("outcome") == Some("ok")
        })
        .map(|x| match x.value {
            prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Untyped(v) => v,
            _ => 0.0,
        });
    assert!(ok.unwrap_or(0.0) >= 2.0, "{text}");
    // The runs came at the scheduled even seconds (the log stamps each start).
    let starts: Vec<jiff::Timestamp> = s
        .log()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["msg"] == "workflow run started" && v["workflow"] == "tick")
        .filter_map(|v| v["ts"].as_str().and_then(|t| t.parse().ok()))
        .collect();
    assert!(starts.len() >= 2, "{}", s.log());
    for st in &starts {
        assert_eq!(
            st.as_second() % 2,
            0,
            "started at {st}, not on an even second"
        );
        assert!(st.subsec_millisecond() < 900, "started at {st}, late");
    }
    assert!(
        fake.writes().iter().all(|w| w.path.contains("/leases")),
        "the tick changes nothing"
    );
    drop(s);

    t.write(
        TICK_PATH,
        "name: tick\ntrigger:\n  schedule: \"every monday\"\nsteps:\n  - name: report\n    action: report\n",
    );
    let o = t
        .cmd()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        crate::support::env::stderr(&o)
    );
    let err = crate::support::env::stderr(&o);
    assert!(
        err.contains("workflow tick") && err.contains("every monday"),
        "{err}"
    );
}

/// The ignore file `diagnose` honours silences the finding in serve too: listed under
/// `suppressed` with the reason, counted, and never notified.
#[test]
fn suppressed_findings_are_served_as_such_and_never_notified() {
    let fake = fake();
    let t = env_for(&fake);
    t.write(
        ".kubectl-claude-ignore",
        "- id: k8s.crashloopbackoff\n  object: \"*/app/*\"\n  reason: known, fixed in the next release\n",
    );
    let (addr, got) = receiver();
    let hook = format!("http://{addr}/hook");
    let s = Serve::start(&t, &["--notify-webhook", &hook]);
    s.wait(20, "a diagnosis pass with the suppression", |s| {
        let v: Value = serde_json::from_str(&s.get("/api/findings").1).unwrap_or_default();
        v["suppressed"].as_array().is_some_and(|a| !a.is_empty())
    });
    let v: Value = serde_json::from_str(&s.get("/api/findings").1).unwrap();
    let sup = v["suppressed"].as_array().unwrap();
    assert!(
        sup.iter().all(|f| f["reason"]
            .as_str()
            .unwrap()
            .contains("known, fixed in the next release")
            || f["reason"]
                .as_str()
                .unwrap()
                .starts_with("symptom of suppressed")),
        "{v:#}"
    );
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "k8s.crashloopbackoff"),
        "{v:#}"
    );
    // Leadership and a few more passes: still nothing announced.
    s.wait(10, "leadership", |s| {
        s.get("/api/leader").1.contains("true")
    });
    std::thread::sleep(Duration::from_millis(1500));
    let msgs = got.lock().unwrap().clone();
    assert!(
        !msgs
            .iter()
            .any(|(_, b)| b["finding"]["id"] == "k8s.crashloopbackoff"),
        "{msgs:#?}"
    );
    assert!(
        s.get("/metrics")
            .1
            .lines()
            .any(|l| l.starts_with("kubectl_claude_findings_suppressed ") && !l.ends_with(" 0")),
        "{}",
        s.get("/metrics").1
    );
}

/// RBAC denies Secrets (as the in-cluster ClusterRole does): serve lists them once, stops,
/// still becomes ready, and reports the Secret checks as not checked — never healthy.
#[test]
fn a_kind_rbac_denies_is_not_checked_and_serve_still_becomes_ready() {
    let fake = FakeApiServer::builder()
        .objects(crashloop_objects())
        .forbid("v1", "Secret")
        .served("coordination.k8s.io/v1", "Lease")
        .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
        .start();
    let t = env_for(&fake);
    let s = Serve::start(&t, &[]);
    s.wait(20, "ready", |s| s.get("/readyz").0 == 200);
    s.wait(20, "a diagnosis pass", |s| {
        let v: Value = serde_json::from_str(&s.get("/api/findings").1).unwrap_or_default();
        v["synced"] == true
    });
    let v: Value = serde_json::from_str(&s.get("/api/findings").1).unwrap();
    let nc = v["notChecked"].as_array().unwrap();
    let secret = nc
        .iter()
        .find(|k| k["kind"] == "Secret")
        .unwrap_or_else(|| panic!("Secret not reported: {v:#}"));
    let reason = secret["reason"].as_str().unwrap();
    assert!(reason.contains("forbidden"), "{reason}");
    assert!(
        reason.contains("not checked by:"),
        "names the recipes: {reason}"
    );
    std::thread::sleep(Duration::from_millis(1000));
    let secret_reads = fake
        .requests()
        .iter()
        .filter(|r| r.path.contains("/secrets"))
        .count();
    assert_eq!(secret_reads, 1, "one denied list, no retry loop");
    assert!(
        s.get("/metrics")
            .1
            .contains("kubectl_claude_kinds_not_checked{kind=\"Secret\"} 1"),
        "{}",
        s.get("/metrics").1
    );
}

/// A scheduled workflow with a `task` step asks the model; serve counts the calls and the
/// tokens the provider reported (through the run's observer, not its output).
#[test]
fn model_calls_and_tokens_of_serve_runs_are_counted() {
    use crate::support::fake_llm::{FakeLlm, Reply};
    let llm = FakeLlm::start(vec![Reply::anthropic("1. All good.")]);
    let fake = fake();
    let mut t = env_for(&fake);
    t.set("ANTHROPIC_API_KEY", "k");
    t.set("ANTHROPIC_BASE_URL", llm.url());
    t.write(
        TICK_PATH,
        "name: tick\ntrigger:\n  schedule: \"*/2 * * * * *\"\nsteps:\n  - name: d\n    recipe: workloads\n  - name: summary\n    task: Summarize these findings.\n  - name: report\n    action: report\n",
    );
    let s = Serve::start(&t, &[]);
    let sample = |text: &str, name: &str, label: (&str, &str)| -> f64 {
        prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string())))
            .unwrap()
            .samples
            .iter()
            .find(|x| x.metric == name && x.labels.get(label.0) == Some(label.1))
            .map(|x| match x.value {
                prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Untyped(v) => v,
                _ => 0.0,
            })
            .unwrap_or(0.0)
    };
    s.wait(40, "a counted model call", |s| {
        sample(
            &s.get("/metrics").1,
            "kubectl_claude_llm_requests_total",
            ("outcome", "ok"),
        ) >= 1.0
    });
    let m = s.get("/metrics").1;
    let calls = sample(
        &m,
        "kubectl_claude_llm_requests_total",
        ("provider", "anthropic"),
    );
    assert!(calls >= 1.0 && calls <= llm.count() as f64, "{m}");
    // The fake reports 120 input and 340 output tokens per call.
    assert_eq!(
        sample(&m, "kubectl_claude_llm_tokens_total", ("kind", "input")),
        120.0 * calls,
        "{m}"
    );
    assert_eq!(
        sample(&m, "kubectl_claude_llm_tokens_total", ("kind", "output")),
        340.0 * calls,
        "{m}"
    );
}

/// An approver RBAC denies: `approvals approve` fails clearly (exit 2, the 403 and the role to
/// ask for), and nothing changes — the request stays Pending, nothing else is written.
#[test]
fn an_approver_rbac_denies_cannot_approve_and_nothing_is_written() {
    let pending = json!({"apiVersion": "kubectl-claude.io/v1alpha1", "kind": "ApprovalRequest",
        "metadata": {"name": "apr-0123456789", "namespace": "default"},
        "spec": {"origin": "workflow:pod-crashloop-remediation", "requester": "workflow:x",
            "expiresAt": "2999-01-01T00:00:00Z", "request": {}},
        "status": {"phase": "Pending"}});
    let fake = FakeApiServer::builder()
        .objects([pending])
        .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
        // What the API server answers a user without patch on approvalrequests/status.
        .fail_writes("/approvalrequests/", 403)
        .start();
    let t = env_for(&fake);
    let o = t
        .cmd()
        .args(["approvals", "approve", "apr-0123456789", "-n", "default"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        crate::support::env::stderr(&o)
    );
    let err = crate::support::env::stderr(&o);
    assert!(err.contains("forbidden (HTTP 403)"), "{err}");
    assert!(
        err.contains("kubectl-claude-approver"),
        "names the role: {err}"
    );
    assert!(crate::support::env::stdout(&o).is_empty());
    assert_eq!(approval_objects(&fake)[0]["status"]["phase"], "Pending");
    // (A SelfSubjectReview is a POST that changes nothing: it asks who we are.)
    let writes: Vec<_> = fake
        .writes()
        .into_iter()
        .filter(|w| !w.path.ends_with("/selfsubjectreviews"))
        .collect();
    assert!(
        writes
            .iter()
            .all(|w| w.path == "/apis/kubectl-claude.io/v1alpha1/namespaces/default/approvalrequests/apr-0123456789/status"),
        "only the refused status patch was attempted: {writes:#?}"
    );
}
