//! Helpers every recipe shares: readiness, object references, ownership (pod → workload →
//! GitOps owner), label selectors, event messages and GitOps-aware proposals.
//!
//! Kept here so each recipe reads as a list of failure-mode checks rather than JSON plumbing.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::action::{Action, PatchType};
use crate::cluster::{Inventory, Obj, ObjRef, kinds};
use crate::finding::{Finding, Proposal};

/// A reference to `kind` with the API version from the kinds table (`v1` for unknown kinds).
pub fn oref(kind: &str, namespace: Option<&str>, name: &str) -> ObjRef {
    let api = kinds::lookup(kind).map_or_else(|| "v1".to_string(), |k| k.api_version());
    ObjRef::new(&api, kind, namespace, name)
}

/// The `Ready` condition's status: `Some(true|false)`, `None` when absent or Unknown.
pub fn ready(o: &Obj) -> Option<bool> {
    let c = o.condition("Ready")?;
    match c.status.as_str() {
        "True" => Some(true),
        "False" => Some(false),
        _ => None,
    }
}

/// `Ready=False`, with its reason and message.
pub fn not_ready(o: &Obj) -> Option<(String, String)> {
    o.condition("Ready")
        .filter(|c| c.is_false())
        .map(|c| (c.reason, c.message))
}

/// Shortens long messages for evidence lines (char-boundary safe).
pub fn trunc(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    format!("{cut}…")
}

/// `reason: message` for an evidence line.
pub fn cond_line(type_: &str, reason: &str, message: &str) -> String {
    format!("{type_}={reason}: {}", trunc(message, 300))
}

/// The first text between single quotes after `prefix` (`dependency 'ns/name' is not ready`).
pub fn quoted_after<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &s[s.find(prefix)? + prefix.len()..];
    let start = rest.find(['\'', '"'])?;
    let q = rest[start..].chars().next()?;
    let rest = &rest[start + 1..];
    Some(&rest[..rest.find(q)?])
}

/// `ns/name` split, defaulting the namespace.
pub fn split_ns<'a>(s: &'a str, default_ns: Option<&'a str>) -> (Option<&'a str>, &'a str) {
    match s.split_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (default_ns, s),
    }
}

/// Objects named in Flux/kstatus messages: `Kind/ns/name status: '…'` (health checks) — the
/// failure-modes regex `([A-Za-z]+)/([^/\s]+)/([^\s]+) status: '(\w+)'`, without a regex crate.
pub fn status_refs(message: &str) -> Vec<ObjRef> {
    let mut out = Vec::new();
    let mut rest = message;
    while let Some(pos) = rest.find(" status: '") {
        let head = &rest[..pos];
        let token = head
            .rsplit(|c: char| c.is_whitespace() || c == '[' || c == ',')
            .next()
            .unwrap_or("");
        let parts: Vec<&str> = token.split('/').collect();
        if let [kind, ns, name] = parts.as_slice()
            && kind.chars().next().is_some_and(char::is_alphabetic)
        {
            let r = oref(kind, Some(ns), name);
            if !out.contains(&r) {
                out.push(r);
            }
        }
        rest = &rest[pos + 10..];
    }
    out
}

