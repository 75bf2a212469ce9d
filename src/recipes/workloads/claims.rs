//! k8s.pvc-pending: claims that stay unbound, and the StatefulSet template that made them.

use super::finding;
use crate::action::Action;
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::{Finding, Severity};
use crate::recipes::common::{Propose, trunc, warning_events};
use serde_json::Value;

/// k8s.pvc-pending: claims that stay unbound, classified from their events.
pub(super) fn pvc_findings(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for pvc in inv.of_kind("PersistentVolumeClaim") {
        if pvc.str_at("/status/phase") != Some("Pending") {
            continue;
        }
        let evs = warning_events(inv, &pvc);
        let all = inv.events_for("PersistentVolumeClaim", pvc.namespace(), pvc.name());
        let last_any = all.last().map(|e| {
            (
                e.str_at("/reason").unwrap_or("").to_string(),
                e.str_at("/message").unwrap_or("").to_string(),
            )
        });
        let (reason, msg) = evs.last().cloned().or(last_any).unwrap_or_default();
        // WaitForFirstConsumer is normal until a pod uses the claim: the pod is the story.
        if reason == "WaitForFirstConsumer" {
            continue;
        }
        let sc = pvc.str_at("/spec/storageClassName");
        let why = match reason.as_str() {
            "ProvisioningFailed" if msg.contains("not found") => {
                format!("StorageClass {} does not exist", sc.unwrap_or("?"))
            }
            "ProvisioningFailed" => "the provisioner failed".into(),
            "FailedBinding" => "no PersistentVolume matches and no StorageClass is set".into(),
            "ExternalProvisioning" => "waiting for a CSI provisioner that is not running".into(),
            _ => "claim is not bound".into(),
        };
        let r = pvc.obj_ref();
        let mut f = finding(
            "k8s.pvc-pending",
            Severity::Error,
            &r,
            format!("PersistentVolumeClaim Pending: {why}"),
        )
        .evidence(format!(
            "storageClassName: {}",
            sc.unwrap_or("<unset: uses the default StorageClass>")
        ));
        if !reason.is_empty() {
            f = f.evidence(format!("{reason}: {}", trunc(&msg, 300)));
        }
        f = f.fix(
            Action::List {
                kind: "StorageClass".into(),
                namespace: None,
            },
            "see which StorageClasses exist and which is the default",
            None,
        );
        if reason == "ProvisioningFailed" || reason == "FailedBinding" {
            // Never proposed as an action: deleting a claim is a data decision for a human.
            f = f.evidence(
                "storageClassName is immutable: fix it where the claim is defined and recreate the claim \
                 (it was never bound, so no data is on it)",
            );
        }
        if let Some(sts) = claim_template_owner(inv, &pvc) {
            f = f.caused_by(sts);
        }
        out.push(f);
    }
    out
}

/// The StatefulSet whose volumeClaimTemplate made this claim (`<template>-<sts>-<ordinal>`).
fn claim_template_owner(inv: &Inventory, pvc: &Obj) -> Option<ObjRef> {
    inv.of_kind("StatefulSet")
        .filter(|s| s.namespace() == pvc.namespace())
        .find(|s| {
            s.array_at("/spec/volumeClaimTemplates").iter().any(|t| {
                let tn = t
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                pvc.name()
                    .strip_prefix(&format!("{tn}-{}-", s.name()))
                    .is_some_and(|n| n.parse::<u32>().is_ok())
            })
        })
        .map(|s| s.obj_ref())
}
