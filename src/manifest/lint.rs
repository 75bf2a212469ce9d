//! House-convention lint and deny rules, from the team guides' patterns, pitfalls and code
//! review checklist. Warnings say what a reviewer would flag; deny rules (errors) block
//! output in CMP mode and fail `lint`.
//!
//! | rule | level | why |
//! |---|---|---|
//! | `deny-privileged` | error | a privileged container owns the node |
//! | `deny-host-namespaces` | error | hostNetwork/hostPID/hostIPC escape pod isolation |
//! | `deny-host-path` | error | hostPath mounts the node's filesystem |
//! | `deny-cluster-admin` | error | binding cluster-admin grants everything |
//! | `deny-kind` | error | kind outside the configured allow-list |
//! | `resources` | warning | no requests/limits: noisy neighbours, evictions |
//! | `probes` | warning | no readiness/liveness on a long-running container |
//! | `security-context` | warning | runAsNonRoot / no privilege escalation / drop ALL missing |
//! | `image-tag` | warning | `:latest` or untagged images are not reproducible |
//! | `helm-retries` | warning | HelmRelease `retries: -1` retries forever (resource exhaustion) |
//! | `flux-sourceref-namespace` | warning | Flux `sourceRef` without namespace breaks when moved |
//! | `flux-kustomization` | info | interval/retryInterval/timeout/prune/wait from the guide |
//! | `ingress-class` | warning | Ingress without `ingressClassName` |
//! | `argocd-application` | info | finalizer, automated prune + selfHeal, retry |
//! | `labels` | info | `app.kubernetes.io/name` missing |

use serde::Serialize;
use serde_json::Value;

use crate::object::Obj;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One validation or lint result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub level: Level,
    pub rule: &'static str,
    pub object: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    pub message: String,
}

/// Settings for a lint run.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// When non-empty, only these kinds are allowed (deny-kind otherwise).
    pub allowed_kinds: Vec<String>,
}

/// Pod specs inside an object: (json pointer, spec), for Pods, workloads and CronJobs.
pub fn pod_specs(v: &Value) -> Vec<(&'static str, &Value)> {
    let o = Obj(v);
    let ptr = match o.kind() {
        "Pod" => "/spec",
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => "/spec/template/spec",
        "CronJob" => "/spec/jobTemplate/spec/template/spec",
        _ => return vec![],
    };
    v.pointer(ptr).map(|s| vec![(ptr, s)]).unwrap_or_default()
}

fn containers(spec: &Value) -> impl Iterator<Item = (&'static str, &Value)> {
    ["containers", "initContainers"]
        .into_iter()
        .flat_map(move |k| {
            spec.get(k)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .map(move |c| (k, c))
        })
}

fn image_is_unpinned(image: &str) -> bool {
    if image.contains('@') {
        return false; // digest-pinned
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => true,
        Some((_, tag)) => tag == "latest" || tag.is_empty(),
    }
}

/// Lints objects; `origins[i]` names where object `i` came from.
pub fn lint(objects: &[Value], origins: &[String], opts: &LintOptions) -> Vec<Issue> {
    let mut out = Vec::new();
    for (i, v) in objects.iter().enumerate() {
        let o = Obj(v);
        let mut add = |level: Level, rule: &'static str, message: String| {
            out.push(Issue {
                level,
                rule,
                object: o.obj_ref().display(),
                origin: origins.get(i).cloned(),
                message,
            })
        };
        if !opts.allowed_kinds.is_empty()
            && !opts
                .allowed_kinds
                .iter()
                .any(|k| k.eq_ignore_ascii_case(o.kind()))
        {
            add(
                Level::Error,
                "deny-kind",
                format!(
                    "kind {} is not in the allowed kinds ({})",
                    o.kind(),
                    opts.allowed_kinds.join(", ")
                ),
            );
        }
        lint_pods(v, &mut add);
        lint_kind(v, &mut add);
        if o.label("app.kubernetes.io/name").is_none()
            && !matches!(o.kind(), "Namespace" | "Kustomization")
        {
            add(
                Level::Info,
                "labels",
                "missing the app.kubernetes.io/name label".into(),
            );
        }
    }
    out
}