/// Warning events of an object, newest last, as `Reason: message` lines.
pub fn warning_events(inv: &Inventory, o: &Obj) -> Vec<(String, String)> {
    inv.events_for(o.kind(), o.namespace(), o.name())
        .into_iter()
        .filter(|e| e.str_at("/type") != Some("Normal"))
        .map(|e| {
            (
                e.str_at("/reason").unwrap_or("").to_string(),
                e.str_at("/message").unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// True when every `matchLabels` pair (or plain selector map) is among `labels`. An empty
/// selector matches nothing here: Services without selectors are managed by hand.
pub fn selector_matches(selector: &BTreeMap<&str, &str>, labels: &BTreeMap<&str, &str>) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// The pods in `ns` matching a label selector.
pub fn pods_matching<'a>(
    inv: &'a Inventory,
    ns: Option<&str>,
    selector: &BTreeMap<&str, &str>,
) -> Vec<Obj<'a>> {
    inv.of_kind("Pod")
        .filter(|p| p.namespace() == ns && selector_matches(selector, &p.labels()))
        .collect()
}

/// The top-level controller of a pod (ReplicaSet → Deployment, StatefulSet, DaemonSet, Job),
/// or the pod itself when it has none. Findings about pods are reported on this object so that
/// five crashing replicas are one finding, and GitOps owners can point at it.
pub fn controller_of(inv: &Inventory, pod: &Obj) -> ObjRef {
    let ns = pod.namespace();
    let Some((kind, name)) = pod.owner_refs().into_iter().next() else {
        return pod.obj_ref();
    };
    if kind == "ReplicaSet" {
        let deploy = inv
            .get("ReplicaSet", ns, name)
            .and_then(|rs| {
                rs.owner_refs()
                    .into_iter()
                    .find(|(k, _)| *k == "Deployment")
            })
            .map(|(_, n)| n.to_string())
            // The ReplicaSet may not have been gathered: `<deployment>-<hash>` is the convention.
            .or_else(|| {
                let (d, _) = name.rsplit_once('-')?;
                inv.get("Deployment", ns, d).map(|_| d.to_string())
            });
        return match deploy {
            Some(d) => oref("Deployment", ns, &d),
            None => oref("ReplicaSet", ns, name),
        };
    }
    oref(kind, ns, name)
}

/// The pods whose top-level controller is `workload`.
pub fn pods_of<'a>(inv: &'a Inventory, workload: &ObjRef) -> Vec<Obj<'a>> {
    inv.of_kind("Pod")
        .filter(|p| p.namespace() == workload.namespace.as_deref())
        .filter(|p| controller_of(inv, p).same_object(workload))
        .collect()
}

/// True when a Deployment/StatefulSet/DaemonSet has fewer available replicas than desired.
pub fn workload_unavailable(o: &Obj) -> bool {
    if o.condition("Available").is_some_and(|c| c.is_false()) {
        return true;
    }
    let want = match o.kind() {
        "DaemonSet" => o.i64_at("/status/desiredNumberScheduled"),
        _ => Some(o.i64_at("/spec/replicas").unwrap_or(1)),
    };
    let have = match o.kind() {
        "DaemonSet" => o.i64_at("/status/numberAvailable"),
        "StatefulSet" => o.i64_at("/status/readyReplicas"),
        _ => o.i64_at("/status/availableReplicas"),
    };
    matches!(want, Some(w) if w > 0 && have.unwrap_or(0) < w)
}

/// Workloads (Deployment/StatefulSet/DaemonSet) in `ns` that are unavailable and satisfy `pred`.
pub fn unavailable_workloads<'a>(
    inv: &'a Inventory,
    ns: Option<&str>,
    pred: impl Fn(&Obj) -> bool,
) -> Vec<Obj<'a>> {
    ["Deployment", "StatefulSet", "DaemonSet"]
        .iter()
        .flat_map(|k| inv.of_kind(k))
        .filter(|o| ns.is_none() || o.namespace() == ns)
        .filter(|o| workload_unavailable(o) && pred(o))
        .collect()
}

/// Which GitOps tool manages an object, and through which object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitOps {
    pub tool: &'static str,
    pub owner: ObjRef,
}

/// The GitOps owner of an object from Flux labels, the Argo CD tracking annotation, or the
/// Argo CD instance label when an Application of that name exists (Helm sets the same label,
/// so the label alone proves nothing).
pub fn gitops_owner(inv: &Inventory, o: &Obj) -> Option<GitOps> {
    for (prefix, kind) in [
        ("helm.toolkit.fluxcd.io", "HelmRelease"),
        ("kustomize.toolkit.fluxcd.io", "Kustomization"),
    ] {
        if let Some(name) = o.label(&format!("{prefix}/name")) {
            let ns = o.label(&format!("{prefix}/namespace")).or(o.namespace());
            return Some(GitOps {
                tool: "Flux",
                owner: oref(kind, ns, name),
            });
        }
    }
    let app = o
        .annotation("argocd.argoproj.io/tracking-id")
        .and_then(|t| t.split(':').next())
        .map(|a| a.rsplit('_').next().unwrap_or(a))
        .or_else(|| o.label("argocd.argoproj.io/instance"))
        .or_else(|| {
            o.label("app.kubernetes.io/instance")
                .filter(|n| find_application(inv, n).is_some())
        })?;
    let owner = find_application(inv, app)
        .map(|a| a.obj_ref())
        .unwrap_or_else(|| oref("Application", Some("argocd"), app));
    Some(GitOps {
        tool: "Argo CD",
        owner,
    })
}

