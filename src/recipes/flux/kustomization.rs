//! A failing Flux Kustomization: its source, its dependencies, a missing namespace, a failed apply.

use super::*;

/// Kustomizations: dependency, source, path, build, apply and health-check failures, plus the
/// stale-artifact trap (Ready=True on an old revision while the source fails).
pub(super) fn kustomization(inv: &Inventory, o: &Obj, gitops: Option<&GitOps>) -> Option<Finding> {
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
                .find(|r| inv.get_ref(r).is_some_and(|x| ready(&x) == Some(false) || crate::recipes::common::workload_unavailable(&x)))
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
pub(super) fn apply_failed(o: &Obj, msg: &str, gitops: Option<&GitOps>) -> Finding {
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
