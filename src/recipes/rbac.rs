//! RBAC recipe: an application's own ServiceAccount is refused by the API server, as its pod
//! logs show (`forbidden: User "system:serviceaccount:<ns>:<sa>" cannot <verb> resource …`).
//!
//! k8s.rbac-forbidden is reported on the ServiceAccount with the exact rule the log asks for:
//! added to the Role its RoleBinding already grants when there is one, otherwise as a new
//! Role + RoleBinding (ClusterRole + ClusterRoleBinding for cluster-scoped requests). Always
//! confirm tier, never wildcards: exactly the verb, group and resource that were refused.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Recipe;
use super::common::{Propose, gitops_of_ref, merge_patch, oref, trunc};
use crate::action::Action;
use crate::cluster::{Inventory, ObjRef};
use crate::finding::{Finding, Severity};

pub struct Rbac;

const ID: &str = "rbac";

impl Recipe for Rbac {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Applications whose ServiceAccount the API server refuses (Forbidden in their logs), with the exact Role rule to add"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "Pod",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "ClusterRole",
            "ClusterRoleBinding",
        ]
    }
    fn relevant(&self, _inv: &Inventory) -> bool {
        true
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        // (sa ns, sa name) → refusals, first log line of each
        let mut by_sa: BTreeMap<(String, String), Vec<Seen>> = BTreeMap::new();
        for ((_, pod, _), text) in &inv.logs {
            for line in text.lines() {
                if let Some(r) = parse(line)
                    && !by_sa
                        .get(&(r.sa_ns.clone(), r.sa.clone()))
                        .is_some_and(|v| v.iter().any(|(x, _, _)| *x == r))
                {
                    by_sa
                        .entry((r.sa_ns.clone(), r.sa.clone()))
                        .or_default()
                        .push((r, pod.clone(), line.to_string()));
                }
            }
        }
        by_sa
            .into_iter()
            .map(|((ns, sa), refusals)| finding(inv, &ns, &sa, &refusals))
            .collect()
    }
}

/// A refusal with the pod and the log line it was seen in.
type Seen = (Refusal, String, String);

/// One refused request.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refusal {
    sa_ns: String,
    sa: String,
    verb: String,
    group: String,
    resource: String,
    /// The namespace of the request; None at the cluster scope.
    namespace: Option<String>,
}

