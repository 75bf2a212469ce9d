//! Ingress recipe: Ingresses no controller serves, or that point at nothing.
//!
//! k8s.ingress-class-missing — `spec.ingressClassName` names no IngressClass (a typo is fixed
//! when exactly one class, or one default, exists), or no class is named and none is default.
//! Classes named by the legacy `kubernetes.io/ingress.class` annotation are served by a
//! controller's flag, and cloud classes (`gce`, `gce-internal`, …) are built into the cloud:
//! neither is "missing". k8s.ingress-backend-missing — a backend Service or port that does not
//! exist. k8s.ingress-tls-secret-missing — a TLS Secret that does not exist (folded under the
//! cert-manager Certificate that should write it).

use serde_json::{Value, json};

use super::Recipe;
use super::common::{Propose, describe, gitops_of_ref, merge_patch, secret_producer};
use crate::cluster::{Inventory, Obj};
use crate::finding::{Finding, Severity};

pub struct Ingress;

const ID: &str = "ingress";

/// Classes provided by clouds without an IngressClass object.
const CLOUD_CLASSES: &[&str] = &[
    "gce",
    "gce-internal",
    "gce-multi-cluster",
    "alb",
    "azure/application-gateway",
];

impl Recipe for Ingress {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Ingresses with a missing class, a backend Service or port that does not exist, or a missing TLS Secret"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "Ingress",
            "IngressClass",
            "Service",
            "Secret",
            "Certificate",
        ]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        super::common::served(inv, "Ingress")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for ing in inv.of_kind("Ingress") {
            out.extend(class_missing(inv, &ing));
            out.extend(backends(inv, &ing));
            out.extend(tls(inv, &ing));
        }
        out
    }
}

/// True when `kind` was listed (served and readable): only then does absence mean anything.
fn listed(inv: &Inventory, kind: &str) -> bool {
    inv.is_served(kind) && !inv.skipped.iter().any(|s| s.kind == kind)
}

fn class_missing(inv: &Inventory, ing: &Obj) -> Option<Finding> {
    if !listed(inv, "IngressClass") || ing.annotation("kubernetes.io/ingress.class").is_some() {
        return None;
    }
    let classes: Vec<Obj> = inv.of_kind("IngressClass").collect();
    let defaults: Vec<&Obj> = classes
        .iter()
        .filter(|c| c.annotation("ingressclass.kubernetes.io/is-default-class") == Some("true"))
        .collect();
    let class = ing.str_at("/spec/ingressClassName");
    let missing = match class {
        Some(c) => !CLOUD_CLASSES.contains(&c) && !classes.iter().any(|k| k.name() == c),
        None => defaults.is_empty(),
    };
    if !missing {
        return None;
    }
    let names: Vec<&str> = classes.iter().map(|c| c.name()).collect();
    let r = ing.obj_ref();
    let mut f = Finding::new(
        ID,
        "k8s.ingress-class-missing",
        Severity::Error,
        r.clone(),
        match class {
            Some(c) => {
                format!("Ingress class {c} does not exist: no controller serves this Ingress")
            }
            None => "Ingress names no class and no IngressClass is the default".to_string(),
        },
    )
    .evidence(format!(
        "IngressClasses: {}",
        if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        }
    ));
    // Determinable when there is exactly one candidate: the only class, or the one default.
    let only = match (classes.len(), defaults.len()) {
        (1, _) => Some(classes[0].name()),
        (_, 1) => Some(defaults[0].name()),
        _ => None,
    };
    if let (Some(c), Some(want)) = (class, only) {
        f = f.fix(
            merge_patch(r.clone(), json!({"spec": {"ingressClassName": want}})),
            format!("{c} is not a class here; {want} is the only (or the default) class"),
            gitops_of_ref(inv, &r).as_ref(),
        );
    }
    Some(f.fix(
        describe(r),
        "set spec.ingressClassName to an existing class",
        None,
    ))
}

/// Every (rule index, path index, backend) of an Ingress; the default backend has no index.
fn backend_refs(ing: &Obj) -> Vec<(Option<(usize, usize)>, Value)> {
    let mut out = Vec::new();
    if let Some(b) = ing.at("/spec/defaultBackend") {
        out.push((None, b.clone()));
    }
    for (i, rule) in ing.array_at("/spec/rules").iter().enumerate() {
        for (j, p) in Obj(rule).array_at("/http/paths").iter().enumerate() {
            if let Some(b) = p.get("backend") {
                out.push((Some((i, j)), b.clone()));
            }
        }
    }
    out
}

