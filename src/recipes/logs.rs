//! Which container logs a diagnosis reads: the heuristics gathering follows (the cluster
//! client reads what these say; the recipes that need logs as evidence — ARC, workloads,
//! RBAC and NetworkPolicy explanations — rely on them). Pure functions over pod objects.

use serde_json::Value;

use crate::object::Obj;

/// Pods whose logs are read even when healthy: ARC's controller and listeners keep their
/// state in logs, not in status, so the ARC recipe needs them as evidence.
pub fn logs_are_evidence(pod: &Obj) -> bool {
    pod.label("app.kubernetes.io/name") == Some("gha-rs-controller")
        || pod.label("app.kubernetes.io/component") == Some("runner-scale-set-listener")
}

/// True for a healthy-looking pod whose log may hold the cause of another object's failure:
/// it runs under its own ServiceAccount (RBAC Forbidden answers), or NetworkPolicies exist
/// (timeouts to a Service they isolate).
pub fn logs_may_explain(pod: &Obj, netpols: bool) -> bool {
    let sa = pod.str_at("/spec/serviceAccountName").unwrap_or("default");
    pod.str_at("/status/phase") == Some("Running") && (netpols || sa != "default")
}

/// Names of the running containers of a pod, with `previous = false`.
pub fn running_containers(pod: &Value) -> Vec<(String, bool)> {
    Obj(pod)
        .array_at("/status/containerStatuses")
        .iter()
        .filter(|cs| cs.pointer("/state/running").is_some())
        .filter_map(|cs| cs.get("name").and_then(Value::as_str))
        .map(|n| (n.to_string(), false))
        .collect()
}

/// Containers worth reading logs from: not ready, restarted, or in a failed pod, with
/// whether to read the previous instance.
pub fn failing_containers(pod: &Value) -> Vec<(String, bool)> {
    let o = Obj(pod);
    let phase = o.str_at("/status/phase").unwrap_or("");
    if phase == "Succeeded" {
        return vec![];
    }
    let pod_failed = phase == "Failed";
    let mut out = Vec::new();
    for list in ["/status/initContainerStatuses", "/status/containerStatuses"] {
        for cs in o.array_at(list) {
            let c = Obj(cs);
            let Some(name) = c.str_at("/name") else {
                continue;
            };
            let restarts = c.i64_at("/restartCount").unwrap_or(0);
            let ready = c.bool_at("/ready").unwrap_or(false);
            let completed = c.i64_at("/state/terminated/exitCode") == Some(0);
            let started = c.at("/state/running").is_some()
                || c.at("/state/terminated").is_some()
                || restarts > 0;
            if !started {
                continue; // never ran: nothing to read
            }
            if pod_failed || restarts > 0 || (!ready && !completed) {
                out.push((name.to_string(), restarts > 0));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn failing_containers_picks_restarted_and_unready() {
        let pod = json!({"status": {"phase": "Running", "containerStatuses": [
            {"name": "ok", "ready": true, "restartCount": 0, "state": {"running": {}}},
            {"name": "crash", "ready": false, "restartCount": 5, "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
            {"name": "slow", "ready": false, "restartCount": 0, "state": {"running": {}}},
            {"name": "pending", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ContainerCreating"}}}
        ]}});
        assert_eq!(
            failing_containers(&pod),
            vec![("crash".to_string(), true), ("slow".to_string(), false)]
        );
        assert!(failing_containers(&json!({"status": {"phase": "Succeeded"}})).is_empty());
        assert!(failing_containers(&json!("garbage")).is_empty());
    }
}