fn lint_pods(v: &Value, add: &mut impl FnMut(Level, &'static str, String)) {
    let kind = Obj(v).kind();
    let long_running = !matches!(kind, "Job" | "CronJob" | "Pod");
    for (_, spec) in pod_specs(v) {
        for (flag, what) in [
            ("hostNetwork", "host network"),
            ("hostPID", "host PID namespace"),
            ("hostIPC", "host IPC namespace"),
        ] {
            if spec.get(flag).and_then(Value::as_bool) == Some(true) {
                add(
                    Level::Error,
                    "deny-host-namespaces",
                    format!("`{flag}: true` shares the node's {what}"),
                );
            }
        }
        for vol in spec
            .get("volumes")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if let Some(p) = vol.pointer("/hostPath/path").and_then(Value::as_str) {
                add(
                    Level::Error,
                    "deny-host-path",
                    format!(
                        "volume `{}` mounts the node path {p}",
                        vol.get("name").and_then(Value::as_str).unwrap_or("?")
                    ),
                );
            }
        }
        let pod_nonroot = spec
            .pointer("/securityContext/runAsNonRoot")
            .and_then(Value::as_bool)
            == Some(true);
        for (list, c) in containers(spec) {
            let name = c.get("name").and_then(Value::as_str).unwrap_or("?");
            let sc = c.get("securityContext");
            let scb = |k: &str| sc.and_then(|s| s.pointer(k)).and_then(Value::as_bool);
            if scb("/privileged") == Some(true) {
                add(
                    Level::Error,
                    "deny-privileged",
                    format!("container `{name}` is privileged"),
                );
            }
            let caps_add = sc
                .and_then(|s| s.pointer("/capabilities/add"))
                .and_then(Value::as_array);
            if caps_add.is_some_and(|a| {
                a.iter().any(|c| {
                    c.as_str().is_some_and(|c| {
                        c.eq_ignore_ascii_case("SYS_ADMIN") || c.eq_ignore_ascii_case("ALL")
                    })
                })
            }) {
                add(
                    Level::Error,
                    "deny-privileged",
                    format!("container `{name}` adds SYS_ADMIN/ALL capabilities"),
                );
            }
            if let Some(image) = c.get("image").and_then(Value::as_str) {
                if image_is_unpinned(image) {
                    add(
                        Level::Warning,
                        "image-tag",
                        format!("container `{name}` uses `{image}`: pin a version tag or digest"),
                    );
                }
            } else {
                add(
                    Level::Error,
                    "image-tag",
                    format!("container `{name}` has no image"),
                );
            }
            if list == "initContainers" {
                continue;
            }
            let res = c.get("resources");
            let has = |k: &str| {
                res.and_then(|r| r.get(k))
                    .and_then(Value::as_object)
                    .is_some_and(|m| !m.is_empty())
            };
            if !has("requests") || !has("limits") {
                add(
                    Level::Warning,
                    "resources",
                    format!(
                        "container `{name}` has no resource {}",
                        if has("requests") {
                            "limits"
                        } else {
                            "requests"
                        }
                    ),
                );
            }
            if long_running
                && c.get("ports").is_some()
                && (c.get("readinessProbe").is_none() || c.get("livenessProbe").is_none())
            {
                add(
                    Level::Warning,
                    "probes",
                    format!(
                        "container `{name}` has no {}",
                        if c.get("readinessProbe").is_none() {
                            "readinessProbe"
                        } else {
                            "livenessProbe"
                        }
                    ),
                );
            }
            let nonroot = pod_nonroot || scb("/runAsNonRoot") == Some(true);
            let no_escalation = scb("/allowPrivilegeEscalation") == Some(false);
            let drops_all = sc
                .and_then(|s| s.pointer("/capabilities/drop"))
                .and_then(Value::as_array)
                .is_some_and(|d| d.iter().any(|x| x.as_str() == Some("ALL")));
            let mut missing = Vec::new();
            if !nonroot {
                missing.push("runAsNonRoot: true");
            }
            if !no_escalation {
                missing.push("allowPrivilegeEscalation: false");
            }
            if !drops_all {
                missing.push("capabilities.drop: [ALL]");
            }
            if !missing.is_empty() {
                add(
                    Level::Warning,
                    "security-context",
                    format!("container `{name}` lacks {}", missing.join(", ")),
                );
            }
        }
    }
}

