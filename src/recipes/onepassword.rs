//! 1Password operator recipe: `OnePasswordItem`s that did not sync their Secret
//! (onepassword.item-not-synced). Workloads waiting for the Secret fold under the item.

use super::Recipe;
use super::common::{Propose, describe, trunc};
use crate::cluster::Inventory;
use crate::finding::{Finding, Severity};

pub struct OnePassword;

const ID: &str = "onepassword";

impl Recipe for OnePassword {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "1Password OnePasswordItems whose Secret is not synced (item path, vault, Connect token)"
    }
    fn reads(&self) -> &'static [&'static str] {
        &["OnePasswordItem"]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        inv.is_served("OnePasswordItem")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for item in inv.of_kind("OnePasswordItem") {
            // The operator writes a Ready condition with a message and often no reason.
            let Some(c) = item.condition("Ready").filter(|c| c.is_false()) else {
                continue;
            };
            let r = item.obj_ref();
            out.push(
                Finding::new(
                    ID,
                    "onepassword.item-not-synced",
                    Severity::Error,
                    r.clone(),
                    format!("OnePasswordItem not synced: Secret {} is not written", item.name()),
                )
                .evidence(format!("Ready=False: {}", trunc(&c.message, 240)))
                .evidence(format!(
                    "spec.itemPath: {} — it must name an existing vault and item the Connect token can read",
                    item.str_at("/spec/itemPath").unwrap_or("?")
                ))
                .fix(describe(r), "read the item's status and the operator's log", None),
            );
        }
        out
    }
}
