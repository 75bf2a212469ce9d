//! Typed actions: every change (or read) the product can make on a cluster.
//!
//! Actions are data, never shell strings, so the autonomy gate classifies them with an
//! exhaustive `match` and a command can never smuggle a second verb past it. Recipes propose
//! them, `act` parses them from the command line, workflows and the LLM name them; all go
//! through `autonomy::Gate` before the executor sees them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cluster::ObjRef;

/// How a patch body is interpreted (kubectl's `--type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchType {
    Merge,
    Strategic,
    Json,
}

impl PatchType {
    pub fn as_str(self) -> &'static str {
        match self {
            PatchType::Merge => "merge",
            PatchType::Strategic => "strategic",
            PatchType::Json => "json",
        }
    }
}

/// One typed action. The serialized `verb` is the stable name used in config, JSON output and
/// the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "verb", rename_all = "kebab-case")]
pub enum Action {
    // --- safe: reads ---
    Get {
        target: ObjRef,
    },
    Describe {
        target: ObjRef,
    },
    Logs {
        target: ObjRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        container: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<bool>,
    },
    List {
        kind: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        namespace: Option<String>,
    },
    Top {
        target: ObjRef,
    },
    Diff {
        target: ObjRef,
    },
    // --- confirm: namespaced changes ---
    Patch {
        target: ObjRef,
        patch_type: PatchType,
        patch: Value,
    },
    Scale {
        target: ObjRef,
        replicas: i32,
    },
    RolloutRestart {
        target: ObjRef,
    },
    RolloutUndo {
        target: ObjRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_revision: Option<i64>,
    },
    ArgoRollback {
        target: ObjRef,
        history_id: i64,
    },
    Apply {
        manifest: Value,
    },
    Delete {
        target: ObjRef,
    },
    Reconcile {
        target: ObjRef,
        #[serde(default)]
        with_source: bool,
        #[serde(default)]
        reset: bool,
        #[serde(default)]
        force: bool,
    },
    Suspend {
        target: ObjRef,
    },
    Resume {
        target: ObjRef,
    },
    ArgoSync {
        target: ObjRef,
    },
    ArgoRefresh {
        target: ObjRef,
    },
    ArgoTerminateOp {
        target: ObjRef,
    },
    RemoveFinalizers {
        target: ObjRef,
    },
    // --- forbidden: node mutations and resets ---
    Drain {
        target: ObjRef,
    },
    Cordon {
        target: ObjRef,
    },
    Uncordon {
        target: ObjRef,
    },
    DeleteNode {
        target: ObjRef,
    },
    LabelNode {
        target: ObjRef,
        label: String,
    },
    TaintNode {
        target: ObjRef,
        taint: String,
    },
    Reset {
        target: ObjRef,
    },
}

/// All verb names, in tier order; used by completion and `act --help`.
pub const VERBS: &[&str] = &[
    "get",
    "describe",
    "logs",
    "list",
    "top",
    "diff",
    "patch",
    "scale",
    "rollout-restart",
    "rollout-undo",
    "argo-rollback",
    "apply",
    "delete",
    "reconcile",
    "suspend",
    "resume",
    "argo-sync",
    "argo-refresh",
    "argo-terminate-op",
    "remove-finalizers",
    "drain",
    "cordon",
    "uncordon",
    "delete-node",
    "label-node",
    "taint-node",
    "reset",
];

