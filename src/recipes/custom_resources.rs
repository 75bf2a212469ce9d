//! Custom resources recipe: any operator's object that reports `Ready=False` or
//! `Stalled=True` (cr.not-ready, cr.stalled), with its reason and message — so an operator we
//! have no recipe for still shows up. Kinds with a dedicated recipe (the built-in table) are
//! left to it; only kinds a CustomResourceDefinition declares are judged.

use std::collections::BTreeSet;

use super::Recipe;
use super::common::{Propose, cond_line, describe};
use crate::cluster::{Inventory, kinds};
use crate::finding::{Finding, Severity};

pub struct CustomResources;

const ID: &str = "custom-resources";

impl Recipe for CustomResources {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Any custom resource with Ready=False or Stalled=True, for operators without a dedicated recipe"
    }
    fn reads(&self) -> &'static [&'static str] {
        &["CustomResourceDefinition", kinds::CUSTOM_RESOURCES]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        super::common::served(inv, "CustomResourceDefinition")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        // (group, kind) declared by CRDs and not in the built-in table.
        let declared: BTreeSet<(&str, &str)> = inv
            .of_kind("CustomResourceDefinition")
            .filter_map(|c| Some((c.str_at("/spec/group")?, c.str_at("/spec/names/kind")?)))
            .filter(|(g, k)| !kinds::is_known(&format!("{g}/v"), k))
            .collect();
        let mut out = Vec::new();
        for o in inv.all() {
            let group = o.api_version().rsplit_once('/').map_or("", |(g, _)| g);
            if !declared.contains(&(group, o.kind())) {
                continue;
            }
            let stalled = o.condition("Stalled").filter(|c| c.is_true());
            let not_ready = o.condition("Ready").filter(|c| c.is_false());
            let (id, c) = match (stalled, not_ready) {
                (Some(c), _) => ("cr.stalled", c),
                (None, Some(c)) => ("cr.not-ready", c),
                _ => continue,
            };
            let r = o.obj_ref();
            let what = if id == "cr.stalled" {
                "is Stalled: its controller stopped retrying until the spec changes"
            } else {
                "is not Ready"
            };
            let mut f = Finding::new(
                ID,
                id,
                Severity::Error,
                r.clone(),
                format!("{} {} {what}", o.kind(), o.name()),
            )
            .evidence(cond_line(&c.type_, &c.reason, &c.message));
            // Other False conditions often carry the actual error (Crossplane's Synced).
            for other in o.conditions() {
                if other.type_ != c.type_ && other.is_false() && !other.message.is_empty() {
                    f = f.evidence(cond_line(&other.type_, &other.reason, &other.message));
                }
            }
            out.push(f.fix(
                describe(r),
                format!("read the {} controller's status and events", o.kind()),
                None,
            ));
        }
        out
    }
}
