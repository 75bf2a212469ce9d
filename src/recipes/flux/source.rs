//! A failing Flux source (GitRepository, OCIRepository, HelmRepository, HelmChart, Bucket): why it cannot fetch, and what it blocks.

use super::*;

/// Sources: flux.git-auth-failed, flux.git-ref-not-found, flux.oci-pull-failed,
/// flux.helmrepo-index-failed, flux.helmchart-version-not-found, flux.source-artifact-missing.
pub(super) fn source(inv: &Inventory, o: &Obj) -> Option<Finding> {
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
