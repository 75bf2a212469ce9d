//! Storage recipe: volumes and the StatefulSets that claim them.
//!
//! k8s.pv-released — a Retain volume whose claim is gone: its data is kept but no new claim
//! can bind it. k8s.pv-failed — automatic reclamation failed. k8s.pvc-lost — the claim's
//! volume no longer exists (pods using it are its symptoms). k8s.statefulset-service-missing —
//! the governing headless Service named by `serviceName` does not exist (no stable DNS for
//! the pods; the proposed Service is built from the StatefulSet's own selector and ports).
//! k8s.statefulset-storageclass-missing — a volumeClaimTemplate names a StorageClass that does
//! not exist (its claims stay Pending and are its symptoms). Claims are never deleted here.

use serde_json::{Value, json};

use super::Recipe;
use super::common::{Propose, describe, gitops_of_ref, merge_patch};
use crate::action::Action;
use crate::cluster::{Inventory, Obj};
use crate::finding::{Finding, Severity};

pub struct Storage;

const ID: &str = "storage";

impl Recipe for Storage {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "PersistentVolumes Released/Failed, claims Lost, StatefulSets whose headless Service or claim StorageClass is missing"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "PersistentVolume",
            "PersistentVolumeClaim",
            "StatefulSet",
            "StorageClass",
            "Service",
        ]
    }
    fn relevant(&self, _inv: &Inventory) -> bool {
        true
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for pv in inv.of_kind("PersistentVolume") {
            out.extend(volume(inv, &pv));
        }
        for pvc in inv.of_kind("PersistentVolumeClaim") {
            if pvc.str_at("/status/phase") == Some("Lost") {
                let vol = pvc.str_at("/spec/volumeName").unwrap_or("?");
                out.push(
                    Finding::new(
                        ID,
                        "k8s.pvc-lost",
                        Severity::Critical,
                        pvc.obj_ref(),
                        format!("PersistentVolumeClaim Lost: its volume {vol} no longer exists"),
                    )
                    .evidence(format!("spec.volumeName: {vol}; status.phase: Lost"))
                    .evidence(
                        "the data is gone with the volume unless the backend kept it: restore the volume \
                         (same name) from a backup or snapshot; recreating the claim starts empty",
                    )
                    .fix(
                        Action::List {
                            kind: "PersistentVolume".into(),
                            namespace: None,
                        },
                        "see whether a volume with that name still exists",
                        None,
                    ),
                );
            }
        }
        for sts in inv.of_kind("StatefulSet") {
            out.extend(statefulset(inv, &sts));
        }
        out
    }
}

fn listed(inv: &Inventory, kind: &str) -> bool {
    inv.is_served(kind) && !inv.skipped.iter().any(|s| s.kind == kind)
}

fn volume(inv: &Inventory, pv: &Obj) -> Option<Finding> {
    let r = pv.obj_ref();
    let claim = match (
        pv.str_at("/spec/claimRef/namespace"),
        pv.str_at("/spec/claimRef/name"),
    ) {
        (Some(ns), Some(n)) => format!("{ns}/{n}"),
        _ => "none".into(),
    };
    match pv.str_at("/status/phase")? {
        "Released" => Some(
            Finding::new(
                ID,
                "k8s.pv-released",
                Severity::Warning,
                r.clone(),
                format!("PersistentVolume Released: its claim {claim} was deleted; the data is kept but no new claim can bind it"),
            )
            .evidence(format!(
                "reclaimPolicy {}; claimRef still names {claim}",
                pv.str_at("/spec/persistentVolumeReclaimPolicy").unwrap_or("?")
            ))
            .fix(
                merge_patch(r.clone(), json!({"spec": {"claimRef": null}})),
                "to reuse the data, clear the stale claimRef so the volume becomes Available to a new claim \
                 (only once you know which claim should get it)",
                gitops_of_ref(inv, &r).as_ref(),
            )
            .fix(describe(r), "read the volume's old claim and reclaim policy", None),
        ),
        "Failed" => Some(
            Finding::new(
                ID,
                "k8s.pv-failed",
                Severity::Error,
                r.clone(),
                "PersistentVolume Failed: automatic reclamation did not work",
            )
            .evidence(format!(
                "message: {}",
                pv.str_at("/status/message").unwrap_or("none")
            ))
            .evidence(format!("claimRef: {claim}"))
            .evidence("the backing storage may still hold data: clean it up on the storage side before removing the volume object")
            .fix(describe(r), "read the reclamation error", None),
        ),
        _ => None,
    }
}

fn statefulset(inv: &Inventory, sts: &Obj) -> Vec<Finding> {
    let r = sts.obj_ref();
    let ns = sts.namespace();
    let gitops = gitops_of_ref(inv, &r);
    let mut out = Vec::new();
    if let Some(svc) = sts.str_at("/spec/serviceName").filter(|s| !s.is_empty())
        && listed(inv, "Service")
        && inv.get("Service", ns, svc).is_none()
    {
        let ports: Vec<Value> = sts
            .array_at("/spec/template/spec/containers")
            .iter()
            .flat_map(|c| Obj(c).array_at("/ports").to_vec())
            .filter_map(|p| {
                let port = p.get("containerPort")?.clone();
                let mut sp = json!({"port": port, "targetPort": port});
                if let Some(n) = p.get("name") {
                    sp["name"] = n.clone();
                }
                Some(sp)
            })
            .collect();
        let mut f = Finding::new(
            ID,
            "k8s.statefulset-service-missing",
            Severity::Warning,
            r.clone(),
            format!("StatefulSet's governing Service {svc} does not exist: its pods get no stable DNS names"),
        )
        .evidence(format!("spec.serviceName: {svc}"));
        if let Some(sel) = sts.at("/spec/selector/matchLabels") {
            let manifest = json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": svc, "namespace": ns},
                "spec": {"clusterIP": "None", "selector": sel, "ports": ports}});
            f = f.fix(
                Action::Apply { manifest },
                "create the headless Service from the StatefulSet's own selector and container ports",
                gitops.as_ref(),
            );
        }
        out.push(f);
    }
    if listed(inv, "StorageClass") {
        for t in sts.array_at("/spec/volumeClaimTemplates") {
            let Some(sc) = t.pointer("/spec/storageClassName").and_then(Value::as_str) else {
                continue;
            };
            if sc.is_empty() || inv.get("StorageClass", None, sc).is_some() {
                continue;
            }
            let classes: Vec<String> = inv
                .of_kind("StorageClass")
                .map(|c| {
                    let d =
                        c.annotation("storageclass.kubernetes.io/is-default-class") == Some("true");
                    format!("{}{}", c.name(), if d { " (default)" } else { "" })
                })
                .collect();
            let tname = t
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("?");
            out.push(
                Finding::new(
                    ID,
                    "k8s.statefulset-storageclass-missing",
                    Severity::Error,
                    r.clone(),
                    format!("StatefulSet claim template {tname} asks for StorageClass {sc}, which does not exist"),
                )
                .evidence(format!(
                    "StorageClasses: {}",
                    if classes.is_empty() { "none".into() } else { classes.join(", ") }
                ))
                .evidence(
                    "volumeClaimTemplates are immutable: change the class in the StatefulSet's source, \
                     re-create the StatefulSet (kubectl delete --cascade=orphan keeps the pods) and its Pending claims",
                )
                .fix(
                    Action::List {
                        kind: "StorageClass".into(),
                        namespace: None,
                    },
                    "see which StorageClasses exist",
                    None,
                ),
            );
        }
    }
    out
}
