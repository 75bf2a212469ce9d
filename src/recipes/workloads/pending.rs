//! k8s.pending-*: the FailedScheduling predicate that keeps a pod off the nodes it could use.

use super::finding;
use crate::action::Action;
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::{Finding, Severity};
use crate::recipes::common::{
    Propose, describe, gitops_of_ref, is_workload, oref, strategic_patch, trunc, warning_events,
};
use serde_json::{Value, json};

/// One predicate of a FailedScheduling message: `2 node(s) had untolerated taint {k: v}`.
struct Predicate {
    nodes: u32,
    text: String,
}

/// The predicates of `0/3 nodes are available: A, B. preemption: …`, without the preemption
/// part (it repeats the counts and says nothing about the cause).
fn predicates(message: &str) -> Vec<Predicate> {
    let body = message.split(". preemption:").next().unwrap_or(message);
    let body = body.split_once("are available: ").map_or(body, |(_, b)| b);
    body.trim_end_matches('.')
        .split(", ")
        .filter_map(|p| {
            let (n, text) = p.trim().split_once(' ')?;
            Some(Predicate {
                nodes: n.parse().ok()?,
                text: text.to_string(),
            })
        })
        .collect()
}

/// `{key: value}` of a taint predicate.
fn taint_of(text: &str) -> Option<(String, String)> {
    let inner = text.split('{').nth(1)?.split('}').next()?;
    let (k, v) = inner.split_once(':').unwrap_or((inner, ""));
    Some((k.trim().to_string(), v.trim().to_string()))
}

/// Control-plane taints keep workloads off kubeadm/kind/k0s control-plane nodes on purpose.
/// Tolerating them is never the fix for an application pod, so they never explain a Pending pod.
fn is_control_plane_taint(key: &str) -> bool {
    key == "node-role.kubernetes.io/control-plane" || key == "node-role.kubernetes.io/master"
}

