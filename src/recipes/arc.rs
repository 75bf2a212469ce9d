//! ARC recipe (gha-runner-scale-set): AutoscalingRunnerSet → EphemeralRunnerSet →
//! EphemeralRunner → runner pods, plus the AutoscalingListener and the controller.
//!
//! Covers failure-modes.md section C: controller RBAC forbidden (controllerServiceAccount),
//! listener restarts under Argo CD label tracking (root cause: `argocd-cm`), no listener / no
//! scaling (GitHub config secret), failed and stuck-terminating runners, dind needing the
//! `privileged` Pod Security level, and containerMode kubernetes pitfalls. The listener has an
//! empty status, so controller and listener logs are evidence.

use serde_json::{Value, json};

use super::Recipe;
use super::common::{Propose, argocd_tracking, gitops_owner, merge_patch, oref, trunc};
use crate::action::Action;
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::{Finding, Severity};

pub struct Arc;

const ID: &str = "arc";

impl Recipe for Arc {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "GitHub Actions Runner Controller scale sets: controller RBAC, listener restarts under Argo CD label tracking, no scaling, failed/stuck runners, dind PodSecurity, containerMode kubernetes"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "AutoscalingRunnerSet",
            "EphemeralRunnerSet",
            "EphemeralRunner",
            "AutoscalingListener",
            "Deployment",
            "Pod",
            "RoleBinding",
            "ConfigMap",
            "Application",
            "Namespace",
            "Event",
        ]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        inv.is_served("AutoscalingRunnerSet")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let ctl = controller(inv);
        let logs = ctl
            .as_ref()
            .map(|c| controller_logs(inv, c))
            .unwrap_or_default();
        let mut out = Vec::new();
        let rbac = ctl.as_ref().and_then(|c| rbac_forbidden(inv, c, &logs));
        let rbac_ref = rbac.as_ref().map(|f| f.object.clone());
        out.extend(rbac);
        let tracking = label_tracking(inv, &logs);
        let tracking_ref = tracking.as_ref().map(|f| f.object.clone());
        out.extend(tracking);
        for ars in inv.of_kind("AutoscalingRunnerSet") {
            out.extend(no_listener(inv, &ars, &logs, rbac_ref.as_ref()));
            out.extend(dind_pod_security(inv, &ars));
            out.extend(container_mode(&ars));
        }
        out.extend(listener_restarts(inv, tracking_ref.as_ref()));
        out.extend(runners(inv, rbac_ref.as_ref()));
        out
    }
}

/// The gha-rs-controller Deployment.
fn controller<'a>(inv: &'a Inventory) -> Option<Obj<'a>> {
    inv.of_kind("Deployment").find(|d| {
        d.label("app.kubernetes.io/part-of") == Some("gha-rs-controller")
            || d.name().ends_with("gha-rs-controller")
    })
}

/// All log lines of the controller's pods.
fn controller_logs(inv: &Inventory, ctl: &Obj) -> Vec<String> {
    let r = ctl.obj_ref();
    let ns = ctl.namespace().unwrap_or("");
    super::common::pods_of(inv, &r)
        .iter()
        .filter_map(|p| inv.logs_for(ns, p.name(), None))
        .flat_map(|l| l.lines().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn lines_with<'a>(logs: &'a [String], needles: &[&str]) -> Vec<&'a String> {
    logs.iter()
        .filter(|l| needles.iter().any(|n| l.contains(n)))
        .collect()
}

