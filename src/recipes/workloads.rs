//! Workloads recipe: pods, their controllers and their claims.
//!
//! Pod problems are reported on the pod's top-level controller (Deployment, StatefulSet,
//! DaemonSet, Job — or the bare Pod), one finding per controller and failure mode, so five
//! crashing replicas read as one problem and GitOps recipes can point at the workload.
//! Covers k8s.crashloopbackoff, k8s.oomkilled, k8s.imagepullbackoff,
//! k8s.createcontainerconfigerror, k8s.pending-* (node-condition taints blame the node, unbound
//! claims blame the PVC), k8s.pvc-pending, k8s.quota-exceeded, stuck rollouts and evictions.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Recipe;
use super::common::{
    GitOps, Propose, cond_line, controller_of, describe, forbidden_service_account, gitops_of_ref,
    is_workload, oref, quoted_after, secret_producer, strategic_patch, trunc, warning_events,
    webhook_in_message,
};
use crate::action::Action;
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::{Finding, Severity};

pub struct Workloads;

const ID: &str = "workloads";

impl Recipe for Workloads {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Pods and controllers: crash loops (OOM, exit codes, liveness kills, command not found), image pulls (previous good image), missing config, Pending by the deciding predicate, quota, stuck rollouts, evictions"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "Pod",
            "Event",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "DaemonSet",
            "Job",
            "PersistentVolumeClaim",
            "Node",
        ]
    }
    fn relevant(&self, _inv: &Inventory) -> bool {
        true
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        // (controller, id) → finding; BTreeMap keeps the output deterministic.
        let mut grouped: BTreeMap<(ObjRef, String), Finding> = BTreeMap::new();
        for pod in inv.of_kind("Pod") {
            let owner = controller_of(inv, &pod);
            for f in pod_findings(inv, &pod, &owner) {
                match grouped.entry((owner.clone(), f.id.clone())) {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(f);
                    }
                    std::collections::btree_map::Entry::Occupied(mut o) => {
                        // Same mode on another replica: one more evidence line is enough.
                        if let Some(e) = f.evidence.into_iter().next()
                            && o.get().evidence.len() < 8
                        {
                            o.get_mut().evidence.push(e);
                        }
                    }
                }
            }
        }
        let mut out: Vec<Finding> = grouped.into_values().collect();
        out.extend(controller_findings(inv, &out));
        out.extend(pvc_findings(inv));
        out
    }
}

fn finding(id: &str, sev: Severity, obj: &ObjRef, title: String) -> Finding {
    Finding::new(ID, id, sev, obj.clone(), title)
}

