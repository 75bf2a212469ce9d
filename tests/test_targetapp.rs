//! The TargetApp operator (seed 004) inside `serve`, end to end: the built binary's `serve`
//! against the fake API server and loopback GraphQL servers in the Mina daemon's shape. A
//! change → one Event, its repeat → the same Event's count bumped; `equals unhealthy` →
//! `restart_pod` deletes exactly that pod (grace period, audited); a confirm-tier
//! `scale_deployment` → an ApprovalRequest, no write until `approvals approve`, then one
//! PATCH; the rate limit holds under a tight interval; a bad selector or an unreachable
//! endpoint → `Failed` with a reason; GraphQL faults are poll failures; `/metrics` counts it
//! (parsed with prometheus-parse); `targetapp list|status`; the diagnose recipe on a
//! snapshot of what the controller wrote; the CRD's schema (run through the `jsonschema`
//! validator) rejects bad specs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::acting::{audit_records, env_for};
use crate::support::env::{TestEnv, stderr, stdout};
use crate::support::fake_apiserver::FakeApiServer;
use crate::support::fake_graphql::{FakeGraphql, Fault, mina_state};

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
        let mut c = t.std_cmd_at(&crate::support::env::bin());
        c.args(crate::support::serve_process::FAST).args(extra);
        let (child, addr, log) = crate::support::serve_process::spawn(c);
        Serve { child, addr, log }
    }

    fn metrics(&self) -> String {
        let mut s = TcpStream::connect(&self.addr).expect("connect serve");
        write!(
            s,
            "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn wait(&self, secs: u64, what: &str, mut f: impl FnMut() -> bool) {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if f() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out waiting for {what}; serve log:\n{}", self.log());
    }
}

fn pod(name: &str, app: &str, port: u16) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "app", "labels": {"app": app},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4f9", "uid": "u1"}]},
        "spec": {"containers": [{"name": "node", "image": "minaprotocol/mina-daemon:3.0.0",
            "ports": [{"name": "graphql", "containerPort": port}]}]},
        "status": {"phase": "Running", "podIP": "127.0.0.1"}})
}

/// The seed's example TargetApp (deploy/examples), as a user applies it, in namespace
/// `app`, pointed at `endpoint`; only the polling interval is shortened for the test.
fn seed_example(endpoint: &str) -> Value {
    let text = std::fs::read_to_string(
        crate::support::env::repo().join("deploy/examples/targetapp-my-application.yaml"),
    )
    .unwrap();
    let mut o = kubectl_claude::manifest::parse_stream(&text)
        .unwrap()
        .remove(0);
    assert_eq!(o["spec"]["actions"][0]["action"], "restart_pod");
    o["metadata"]["namespace"] = json!("app");
    o["metadata"]["generation"] = json!(1);
    o["spec"]["graphqlEndpoint"] = json!(endpoint);
    o["spec"]["pollingInterval"] = json!(1);
    o
}

fn tapp(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "operator.kco.local/v1alpha1", "kind": "TargetApp",
        "metadata": {"name": name, "namespace": "app", "generation": 1}, "spec": spec})
}

fn fake_with(objects: Vec<Value>) -> FakeApiServer {
    FakeApiServer::builder()
        .objects(objects)
        .served("coordination.k8s.io/v1", "Lease")
        .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
        .served("operator.kco.local/v1alpha1", "TargetApp")
        .served("v1", "Event")
        .start()
}

fn object(fake: &FakeApiServer, kind: &str, name: &str) -> Option<Value> {
    fake.objects()
        .into_iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
}

fn status(fake: &FakeApiServer, name: &str) -> Value {
    object(fake, "TargetApp", name)
        .map(|o| o["status"].clone())
        .unwrap_or(Value::Null)
}

fn events(fake: &FakeApiServer) -> Vec<Value> {
    fake.objects()
        .into_iter()
        .filter(|o| o["kind"] == "Event")
        .collect()
}

fn event_with(fake: &FakeApiServer, involved: &str, text: &str) -> Vec<Value> {
    events(fake)
        .into_iter()
        .filter(|e| {
            e["involvedObject"]["name"] == involved
                && e["message"].as_str().unwrap_or("").contains(text)
        })
        .collect()
}

fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string())))
        .expect("/metrics parses as Prometheus text");
    let found: Vec<f64> = scrape
        .samples
        .iter()
        .filter(|x| x.metric == name && labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
        .filter_map(|x| match x.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => Some(v),
            prometheus_parse::Value::Histogram(ref h) => h
                .iter()
                .find(|b| b.less_than.is_infinite())
                .map(|b| b.count),
            _ => None,
        })
        .collect();
    (!found.is_empty()).then(|| found.iter().sum())
}

