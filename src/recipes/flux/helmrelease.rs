//! A failing Flux HelmRelease: its chart source, its dependencies, the failed Helm action and the release's unavailable workloads.

use super::*;

/// The release's workloads that are unavailable: labelled by helm-controller, or carrying the
/// Helm release annotations, in the target namespace.
pub(super) fn release_workloads(inv: &Inventory, hr: &Obj) -> Vec<ObjRef> {
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
pub(super) fn helmrelease(inv: &Inventory, o: &Obj, gitops: Option<&GitOps>) -> Option<Finding> {
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
