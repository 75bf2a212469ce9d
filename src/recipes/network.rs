//! Network recipe: Services, load balancers, Gateway API routes and Ingress classes.
//!
//! Covers k8s.service-no-endpoints (selector matches nothing / pods not ready / targetPort
//! mismatch), k8s.loadbalancer-pending (with MetalLB pools when served),
//! gateway.route-not-accepted and gateway.route-refs-unresolved (ReferenceGrant). Ingresses
//! have their own recipe.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Recipe;
use super::common::{
    Propose, controller_of, describe, gitops_of_ref, merge_patch, selector_matches, trunc,
    warning_events,
};
use crate::action::Action;
use crate::cluster::{Inventory, Obj, string_map};
use crate::finding::{Finding, Severity};

pub struct Network;

const ID: &str = "network";

impl Recipe for Network {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Services without ready endpoints (linked to the workload behind them), pending LoadBalancers (MetalLB), Gateway API routes not accepted or unresolved"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "Service",
            "EndpointSlice",
            "Endpoints",
            "Pod",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "Event",
            "Gateway",
            "HTTPRoute",
            "ReferenceGrant",
            "IPAddressPool",
        ]
    }
    fn relevant(&self, _inv: &Inventory) -> bool {
        true
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        // Pods with their labels, by namespace, built once: services × pods is the hot loop.
        let mut pods: PodIndex = BTreeMap::new();
        for p in inv.of_kind("Pod") {
            pods.entry(p.namespace()).or_default().push((p, p.labels()));
        }
        for svc in inv.of_kind("Service") {
            out.extend(service_endpoints(inv, &svc, &pods));
            out.extend(load_balancer(inv, &svc));
        }
        out.extend(routes(inv));
        out
    }
}

/// Ready endpoint addresses of a Service, or None when neither EndpointSlices nor Endpoints
/// were read (then we say nothing rather than guess).
fn ready_endpoints(inv: &Inventory, svc: &Obj) -> Option<usize> {
    let ns = svc.namespace();
    if inv.is_served("EndpointSlice") && inv.of_kind("EndpointSlice").next().is_some() {
        let n = inv
            .of_kind("EndpointSlice")
            .filter(|s| {
                s.namespace() == ns && s.label("kubernetes.io/service-name") == Some(svc.name())
            })
            .flat_map(|s| s.array_at("/endpoints").to_vec())
            .filter(|e| e.pointer("/conditions/ready").and_then(Value::as_bool) != Some(false))
            .count();
        return Some(n);
    }
    if inv.is_served("Endpoints") && inv.of_kind("Endpoints").next().is_some() {
        return Some(inv.get("Endpoints", ns, svc.name()).map_or(0, |e| {
            e.array_at("/subsets")
                .iter()
                .map(|s| {
                    s.get("addresses")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len)
                })
                .sum()
        }));
    }
    None
}

