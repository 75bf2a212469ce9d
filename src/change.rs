//! What an action would change, computed without changing anything.
//!
//! The confirm prompt, `--dry-run` and `--suggest-only` show the exact change an action makes.
//! For patch-like verbs the after-object is computed locally from the object as read (merge
//! patch per RFC 7386, strategic merge with name-keyed lists, JSON patch per RFC 6902) by
//! applying the writes of the action's [`crate::plan`] — the writes the executor sends, so
//! the two cannot drift. `apply` is previewed by a server-side-apply dry run in the caller.
//! Computing locally keeps a preview free of requests that look like writes. Pure; no I/O.

use serde_json::{Value, json};

use crate::action::{Action, PatchType};
use crate::object::ObjRef;
use crate::plan::{self, Op, Plan};

/// Errors applying a patch locally.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("invalid JSON patch: {0}")]
    JsonPatch(String),
    /// A strategic-merge patch with `$patch`/`$retainKeys`/… directives: only the server
    /// knows exactly what it does, so no local preview is shown rather than a wrong one.
    #[error(
        "the patch uses strategic-merge directives ({0}); it cannot be previewed exactly — review the patch itself"
    )]
    Directives(String),
}

/// The first `$…` directive key anywhere in a patch.
fn directive(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            if k.starts_with('$') {
                Some(k.clone())
            } else {
                directive(v)
            }
        }),
        Value::Array(a) => a.iter().find_map(directive),
        _ => None,
    }
}

/// The object after `action`, computed from `before` by applying the writes of its
/// [`plan`](crate::plan::plan) to the target locally — the very writes the executor sends.
/// `None` when the action does not change one object in a way a diff can show (reads,
/// deletes, apply, rollbacks, refused verbs). `now` is the timestamp written into restart
/// and reconcile annotations. Writes to other objects (a Flux source) are not part of this
/// object's diff; `describe` names them.
pub fn after(action: &Action, before: &Value, now: &str) -> Result<Option<Value>, Error> {
    let Some(target) = action.target() else {
        return Ok(None); // apply: previewed by a server-side dry run in the caller
    };
    let writes = match plan::plan(action, Some(before), now) {
        Ok(Plan::Write(writes)) => writes,
        Ok(Plan::Read(_) | Plan::Exec(_) | Plan::Unsupported(_) | Plan::Forbidden) => {
            return Ok(None);
        }
        // The object is given, so no plan lacks it; nothing to preview either way.
        Err(plan::Error::NeedsObject(_)) => return Ok(None),
    };
    let mut obj = before.clone();
    let mut changed = false;
    for w in writes.iter().filter(|w| &w.target == target) {
        match &w.op {
            Op::Patch { patch_type, body } => apply_patch(&mut obj, *patch_type, body)?,
            Op::Apply { .. } | Op::Delete | Op::DeleteWith { .. } => return Ok(None),
        }
        changed = true;
    }
    Ok(changed.then_some(obj))
}

/// Applies one patch body of a given type to an object, as the API server would.
pub fn apply_patch(obj: &mut Value, patch_type: PatchType, patch: &Value) -> Result<(), Error> {
    match patch_type {
        PatchType::Merge => merge_patch(obj, patch),
        PatchType::Strategic => {
            if let Some(d) = directive(patch) {
                return Err(Error::Directives(d));
            }
            strategic_merge(obj, patch)
        }
        PatchType::Json => json_patch(obj, patch)?,
    }
    Ok(())
}

/// [`describe`], with what only the target as read tells: the container an exec without
/// `-c` runs in (the pod's default, as the executor resolves it).
pub fn describe_with(action: &Action, before: &Value) -> String {
    match plan::plan(action, Some(before), "") {
        Ok(Plan::Exec(mut step)) if step.container.is_none() => {
            step.container = step.container_in(before);
            step.describe()
        }
        _ => describe(action),
    }
}

/// A one-line description of what the action does, for actions without an object diff.
pub fn describe(action: &Action) -> String {
    match action {
        Action::Delete { target } => format!("deletes {}", target.display()),
        Action::RestartPod {
            target,
            grace_period_seconds,
        } => format!(
            "deletes {}{} (its controller recreates it)",
            target.display(),
            grace_period_seconds
                .map(|g| format!(" with a {g}s grace period"))
                .unwrap_or_default()
        ),
        // What runs, from the plan the executor runs: there is no object diff to show.
        Action::Exec { .. } => match plan::plan(action, None, "") {
            Ok(Plan::Exec(step)) => step.describe(),
            Ok(Plan::Unsupported(why)) => format!("cannot exec: {why}"),
            _ => format!("{} {}", action.verb(), action.target_display()),
        },
        Action::Reconcile {
            with_source: true, ..
        } => format!(
            "asks Flux to reconcile {} and its source now",
            action.target_display()
        ),
        a if a.is_read() => format!("reads {}", a.target_display()),
        a => format!("{} {}", a.verb(), a.target_display()),
    }
}

