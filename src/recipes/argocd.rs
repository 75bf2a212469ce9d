//! Argo CD recipe: Applications' sync, health, operations and conditions.
//!
//! Covers failure-modes.md section B: comparison and spec errors, failed and stuck operations
//! (hooks, waves — linked to the object they wait for), self-heal drift loops (with an
//! `ignoreDifferences` / `ServerSideApply=true` patch), shared and orphaned resources,
//! auto-sync guards and deletion stuck on finalizers. Degraded apps point at their unavailable
//! workloads, and drift on ARC-generated objects points at `argocd-cm` label tracking.

use serde_json::{Value, json};

use super::Recipe;
use super::common::{
    GitOps, Propose, age_secs, argocd_tracking, describe, gitops_owner, inventory_now, merge_patch,
    oref, trunc, unavailable_workloads,
};
use crate::action::Action;
use crate::cluster::{Inventory, Obj};
use crate::finding::{Finding, Severity};

pub struct ArgoCd;

const ID: &str = "argocd";
/// Kinds ARC generates from an AutoscalingRunnerSet (and copies its labels onto).
pub const ARC_GENERATED: &[&str] = &[
    "AutoscalingListener",
    "EphemeralRunnerSet",
    "EphemeralRunner",
];

impl Recipe for ArgoCd {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Argo CD Applications: comparison/spec errors, failed or stuck syncs (hooks, waves), drift loops, shared/orphaned resources, deletion stuck on finalizers"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "Application",
            "AppProject",
            "ConfigMap",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "HorizontalPodAutoscaler",
            "Event",
        ]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        inv.is_served("Application")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let now = inventory_now(inv);
        inv.of_kind("Application")
            .flat_map(|app| application(inv, &app, now))
            .collect()
    }
}

fn finding(id: &str, sev: Severity, app: &Obj, title: impl Into<String>) -> Finding {
    Finding::new(ID, id, sev, app.obj_ref(), title)
}

/// The app's sync options with `opt` appended (a merge patch replaces the whole list).
fn sync_options_with(app: &Obj, opt: &str) -> Value {
    let mut opts: Vec<Value> = app.array_at("/spec/syncPolicy/syncOptions").to_vec();
    if !opts.iter().any(|o| o.as_str() == Some(opt)) {
        opts.push(json!(opt));
    }
    Value::Array(opts)
}