fn lint_kind(v: &Value, add: &mut impl FnMut(Level, &'static str, String)) {
    let o = Obj(v);
    match o.kind() {
        "ClusterRoleBinding" | "RoleBinding"
            if o.str_at("/roleRef/name") == Some("cluster-admin") =>
        {
            add(
                Level::Error,
                "deny-cluster-admin",
                "binds the cluster-admin ClusterRole".into(),
            );
        }
        "HelmRelease" => {
            for phase in ["install", "upgrade"] {
                if o.i64_at(&format!("/spec/{phase}/remediation/retries"))
                    .is_some_and(|r| r < 0)
                {
                    add(
                        Level::Warning,
                        "helm-retries",
                        format!(
                            "spec.{phase}.remediation.retries is -1 (infinite): use a finite number such as 3"
                        ),
                    );
                }
            }
            if o.at("/spec/chart/spec/sourceRef").is_some()
                && o.str_at("/spec/chart/spec/sourceRef/namespace").is_none()
            {
                add(
                    Level::Warning,
                    "flux-sourceref-namespace",
                    "spec.chart.spec.sourceRef has no namespace".into(),
                );
            }
        }
        "Kustomization" if o.api_version().starts_with("kustomize.toolkit.fluxcd.io") => {
            if o.str_at("/spec/sourceRef/namespace").is_none() {
                add(
                    Level::Warning,
                    "flux-sourceref-namespace",
                    "spec.sourceRef has no namespace".into(),
                );
            }
            let missing: Vec<&str> = ["interval", "retryInterval", "timeout", "prune", "wait"]
                .into_iter()
                .filter(|k| o.at(&format!("/spec/{k}")).is_none())
                .collect();
            if !missing.is_empty() {
                add(
                    Level::Info,
                    "flux-kustomization",
                    format!(
                        "spec lacks {} (team pattern: interval 1h, retryInterval 2m, timeout 10m, prune, wait)",
                        missing.join(", ")
                    ),
                );
            }
        }
        "Ingress"
            if o.str_at("/spec/ingressClassName").is_none()
                && o.annotation("kubernetes.io/ingress.class").is_none() =>
        {
            add(
                Level::Warning,
                "ingress-class",
                "no spec.ingressClassName: the default class (if any) decides".into(),
            );
        }
        "Application" if o.api_version().starts_with("argoproj.io") => {
            let mut missing = Vec::new();
            if !o
                .array_at("/metadata/finalizers")
                .iter()
                .any(|f| f.as_str() == Some("resources-finalizer.argocd.argoproj.io"))
            {
                missing.push("the resources finalizer");
            }
            if o.bool_at("/spec/syncPolicy/automated/prune") != Some(true)
                || o.bool_at("/spec/syncPolicy/automated/selfHeal") != Some(true)
            {
                missing.push("automated prune + selfHeal");
            }
            if o.at("/spec/syncPolicy/retry").is_none() {
                missing.push("retry with backoff");
            }
            if !missing.is_empty() {
                add(
                    Level::Info,
                    "argocd-application",
                    format!("lacks {} (team Application standard)", missing.join(", ")),
                );
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(v: Value) -> Vec<&'static str> {
        lint(&[v], &[], &LintOptions::default())
            .into_iter()
            .map(|i| i.rule)
            .collect()
    }

    #[test]
    fn deny_rules() {
        let pod = json!({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"hostNetwork":true,
            "volumes":[{"name":"h","hostPath":{"path":"/"}}],
            "containers":[{"name":"c","image":"busybox","securityContext":{"privileged":true}}]}});
        let r = rules(pod);
        for want in [
            "deny-host-namespaces",
            "deny-host-path",
            "deny-privileged",
            "image-tag",
        ] {
            assert!(r.contains(&want), "{want} in {r:?}");
        }
        let crb = json!({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"x"},
            "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},"subjects":[]});
        assert!(rules(crb).contains(&"deny-cluster-admin"));
        let opts = LintOptions {
            allowed_kinds: vec!["Deployment".into()],
        };
        let cm = json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}});
        assert!(
            lint(&[cm], &[], &opts)
                .iter()
                .any(|i| i.rule == "deny-kind")
        );
    }

    #[test]
    fn flux_and_helm_rules() {
        let hr = json!({"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease","metadata":{"name":"h"},
            "spec":{"upgrade":{"remediation":{"retries":-1}},"chart":{"spec":{"chart":"c","sourceRef":{"kind":"HelmRepository","name":"r"}}}}});
        let r = rules(hr);
        assert!(
            r.contains(&"helm-retries") && r.contains(&"flux-sourceref-namespace"),
            "{r:?}"
        );
    }

    #[test]
    fn latest_and_digests() {
        assert!(image_is_unpinned("nginx"));
        assert!(image_is_unpinned("nginx:latest"));
        assert!(image_is_unpinned("registry:5000/app"));
        assert!(!image_is_unpinned("registry:5000/app:1.2"));
        assert!(!image_is_unpinned("nginx@sha256:abc"));
    }
}