/// An Argo CD Application by name, in any namespace.
pub fn find_application<'a>(inv: &'a Inventory, name: &str) -> Option<Obj<'a>> {
    inv.of_kind("Application").find(|a| a.name() == name)
}

/// The GitOps owner of `r` when it is in the inventory.
pub fn gitops_of_ref(inv: &Inventory, r: &ObjRef) -> Option<GitOps> {
    inv.get_ref(r).and_then(|o| gitops_owner(inv, &o))
}

/// Argo CD's resource tracking method from `argocd-cm`: the ConfigMap and the effective method
/// (`label` when unset, which was the default before Argo CD 3.0).
pub fn argocd_tracking(inv: &Inventory) -> Option<(ObjRef, String)> {
    let cm = inv.of_kind("ConfigMap").find(|c| c.name() == "argocd-cm")?;
    let method = cm
        .str_at("/data/application.resourceTrackingMethod")
        .filter(|m| !m.is_empty())
        .unwrap_or("label");
    Some((cm.obj_ref(), method.to_string()))
}

/// Builder helpers for proposals that know about GitOps.
pub trait Propose: Sized {
    /// Proposes `action`; when `gitops` names an owner, marks the proposal GitOps-managed and
    /// says the durable fix belongs in Git (a live change is reverted or shows as drift).
    fn fix(self, action: Action, rationale: impl Into<String>, gitops: Option<&GitOps>) -> Self;
}

impl Propose for Finding {
    fn fix(
        mut self,
        action: Action,
        rationale: impl Into<String>,
        gitops: Option<&GitOps>,
    ) -> Self {
        let mut p = Proposal::new(action, rationale);
        if let Some(g) = gitops {
            p.gitops_managed = true;
            p.rationale = format!(
                "{} — managed by {} ({}): the durable fix belongs in Git; a live change would be \
                 reverted on the next reconcile, so commit the same change to the source",
                p.rationale,
                g.tool,
                g.owner.display()
            );
        }
        self.proposals.push(p);
        self
    }
}

/// A merge patch action.
pub fn merge_patch(target: ObjRef, patch: Value) -> Action {
    Action::Patch {
        target,
        patch_type: PatchType::Merge,
        patch,
    }
}

/// A strategic-merge patch action (keyed container lists).
pub fn strategic_patch(target: ObjRef, patch: Value) -> Action {
    Action::Patch {
        target,
        patch_type: PatchType::Strategic,
        patch,
    }
}

pub fn describe(target: ObjRef) -> Action {
    Action::Describe { target }
}

/// The newest timestamp in the inventory (events, conditions): the recipes' notion of "now",
/// so that judging age stays a pure function of the snapshot.
pub fn inventory_now(inv: &Inventory) -> Option<jiff::Timestamp> {
    let mut newest: Option<jiff::Timestamp> = None;
    let mut see = |s: Option<&str>| {
        if let Some(t) = s.and_then(|s| s.parse::<jiff::Timestamp>().ok())
            && newest.is_none_or(|n| t > n)
        {
            newest = Some(t);
        }
    };
    for e in inv.of_kind("Event") {
        see(e.str_at("/lastTimestamp"));
        see(e.str_at("/eventTime"));
    }
    for o in inv.all() {
        for c in o.array_at("/status/conditions") {
            see(c.get("lastTransitionTime").and_then(Value::as_str));
        }
    }
    newest
}

/// Seconds between `ts` (RFC 3339) and `now`.
pub fn age_secs(ts: Option<&str>, now: Option<jiff::Timestamp>) -> Option<i64> {
    let t: jiff::Timestamp = ts?.parse().ok()?;
    Some(now?.as_second() - t.as_second())
}