impl Action {
    /// The stable verb name (`scale`, `rollout-restart`, …).
    pub fn verb(&self) -> &'static str {
        match self {
            Action::Get { .. } => "get",
            Action::Describe { .. } => "describe",
            Action::Logs { .. } => "logs",
            Action::List { .. } => "list",
            Action::Top { .. } => "top",
            Action::Diff { .. } => "diff",
            Action::Patch { .. } => "patch",
            Action::Scale { .. } => "scale",
            Action::RolloutRestart { .. } => "rollout-restart",
            Action::RolloutUndo { .. } => "rollout-undo",
            Action::ArgoRollback { .. } => "argo-rollback",
            Action::Apply { .. } => "apply",
            Action::Delete { target } if target.kind == "Node" => "delete-node",
            Action::Delete { .. } => "delete",
            Action::Reconcile { .. } => "reconcile",
            Action::Suspend { .. } => "suspend",
            Action::Resume { .. } => "resume",
            Action::ArgoSync { .. } => "argo-sync",
            Action::ArgoRefresh { .. } => "argo-refresh",
            Action::ArgoTerminateOp { .. } => "argo-terminate-op",
            Action::RemoveFinalizers { .. } => "remove-finalizers",
            Action::Drain { .. } => "drain",
            Action::Cordon { .. } => "cordon",
            Action::Uncordon { .. } => "uncordon",
            Action::DeleteNode { .. } => "delete-node",
            Action::LabelNode { .. } => "label-node",
            Action::TaintNode { .. } => "taint-node",
            Action::Reset { .. } => "reset",
        }
    }

    /// The object the action is about, when it has one.
    pub fn target(&self) -> Option<&ObjRef> {
        match self {
            Action::List { .. } | Action::Apply { .. } => None,
            Action::Get { target }
            | Action::Describe { target }
            | Action::Logs { target, .. }
            | Action::Top { target }
            | Action::Diff { target }
            | Action::Patch { target, .. }
            | Action::Scale { target, .. }
            | Action::RolloutRestart { target }
            | Action::RolloutUndo { target, .. }
            | Action::ArgoRollback { target, .. }
            | Action::Delete { target }
            | Action::Reconcile { target, .. }
            | Action::Suspend { target }
            | Action::Resume { target }
            | Action::ArgoSync { target }
            | Action::ArgoRefresh { target }
            | Action::ArgoTerminateOp { target }
            | Action::RemoveFinalizers { target }
            | Action::Drain { target }
            | Action::Cordon { target }
            | Action::Uncordon { target }
            | Action::DeleteNode { target }
            | Action::LabelNode { target, .. }
            | Action::TaintNode { target, .. }
            | Action::Reset { target } => Some(target),
        }
    }

    /// The target as `kind/name` for one-line summaries.
    pub fn target_display(&self) -> String {
        match self {
            Action::List { kind, namespace } => match namespace {
                Some(ns) => format!("{kind} in {ns}"),
                None => kind.clone(),
            },
            Action::Apply { manifest } => {
                let o = crate::cluster::Obj(manifest);
                o.obj_ref().display()
            }
            other => other.target().map(ObjRef::display).unwrap_or_default(),
        }
    }

    /// True for verbs that only read.
    pub fn is_read(&self) -> bool {
        matches!(
            self,
            Action::Get { .. }
                | Action::Describe { .. }
                | Action::Logs { .. }
                | Action::List { .. }
                | Action::Top { .. }
                | Action::Diff { .. }
        )
    }

    /// The kubectl/flux/argocd command a human could run to do the same by hand. Shown for
    /// refused actions and in `--suggest-only`; never executed.
    pub fn manual_command(&self) -> String {
        let ns = |t: &ObjRef| {
            t.namespace
                .as_deref()
                .map(|n| format!(" -n {n}"))
                .unwrap_or_default()
        };
        let kn = |t: &ObjRef| format!("{}/{}", t.kind.to_lowercase(), t.name);
        match self {
            Action::Get { target } => format!("kubectl get {}{} -o yaml", kn(target), ns(target)),
            Action::Describe { target } => format!("kubectl describe {}{}", kn(target), ns(target)),
            Action::Logs {
                target,
                container,
                previous,
            } => format!(
                "kubectl logs {}{}{}{}",
                kn(target),
                ns(target),
                container
                    .as_deref()
                    .map(|c| format!(" -c {c}"))
                    .unwrap_or_default(),
                if previous.unwrap_or(false) {
                    " --previous"
                } else {
                    ""
                }
            ),
            Action::List { kind, namespace } => format!(
                "kubectl get {}{}",
                kind.to_lowercase(),
                namespace
                    .as_deref()
                    .map(|n| format!(" -n {n}"))
                    .unwrap_or(" -A".into())
            ),
            Action::Top { target } => format!("kubectl top {}{}", kn(target), ns(target)),
            Action::Diff { target } => format!("kubectl diff -f <{}.yaml>", target.name),
            Action::Patch {
                target,
                patch_type,
                patch,
            } => format!(
                "kubectl patch {}{} --type {} -p '{}'",
                kn(target),
                ns(target),
                patch_type.as_str(),
                patch
            ),
            Action::Scale { target, replicas } => {
                format!(
                    "kubectl scale {}{} --replicas {replicas}",
                    kn(target),
                    ns(target)
                )
            }
            Action::RolloutRestart { target } => {
                format!("kubectl rollout restart {}{}", kn(target), ns(target))
            }
            Action::RolloutUndo {
                target,
                to_revision,
            } => format!(
                "kubectl rollout undo {}{}{}",
                kn(target),
                ns(target),
                to_revision
                    .map(|r| format!(" --to-revision {r}"))
                    .unwrap_or_default()
            ),
            Action::ArgoRollback { target, history_id } => {
                format!("argocd app rollback {} {history_id}", target.name)
            }
            Action::Apply { .. } => {
                "kubectl apply --server-side --field-manager kubectl-claude -f <manifest.yaml>"
                    .to_string()
            }
            Action::Delete { target } => format!("kubectl delete {}{}", kn(target), ns(target)),
            Action::Reconcile {
                target,
                with_source,
                reset,
                force,
            } => {
                let sub = flux_subcommand(&target.kind);
                let mut s = format!("flux reconcile {sub} {}{}", target.name, ns(target));
                if *with_source {
                    s.push_str(" --with-source");
                }
                if *reset {
                    s.push_str(" --reset");
                }
                if *force {
                    s.push_str(" --force");
                }
                s
            }
            Action::Suspend { target } => format!(
                "flux suspend {} {}{}",
                flux_subcommand(&target.kind),
                target.name,
                ns(target)
            ),
            Action::Resume { target } => format!(
                "flux resume {} {}{}",
                flux_subcommand(&target.kind),
                target.name,
                ns(target)
            ),
            Action::ArgoSync { target } => format!("argocd app sync {}", target.name),
            Action::ArgoRefresh { target } => {
                format!("argocd app get {} --hard-refresh", target.name)
            }
            Action::ArgoTerminateOp { target } => {
                format!("argocd app terminate-op {}", target.name)
            }
            Action::RemoveFinalizers { target } => format!(
                "kubectl patch {}{} --type merge -p '{{\"metadata\":{{\"finalizers\":null}}}}'",
                kn(target),
                ns(target)
            ),
            Action::Drain { target } => format!(
                "kubectl drain {} --ignore-daemonsets --delete-emptydir-data",
                target.name
            ),
            Action::Cordon { target } => format!("kubectl cordon {}", target.name),
            Action::Uncordon { target } => format!("kubectl uncordon {}", target.name),
            Action::DeleteNode { target } => format!("kubectl delete node {}", target.name),
            Action::LabelNode { target, label } => {
                format!("kubectl label node {} {label}", target.name)
            }
            Action::TaintNode { target, taint } => {
                format!("kubectl taint node {} {taint}", target.name)
            }
            Action::Reset { target } => format!(
                "# reset of {} must be done by a human with the platform's own tooling (e.g. talosctl reset)",
                target.display()
            ),
        }
    }
}

