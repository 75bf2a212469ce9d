//! Workloads recipe: pods, their controllers and their claims.
//!
//! Pod problems are reported on the pod's top-level controller (Deployment, StatefulSet,
//! DaemonSet, Job — or the bare Pod), one finding per controller and failure mode, so five
//! crashing replicas read as one problem and GitOps recipes can point at the workload.
//! Covers k8s.crashloopbackoff, k8s.oomkilled, k8s.imagepullbackoff,
//! k8s.createcontainerconfigerror, k8s.pending-* (node-condition taints blame the node, unbound
//! claims blame the PVC), k8s.pvc-pending, k8s.quota-exceeded, stuck rollouts and evictions.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Recipe;
use super::common::{
    Propose, controller_of, describe, gitops_of_ref, oref, quoted_after, secret_producer, trunc,
    warning_events,
};
use crate::action::Action;
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::{Finding, Severity};

mod claims;
mod containers;
mod controllers;
mod pending;
mod revisions;

use claims::pvc_findings;
use containers::{
    command_not_found, crashloop_finding, image_finding, liveness_finding, liveness_kills,
    oom_finding,
};
use controllers::controller_findings;
use pending::pending_finding;

pub struct Workloads;

const ID: &str = "workloads";

impl Recipe for Workloads {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Pods and controllers: crash loops (OOM, exit codes, liveness kills, command not found), image pulls (previous good image), missing config, Pending by the deciding predicate, quota, stuck rollouts, evictions"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "Pod",
            "Event",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "DaemonSet",
            "Job",
            "PersistentVolumeClaim",
            "Node",
        ]
    }
    fn relevant(&self, _inv: &Inventory) -> bool {
        true
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        // (controller, id) → finding; BTreeMap keeps the output deterministic.
        let mut grouped: BTreeMap<(ObjRef, String), Finding> = BTreeMap::new();
        for pod in inv.of_kind("Pod") {
            let owner = controller_of(inv, &pod);
            for f in pod_findings(inv, &pod, &owner) {
                match grouped.entry((owner.clone(), f.id.clone())) {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(f);
                    }
                    std::collections::btree_map::Entry::Occupied(mut o) => {
                        // Same mode on another replica: one more evidence line is enough.
                        if let Some(e) = f.evidence.into_iter().next()
                            && o.get().evidence.len() < 8
                        {
                            o.get_mut().evidence.push(e);
                        }
                    }
                }
            }
        }
        let mut out: Vec<Finding> = grouped.into_values().collect();
        out.extend(controller_findings(inv, &out));
        out.extend(pvc_findings(inv));
        out
    }
}

fn finding(id: &str, sev: Severity, obj: &ObjRef, title: String) -> Finding {
    Finding::new(ID, id, sev, obj.clone(), title)
}