/// arc.controller-rbac-forbidden: the manager RoleBinding names another service account.
fn rbac_forbidden(inv: &Inventory, ctl: &Obj, logs: &[String]) -> Option<Finding> {
    let forbidden = lines_with(logs, &["is forbidden"]);
    let first = forbidden.first()?;
    let ns = ctl.namespace().unwrap_or("");
    let sa = ctl
        .str_at("/spec/template/spec/serviceAccountName")
        .unwrap_or("default");
    let mut f = Finding::new(ID, "arc.controller-rbac-forbidden", Severity::Error, ctl.obj_ref(),
        "ARC controller is forbidden from creating listener Roles/Secrets in the scale-set namespace")
        .evidence(format!("controller log ({}x): {}", forbidden.len(), trunc(first, 300)))
        .evidence(format!("controller runs as system:serviceaccount:{ns}:{sa}"));
    for rb in inv
        .of_kind("RoleBinding")
        .filter(|b| b.label("app.kubernetes.io/component") == Some("manager-role-binding"))
    {
        let subj = rb.array_at("/subjects").first().map(Obj);
        let (sn, sns) = (
            subj.and_then(|s| s.str_at("/name")).unwrap_or(""),
            subj.and_then(|s| s.str_at("/namespace")).unwrap_or(""),
        );
        if (sn, sns) != (sa, ns) {
            f = f.evidence(format!(
                "RoleBinding {}/{} binds {sns}:{sn} — not the running controller's SA",
                rb.namespace().unwrap_or(""),
                rb.name()
            ));
        }
        f = f.fix(
            Action::Get {
                target: rb.obj_ref(),
            },
            "compare the binding's subject with the controller's service account",
            None,
        );
    }
    // The durable fix is the scale-set values: controllerServiceAccount.
    if let Some(ars) = inv.of_kind("AutoscalingRunnerSet").next()
        && let Some(g) = gitops_owner(inv, &ars).filter(|g| g.owner.kind == "Application")
    {
        let patch = json!({"spec":{"source":{"helm":{"valuesObject":{"controllerServiceAccount":{"name": sa, "namespace": ns}}}}}});
        f = f.fix(
            merge_patch(g.owner.clone(), patch),
            format!("set controllerServiceAccount to {ns}/{sa} in the scale-set values"),
            Some(&g),
        );
    }
    Some(f)
}

/// arc.listener-restart-argocd-labels: label tracking adopts what ARC generates. Reported on
/// `argocd-cm`, the root cause; listener restarts and Argo drift are its symptoms.
fn label_tracking(inv: &Inventory, logs: &[String]) -> Option<Finding> {
    let (cm, method) = argocd_tracking(inv)?;
    if method != "label" {
        return None;
    }
    let labelled: Vec<String> = inv
        .of_kind("AutoscalingRunnerSet")
        .filter(|a| {
            a.label("app.kubernetes.io/instance").is_some()
                || a.label("argocd.argoproj.io/instance").is_some()
        })
        .map(|a| a.obj_ref().display())
        .collect();
    if labelled.is_empty() {
        return None;
    }
    let churn = lines_with(
        logs,
        &[
            "Cleaning up the listener",
            "Deleting resources",
            "AutoscalingListener does not exist, creating",
        ],
    );
    let mut f = Finding::new(ID, "arc.listener-restart-argocd-labels", if churn.is_empty() { Severity::Warning } else { Severity::Error }, cm.clone(),
        "Argo CD label tracking adopts ARC-generated listeners and runner sets, so they are pruned and recreated in a loop")
        .evidence(format!("argocd-cm application.resourceTrackingMethod: {method} (unset means label before Argo CD 3.0)"))
        .evidence(format!("Argo CD instance label on {}", labelled.join(", ")));
    if !churn.is_empty() {
        f = f.evidence(format!(
            "controller log: {} listener clean-up/recreate lines, e.g. {}",
            churn.len(),
            trunc(churn[0], 160)
        ));
    }
    Some(
        f.fix(
            merge_patch(cm, json!({"data":{"application.resourceTrackingMethod":"annotation"}})),
            "switch Argo CD to annotation tracking (cluster-wide: resync all apps afterwards); alternatively set flags.excludeLabelPropagationPrefixes: [\"app.kubernetes.io/instance\"] in the controller chart",
            None,
        ),
    )
}

/// Listener pods that restart (symptoms of label tracking when it is on).
fn listener_restarts(inv: &Inventory, tracking: Option<&ObjRef>) -> Vec<Finding> {
    let mut out = Vec::new();
    for l in inv.of_kind("AutoscalingListener") {
        let ns = l.namespace();
        let pods: Vec<Obj> = inv
            .of_kind("Pod")
            .filter(|p| {
                p.namespace() == ns
                    && (p
                        .owner_refs()
                        .iter()
                        .any(|(k, n)| *k == "AutoscalingListener" && *n == l.name())
                        || p.name().starts_with(l.name()))
            })
            .collect();
        let restarts: i64 = pods
            .iter()
            .flat_map(|p| p.array_at("/status/containerStatuses").to_vec())
            .filter_map(|c| c.get("restartCount").and_then(Value::as_i64))
            .sum();
        let canceled = pods
            .iter()
            .filter_map(|p| inv.logs_for(ns.unwrap_or(""), p.name(), None))
            .any(|log| log.contains("context canceled"));
        if restarts < 3 && !canceled && tracking.is_none() {
            continue;
        }
        if restarts == 0 && !canceled {
            continue;
        }
        let mut f = Finding::new(
            ID,
            "arc.listener-restarting",
            Severity::Warning,
            l.obj_ref(),
            "scale-set listener keeps restarting: queued jobs wait",
        )
        .evidence(format!(
            "listener pods restarted {restarts} times{}",
            if canceled {
                "; listener log shows `context canceled` on message polling"
            } else {
                ""
            }
        ));
        if let Some(t) = tracking {
            f = f.caused_by(t.clone());
        }
        out.push(f);
    }
    out
}