/// Verb arguments as `act` flags and workflow `inputs:` give them; [`build`] checks that the
/// verb gets what it needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub patch_type: Option<PatchType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patch: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_revision: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<Value>,
    #[serde(default)]
    pub with_source: bool,
    #[serde(default)]
    pub reset: bool,
    #[serde(default)]
    pub force: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default)]
    pub previous: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taint: Option<String>,
}

/// True for verbs whose target is a Node (a bare name means `node/<name>`).
pub fn is_node_verb(verb: &str) -> bool {
    matches!(
        verb,
        "drain" | "cordon" | "uncordon" | "delete-node" | "label-node" | "taint-node"
    )
}

/// Resolves `kind/name` (kubectl short names and plurals accepted) to an object reference;
/// `namespace` is used for namespaced kinds. Node verbs also take a bare node name.
pub fn parse_target(verb: &str, s: &str, namespace: &str) -> Result<ObjRef, String> {
    let (kind, name) = match s.split_once('/') {
        Some((k, n)) => (k, n),
        None if is_node_verb(verb) => ("node", s),
        None => {
            return Err(format!(
                "target `{s}` must be KIND/NAME (e.g. deployment/web)"
            ));
        }
    };
    if name.is_empty() || name.contains('/') {
        return Err(format!(
            "target `{s}` must be KIND/NAME (e.g. deployment/web)"
        ));
    }
    let info = crate::cluster::kinds::lookup(kind).ok_or_else(|| {
        format!("unknown kind `{kind}` (try deployment, statefulset, pod, kustomization, helmrelease, application, node…)")
    })?;
    let ns = info.namespaced.then_some(namespace);
    Ok(ObjRef::new(&info.api_version(), info.kind, ns, name))
}

