//! A Deployment's ReplicaSet revisions, and the newest earlier one that ran Ready.

use crate::cluster::{Inventory, Obj, ObjRef};
use serde_json::Value;

/// ReplicaSets of a Deployment with their revision, newest first.
fn replicasets_of<'a>(inv: &'a Inventory, deploy: &ObjRef) -> Vec<(i64, Obj<'a>)> {
    let mut out: Vec<(i64, Obj)> = inv
        .of_kind("ReplicaSet")
        .filter(|rs| rs.namespace() == deploy.namespace.as_deref())
        .filter(|rs| {
            rs.owner_refs()
                .iter()
                .any(|(k, n)| *k == "Deployment" && *n == deploy.name)
        })
        .filter_map(|rs| {
            let rev = rs
                .annotation("deployment.kubernetes.io/revision")?
                .parse()
                .ok()?;
            Some((rev, rs))
        })
        .collect();
    out.sort_by_key(|(rev, _)| std::cmp::Reverse(*rev));
    out
}

/// The newest earlier revision of a Deployment that had Ready pods: its revision number.
pub(super) fn previous_good_revision<'a>(
    inv: &'a Inventory,
    deploy: &ObjRef,
) -> Option<(i64, Obj<'a>)> {
    let current: i64 = inv
        .get_ref(deploy)?
        .annotation("deployment.kubernetes.io/revision")?
        .parse()
        .ok()?;
    replicasets_of(inv, deploy)
        .into_iter()
        .find(|(rev, rs)| *rev < current && rs.i64_at("/status/readyReplicas").unwrap_or(0) > 0)
}

/// The image `container` had in the newest earlier revision that ran Ready.
pub(super) fn previous_good_image(
    inv: &Inventory,
    deploy: &ObjRef,
    container: &str,
) -> Option<(i64, String)> {
    let (rev, rs) = previous_good_revision(inv, deploy)?;
    let image = rs
        .array_at("/spec/template/spec/containers")
        .iter()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(container))?
        .get("image")?
        .as_str()?;
    Some((rev, image.to_string()))
}