/// k8s.pending-*: why the scheduler cannot place the pod. The cause is the predicate that
/// excludes the nodes the pod could use; control-plane taints are incidental.
pub(super) fn pending_finding(inv: &Inventory, pod: &Obj, owner: &ObjRef) -> Option<Finding> {
    let cond = pod.condition("PodScheduled").filter(|c| c.is_false())?;
    let events = warning_events(inv, pod);
    let message = events
        .iter()
        .rev()
        .find(|(r, _)| r == "FailedScheduling")
        .map(|(_, m)| m.clone())
        .unwrap_or(cond.message.clone());
    let ev = format!("pod {}: {}", pod.name(), trunc(&message, 300));
    let ns = pod.namespace();

    // A claim that does not exist at all is the volumes recipe's k8s.volume-source-missing.
    let claims: Vec<&str> = pod
        .array_at("/spec/volumes")
        .iter()
        .filter_map(|v| v.pointer("/persistentVolumeClaim/claimName")?.as_str())
        .collect();
    if inv.is_served("PersistentVolumeClaim")
        && claims
            .iter()
            .any(|c| inv.get("PersistentVolumeClaim", ns, c).is_none())
    {
        return None;
    }
    // k8s.pvc-pending: an unbound claim is the cause; the PVC gets its own finding.
    let pending_claim = claims.iter().copied().find(|c| {
        inv.get("PersistentVolumeClaim", ns, c)
            .is_none_or(|pvc| pvc.str_at("/status/phase") != Some("Bound"))
    });
    // A claim waiting for its first consumer binds once the pod is scheduled: then the
    // scheduler's predicates, not the claim, say why the pod is not.
    let claim_named = message.contains("unbound")
        || message.contains("PersistentVolumeClaim")
        || message.contains("persistentvolumeclaim");
    if claim_named || (pending_claim.is_some() && predicates(&message).is_empty()) {
        let mut f = finding(
            "k8s.pvc-pending",
            Severity::Error,
            owner,
            format!(
                "pod Pending: PersistentVolumeClaim {} is not bound",
                pending_claim.unwrap_or("?")
            ),
        )
        .evidence(ev);
        if let Some(c) = pending_claim {
            f = f.caused_by(oref("PersistentVolumeClaim", ns, c));
        }
        return Some(f);
    }

    let preds = predicates(&message);
    let taints: Vec<(&Predicate, String, String)> = preds
        .iter()
        .filter(|p| p.text.contains("untolerated taint") || p.text.contains("didn't tolerate"))
        .filter_map(|p| taint_of(&p.text).map(|(k, v)| (p, k, v)))
        .collect();
    let incidental: u32 = taints
        .iter()
        .filter(|(_, k, _)| is_control_plane_taint(k))
        .map(|(p, _, _)| p.nodes)
        .sum();
    let incidental_note = (incidental > 0).then(|| {
        format!(
            "{incidental} control-plane node(s) are excluded by their control-plane taint — by design: application pods never tolerate it"
        )
    });

    // k8s.pending-taint: a node-condition taint means the node is the root cause.
    if let Some((_, key, _)) = taints
        .iter()
        .find(|(_, k, _)| k.starts_with("node.kubernetes.io/"))
    {
        let condition_node = inv.of_kind("Node").find(|n| {
            n.array_at("/spec/taints")
                .iter()
                .any(|t| t.get("key").and_then(Value::as_str) == Some(key.as_str()))
        });
        let mut f = finding(
            "k8s.pending-taint",
            Severity::Error,
            owner,
            format!(
                "pod Pending: node condition taint {key} — the node is the problem, not the pod"
            ),
        )
        .evidence(ev)
        .evidence("do not add tolerations for node-condition taints; fix the node");
        if let Some(n) = condition_node {
            f = f.caused_by(n.obj_ref());
        }
        return Some(f);
    }
    let has = |words: &[&str]| {
        preds
            .iter()
            .any(|p| words.iter().any(|w| p.text.contains(w)))
            || (preds.is_empty() && words.iter().any(|w| message.contains(w)))
    };
    // The deciding predicate, quoted in the title: "2 node(s) didn't match pod anti-affinity rules".
    let quote = |words: &[&str]| {
        preds
            .iter()
            .filter(|p| words.iter().any(|w| p.text.contains(w)))
            .map(|p| format!("{} node(s) {}", p.nodes, p.text))
            .collect::<Vec<_>>()
            .join(", ")
    };
    const CAPACITY: &[&str] = &["Insufficient", "Too many pods"];
    const PLACEMENT: &[&str] = &[
        "node affinity",
        "selector",
        "affinity rules",
        "topology spread",
        "were unschedulable",
        "free ports",
    ];
    let (id, title) = if has(CAPACITY) {
        (
            "k8s.pending-insufficient-resources",
            format!(
                "pod Pending: no node has enough allocatable capacity for its requests ({})",
                quote(CAPACITY)
            ),
        )
    } else if has(PLACEMENT) {
        (
            "k8s.pending-affinity",
            format!(
                "pod Pending: nodeSelector/affinity/topology matches no schedulable node ({})",
                quote(PLACEMENT)
            ),
        )
    } else if let Some((_, key, value)) = taints.iter().find(|(_, k, _)| !is_control_plane_taint(k))
    {
        // A dedicated pool's taint: tolerating exactly that taint is the determinable fix.
        let mut f = finding(
            "k8s.pending-taint",
            Severity::Error,
            owner,
            format!(
                "pod Pending: untolerated taint {key}{}",
                if value.is_empty() {
                    String::new()
                } else {
                    format!("={value}")
                }
            ),
        )
        .evidence(ev);
        if let Some(n) = &incidental_note {
            f = f.evidence(n.clone());
        }
        if is_workload(&owner.kind) {
            let tol = json!({"spec":{"template":{"spec":{"tolerations":[
                {"key": key, "operator": if value.is_empty() {"Exists"} else {"Equal"}, "value": value, "effect": "NoSchedule"}]}}}});
            f = f.fix(
                strategic_patch(owner.clone(), tol),
                "tolerate the dedicated pool's taint (pair it with a nodeSelector so the pod lands there)",
                gitops_of_ref(inv, owner).as_ref(),
            );
        }
        return Some(f.fix(
            Action::List {
                kind: "Node".into(),
                namespace: None,
            },
            "list node taints to see which pool the pod would need",
            None,
        ));
    } else if incidental > 0 {
        (
            "k8s.pending-taint",
            "pod Pending: only control-plane nodes are left, and their taint keeps application pods off on purpose".to_string(),
        )
    } else {
        ("k8s.pod-pending", "pod cannot be scheduled".to_string())
    };
    let mut f = finding(id, Severity::Error, owner, title).evidence(ev);
    if let Some(n) = incidental_note {
        f = f.evidence(n);
    }
    if let Some(sel) = pod.at("/spec/nodeSelector") {
        f = f.evidence(format!("nodeSelector: {sel}"));
    }
    Some(f.fix(
        describe(pod.obj_ref()),
        "requests, not usage, decide scheduling: compare them with node allocatable",
        None,
    ))
}
