//! Volumes recipe: pods that cannot start because a volume's ConfigMap, Secret or
//! PersistentVolumeClaim does not exist (k8s.volume-source-missing).
//!
//! The pod sits in ContainerCreating with `FailedMount` events (ConfigMap/Secret, projected
//! sources included) or Pending with `persistentvolumeclaim "x" not found`. Env references are
//! the workloads recipe's CreateContainerConfigError. `optional: true` sources are never missing.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Recipe;
use super::common::{
    Propose, controller_of, describe, quoted_after, secret_producer, warning_events,
};
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::{Finding, Severity};

pub struct Volumes;

const ID: &str = "volumes";

impl Recipe for Volumes {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Pods stuck on a mounted ConfigMap, Secret or PersistentVolumeClaim that does not exist (FailedMount, projected sources)"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "Pod",
            "Event",
            "ConfigMap",
            "Secret",
            "PersistentVolumeClaim",
            "ReplicaSet",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ExternalSecret",
            "OnePasswordItem",
            "Certificate",
        ]
    }
    fn relevant(&self, _inv: &Inventory) -> bool {
        true
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut by_owner: BTreeMap<ObjRef, Finding> = BTreeMap::new();
        for pod in inv.of_kind("Pod") {
            if pod.str_at("/status/phase") != Some("Pending") {
                continue;
            }
            let missing = missing_sources(inv, &pod);
            if missing.is_empty() {
                continue;
            }
            let owner = controller_of(inv, &pod);
            let f = by_owner.entry(owner.clone()).or_insert_with(|| {
                let (kind, name, _) = &missing[0];
                let mut f = Finding::new(
                    ID,
                    "k8s.volume-source-missing",
                    Severity::Error,
                    owner.clone(),
                    format!("pods cannot start: the {kind} {name} a volume mounts does not exist"),
                )
                .fix(
                    describe(pod.obj_ref()),
                    "the FailedMount events name the missing object; the kubelet mounts it on its own once it exists",
                    None,
                );
                if *kind == "Secret"
                    && let Some(p) = secret_producer(inv, pod.namespace(), name)
                {
                    f = f
                        .evidence(format!("the Secret is produced by {}", p.display()))
                        .caused_by(p);
                }
                f
            });
            for (kind, name, volume) in &missing {
                let line = format!(
                    "pod {}: volume {volume} mounts {kind} {name}, which does not exist",
                    pod.name()
                );
                if f.evidence.len() < 8 && !f.evidence.contains(&line) {
                    f.evidence.push(line);
                }
            }
        }
        by_owner.into_values().collect()
    }
}

/// (kind, name, volume) of each non-optional source this pod mounts that does not exist.
/// Decided from the object list when the kind was read, and from `FailedMount` / scheduler
/// messages otherwise (a Secret list is often forbidden).
fn missing_sources(inv: &Inventory, pod: &Obj) -> Vec<(&'static str, String, String)> {
    let ns = pod.namespace();
    let events: Vec<String> = warning_events(inv, pod)
        .into_iter()
        .filter(|(r, _)| r == "FailedMount" || r == "FailedScheduling")
        .map(|(_, m)| m)
        .collect();
    let said_missing = |kind: &str, name: &str| {
        let needle = format!("{} \"{name}\" not found", kind.to_ascii_lowercase());
        events.iter().any(|m| m.contains(&needle))
    };
    let listed = |kind: &str| inv.is_served(kind) && !inv.skipped.iter().any(|s| s.kind == kind);
    let mut out = Vec::new();
    for v in pod.array_at("/spec/volumes") {
        let vname = v
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut sources: Vec<(&'static str, &Value)> = Vec::new();
        if let Some(c) = v.get("configMap") {
            sources.push(("ConfigMap", c));
        }
        if let Some(s) = v.get("secret") {
            sources.push(("Secret", s));
        }
        if let Some(c) = v.get("persistentVolumeClaim") {
            sources.push(("PersistentVolumeClaim", c));
        }
        for p in v
            .pointer("/projected/sources")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if let Some(c) = p.get("configMap") {
                sources.push(("ConfigMap", c));
            }
            if let Some(s) = p.get("secret") {
                sources.push(("Secret", s));
            }
        }
        for (kind, src) in sources {
            if src.get("optional").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = ["name", "secretName", "claimName"]
                .iter()
                .find_map(|k| src.get(*k).and_then(Value::as_str))
                .unwrap_or("");
            if name.is_empty() {
                continue;
            }
            let absent = if listed(kind) {
                inv.get(kind, ns, name).is_none()
            } else {
                said_missing(kind, name)
            };
            if absent {
                out.push((kind, name.to_string(), vname.clone()));
            }
        }
    }
    // A FailedMount for a source we could not attribute to a volume still names it.
    if out.is_empty() {
        for m in &events {
            for kind in ["ConfigMap", "Secret"] {
                if let Some(name) = quoted_after(m, &format!("{} ", kind.to_ascii_lowercase()))
                    && m.contains(&format!("\"{name}\" not found"))
                {
                    out.push((kind, name.to_string(), "?".into()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_and_existing_sources_are_not_missing() {
        let mut inv = Inventory::new();
        inv.mark_served("ConfigMap");
        inv.insert(json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"there","namespace":"a"}}));
        let pod = json!({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"a"},
            "spec":{"volumes":[
                {"name":"a","configMap":{"name":"there"}},
                {"name":"b","configMap":{"name":"gone","optional":true}},
                {"name":"c","projected":{"sources":[{"configMap":{"name":"missing"}}]}}]},
            "status":{"phase":"Pending"}});
        inv.insert(pod.clone());
        let m = missing_sources(&inv, &Obj(&pod));
        assert_eq!(
            m,
            vec![("ConfigMap", "missing".to_string(), "c".to_string())]
        );
        let fs = Volumes.diagnose(&inv);
        assert_eq!(fs.len(), 1);
        assert_eq!(fs[0].object.display(), "Pod/a/p");
        assert!(!fs[0].proposals.is_empty());
    }
}