/// Everything wrong with one pod, reported on its controller `owner`.
fn pod_findings(inv: &Inventory, pod: &Obj, owner: &ObjRef) -> Vec<Finding> {
    let name = pod.name();
    let gitops = gitops_of_ref(inv, owner);
    let mut out = Vec::new();

    // k8s.node-pressure: evicted pods name the starved resource; the node is the cause.
    if pod.str_at("/status/phase") == Some("Failed")
        && pod.str_at("/status/reason") == Some("Evicted")
    {
        let mut f = finding(
            "k8s.pod-evicted",
            Severity::Warning,
            owner,
            format!("{} pod(s) evicted by the kubelet", owner.kind),
        )
        .evidence(format!(
            "pod {name}: {}",
            trunc(pod.str_at("/status/message").unwrap_or("Evicted"), 200)
        ))
        .fix(
            Action::Delete {
                target: pod.obj_ref(),
            },
            "evicted pod objects are kept for inspection only; delete them once read (k8s.node-pressure)",
            None,
        );
        if let Some(node) = pod.str_at("/spec/nodeName") {
            f = f.caused_by(oref("Node", None, node));
        }
        out.push(f);
        return out;
    }

    if let Some(f) = pending_finding(inv, pod, owner) {
        out.push(f);
        return out;
    }

    let statuses = pod
        .array_at("/status/initContainerStatuses")
        .iter()
        .chain(pod.array_at("/status/containerStatuses"));
    for cs in statuses {
        let c = Obj(cs);
        let cname = c.str_at("/name").unwrap_or("");
        let reason = c.str_at("/state/waiting/reason").unwrap_or("");
        let message = c.str_at("/state/waiting/message").unwrap_or("");
        let restarts = c.i64_at("/restartCount").unwrap_or(0);
        let last_reason = c.str_at("/lastState/terminated/reason").unwrap_or("");
        let exit = c.i64_at("/lastState/terminated/exitCode");
        if let Some(f) = command_not_found(pod, owner, &c) {
            out.push(f);
            continue;
        }
        match reason {
            "CrashLoopBackOff" | "RunContainerError" | "" if last_reason == "OOMKilled" => {
                out.push(oom_finding(pod, owner, cname, restarts, gitops.as_ref()));
            }
            "CrashLoopBackOff" if liveness_kills(inv, pod).is_some() => {
                out.push(liveness_finding(inv, pod, owner, cname, restarts));
            }
            "CrashLoopBackOff" => {
                out.push(crashloop_finding(
                    inv,
                    pod,
                    owner,
                    cname,
                    restarts,
                    exit,
                    gitops.as_ref(),
                ));
            }
            "ImagePullBackOff" | "ErrImagePull" | "InvalidImageName" | "ErrImageNeverPull" => {
                out.push(image_finding(
                    inv,
                    pod,
                    owner,
                    &c,
                    reason,
                    message,
                    gitops.as_ref(),
                ));
            }
            "CreateContainerConfigError" => {
                // k8s.createcontainerconfigerror: the message names the missing object or key.
                // A Secret some operator should produce makes that producer the cause.
                let mut f = finding(
                    "k8s.createcontainerconfigerror",
                    Severity::Error,
                    owner,
                    format!("container {cname} cannot start: {}", trunc(message, 120)),
                );
                if let Some(p) = quoted_after(message, "secret")
                    .and_then(|s| secret_producer(inv, pod.namespace(), s))
                {
                    f = f
                        .evidence(format!("the Secret is produced by {}", p.display()))
                        .caused_by(p);
                }
                out.push(
                    f.evidence(format!("pod {name}: container {cname}: {message}"))
                    .evidence(
                        "a missing Secret is usually produced by another system (External Secrets, \
                         SOPS, another Kustomization): check that producer first",
                    )
                    .fix(
                        describe(pod.obj_ref()),
                        "confirm which Secret/ConfigMap or key is missing; the kubelet retries on its own once it exists",
                        None,
                    ),
                );
            }
            "CreateContainerError" | "CreatePodSandboxError" => out.push(
                finding(
                    "k8s.container-error",
                    Severity::Error,
                    owner,
                    format!("container {cname}: {reason}"),
                )
                .evidence(format!("pod {name}: {}", trunc(message, 300)))
                .fix(
                    describe(pod.obj_ref()),
                    "read the runtime error in the pod events",
                    None,
                ),
            ),
            _ => {}
        }
    }
    if out.is_empty()
        && pod.str_at("/status/phase") == Some("Running")
        && pod.condition("Ready").is_some_and(|c| c.is_false())
    {
        // Running but never Ready: usually the readiness probe (k8s.service-no-endpoints case 2).
        let probe: Vec<String> = warning_events(inv, pod)
            .into_iter()
            .filter(|(r, m)| r == "Unhealthy" && m.starts_with("Readiness probe failed"))
            .map(|(_, m)| trunc(&m, 200))
            .collect();
        if let Some(last) = probe.last() {
            out.push(
                finding(
                    "k8s.readiness-probe-failing",
                    Severity::Warning,
                    owner,
                    "pods run but fail their readiness probe".into(),
                )
                .evidence(format!("pod {name}: {last}"))
                .fix(
                    Action::Logs {
                        target: pod.obj_ref(),
                        container: None,
                        previous: None,
                    },
                    "see why the application does not report ready",
                    None,
                ),
            );
        }
    }
    out
}

