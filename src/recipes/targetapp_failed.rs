//! TargetApp recipe (the operator of seed 004 inside `serve`): TargetApps whose status is
//! `Failed` (targetapp.failed: a refused spec, or no pod answered its GraphQL query), and
//! pods the operator could not poll (targetapp.pod-unpollable: the endpoint refused, timed
//! out, answered 5xx, GraphQL errors or malformed JSON). Unpolled pods fold under a Failed
//! TargetApp.

use serde_json::Value;

use super::Recipe;
use super::common::{Propose, describe, trunc};
use crate::cluster::{Inventory, ObjRef};
use crate::finding::{Finding, Severity};

pub struct TargetApps;

const ID: &str = "targetapp";

impl Recipe for TargetApps {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "TargetApps (operator.kco.local) that are Failed, or whose pods cannot be polled over GraphQL"
    }
    fn reads(&self) -> &'static [&'static str] {
        &["TargetApp"]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        inv.is_served("TargetApp")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for t in inv.of_kind("TargetApp") {
            let r = t.obj_ref();
            let failed = t.str_at("/status/phase") == Some("Failed");
            if failed {
                let c = t.condition("Ready");
                let reason = c.as_ref().map(|c| c.reason.clone()).unwrap_or_default();
                let message = c
                    .as_ref()
                    .map(|c| c.message.clone())
                    .or_else(|| t.str_at("/status/message").map(str::to_string))
                    .unwrap_or_default();
                out.push(
                    Finding::new(
                        ID,
                        "targetapp.failed",
                        Severity::Error,
                        r.clone(),
                        format!("TargetApp {} is Failed: it is not monitoring its pods", t.name()),
                    )
                    .evidence(format!("Ready=False {reason}: {}", trunc(&message, 300)))
                    .evidence(format!(
                        "spec.graphqlEndpoint: {}",
                        t.str_at("/spec/graphqlEndpoint").unwrap_or("/graphql (default)")
                    ))
                    .fix(
                        describe(r.clone()),
                        "read the TargetApp's conditions and Events (`kubectl claude targetapp status NAME`)",
                        None,
                    ),
                );
            }
            let pods = t
                .at("/status/pods")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for p in pods.iter().filter(|p| p["lastOutcome"] == "error") {
                let name = p["name"].as_str().unwrap_or("?");
                let pod = ObjRef::new("v1", "Pod", r.namespace.as_deref(), name);
                let mut f = Finding::new(
                    ID,
                    "targetapp.pod-unpollable",
                    Severity::Warning,
                    pod.clone(),
                    format!("TargetApp {} cannot poll pod {name}", t.name()),
                )
                .evidence(format!(
                    "{}: {}",
                    p["endpoint"].as_str().unwrap_or("?"),
                    trunc(p["message"].as_str().unwrap_or(""), 300)
                ))
                .evidence(format!(
                    "last poll: {}",
                    p["lastPollTime"].as_str().unwrap_or("never")
                ))
                .fix(
                    describe(pod),
                    "check the pod's GraphQL port and readiness",
                    None,
                );
                if failed {
                    f = f.caused_by(r.clone());
                }
                out.push(f);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn failed_targetapps_and_unpollable_pods_are_findings() {
        let mut inv = Inventory::new();
        inv.mark_served("TargetApp");
        inv.insert(
            json!({"apiVersion": "operator.kco.local/v1alpha1", "kind": "TargetApp",
            "metadata": {"name": "mina", "namespace": "chain"},
            "spec": {"graphqlEndpoint": "/graphql"},
            "status": {"phase": "Failed", "conditions": [{"type": "Ready", "status": "False",
                "reason": "PollFailed", "message": "every pod failed: connection refused"}],
                "pods": [{"name": "mina-0", "endpoint": "http://10.0.0.5:3085/graphql",
                    "lastOutcome": "error", "message": "connection refused"},
                    {"name": "mina-1", "lastOutcome": "ok"}]}}),
        );
        inv.insert(
            json!({"apiVersion": "operator.kco.local/v1alpha1", "kind": "TargetApp",
            "metadata": {"name": "fine", "namespace": "chain"},
            "status": {"phase": "Monitoring", "pods": [{"name": "a", "lastOutcome": "ok"}]}}),
        );
        let f = TargetApps.diagnose(&inv);
        let ids: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.id.as_str(), f.object.name.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("targetapp.failed", "mina"),
                ("targetapp.pod-unpollable", "mina-0")
            ]
        );
        assert!(
            f[0].evidence[0].contains("PollFailed"),
            "{:?}",
            f[0].evidence
        );
        assert_eq!(f[1].cause.as_ref().map(|c| c.name.as_str()), Some("mina"));
    }
}
