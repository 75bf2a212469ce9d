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

/// Sources: flux.git-auth-failed, flux.git-ref-not-found, flux.oci-pull-failed,
/// flux.helmrepo-index-failed, flux.helmchart-version-not-found, flux.source-artifact-missing.
fn source(inv: &Inventory, o: &Obj) -> Option<Finding> {
    let (reason, msg) = not_ready(o)?;
    let lower = msg.to_ascii_lowercase();
    let mut cause = None;
    let (id, title) = match o.kind() {
        "GitRepository"
            if reason == "AuthenticationFailed"
                || [
                    "authentication required",
                    "unable to authenticate",
                    "handshake failed",
                    "authorization failed",
                    "401",
                    "403",
                ]
                .iter()
                .any(|w| lower.contains(w)) =>
        {
            (
                "flux.git-auth-failed",
                "GitRepository cannot authenticate to the Git server",
            )
        }
        "GitRepository"
            if lower.contains("couldn't find remote ref")
                || lower.contains("repository not found") =>
        {
            (
                "flux.git-ref-not-found",
                "GitRepository ref does not exist in the repository (not an auth problem)",
            )
        }
        "OCIRepository" => (
            "flux.oci-pull-failed",
            "OCIRepository cannot resolve or pull the artifact",
        ),
        "HelmRepository" => (
            "flux.helmrepo-index-failed",
            "HelmRepository index cannot be fetched",
        ),
        "HelmChart"
            if reason == "InvalidChartReference"
                || lower.contains("chart with version matching") =>
        {
            (
                "flux.helmchart-version-not-found",
                "chart or version not found in the repository (Stalled: needs a spec change)",
            )
        }
        "HelmChart" if reason == "NoSourceArtifact" || lower.contains("no artifact available") => {
            cause = source_ref(o, "/spec/sourceRef");
            (
                "flux.source-artifact-missing",
                "HelmChart waits for its source's artifact",
            )
        }
        _ => ("flux.source-not-ready", "source is not ready"),
    };
    let mut f = finding(id, Severity::Error, o, title).evidence(cond_line("Ready", &reason, &msg));
    if let Some(c) = cause {
        f = f.caused_by(c);
    }
    if let Some(url) = o.str_at("/spec/url") {
        f = f.evidence(format!("url: {url}"));
    }
    if let Some(rev) = o.str_at("/status/artifact/revision") {
        f = f.evidence(format!(
            "still serving the last good artifact {rev}: consumers may look Ready on a stale revision"
        ));
    }
    let ns = o.namespace();
    match id {
        "flux.git-auth-failed" | "flux.oci-pull-failed" | "flux.helmrepo-index-failed" => {
            let secret = o.str_at("/spec/secretRef/name");
            let missing = quoted_after(&msg, "secrets ");
            if let Some(name) = missing.or(secret) {
                let sref = oref("Secret", ns, name);
                if missing.is_some() {
                    f = f.evidence(format!(
                        "Secret {} does not exist",
                        sref.display().trim_start_matches("Secret/")
                    ));
                }
                f = f.fix(
                    Action::Get { target: sref },
                    format!(
                        "credentials: the Secret must exist with `identity` + `known_hosts` (SSH) or \
                         `username`/`password` (HTTPS); recreate it with e.g. `flux create secret git {name} --url=<url> --private-key-file=<key>`"
                    ),
                    None,
                );
            }
        }
        "flux.git-ref-not-found" => {
            // Which branch/tag should exist is not in the cluster: name the field, guess nothing.
            let field = ["branch", "tag", "semver", "commit", "name"]
                .iter()
                .find_map(|k| {
                    o.str_at(&format!("/spec/ref/{k}"))
                        .map(|v| format!("spec.ref.{k}: {v}"))
                })
                .unwrap_or_else(|| "spec.ref".into());
            f = f
                .evidence(format!(
                    "{field} does not exist in {} — set it to a ref the repository has (a renamed default branch is the usual cause)",
                    o.str_at("/spec/url").unwrap_or("the repository")
                ))
                .fix(
                    describe(o.obj_ref()),
                    "compare spec.ref with the repository's branches and tags (git ls-remote <url>)",
                    None,
                );
        }
        "flux.helmchart-version-not-found" => {
            // The HelmRelease is the source of truth for a generated HelmChart.
            let key = format!("{}/{}", ns.unwrap_or(""), o.name());
            if let Some(hr) = inv
                .of_kind("HelmRelease")
                .find(|h| h.str_at("/status/helmChart") == Some(key.as_str()))
            {
                f = f.fix(
                    describe(hr.obj_ref()),
                    "change spec.chart.spec.version in the HelmRelease to a version the repository has; Stalled charts need a new generation",
                    gitops_owner(inv, &hr).as_ref(),
                );
            }
        }
        _ => {}
    }
    Some(f.fix(
        reconcile(o, false, false),
        "fetch again once the cause is fixed",
        None,
    ))
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

/// Kustomizations: dependency, source, path, build, apply and health-check failures, plus the
/// stale-artifact trap (Ready=True on an old revision while the source fails).
fn kustomization(inv: &Inventory, o: &Obj, gitops: Option<&GitOps>) -> Option<Finding> {
    let src = source_ref(o, "/spec/sourceRef");
    let src_obj = src.as_ref().and_then(|s| inv.get_ref(s));
    let Some((reason, msg)) = not_ready(o) else {
        // flux.source-artifact-missing nuance: the source failed after it once succeeded.
        let failing = src_obj.as_ref().is_some_and(|s| ready(s) == Some(false));
        if ready(o) == Some(true) && failing {
            let s = src.clone()?;
            return Some(
                finding(
                    "flux.source-artifact-missing",
                    Severity::Warning,
                    o,
                    format!(
                        "Kustomization looks Ready but applies a stale revision: {} is failing",
                        s.display()
                    ),
                )
                .evidence(format!(
                    "lastAppliedRevision {} (source artifact {})",
                    o.str_at("/status/lastAppliedRevision").unwrap_or("?"),
                    src_obj
                        .as_ref()
                        .and_then(|x| x.str_at("/status/artifact/revision"))
                        .unwrap_or("?")
                ))
                .evidence("new commits are not applied until the source recovers")
                .caused_by(s),
            );
        }
        return None;
    };
    let line = cond_line("Ready", &reason, &msg);
    let lower = msg.to_ascii_lowercase();
    let f = match reason.as_str() {
        "DependencyNotReady" => dependency_finding(inv, o, &msg),
        "ArtifactFailed" | "AccessDenied"
            if (lower.contains("not found") && !lower.contains("artifact not found") && !lower.contains("path not found"))
                || reason == "AccessDenied" =>
        {
            let mut f = finding("flux.source-not-found", Severity::Error, o, "Kustomization references a source that does not exist")
                .evidence(line);
            if let Some(s) = &src {
                f = f.evidence(format!("sourceRef: {} (namespace defaults to the Kustomization's own)", s.display()));
            }
            if let Some((ns, patch)) = missing_namespace_fix(inv, o, "/spec/sourceRef", &["spec", "sourceRef"]) {
                f = f.evidence(format!("a source of that kind and name exists in {ns}")).fix(
                    merge_patch(o.obj_ref(), patch),
                    format!("sourceRef has no namespace, so it looks in {}; the source lives in {ns}", o.namespace().unwrap_or("")),
                    gitops,
                );
            }
            f.fix(describe(o.obj_ref()), "fix spec.sourceRef (name, namespace) to an existing source", gitops)
        }
        "ArtifactFailed" if lower.contains("kustomization path not found") => finding(
            "flux.kustomization-path-not-found",
            Severity::Error,
            o,
            format!("spec.path {} does not exist in the artifact", o.str_at("/spec/path").unwrap_or("?")),
        )
        .evidence(line)
        .fix(describe(o.obj_ref()), "set the correct spec.path (repo layout change or typo)", gitops),
        "BuildFailed" => finding("flux.kustomization-build-failed", Severity::Error, o, "kustomize build failed")
            .evidence(line)
            .fix(
                describe(o.obj_ref()),
                format!("reproduce with `flux build kustomization {} --path <clone>`; fix the manifests or decryption in Git", o.name()),
                gitops,
            ),
        "ReconciliationFailed" => apply_failed(o, &msg, gitops),
        "HealthCheckFailed" => {
            let refs = status_refs(&msg);
            let mut f = finding(
                "flux.kustomization-health-check-failed",
                Severity::Error,
                o,
                "applied, but its workloads never became healthy",
            )
            .evidence(line);
            // Never the Kustomization itself: the first object it names that is failing.
            let cause = refs
                .iter()
                .find(|r| inv.get_ref(r).is_some_and(|x| ready(&x) == Some(false) || super::common::workload_unavailable(&x)))
                .or(refs.first());
            if let Some(c) = cause {
                f = f.caused_by(c.clone());
            }
            f
        }
        _ => {
            let mut f = finding("flux.kustomization-not-ready", Severity::Error, o, "Kustomization is not ready").evidence(line);
            if lower.contains("artifact") || lower.contains("source") {
                f.id = "flux.source-artifact-missing".into();
                f.title = "Kustomization waits for its source's artifact".into();
            }
            f
        }
    };
    // Anything that waits on a source is a symptom of a failing source.
    let f = match (&src, &src_obj) {
        (Some(s), Some(so))
            if f.cause.is_none()
                && ready(so) == Some(false)
                && reason != "ReconciliationFailed" =>
        {
            let mut f = f.caused_by(s.clone());
            if f.id == "flux.kustomization-not-ready" || reason == "ArtifactFailed" {
                f.id = "flux.source-artifact-missing".into();
                f.title = format!("Kustomization waits for {}", s.display());
            }
            f
        }
        _ => f,
    };
    Some(f.fix(
        reconcile(o, true, false),
        "reconcile with a fresh source once the cause is fixed",
        None,
    ))
}

/// flux.kustomization-apply-failed: immutable fields, missing namespaces/CRDs, RBAC.
fn apply_failed(o: &Obj, msg: &str, gitops: Option<&GitOps>) -> Finding {
    let (what, advice) = if msg.contains("immutable") {
        (
            "an immutable field changed (selector or Job template)",
            "immutable",
        )
    } else if msg.contains("namespaces \"") && msg.contains("not found")
        || msg.contains("no matches for kind")
    {
        (
            "a namespace or CRD it needs does not exist yet (ordering)",
            "ordering",
        )
    } else if msg.contains("Forbidden") || msg.contains("forbidden") {
        ("the impersonated service account lacks RBAC", "rbac")
    } else {
        ("the API server rejected the objects", "")
    };
    let mut f = finding(
        "flux.kustomization-apply-failed",
        Severity::Error,
        o,
        format!("apply failed: {what}"),
    )
    .evidence(cond_line("Ready", "ReconciliationFailed", msg));
    match advice {
        "immutable" => {
            f = f.fix(
                merge_patch(o.obj_ref(), json!({"spec":{"force":true}})),
                "let Flux recreate objects whose immutable fields changed (deletes and recreates them)",
                gitops,
            );
        }
        "ordering" => {
            f = f.fix(
                merge_patch(o.obj_ref(), json!({"spec":{"dependsOn":[{"name":"<kustomization-that-creates-it>"}]}})),
                "order it after the Kustomization that installs the namespace/CRD (keep existing dependsOn entries)",
                gitops,
            );
        }
        _ => {}
    }
    f
}

/// The release's workloads that are unavailable: labelled by helm-controller, or carrying the
/// Helm release annotations, in the target namespace.
fn release_workloads(inv: &Inventory, hr: &Obj) -> Vec<ObjRef> {
    let target_ns = hr.str_at("/spec/targetNamespace").or(hr.namespace());
    let release = hr.str_at("/spec/releaseName").unwrap_or(hr.name());
    unavailable_workloads(inv, target_ns, |w| {
        w.label("helm.toolkit.fluxcd.io/name") == Some(hr.name())
            || w.annotation("meta.helm.sh/release-name") == Some(release)
            || w.label("app.kubernetes.io/instance") == Some(release)
    })
    .iter()
    .map(Obj::obj_ref)
    .collect()
}

/// HelmReleases: source, dependency, install/upgrade, retries, values failures.
fn helmrelease(inv: &Inventory, o: &Obj, gitops: Option<&GitOps>) -> Option<Finding> {
    let (reason, msg) = not_ready(o)?;
    let line = cond_line("Ready", &reason, &msg);
    let lower = msg.to_ascii_lowercase();
    let stalled = o.condition("Stalled").filter(|c| c.is_true());
    let chart_src = o
        .str_at("/status/helmChart")
        .map(|hc| {
            let (ns, name) = split_ns(hc, o.namespace());
            oref("HelmChart", ns, name)
        })
        .filter(|r| inv.get_ref(r).is_some())
        .or_else(|| source_ref(o, "/spec/chart/spec/sourceRef"))
        .or_else(|| source_ref(o, "/spec/chartRef"));
    let f = match reason.as_str() {
        "DependencyNotReady" => dependency_finding(inv, o, &msg),
        "ArtifactFailed" if lower.contains("could not get source object") => {
            let mut f = finding(
                "flux.source-not-found",
                Severity::Error,
                o,
                "HelmRelease references a chart source that does not exist",
            )
            .evidence(line);
            if let Some((ns, patch)) = missing_namespace_fix(
                inv,
                o,
                "/spec/chart/spec/sourceRef",
                &["spec", "chart", "spec", "sourceRef"],
            ) {
                f = f.evidence(format!("a source of that kind and name exists in {ns}")).fix(
                    merge_patch(o.obj_ref(), patch),
                    format!(
                        "sourceRef has no namespace, so it looks in {}; the source lives in {ns}",
                        o.namespace().unwrap_or("")
                    ),
                    gitops,
                );
            }
            f.fix(
                describe(o.obj_ref()),
                "fix spec.chart.spec.sourceRef / spec.chartRef",
                gitops,
            )
        }
        "SourceNotReady" | "ArtifactFailed" => {
            let mut f = finding(
                "flux.source-artifact-missing",
                Severity::Error,
                o,
                "HelmRelease waits for its chart source",
            )
            .evidence(line);
            if let Some(c) = &chart_src {
                f = f
                    .caused_by(c.clone())
                    .evidence(format!("chart source: {}", c.display()));
            }
            f
        }
        "ValuesError" => {
            let r = quoted_after(&msg, "reference").unwrap_or("");
            let kind = if msg.contains("Secret chart values") {
                "Secret"
            } else {
                "ConfigMap"
            };
            let (ns, name) = split_ns(r, o.namespace());
            finding(
                "flux.helmrelease-values-error",
                Severity::Error,
                o,
                format!("valuesFrom {kind} {r} cannot be resolved"),
            )
            .evidence(line)
            .evidence("often created by another Kustomization that is not ready yet (check dependsOn), or a wrong valuesKey (default values.yaml)")
            .fix(
                Action::Get { target: oref(kind, ns, name) },
                "create the referenced object or key, or mark the reference optional",
                None,
            )
        }
        r if r.ends_with("Failed")
            && (r.starts_with("Install")
                || r.starts_with("Upgrade")
                || r.starts_with("Test")
                || r.starts_with("Rollback")
                || r.starts_with("Uninstall")) =>
        {
            let (id, title) = match &stalled {
                Some(s) if s.reason == "RetriesExceeded" || s.reason == "MissingRollbackTarget" => {
                    (
                        "flux.helmrelease-retries-exhausted",
                        format!(
                            "Helm {} failed and retries are exhausted (Stalled: will not retry by itself)",
                            verb_of(r)
                        ),
                    )
                }
                _ => (
                    "flux.helmrelease-install-upgrade-failed",
                    format!("Helm {} failed", verb_of(r)),
                ),
            };
            let mut f = finding(id, Severity::Error, o, title).evidence(line);
            if let Some(s) = &stalled {
                f = f.evidence(cond_line("Stalled", &s.reason, &s.message));
            }
            for counter in ["installFailures", "upgradeFailures"] {
                if let Some(n) = o.i64_at(&format!("/status/{counter}")).filter(|n| *n > 0) {
                    f = f.evidence(format!("{counter}: {n}"));
                }
            }
            if lower.contains("invalid ownership metadata") || lower.contains("already exists") {
                f = f.evidence("ownership conflict: an object was created outside Helm; add the meta.helm.sh release annotations or delete it");
            }
            if lower.contains("immutable") {
                f = f.fix(
                    merge_patch(o.obj_ref(), json!({"spec":{"upgrade":{"force":true}}})),
                    "let Helm replace objects whose immutable fields changed",
                    gitops,
                );
            }
            // A timed-out release is a symptom of its pods.
            if let Some(w) = release_workloads(inv, o).into_iter().next() {
                f = f
                    .evidence(format!("unavailable workload: {}", w.display()))
                    .caused_by(w);
            }
            if o.at("/spec/upgrade/remediation/retries").is_none() {
                f = f.fix(
                    merge_patch(o.obj_ref(), json!({"spec":{"install":{"remediation":{"retries":3}},"upgrade":{"remediation":{"retries":3}}}})),
                    "use finite remediation retries so a transient failure does not stall the release",
                    gitops,
                );
            }
            return Some(f.fix(
                reconcile(o, true, stalled.is_some()),
                if stalled.is_some() {
                    "after the fix, --reset clears the failure counters so the release retries"
                } else {
                    "retry the release with a fresh chart once the cause is fixed"
                },
                None,
            ));
        }
        _ => finding(
            "flux.helmrelease-not-ready",
            Severity::Error,
            o,
            "HelmRelease is not ready",
        )
        .evidence(line),
    };
    Some(f.fix(
        reconcile(o, true, false),
        "reconcile with a fresh source once the cause is fixed",
        None,
    ))
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
