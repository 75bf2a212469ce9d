//! The offline generator's phrasing corpus (`tests/data/offline_phrasings.yaml`): every entry
//! runs through the built binary (`generate -f - -o json`) and its output is checked field by
//! field. Every failure is collected, so one run shows everything that is not understood.
//!
//! `expect` keys (all optional; the workload is the first Deployment/StatefulSet/DaemonSet/
//! Job/CronJob):
//! - `kind`, `name`, `namespace`, `image`, `replicas`, `port` (first containerPort),
//!   `command`, `args`
//! - `service` (type of the non-headless Service), `service_port`, `node_port`, `headless: true`
//! - `host`, `tls: true`, `tls_secret`, `ingress_class`, `ingress_path` (the Ingress)
//! - `route_host`, `gateway` (the HTTPRoute)
//! - `liveness`/`readiness`/`startup`: an httpGet path, or `tcp` / `tcp:PORT`;
//!   `liveness_period`, `readiness_period`, `liveness_delay`, `readiness_delay`
//! - `requests`, `limits`: `CPU/MEMORY`, `*` for either side means "not checked"
//! - `env`: NAME → value, or `secret:NAME/KEY` for a secretKeyRef; `env_from`: `configmap:X`,
//!   `secret:X`
//! - `storage` (PVC or volumeClaimTemplate size), `mount` (mountPath of the `data` volume),
//!   `storage_class`, `access_mode`, `no_storage: true` (no PVC, no volumeClaimTemplate)
//! - `schedule`, `hpa` (`MIN-MAX@CPU`), `pdb` (`true` or minAvailable), `pdb_max_unavailable`,
//!   `netpol: true`, `netpol_from_ns`, `netpol_deny_egress`
//! - `strategy`, `max_surge`, `max_unavailable`, `node_selector`, `tolerations` (keys, `*` for
//!   a key-less toleration), `labels`, `scrape: true`, `configmap_files`
//! - `notes`: substrings that must appear in the `note:` lines on stderr
//!
//! `not_understood`: the exact items the generator must report (default: none at all).

use serde_json::{Value, json};

use crate::support::env::{TestEnv, repo, stderr};

struct Case {
    text: String,
    expect: serde_json::Map<String, Value>,
    not_understood: Vec<String>,
}

fn corpus() -> Vec<Case> {
    let path = repo().join("tests/data/offline_phrasings.yaml");
    let raw = std::fs::read_to_string(&path).expect("corpus");
    let entries: Vec<Value> = serde_saphyr::from_str(&raw).expect("corpus is YAML");
    entries
        .into_iter()
        .map(|e| Case {
            text: e["text"].as_str().expect("text").to_string(),
            expect: e["expect"].as_object().cloned().unwrap_or_default(),
            not_understood: e["not_understood"]
                .as_array()
                .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
                .unwrap_or_default(),
        })
        .collect()
}

/// What one run produced.
struct Run {
    code: Option<i32>,
    objects: Vec<Value>,
    notes: Vec<String>,
    not_understood: Vec<String>,
    stderr: String,
}

fn run(t: &TestEnv, text: &str) -> Run {
    let o = t
        .cmd()
        .args([
            "generate",
            "--no-cache",
            "--provider",
            "offline",
            "-o",
            "json",
            "-f",
            "-",
        ])
        .write_stdin(text)
        .output()
        .unwrap();
    let err = stderr(&o);
    let objects = serde_json::from_slice::<Value>(&o.stdout)
        .ok()
        .and_then(|v| v["items"].as_array().cloned())
        .unwrap_or_default();
    let notes = err
        .lines()
        .filter_map(|l| l.strip_prefix("note: "))
        .map(str::to_string)
        .collect();
    // The list follows the "did not understand N requirement(s):" warning as "  - item" lines.
    let not_understood = err
        .lines()
        .skip_while(|l| !l.contains("did not understand"))
        .skip(1)
        .map_while(|l| l.strip_prefix("  - "))
        .map(str::to_string)
        .collect();
    Run {
        code: o.status.code(),
        objects,
        notes,
        not_understood,
        stderr: err,
    }
}

const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];