/// The change as a document to commit to Git (`--suggest-only`): for patches, a patch file
/// with the target's `apiVersion`/`kind`/`metadata` header (what Kustomize `patches:` takes);
/// for `scale`, the `spec.replicas` patch; for `apply`, the manifest. `None` for imperative
/// verbs (restart, reconcile, sync…) that have nothing to commit.
pub fn git_patch(action: &Action) -> Option<(&'static str, Value)> {
    let header = |t: &ObjRef| {
        let mut meta = json!({"name": t.name});
        if let Some(ns) = &t.namespace {
            meta["namespace"] = json!(ns);
        }
        json!({"apiVersion": t.api_version, "kind": t.kind, "metadata": meta})
    };
    match action {
        Action::Patch {
            target,
            patch_type: PatchType::Json,
            patch,
        } => Some((
            "json6902",
            json!({"target": {"group": crate::cluster::live::split_api_version(&target.api_version).0,
                "version": crate::cluster::live::split_api_version(&target.api_version).1,
                "kind": target.kind, "name": target.name, "namespace": target.namespace},
                "patch": patch}),
        )),
        Action::Patch {
            target,
            patch_type,
            patch,
        } => {
            let mut doc = header(target);
            merge_patch(&mut doc, patch);
            Some((
                if *patch_type == PatchType::Merge {
                    "merge"
                } else {
                    "strategic"
                },
                doc,
            ))
        }
        Action::Scale { target, replicas } => {
            let mut doc = header(target);
            doc["spec"] = json!({"replicas": replicas});
            Some(("strategic", doc))
        }
        Action::Suspend { target } | Action::Resume { target } => {
            let mut doc = header(target);
            doc["spec"] = json!({"suspend": matches!(action, Action::Suspend { .. })});
            Some(("merge", doc))
        }
        Action::Apply { manifest } => Some(("manifest", manifest.clone())),
        // Imperative verbs and reads: nothing to commit.
        Action::Get { .. }
        | Action::Describe { .. }
        | Action::Logs { .. }
        | Action::List { .. }
        | Action::Top { .. }
        | Action::Diff { .. }
        | Action::RolloutRestart { .. }
        | Action::RolloutUndo { .. }
        | Action::ArgoRollback { .. }
        | Action::Delete { .. }
        | Action::Reconcile { .. }
        | Action::ArgoSync { .. }
        | Action::ArgoRefresh { .. }
        | Action::ArgoTerminateOp { .. }
        | Action::RemoveFinalizers { .. }
        | Action::RestartPod { .. }
        | Action::Exec { .. }
        | Action::Drain { .. }
        | Action::Cordon { .. }
        | Action::Uncordon { .. }
        | Action::DeleteNode { .. }
        | Action::LabelNode { .. }
        | Action::TaintNode { .. }
        | Action::Reset { .. } => None,
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let Value::Object(t) = target else { return };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// Strategic merge patch, the subset the product's own patches use: objects merge, `null`
/// deletes, and lists whose items all carry `name` (containers, env, volumes, ports) merge item
/// by item on that key — kubectl's patchMergeKey for those fields. Other lists replace.
pub fn strategic_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if k.starts_with('$') {
                    continue; // directives are refused before merging (see `after`)
                }
                if v.is_null() {
                    t.remove(k);
                    continue;
                }
                match t.get_mut(k) {
                    Some(existing) => strategic_merge(existing, v),
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(p))
            if !p.is_empty() && p.iter().chain(t.iter()).all(|i| i.get("name").is_some()) =>
        {
            for pi in p {
                match t.iter_mut().find(|ti| ti.get("name") == pi.get("name")) {
                    Some(ti) => strategic_merge(ti, pi),
                    None => t.push(pi.clone()),
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// RFC 6902 JSON patch: add, remove, replace, test, copy and move.
pub fn json_patch(target: &mut Value, patch: &Value) -> Result<(), Error> {
    let ops = patch
        .as_array()
        .ok_or_else(|| Error::JsonPatch("a JSON patch is an array of operations".into()))?;
    for op in ops {
        let name = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::JsonPatch(format!("operation `{name}` has no path")))?;
        match name {
            "add" => add(target, path, field(op, "value")?.clone())?,
            "remove" => {
                remove(target, path)?;
            }
            "replace" => {
                remove(target, path)?;
                add(target, path, field(op, "value")?.clone())?;
            }
            "test" => {
                if target.pointer(path) != Some(field(op, "value")?) {
                    return Err(Error::JsonPatch(format!("test failed at {path}")));
                }
            }
            "copy" | "move" => {
                let from = field(op, "from")?
                    .as_str()
                    .ok_or_else(|| Error::JsonPatch("`from` must be a string".into()))?;
                let v = if name == "move" {
                    remove(target, from)?
                } else {
                    target
                        .pointer(from)
                        .cloned()
                        .ok_or_else(|| Error::JsonPatch(format!("no value at {from}")))?
                };
                add(target, path, v)?;
            }
            other => return Err(Error::JsonPatch(format!("unknown operation `{other}`"))),
        }
    }
    Ok(())
}

fn field<'a>(op: &'a Value, key: &str) -> Result<&'a Value, Error> {
    op.get(key)
        .ok_or_else(|| Error::JsonPatch(format!("operation without `{key}`")))
}

fn split(path: &str) -> Result<(&str, String), Error> {
    let (parent, last) = path
        .rsplit_once('/')
        .ok_or_else(|| Error::JsonPatch(format!("bad path `{path}`")))?;
    Ok((parent, last.replace("~1", "/").replace("~0", "~")))
}

fn add(target: &mut Value, path: &str, v: Value) -> Result<(), Error> {
    if path.is_empty() {
        *target = v;
        return Ok(());
    }
    let (parent, last) = split(path)?;
    match target.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.insert(last, v);
            Ok(())
        }
        Some(Value::Array(a)) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= a.len())
                    .ok_or_else(|| Error::JsonPatch(format!("bad index in `{path}`")))?
            };
            a.insert(i, v);
            Ok(())
        }
        _ => Err(Error::JsonPatch(format!("no parent for `{path}`"))),
    }
}