/// The object that produces Secret `name` in `ns` — an ExternalSecret (its target name), a
/// 1Password `OnePasswordItem` or a cert-manager Certificate (`spec.secretName`) — when one is
/// in the inventory: a missing Secret is that producer's failure, not the workload's.
pub fn secret_producer(inv: &Inventory, ns: Option<&str>, name: &str) -> Option<ObjRef> {
    let in_ns = |o: &Obj| o.namespace() == ns;
    inv.of_kind("ExternalSecret")
        .filter(in_ns)
        .find(|e| e.str_at("/spec/target/name").unwrap_or(e.name()) == name)
        .or_else(|| {
            inv.of_kind("OnePasswordItem")
                .filter(in_ns)
                .find(|o| o.name() == name)
        })
        .or_else(|| {
            inv.of_kind("Certificate")
                .filter(in_ns)
                .find(|c| c.str_at("/spec/secretName") == Some(name))
        })
        .map(|o| o.obj_ref())
}

/// The (Validating|Mutating)WebhookConfiguration holding the webhook a FailedCreate message
/// names (`failed calling webhook "validate.kyverno.svc-fail": …`).
pub fn webhook_in_message(inv: &Inventory, message: &str) -> Option<ObjRef> {
    let hook = quoted_after(message, "failed calling webhook")?;
    [
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
    ]
    .iter()
    .flat_map(|k| inv.of_kind(k))
    .find(|c| {
        c.array_at("/webhooks")
            .iter()
            .any(|w| w.get("name").and_then(Value::as_str) == Some(hook))
    })
    .map(|c| c.obj_ref())
}

/// The ServiceAccount an API `Forbidden` answer names
/// (`User "system:serviceaccount:<ns>:<name>" cannot …`), as (namespace, name).
pub fn forbidden_service_account(text: &str) -> Option<(&str, &str)> {
    const PAT: &str = "User \"system:serviceaccount:";
    let start = text.find(PAT)? + PAT.len();
    let rest = &text[start..];
    let end = rest.find('"')?;
    rest[..end].split_once(':')
}

/// True when the cluster serves `kind`, readable or not: a recipe for it is relevant, and a
/// kind we were refused is reported as not checked rather than the recipe as not applicable
/// (a snapshot records refused kinds in `skipped` only, a live read also marks them served).
pub fn served(inv: &Inventory, kind: &str) -> bool {
    inv.is_served(kind)
        || inv
            .skipped
            .iter()
            .any(|s| s.kind == kind && !s.reason.is_not_served())
}

/// True when the controller's own kind (Deployment, StatefulSet, DaemonSet) is unhealthy.
pub fn is_workload(kind: &str) -> bool {
    matches!(kind, "Deployment" | "StatefulSet" | "DaemonSet")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_refs_parse_health_check_messages() {
        let m = "failed early due to stalled resources: [HelmRelease/apps/web status: 'Failed', \
                 Deployment/apps/api status: 'InProgress']";
        let r = status_refs(m);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].display(), "HelmRelease/apps/web");
        assert_eq!(r[0].api_version, "helm.toolkit.fluxcd.io/v2");
        assert_eq!(r[1].display(), "Deployment/apps/api");
    }

    #[test]
    fn quoted_and_truncation() {
        assert_eq!(
            quoted_after("dependency 'flux-system/infra' is not ready", "dependency"),
            Some("flux-system/infra")
        );
        assert_eq!(trunc("ééééé", 2), "éé…");
    }

    #[test]
    fn gitops_owner_from_flux_labels_and_argo_annotation() {
        let inv = Inventory::new();
        let v = json!({"kind":"Deployment","metadata":{"name":"w","namespace":"a","labels":{
            "helm.toolkit.fluxcd.io/name":"web","helm.toolkit.fluxcd.io/namespace":"a"}}});
        let g = gitops_owner(&inv, &Obj(&v)).unwrap();
        assert_eq!(g.owner.display(), "HelmRelease/a/web");
        let v = json!({"kind":"Deployment","metadata":{"name":"w","namespace":"a","annotations":{
            "argocd.argoproj.io/tracking-id":"shop:apps/Deployment:a/w"}}});
        assert_eq!(
            gitops_owner(&inv, &Obj(&v)).unwrap().owner.display(),
            "Application/argocd/shop"
        );
        let v = json!({"kind":"Deployment","metadata":{"name":"w","labels":{"app.kubernetes.io/instance":"w"}}});
        assert!(gitops_owner(&inv, &Obj(&v)).is_none());
    }
}
