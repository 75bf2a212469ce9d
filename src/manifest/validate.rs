//! Structural validation: every document is an object with `apiVersion`, `kind` and
//! `metadata.name`; built-in kinds deserialize into their k8s-openapi types, and fields the
//! type does not know are reported (the API server's strict field validation would reject
//! them); duplicate objects are reported.

use std::collections::BTreeSet;

use serde_json::Value;

use super::lint::{Issue, Level};
use crate::object::Obj;

/// Round-trips `v` through the typed struct `T`; returns the JSON paths `T` dropped, or the
/// deserialization error.
fn unknown_fields<T>(v: &Value) -> Result<Vec<String>, String>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: T = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    dropped(v, &back, String::new(), &mut out);
    Ok(out)
}

/// Paths present (non-null) in `orig` and absent from `back`.
fn dropped(orig: &Value, back: &Value, path: String, out: &mut Vec<String>) {
    match (orig, back) {
        (Value::Object(o), Value::Object(b)) => {
            for (k, v) in o {
                if v.is_null() {
                    continue;
                }
                let p = format!("{path}.{k}");
                match b.get(k) {
                    Some(bv) => dropped(v, bv, p, out),
                    None => out.push(p),
                }
            }
        }
        (Value::Array(o), Value::Array(b)) => {
            for (i, (ov, bv)) in o.iter().zip(b).enumerate() {
                dropped(ov, bv, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

macro_rules! typed_check {
    ($v:expr, $api:expr, $kind:expr, $( ($a:literal, $k:literal, $t:ty) ),* $(,)?) => {
        match ($api, $kind) {
            $( ($a, $k) => Some(unknown_fields::<$t>($v)), )*
            _ => None,
        }
    };
}

/// The strict typed check for built-in kinds; `None` for kinds we have no type for (CRDs).
fn typed(v: &Value, api: &str, kind: &str) -> Option<Result<Vec<String>, String>> {
    use k8s_openapi::api::{
        apps::v1 as apps, autoscaling::v2 as autoscaling, batch::v1 as batch, core::v1 as core,
        networking::v1 as net, policy::v1 as policy, rbac::v1 as rbac,
    };
    typed_check!(
        v,
        api,
        kind,
        ("v1", "Pod", core::Pod),
        ("v1", "Service", core::Service),
        ("v1", "ConfigMap", core::ConfigMap),
        ("v1", "Secret", core::Secret),
        ("v1", "Namespace", core::Namespace),
        ("v1", "ServiceAccount", core::ServiceAccount),
        ("v1", "PersistentVolumeClaim", core::PersistentVolumeClaim),
        ("v1", "ResourceQuota", core::ResourceQuota),
        ("v1", "LimitRange", core::LimitRange),
        ("apps/v1", "Deployment", apps::Deployment),
        ("apps/v1", "StatefulSet", apps::StatefulSet),
        ("apps/v1", "DaemonSet", apps::DaemonSet),
        ("batch/v1", "Job", batch::Job),
        ("batch/v1", "CronJob", batch::CronJob),
        ("networking.k8s.io/v1", "Ingress", net::Ingress),
        ("networking.k8s.io/v1", "NetworkPolicy", net::NetworkPolicy),
        (
            "policy/v1",
            "PodDisruptionBudget",
            policy::PodDisruptionBudget
        ),
        (
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            autoscaling::HorizontalPodAutoscaler
        ),
        ("rbac.authorization.k8s.io/v1", "Role", rbac::Role),
        (
            "rbac.authorization.k8s.io/v1",
            "RoleBinding",
            rbac::RoleBinding
        ),
        (
            "rbac.authorization.k8s.io/v1",
            "ClusterRole",
            rbac::ClusterRole
        ),
        (
            "rbac.authorization.k8s.io/v1",
            "ClusterRoleBinding",
            rbac::ClusterRoleBinding
        ),
    )
}

/// API versions that were removed from Kubernetes and will not apply.
fn removed_api(api: &str, kind: &str) -> Option<&'static str> {
    match (api, kind) {
        ("extensions/v1beta1", "Ingress" | "NetworkPolicy") => Some("networking.k8s.io/v1"),
        ("extensions/v1beta1" | "apps/v1beta1" | "apps/v1beta2", _) => Some("apps/v1"),
        ("networking.k8s.io/v1beta1", "Ingress") => Some("networking.k8s.io/v1"),
        ("batch/v1beta1", "CronJob") => Some("batch/v1"),
        ("policy/v1beta1", "PodDisruptionBudget") => Some("policy/v1"),
        ("autoscaling/v2beta1" | "autoscaling/v2beta2", _) => Some("autoscaling/v2"),
        _ => None,
    }
}

/// Validates objects; `origins[i]` names where object `i` came from.
pub fn validate(objects: &[Value], origins: &[String]) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, v) in objects.iter().enumerate() {
        let origin = origins.get(i).cloned();
        let o = Obj(v);
        let display = if o.kind().is_empty() {
            format!("document {}", i + 1)
        } else {
            o.obj_ref().display()
        };
        let mut push = |rule: &'static str, message: String| {
            issues.push(Issue {
                level: Level::Error,
                rule,
                object: display.clone(),
                origin: origin.clone(),
                message,
            })
        };
        if !v.is_object() {
            push("not-an-object", "the document is not a mapping".into());
            continue;
        }
        if o.api_version().is_empty() {
            push("missing-apiversion", "`apiVersion` is missing".into());
        }
        if o.kind().is_empty() {
            push("missing-kind", "`kind` is missing".into());
        }
        // kustomization.yaml files are build configs, not API objects: they have no name.
        let build_config = o.api_version().starts_with("kustomize.config.k8s.io/");
        if o.name().is_empty() && o.str_at("/metadata/generateName").is_none() && !build_config {
            push("missing-name", "`metadata.name` is missing".into());
        }
        if let Some(use_instead) = removed_api(o.api_version(), o.kind()) {
            push(
                "removed-api",
                format!(
                    "{} {} is no longer served by Kubernetes; use {use_instead}",
                    o.api_version(),
                    o.kind()
                ),
            );
        }
        match typed(v, o.api_version(), o.kind()) {
            Some(Ok(unknown)) => {
                for p in unknown {
                    push(
                        "unknown-field",
                        format!("unknown field `{}`", p.trim_start_matches('.')),
                    );
                }
            }
            Some(Err(e)) => push(
                "schema",
                format!("does not match the {} schema: {e}", o.kind()),
            ),
            None => {}
        }
        if !o.kind().is_empty() && !o.name().is_empty() {
            let key = (
                o.kind().to_string(),
                o.namespace().map(str::to_string),
                o.name().to_string(),
            );
            if !seen.insert(key) {
                push("duplicate", "the same object appears more than once".into());
            }
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_and_missing_names() {
        let objs = vec![
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"},
                   "spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"replica":3,
                   "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i:1","imagePullPolicyy":"x"}]}}}}),
            json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{}}),
            json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"}}),
            json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"}}),
        ];
        let issues = validate(&objs, &[]);
        let rules: Vec<(&str, &str)> = issues
            .iter()
            .map(|i| (i.rule, i.message.as_str()))
            .collect();
        assert!(
            rules
                .iter()
                .any(|(r, m)| *r == "unknown-field" && m.contains("spec.replica`")),
            "{rules:?}"
        );
        assert!(
            rules
                .iter()
                .any(|(r, m)| *r == "unknown-field" && m.contains("imagePullPolicyy")),
            "{rules:?}"
        );
        assert!(rules.iter().any(|(r, _)| *r == "missing-name"));
        assert!(rules.iter().any(|(r, _)| *r == "duplicate"));
    }

    #[test]
    fn valid_objects_pass_including_empty_dirs_and_int_or_string() {
        let objs = vec![
            json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","labels":{"x":"y"}},
            "spec":{"selector":{"matchLabels":{"a":"b"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}},
            "template":{"metadata":{"labels":{"a":"b"}},"spec":{"volumes":[{"name":"tmp","emptyDir":{}}],
            "containers":[{"name":"c","image":"i:1","ports":[{"containerPort":80,"name":"http"}],
            "readinessProbe":{"httpGet":{"path":"/","port":"http"}},"resources":{"limits":{"cpu":"500m"}}}]}}}}),
        ];
        assert!(
            validate(&objs, &[]).is_empty(),
            "{:?}",
            validate(&objs, &[])
        );
    }

    #[test]
    fn removed_apis() {
        let objs = vec![
            json!({"apiVersion":"extensions/v1beta1","kind":"Ingress","metadata":{"name":"a"}}),
        ];
        assert!(validate(&objs, &[]).iter().any(|i| i.rule == "removed-api"));
    }
}
