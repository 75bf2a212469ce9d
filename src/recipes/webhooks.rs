//! Admission webhooks recipe: a webhook with `failurePolicy: Fail` whose Service is missing or
//! has no ready endpoints rejects every request it matches (k8s.webhook-unavailable).
//!
//! It is the root cause of the `FailedCreate` events of every controller it blocks (the
//! workloads recipe links them here by the webhook name in the message), not a quota problem.

use serde_json::Value;

use super::Recipe;
use super::common::{Propose, describe, oref, selector_matches, trunc};
use crate::action::Action;
use crate::cluster::{Inventory, Obj, string_map};
use crate::finding::{Finding, Severity};

pub struct Webhooks;

const ID: &str = "webhooks";

impl Recipe for Webhooks {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Admission webhooks with failurePolicy Fail whose Service is missing or has no endpoints (they block every create they match)"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration",
            "Service",
            "EndpointSlice",
            "Endpoints",
            "Deployment",
            "Event",
        ]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        super::common::served(inv, "ValidatingWebhookConfiguration")
            || super::common::served(inv, "MutatingWebhookConfiguration")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for kind in [
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ] {
            for cfg in inv.of_kind(kind) {
                let broken: Vec<(String, String)> = cfg
                    .array_at("/webhooks")
                    .iter()
                    .filter(|w| {
                        w.get("failurePolicy")
                            .and_then(Value::as_str)
                            .unwrap_or("Fail")
                            == "Fail"
                    })
                    .filter_map(|w| {
                        let name = w.get("name")?.as_str()?;
                        let why = unavailable(inv, w, name)?;
                        Some((name.to_string(), why))
                    })
                    .collect();
                if broken.is_empty() {
                    continue;
                }
                let r = cfg.obj_ref();
                let mut f = Finding::new(
                    ID,
                    "k8s.webhook-unavailable",
                    Severity::Critical,
                    r.clone(),
                    format!(
                        "admission webhook {} cannot be reached and fails closed: every request it matches is rejected",
                        broken[0].0
                    ),
                );
                for (name, why) in &broken {
                    f = f.evidence(format!("webhook {name} (failurePolicy Fail): {why}"));
                }
                let svc = cfg.array_at("/webhooks").iter().find_map(|w| {
                    let s = w.pointer("/clientConfig/service")?;
                    Some((
                        s.get("namespace")?.as_str()?.to_string(),
                        s.get("name")?.as_str()?.to_string(),
                    ))
                });
                if let Some((ns, name)) = svc {
                    f = f
                        .fix(
                            Action::List {
                                kind: "Pod".into(),
                                namespace: Some(ns.clone()),
                            },
                            format!("the webhook's pods in {ns}: restore them and the webhook answers again"),
                            None,
                        )
                        .fix(
                            describe(oref("Service", Some(&ns), &name)),
                            "the Service the API server calls",
                            None,
                        );
                }
                out.push(f.evidence(
                    "if the webhook's own controller is gone for good, its configuration must go too — a human decision",
                ));
            }
        }
        out
    }
}

/// Why the webhook's Service cannot answer, or None when it can (or we cannot tell).
fn unavailable(inv: &Inventory, w: &Value, hook: &str) -> Option<String> {
    // The controllers' FailedCreate messages are the most direct evidence.
    let needle = format!("failed calling webhook \"{hook}\"");
    if let Some(m) = inv
        .of_kind("Event")
        .filter_map(|e| e.str_at("/message"))
        .find(|m| m.contains(&needle))
    {
        return Some(format!("the API server reports: {}", trunc(m, 240)));
    }
    let s = w.pointer("/clientConfig/service")?;
    let ns = s.get("namespace")?.as_str()?;
    let name = s.get("name")?.as_str()?;
    if !inv.is_served("Service") || inv.skipped.iter().any(|k| k.kind == "Service") {
        return None;
    }
    let Some(svc) = inv.get("Service", Some(ns), name) else {
        return Some(format!("its Service {ns}/{name} does not exist"));
    };
    let ready = ready_endpoints(inv, &svc)?;
    if ready > 0 {
        return None;
    }
    let selector = string_map(svc.at("/spec/selector"));
    let scaled = inv
        .of_kind("Deployment")
        .filter(|d| d.namespace() == Some(ns))
        .find(|d| {
            selector_matches(
                &selector,
                &string_map(d.at("/spec/template/metadata/labels")),
            )
        });
    Some(match scaled {
        Some(d) if d.i64_at("/spec/replicas") == Some(0) => format!(
            "its Service {ns}/{name} has no endpoints: Deployment {ns}/{} is scaled to 0",
            d.name()
        ),
        _ => format!("its Service {ns}/{name} has no ready endpoints"),
    })
}

/// Ready endpoint addresses, None when no endpoint kind was read.
fn ready_endpoints(inv: &Inventory, svc: &Obj) -> Option<usize> {
    let ns = svc.namespace();
    if inv.is_served("EndpointSlice") {
        return Some(
            inv.of_kind("EndpointSlice")
                .filter(|s| {
                    s.namespace() == ns && s.label("kubernetes.io/service-name") == Some(svc.name())
                })
                .flat_map(|s| s.array_at("/endpoints").to_vec())
                .filter(|e| e.pointer("/conditions/ready").and_then(Value::as_bool) != Some(false))
                .count(),
        );
    }
    if inv.is_served("Endpoints") {
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
