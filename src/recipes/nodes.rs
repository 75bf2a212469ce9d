//! Nodes recipe: the bottom of every root-cause chain.
//!
//! Covers k8s.node-notready (Ready False/Unknown), k8s.node-pressure (Memory/Disk/PID) and
//! k8s.metrics-api-unavailable (APIService `v1beta1.metrics.k8s.io`; HPAs that lost their
//! metrics are its symptoms). Node mutations are proposed as a human would do them — the
//! autonomy gate refuses them and explains why.

use super::Recipe;
use super::common::{Propose, cond_line, describe, oref};
use crate::action::Action;
use crate::cluster::Inventory;
use crate::finding::{Finding, Severity};

pub struct Nodes;

const ID: &str = "nodes";

impl Recipe for Nodes {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Nodes NotReady/Unknown, memory/disk/PID pressure, and the metrics API (APIService) that kubectl top and HPAs need"
    }
    fn reads(&self) -> &'static [&'static str] {
        &["Node", "Event", "APIService", "HorizontalPodAutoscaler"]
    }
    fn relevant(&self, _inv: &Inventory) -> bool {
        true
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for n in inv.of_kind("Node") {
            let r = n.obj_ref();
            let taints: Vec<String> = n
                .array_at("/spec/taints")
                .iter()
                .filter_map(|t| {
                    Some(format!(
                        "{}:{}",
                        t.get("key")?.as_str()?,
                        t.get("effect").and_then(|e| e.as_str()).unwrap_or("")
                    ))
                })
                .collect();
            let taint_line = (!taints.is_empty()).then(|| format!("taints: {}", taints.join(", ")));
            // k8s.node-notready
            if let Some(c) = n.condition("Ready").filter(|c| !c.is_true()) {
                let title = if c.status == "Unknown" {
                    "node is unreachable: the kubelet stopped posting status (powered off, partitioned or crashed)"
                } else {
                    "node NotReady: the kubelet is up but the runtime or CNI is broken"
                };
                let mut f = Finding::new(
                    ID,
                    "k8s.node-notready",
                    Severity::Critical,
                    r.clone(),
                    title,
                )
                .evidence(cond_line("Ready", &c.reason, &c.message));
                if let Some(t) = &taint_line {
                    f = f.evidence(t.clone());
                }
                out.push(
                    f.fix(
                        describe(r.clone()),
                        "read the node conditions and recent events",
                        None,
                    )
                    .fix(
                        Action::List {
                            kind: "Pod".into(),
                            namespace: Some("kube-system".into()),
                        },
                        "check the CNI and kube-proxy DaemonSet pods on this node",
                        None,
                    )
                    .fix(
                        Action::Cordon { target: r.clone() },
                        "keep new pods off the node until it is repaired (a human decision)",
                        None,
                    )
                    .fix(
                        Action::Drain { target: r.clone() },
                        "move workloads away if the node will be down for long (a human decision)",
                        None,
                    ),
                );
                continue;
            }
            // k8s.node-pressure
            for (ty, what) in [
                ("MemoryPressure", "memory"),
                ("DiskPressure", "disk"),
                ("PIDPressure", "PIDs"),
            ] {
                if let Some(c) = n.condition(ty).filter(|c| c.is_true()) {
                    let mut f = Finding::new(
                        ID,
                        "k8s.node-pressure",
                        Severity::Error,
                        r.clone(),
                        format!("node under {what} pressure: the kubelet evicts pods and refuses new ones"),
                    )
                    .evidence(cond_line(ty, &c.reason, &c.message));
                    for (reason, msg) in super::common::warning_events(inv, &n).iter().rev().take(2)
                    {
                        f = f.evidence(format!("{reason}: {}", super::common::trunc(msg, 200)));
                    }
                    out.push(
                        f.fix(
                            describe(r.clone()),
                            "see which pods use the resource (and their requests)",
                            None,
                        )
                        .fix(
                            Action::Cordon { target: r.clone() },
                            "stop scheduling here while the node recovers (a human decision)",
                            None,
                        ),
                    );
                }
            }
        }
        // k8s.metrics-api-unavailable: degrade gracefully, never an error on its own.
        for a in inv.of_kind("APIService") {
            if !a.name().starts_with("v1beta1.metrics.k8s.io") {
                continue;
            }
            if let Some(c) = a.condition("Available").filter(|c| c.is_false()) {
                out.push(
                    Finding::new(
                        ID,
                        "k8s.metrics-api-unavailable",
                        Severity::Warning,
                        a.obj_ref(),
                        "metrics API unavailable: kubectl top and HPAs have no metrics; usage-based checks were skipped",
                    )
                    .evidence(cond_line("Available", &c.reason, &c.message))
                    .fix(
                        describe(oref("Deployment", Some("kube-system"), "metrics-server")),
                        "metrics-server is missing, not Ready (kubelet TLS flags) or unreachable from the API server",
                        None,
                    ),
                );
            }
        }
        let metrics_down = out
            .iter()
            .find(|f| f.id == "k8s.metrics-api-unavailable")
            .map(|f| f.object.clone());
        for h in inv.of_kind("HorizontalPodAutoscaler") {
            if let Some(c) = h.condition("ScalingActive").filter(|c| c.is_false()) {
                let missing_request = c.message.contains("missing request");
                let mut f = Finding::new(
                    ID,
                    "k8s.hpa-no-metrics",
                    Severity::Warning,
                    h.obj_ref(),
                    if missing_request {
                        "HPA cannot compute utilization: the target has no CPU request"
                    } else {
                        "HPA has no metrics"
                    },
                )
                .evidence(cond_line("ScalingActive", &c.reason, &c.message));
                if let (false, Some(m)) = (missing_request, &metrics_down) {
                    f = f.caused_by(m.clone());
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
    use crate::autonomy::{Policy, Tier};
    use crate::recipes::testing::{by_id, load};

    #[test]
    fn homelab_node_notready_proposes_forbidden_cordon() {
        let inv = load("homelab-mixed");
        let fs = Nodes.diagnose(&inv);
        let f = by_id(&fs, "k8s.node-notready");
        assert_eq!(f.object.display(), "Node/k8s-3");
        let p = Policy::default();
        let tiers: Vec<(&str, Tier)> = f
            .proposals
            .iter()
            .map(|x| (x.action.verb(), p.tier(&x.action)))
            .collect();
        assert!(tiers.contains(&("describe", Tier::Safe)));
        assert!(tiers.contains(&("cordon", Tier::Forbidden)));
        let m = by_id(&fs, "k8s.metrics-api-unavailable");
        assert_eq!(m.severity, Severity::Warning);
    }
}