fn backends(inv: &Inventory, ing: &Obj) -> Vec<Finding> {
    if !listed(inv, "Service") {
        return Vec::new();
    }
    let r = ing.obj_ref();
    let ns = ing.namespace();
    let mut title = String::new();
    let mut evidence = Vec::new();
    let mut rules = ing.array_at("/spec/rules").to_vec();
    let mut fixed: Vec<String> = Vec::new();
    for (at, b) in backend_refs(ing) {
        let Some(name) = b.pointer("/service/name").and_then(Value::as_str) else {
            continue; // a resource backend
        };
        let port = b.pointer("/service/port");
        let Some(svc) = inv.get("Service", ns, name) else {
            let others: Vec<&str> = inv
                .of_kind("Service")
                .filter(|s| s.namespace() == ns)
                .map(|s| s.name())
                .collect();
            title = format!("Ingress backend Service {name} does not exist");
            evidence.push(format!(
                "backend service.name {name}: no such Service in {} (Services: {})",
                ns.unwrap_or(""),
                if others.is_empty() {
                    "none".into()
                } else {
                    others.join(", ")
                }
            ));
            continue;
        };
        let ports = svc.array_at("/spec/ports");
        let matches = |p: &Value| match port {
            Some(x) if x.get("number").is_some() => p.get("port") == x.get("number"),
            Some(x) if x.get("name").is_some() => p.get("name") == x.get("name"),
            _ => true,
        };
        if ports.iter().any(matches) {
            continue;
        }
        let want = port.map(Value::to_string).unwrap_or_default();
        let have: Vec<String> = ports
            .iter()
            .filter_map(|p| p.get("port").map(Value::to_string))
            .collect();
        title = format!("Ingress backend {name} port {want} is not a port of the Service");
        evidence.push(format!(
            "Service {name} exposes port(s) {}",
            have.join(", ")
        ));
        // One port on the Service: that is the port meant.
        if let ([only], Some((i, j))) = (ports, at)
            && let Some(n) = only.get("port")
            && let Some(p) = rules[i].pointer_mut(&format!("/http/paths/{j}/backend/service/port"))
        {
            *p = json!({"number": n});
            fixed.push(format!("{name} → {n}"));
        }
    }
    if evidence.is_empty() {
        return Vec::new();
    }
    let mut f = Finding::new(
        ID,
        "k8s.ingress-backend-missing",
        Severity::Error,
        r.clone(),
        title,
    );
    for e in evidence {
        f = f.evidence(e);
    }
    if !fixed.is_empty() {
        f = f.fix(
            merge_patch(r.clone(), json!({"spec": {"rules": rules}})),
            format!(
                "point the backend at the Service's only port ({}); rules are replaced as a whole, the patch keeps the others",
                fixed.join(", ")
            ),
            gitops_of_ref(inv, &r).as_ref(),
        );
    }
    vec![f.fix(
        describe(r),
        "compare the backends with the Services that exist",
        None,
    )]
}

fn tls(inv: &Inventory, ing: &Obj) -> Vec<Finding> {
    if !listed(inv, "Secret") {
        return Vec::new();
    }
    let ns = ing.namespace();
    let r = ing.obj_ref();
    let mut out = Vec::new();
    for t in ing.array_at("/spec/tls") {
        let Some(secret) = t.get("secretName").and_then(Value::as_str) else {
            continue;
        };
        if inv.get("Secret", ns, secret).is_some() {
            continue;
        }
        let mut f = Finding::new(
            ID,
            "k8s.ingress-tls-secret-missing",
            Severity::Error,
            r.clone(),
            format!(
                "Ingress TLS Secret {secret} does not exist: HTTPS serves the controller's default certificate"
            ),
        );
        match secret_producer(inv, ns, secret) {
            Some(p) => {
                f = f
                    .evidence(format!("{} should write it", p.display()))
                    .caused_by(p);
            }
            None => {
                f = f.evidence(match ing.annotation("cert-manager.io/cluster-issuer").or(ing.annotation("cert-manager.io/issuer")) {
                    Some(i) => format!("cert-manager is asked to issue it (issuer {i}) but no Certificate writes it yet"),
                    None => "nothing in the cluster produces it: create the Secret or let cert-manager issue it".to_string(),
                });
            }
        }
        out.push(f.fix(
            describe(r.clone()),
            "check spec.tls[].secretName against the Secrets in the namespace",
            None,
        ));
    }
    out
}