/// A loopback webhook receiver: every POST body it gets.
fn receiver(delay: Duration) -> (String, Arc<Mutex<Vec<Value>>>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    std::thread::spawn(move || {
        for mut stream in l.incoming().flatten() {
            let mut r = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':')
                    && k.eq_ignore_ascii_case("content-length")
                {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            if let Ok(v) = serde_json::from_slice(&body) {
                g.lock().unwrap().push(v);
            }
            std::thread::sleep(delay);
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (url, got)
}

/// Done-when of the issue: the seed's `my-application` polls, records Events (a repeat bumps
/// the same Event), and restarts the unhealthy pod — exactly that pod, with its grace
/// period, audited — and its status and metrics show it.
#[test]
fn seed_example_records_deduplicated_events_and_restarts_the_unhealthy_pod() {
    let gql = FakeGraphql::start(mina_state("healthy", "SYNCED", 100, &["p1"]));
    // The seed's example, plus a webhook on every health change (the fifth action).
    let (hook, posted) = receiver(Duration::ZERO);
    let mut example = seed_example(&gql.endpoint());
    example["spec"]["actions"]
        .as_array_mut()
        .unwrap()
        .push(json!({
        "trigger": {"field": "application.health", "condition": "changed"},
        "action": "webhook", "parameters": {"url": hook}}));
    let fake = fake_with(vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "app"}}),
        pod("my-app-1", "my-app", gql.port()),
        pod("other-1", "other", gql.port()),
        example,
    ]);
    let t = env_for(&fake);
    let s = Serve::start(&t, &[]);
    s.wait(20, "Monitoring", || {
        status(&fake, "my-application")["phase"] == "Monitoring"
    });
    let st = status(&fake, "my-application");
    assert_eq!(st["podsMonitored"], 1, "{st:#}");
    assert_eq!(st["pods"][0]["name"], "my-app-1", "{st:#}");
    assert_eq!(st["pods"][0]["lastOutcome"], "ok", "{st:#}");
    assert_eq!(st["conditions"][0]["reason"], "Polling", "{st:#}");
    assert!(
        gql.queries().iter().all(|q| q.contains("application")),
        "the stateQuery is what is sent"
    );

    // A change → one Event on the TargetApp (and one on the pod).
    gql.set(mina_state("degraded", "SYNCED", 100, &["p1"]));
    let change = "application.health changed from healthy to degraded";
    s.wait(20, "the change Event", || {
        !event_with(&fake, "my-application", change).is_empty()
    });
    let e = event_with(&fake, "my-application", change);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        (e[0]["type"].as_str(), e[0]["count"].as_i64()),
        (Some("Normal"), Some(1))
    );
    assert_eq!(e[0]["reason"], "StateChanged");
    s.wait(10, "the change Event on the pod", || {
        event_with(&fake, "my-app-1", change).len() == 1
    });
    s.wait(10, "the webhook", || !posted.lock().unwrap().is_empty());
    let p = posted.lock().unwrap()[0].clone();
    assert_eq!(
        (
            p["pod"].as_str(),
            p["value"].as_str(),
            p["targetApp"]["name"].as_str()
        ),
        (Some("my-app-1"), Some("degraded"), Some("my-application")),
        "{p:#}"
    );
    // The same change again → the same Event, count 2 (a PATCH, not a second Event).
    gql.set(mina_state("healthy", "SYNCED", 100, &["p1"]));
    s.wait(20, "back to healthy", || {
        !event_with(&fake, "my-application", "from degraded to healthy").is_empty()
    });
    gql.set(mina_state("degraded", "SYNCED", 100, &["p1"]));
    s.wait(20, "the repeat", || {
        event_with(&fake, "my-application", change)
            .first()
            .is_some_and(|e| e["count"] == 2)
    });
    assert_eq!(event_with(&fake, "my-application", change).len(), 1);
    let name = e[0]["metadata"]["name"].as_str().unwrap().to_string();
    let posts = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.body.contains(&name))
        .count();
    let patches = fake
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH" && r.path.ends_with(&format!("/events/{name}")))
        .count();
    assert_eq!((posts, patches), (1, 1), "one create, one count bump");

    // unhealthy → restart_pod: exactly my-app-1 is deleted, with the 30 s grace period.
    assert!(fake.requests().iter().all(|r| r.method != "DELETE"));
    gql.set(mina_state("unhealthy", "SYNCED", 100, &["p1"]));
    s.wait(20, "the restart", || {
        object(&fake, "Pod", "my-app-1").is_none()
    });
    let deletes: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .collect();
    assert_eq!(deletes.len(), 1, "{deletes:#?}");
    assert_eq!(deletes[0].path, "/api/v1/namespaces/app/pods/my-app-1");
    let body: Value = serde_json::from_str(&deletes[0].body).unwrap();
    assert_eq!(body["gracePeriodSeconds"], 30);
    assert!(
        object(&fake, "Pod", "other-1").is_some(),
        "only the selected pod"
    );
    s.wait(10, "the action Event", || {
        !event_with(&fake, "my-application", "restart_pod for my-app-1").is_empty()
    });
    let fired = event_with(&fake, "my-application", "application.health equals");
    assert_eq!(fired[0]["type"], "Warning", "{fired:#?}");
    // Audited: the decision and the outcome, auto-approved by the per-target override.
    let recs: Vec<Value> = audit_records(&t)
        .into_iter()
        .filter(|r| r["action"]["verb"] == "restart-pod")
        .collect();
    assert!(
        recs.iter().any(|r| r["outcome"] == "ok"
            && r["origin"] == "trigger:targetapp/app/my-application"
            && r["action"]["target"]["name"] == "my-app-1"),
        "{recs:#?}"
    );
    // Metrics count what happened.
    let m = s.metrics();
    assert_eq!(
        sample(
            &m,
            "operator_kco_actions_executed_total",
            &[("action", "restart_pod"), ("outcome", "ok")]
        ),
        Some(1.0),
        "{m}"
    );
    assert!(
        sample(
            &m,
            "operator_kco_tapp_polls_total",
            &[("targetapp", "app/my-application"), ("outcome", "ok")]
        )
        .unwrap_or(0.0)
            >= 4.0,
        "{m}"
    );
    assert!(
        sample(
            &m,
            "operator_kco_events_generated_total",
            &[("reason", "StateChanged")]
        )
        .unwrap_or(0.0)
            >= 4.0,
        "{m}"
    );
    assert!(
        sample(&m, "operator_kco_tapp_poll_duration_seconds", &[]).unwrap_or(0.0) >= 4.0,
        "{m}"
    );
    assert!(
        sample(
            &m,
            "operator_kco_action_duration_seconds",
            &[("action", "restart_pod")]
        ) == Some(1.0),
        "{m}"
    );
}

