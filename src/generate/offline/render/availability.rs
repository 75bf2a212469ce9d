//! Staying up: the PodDisruptionBudget and the HorizontalPodAutoscaler.

use super::{App, int_or_string};
use crate::generate::offline::conventions::selector_labels;
use crate::generate::offline::parse::Kind;
use serde_json::{Value, json};

pub(super) fn pod_disruption_budget(app: &App, d: &mut Vec<String>) -> Option<Value> {
    let pdb = app.spec.pdb.as_ref()?;
    if !app.long_running() || app.kind == Kind::DaemonSet {
        d.push(
            "podDisruptionBudget: only rendered for Deployments and StatefulSets; skipped".into(),
        );
        return None;
    }
    let mut s = json!({ "selector": { "matchLabels": selector_labels(&app.name) } });
    match (&pdb.min_available, &pdb.max_unavailable) {
        (Some(m), _) => s["minAvailable"] = int_or_string(m),
        (None, Some(m)) => s["maxUnavailable"] = int_or_string(m),
        (None, None) if app.spec.replicas.unwrap_or(1) > 1 => {
            d.push("podDisruptionBudget: minAvailable 1".into());
            s["minAvailable"] = 1.into();
        }
        (None, None) => {
            d.push("podDisruptionBudget: maxUnavailable 1 (a single replica cannot keep one available during drains)".into());
            s["maxUnavailable"] = 1.into();
        }
    }
    Some(
        json!({ "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": app.meta(&app.name), "spec": s }),
    )
}

pub(super) fn autoscaler(app: &App, d: &mut Vec<String>) -> Option<Value> {
    let hpa = app.spec.hpa.as_ref()?;
    let kind = match app.kind {
        Kind::Deployment => "Deployment",
        Kind::StatefulSet => "StatefulSet",
        _ => {
            d.push(
                "horizontalPodAutoscaler: only Deployments and StatefulSets scale; skipped".into(),
            );
            return None;
        }
    };
    let min = hpa
        .min
        .filter(|&n| (1..=i32::MAX as u64).contains(&n))
        .unwrap_or_else(|| {
            let m = app.spec.replicas.unwrap_or(1).clamp(1, i32::MAX as u64);
            d.push(format!("horizontalPodAutoscaler: minReplicas {m}"));
            m
        });
    let max = hpa
        .max
        .filter(|&n| n >= min && n <= i32::MAX as u64)
        .unwrap_or_else(|| {
            let m = min.saturating_mul(3).clamp(3, i32::MAX as u64);
            d.push(format!("horizontalPodAutoscaler: maxReplicas {m}"));
            m
        });
    let cpu = hpa.cpu.unwrap_or_else(|| {
        d.push("horizontalPodAutoscaler: target 80% average CPU utilization".into());
        80
    });
    Some(json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": app.meta(&app.name),
        "spec": {
            "scaleTargetRef": { "apiVersion": "apps/v1", "kind": kind, "name": app.name },
            "minReplicas": min,
            "maxReplicas": max,
            "metrics": [{ "type": "Resource", "resource": { "name": "cpu", "target": { "type": "Utilization", "averageUtilization": cpu } } }],
        },
    }))
}