fn remove(target: &mut Value, path: &str) -> Result<Value, Error> {
    let (parent, last) = split(path)?;
    let missing = || Error::JsonPatch(format!("no value at `{path}`"));
    match target.pointer_mut(parent) {
        Some(Value::Object(m)) => m.remove(&last).ok_or_else(missing),
        Some(Value::Array(a)) => match last.parse::<usize>() {
            Ok(i) if i < a.len() => Ok(a.remove(i)),
            _ => Err(missing()),
        },
        _ => Err(missing()),
    }
}

/// What `kubectl rollout undo` does for a Deployment, as a typed patch: the pod template of
/// the previous revision (or `to_revision`), taken from the Deployment's ReplicaSets, replaces
/// the current one. Returns the revision and the JSON patch action.
pub fn rollout_undo_patch(
    target: &ObjRef,
    replicasets: &[Value],
    to_revision: Option<i64>,
) -> Result<(i64, Action), String> {
    const REV: &str = "/metadata/annotations/deployment.kubernetes.io~1revision";
    let mut owned: Vec<(i64, &Value)> = replicasets
        .iter()
        .filter(|rs| {
            crate::object::Obj(rs)
                .array_at("/metadata/ownerReferences")
                .iter()
                .any(|o| {
                    o.get("kind").and_then(Value::as_str) == Some("Deployment")
                        && o.get("name").and_then(Value::as_str) == Some(target.name.as_str())
                })
        })
        .filter_map(|rs| {
            let rev = rs.pointer(REV)?.as_str()?.parse::<i64>().ok()?;
            Some((rev, rs))
        })
        .collect();
    owned.sort_by_key(|(r, _)| std::cmp::Reverse(*r));
    let chosen = match to_revision {
        Some(want) => owned.iter().find(|(r, _)| *r == want),
        // The newest is the current revision; undo goes to the one before it.
        None => owned.get(1),
    }
    .ok_or_else(|| match to_revision {
        Some(r) => format!(
            "revision {r} of {} not found in its ReplicaSets",
            target.display()
        ),
        None => format!(
            "{} has no previous revision to roll back to",
            target.display()
        ),
    })?;
    let mut template = chosen
        .1
        .pointer("/spec/template")
        .cloned()
        .ok_or_else(|| "the ReplicaSet has no pod template".to_string())?;
    // The controller adds this label to each ReplicaSet; it is not part of the Deployment.
    if let Some(Value::Object(labels)) = template.pointer_mut("/metadata/labels") {
        labels.remove("pod-template-hash");
    }
    Ok((
        chosen.0,
        Action::Patch {
            target: target.clone(),
            patch_type: PatchType::Json,
            patch: json!([{"op": "replace", "path": "/spec/template", "value": template}]),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "a"},
            "spec": {"replicas": 1, "template": {"spec": {"containers": [
                {"name": "web", "image": "nginx", "resources": {"limits": {"memory": "64Mi"}}},
                {"name": "side", "image": "busybox"}]}}}})
    }

    fn target() -> ObjRef {
        ObjRef::new("apps/v1", "Deployment", Some("a"), "web")
    }

    #[test]
    fn strategic_merges_containers_by_name() {
        let a = Action::Patch {
            target: target(),
            patch_type: PatchType::Strategic,
            patch: json!({"spec": {"template": {"spec": {"containers": [
                {"name": "web", "resources": {"limits": {"memory": "128Mi"}}}]}}}}),
        };
        let after = after(&a, &dep(), "t").unwrap().unwrap();
        let cs = after.pointer("/spec/template/spec/containers").unwrap();
        assert_eq!(cs.as_array().unwrap().len(), 2);
        assert_eq!(cs[0]["image"], "nginx");
        assert_eq!(cs[0]["resources"]["limits"]["memory"], "128Mi");
    }

    #[test]
    fn strategic_directives_are_not_previewed_wrongly() {
        let a = Action::Patch {
            target: target(),
            patch_type: PatchType::Strategic,
            patch: json!({"spec": {"template": {"spec": {"containers": [
                {"name": "web", "$patch": "delete"}]}}}}),
        };
        assert!(matches!(after(&a, &dep(), "t"), Err(Error::Directives(_))));
    }

    #[test]
    fn merge_and_json_patches() {
        let m = Action::Patch {
            target: target(),
            patch_type: PatchType::Merge,
            patch: json!({"spec": {"replicas": 4}, "metadata": {"namespace": null}}),
        };
        let a = after(&m, &dep(), "t").unwrap().unwrap();
        assert_eq!(a["spec"]["replicas"], 4);
        assert!(a["metadata"].get("namespace").is_none());
        let j = Action::Patch {
            target: target(),
            patch_type: PatchType::Json,
            patch: json!([{"op": "replace", "path": "/spec/replicas", "value": 2},
                {"op": "add", "path": "/spec/template/spec/containers/-", "value": {"name": "x"}},
                {"op": "remove", "path": "/spec/template/spec/containers/1"}]),
        };
        let a = after(&j, &dep(), "t").unwrap().unwrap();
        assert_eq!(a["spec"]["replicas"], 2);
        assert_eq!(a["spec"]["template"]["spec"]["containers"][1]["name"], "x");
        let bad = Action::Patch {
            target: target(),
            patch_type: PatchType::Json,
            patch: json!({"op": "nope"}),
        };
        assert!(after(&bad, &dep(), "t").is_err());
    }

    #[test]
    fn imperative_verbs_write_annotations() {
        let a = after(&Action::RolloutRestart { target: target() }, &dep(), "NOW")
            .unwrap()
            .unwrap();
        assert_eq!(
            a.pointer("/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt"),
            Some(&json!("NOW"))
        );
        assert!(
            after(&Action::Get { target: target() }, &dep(), "t")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn git_patch_has_a_kustomize_header() {
        let (kind, doc) = git_patch(&Action::Scale {
            target: target(),
            replicas: 3,
        })
        .unwrap();
        assert_eq!(kind, "strategic");
        assert_eq!(doc["metadata"]["name"], "web");
        assert_eq!(doc["spec"]["replicas"], 3);
        assert!(git_patch(&Action::RolloutRestart { target: target() }).is_none());
    }

    #[test]
    fn rollout_undo_restores_the_previous_template() {
        let rs = |name: &str, rev: &str, image: &str| {
            json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": name, "namespace": "a",
                    "annotations": {"deployment.kubernetes.io/revision": rev},
                    "ownerReferences": [{"kind": "Deployment", "name": "web"}]},
                "spec": {"template": {"metadata": {"labels": {"app": "web", "pod-template-hash": "h"}},
                    "spec": {"containers": [{"name": "web", "image": image}]}}}})
        };
        let all = vec![rs("a", "3", "v3"), rs("b", "2", "v2"), rs("c", "1", "v1")];
        let (rev, a) = rollout_undo_patch(&target(), &all, None).unwrap();
        assert_eq!(rev, 2);
        let Action::Patch { patch, .. } = a else {
            panic!("a patch")
        };
        assert_eq!(patch[0]["value"]["spec"]["containers"][0]["image"], "v2");
        assert!(
            patch[0]["value"]["metadata"]["labels"]
                .get("pod-template-hash")
                .is_none()
        );
        assert_eq!(rollout_undo_patch(&target(), &all, Some(1)).unwrap().0, 1);
        assert!(rollout_undo_patch(&target(), &all[..1], None).is_err());
    }
}