/// A confirm-tier `scale_deployment` becomes an ApprovalRequest; nothing is written until
/// `approvals approve`, then exactly one PATCH of the scale subresource.
#[test]
fn confirm_tier_scale_waits_for_approval_then_patches_once() {
    let gql = FakeGraphql::start(mina_state("healthy", "CATCHUP", 5, &[]));
    let fake = fake_with(vec![
        crate::support::acting::deployment(),
        pod("web-7d4f9-a", "mina", gql.port()),
        tapp(
            "mina",
            json!({"selector": {"matchLabels": {"app": "mina"}}, "pollingInterval": 1,
                "stateQuery": "{ daemonStatus { syncStatus blockchainLength peers { peerId } } }",
                "actions": [{"trigger": {"field": "daemonStatus.syncStatus", "condition": "equals", "value": "CATCHUP"},
                    "action": "scale_deployment", "parameters": {"replicas": 3}},
                    {"trigger": {"field": "daemonStatus.syncStatus", "condition": "equals", "value": "CATCHUP"},
                    "action": "exec_command", "parameters": {"command": "mina client status", "container": "node"}},
                    {"trigger": {"field": "daemonStatus.blockchainLength", "condition": "less_than", "value": 10},
                    "action": "patch_resource", "parameters": {"kind": "Node", "name": "n1",
                        "patch": {"metadata": {"labels": {"mina": "behind"}}}}}]}),
        ),
    ]);
    let t = env_for(&fake);
    let s = Serve::start(&t, &[]);
    let requests = || {
        fake.objects()
            .into_iter()
            .filter(|o| o["kind"] == "ApprovalRequest")
            .collect::<Vec<_>>()
    };
    s.wait(20, "the approval request", || !requests().is_empty());
    let scale_patches = || {
        fake.requests()
            .iter()
            .filter(|r| {
                r.method == "PATCH"
                    && r.path == "/apis/apps/v1/namespaces/app/deployments/web/scale"
            })
            .count()
    };
    let status_writes = || {
        fake.requests()
            .iter()
            .filter(|r| r.method == "PATCH" && r.path.ends_with("/targetapps/mina/status"))
            .count()
    };
    // The first round is over once its status is written (after both requests were made).
    s.wait(20, "the first round's status", || {
        requests().len() == 2 && status(&fake, "mina")["phase"] == "Monitoring"
    });
    std::thread::sleep(Duration::from_millis(500));
    let writes_before = status_writes();
    std::thread::sleep(Duration::from_millis(2500));
    // Steady polling (once a second) does not rewrite an unchanged status.
    assert_eq!(
        status_writes(),
        writes_before,
        "no status churn while nothing changes"
    );
    let all = requests();
    let verb = |o: &Value| {
        o["spec"]["request"]["steps"][0]["proposed"]["action"]["verb"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let mut verbs: Vec<String> = all.iter().map(verb).collect();
    verbs.sort();
    // One request per fired confirm-tier action (exec is always confirm), not one per poll.
    assert_eq!(verbs, ["exec", "scale"], "{all:#?}");
    let q: Vec<Value> = all.into_iter().filter(|o| verb(o) == "scale").collect();
    assert_eq!(q[0]["spec"]["origin"], "trigger:targetapp/app/mina");
    assert_eq!(scale_patches(), 0, "nothing written before approval");
    let m = s.metrics();
    assert_eq!(
        sample(
            &m,
            "operator_kco_actions_executed_total",
            &[
                ("action", "scale_deployment"),
                ("outcome", "pending_approval")
            ]
        ),
        Some(1.0),
        "{m}"
    );
    // A patch of a Node is forbidden: refused, audited, never queued, nothing sent.
    assert_eq!(
        sample(
            &m,
            "operator_kco_actions_executed_total",
            &[("action", "patch_resource"), ("outcome", "refused")]
        ),
        Some(1.0),
        "{m}"
    );
    assert!(fake.requests().iter().all(|r| !r.path.contains("/nodes/")));
    let refused: Vec<Value> = audit_records(&t)
        .into_iter()
        .filter(|r| r["action"]["verb"] == "patch" && r["action"]["target"]["kind"] == "Node")
        .collect();
    assert!(
        refused.iter().any(|r| r["approval"] == "refused-forbidden"),
        "{refused:#?}"
    );
    assert!(!event_with(&fake, "mina", "patch_resource for web-7d4f9-a").is_empty());
    let id = q[0]["metadata"]["name"].as_str().unwrap().to_string();
    let o = t
        .cmd()
        .args(["approvals", "approve", &id, "-n", "default"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    s.wait(20, "execution", || {
        requests()
            .iter()
            .any(|o| o["metadata"]["name"] == id.as_str() && o["status"]["phase"] == "Executed")
    });
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(scale_patches(), 1, "exactly one PATCH");
    // The approved execution is audited under the same origin as the proposal.
    let executed: Vec<Value> = audit_records(&t)
        .into_iter()
        .filter(|r| r["action"]["verb"] == "scale" && r["outcome"] == "ok")
        .collect();
    assert!(
        !executed.is_empty()
            && executed
                .iter()
                .all(|r| r["origin"] == "trigger:targetapp/app/mina"),
        "{executed:#?}"
    );
    assert_eq!(
        object(&fake, "Deployment", "web").unwrap()["spec"]["replicas"],
        3
    );
}

/// A bad selector and an unreachable endpoint go Failed with their reasons; GraphQL faults
/// (500, errors in a 200, malformed JSON, too slow) are poll failures with their message;
/// `targetapp list|status` show it; the diagnose recipe finds it on a snapshot.
#[test]
fn bad_selector_unreachable_endpoint_and_faults_are_failed_with_reasons() {
    let gql = FakeGraphql::start(mina_state("healthy", "SYNCED", 1, &["p1"]));
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = closed.local_addr().unwrap();
    drop(closed);
    let q = "{ daemonStatus { syncStatus } }";
    let fake = fake_with(vec![
        pod("mina-0", "mina", gql.port()),
        tapp(
            "bad-selector",
            json!({"selector": {"matchExpressions": [{"key": "app", "operator": "Between"}]},
            "stateQuery": q}),
        ),
        tapp(
            "unreachable",
            json!({"selector": {"matchLabels": {"app": "mina"}},
            "graphqlEndpoint": format!("{dead}/graphql"), "pollingInterval": 1, "stateQuery": q}),
        ),
        tapp(
            "faulty",
            json!({"selector": {"matchLabels": {"app": "mina"}},
            "pollingInterval": 1, "stateQuery": q}),
        ),
    ]);
    let mut t = env_for(&fake);
    t.set("GRAPHQL_TIMEOUT", "1")
        .set("GRAPHQL_MAX_RETRIES", "1");
    let s = Serve::start(&t, &[]);
    s.wait(20, "the bad selector to fail", || {
        status(&fake, "bad-selector")["phase"] == "Failed"
    });
    let st = status(&fake, "bad-selector");
    assert_eq!(st["conditions"][0]["reason"], "InvalidSelector", "{st:#}");
    assert!(
        st["message"]
            .as_str()
            .unwrap()
            .contains("matchExpressions[0].operator"),
        "{st:#}"
    );
    s.wait(20, "the unreachable endpoint to fail", || {
        status(&fake, "unreachable")["phase"] == "Failed"
    });
    let st = status(&fake, "unreachable");
    assert_eq!(st["conditions"][0]["reason"], "PollFailed", "{st:#}");
    assert!(
        st["message"].as_str().unwrap().contains("connect"),
        "{st:#}"
    );
    s.wait(20, "faulty to monitor", || {
        status(&fake, "faulty")["phase"] == "Monitoring"
    });
    for (fault, want) in [
        (Fault::ServerError, "HTTP 500"),
        (
            Fault::GraphqlErrors("Could not find a block".into()),
            "GraphQL errors: Could not find a block",
        ),
        (Fault::Malformed, "malformed reply"),
        (Fault::Slow(Duration::from_secs(3)), "timed out"),
    ] {
        gql.fault(fault);
        s.wait(30, want, || {
            status(&fake, "faulty")["pods"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(want))
        });
        assert_eq!(status(&fake, "faulty")["phase"], "Failed");
    }
    gql.fault(Fault::None);
    s.wait(20, "recovery", || {
        status(&fake, "faulty")["phase"] == "Monitoring"
    });
    let m = s.metrics();
    for cat in [
        "http",
        "graphql",
        "malformed",
        "timeout",
        "connection",
        "invalid_spec",
    ] {
        assert!(
            sample(&m, "operator_kco_errors_total", &[("category", cat)]).unwrap_or(0.0) >= 1.0,
            "{cat}: {m}"
        );
    }
    assert!(!event_with(&fake, "unreachable", "failed: connection").is_empty());

    // The CLI reads what the controller wrote.
    let o = t
        .cmd()
        .args(["targetapp", "list", "-n", "app", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let phases: Vec<(String, String)> = v["targetApps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().into(),
                r["phase"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        phases.contains(&("bad-selector".into(), "Failed".into())),
        "{phases:?}"
    );
    assert!(
        phases.contains(&("faulty".into(), "Monitoring".into())),
        "{phases:?}"
    );
    let o = t
        .cmd()
        .args(["targetapp", "list", "-n", "app"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("InvalidSelector"), "{}", stdout(&o));
    let o = t
        .cmd()
        .args(["targetapp", "status", "unreachable", "-n", "app"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("PollFailed") && stdout(&o).contains("error"),
        "{}",
        stdout(&o)
    );
    let o = t
        .cmd()
        .args(["targetapp", "status", "nope", "-n", "app"])
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("TargetApp app/nope not found"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());

    // The diagnose recipe on a snapshot of those objects.
    let items: Vec<Value> = fake
        .objects()
        .into_iter()
        .filter(|o| o["kind"] == "TargetApp")
        .collect();
    // A spec change is picked up without a restart: the fixed selector starts monitoring.
    let mut fixed = object(&fake, "TargetApp", "bad-selector").unwrap();
    fixed["spec"]["selector"] = json!({"matchLabels": {"app": "mina"}});
    fixed["spec"]["pollingInterval"] = json!(1);
    fixed["metadata"]["generation"] = json!(2);
    fake.upsert(fixed);
    s.wait(20, "the fixed spec to monitor", || {
        let st = status(&fake, "bad-selector");
        st["phase"] == "Monitoring" && st["observedGeneration"] == 2
    });
    drop(s);
    t.write(
        "snap/targetapps.yaml",
        &serde_json::to_string(&json!({"apiVersion": "v1", "kind": "List", "items": items}))
            .unwrap(),
    );
    t.write("snap/served-kinds.txt", "TargetApp\n");
    let o = t
        .cmd()
        .args([
            "diagnose",
            "--snapshot",
            "snap",
            "--recipe",
            "targetapp",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|_| panic!("{}{}", stdout(&o), stderr(&o)));
    let text = v.to_string();
    assert!(
        text.contains("targetapp.failed") && text.contains("bad-selector"),
        "{v:#}"
    );
    assert!(
        text.contains("targetapp.pod-unpollable") || text.contains("unreachable"),
        "{v:#}"
    );
}

/// Six pods polled every second with `--targetapp-poll-rate 1`: the token bucket (burst 2,
/// then 1 per second) holds; the skipped polls are counted and shown.
#[test]
fn the_poll_rate_limit_holds_under_a_tight_interval() {
    let gql = FakeGraphql::start(mina_state("healthy", "SYNCED", 1, &[]));
    let mut objects: Vec<Value> = (0..6)
        .map(|i| pod(&format!("mina-{i}"), "mina", gql.port()))
        .collect();
    objects.push(tapp(
        "many",
        json!({"selector": {"matchLabels": {"app": "mina"}}, "pollingInterval": 1,
            "stateQuery": "{ daemonStatus { syncStatus } }"}),
    ));
    let fake = fake_with(objects);
    let t = env_for(&fake);
    let s = Serve::start(&t, &["--targetapp-poll-rate", "1"]);
    s.wait(20, "the first poll", || gql.polls() > 0);
    let start = Instant::now();
    let before = gql.polls();
    std::thread::sleep(Duration::from_secs(4));
    let polls = gql.polls() - before;
    let secs = start.elapsed().as_secs_f64();
    // Unlimited would be 6 per second (24); the bucket allows about 1 per second.
    assert!(polls as f64 <= secs + 2.0, "{polls} polls in {secs:.1}s");
    assert!(polls >= 2, "it still polls: {polls}");
    let m = s.metrics();
    assert!(
        sample(
            &m,
            "operator_kco_errors_total",
            &[("category", "rate_limited")]
        )
        .unwrap_or(0.0)
            >= 6.0,
        "{m}"
    );
    let st = status(&fake, "many");
    assert!(
        st["pods"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["lastOutcome"] == "skipped"),
        "{st:#}"
    );
    assert_eq!(st["podsMonitored"], 6);
    // SIGTERM: serve stops promptly and says so.
    let pid = s.child.id().to_string();
    let k = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(k.success());
    let mut s = s;
    let end = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(c) = s.child.try_wait().unwrap() {
            break c.code();
        }
        assert!(
            Instant::now() < end,
            "serve did not stop on SIGTERM:\n{}",
            s.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(code, Some(0), "{}", s.log());
    assert!(s.log().contains("SIGTERM"), "{}", s.log());
}

/// Bad settings in the environment stop `serve` before it starts, naming the variable.
#[test]
fn bad_environment_settings_are_refused_at_start() {
    let fake = fake_with(vec![]);
    let mut t = env_for(&fake);
    t.set("GRAPHQL_TIMEOUT", "soon")
        .set("METRICS_PORT", "70000");
    let o = t
        .cmd()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("GRAPHQL_TIMEOUT=\"soon\"") && e.contains("METRICS_PORT"),
        "{e}"
    );
    assert!(stdout(&o).is_empty());
}

/// The CRD's structural schema, run through a JSON Schema validator (`jsonschema`), admits
/// the seed's example and rejects what the schema states: a missing stateQuery, an unknown
/// condition or action, a bad selector operator, a zero interval. The engine's own
/// validation refuses each of those too.
#[test]
fn the_crd_schema_rejects_bad_specs() {
    let text =
        std::fs::read_to_string(crate::support::env::repo().join("deploy/base/targetapp-crd.yaml"))
            .unwrap();
    let crd = kubectl_claude::manifest::parse_stream(&text)
        .unwrap()
        .remove(0);
    assert_eq!(crd["spec"]["group"], "operator.kco.local");
    assert_eq!(crd["spec"]["names"]["kind"], "TargetApp");
    let v = &crd["spec"]["versions"][0];
    assert_eq!(v["name"], "v1alpha1");
    assert_eq!(v["subresources"]["status"], json!({}));
    let schema = v["schema"]["openAPIV3Schema"].clone();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let good = seed_example("127.0.0.1:1/graphql");
    assert!(
        validator.is_valid(&good),
        "{:?}",
        validator
            .iter_errors(&good)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    assert!(kubectl_claude::targetapp::validate(&good["spec"]).is_ok());
    let bad = |f: &dyn Fn(&mut Value)| {
        let mut o = good.clone();
        f(&mut o);
        o
    };
    let cases: Vec<(&str, Value)> = vec![
        (
            "no stateQuery",
            bad(&|o| {
                o["spec"].as_object_mut().unwrap().remove("stateQuery");
            }),
        ),
        (
            "unknown condition",
            bad(&|o| o["spec"]["actions"][0]["trigger"]["condition"] = json!("bigger")),
        ),
        (
            "unknown action",
            bad(&|o| o["spec"]["actions"][0]["action"] = json!("reboot_node")),
        ),
        (
            "bad operator",
            bad(&|o| {
                o["spec"]["selector"] =
                    json!({"matchExpressions": [{"key": "a", "operator": "Between"}]})
            }),
        ),
        (
            "zero interval",
            bad(&|o| o["spec"]["pollingInterval"] = json!(0)),
        ),
        (
            "no trigger field",
            bad(&|o| {
                o["spec"]["actions"][0]["trigger"]
                    .as_object_mut()
                    .unwrap()
                    .remove("field");
            }),
        ),
    ];
    for (what, o) in cases {
        assert!(!validator.is_valid(&o), "schema admits {what}");
        assert!(
            kubectl_claude::targetapp::validate(&o["spec"]).is_err(),
            "engine admits {what}"
        );
    }
}

/// One GET on `addr`: (status code, body); `None` when nothing listens there.
fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let code = out.split_whitespace().nth(1)?.parse().ok()?;
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((code, body))
}

fn free_port() -> u16 {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    free.local_addr().unwrap().port()
}

/// `METRICS_PORT` opens a second listener serving only `/metrics` (the seed's series); the
/// main listener keeps everything (probes, hooks, /metrics), so the kustomize base's probes
/// and Service on 8080 still work. The same port as `--listen` is one listener, not a clash.
#[test]
fn metrics_port_adds_a_metrics_only_listener() {
    let fake = fake_with(vec![]);
    let port = free_port();
    let mut t = env_for(&fake);
    t.set("METRICS_PORT", port.to_string());
    let s = Serve::start(&t, &[]);
    let metrics_addr = format!("127.0.0.1:{port}");
    s.wait(30, "the metrics listener", || {
        get(&metrics_addr, "/metrics").is_some()
    });
    let (code, m) = get(&metrics_addr, "/metrics").unwrap();
    assert_eq!(code, 200, "{m}");
    for name in [
        "operator_kco_tapp_polls_total",
        "operator_kco_tapp_poll_duration_seconds",
        "operator_kco_events_generated_total",
        "operator_kco_actions_executed_total",
        "operator_kco_action_duration_seconds",
        "operator_kco_errors_total",
    ] {
        assert!(m.contains(&format!("# HELP {name} ")), "{name}: {m}");
    }
    assert!(
        m.contains("# TYPE operator_kco_tapp_poll_duration_seconds histogram"),
        "{m}"
    );
    // Only /metrics there; the rest stays on the main listener.
    for path in ["/healthz", "/api/findings", "/ui"] {
        assert_eq!(
            get(&metrics_addr, path).map(|r| r.0),
            Some(404),
            "{path} on the metrics port"
        );
    }
    assert_ne!(s.addr, metrics_addr);
    assert_eq!(
        get(&s.addr, "/healthz").map(|r| r.0),
        Some(200),
        "{}",
        s.log()
    );
    let (code, main) = get(&s.addr, "/metrics").unwrap();
    assert_eq!(code, 200);
    assert!(
        main.contains("# HELP operator_kco_tapp_polls_total "),
        "{main}"
    );
    let serving = s
        .log()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["msg"] == "serving")
        .unwrap();
    assert_eq!(serving["metricsListen"], json!(format!("0.0.0.0:{port}")));
    drop(s);

    // METRICS_PORT naming --listen's own port: one listener, serving everything.
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    t.set("METRICS_PORT", port.to_string());
    let mut c = t.std_cmd_at(&crate::support::env::bin());
    c.args(["serve", "--listen", &listen]);
    let (child, addr, log) = crate::support::serve_process::spawn(c);
    let s = Serve { child, addr, log };
    assert_eq!(
        get(&s.addr, "/healthz").map(|r| r.0),
        Some(200),
        "{}",
        s.log()
    );
    assert_eq!(
        get(&s.addr, "/metrics").map(|r| r.0),
        Some(200),
        "{}",
        s.log()
    );
}

/// A fresh leader whose Pod LIST is slow does not poll an empty inventory: it waits for the
/// Pod kind to sync, so no status says "no pods" (or Failed) and no pod is dropped meanwhile.
#[test]
fn the_controller_waits_for_the_pod_inventory_to_sync() {
    let gql = FakeGraphql::start(mina_state("healthy", "SYNCED", 100, &["p1"]));
    let fake = FakeApiServer::builder()
        .objects(vec![
            pod("mina-0", "mina", gql.port()),
            tapp(
                "mina",
                json!({"selector": {"matchLabels": {"app": "mina"}}, "pollingInterval": 1,
                    "stateQuery": "{ daemonStatus { syncStatus } }"}),
            ),
        ])
        .served("coordination.k8s.io/v1", "Lease")
        .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
        .served("operator.kco.local/v1alpha1", "TargetApp")
        .served("v1", "Event")
        .hanging_path("/api/v1/pods", Duration::from_secs(4))
        .start();
    let t = env_for(&fake);
    let s = Serve::start(&t, &[]);
    s.wait(30, "a Monitoring status with the pod", || {
        status(&fake, "mina")["podsMonitored"] == 1
    });
    let writes: Vec<Value> = fake
        .writes()
        .into_iter()
        .filter(|w| w.path.ends_with("/targetapps/mina/status"))
        .filter_map(|w| serde_json::from_str::<Value>(&w.body).ok())
        .map(|b| b["status"].clone())
        .collect();
    assert!(!writes.is_empty());
    for w in &writes {
        assert!(
            w["phase"] == "Initializing" || w["podsMonitored"] == 1,
            "a status written before the Pod list arrived: {w}\nall: {writes:#?}\n{}",
            s.log()
        );
    }
    assert!(
        event_with(&fake, "mina", "failed").is_empty(),
        "{:#?}",
        events(&fake)
    );
}

/// Shutdown never leaves an action half-run: SIGTERM while a webhook action waits for its
/// answer lets it finish (its outcome Event is recorded) before serve exits.
#[test]
fn sigterm_lets_the_action_in_flight_finish() {
    let gql = FakeGraphql::start(mina_state("unhealthy", "SYNCED", 1, &[]));
    let (hook, posted) = receiver(Duration::from_secs(2));
    let fake = fake_with(vec![
        pod("mina-0", "mina", gql.port()),
        tapp(
            "slow-hook",
            json!({"selector": {"matchLabels": {"app": "mina"}}, "pollingInterval": 1,
                "stateQuery": "{ application { health } }",
                "actions": [{"trigger": {"field": "application.health", "condition": "equals", "value": "unhealthy"},
                    "action": "webhook", "parameters": {"url": hook}}]}),
        ),
    ]);
    let t = env_for(&fake);
    let mut s = Serve::start(&t, &[]);
    s.wait(20, "the webhook call", || {
        !posted.lock().unwrap().is_empty()
    });
    let pid = s.child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let end = Instant::now() + Duration::from_secs(15);
    let code = loop {
        if let Some(c) = s.child.try_wait().unwrap() {
            break c.code();
        }
        assert!(Instant::now() < end, "serve did not stop:\n{}", s.log());
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(code, Some(0), "{}", s.log());
    let done = event_with(&fake, "slow-hook", "webhook for mina-0: POST");
    assert_eq!(
        done.len(),
        1,
        "the action finished and was recorded: {:#?}\n{}",
        events(&fake),
        s.log()
    );
    assert_eq!(done[0]["reason"], "ActionExecuted");
    assert_eq!(
        posted.lock().unwrap().len(),
        1,
        "no second call after SIGTERM"
    );
}

/// Two replicas: only the Lease holder runs the controller — one approval request, and the
/// follower writes no TargetApp status.
#[test]
fn only_the_leader_monitors() {
    let gql = FakeGraphql::start(mina_state("healthy", "CATCHUP", 5, &[]));
    let fake = fake_with(vec![
        crate::support::acting::deployment(),
        pod("web-7d4f9-a", "mina", gql.port()),
        tapp(
            "mina",
            json!({"selector": {"matchLabels": {"app": "mina"}}, "pollingInterval": 1,
                "stateQuery": "{ daemonStatus { syncStatus } }",
                "actions": [{"trigger": {"field": "daemonStatus.syncStatus", "condition": "equals", "value": "CATCHUP"},
                    "action": "scale_deployment", "parameters": {"replicas": 3}}]}),
        ),
    ]);
    let t = env_for(&fake);
    let a = Serve::start(&t, &["--identity", "replica-a"]);
    let b = Serve::start(&t, &["--identity", "replica-b"]);
    a.wait(20, "a pending request", || {
        fake.objects()
            .iter()
            .any(|o| o["kind"] == "ApprovalRequest")
    });
    std::thread::sleep(Duration::from_secs(3));
    let n = fake
        .objects()
        .iter()
        .filter(|o| o["kind"] == "ApprovalRequest")
        .count();
    assert_eq!(n, 1, "one actor:\n{}\n{}", a.log(), b.log());
    let leaders = [&a, &b]
        .iter()
        .filter(|s| s.log().contains("targetapp monitoring"))
        .count();
    assert_eq!(leaders, 1, "{}\n{}", a.log(), b.log());
}

/// `exec_command` (seed: "in the pod, via the API's exec"): confirm tier, so the firing
/// trigger becomes an ApprovalRequest and nothing runs; once approved, exactly one exec on
/// that pod with the configured argv and container, over the websocket exec. Audited with
/// its exit code and output, a credential the command printed masked.
#[test]
fn exec_command_waits_for_approval_then_runs_once_in_the_pod() {
    let gql = FakeGraphql::start(mina_state("healthy", "CATCHUP", 5, &[]));
    let planted = "planted-exec-Zq9";
    let fake = FakeApiServer::builder()
        .objects(vec![
            pod("web-7d4f9-a", "mina", gql.port()),
            tapp(
                "mina-exec",
                json!({"selector": {"matchLabels": {"app": "mina"}}, "pollingInterval": 1,
                    "stateQuery": "{ daemonStatus { syncStatus blockchainLength peers { peerId } } }",
                    "actions": [{"trigger": {"field": "daemonStatus.syncStatus", "condition": "equals", "value": "CATCHUP"},
                        "action": "exec_command", "parameters": {"command": "mina client status", "container": "node"}}]}),
            ),
        ])
        .served("coordination.k8s.io/v1", "Lease")
        .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
        .served("operator.kco.local/v1alpha1", "TargetApp")
        .served("v1", "Event")
        .exec_reply(
            "app",
            "web-7d4f9-a",
            crate::support::fake_apiserver::ExecReply {
                stdout: format!("Sync status: Catchup\nDB_PASSWORD={planted}\n"),
                // Silent for longer than serve's --request-timeout (below): the approved
                // exec is bounded by ACTION_EXECUTION_TIMEOUT, not by a per-read timeout.
                delay: Duration::from_millis(2500),
                ..Default::default()
            },
        )
        .start();
    let t = env_for(&fake);
    let s = Serve::start(&t, &["--request-timeout", "1s"]);
    let requests = || {
        fake.objects()
            .into_iter()
            .filter(|o| o["kind"] == "ApprovalRequest")
            .collect::<Vec<_>>()
    };
    s.wait(20, "the approval request", || !requests().is_empty());
    std::thread::sleep(Duration::from_millis(1500));
    let all = requests();
    assert_eq!(
        all.len(),
        1,
        "one request per firing, not per poll: {all:#?}"
    );
    let proposed = &all[0]["spec"]["request"]["steps"][0]["proposed"]["action"];
    assert_eq!(proposed["verb"], "exec", "{proposed:#}");
    assert_eq!(proposed["command"], json!(["mina", "client", "status"]));
    // The controller's ACTION_EXECUTION_TIMEOUT (default 300 s) travels with the request,
    // so the approved exec is bounded by it, not by serve's shorter --request-timeout.
    assert_eq!(proposed["timeout_seconds"], 300, "{proposed:#}");
    assert!(fake.execs().is_empty(), "nothing runs before approval");
    let id = all[0]["metadata"]["name"].as_str().unwrap().to_string();
    let o = t
        .cmd()
        .args(["approvals", "approve", &id, "-n", "default"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // SIGTERM while the exec runs (the pod stays silent for 2.5 s): serve stops only after
    // it has finished, marked the request Executed and audited the outcome — never half-run.
    s.wait(20, "the exec to start", || !fake.execs().is_empty());
    let k = std::process::Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(k.success());
    let mut s = s;
    let end = Instant::now() + Duration::from_secs(20);
    let code = loop {
        if let Some(c) = s.child.try_wait().unwrap() {
            break c.code();
        }
        assert!(Instant::now() < end, "serve did not stop:\n{}", s.log());
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(code, Some(0), "{}", s.log());
    assert!(
        requests()
            .iter()
            .any(|o| o["metadata"]["name"] == id.as_str() && o["status"]["phase"] == "Executed"),
        "{:#?}\n{}",
        requests(),
        s.log()
    );
    let execs = fake.execs();
    assert_eq!(execs.len(), 1, "exactly one exec: {execs:#?}");
    assert_eq!(
        (
            execs[0].namespace.as_str(),
            execs[0].pod.as_str(),
            execs[0].container.as_deref()
        ),
        ("app", "web-7d4f9-a", Some("node"))
    );
    assert_eq!(execs[0].command, ["mina", "client", "status"]);
    assert!(!execs[0].tty && !execs[0].stdin);
    let ran: Vec<Value> = audit_records(&t)
        .into_iter()
        .filter(|r| r["action"]["verb"] == "exec" && r["outcome"] == "ok")
        .collect();
    assert_eq!(ran.len(), 1, "{ran:#?}");
    assert_eq!(ran[0]["origin"], "trigger:targetapp/app/mina-exec");
    assert_eq!(ran[0]["exec"]["exit_code"], 0, "{:#}", ran[0]);
    let out = ran[0]["exec"]["stdout"].as_str().unwrap();
    assert!(out.contains("Sync status: Catchup"), "{out}");
    let log = std::fs::read_dir(crate::support::acting::audit_dir(&t))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect::<String>();
    assert!(!log.contains(planted), "{log}");
}

/// The serve base lets the operator run what an approved `exec_command` sends: the websocket
/// exec is authorized as `create` on `pods/exec` (Kubernetes 1.30+; `get` before), and only
/// that subresource — no wildcard.
#[test]
fn the_serve_base_allows_pods_exec() {
    let text =
        std::fs::read_to_string(crate::support::env::repo().join("deploy/base/clusterrole.yaml"))
            .unwrap();
    let docs = kubectl_claude::manifest::parse_stream(&text).unwrap();
    let role = docs
        .iter()
        .find(|d| d["kind"] == "ClusterRole" && d["metadata"]["name"] == "kubectl-claude")
        .expect("the serve ClusterRole");
    let exec_rules: Vec<&Value> = role["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["resources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x == "pods/exec")
        })
        .collect();
    assert_eq!(exec_rules.len(), 1, "{exec_rules:#?}");
    assert_eq!(exec_rules[0]["apiGroups"], json!([""]));
    assert_eq!(exec_rules[0]["resources"], json!(["pods/exec"]));
    let verbs = exec_rules[0]["verbs"].as_array().unwrap();
    assert!(verbs.iter().any(|v| v == "create") && verbs.iter().any(|v| v == "get"));
}

/// The serve base gives shutdown the time it takes: the kubelet's grace period outlasts how
/// long serve waits for an approved request being executed (the default
/// `ACTION_EXECUTION_TIMEOUT` plus the API calls around it), so none is killed mid-run.
#[test]
fn the_serve_base_waits_out_an_action_in_flight() {
    let text =
        std::fs::read_to_string(crate::support::env::repo().join("deploy/base/deployment.yaml"))
            .unwrap();
    let docs = kubectl_claude::manifest::parse_stream(&text).unwrap();
    let grace = docs[0]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        .as_u64()
        .expect("terminationGracePeriodSeconds set");
    // ACTION_EXECUTION_TIMEOUT + 1 s + 3 × the 30 s request timeout.
    assert!(grace > 300 + 1 + 90, "{grace}");
}
