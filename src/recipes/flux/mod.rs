//! Flux recipe: sources → Kustomizations → HelmReleases → workloads, top-down.
//!
//! Every failing Flux object gets one finding. Symptoms point at what explains them
//! (`sourceRef`, the deepest failing `dependsOn`, `status.helmChart`, objects named in health
//! checks, the release's unavailable workloads, a controller that is down) so `finding::link`
//! folds a broken GitRepository behind its Kustomizations and HelmReleases into one root cause.
//! Ids follow failure-modes.md section A.

use serde_json::{Value, json};

use super::Recipe;
use super::common::{
    GitOps, Propose, cond_line, describe, gitops_owner, merge_patch, not_ready, oref, quoted_after,
    ready, split_ns, status_refs, unavailable_workloads,
};
use crate::action::Action;
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::{Finding, Severity};

mod helmrelease;
mod kustomization;
mod source;

use helmrelease::helmrelease;
use kustomization::kustomization;
use source::source;

pub struct Flux;

const ID: &str = "flux";
pub const SOURCE_KINDS: &[&str] = &[
    "GitRepository",
    "OCIRepository",
    "HelmRepository",
    "HelmChart",
    "Bucket",
];
const FLUX_KINDS: &[&str] = &[
    "GitRepository",
    "OCIRepository",
    "HelmRepository",
    "HelmChart",
    "Bucket",
    "Kustomization",
    "HelmRelease",
];

impl Recipe for Flux {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Flux sources, Kustomizations and HelmReleases top-down: auth, refs, dependsOn chains, health checks, Helm failures, suspended objects, controllers down, stale artifacts"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "GitRepository",
            "OCIRepository",
            "HelmRepository",
            "HelmChart",
            "Bucket",
            "Kustomization",
            "HelmRelease",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "Event",
        ]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        FLUX_KINDS.iter().any(|k| inv.is_served(k))
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = controllers_down(inv);
        for kind in FLUX_KINDS {
            for o in inv.of_kind(kind) {
                let gitops = gitops_owner(inv, &o);
                if o.bool_at("/spec/suspend") == Some(true) {
                    out.push(suspended(&o, gitops.as_ref()));
                    continue;
                }
                if o.status_is_stale() {
                    out.push(stale(inv, &o));
                    continue;
                }
                let f = match *kind {
                    "Kustomization" => kustomization(inv, &o, gitops.as_ref()),
                    "HelmRelease" => helmrelease(inv, &o, gitops.as_ref()),
                    _ => source(inv, &o),
                };
                out.extend(f);
            }
        }
        out
    }
}

fn finding(id: &str, sev: Severity, o: &Obj, title: impl Into<String>) -> Finding {
    Finding::new(ID, id, sev, o.obj_ref(), title)
}

fn reconcile(o: &Obj, with_source: bool, reset: bool) -> Action {
    Action::Reconcile {
        target: o.obj_ref(),
        with_source,
        reset,
        force: false,
    }
}

/// The controller Deployment that reconciles a Flux kind.
fn controller_for(kind: &str) -> &'static str {
    match kind {
        "Kustomization" => "kustomize-controller",
        "HelmRelease" => "helm-controller",
        _ => "source-controller",
    }
}

/// flux.suspended-or-controller-down (b): Flux controller Deployments that are not available.
fn controllers_down(inv: &Inventory) -> Vec<Finding> {
    unavailable_workloads(inv, None, |d| {
        d.kind() == "Deployment"
            && (d.namespace() == Some("flux-system")
                || d.label("app.kubernetes.io/part-of") == Some("flux"))
            && d.name().ends_with("-controller")
    })
    .into_iter()
    .map(|d| {
        let r = d.obj_ref();
        finding(
            "flux.suspended-or-controller-down",
            Severity::Critical,
            &d,
            format!("Flux {} is down: nothing it owns reconciles", d.name()),
        )
        .evidence(format!(
            "available replicas {}/{}",
            d.i64_at("/status/availableReplicas").unwrap_or(0),
            d.i64_at("/spec/replicas").unwrap_or(1)
        ))
        // The workloads recipe says *why* (OOMKilled, CrashLoop…) on the same Deployment.
        .caused_by(r.clone())
        .fix(
            Action::Logs {
                target: r,
                container: None,
                previous: Some(true),
            },
            "the controller's last log lines say why it stopped",
            None,
        )
    })
    .collect()
}