/// Builds the typed action for a verb, its target and its arguments.
pub fn build(verb: &str, target: ObjRef, p: &Params) -> Result<Action, String> {
    let need = |what: &str| format!("`{verb}` needs {what}");
    Ok(match verb {
        "get" => Action::Get { target },
        "describe" => Action::Describe { target },
        "logs" => Action::Logs {
            target,
            container: p.container.clone(),
            previous: p.previous.then_some(true),
        },
        "list" => Action::List {
            kind: target.kind,
            namespace: target.namespace,
        },
        "top" => Action::Top { target },
        "diff" => Action::Diff { target },
        "patch" => Action::Patch {
            target,
            patch_type: p.patch_type.unwrap_or(PatchType::Strategic),
            patch: p.patch.clone().ok_or_else(|| need("a patch (-p JSON)"))?,
        },
        "scale" => Action::Scale {
            target,
            replicas: p
                .replicas
                .filter(|r| *r >= 0)
                .ok_or_else(|| need("--replicas N (N >= 0)"))?,
        },
        "rollout-restart" => Action::RolloutRestart { target },
        "rollout-undo" => Action::RolloutUndo {
            target,
            to_revision: p.to_revision,
        },
        "argo-rollback" => Action::ArgoRollback {
            target,
            history_id: p.history_id.ok_or_else(|| need("--history-id N"))?,
        },
        "apply" => Action::Apply {
            manifest: p
                .manifest
                .clone()
                .ok_or_else(|| need("a manifest (-f FILE)"))?,
        },
        "delete" if target.kind == "Node" => Action::DeleteNode { target },
        "delete" => Action::Delete { target },
        "reconcile" => Action::Reconcile {
            target,
            with_source: p.with_source,
            reset: p.reset,
            force: p.force,
        },
        "suspend" => Action::Suspend { target },
        "resume" => Action::Resume { target },
        "argo-sync" => Action::ArgoSync { target },
        "argo-refresh" => Action::ArgoRefresh { target },
        "argo-terminate-op" => Action::ArgoTerminateOp { target },
        "remove-finalizers" => Action::RemoveFinalizers { target },
        "drain" => Action::Drain { target },
        "cordon" => Action::Cordon { target },
        "uncordon" => Action::Uncordon { target },
        "delete-node" => Action::DeleteNode { target },
        "label-node" => Action::LabelNode {
            target,
            label: p.label.clone().ok_or_else(|| need("--label KEY=VALUE"))?,
        },
        "taint-node" => Action::TaintNode {
            target,
            taint: p
                .taint
                .clone()
                .ok_or_else(|| need("--taint KEY=VALUE:EFFECT"))?,
        },
        "reset" => Action::Reset { target },
        other => {
            return Err(format!(
                "unknown verb `{other}` (expected one of: {})",
                VERBS.join(", ")
            ));
        }
    })
}

/// The `flux` CLI noun for a Flux kind.
fn flux_subcommand(kind: &str) -> &'static str {
    match kind {
        "Kustomization" => "kustomization",
        "HelmRelease" => "helmrelease",
        "GitRepository" => "source git",
        "HelmRepository" => "source helm",
        "OCIRepository" => "source oci",
        "Bucket" => "source bucket",
        "HelmChart" => "source chart",
        "ImageRepository" => "image repository",
        _ => "kustomization",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_list_matches_serde_tags() {
        let t = ObjRef::new("apps/v1", "Deployment", Some("a"), "web");
        let a = Action::RolloutRestart { target: t };
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["verb"], "rollout-restart");
        assert!(VERBS.contains(&a.verb()));
        let back: Action = serde_json::from_value(v).unwrap();
        assert_eq!(back, a);
    }

    #[test]
    fn every_verb_builds_with_enough_params() {
        let t = ObjRef::new("apps/v1", "Deployment", Some("a"), "web");
        let p = Params {
            replicas: Some(1),
            patch: Some(serde_json::json!({})),
            history_id: Some(1),
            manifest: Some(serde_json::json!({})),
            label: Some("a=b".into()),
            taint: Some("a=b:NoSchedule".into()),
            ..Default::default()
        };
        for v in VERBS {
            let a = build(v, t.clone(), &p).unwrap();
            assert_eq!(a.verb(), *v);
        }
        assert!(build("scale", t.clone(), &Params::default()).is_err());
        assert!(build("nope", t, &Params::default()).is_err());
    }

    #[test]
    fn targets_resolve_short_names_and_bare_nodes() {
        let r = parse_target("scale", "deploy/web", "apps").unwrap();
        assert_eq!(
            (r.kind.as_str(), r.namespace.as_deref()),
            ("Deployment", Some("apps"))
        );
        let n = parse_target("drain", "pi5-a", "apps").unwrap();
        assert_eq!((n.kind.as_str(), n.namespace), ("Node", None));
        assert!(parse_target("scale", "web", "a").is_err());
        assert!(parse_target("scale", "bogus/web", "a").is_err());
    }

    #[test]
    fn delete_of_a_node_is_delete_node() {
        let t = ObjRef::new("v1", "Node", None, "pi5-a");
        assert_eq!(Action::Delete { target: t }.verb(), "delete-node");
    }
}