/// arc.listener-missing-no-scaling
fn no_listener(
    inv: &Inventory,
    ars: &Obj,
    logs: &[String],
    rbac: Option<&ObjRef>,
) -> Option<Finding> {
    let has_listener = inv.of_kind("AutoscalingListener").any(|l| {
        l.str_at("/spec/autoscalingRunnerSetName") == Some(ars.name())
            || l.name().starts_with(ars.name())
    });
    let registered = ars.annotation("runner-scale-set-id").is_some();
    if has_listener && registered {
        return None;
    }
    let secret = ars.str_at("/spec/githubConfigSecret").unwrap_or("");
    let mut f = Finding::new(ID, "arc.listener-missing-no-scaling", Severity::Error, ars.obj_ref(),
        "no listener for this scale set: queued jobs never get runners")
        .evidence(format!("listener present: {has_listener}; registered with GitHub (runner-scale-set-id): {registered}"));
    for l in lines_with(
        logs,
        &[
            "Failed to initialize Actions service client",
            "failed to get secret",
            "Failed to create a new runner scale set",
            "Failed to get runner group",
        ],
    )
    .iter()
    .take(2)
    {
        f = f.evidence(format!("controller log: {}", trunc(l, 250)));
    }
    if let Some(r) = rbac {
        f = f.caused_by(r.clone());
    }
    Some(f.fix(
        Action::Get { target: oref("Secret", ars.namespace(), secret) },
        "the GitHub config secret needs github_app_id, github_app_installation_id and github_app_private_key, or github_token",
        None,
    ))
}

