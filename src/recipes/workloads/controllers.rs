//! Controller-level modes: quota/admission FailedCreate and stuck rollouts.

use super::finding;
use super::revisions::previous_good_revision;
use crate::action::Action;
use crate::cluster::Inventory;
use crate::finding::{Finding, Severity};
use crate::recipes::common::{
    Propose, cond_line, gitops_of_ref, trunc, warning_events, webhook_in_message,
};

/// Controller-level modes: quota/admission FailedCreate and stuck rollouts.
pub(super) fn controller_findings(inv: &Inventory, pod_findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for kind in ["Deployment", "StatefulSet", "DaemonSet", "Job"] {
        for o in inv.of_kind(kind) {
            let r = o.obj_ref();
            let has_pod_finding = pod_findings.iter().any(|f| f.object.same_object(&r));
            // k8s.quota-exceeded: pods never exist, so only the controller's events say why.
            let mut creators = vec![o];
            if kind == "Deployment" {
                creators.extend(inv.of_kind("ReplicaSet").filter(|rs| {
                    rs.namespace() == o.namespace()
                        && rs
                            .owner_refs()
                            .iter()
                            .any(|(k, n)| *k == "Deployment" && *n == o.name())
                }));
            }
            let failed = creators
                .iter()
                .flat_map(|c| warning_events(inv, c))
                .rfind(|(r, _)| r == "FailedCreate")
                .map(|(_, m)| m)
                .or_else(|| {
                    o.condition("ReplicaFailure")
                        .filter(|c| c.is_true())
                        .map(|c| c.message)
                });
            if let Some(m) = failed
                .as_deref()
                .filter(|m| m.contains("failed calling webhook"))
            {
                // An admission webhook that cannot be reached blocks every create it matches:
                // the webhook configuration is the cause (the webhooks recipe judges it).
                let mut f = finding(
                    "k8s.failedcreate-webhook",
                    Severity::Error,
                    &r,
                    format!("{kind} cannot create pods: an admission webhook call fails"),
                )
                .evidence(format!("FailedCreate: {}", trunc(m, 300)));
                if let Some(w) = webhook_in_message(inv, m) {
                    f = f.caused_by(w);
                }
                out.push(f);
                continue;
            }
            if let Some(m) = failed {
                let what = if m.contains("exceeded quota") {
                    "namespace ResourceQuota exceeded"
                } else if m.contains("must specify") {
                    "ResourceQuota requires requests/limits the pod template lacks"
                } else if m.contains("admission webhook") {
                    "an admission webhook denies the pods"
                } else {
                    "pods cannot be created"
                };
                out.push(
                    finding(
                        "k8s.quota-exceeded",
                        Severity::Error,
                        &r,
                        format!("{kind} cannot create pods: {what}"),
                    )
                    .evidence(format!("FailedCreate: {}", trunc(&m, 300)))
                    .fix(
                        Action::List {
                            kind: "ResourceQuota".into(),
                            namespace: o.namespace().map(str::to_string),
                        },
                        "compare the quota's used/hard with the template's requests and limits",
                        None,
                    ),
                );
                continue;
            }
            if let Some(c) = o
                .condition("Progressing")
                .filter(|c| c.reason == "ProgressDeadlineExceeded")
            {
                let mut f = finding(
                    "k8s.rollout-stuck",
                    Severity::Error,
                    &r,
                    "rollout exceeded its progress deadline".into(),
                )
                .evidence(cond_line("Progressing", &c.reason, &c.message));
                // A pod-level cause on the same workload explains the stuck rollout: pointing
                // the cause at the workload folds this under that finding.
                if has_pod_finding {
                    f = f.caused_by(r.clone());
                }
                // Undo only to a revision that existed and ran Ready; otherwise there is
                // nothing healthy to go back to.
                f = match previous_good_revision(inv, &r) {
                    Some((rev, _)) => f.fix(
                        Action::RolloutUndo {
                            target: r.clone(),
                            to_revision: Some(rev),
                        },
                        format!("roll back to revision {rev}, which ran Ready, while the new one is investigated"),
                        gitops_of_ref(inv, &r).as_ref(),
                    ),
                    None => f
                        .evidence("no earlier revision ran Ready: a rollback has nothing healthy to return to")
                        .fix(
                            Action::List {
                                kind: "Pod".into(),
                                namespace: o.namespace().map(str::to_string),
                            },
                            "see why the new pods do not become Ready",
                            None,
                        ),
                };
                out.push(f);
            }
        }
    }
    out
}
