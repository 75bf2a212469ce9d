//! HPA recipe: autoscalers that do nothing.
//!
//! k8s.hpa-target-missing — the scale target does not exist (AbleToScale=False,
//! FailedGetScale). k8s.hpa-missing-request — utilisation cannot be computed because the
//! target's containers have no request for the metric's resource (ScalingActive=False); the
//! patch adds the request. k8s.hpa-no-metrics — no metrics at all, folded under the metrics
//! APIService when that is down.

use serde_json::{Value, json};

use super::Recipe;
use super::common::{Propose, cond_line, describe, gitops_of_ref, oref, strategic_patch};
use crate::cluster::{Inventory, Obj};
use crate::finding::{Finding, Severity};

pub struct Hpa;

const ID: &str = "hpa";

/// The CPU request proposed when a container has none: a starting point the rationale tells
/// the user to size from `kubectl top`, not a measured value.
const START_CPU_REQUEST: &str = "100m";

impl Recipe for Hpa {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "HorizontalPodAutoscalers whose target does not exist, whose target has no resource request, or that have no metrics"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "HorizontalPodAutoscaler",
            "Deployment",
            "StatefulSet",
            "ReplicaSet",
            "APIService",
            "Event",
        ]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        super::common::served(inv, "HorizontalPodAutoscaler")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let metrics_down = inv
            .of_kind("APIService")
            .find(|a| {
                a.name().starts_with("v1beta1.metrics.k8s.io")
                    && a.condition("Available").is_some_and(|c| c.is_false())
            })
            .map(|a| a.obj_ref());
        let mut out = Vec::new();
        for h in inv.of_kind("HorizontalPodAutoscaler") {
            let r = h.obj_ref();
            let kind = h
                .str_at("/spec/scaleTargetRef/kind")
                .unwrap_or("Deployment");
            let name = h.str_at("/spec/scaleTargetRef/name").unwrap_or("");
            let target = inv.get(kind, h.namespace(), name);
            let able = h.condition("AbleToScale").filter(|c| c.is_false());
            let gathered = inv.is_served(kind) && !inv.skipped.iter().any(|s| s.kind == kind);
            if target.is_none()
                && (able.as_ref().is_some_and(|c| c.reason == "FailedGetScale") || gathered)
            {
                let others: Vec<&str> = inv
                    .of_kind(kind)
                    .filter(|o| o.namespace() == h.namespace())
                    .map(|o| o.name())
                    .collect();
                let mut f = Finding::new(
                    ID,
                    "k8s.hpa-target-missing",
                    Severity::Error,
                    r.clone(),
                    format!("HPA scales {kind} {name}, which does not exist: it does nothing"),
                )
                .evidence(format!(
                    "{kind}s in {}: {}",
                    h.namespace().unwrap_or(""),
                    if others.is_empty() {
                        "none".to_string()
                    } else {
                        others.join(", ")
                    }
                ))
                .evidence("spec.scaleTargetRef.name is the field to correct");
                if let Some(c) = able {
                    f = f.evidence(cond_line("AbleToScale", &c.reason, &c.message));
                }
                out.push(f.fix(
                    describe(r.clone()),
                    "compare scaleTargetRef with the workloads that exist",
                    None,
                ));
                continue;
            }
            let Some(c) = h.condition("ScalingActive").filter(|c| c.is_false()) else {
                continue;
            };
            let missing = ["cpu", "memory"]
                .into_iter()
                .find(|res| c.message.contains(&format!("missing request for {res}")));
            if let (Some(res), Some(t)) = (missing, target) {
                out.push(missing_request(inv, &h, &t, res, &c.reason, &c.message));
                continue;
            }
            let mut f = Finding::new(
                ID,
                "k8s.hpa-no-metrics",
                Severity::Warning,
                r.clone(),
                "HPA has no metrics: it cannot scale",
            )
            .evidence(cond_line("ScalingActive", &c.reason, &c.message));
            if let Some(m) = &metrics_down {
                f = f.caused_by(m.clone());
            }
            out.push(f);
        }
        out
    }
}

/// k8s.hpa-missing-request, with the strategic patch adding the request to each container of
/// the target that lacks it (the limit's value when there is one).
fn missing_request(
    inv: &Inventory,
    h: &Obj,
    target: &Obj,
    res: &str,
    reason: &str,
    message: &str,
) -> Finding {
    let tr = target.obj_ref();
    let lacking: Vec<(String, String)> = target
        .array_at("/spec/template/spec/containers")
        .iter()
        .filter(|c| c.pointer(&format!("/resources/requests/{res}")).is_none())
        .filter_map(|c| {
            let name = c.get("name")?.as_str()?.to_string();
            let value = c
                .pointer(&format!("/resources/limits/{res}"))
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| {
                    if res == "cpu" {
                        START_CPU_REQUEST.into()
                    } else {
                        "128Mi".into()
                    }
                });
            Some((name, value))
        })
        .collect();
    let mut f = Finding::new(
        ID,
        "k8s.hpa-missing-request",
        Severity::Error,
        h.obj_ref(),
        format!(
            "HPA cannot compute {res} utilisation: {} has no {res} request, so it never scales",
            tr.display()
        ),
    )
    .evidence(cond_line("ScalingActive", reason, message));
    if !lacking.is_empty() {
        let containers: Vec<Value> = lacking
            .iter()
            .map(|(n, v)| json!({"name": n, "resources": {"requests": {res: v}}}))
            .collect();
        let names: Vec<&str> = lacking.iter().map(|(n, _)| n.as_str()).collect();
        f = f.fix(
            strategic_patch(
                tr.clone(),
                json!({"spec": {"template": {"spec": {"containers": containers}}}}),
            ),
            format!(
                "utilisation is measured against the request: give {} a {res} request (a starting value — size it from `kubectl top pod`)",
                names.join(", ")
            ),
            gitops_of_ref(inv, &tr).as_ref(),
        );
    }
    f.fix(
        describe(oref(target.kind(), target.namespace(), target.name())),
        "see the containers' resources",
        None,
    )
}
