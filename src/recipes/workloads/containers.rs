//! Container failure modes: OOM kills, crash loops, liveness kills, a missing entrypoint and
//! image pulls.

use super::revisions::previous_good_image;
use super::{container_spec, double_quantity, finding};
use crate::action::Action;
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::{Finding, Severity};
use crate::recipes::common::{
    GitOps, Propose, describe, forbidden_service_account, oref, quoted_after, strategic_patch,
    trunc, warning_events,
};
use serde_json::{Value, json};

/// k8s.oomkilled: the limit is below the working set. Proposes doubling the memory limit.
pub(super) fn oom_finding(
    pod: &Obj,
    owner: &ObjRef,
    cname: &str,
    restarts: i64,
    gitops: Option<&GitOps>,
) -> Finding {
    let limit = container_spec(pod, cname)
        .and_then(|c| c.pointer("/resources/limits/memory"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let new_limit = limit
        .as_deref()
        .and_then(double_quantity)
        .unwrap_or_else(|| "1Gi".into());
    let mut f = finding(
        "k8s.oomkilled",
        Severity::Error,
        owner,
        format!(
            "container {cname} is OOMKilled (memory limit {})",
            limit.as_deref().unwrap_or("none")
        ),
    )
    .evidence(format!(
        "pod {}: container {cname} lastState OOMKilled (exit 137), {restarts} restarts",
        pod.name()
    ));
    if matches!(
        owner.kind.as_str(),
        "Deployment" | "StatefulSet" | "DaemonSet"
    ) {
        let patch = json!({"spec":{"template":{"spec":{"containers":[
            {"name": cname, "resources": {"limits": {"memory": new_limit}}}]}}}});
        f = f.fix(
            strategic_patch(owner.clone(), patch),
            format!(
                "raise the memory limit of {cname} from {} to {new_limit} (for JVM/Node also check the heap setting)",
                limit.as_deref().unwrap_or("unset")
            ),
            gitops,
        );
    }
    f.fix(
        Action::Top {
            target: pod.obj_ref(),
        },
        "compare the working set with the limit (needs the metrics API)",
        None,
    )
}

/// k8s.crashloopbackoff, split by the last termination. A Forbidden answer from the API in
/// the log makes the ServiceAccount's missing permission the cause.
pub(super) fn crashloop_finding(
    inv: &Inventory,
    pod: &Obj,
    owner: &ObjRef,
    cname: &str,
    restarts: i64,
    exit: Option<i64>,
    _gitops: Option<&GitOps>,
) -> Finding {
    let why = match exit {
        Some(137) => "killed with SIGKILL (exit 137) by a probe or an external kill",
        Some(127 | 126) => "command or entrypoint not found / not executable",
        Some(0) => "process exits successfully but should stay up",
        Some(_) => "application exits with an error (configuration or a dependency)",
        None => "keeps exiting",
    };
    let mut f = finding(
        "k8s.crashloopbackoff",
        Severity::Error,
        owner,
        format!("container {cname} in CrashLoopBackOff: {why}"),
    )
    .evidence(format!(
        "pod {}: container {cname} exit code {}, {restarts} restarts",
        pod.name(),
        exit.map_or("?".into(), |e| e.to_string())
    ));
    if let Some(log) = inv.logs_for(pod.namespace().unwrap_or(""), pod.name(), Some(cname)) {
        let tail: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
        for l in &tail[tail.len().saturating_sub(2)..] {
            f = f.evidence(format!("log: {}", trunc(l, 200)));
        }
        if let Some((ns, sa)) = log.lines().find_map(forbidden_service_account) {
            f = f.caused_by(oref("ServiceAccount", Some(ns), sa));
        }
    }
    f.fix(
        Action::Logs {
            target: pod.obj_ref(),
            container: Some(cname.to_string()),
            previous: Some(true),
        },
        "the previous container's last lines say why it exited",
        None,
    )
}

/// The newest liveness failure of a pod, when the kubelet killed a container for it.
pub(super) fn liveness_kills(inv: &Inventory, pod: &Obj) -> Option<String> {
    let evs = warning_events(inv, pod);
    let all = inv.events_for("Pod", pod.namespace(), pod.name());
    let killed = all.iter().any(|e| {
        e.str_at("/reason") == Some("Killing")
            && e.str_at("/message").is_some_and(|m| m.contains("liveness"))
    });
    let failed = evs
        .into_iter()
        .rev()
        .find(|(r, m)| r == "Unhealthy" && m.starts_with("Liveness probe failed"))
        .map(|(_, m)| m);
    if killed || failed.is_some() {
        return Some(failed.unwrap_or_else(|| "killed after failing its liveness probe".into()));
    }
    None
}

/// k8s.liveness-probe-failing: the kubelet restarts the container because its liveness probe
/// fails. The probe's own endpoint and the failure it reports are the evidence; a wrong path
/// or port is a spec error nobody can guess the right value for, so no patch is proposed.
pub(super) fn liveness_finding(
    inv: &Inventory,
    pod: &Obj,
    owner: &ObjRef,
    cname: &str,
    restarts: i64,
) -> Finding {
    let msg = liveness_kills(inv, pod).unwrap_or_default();
    let probe = container_spec(pod, cname).and_then(|c| c.get("livenessProbe"));
    let target = probe.map(|p| {
        let p = Obj(p);
        if let Some(path) = p.str_at("/httpGet/path") {
            let port = p
                .at("/httpGet/port")
                .map(Value::to_string)
                .unwrap_or_default();
            format!("HTTP GET {path} on port {}", port.trim_matches('"'))
        } else if let Some(port) = p.at("/tcpSocket/port") {
            format!("TCP connect to port {}", port.to_string().trim_matches('"'))
        } else if let Some(cmd) = p.at("/exec/command") {
            format!("exec {cmd}")
        } else {
            "probe".to_string()
        }
    });
    let code = msg
        .split("statuscode: ")
        .nth(1)
        .map(|c| c.trim().trim_end_matches('.').to_string());
    let what = match (&target, &code) {
        (Some(t), Some(c)) => format!("{t} answers {c}"),
        (Some(t), None) => format!("{t} fails"),
        (None, _) => "the probe fails".to_string(),
    };
    let mut f = finding(
        "k8s.liveness-probe-failing",
        Severity::Error,
        owner,
        format!("container {cname} is restarted by its liveness probe: {what}"),
    )
    .evidence(format!(
        "pod {}: {} ({restarts} restarts)",
        pod.name(),
        trunc(&msg, 200)
    ));
    f = match &code {
        Some(c) if c.starts_with('4') => f.evidence(format!(
            "the application answers {c} on the probe path: spec.containers[{cname}].livenessProbe points at an endpoint the app does not serve — set it to the app's health endpoint"
        )),
        Some(c) => f.evidence(format!(
            "the health endpoint itself reports failure ({c}): read the application log"
        )),
        None => f.evidence(
            "the probe gets no answer: the port is wrong or the app starts slower than the probe allows (a startupProbe covers slow starts)",
        ),
    };
    f.fix(
        describe(pod.obj_ref()),
        "read the probe definition and its events",
        None,
    )
    .fix(
        Action::Logs {
            target: pod.obj_ref(),
            container: Some(cname.to_string()),
            previous: Some(true),
        },
        "see whether the app logs the probe requests",
        None,
    )
}

/// k8s.command-not-found: the runtime could not start the entrypoint (exit 128, StartError,
/// `executable file not found`), in an init or a main container. Not an application error.
pub(super) fn command_not_found(pod: &Obj, owner: &ObjRef, c: &Obj) -> Option<Finding> {
    let texts = [
        c.str_at("/state/waiting/message").unwrap_or(""),
        c.str_at("/lastState/terminated/message").unwrap_or(""),
        c.str_at("/state/terminated/message").unwrap_or(""),
    ];
    let text = texts.iter().find(|t| {
        t.contains("executable file not found") || t.contains("no such file or directory")
    })?;
    let cname = c.str_at("/name").unwrap_or("");
    let cmd = quoted_after(text, "exec:").unwrap_or("?");
    let init = pod
        .array_at("/spec/initContainers")
        .iter()
        .any(|x| x.get("name").and_then(Value::as_str) == Some(cname));
    Some(
        finding(
            "k8s.command-not-found",
            Severity::Error,
            owner,
            format!(
                "{} container {cname} cannot start: command \"{cmd}\" is not in the image",
                if init { "init" } else { "main" }
            ),
        )
        .evidence(format!("pod {}: {}", pod.name(), trunc(text, 300)))
        .evidence(format!(
            "exit code {} — the runtime failed to exec the entrypoint; check the container's command/args or the image's PATH",
            c.i64_at("/lastState/terminated/exitCode").map_or("128".into(), |e| e.to_string())
        ))
        .fix(
            describe(pod.obj_ref()),
            "compare the container's command with what the image ships",
            None,
        ),
    )
}

/// k8s.imagepullbackoff, classified from the runtime error.
pub(super) fn image_finding(
    inv: &Inventory,
    pod: &Obj,
    owner: &ObjRef,
    c: &Obj,
    reason: &str,
    message: &str,
    gitops: Option<&GitOps>,
) -> Finding {
    let image = c.str_at("/image").unwrap_or("");
    let pulls: Vec<String> = warning_events(inv, pod)
        .into_iter()
        .filter(|(r, m)| r == "Failed" && m.contains("pull"))
        .map(|(_, m)| m)
        .collect();
    let text = format!("{message} {}", pulls.join(" ")).to_ascii_lowercase();
    let has = |ws: &[&str]| ws.iter().any(|w| text.contains(w));
    let (class, advice) = if reason == "InvalidImageName" {
        ("invalid image name", "fix the image reference")
    } else if has(&["429", "too many requests", "rate limit"]) {
        (
            "registry rate limit",
            "authenticate pulls (imagePullSecrets) or use a mirror",
        )
    } else if has(&[
        "401",
        "403",
        "unauthorized",
        "pull access denied",
        "authorization failed",
        "denied",
    ]) {
        (
            "unauthorized",
            "add or fix imagePullSecrets for this registry",
        )
    } else if has(&["not found", "manifest unknown", "name unknown"]) {
        ("image or tag not found", "fix the tag or repository in Git")
    } else if has(&["no such host", "dial tcp", "i/o timeout", "x509", "lookup "]) {
        (
            "registry unreachable (DNS, network, proxy or CA)",
            "check DNS, egress and the registry certificate from the node",
        )
    } else {
        ("pull failed", "read the pull error in the pod events")
    };
    let mut f = finding(
        "k8s.imagepullbackoff",
        Severity::Error,
        owner,
        format!("image {image} cannot be pulled: {class}"),
    )
    .evidence(format!("pod {}: {reason}", pod.name()));
    if let Some(p) = pulls.last() {
        f = f.evidence(trunc(p, 300));
    }
    if class == "unauthorized"
        && matches!(
            owner.kind.as_str(),
            "Deployment" | "StatefulSet" | "DaemonSet"
        )
    {
        f = f.fix(
            strategic_patch(
                owner.clone(),
                json!({"spec":{"template":{"spec":{"imagePullSecrets":[{"name":"regcred"}]}}}}),
            ),
            "create a docker-registry Secret `regcred` and reference it",
            gitops,
        );
    }
    if class == "image or tag not found"
        && owner.kind == "Deployment"
        && let Some((rev, good)) = previous_good_image(inv, owner, c.str_at("/name").unwrap_or(""))
    {
        let cname = c.str_at("/name").unwrap_or("");
        f = f
            .evidence(format!(
                "revision {rev} ran Ready with image {good}"
            ))
            .fix(
                strategic_patch(
                    owner.clone(),
                    json!({"spec":{"template":{"spec":{"containers":[{"name": cname, "image": good}]}}}}),
                ),
                format!("go back to {good}, the image of revision {rev}, which ran Ready, until {image} is published"),
                gitops,
            );
    }
    f.fix(describe(pod.obj_ref()), advice, None)
}