/// k8s.oomkilled: the limit is below the working set. Proposes doubling the memory limit.
fn oom_finding(
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
fn crashloop_finding(
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
fn liveness_kills(inv: &Inventory, pod: &Obj) -> Option<String> {
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
fn liveness_finding(
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
fn command_not_found(pod: &Obj, owner: &ObjRef, c: &Obj) -> Option<Finding> {
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
fn image_finding(
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
fn previous_good_revision<'a>(inv: &'a Inventory, deploy: &ObjRef) -> Option<(i64, Obj<'a>)> {
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
fn previous_good_image(inv: &Inventory, deploy: &ObjRef, container: &str) -> Option<(i64, String)> {
    let (rev, rs) = previous_good_revision(inv, deploy)?;
    let image = rs
        .array_at("/spec/template/spec/containers")
        .iter()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(container))?
        .get("image")?
        .as_str()?;
    Some((rev, image.to_string()))
}

/// One predicate of a FailedScheduling message: `2 node(s) had untolerated taint {k: v}`.
struct Predicate {
    nodes: u32,
    text: String,
}

/// The predicates of `0/3 nodes are available: A, B. preemption: …`, without the preemption
/// part (it repeats the counts and says nothing about the cause).
fn predicates(message: &str) -> Vec<Predicate> {
    let body = message.split(". preemption:").next().unwrap_or(message);
    let body = body.split_once("are available: ").map_or(body, |(_, b)| b);
    body.trim_end_matches('.')
        .split(", ")
        .filter_map(|p| {
            let (n, text) = p.trim().split_once(' ')?;
            Some(Predicate {
                nodes: n.parse().ok()?,
                text: text.to_string(),
            })
        })
        .collect()
}

/// `{key: value}` of a taint predicate.
fn taint_of(text: &str) -> Option<(String, String)> {
    let inner = text.split('{').nth(1)?.split('}').next()?;
    let (k, v) = inner.split_once(':').unwrap_or((inner, ""));
    Some((k.trim().to_string(), v.trim().to_string()))
}

/// Control-plane taints keep workloads off kubeadm/kind/k0s control-plane nodes on purpose.
/// Tolerating them is never the fix for an application pod, so they never explain a Pending pod.
fn is_control_plane_taint(key: &str) -> bool {
    key == "node-role.kubernetes.io/control-plane" || key == "node-role.kubernetes.io/master"
}

/// k8s.pending-*: why the scheduler cannot place the pod. The cause is the predicate that
/// excludes the nodes the pod could use; control-plane taints are incidental.
fn pending_finding(inv: &Inventory, pod: &Obj, owner: &ObjRef) -> Option<Finding> {
    let cond = pod.condition("PodScheduled").filter(|c| c.is_false())?;
    let events = warning_events(inv, pod);
    let message = events
        .iter()
        .rev()
        .find(|(r, _)| r == "FailedScheduling")
        .map(|(_, m)| m.clone())
        .unwrap_or(cond.message.clone());
    let ev = format!("pod {}: {}", pod.name(), trunc(&message, 300));
    let ns = pod.namespace();

    // A claim that does not exist at all is the volumes recipe's k8s.volume-source-missing.
    let claims: Vec<&str> = pod
        .array_at("/spec/volumes")
        .iter()
        .filter_map(|v| v.pointer("/persistentVolumeClaim/claimName")?.as_str())
        .collect();
    if inv.is_served("PersistentVolumeClaim")
        && claims
            .iter()
            .any(|c| inv.get("PersistentVolumeClaim", ns, c).is_none())
    {
        return None;
    }
    // k8s.pvc-pending: an unbound claim is the cause; the PVC gets its own finding.
    let pending_claim = claims.iter().copied().find(|c| {
        inv.get("PersistentVolumeClaim", ns, c)
            .is_none_or(|pvc| pvc.str_at("/status/phase") != Some("Bound"))
    });
    // A claim waiting for its first consumer binds once the pod is scheduled: then the
    // scheduler's predicates, not the claim, say why the pod is not.
    let claim_named = message.contains("unbound")
        || message.contains("PersistentVolumeClaim")
        || message.contains("persistentvolumeclaim");
    if claim_named || (pending_claim.is_some() && predicates(&message).is_empty()) {
        let mut f = finding(
            "k8s.pvc-pending",
            Severity::Error,
            owner,
            format!(
                "pod Pending: PersistentVolumeClaim {} is not bound",
                pending_claim.unwrap_or("?")
            ),
        )
        .evidence(ev);
        if let Some(c) = pending_claim {
            f = f.caused_by(oref("PersistentVolumeClaim", ns, c));
        }
        return Some(f);
    }

    let preds = predicates(&message);
    let taints: Vec<(&Predicate, String, String)> = preds
        .iter()
        .filter(|p| p.text.contains("untolerated taint") || p.text.contains("didn't tolerate"))
        .filter_map(|p| taint_of(&p.text).map(|(k, v)| (p, k, v)))
        .collect();
    let incidental: u32 = taints
        .iter()
        .filter(|(_, k, _)| is_control_plane_taint(k))
        .map(|(p, _, _)| p.nodes)
        .sum();
    let incidental_note = (incidental > 0).then(|| {
        format!(
            "{incidental} control-plane node(s) are excluded by their control-plane taint — by design: application pods never tolerate it"
        )
    });

    // k8s.pending-taint: a node-condition taint means the node is the root cause.
    if let Some((_, key, _)) = taints
        .iter()
        .find(|(_, k, _)| k.starts_with("node.kubernetes.io/"))
    {
        let condition_node = inv.of_kind("Node").find(|n| {
            n.array_at("/spec/taints")
                .iter()
                .any(|t| t.get("key").and_then(Value::as_str) == Some(key.as_str()))
        });
        let mut f = finding(
            "k8s.pending-taint",
            Severity::Error,
            owner,
            format!(
                "pod Pending: node condition taint {key} — the node is the problem, not the pod"
            ),
        )
        .evidence(ev)
        .evidence("do not add tolerations for node-condition taints; fix the node");
        if let Some(n) = condition_node {
            f = f.caused_by(n.obj_ref());
        }
        return Some(f);
    }
    let has = |words: &[&str]| {
        preds
            .iter()
            .any(|p| words.iter().any(|w| p.text.contains(w)))
            || (preds.is_empty() && words.iter().any(|w| message.contains(w)))
    };
    // The deciding predicate, quoted in the title: "2 node(s) didn't match pod anti-affinity rules".
    let quote = |words: &[&str]| {
        preds
            .iter()
            .filter(|p| words.iter().any(|w| p.text.contains(w)))
            .map(|p| format!("{} node(s) {}", p.nodes, p.text))
            .collect::<Vec<_>>()
            .join(", ")
    };
    const CAPACITY: &[&str] = &["Insufficient", "Too many pods"];
    const PLACEMENT: &[&str] = &[
        "node affinity",
        "selector",
        "affinity rules",
        "topology spread",
        "were unschedulable",
        "free ports",
    ];
    let (id, title) = if has(CAPACITY) {
        (
            "k8s.pending-insufficient-resources",
            format!(
                "pod Pending: no node has enough allocatable capacity for its requests ({})",
                quote(CAPACITY)
            ),
        )
    } else if has(PLACEMENT) {
        (
            "k8s.pending-affinity",
            format!(
                "pod Pending: nodeSelector/affinity/topology matches no schedulable node ({})",
                quote(PLACEMENT)
            ),
        )
    } else if let Some((_, key, value)) = taints.iter().find(|(_, k, _)| !is_control_plane_taint(k))
    {
        // A dedicated pool's taint: tolerating exactly that taint is the determinable fix.
        let mut f = finding(
            "k8s.pending-taint",
            Severity::Error,
            owner,
            format!(
                "pod Pending: untolerated taint {key}{}",
                if value.is_empty() {
                    String::new()
                } else {
                    format!("={value}")
                }
            ),
        )
        .evidence(ev);
        if let Some(n) = &incidental_note {
            f = f.evidence(n.clone());
        }
        if is_workload(&owner.kind) {
            let tol = json!({"spec":{"template":{"spec":{"tolerations":[
                {"key": key, "operator": if value.is_empty() {"Exists"} else {"Equal"}, "value": value, "effect": "NoSchedule"}]}}}});
            f = f.fix(
                strategic_patch(owner.clone(), tol),
                "tolerate the dedicated pool's taint (pair it with a nodeSelector so the pod lands there)",
                gitops_of_ref(inv, owner).as_ref(),
            );
        }
        return Some(f.fix(
            Action::List {
                kind: "Node".into(),
                namespace: None,
            },
            "list node taints to see which pool the pod would need",
            None,
        ));
    } else if incidental > 0 {
        (
            "k8s.pending-taint",
            "pod Pending: only control-plane nodes are left, and their taint keeps application pods off on purpose".to_string(),
        )
    } else {
        ("k8s.pod-pending", "pod cannot be scheduled".to_string())
    };
    let mut f = finding(id, Severity::Error, owner, title).evidence(ev);
    if let Some(n) = incidental_note {
        f = f.evidence(n);
    }
    if let Some(sel) = pod.at("/spec/nodeSelector") {
        f = f.evidence(format!("nodeSelector: {sel}"));
    }
    Some(f.fix(
        describe(pod.obj_ref()),
        "requests, not usage, decide scheduling: compare them with node allocatable",
        None,
    ))
}

/// Controller-level modes: quota/admission FailedCreate and stuck rollouts.
fn controller_findings(inv: &Inventory, pod_findings: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    for kind in ["Deployment", "StatefulSet", "DaemonSet", "Job"] {
        for o in inv.of_kind(kind) {
            let r = o.obj_ref();
            let has_pod_finding = pod_findings.iter().any(|f| f.object.same_object(&r));
            // k8s.quota-exceeded: pods never exist, so only the controller's events say why.
            let mut creators = vec![o];
            if kind == "Deployment" {
                creators.extend(inv.of_kind("ReplicaSet").filter(|rs| {
                    rs.namespace() == o.namespace()
                        && rs
                            .owner_refs()
                            .iter()
                            .any(|(k, n)| *k == "Deployment" && *n == o.name())
                }));
            }
            let failed = creators
                .iter()
                .flat_map(|c| warning_events(inv, c))
                .rfind(|(r, _)| r == "FailedCreate")
                .map(|(_, m)| m)
                .or_else(|| {
                    o.condition("ReplicaFailure")
                        .filter(|c| c.is_true())
                        .map(|c| c.message)
                });
            if let Some(m) = failed
                .as_deref()
                .filter(|m| m.contains("failed calling webhook"))
            {
                // An admission webhook that cannot be reached blocks every create it matches:
                // the webhook configuration is the cause (the webhooks recipe judges it).
                let mut f = finding(
                    "k8s.failedcreate-webhook",
                    Severity::Error,
                    &r,
                    format!("{kind} cannot create pods: an admission webhook call fails"),
                )
                .evidence(format!("FailedCreate: {}", trunc(m, 300)));
                if let Some(w) = webhook_in_message(inv, m) {
                    f = f.caused_by(w);
                }
                out.push(f);
                continue;
            }
            if let Some(m) = failed {
                let what = if m.contains("exceeded quota") {
                    "namespace ResourceQuota exceeded"
                } else if m.contains("must specify") {
                    "ResourceQuota requires requests/limits the pod template lacks"
                } else if m.contains("admission webhook") {
                    "an admission webhook denies the pods"
                } else {
                    "pods cannot be created"
                };
                out.push(
                    finding(
                        "k8s.quota-exceeded",
                        Severity::Error,
                        &r,
                        format!("{kind} cannot create pods: {what}"),
                    )
                    .evidence(format!("FailedCreate: {}", trunc(&m, 300)))
                    .fix(
                        Action::List {
                            kind: "ResourceQuota".into(),
                            namespace: o.namespace().map(str::to_string),
                        },
                        "compare the quota's used/hard with the template's requests and limits",
                        None,
                    ),
                );
                continue;
            }
            if let Some(c) = o
                .condition("Progressing")
                .filter(|c| c.reason == "ProgressDeadlineExceeded")
            {
                let mut f = finding(
                    "k8s.rollout-stuck",
                    Severity::Error,
                    &r,
                    "rollout exceeded its progress deadline".into(),
                )
                .evidence(cond_line("Progressing", &c.reason, &c.message));
                // A pod-level cause on the same workload explains the stuck rollout: pointing
                // the cause at the workload folds this under that finding.
                if has_pod_finding {
                    f = f.caused_by(r.clone());
                }
                // Undo only to a revision that existed and ran Ready; otherwise there is
                // nothing healthy to go back to.
                f = match previous_good_revision(inv, &r) {
                    Some((rev, _)) => f.fix(
                        Action::RolloutUndo {
                            target: r.clone(),
                            to_revision: Some(rev),
                        },
                        format!("roll back to revision {rev}, which ran Ready, while the new one is investigated"),
                        gitops_of_ref(inv, &r).as_ref(),
                    ),
                    None => f
                        .evidence("no earlier revision ran Ready: a rollback has nothing healthy to return to")
                        .fix(
                            Action::List {
                                kind: "Pod".into(),
                                namespace: o.namespace().map(str::to_string),
                            },
                            "see why the new pods do not become Ready",
                            None,
                        ),
                };
                out.push(f);
            }
        }
    }
    out
}

/// k8s.pvc-pending: claims that stay unbound, classified from their events.
fn pvc_findings(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for pvc in inv.of_kind("PersistentVolumeClaim") {
        if pvc.str_at("/status/phase") != Some("Pending") {
            continue;
        }
        let evs = warning_events(inv, &pvc);
        let all = inv.events_for("PersistentVolumeClaim", pvc.namespace(), pvc.name());
        let last_any = all.last().map(|e| {
            (
                e.str_at("/reason").unwrap_or("").to_string(),
                e.str_at("/message").unwrap_or("").to_string(),
            )
        });
        let (reason, msg) = evs.last().cloned().or(last_any).unwrap_or_default();
        // WaitForFirstConsumer is normal until a pod uses the claim: the pod is the story.
        if reason == "WaitForFirstConsumer" {
            continue;
        }
        let sc = pvc.str_at("/spec/storageClassName");
        let why = match reason.as_str() {
            "ProvisioningFailed" if msg.contains("not found") => {
                format!("StorageClass {} does not exist", sc.unwrap_or("?"))
            }
            "ProvisioningFailed" => "the provisioner failed".into(),
            "FailedBinding" => "no PersistentVolume matches and no StorageClass is set".into(),
            "ExternalProvisioning" => "waiting for a CSI provisioner that is not running".into(),
            _ => "claim is not bound".into(),
        };
        let r = pvc.obj_ref();
        let mut f = finding(
            "k8s.pvc-pending",
            Severity::Error,
            &r,
            format!("PersistentVolumeClaim Pending: {why}"),
        )
        .evidence(format!(
            "storageClassName: {}",
            sc.unwrap_or("<unset: uses the default StorageClass>")
        ));
        if !reason.is_empty() {
            f = f.evidence(format!("{reason}: {}", trunc(&msg, 300)));
        }
        f = f.fix(
            Action::List {
                kind: "StorageClass".into(),
                namespace: None,
            },
            "see which StorageClasses exist and which is the default",
            None,
        );
        if reason == "ProvisioningFailed" || reason == "FailedBinding" {
            // Never proposed as an action: deleting a claim is a data decision for a human.
            f = f.evidence(
                "storageClassName is immutable: fix it where the claim is defined and recreate the claim \
                 (it was never bound, so no data is on it)",
            );
        }
        if let Some(sts) = claim_template_owner(inv, &pvc) {
            f = f.caused_by(sts);
        }
        out.push(f);
    }
    out
}

/// The StatefulSet whose volumeClaimTemplate made this claim (`<template>-<sts>-<ordinal>`).
fn claim_template_owner(inv: &Inventory, pvc: &Obj) -> Option<ObjRef> {
    inv.of_kind("StatefulSet")
        .filter(|s| s.namespace() == pvc.namespace())
        .find(|s| {
            s.array_at("/spec/volumeClaimTemplates").iter().any(|t| {
                let tn = t
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                pvc.name()
                    .strip_prefix(&format!("{tn}-{}-", s.name()))
                    .is_some_and(|n| n.parse::<u32>().is_ok())
            })
        })
        .map(|s| s.obj_ref())
}

fn container_spec<'a>(pod: &Obj<'a>, name: &str) -> Option<&'a Value> {
    pod.array_at("/spec/containers")
        .iter()
        .chain(pod.array_at("/spec/initContainers"))
        .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
}

/// Doubles a memory quantity (`256Mi` → `512Mi`); None for forms we do not parse.
pub fn double_quantity(q: &str) -> Option<String> {
    let digits: String = q.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &q[digits.len()..];
    let n: u64 = digits.parse().ok()?;
    if !["", "Ki", "Mi", "Gi", "Ti", "K", "M", "G", "k"].contains(&suffix) {
        return None;
    }
    Some(format!("{}{suffix}", n.checked_mul(2)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipes::testing::{by_id, load};

    #[test]
    fn quantities() {
        assert_eq!(double_quantity("256Mi").as_deref(), Some("512Mi"));
        assert_eq!(double_quantity("1.5Gi"), None);
    }

    #[test]
    fn oomkilled_helm_workload_gets_a_gitops_memory_patch() {
        let inv = load("helmrelease-oomkilled");
        let fs = Workloads.diagnose(&inv);
        let f = by_id(&fs, "k8s.oomkilled");
        assert_eq!(f.object.display(), "Deployment/shop/checkout");
        assert!(f.cause.is_none());
        let p = &f.proposals[0];
        assert!(p.gitops_managed);
        assert!(p.rationale.contains("belongs in Git"));
        match &p.action {
            Action::Patch { patch, .. } => assert_eq!(
                patch.pointer("/spec/template/spec/containers/0/resources/limits/memory"),
                Some(&json!("512Mi"))
            ),
            a => panic!("{a:?}"),
        }
    }

    #[test]
    fn homelab_pending_pods_blame_node_and_pvc() {
        let inv = load("homelab-mixed");
        let fs = Workloads.diagnose(&inv);
        let taint = by_id(&fs, "k8s.pending-taint");
        assert_eq!(taint.cause.as_ref().unwrap().display(), "Node/k8s-3");
        let pvc_pod = fs
            .iter()
            .find(|f| f.id == "k8s.pvc-pending" && f.object.kind == "Deployment")
            .unwrap();
        assert_eq!(
            pvc_pod.cause.as_ref().unwrap().display(),
            "PersistentVolumeClaim/media/jellyfin-config"
        );
        let pvc = fs
            .iter()
            .find(|f| f.id == "k8s.pvc-pending" && f.object.kind == "PersistentVolumeClaim")
            .unwrap();
        assert!(
            pvc.title.contains("StorageClass fast-ssd does not exist"),
            "{}",
            pvc.title
        );
    }
}