/// k8s.service-no-endpoints, with the three-way decision from failure-modes.md.
type PodIndex<'a> = BTreeMap<Option<&'a str>, Vec<(Obj<'a>, BTreeMap<&'a str, &'a str>)>>;

fn service_endpoints(inv: &Inventory, svc: &Obj, index: &PodIndex) -> Option<Finding> {
    let selector = string_map(svc.at("/spec/selector"));
    if selector.is_empty() || svc.str_at("/spec/type") == Some("ExternalName") {
        return None;
    }
    let ready = ready_endpoints(inv, svc)?;
    let pods: Vec<Obj> = index
        .get(&svc.namespace())
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .filter(|(_, labels)| selector_matches(&selector, labels))
        .map(|(p, _)| *p)
        .collect();
    let r = svc.obj_ref();
    let sel = selector
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let gitops = gitops_of_ref(inv, &r);
    if pods.is_empty() {
        // No pods, but a workload's template carries the selector: scaled to zero on purpose
        // is healthy; otherwise the workload's failure to create pods is the story.
        let backing = ["Deployment", "StatefulSet", "DaemonSet"]
            .iter()
            .flat_map(|k| inv.of_kind(k))
            .find(|w| {
                w.namespace() == svc.namespace()
                    && selector_matches(
                        &selector,
                        &string_map(w.at("/spec/template/metadata/labels")),
                    )
            });
        if let Some(w) = backing {
            if w.kind() != "DaemonSet" && w.i64_at("/spec/replicas") == Some(0) {
                return None;
            }
            return Some(
                Finding::new(
                    ID,
                    "k8s.service-no-endpoints",
                    Severity::Error,
                    r,
                    format!(
                        "Service has no endpoints: {} has no pods",
                        w.obj_ref().display()
                    ),
                )
                .evidence(format!(
                    "selector {sel} matches the pod template of {}",
                    w.obj_ref().display()
                ))
                .caused_by(w.obj_ref()),
            );
        }
        let similar = similar_labels(inv, svc.namespace(), &selector);
        let mut f = Finding::new(
            ID,
            "k8s.service-no-endpoints",
            Severity::Error,
            r.clone(),
            format!("Service selector {sel} matches no pods"),
        )
        .evidence(format!("spec.selector: {sel}"));
        if let Some(s) = &similar {
            f = f.evidence(format!(
                "pods in the namespace carry {s}: a label typo or a selector change?"
            ));
        }
        return Some(f.fix(
            Action::List {
                kind: "Pod".into(),
                namespace: svc.namespace().map(str::to_string),
            },
            "compare pod labels with the selector (kubectl get pods --show-labels)",
            None,
        ));
    }
    let ready_pods: Vec<&Obj> = pods
        .iter()
        .filter(|p| p.condition("Ready").is_some_and(|c| c.is_true()))
        .collect();
    if ready == 0 && ready_pods.is_empty() {
        // Case 2: the pods are the story; link to their controller's finding.
        let owner = controller_of(inv, &pods[0]);
        return Some(
            Finding::new(
                ID,
                "k8s.service-no-endpoints",
                Severity::Error,
                r,
                format!(
                    "Service has no ready endpoints: its {} pod(s) are not Ready",
                    pods.len()
                ),
            )
            .evidence(format!("selector {sel} matches {}", owner.display()))
            .caused_by(owner),
        );
    }
    // Case 3: targetPort names or numbers no container port.
    let mut ports: Vec<String> = Vec::new();
    for p in &pods {
        for c in p.array_at("/spec/containers") {
            for cp in Obj(c).array_at("/ports") {
                if let Some(n) = cp.get("containerPort").and_then(Value::as_i64) {
                    ports.push(n.to_string());
                }
                if let Some(n) = cp.get("name").and_then(Value::as_str) {
                    ports.push(n.to_string());
                }
            }
        }
    }
    for sp in svc.array_at("/spec/ports") {
        let target = match sp.get("targetPort").or_else(|| sp.get("port")) {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => continue,
        };
        let declared = !ports.is_empty();
        if declared && !ports.contains(&target) {
            let first = ports
                .iter()
                .find(|p| p.parse::<i64>().is_ok())
                .cloned()
                .unwrap_or_default();
            let port = sp.get("port").cloned().unwrap_or(Value::Null);
            let patch_port = first.parse::<i64>().map(Value::from).unwrap_or(Value::Null);
            return Some(
                Finding::new(
                    ID,
                    "k8s.service-no-endpoints",
                    Severity::Error,
                    r.clone(),
                    format!("Service targetPort {target} matches no container port"),
                )
                .evidence(format!("container ports of selected pods: {}", ports.join(", ")))
                .fix(
                    merge_patch(
                        r.clone(),
                        json!({"spec":{"ports":[{"port": port, "targetPort": patch_port}]}}),
                    ),
                    format!("point targetPort at the container port {first} (a merge patch replaces the whole ports list: check it first)"),
                    gitops.as_ref(),
                ),
            );
        }
    }
    None
}

/// A label key/value on pods in `ns` that shares the selector's key but not its value.
fn similar_labels(
    inv: &Inventory,
    ns: Option<&str>,
    selector: &BTreeMap<&str, &str>,
) -> Option<String> {
    inv.of_kind("Pod")
        .filter(|p| p.namespace() == ns)
        .flat_map(|p| {
            p.labels()
                .into_iter()
                .filter_map(|(k, v)| {
                    let want = selector.get(k).filter(|w| *w != &v)?;
                    // Prefer near-misses (`homepage` vs `homepage-app`) over unrelated values.
                    let near = v.contains(want) || want.contains(v);
                    Some((!near, format!("{k}={v}")))
                })
                .collect::<Vec<_>>()
        })
        .min()
        .map(|(_, l)| l)
}

/// k8s.loadbalancer-pending
fn load_balancer(inv: &Inventory, svc: &Obj) -> Option<Finding> {
    if svc.str_at("/spec/type") != Some("LoadBalancer")
        || !svc.array_at("/status/loadBalancer/ingress").is_empty()
    {
        return None;
    }
    let evs = warning_events(inv, svc);
    let mut f = Finding::new(
        ID,
        "k8s.loadbalancer-pending",
        Severity::Warning,
        svc.obj_ref(),
        "LoadBalancer has no external IP",
    );
    for (reason, msg) in evs.iter().rev().take(2) {
        f = f.evidence(format!("{reason}: {}", trunc(msg, 200)));
    }
    if inv.is_served("IPAddressPool") {
        let pools: Vec<String> = inv
            .of_kind("IPAddressPool")
            .map(|p| {
                format!(
                    "{}/{} {}",
                    p.namespace().unwrap_or(""),
                    p.name(),
                    p.at("/spec/addresses")
                        .map(Value::to_string)
                        .unwrap_or_default()
                )
            })
            .collect();
        f = f.evidence(if pools.is_empty() {
            "MetalLB is installed but no IPAddressPool exists".to_string()
        } else {
            format!(
                "MetalLB pools: {} (exhausted, or the Service asks for an IP outside them?)",
                pools.join("; ")
            )
        });
        f = f.fix(
            Action::List {
                kind: "IPAddressPool".into(),
                namespace: Some("metallb-system".into()),
            },
            "check the pool has free addresses and matches the Service's requested IP",
            None,
        );
    } else if evs.is_empty() {
        f = f.evidence("no service-controller events: no cloud controller, MetalLB or kube-vip serves this cluster");
    }
    Some(f.fix(
        describe(svc.obj_ref()),
        "read the service-controller events",
        None,
    ))
}

/// gateway.route-not-accepted / gateway.route-refs-unresolved
fn routes(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for route in inv.of_kind("HTTPRoute") {
        let r = route.obj_ref();
        let gitops = gitops_of_ref(inv, &r);
        let parents = route.array_at("/status/parents");
        if parents.is_empty() {
            let refs: Vec<String> = route
                .array_at("/spec/parentRefs")
                .iter()
                .map(|p| {
                    let ns = p
                        .get("namespace")
                        .and_then(Value::as_str)
                        .or(route.namespace())
                        .unwrap_or("");
                    let name = p.get("name").and_then(Value::as_str).unwrap_or("");
                    let exists = inv.get("Gateway", Some(ns), name).is_some();
                    format!(
                        "Gateway/{ns}/{name}{}",
                        if exists || !inv.is_served("Gateway") {
                            ""
                        } else {
                            " (does not exist)"
                        }
                    )
                })
                .collect();
            out.push(
                Finding::new(
                    ID,
                    "gateway.route-not-accepted",
                    Severity::Error,
                    r.clone(),
                    "HTTPRoute was not processed by any Gateway controller (empty status.parents)",
                )
                .evidence(format!("parentRefs: {}", refs.join(", ")))
                .fix(
                    describe(r.clone()),
                    "check the parentRef name/namespace and that the GatewayClass controller runs",
                    None,
                ),
            );
            continue;
        }
        for p in parents {
            let po = Obj(p);
            let gw = format!(
                "{}/{}",
                po.str_at("/parentRef/namespace")
                    .or(route.namespace())
                    .unwrap_or(""),
                po.str_at("/parentRef/name").unwrap_or("")
            );
            for c in po.array_at("/conditions") {
                let c = Obj(c);
                let (ty, status, reason) = (
                    c.str_at("/type").unwrap_or(""),
                    c.str_at("/status").unwrap_or(""),
                    c.str_at("/reason").unwrap_or(""),
                );
                if status == "True" {
                    continue;
                }
                let msg = c.str_at("/message").unwrap_or("");
                if ty == "Accepted" {
                    let why = match reason {
                        "NotAllowedByListeners" => {
                            "the listener's allowedRoutes does not admit this namespace (default: Same)"
                        }
                        "NoMatchingListenerHostname" => {
                            "the route hostnames do not intersect the listener hostname"
                        }
                        "NoMatchingParent" => "sectionName/port matches no listener",
                        _ => "the Gateway rejected the route",
                    };
                    out.push(
                        Finding::new(ID, "gateway.route-not-accepted", Severity::Error, r.clone(),
                            format!("HTTPRoute not accepted by Gateway {gw}: {why}"))
                            .evidence(format!("Accepted={reason}: {}", trunc(msg, 200)))
                            .fix(describe(super::common::oref("Gateway", gw.split('/').next(), gw.split('/').nth(1).unwrap_or(""))),
                                "compare listener names, hostnames and allowedRoutes with the route (changing allowedRoutes is a security decision)", None),
                    );
                } else if ty == "ResolvedRefs" {
                    out.push(refs_unresolved(inv, &route, reason, msg, gitops.as_ref()));
                }
            }
        }
    }
    out
}

fn refs_unresolved(
    inv: &Inventory,
    route: &Obj,
    reason: &str,
    msg: &str,
    gitops: Option<&super::common::GitOps>,
) -> Finding {
    let r = route.obj_ref();
    let rns = route.namespace().unwrap_or("default");
    let mut f = Finding::new(
        ID,
        "gateway.route-refs-unresolved",
        Severity::Error,
        r.clone(),
        format!("HTTPRoute backend refs unresolved: {reason}"),
    )
    .evidence(format!("ResolvedRefs={reason}: {}", trunc(msg, 200)));
    // RefNotPermitted: each cross-namespace backend needs a ReferenceGrant in *its* namespace.
    for b in route
        .array_at("/spec/rules")
        .iter()
        .flat_map(|ru| Obj(ru).array_at("/backendRefs").to_vec())
    {
        let bns = b.get("namespace").and_then(Value::as_str).unwrap_or(rns);
        let name = b.get("name").and_then(Value::as_str).unwrap_or("");
        if reason == "RefNotPermitted" && bns != rns {
            let granted = inv.of_kind("ReferenceGrant").any(|g| {
                g.namespace() == Some(bns)
                    && g.array_at("/spec/from")
                        .iter()
                        .any(|fr| fr.get("namespace").and_then(Value::as_str) == Some(rns))
            });
            if !granted {
                let grant = json!({
                    "apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
                    "metadata": {"name": format!("allow-{rns}-routes"), "namespace": bns},
                    "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": rns}],
                             "to": [{"group": "", "kind": "Service", "name": name}]}});
                f = f.evidence(format!("no ReferenceGrant in {bns} admits HTTPRoutes from {rns}"))
                    .fix(Action::Apply { manifest: grant },
                        format!("create a ReferenceGrant in the backend's namespace {bns} for Service {name}"), gitops);
            }
        } else if reason == "BackendNotFound" && inv.get("Service", Some(bns), name).is_none() {
            f = f.evidence(format!(
                "Service {bns}/{name} does not exist (typo, or not created yet)"
            ));
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipes::testing::{by_id, load};

    #[test]
    fn homelab_service_selector_matches_nothing() {
        let inv = load("homelab-mixed");
        let fs = Network.diagnose(&inv);
        let f = by_id(&fs, "k8s.service-no-endpoints");
        assert_eq!(f.object.display(), "Service/home/homepage");
        assert!(f.title.contains("matches no pods"), "{}", f.title);
        assert!(
            f.evidence
                .iter()
                .any(|e| e.contains("app.kubernetes.io/name=homepage")),
            "{:?}",
            f.evidence
        );
    }
}