fn quoted(s: &str, after: &str) -> Option<String> {
    let rest = &s[s.find(after)? + after.len()..];
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// Parses the API server's Forbidden message, wherever it sits in a log line.
fn parse(line: &str) -> Option<Refusal> {
    let (sa_ns, sa) = super::common::forbidden_service_account(line)?;
    let tail = &line[line.find("\" cannot ")? + 9..];
    let verb = tail.split_whitespace().next()?.to_string();
    let resource = quoted(tail, "resource ")?;
    let group = quoted(tail, "in API group ").unwrap_or_default();
    let namespace = if tail.contains("at the cluster scope") {
        None
    } else {
        Some(quoted(tail, "in the namespace ")?)
    };
    Some(Refusal {
        sa_ns: sa_ns.to_string(),
        sa: sa.to_string(),
        verb,
        group,
        resource,
        namespace,
    })
}

/// The Role (in `ns`) a RoleBinding grants to the ServiceAccount, when exactly one is found.
fn bound_role(inv: &Inventory, ns: &str, sa_ns: &str, sa: &str) -> Option<ObjRef> {
    let roles: Vec<ObjRef> = inv
        .of_kind("RoleBinding")
        .filter(|b| b.namespace() == Some(ns))
        .filter(|b| {
            b.array_at("/subjects").iter().any(|s| {
                s.get("kind").and_then(Value::as_str) == Some("ServiceAccount")
                    && s.get("name").and_then(Value::as_str) == Some(sa)
                    && s.get("namespace").and_then(Value::as_str).unwrap_or(ns) == sa_ns
            })
        })
        .filter(|b| b.str_at("/roleRef/kind") == Some("Role"))
        .filter_map(|b| inv.get("Role", Some(ns), b.str_at("/roleRef/name")?))
        .map(|r| r.obj_ref())
        .collect();
    (roles.len() == 1).then(|| roles[0].clone())
}

/// `rules` with the refused verb added: to a rule for the same group and resource when one
/// exists, else as a new rule.
fn with_rule(rules: &[Value], r: &Refusal) -> Vec<Value> {
    let mut out = rules.to_vec();
    for rule in out.iter_mut() {
        let groups = rule.get("apiGroups").and_then(Value::as_array);
        let resources = rule.get("resources").and_then(Value::as_array);
        let same = groups.is_some_and(|g| g.len() == 1 && g[0] == r.group.as_str())
            && resources.is_some_and(|x| x.iter().any(|v| v == r.resource.as_str()));
        if same && let Some(verbs) = rule.get_mut("verbs").and_then(Value::as_array_mut) {
            if !verbs.iter().any(|v| v == r.verb.as_str()) {
                verbs.push(Value::from(r.verb.clone()));
            }
            return out;
        }
    }
    out.push(json!({"apiGroups": [r.group], "resources": [r.resource], "verbs": [r.verb]}));
    out
}

fn finding(inv: &Inventory, ns: &str, sa: &str, refusals: &[Seen]) -> Finding {
    let target = oref("ServiceAccount", Some(ns), sa);
    let gitops = gitops_of_ref(inv, &target);
    let what: Vec<String> = refusals
        .iter()
        .map(|(r, _, _)| {
            let g = if r.group.is_empty() {
                String::new()
            } else {
                format!(".{}", r.group)
            };
            match &r.namespace {
                Some(n) => format!("{} {}{g} in {n}", r.verb, r.resource),
                None => format!("{} {}{g} cluster-wide", r.verb, r.resource),
            }
        })
        .collect();
    let mut f = Finding::new(
        ID,
        "k8s.rbac-forbidden",
        Severity::Error,
        target.clone(),
        format!(
            "ServiceAccount {ns}/{sa} is not allowed to {}",
            what.join(", ")
        ),
    );
    for (_, pod, line) in refusals.iter().take(4) {
        f = f.evidence(format!("pod {pod}: log: {}", trunc(line, 240)));
    }
    // Group the refusals by where the permission has to live.
    let mut scopes: BTreeMap<Option<String>, Vec<&Refusal>> = BTreeMap::new();
    for (r, _, _) in refusals {
        scopes.entry(r.namespace.clone()).or_default().push(r);
    }
    let subject = json!([{"kind": "ServiceAccount", "name": sa, "namespace": ns}]);
    for (scope, rs) in scopes {
        match &scope {
            Some(rns) => {
                if let Some(role) = bound_role(inv, rns, ns, sa) {
                    let current = inv
                        .get_ref(&role)
                        .map(|o| o.array_at("/rules").to_vec())
                        .unwrap_or_default();
                    let rules = rs.iter().fold(current, |acc, r| with_rule(&acc, r));
                    f = f
                        .evidence(format!(
                            "a RoleBinding in {rns} grants it Role {}, which lacks the rule",
                            role.name
                        ))
                        .fix(
                            merge_patch(role.clone(), json!({"rules": rules})),
                            format!(
                                "add exactly the refused permission to Role {rns}/{} (rules are replaced as a whole: the patch keeps the existing ones)",
                                role.name
                            ),
                            gitops.as_ref(),
                        );
                    continue;
                }
                let name = format!("{sa}-access");
                let rules = rs.iter().fold(Vec::new(), |acc, r| with_rule(&acc, r));
                f = f
                    .evidence(format!("no RoleBinding in {rns} grants {ns}/{sa} a Role"))
                    .fix(
                        Action::Apply {
                            manifest: json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                                "metadata": {"name": name, "namespace": rns}, "rules": rules}),
                        },
                        format!("a Role in {rns} with exactly the refused permission"),
                        gitops.as_ref(),
                    )
                    .fix(
                        Action::Apply {
                            manifest: json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                                "metadata": {"name": name, "namespace": rns},
                                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
                                "subjects": subject}),
                        },
                        format!("bind that Role to ServiceAccount {ns}/{sa}"),
                        gitops.as_ref(),
                    );
            }
            None => {
                let name = format!("{ns}-{sa}-access");
                let rules = rs.iter().fold(Vec::new(), |acc, r| with_rule(&acc, r));
                f = f
                    .evidence("the request is cluster-scoped: only a ClusterRole can grant it")
                    .fix(
                        Action::Apply {
                            manifest: json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                                "metadata": {"name": name}, "rules": rules}),
                        },
                        "a ClusterRole with exactly the refused permission",
                        gitops.as_ref(),
                    )
                    .fix(
                        Action::Apply {
                            manifest: json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                                "metadata": {"name": name},
                                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
                                "subjects": subject}),
                        },
                        format!("bind that ClusterRole to ServiceAccount {ns}/{sa}"),
                        gitops.as_ref(),
                    );
            }
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_namespaced_and_cluster_refusals() {
        let r = parse(r#"E1122 reflector.go:158] pods is forbidden: User "system:serviceaccount:ops:watcher" cannot list resource "pods" in API group "" in the namespace "ops""#).unwrap();
        assert_eq!(
            (r.sa_ns.as_str(), r.sa.as_str(), r.verb.as_str()),
            ("ops", "watcher", "list")
        );
        assert_eq!((r.group.as_str(), r.resource.as_str()), ("", "pods"));
        assert_eq!(r.namespace.as_deref(), Some("ops"));
        let c = parse(r#"nodes is forbidden: User "system:serviceaccount:m:x" cannot watch resource "nodes" in API group "" at the cluster scope"#).unwrap();
        assert_eq!(c.namespace, None);
        assert!(parse("User \"alice\" cannot list pods").is_none());
    }

    #[test]
    fn a_verb_joins_the_matching_rule() {
        let r = parse(r#"User "system:serviceaccount:ci:r" cannot list resource "jobs" in API group "batch" in the namespace "ci""#).unwrap();
        let rules =
            vec![json!({"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "watch"]})];
        assert_eq!(
            with_rule(&rules, &r),
            vec![
                json!({"apiGroups": ["batch"], "resources": ["jobs"], "verbs": ["get", "watch", "list"]})
            ]
        );
        assert_eq!(with_rule(&[], &r).len(), 1);
    }
}