/// flux.suspended-or-controller-down (a)
fn suspended(o: &Obj, gitops: Option<&GitOps>) -> Finding {
    let mut f = finding(
        "flux.suspended-or-controller-down",
        Severity::Warning,
        o,
        format!("{} is suspended: Flux does not reconcile it", o.kind()),
    )
    .evidence("spec.suspend: true (often forgotten after an incident)");
    if let Some((reason, msg)) = not_ready(o) {
        f = f.evidence(cond_line("Ready", &reason, &msg));
    }
    f.fix(
        Action::Resume {
            target: o.obj_ref(),
        },
        "resume reconciliation once whoever suspended it is done",
        gitops.filter(|_| false), // resume is a runtime switch, not a Git change
    )
}

/// flux.suspended-or-controller-down (c): the controller has not seen the latest generation.
fn stale(inv: &Inventory, o: &Obj) -> Finding {
    let ctl = oref("Deployment", Some("flux-system"), controller_for(o.kind()));
    let down = inv
        .get_ref(&ctl)
        .is_some_and(|d| super::common::workload_unavailable(&d));
    let mut f = finding(
        "flux.suspended-or-controller-down",
        Severity::Warning,
        o,
        format!(
            "{} status is stale: the controller has not reconciled generation {}",
            o.kind(),
            o.i64_at("/metadata/generation").unwrap_or(0)
        ),
    )
    .evidence(format!(
        "observedGeneration {} < generation {}",
        o.i64_at("/status/observedGeneration").unwrap_or(0),
        o.i64_at("/metadata/generation").unwrap_or(0)
    ));
    if down {
        f = f.caused_by(ctl);
    }
    f.fix(
        reconcile(o, false, false),
        "ask the controller to reconcile now",
        None,
    )
}

/// When a sourceRef names no namespace, its source is not in the object's namespace, and
/// exactly one namespace holds a source of that kind and name: that namespace and the merge
/// patch (at `path`) that sets it — the fix is determined by the evidence.
fn missing_namespace_fix(
    inv: &Inventory,
    o: &Obj,
    pointer: &str,
    path: &[&str],
) -> Option<(String, Value)> {
    let s = o.at(pointer)?;
    if s.get("namespace").is_some() {
        return None;
    }
    let kind = s.get("kind")?.as_str()?;
    let name = s.get("name")?.as_str()?;
    if inv.get(kind, o.namespace(), name).is_some() {
        return None;
    }
    let homes: Vec<&str> = inv
        .of_kind(kind)
        .filter(|x| x.name() == name)
        .filter_map(|x| x.namespace())
        .collect();
    let [ns] = homes.as_slice() else { return None };
    let mut patch = json!({"namespace": ns});
    for key in path.iter().rev() {
        patch = json!({ *key: patch });
    }
    Some((ns.to_string(), patch))
}

/// The object a Flux `sourceRef`/`chartRef` points at; the namespace defaults to the object's.
fn source_ref(o: &Obj, pointer: &str) -> Option<ObjRef> {
    let s = o.at(pointer)?;
    let kind = s.get("kind")?.as_str()?;
    let name = s.get("name")?.as_str()?;
    let ns = s.get("namespace").and_then(Value::as_str).or(o.namespace());
    Some(oref(kind, ns, name))
}

/// A dependency that blocks `o`: the first with its own Ready=False, following Unknown ones
/// (failure-modes: flux.dependency-not-ready). `Err` names a dependency that does not exist.
fn blocking_dependency(
    inv: &Inventory,
    o: &Obj,
    seen: &mut Vec<ObjRef>,
) -> Option<Result<ObjRef, ObjRef>> {
    let deps: Vec<ObjRef> = o
        .array_at("/spec/dependsOn")
        .iter()
        .filter_map(|d| {
            let name = d.get("name")?.as_str()?;
            let ns = d.get("namespace").and_then(Value::as_str).or(o.namespace());
            Some(oref(o.kind(), ns, name))
        })
        .collect();
    let msg = not_ready(o).map(|(_, m)| m).unwrap_or_default();
    for d in &deps {
        match inv.get_ref(d) {
            None if msg.contains("not found") => return Some(Err(d.clone())),
            Some(dep)
                if ready(&dep) == Some(false) || dep.bool_at("/spec/suspend") == Some(true) =>
            {
                return Some(Ok(d.clone()));
            }
            _ => {}
        }
    }
    for d in &deps {
        if seen.contains(d) {
            continue;
        }
        seen.push(d.clone());
        if let Some(dep) = inv.get_ref(d)
            && ready(&dep) != Some(true)
            && let Some(x) = blocking_dependency(inv, &dep, seen)
        {
            return Some(x);
        }
    }
    None
}

