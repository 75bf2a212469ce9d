//! External Secrets Operator recipe: ExternalSecrets that do not sync, and why.
//!
//! eso.store-not-ready — a SecretStore/ClusterSecretStore with Ready=False (provider
//! credentials, connect host). eso.store-missing — an ExternalSecret whose secretStoreRef names
//! a store that does not exist. eso.externalsecret-not-synced — any other ExternalSecret with
//! Ready=False, a symptom of its store when that fails. Workloads waiting for the target Secret
//! fold under the ExternalSecret (the workloads recipe links them).

use super::Recipe;
use super::common::{Propose, cond_line, describe, not_ready, oref};
use crate::cluster::{Inventory, Obj};
use crate::finding::{Finding, Severity};

pub struct ExternalSecrets;

const ID: &str = "external-secrets";

impl Recipe for ExternalSecrets {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "External Secrets: ExternalSecrets not synced, SecretStores/ClusterSecretStores missing or not ready"
    }
    fn reads(&self) -> &'static [&'static str] {
        &["ExternalSecret", "SecretStore", "ClusterSecretStore"]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        self.reads().iter().any(|k| inv.is_served(k))
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for kind in ["SecretStore", "ClusterSecretStore"] {
            for s in inv.of_kind(kind) {
                if let Some((reason, msg)) = not_ready(&s) {
                    out.push(
                        Finding::new(
                            ID,
                            "eso.store-not-ready",
                            Severity::Error,
                            s.obj_ref(),
                            format!(
                                "{kind} {} is not ready: no ExternalSecret using it can sync",
                                s.name()
                            ),
                        )
                        .evidence(cond_line("Ready", &reason, &msg))
                        .fix(
                            describe(s.obj_ref()),
                            "check the provider block and the credentials Secret it names",
                            None,
                        ),
                    );
                }
            }
        }
        for es in inv.of_kind("ExternalSecret") {
            if let Some(f) = external_secret(inv, &es) {
                out.push(f);
            }
        }
        out
    }
}

fn external_secret(inv: &Inventory, es: &Obj) -> Option<Finding> {
    let (reason, msg) = not_ready(es)?;
    let r = es.obj_ref();
    let kind = es
        .str_at("/spec/secretStoreRef/kind")
        .unwrap_or("SecretStore");
    let name = es.str_at("/spec/secretStoreRef/name").unwrap_or("");
    let store = oref(
        kind,
        if kind == "ClusterSecretStore" {
            None
        } else {
            es.namespace()
        },
        name,
    );
    let listed = inv.is_served(kind) && !inv.skipped.iter().any(|s| s.kind == kind);
    let target = es.str_at("/spec/target/name").unwrap_or(es.name());
    let line = cond_line("Ready", &reason, &msg);
    if (listed && inv.get_ref(&store).is_none())
        || (msg.contains(name) && msg.contains("not found"))
    {
        return Some(
            Finding::new(
                ID,
                "eso.store-missing",
                Severity::Error,
                r.clone(),
                format!("ExternalSecret names {kind} {name}, which does not exist: Secret {target} is never written"),
            )
            .evidence(line)
            .evidence("spec.secretStoreRef is the field to correct (name, kind SecretStore vs ClusterSecretStore)")
            .fix(describe(r), "compare secretStoreRef with the stores that exist", None),
        );
    }
    let mut f = Finding::new(
        ID,
        "eso.externalsecret-not-synced",
        Severity::Error,
        r.clone(),
        format!("ExternalSecret not synced: Secret {target} is not written or is stale"),
    )
    .evidence(line);
    if inv.get_ref(&store).is_some_and(|s| not_ready(&s).is_some()) {
        f = f.caused_by(store);
    }
    Some(f.fix(
        describe(r),
        "the remoteRef key/property must exist in the provider",
        None,
    ))
}