fn application(inv: &Inventory, app: &Obj, now: Option<jiff::Timestamp>) -> Vec<Finding> {
    let mut out = Vec::new();
    let gitops = gitops_owner(inv, app);
    let g = gitops.as_ref();
    let r = app.obj_ref();
    let conds: Vec<(String, String)> = app
        .array_at("/status/conditions")
        .iter()
        .map(|c| {
            (
                c.get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                c.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    let cond = |t: &str| {
        conds
            .iter()
            .find(|(ty, _)| ty == t)
            .map(|(_, m)| m.as_str())
    };
    let sync = app.str_at("/status/sync/status").unwrap_or("");
    let health = app.str_at("/status/health/status").unwrap_or("");
    let phase = app.str_at("/status/operationState/phase").unwrap_or("");
    let op_msg = app.str_at("/status/operationState/message").unwrap_or("");
    let status_line = format!(
        "sync {sync}, health {health}{}",
        if phase.is_empty() {
            String::new()
        } else {
            format!(", last operation {phase}")
        }
    );

    // argocd.deletion-stuck
    if app.str_at("/metadata/deletionTimestamp").is_some()
        && app
            .array_at("/metadata/finalizers")
            .iter()
            .any(|f| f.as_str() == Some("resources-finalizer.argocd.argoproj.io"))
    {
        out.push(
            finding("argocd.deletion-stuck", Severity::Error, app, "Application deletion is stuck on its resources finalizer")
                .evidence(cond("DeletionError").map(|m| format!("DeletionError: {}", trunc(m, 300))).unwrap_or_default())
                .fix(describe(r.clone()), "fix the child object that cannot be deleted first (its own finalizer, unreachable cluster)", None)
                .fix(
                    Action::RemoveFinalizers { target: r.clone() },
                    "last resort: removing the finalizer orphans every managed resource in the cluster",
                    None,
                ),
        );
    }
    if let Some(m) = cond("ComparisonError") {
        if m.contains("gha-rs-controller deployment found") {
            out.push(arc_lookup_failed(inv, app, m, g));
        } else {
            out.push(
                finding("argocd.comparison-error-manifest-generation", Severity::Error, app,
                    "manifests cannot be generated: the source spec or repo credentials, never the cluster")
                    .evidence(format!("ComparisonError: {}", trunc(m, 400)))
                    .evidence(status_line.clone())
                    .fix(describe(r.clone()), format!("reproduce with `argocd app manifests {}`; fix path/targetRevision or the repo Secret", app.name()), g)
                    .fix(Action::ArgoRefresh { target: r.clone() }, "hard refresh clears a cached generation error after the fix", None),
            );
        }
    }
    if let Some(m) = cond("InvalidSpecError") {
        out.push(
            finding("argocd.invalid-spec", Severity::Error, app, "Application spec is not permitted by its AppProject")
                .evidence(format!("InvalidSpecError: {}", trunc(m, 300)))
                .fix(
                    describe(oref("AppProject", app.namespace(), app.str_at("/spec/project").unwrap_or("default"))),
                    "add the destination or repo to the AppProject (a security decision), or set spec.destination.namespace",
                    None,
                ),
        );
    }
    if let Some(m) =
        cond("SyncError").filter(|m| m.contains("auto-sync will wipe out all resources"))
    {
        out.push(
            finding(
                "argocd.autosync-guard",
                Severity::Error,
                app,
                "auto-sync refuses to prune everything: the source renders no manifests",
            )
            .evidence(format!("SyncError: {}", trunc(m, 300)))
            .evidence("never set allowEmpty just to pass the guard: fix the path or values")
            .fix(
                describe(r.clone()),
                "check spec.source.path and values produce manifests",
                g,
            ),
        );
    }
    match phase {
        "Failed" | "Error" => out.push(sync_failed(app, op_msg, cond("SyncError"), g)),
        "Running" => {
            let age = age_secs(app.str_at("/status/operationState/startedAt"), now);
            if op_msg.starts_with("waiting for") && age.is_none_or(|a| a >= 15 * 60) {
                out.push(sync_stuck(app, op_msg, age));
            }
        }
        _ => {}
    }
    if let Some(m) = cond("SharedResourceWarning") {
        let mut f = finding("argocd.shared-resource", Severity::Warning, app, "an object is claimed by two Applications; they flap and may prune each other's objects")
            .evidence(format!("SharedResourceWarning: {}", trunc(m, 300)));
        if let Some((cm, method)) = argocd_tracking(inv).filter(|(_, m)| m == "label") {
            f = f
                .evidence(format!("argocd-cm tracking method: {method}"))
                .caused_by(cm);
        }
        out.push(f);
    }
    if let Some(m) = cond("OrphanedResourceWarning") {
        out.push(
            finding("argocd.orphaned-resources", Severity::Info, app, "live objects in the destination have no source in Git")
                .evidence(m.to_string())
                .fix(describe(r.clone()), format!("list them with `argocd app resources {} --orphaned`; delete or add them to Git", app.name()), None),
        );
    }
    // argocd.outofsync-drift: synced successfully to this very revision, yet OutOfSync.
    let synced_rev = app.str_at("/status/operationState/syncResult/revision");
    if sync == "OutOfSync"
        && phase == "Succeeded"
        && synced_rev.is_some()
        && synced_rev == app.str_at("/status/sync/revision")
    {
        out.push(drift(inv, app, g));
    }
    if health == "Degraded" {
        let dest_ns = app.str_at("/spec/destination/namespace");
        let name = app.name();
        let mut f = finding(
            "argocd.degraded",
            Severity::Error,
            app,
            "Application health is Degraded (a symptom of its workloads)",
        )
        .evidence(status_line.clone());
        let bad = unavailable_workloads(inv, None, |w| {
            gitops_owner(inv, w).is_some_and(|g| g.owner.name == name)
                || (dest_ns.is_some() && w.namespace() == dest_ns)
        });
        if let Some(w) = bad.first() {
            f = f
                .evidence(format!("unavailable: {}", w.obj_ref().display()))
                .caused_by(w.obj_ref());
        }
        out.push(f);
    }
    if out.is_empty() && (sync == "OutOfSync" || health == "Missing") {
        out.push(
            finding(
                "argocd.out-of-sync",
                Severity::Warning,
                app,
                "Application is out of sync",
            )
            .evidence(status_line)
            .fix(
                Action::Diff { target: r.clone() },
                "see what differs before syncing",
                None,
            )
            .fix(
                Action::ArgoSync { target: r },
                "sync once the diff is understood",
                None,
            ),
        );
    }
    out
}

/// argocd.sync-failed-apply / -missing-crd / annotation-too-long.
fn sync_failed(app: &Obj, op_msg: &str, sync_error: Option<&str>, g: Option<&GitOps>) -> Finding {
    let failed: Vec<String> = app
        .array_at("/status/operationState/syncResult/resources")
        .iter()
        .filter(|r| {
            r.get("status").and_then(Value::as_str) == Some("SyncFailed")
                || r.get("hookPhase").and_then(Value::as_str) == Some("Failed")
        })
        .map(|r| {
            let o = Obj(r);
            format!(
                "{}/{}/{}: {}",
                o.str_at("/kind").unwrap_or(""),
                o.str_at("/namespace").unwrap_or(""),
                o.str_at("/name").unwrap_or(""),
                trunc(o.str_at("/message").unwrap_or(""), 250)
            )
        })
        .collect();
    let all = format!("{op_msg} {}", failed.join(" "));
    let r = app.obj_ref();
    let (id, title, option) = if all.contains("Too long: must have at most 262144 bytes") {
        (
            "argocd.annotation-too-long",
            "client-side apply annotation exceeds 256 KiB (big CRDs)",
            Some("ServerSideApply=true"),
        )
    } else if all.contains("tasks are not valid")
        || all.contains("could not find")
        || all.contains("no matches for kind")
    {
        (
            "argocd.sync-failed-missing-crd",
            "a custom resource was applied before its CRD exists",
            Some("SkipDryRunOnMissingResource=true"),
        )
    } else {
        (
            "argocd.sync-failed-apply",
            "sync failed: the API server rejected resources",
            None,
        )
    };
    let mut f = finding(id, Severity::Error, app, title)
        .evidence(format!("operation: {}", trunc(op_msg, 300)));
    for l in failed.iter().take(5) {
        f = f.evidence(l.clone());
    }
    if let Some(m) = sync_error {
        f = f.evidence(format!("SyncError: {}", trunc(m, 200)));
    }
    if let Some(n) = app.i64_at("/status/operationState/retryCount") {
        f = f.evidence(format!(
            "retryCount: {n} (auto-sync will not retry the same revision)"
        ));
    }
    if let Some(opt) = option {
        f = f.fix(
            merge_patch(
                r.clone(),
                json!({"spec":{"syncPolicy":{"syncOptions": sync_options_with(app, opt)}}}),
            ),
            format!("add the sync option {opt} (existing options kept)"),
            g,
        );
    } else if all.contains("immutable") {
        f = f.evidence("immutable field: annotate that resource `argocd.argoproj.io/sync-options: Replace=true` (deletes and recreates it)");
    } else if all.contains("admission webhook") {
        f = f.evidence("a policy engine denied the resource: fix the manifest to comply");
    }
    f.fix(
        Action::ArgoSync { target: r },
        "sync again after fixing the manifests in Git",
        None,
    )
}

/// argocd.sync-stuck-running: the operation waits on a named hook or resource.
fn sync_stuck(app: &Obj, op_msg: &str, age: Option<i64>) -> Finding {
    let r = app.obj_ref();
    let mut f = finding(
        "argocd.sync-stuck-running",
        Severity::Error,
        app,
        "sync operation never finishes",
    )
    .evidence(format!("operation: {}", trunc(op_msg, 300)))
    .evidence(
        age.map(|a| format!("running for {} min", a / 60))
            .unwrap_or_default(),
    );
    // `waiting for completion of hook batch/Job/migrate` → the named object is the cause.
    let token = op_msg
        .split_whitespace()
        .find(|t| {
            t.matches('/').count() >= 1
                && t.chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '/')
        })
        .unwrap_or("");
    let parts: Vec<&str> = token.trim_end_matches([',', '.']).split('/').collect();
    if parts.len() >= 2 {
        let (kind, name) = (parts[parts.len() - 2], parts[parts.len() - 1]);
        let ns = app.str_at("/spec/destination/namespace");
        let target = oref(kind, ns, name);
        f = f
            .evidence(format!("waiting on {}", target.display()))
            .caused_by(target);
    }
    f.fix(
        Action::ArgoTerminateOp { target: r },
        "abort the operation once the named object's problem is understood (PVC deadlock: same wave as its consumer)",
        None,
    )
}

/// argocd.outofsync-drift: another actor owns the drifting fields.
fn drift(inv: &Inventory, app: &Obj, g: Option<&GitOps>) -> Finding {
    let drifting: Vec<Obj> = app
        .array_at("/status/resources")
        .iter()
        .map(Obj)
        .filter(|r| {
            r.str_at("/status") == Some("OutOfSync") || r.bool_at("/requiresPruning") == Some(true)
        })
        .collect();
    let names: Vec<String> = drifting
        .iter()
        .map(|r| {
            format!(
                "{}/{}",
                r.str_at("/kind").unwrap_or(""),
                r.str_at("/name").unwrap_or("")
            )
        })
        .collect();
    let mut f = finding(
        "argocd.outofsync-drift",
        Severity::Warning,
        app,
        "OutOfSync right after a successful sync: a self-heal drift loop",
    )
    .evidence(format!(
        "drifting: {}",
        if names.is_empty() {
            "?".into()
        } else {
            names.join(", ")
        }
    ));
    // ARC copies the ARS labels onto what it generates; label tracking then adopts them.
    let arc = drifting
        .iter()
        .any(|r| ARC_GENERATED.contains(&r.str_at("/kind").unwrap_or("")));
    if arc && let Some((cm, method)) = argocd_tracking(inv).filter(|(_, m)| m == "label") {
        return f
            .evidence(format!("argocd-cm resourceTrackingMethod: {method}; ARC-generated objects are adopted through copied labels"))
            .caused_by(cm);
    }
    let r = app.obj_ref();
    let hpa_target = drifting.iter().find(|d| {
        d.str_at("/kind") == Some("Deployment")
            && inv
                .of_kind("HorizontalPodAutoscaler")
                .any(|h| h.str_at("/spec/scaleTargetRef/name") == d.str_at("/name"))
    });
    let patch = match hpa_target {
        Some(d) => json!({"spec":{
            "ignoreDifferences":[{"group":"apps","kind":"Deployment","name": d.str_at("/name"),"jsonPointers":["/spec/replicas"]}],
            "syncPolicy":{"syncOptions": sync_options_with(app, "RespectIgnoreDifferences=true")}}}),
        None => {
            json!({"spec":{"syncPolicy":{"syncOptions": sync_options_with(app, "ServerSideApply=true")}}})
        }
    };
    f = f.fix(
        Action::Diff { target: r.clone() },
        "see which fields another controller or webhook sets",
        None,
    );
    f.fix(
        merge_patch(r, patch),
        if hpa_target.is_some() {
            "an HPA owns spec.replicas: ignore it and respect ignoreDifferences on sync"
        } else {
            "server-side apply compares only the fields Git declares, ending defaulting/normalization drift"
        },
        g,
    )
}

/// arc.scale-set-chart-lookup-failed: Helm `lookup` returns nothing under `helm template`.
fn arc_lookup_failed(inv: &Inventory, app: &Obj, m: &str, g: Option<&GitOps>) -> Finding {
    let ctl = inv
        .of_kind("Deployment")
        .find(|d| d.label("app.kubernetes.io/part-of") == Some("gha-rs-controller"));
    let mut f = finding("arc.scale-set-chart-lookup-failed", Severity::Error, app,
        "gha-runner-scale-set chart cannot find the controller under helm template: set controllerServiceAccount")
        .evidence(format!("ComparisonError: {}", trunc(m, 300)));
    if let Some(d) = ctl {
        let sa = d
            .str_at("/spec/template/spec/serviceAccountName")
            .unwrap_or(d.name());
        let patch = json!({"spec":{"source":{"helm":{"valuesObject":{"controllerServiceAccount":{
            "name": sa, "namespace": d.namespace()}}}}}});
        f = f.fix(
            merge_patch(app.obj_ref(), patch),
            format!("name the controller SA {sa} explicitly in the scale-set values"),
            g,
        );
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autonomy::{Policy, Tier};
    use crate::recipes::testing::{by_id, load};

    #[test]
    fn sync_error_is_reported_with_failed_resources() {
        let inv = load("argocd-sync-error");
        let fs = ArgoCd.diagnose(&inv);
        let f = by_id(&fs, "argocd.sync-failed-apply");
        assert_eq!(f.object.display(), "Application/argocd/storefront");
        assert!(
            f.evidence.iter().any(|e| e.contains("field is immutable")),
            "{:?}",
            f.evidence
        );
        let p = Policy::default();
        let sync = f
            .proposals
            .iter()
            .find(|x| x.action.verb() == "argo-sync")
            .unwrap();
        assert_eq!(p.tier(&sync.action), Tier::Confirm);
        let drift = by_id(&fs, "argocd.outofsync-drift");
        assert!(drift.proposals.iter().any(|x| matches!(&x.action, Action::Patch { patch, .. } if patch.to_string().contains("ignoreDifferences"))));
        let crd = by_id(&fs, "argocd.sync-failed-missing-crd");
        assert!(crd.proposals.iter().any(|x| matches!(&x.action, Action::Patch { patch, .. } if patch.to_string().contains("SkipDryRunOnMissingResource=true") && patch.to_string().contains("CreateNamespace=true"))));
    }
}