fn dependency_finding(inv: &Inventory, o: &Obj, msg: &str) -> Finding {
    let f = finding(
        "flux.dependency-not-ready",
        Severity::Error,
        o,
        format!("{} is blocked by dependsOn", o.kind()),
    )
    .evidence(cond_line("Ready", "DependencyNotReady", msg));
    match blocking_dependency(inv, o, &mut Vec::new()) {
        Some(Ok(dep)) => f
            .evidence(format!("first failing dependency: {}", dep.display()))
            .caused_by(dep),
        Some(Err(missing)) => finding(
            "flux.dependency-not-ready",
            Severity::Error,
            o,
            format!("dependsOn names {} which does not exist", missing.display()),
        )
        .evidence(cond_line("Ready", "DependencyNotReady", msg))
        .fix(
            describe(o.obj_ref()),
            "fix the typo in spec.dependsOn[].name/namespace in Git (never delete the dependency)",
            gitops_owner(inv, o).as_ref(),
        ),
        None => f,
    }
}

fn verb_of(reason: &str) -> String {
    reason.trim_end_matches("Failed").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autonomy::{Policy, Tier};
    use crate::finding::link;
    use crate::recipes::testing::{by_id, load};

    #[test]
    fn git_auth_failure_is_the_root_of_kustomizations_and_helmrelease() {
        let inv = load("flux-git-auth");
        let fs = Flux.diagnose(&inv);
        let git = by_id(&fs, "flux.git-auth-failed");
        assert_eq!(
            git.object.display(),
            "GitRepository/flux-system/fleet-infra"
        );
        assert!(
            git.evidence.iter().any(|e| e.contains("does not exist")),
            "{:?}",
            git.evidence
        );
        let linked = link(fs, &Policy::default());
        let roots: Vec<_> = linked.iter().filter(|f| f.root_cause).collect();
        assert_eq!(roots.len(), 1, "{linked:#?}");
        let root = linked.iter().position(|f| f.root_cause).unwrap();
        let symptoms: Vec<String> = linked
            .iter()
            .filter(|f| f.caused_by == Some(root))
            .map(|f| f.object.display())
            .collect();
        for s in [
            "Kustomization/flux-system/infra",
            "Kustomization/flux-system/apps",
            "HelmRelease/podinfo/podinfo",
            "HelmChart/flux-system/podinfo-podinfo",
            "Kustomization/flux-system/flux-system",
        ] {
            assert!(symptoms.contains(&s.to_string()), "{s} not in {symptoms:?}");
        }
        let apps = linked.iter().find(|f| f.object.name == "apps").unwrap();
        assert_eq!(apps.id, "flux.dependency-not-ready");
        let reconcile = linked[root]
            .actions
            .iter()
            .find(|a| a.verb == "reconcile")
            .unwrap();
        assert_eq!(reconcile.tier, Tier::Confirm);
        assert!(
            linked[root]
                .actions
                .iter()
                .any(|a| a.verb == "get" && a.tier == Tier::Safe)
        );
    }

    #[test]
    fn helmrelease_stalled_is_a_symptom_of_its_workload() {
        let inv = load("helmrelease-oomkilled");
        let fs = Flux.diagnose(&inv);
        let hr = by_id(&fs, "flux.helmrelease-retries-exhausted");
        assert_eq!(hr.object.display(), "HelmRelease/shop/checkout");
        assert_eq!(
            hr.cause.as_ref().unwrap().display(),
            "Deployment/shop/checkout"
        );
        assert!(
            hr.proposals
                .iter()
                .any(|p| matches!(p.action, Action::Reconcile { reset: true, .. }))
        );
        let ks = by_id(&fs, "flux.kustomization-health-check-failed");
        assert_eq!(
            ks.cause.as_ref().unwrap().display(),
            "HelmRelease/shop/checkout"
        );
    }
}
