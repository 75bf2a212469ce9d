//! Nodes recipe: the bottom of every root-cause chain.
//!
//! Covers k8s.node-notready (Ready False/Unknown), k8s.node-pressure (Memory/Disk/PID) and
//! k8s.metrics-api-unavailable (APIService `v1beta1.metrics.k8s.io`; the hpa recipe folds HPAs
//! that lost their metrics under it). Node mutations are never proposed as actions: the
//! evidence says what a human may run.

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
        &["Node", "Event", "APIService"]
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
                    // Node changes are a human's call: said in words, never proposed as actions.
                    .evidence(format!(
                        "a human may keep new pods off it (kubectl cordon {0}) or move workloads away if it stays down (kubectl drain {0} --ignore-daemonsets)",
                        n.name()
                    )),
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
                        .evidence(format!(
                            "a human may stop scheduling here while it recovers: kubectl cordon {}",
                            n.name()
                        )),
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
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autonomy::{Policy, Tier};
    use crate::recipes::testing::{by_id, load};

    #[test]
    fn homelab_node_notready_proposes_no_node_write() {
        let inv = load("homelab-mixed");
        let fs = Nodes.diagnose(&inv);
        let f = by_id(&fs, "k8s.node-notready");
        assert_eq!(f.object.display(), "Node/k8s-3");
        let p = Policy::default();
        assert!(f.proposals.iter().all(|x| x.action.is_read()));
        assert!(
            f.proposals
                .iter()
                .any(|x| x.action.verb() == "describe" && p.tier(&x.action) == Tier::Safe)
        );
        assert!(
            f.evidence
                .iter()
                .any(|e| e.contains("kubectl cordon k8s-3"))
        );
        let m = by_id(&fs, "k8s.metrics-api-unavailable");
        assert_eq!(m.severity, Severity::Warning);
    }
}