fn pod_spec(w: &Value) -> &Value {
    if w["kind"] == "CronJob" {
        &w["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    } else {
        &w["spec"]["template"]["spec"]
    }
}

fn probe_of(p: &Value) -> Value {
    if let Some(path) = p["httpGet"]["path"].as_str() {
        return path.into();
    }
    match &p["tcpSocket"]["port"] {
        Value::Null => Value::Null,
        Value::Number(n) => format!("tcp:{n}").into(),
        _ => "tcp".into(),
    }
}

fn quantities(r: &Value) -> String {
    let s = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    format!("{}/{}", s(&r["cpu"]), s(&r["memory"]))
}

fn matches_pair(want: &Value, got: &str) -> bool {
    let want = want.as_str().unwrap_or_default();
    let (wc, wm) = want.split_once('/').unwrap_or((want, "*"));
    let (gc, gm) = got.split_once('/').unwrap_or((got, ""));
    (wc == "*" || wc == gc) && (wm == "*" || wm == gm)
}

fn env_value(e: &Value) -> Value {
    if let Some(v) = e.get("value") {
        return v.clone();
    }
    let r = &e["valueFrom"]["secretKeyRef"];
    format!(
        "secret:{}/{}",
        r["name"].as_str().unwrap_or(""),
        r["key"].as_str().unwrap_or("")
    )
    .into()
}

/// Checks one case; returns the problems found (empty = pass).
fn check(case: &Case, r: &Run) -> Vec<String> {
    let mut bad = Vec::new();
    if r.code != Some(0) {
        bad.push(format!("exit {:?}: {}", r.code, r.stderr.trim()));
        return bad;
    }
    // The output must also be lint-clean: a lint warning is a requirement rendered badly.
    for w in r.stderr.lines().filter(|l| l.starts_with("warning:")) {
        if !w.contains("did not understand") {
            bad.push(w.to_string());
        }
    }
    if r.not_understood != case.not_understood {
        bad.push(format!(
            "not understood {:?}, expected {:?}",
            r.not_understood, case.not_understood
        ));
    }
    let by_kind = |k: &'static str| r.objects.iter().filter(move |o| o["kind"] == k);
    let Some(w) = r
        .objects
        .iter()
        .find(|o| WORKLOADS.contains(&o["kind"].as_str().unwrap_or("")))
    else {
        bad.push("no workload rendered".into());
        return bad;
    };
    let pod = pod_spec(w);
    let c = &pod["containers"][0];
    let service = by_kind("Service").find(|s| s["spec"]["clusterIP"] != "None");
    let headless = by_kind("Service").find(|s| s["spec"]["clusterIP"] == "None");
    let ingress = by_kind("Ingress").next();
    let route = by_kind("HTTPRoute").next();
    let pvc_size = by_kind("PersistentVolumeClaim")
        .next()
        .map(|p| p["spec"].clone())
        .or_else(|| {
            w["spec"]["volumeClaimTemplates"]
                .get(0)
                .map(|t| t["spec"].clone())
        });
    let hpa = by_kind("HorizontalPodAutoscaler").next();
    let pdb = by_kind("PodDisruptionBudget").next();
    let netpol = by_kind("NetworkPolicy").next();
    let env: serde_json::Map<String, Value> = c["env"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| (e["name"].as_str().unwrap_or("").to_string(), env_value(e)))
        .collect();
    let env_from: Vec<Value> = c["envFrom"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| match e["configMapRef"]["name"].as_str() {
            Some(n) => format!("configmap:{n}").into(),
            None => format!("secret:{}", e["secretRef"]["name"].as_str().unwrap_or("")).into(),
        })
        .collect();
    let data_mount = c["volumeMounts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["name"] == "data")
        .map(|m| m["mountPath"].clone());
    let rolling = &w["spec"]["strategy"]["rollingUpdate"];
    for (key, want) in &case.expect {
        let got: Value = match key.as_str() {
            "kind" => w["kind"].clone(),
            "name" => w["metadata"]["name"].clone(),
            "namespace" => w["metadata"]["namespace"].clone(),
            "image" => c["image"].clone(),
            "replicas" => w["spec"]["replicas"].clone(),
            "port" => c["ports"][0]["containerPort"].clone(),
            "command" => c["command"].clone(),
            "args" => c["args"].clone(),
            "service" => service.map_or(Value::Null, |s| s["spec"]["type"].clone()),
            "service_port" => {
                service.map_or(Value::Null, |s| s["spec"]["ports"][0]["port"].clone())
            }
            "node_port" => {
                service.map_or(Value::Null, |s| s["spec"]["ports"][0]["nodePort"].clone())
            }
            "headless" => headless.is_some().into(),
            "host" => ingress.map_or(Value::Null, |i| i["spec"]["rules"][0]["host"].clone()),
            "tls" => ingress.is_some_and(|i| i["spec"]["tls"].is_array()).into(),
            "tls_secret" => {
                ingress.map_or(Value::Null, |i| i["spec"]["tls"][0]["secretName"].clone())
            }
            "ingress_class" => {
                ingress.map_or(Value::Null, |i| i["spec"]["ingressClassName"].clone())
            }
            "ingress_path" => ingress.map_or(Value::Null, |i| {
                i["spec"]["rules"][0]["http"]["paths"][0]["path"].clone()
            }),
            "route_host" => route.map_or(Value::Null, |r| r["spec"]["hostnames"][0].clone()),
            "gateway" => route.map_or(Value::Null, |r| r["spec"]["parentRefs"][0]["name"].clone()),
            "liveness" => probe_of(&c["livenessProbe"]),
            "readiness" => probe_of(&c["readinessProbe"]),
            "startup" => probe_of(&c["startupProbe"]),
            "liveness_period" => c["livenessProbe"]["periodSeconds"].clone(),
            "readiness_period" => c["readinessProbe"]["periodSeconds"].clone(),
            "readiness_delay" => c["readinessProbe"]["initialDelaySeconds"].clone(),
            "liveness_delay" => c["livenessProbe"]["initialDelaySeconds"].clone(),
            "requests" | "limits" => {
                let got = quantities(&c["resources"][key.as_str()]);
                if !matches_pair(want, &got) {
                    bad.push(format!("{key}: got {got}, expected {want}"));
                }
                continue;
            }
            "env" => {
                for (k, v) in want.as_object().expect("env is a map") {
                    let g = env.get(k).cloned().unwrap_or(Value::Null);
                    if g != *v && g.as_str() != v.as_str().or(Some(&v.to_string())) {
                        bad.push(format!("env {k}: got {g}, expected {v}"));
                    }
                }
                continue;
            }
            "env_from" => Value::Array(env_from.clone()),
            "storage" => pvc_size.as_ref().map_or(Value::Null, |s| {
                s["resources"]["requests"]["storage"].clone()
            }),
            "storage_class" => pvc_size
                .as_ref()
                .map_or(Value::Null, |s| s["storageClassName"].clone()),
            "access_mode" => pvc_size
                .as_ref()
                .map_or(Value::Null, |s| s["accessModes"][0].clone()),
            "no_storage" => pvc_size.is_none().into(),
            "mount" => data_mount.clone().unwrap_or(Value::Null),
            "schedule" => w["spec"]["schedule"].clone(),
            "hpa" => hpa.map_or(Value::Null, |h| {
                let s = &h["spec"];
                format!(
                    "{}-{}@{}",
                    s["minReplicas"],
                    s["maxReplicas"],
                    s["metrics"][0]["resource"]["target"]["averageUtilization"]
                )
                .into()
            }),
            "pdb" if want.is_boolean() => pdb.is_some().into(),
            "pdb" => pdb.map_or(Value::Null, |p| p["spec"]["minAvailable"].clone()),
            "pdb_max_unavailable" => {
                pdb.map_or(Value::Null, |p| p["spec"]["maxUnavailable"].clone())
            }
            "netpol" => netpol.is_some().into(),
            "netpol_from_ns" => netpol.map_or(Value::Null, |n| {
                n["spec"]["ingress"][0]["from"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| {
                        p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                            .as_str()
                            .map(Value::from)
                    })
                    .collect()
            }),
            "netpol_deny_egress" => netpol
                .is_some_and(|n| {
                    n["spec"]["policyTypes"]
                        .as_array()
                        .is_some_and(|t| t.contains(&json!("Egress")))
                        && n["spec"]["egress"] == json!([])
                })
                .into(),
            "strategy" => {
                let s = &w["spec"]["strategy"]["type"];
                if s.is_null() {
                    w["spec"]["updateStrategy"]["type"].clone()
                } else {
                    s.clone()
                }
            }
            "max_surge" => rolling["maxSurge"].clone(),
            "max_unavailable" => rolling["maxUnavailable"].clone(),
            "node_selector" => pod["nodeSelector"].clone(),
            "tolerations" => pod["tolerations"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| Value::from(t["key"].as_str().unwrap_or("*")))
                .collect(),
            "labels" => {
                for (k, v) in want.as_object().expect("labels is a map") {
                    let g = &w["metadata"]["labels"][k];
                    if g != v {
                        bad.push(format!("label {k}: got {g}, expected {v}"));
                    }
                }
                continue;
            }
            "scrape" => {
                let a = if w["kind"] == "CronJob" {
                    &w["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"]
                } else {
                    &w["spec"]["template"]["metadata"]["annotations"]
                };
                (a["prometheus.io/scrape"] == "true").into()
            }
            "configmap_files" => by_kind("ConfigMap").next().map_or(Value::Null, |m| {
                m["data"]
                    .as_object()
                    .map(|d| d.keys().map(|k| Value::from(k.as_str())).collect())
                    .unwrap_or_default()
            }),
            "notes" => {
                for n in want.as_array().expect("notes is a list") {
                    let n = n.as_str().unwrap();
                    if !r.notes.iter().any(|l| l.contains(n)) {
                        bad.push(format!("no note mentions {n:?}: {:?}", r.notes));
                    }
                }
                continue;
            }
            other => panic!("corpus: unknown expect key {other:?}"),
        };
        if got != *want {
            bad.push(format!("{key}: got {got}, expected {want}"));
        }
    }
    bad
}

#[test]
fn offline_phrasing_corpus_is_understood() {
    let t = TestEnv::new();
    let cases = corpus();
    assert!(
        cases.len() >= 100,
        "the corpus holds {} entries",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let r = run(&t, &case.text);
        let bad = check(case, &r);
        if !bad.is_empty() {
            failures.push(format!("{:?}\n    {}", case.text, bad.join("\n    ")));
        }
    }
    let passed = cases.len() - failures.len();
    assert!(
        failures.is_empty(),
        "{passed}/{} corpus entries pass; failures:\n{}",
        cases.len(),
        failures.join("\n")
    );
}
