//! cert-manager recipe: certificates that are not issued, and why.
//!
//! certmanager.issuer-not-ready — an Issuer/ClusterIssuer with Ready=False (ACME account
//! registration, a missing CA Secret). certmanager.issuer-missing — a Certificate whose
//! issuerRef names an issuer that does not exist. certmanager.challenge-failing — an ACME
//! Challenge stuck pending/invalid (HTTP-01 answered 404, DNS-01 not propagated).
//! certmanager.certificate-not-ready — any other Certificate with Ready=False; it is the symptom
//! of its issuer or challenge when those fail.

use serde_json::Value;

use super::Recipe;
use super::common::{Propose, cond_line, describe, not_ready, oref, trunc};
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::{Finding, Severity};

pub struct CertManager;

const ID: &str = "cert-manager";

impl Recipe for CertManager {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "cert-manager Certificates not issued: issuer missing or not ready, ACME challenges failing"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "Certificate",
            "CertificateRequest",
            "Issuer",
            "ClusterIssuer",
            "Order",
            "Challenge",
        ]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        self.reads().iter().any(|k| inv.is_served(k))
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for kind in ["Issuer", "ClusterIssuer"] {
            for i in inv.of_kind(kind) {
                if let Some((reason, msg)) = not_ready(&i) {
                    out.push(
                        Finding::new(
                            ID,
                            "certmanager.issuer-not-ready",
                            Severity::Error,
                            i.obj_ref(),
                            format!(
                                "{kind} {} is not ready: no certificate it signs can be issued",
                                i.name()
                            ),
                        )
                        .evidence(cond_line("Ready", &reason, &msg))
                        .fix(
                            describe(i.obj_ref()),
                            "read the issuer's configuration and status",
                            None,
                        ),
                    );
                }
            }
        }
        for ch in inv.of_kind("Challenge") {
            let state = ch.str_at("/status/state").unwrap_or("");
            if matches!(state, "valid" | "")
                && ch.str_at("/status/reason").is_none_or(str::is_empty)
            {
                continue;
            }
            if state == "valid" {
                continue;
            }
            let reason = ch.str_at("/status/reason").unwrap_or("");
            out.push(
                Finding::new(
                    ID,
                    "certmanager.challenge-failing",
                    Severity::Error,
                    ch.obj_ref(),
                    format!(
                        "ACME {} challenge for {} is {state}: the CA cannot validate the domain",
                        ch.str_at("/spec/type").unwrap_or("?"),
                        ch.str_at("/spec/dnsName").unwrap_or("?")
                    ),
                )
                .evidence(format!("status.reason: {}", trunc(reason, 240)))
                .evidence(if ch.str_at("/spec/type") == Some("HTTP-01") {
                    "HTTP-01: http://<domain>/.well-known/acme-challenge/<token> must reach the solver pod from the internet \
                     (DNS, port 80 forwarding, the solver Ingress's class)"
                } else {
                    "DNS-01: the TXT record must be visible to public resolvers (provider credentials, zone)"
                })
                .fix(describe(ch.obj_ref()), "read the challenge's presented/processing state", None),
            );
        }
        for c in inv.of_kind("Certificate") {
            if let Some(f) = certificate(inv, &c, &out) {
                out.push(f);
            }
        }
        out
    }
}

fn certificate(inv: &Inventory, c: &Obj, found: &[Finding]) -> Option<Finding> {
    let (reason, msg) = not_ready(c)?;
    let r = c.obj_ref();
    let ns = c.namespace();
    let ikind = c.str_at("/spec/issuerRef/kind").unwrap_or("Issuer");
    let iname = c.str_at("/spec/issuerRef/name").unwrap_or("");
    let issuer_ns = if ikind == "ClusterIssuer" { None } else { ns };
    let issuer: ObjRef = oref(ikind, issuer_ns, iname);
    let line = cond_line("Ready", &reason, &msg);
    // The CertificateRequest's condition says it outright when the issuer is missing.
    let request_msg = inv
        .of_kind("CertificateRequest")
        .filter(|q| q.namespace() == ns)
        .filter(|q| {
            q.annotation("cert-manager.io/certificate-name") == Some(c.name())
                || q.owner_refs()
                    .iter()
                    .any(|(k, n)| *k == "Certificate" && *n == c.name())
        })
        .find_map(|q| not_ready(&q).map(|(_, m)| m));
    let issuer_listed = inv.is_served(ikind) && !inv.skipped.iter().any(|s| s.kind == ikind);
    let missing = (issuer_listed && inv.get_ref(&issuer).is_none())
        || request_msg
            .as_deref()
            .is_some_and(|m| m.contains("not found") && m.contains(iname));
    if missing {
        let mut f = Finding::new(
            ID,
            "certmanager.issuer-missing",
            Severity::Error,
            r.clone(),
            format!("Certificate names {ikind} {iname}, which does not exist"),
        )
        .evidence(line)
        .evidence("spec.issuerRef is the field to correct (name, kind Issuer vs ClusterIssuer)");
        if let Some(m) = request_msg {
            f = f.evidence(format!("CertificateRequest: {}", trunc(&m, 240)));
        }
        let existing: Vec<String> = ["Issuer", "ClusterIssuer"]
            .iter()
            .flat_map(|k| inv.of_kind(k))
            .filter(|i| i.kind() == "ClusterIssuer" || i.namespace() == ns)
            .map(|i| format!("{} {}", i.kind(), i.name()))
            .collect();
        if !existing.is_empty() {
            f = f.evidence(format!("issuers that exist: {}", existing.join(", ")));
        }
        return Some(f.fix(
            describe(r),
            "compare issuerRef with the issuers that exist",
            None,
        ));
    }
    let dns: Vec<&str> = c
        .array_at("/spec/dnsNames")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let cause = found
        .iter()
        .find(|f| f.object.same_object(&issuer))
        .map(|f| f.object.clone())
        .or_else(|| {
            found
                .iter()
                .filter(|f| {
                    f.id == "certmanager.challenge-failing" && f.object.namespace.as_deref() == ns
                })
                .find(|f| {
                    inv.get_ref(&f.object)
                        .and_then(|ch| ch.str_at("/spec/dnsName").map(str::to_string))
                        .is_some_and(|d| dns.contains(&d.as_str()))
                })
                .map(|f| f.object.clone())
        });
    let mut f = Finding::new(
        ID,
        "certmanager.certificate-not-ready",
        Severity::Error,
        r.clone(),
        format!(
            "Certificate not issued: Secret {} is not written",
            c.str_at("/spec/secretName").unwrap_or("?")
        ),
    )
    .evidence(line);
    if let Some(cause) = cause {
        f = f.caused_by(cause);
    }
    Some(f.fix(
        describe(r),
        "follow Certificate → CertificateRequest → Order → Challenge",
        None,
    ))
}