/// Everything wrong with one pod, reported on its controller `owner`.
fn pod_findings(inv: &Inventory, pod: &Obj, owner: &ObjRef) -> Vec<Finding> {
    let name = pod.name();
    let gitops = gitops_of_ref(inv, owner);
    let mut out = Vec::new();

    // k8s.node-pressure: evicted pods name the starved resource; the node is the cause.
    if pod.str_at("/status/phase") == Some("Failed")
        && pod.str_at("/status/reason") == Some("Evicted")
    {
        let mut f = finding(
            "k8s.pod-evicted",
            Severity::Warning,
            owner,
            format!("{} pod(s) evicted by the kubelet", owner.kind),
        )
        .evidence(format!(
            "pod {name}: {}",
            trunc(pod.str_at("/status/message").unwrap_or("Evicted"), 200)
        ))
        .fix(
            Action::Delete {
                target: pod.obj_ref(),
            },
            "evicted pod objects are kept for inspection only; delete them once read (k8s.node-pressure)",
            None,
        );
        if let Some(node) = pod.str_at("/spec/nodeName") {
            f = f.caused_by(oref("Node", None, node));
        }
        out.push(f);
        return out;
    }

    if let Some(f) = pending_finding(inv, pod, owner) {
        out.push(f);
        return out;
    }

    let statuses = pod
        .array_at("/status/initContainerStatuses")
        .iter()
        .chain(pod.array_at("/status/containerStatuses"));
    for cs in statuses {
        let c = Obj(cs);
        let cname = c.str_at("/name").unwrap_or("");
        let reason = c.str_at("/state/waiting/reason").unwrap_or("");
        let message = c.str_at("/state/waiting/message").unwrap_or("");
        let restarts = c.i64_at("/restartCount").unwrap_or(0);
        let last_reason = c.str_at("/lastState/terminated/reason").unwrap_or("");
        let exit = c.i64_at("/lastState/terminated/exitCode");
        if let Some(f) = command_not_found(pod, owner, &c) {
            out.push(f);
            continue;
        }
        match reason {
            "CrashLoopBackOff" | "RunContainerError" | "" if last_reason == "OOMKilled" => {
                out.push(oom_finding(pod, owner, cname, restarts, gitops.as_ref()));
            }
            "CrashLoopBackOff" if liveness_kills(inv, pod).is_some() => {
                out.push(liveness_finding(inv, pod, owner, cname, restarts));
            }
            "CrashLoopBackOff" => {
                out.push(crashloop_finding(
                    inv,
                    pod,
                    owner,
                    cname,
                    restarts,
                    exit,
                    gitops.as_ref(),
                ));
            }
            "ImagePullBackOff" | "ErrImagePull" | "InvalidImageName" | "ErrImageNeverPull" => {
                out.push(image_finding(
                    inv,
                    pod,
                    owner,
                    &c,
                    reason,
                    message,
                    gitops.as_ref(),
                ));
            }
            "CreateContainerConfigError" => {
                // k8s.createcontainerconfigerror: the message names the missing object or key.
                // A Secret some operator should produce makes that producer the cause.
                let mut f = finding(
                    "k8s.createcontainerconfigerror",
                    Severity::Error,
                    owner,
                    format!("container {cname} cannot start: {}", trunc(message, 120)),
                );
                if let Some(p) = quoted_after(message, "secret")
                    .and_then(|s| secret_producer(inv, pod.namespace(), s))
                {
                    f = f
                        .evidence(format!("the Secret is produced by {}", p.display()))
                        .caused_by(p);
                }
                out.push(
                    f.evidence(format!("pod {name}: container {cname}: {message}"))
                    .evidence(
                        "a missing Secret is usually produced by another system (External Secrets, \
                         SOPS, another Kustomization): check that producer first",
                    )
                    .fix(
                        describe(pod.obj_ref()),
                        "confirm which Secret/ConfigMap or key is missing; the kubelet retries on its own once it exists",
                        None,
                    ),
                );
            }
            "CreateContainerError" | "CreatePodSandboxError" => out.push(
                finding(
                    "k8s.container-error",
                    Severity::Error,
                    owner,
                    format!("container {cname}: {reason}"),
                )
                .evidence(format!("pod {name}: {}", trunc(message, 300)))
                .fix(
                    describe(pod.obj_ref()),
                    "read the runtime error in the pod events",
                    None,
                ),
            ),
            _ => {}
        }
    }
    if out.is_empty()
        && pod.str_at("/status/phase") == Some("Running")
        && pod.condition("Ready").is_some_and(|c| c.is_false())
    {
        // Running but never Ready: usually the readiness probe (k8s.service-no-endpoints case 2).
        let probe: Vec<String> = warning_events(inv, pod)
            .into_iter()
            .filter(|(r, m)| r == "Unhealthy" && m.starts_with("Readiness probe failed"))
            .map(|(_, m)| trunc(&m, 200))
            .collect();
        if let Some(last) = probe.last() {
            out.push(
                finding(
                    "k8s.readiness-probe-failing",
                    Severity::Warning,
                    owner,
                    "pods run but fail their readiness probe".into(),
                )
                .evidence(format!("pod {name}: {last}"))
                .fix(
                    Action::Logs {
                        target: pod.obj_ref(),
                        container: None,
                        previous: None,
                    },
                    "see why the application does not report ready",
                    None,
                ),
            );
        }
    }
    out
}

fn container_spec<'a>(pod: &Obj<'a>, name: &str) -> Option<&'a Value> {
    pod.array_at("/spec/containers")
        .iter()
        .chain(pod.array_at("/spec/initContainers"))
        .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
}

/// Doubles a memory quantity (`256Mi` → `512Mi`); None for forms we do not parse.
pub fn double_quantity(q: &str) -> Option<String> {
    let digits: String = q.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &q[digits.len()..];
    let n: u64 = digits.parse().ok()?;
    if !["", "Ki", "Mi", "Gi", "Ti", "K", "M", "G", "k"].contains(&suffix) {
        return None;
    }
    Some(format!("{}{suffix}", n.checked_mul(2)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipes::testing::{by_id, load};
    use serde_json::json;

    #[test]
    fn quantities() {
        assert_eq!(double_quantity("256Mi").as_deref(), Some("512Mi"));
        assert_eq!(double_quantity("1.5Gi"), None);
    }

    #[test]
    fn oomkilled_helm_workload_gets_a_gitops_memory_patch() {
        let inv = load("helmrelease-oomkilled");
        let fs = Workloads.diagnose(&inv);
        let f = by_id(&fs, "k8s.oomkilled");
        assert_eq!(f.object.display(), "Deployment/shop/checkout");
        assert!(f.cause.is_none());
        let p = &f.proposals[0];
        assert!(p.gitops_managed);
        assert!(p.rationale.contains("belongs in Git"));
        match &p.action {
            Action::Patch { patch, .. } => assert_eq!(
                patch.pointer("/spec/template/spec/containers/0/resources/limits/memory"),
                Some(&json!("512Mi"))
            ),
            a => panic!("{a:?}"),
        }
    }

    #[test]
    fn homelab_pending_pods_blame_node_and_pvc() {
        let inv = load("homelab-mixed");
        let fs = Workloads.diagnose(&inv);
        let taint = by_id(&fs, "k8s.pending-taint");
        assert_eq!(taint.cause.as_ref().unwrap().display(), "Node/k8s-3");
        let pvc_pod = fs
            .iter()
            .find(|f| f.id == "k8s.pvc-pending" && f.object.kind == "Deployment")
            .unwrap();
        assert_eq!(
            pvc_pod.cause.as_ref().unwrap().display(),
            "PersistentVolumeClaim/media/jellyfin-config"
        );
        let pvc = fs
            .iter()
            .find(|f| f.id == "k8s.pvc-pending" && f.object.kind == "PersistentVolumeClaim")
            .unwrap();
        assert!(
            pvc.title.contains("StorageClass fast-ssd does not exist"),
            "{}",
            pvc.title
        );
    }
}