/// arc.dind-needs-privileged: dind needs the `privileged` Pod Security level.
fn dind_pod_security(inv: &Inventory, ars: &Obj) -> Option<Finding> {
    let spec = ars.at("/spec/template/spec")?;
    let s = Obj(spec);
    let privileged = s
        .array_at("/containers")
        .iter()
        .chain(s.array_at("/initContainers"))
        .any(|c| {
            c.get("name").and_then(Value::as_str) == Some("dind")
                || c.pointer("/securityContext/privileged")
                    .and_then(Value::as_bool)
                    == Some(true)
        });
    if !privileged {
        return None;
    }
    let ns = inv.get("Namespace", None, ars.namespace()?)?;
    let level = ns.label("pod-security.kubernetes.io/enforce")?;
    if level == "privileged" {
        return None;
    }
    Some(
        Finding::new(ID, "arc.dind-needs-privileged", Severity::Error, ns.obj_ref(),
            format!("runner pods need a privileged dind container but the namespace enforces Pod Security `{level}`"))
            .evidence(format!("{} runs dind (privileged)", ars.obj_ref().display()))
            .fix(
                merge_patch(ns.obj_ref(), json!({"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"privileged"}}})),
                "allow privileged pods in the runner namespace only (keep it dedicated to runners)",
                gitops_owner(inv, &ns).as_ref(),
            ),
    )
}

/// containerMode kubernetes: every job must declare `container:`, and the work volume must bind.
fn container_mode(ars: &Obj) -> Option<Finding> {
    let env: Vec<&Value> = ars
        .array_at("/spec/template/spec/containers")
        .iter()
        .flat_map(|c| Obj(c).array_at("/env").iter())
        .collect();
    let val = |k: &str| {
        env.iter()
            .find(|e| e.get("name").and_then(Value::as_str) == Some(k))
            .and_then(|e| e.get("value")?.as_str())
    };
    val("ACTIONS_RUNNER_CONTAINER_HOOKS")?;
    Some(
        Finding::new(ID, "arc.containermode-kubernetes", Severity::Info, ars.obj_ref(),
            "containerMode kubernetes: jobs without `container:` fail, and each job needs its work-volume PVC to bind")
            .evidence(format!("ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER={}", val("ACTIONS_RUNNER_REQUIRE_JOB_CONTAINER").unwrap_or("unset")))
            .evidence("use containerMode dind for unmodified workflows (needs privileged Pod Security)"),
    )
}

/// arc.ephemeralrunner-failed and arc.ephemeralrunner-stuck-terminating, one finding per
/// EphemeralRunnerSet and mode.
fn runners(inv: &Inventory, rbac: Option<&ObjRef>) -> Vec<Finding> {
    let mut failed: std::collections::BTreeMap<ObjRef, Vec<Obj>> = Default::default();
    let mut stuck: std::collections::BTreeMap<ObjRef, Vec<Obj>> = Default::default();
    for er in inv.of_kind("EphemeralRunner") {
        let owner = er
            .owner_refs()
            .into_iter()
            .find(|(k, _)| *k == "EphemeralRunnerSet")
            .map(|(_, n)| oref("EphemeralRunnerSet", er.namespace(), n))
            .unwrap_or_else(|| er.obj_ref());
        if er.str_at("/metadata/deletionTimestamp").is_some()
            && !er.array_at("/metadata/finalizers").is_empty()
        {
            stuck.entry(owner).or_default().push(er);
        } else if er.str_at("/status/phase") == Some("Failed") {
            failed.entry(owner).or_default().push(er);
        }
    }
    let mut out = Vec::new();
    for (owner, ers) in failed {
        let mut f = Finding::new(
            ID,
            "arc.ephemeralrunner-failed",
            Severity::Error,
            owner,
            format!("{} ephemeral runner(s) Failed", ers.len()),
        );
        for er in ers.iter().take(3) {
            let msg = er.str_at("/status/message").unwrap_or("");
            f = f.evidence(format!(
                "{}: {} {}",
                er.name(),
                er.str_at("/status/reason").unwrap_or(""),
                trunc(msg, 250)
            ));
            if msg.contains("PodSecurity")
                && let Some(ns) = er.namespace()
            {
                f = f.caused_by(oref("Namespace", None, ns));
            } else if msg.contains("exceeded quota") {
                f = f.evidence(
                    "namespace ResourceQuota: raise it or lower the runner template's requests",
                );
            }
        }
        for er in ers.iter().take(3) {
            f = f.fix(
                Action::Delete {
                    target: er.obj_ref(),
                },
                "clear the Failed runner after fixing template.spec in the values",
                None,
            );
        }
        out.push(f);
    }
    for (owner, ers) in stuck {
        let mut f = Finding::new(
            ID,
            "arc.ephemeralrunner-stuck-terminating",
            Severity::Warning,
            owner,
            format!(
                "{} ephemeral runner(s) stuck terminating on finalizers",
                ers.len()
            ),
        )
        .evidence(
            ers.iter()
                .take(3)
                .map(|e| e.name())
                .collect::<Vec<_>>()
                .join(", "),
        );
        if let Some(r) = rbac {
            f = f.caused_by(r.clone());
        }
        if let Some(er) = ers.first() {
            f = f.fix(Action::RemoveFinalizers { target: er.obj_ref() },
                "last resort: removing the finalizers may leave an offline runner registered in GitHub", None);
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autonomy::Policy;
    use crate::finding::link;
    use crate::recipes::testing::{by_id, load};

    #[test]
    fn listener_restarts_root_cause_is_argocd_label_tracking() {
        let inv = load("arc-listener-restarts");
        let fs = Arc.diagnose(&inv);
        let root = by_id(&fs, "arc.listener-restart-argocd-labels");
        assert_eq!(root.object.display(), "ConfigMap/argocd/argocd-cm");
        assert_eq!(root.severity, Severity::Error);
        let l = by_id(&fs, "arc.listener-restarting");
        assert_eq!(
            l.cause.as_ref().unwrap().display(),
            "ConfigMap/argocd/argocd-cm"
        );
        let mut all = fs;
        all.extend(crate::recipes::argocd::ArgoCd.diagnose(&inv));
        let linked = link(all, &Policy::default());
        let root_i = linked
            .iter()
            .position(|f| f.id == "arc.listener-restart-argocd-labels")
            .unwrap();
        let drift = linked
            .iter()
            .find(|f| f.id == "argocd.outofsync-drift")
            .unwrap();
        assert_eq!(drift.caused_by, Some(root_i));
    }
}
