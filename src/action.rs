//! Typed actions: every change (or read) the product can make on a cluster.
//!
//! Actions are data, never shell strings, so the autonomy gate classifies them with an
//! exhaustive `match` and a command can never smuggle a second verb past it. Recipes propose
//! them, `act` parses them from the command line, workflows and the LLM name them; all go
//! through `autonomy::Gate` before the executor sees them.
//!
//! Every verb is one [`Verb`] with one row in [`Verb::spec`] (name, built-in minimum tier,
//! Node target, required parameters); help, completion, `config view` and the gate's tests
//! are generated from it, and the exhaustive matches below make an undescribed verb a
//! compile error. What a verb writes is [`crate::plan`]'s job.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::object::ObjRef;

pub use crate::verb::{Param, Tier, Verb, VerbSpec, help_text};

impl Verb {
    /// The verb of an action (`delete` of a Node is `delete-node`).
    pub fn of(action: &Action) -> Verb {
        match action {
            Action::Get { .. } => Verb::Get,
            Action::Describe { .. } => Verb::Describe,
            Action::Logs { .. } => Verb::Logs,
            Action::List { .. } => Verb::List,
            Action::Top { .. } => Verb::Top,
            Action::Diff { .. } => Verb::Diff,
            Action::Patch { .. } => Verb::Patch,
            Action::Scale { .. } => Verb::Scale,
            Action::RolloutRestart { .. } => Verb::RolloutRestart,
            Action::RolloutUndo { .. } => Verb::RolloutUndo,
            Action::ArgoRollback { .. } => Verb::ArgoRollback,
            Action::Apply { .. } => Verb::Apply,
            Action::Delete { target } if target.kind == "Node" => Verb::DeleteNode,
            Action::Delete { .. } => Verb::Delete,
            Action::Reconcile { .. } => Verb::Reconcile,
            Action::Suspend { .. } => Verb::Suspend,
            Action::Resume { .. } => Verb::Resume,
            Action::ArgoSync { .. } => Verb::ArgoSync,
            Action::ArgoRefresh { .. } => Verb::ArgoRefresh,
            Action::ArgoTerminateOp { .. } => Verb::ArgoTerminateOp,
            Action::RemoveFinalizers { .. } => Verb::RemoveFinalizers,
            Action::RestartPod { .. } => Verb::RestartPod,
            Action::Exec { .. } => Verb::Exec,
            Action::Drain { .. } => Verb::Drain,
            Action::Cordon { .. } => Verb::Cordon,
            Action::Uncordon { .. } => Verb::Uncordon,
            Action::DeleteNode { .. } => Verb::DeleteNode,
            Action::LabelNode { .. } => Verb::LabelNode,
            Action::TaintNode { .. } => Verb::TaintNode,
            Action::Reset { .. } => Verb::Reset,
        }
    }
}

impl Param {
    /// True when `p` gives it (a usable value).
    pub fn given(self, p: &Params) -> bool {
        match self {
            Param::Replicas => p.replicas.is_some_and(|r| r >= 0),
            Param::Patch => p.patch.is_some(),
            Param::HistoryId => p.history_id.is_some(),
            Param::Manifest => p.manifest.is_some(),
            Param::Label => p.label.is_some(),
            Param::Taint => p.taint.is_some(),
            Param::Command => p.command.as_ref().is_some_and(|c| !c.is_empty()),
        }
    }
}

/// How a patch body is interpreted (kubectl's `--type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum PatchType {
    // In `act --type`'s order: the default first.
    Strategic,
    Merge,
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
    /// Deletes one Pod so its controller recreates it (`kubectl delete pod --grace-period`).
    RestartPod {
        target: ObjRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grace_period_seconds: Option<i64>,
    },
    /// Runs a command in a container of a Pod (`kubectl exec`).
    Exec {
        target: ObjRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        container: Option<String>,
        command: Vec<String>,
        /// How long the command may run (`None`: the client's `--request-timeout`). An exec
        /// queued for approval carries its front-end's budget (a TargetApp's
        /// `ACTION_EXECUTION_TIMEOUT`) to whoever runs it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        timeout_seconds: Option<u64>,
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

impl Action {
    /// The stable verb name (`scale`, `rollout-restart`, …).
    pub fn verb(&self) -> &'static str {
        Verb::of(self).as_str()
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
            | Action::RestartPod { target, .. }
            | Action::Exec { target, .. }
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
                let o = crate::object::Obj(manifest);
                o.obj_ref().display()
            }
            other => other.target().map(ObjRef::display).unwrap_or_default(),
        }
    }

    /// True for verbs that only read: the safe tier of the verb table is exactly the reads.
    pub fn is_read(&self) -> bool {
        Verb::of(self).spec().tier == Tier::Safe
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
            Action::RestartPod {
                target,
                grace_period_seconds,
            } => format!(
                "kubectl delete pod {}{}{}",
                target.name,
                ns(target),
                grace_period_seconds
                    .map(|g| format!(" --grace-period {g}"))
                    .unwrap_or_default()
            ),
            Action::Exec {
                target,
                container,
                command,
                ..
            } => format!(
                "kubectl exec {}{}{} -- {}",
                target.name,
                ns(target),
                container
                    .as_deref()
                    .map(|c| format!(" -c {c}"))
                    .unwrap_or_default(),
                // Quoted for a POSIX shell, so the line a human copies runs the same argv.
                command
                    .iter()
                    .map(|w| shell_word(w))
                    .collect::<Vec<_>>()
                    .join(" ")
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

/// `w` as one POSIX shell word: unchanged when it is plain, else single-quoted (`'` as
/// `'\''`).
fn shell_word(w: &str) -> String {
    let plain = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./=:@%+,".contains(c));
    if plain {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
}

/// Resolves `kind/name` (kubectl short names and plurals accepted) to an object reference;
/// `namespace` is used for namespaced kinds. Node verbs also take a bare node name.
pub fn parse_target(verb: Verb, s: &str, namespace: &str) -> Result<ObjRef, String> {
    let (kind, name) = match s.split_once('/') {
        Some((k, n)) => (k, n),
        None if verb.spec().node => ("node", s),
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

/// Builds the typed action for a verb, its target and its arguments. The verb table's
/// required parameters are checked first, so the table is what users are told.
pub fn build(verb: Verb, target: ObjRef, p: &Params) -> Result<Action, String> {
    let need = |what: Param| format!("`{verb}` needs {}", what.missing());
    if let Some(missing) = verb.spec().needs.iter().find(|n| !n.given(p)) {
        return Err(need(*missing));
    }
    Ok(match verb {
        Verb::Get => Action::Get { target },
        Verb::Describe => Action::Describe { target },
        Verb::Logs => Action::Logs {
            target,
            container: p.container.clone(),
            previous: p.previous.then_some(true),
        },
        Verb::List => Action::List {
            kind: target.kind,
            namespace: target.namespace,
        },
        Verb::Top => Action::Top { target },
        Verb::Diff => Action::Diff { target },
        Verb::Patch => Action::Patch {
            target,
            patch_type: p.patch_type.unwrap_or(PatchType::Strategic),
            patch: p.patch.clone().ok_or_else(|| need(Param::Patch))?,
        },
        Verb::Scale => Action::Scale {
            target,
            replicas: p
                .replicas
                .filter(|r| *r >= 0)
                .ok_or_else(|| need(Param::Replicas))?,
        },
        Verb::RolloutRestart => Action::RolloutRestart { target },
        Verb::RolloutUndo => Action::RolloutUndo {
            target,
            to_revision: p.to_revision,
        },
        Verb::ArgoRollback => Action::ArgoRollback {
            target,
            history_id: p.history_id.ok_or_else(|| need(Param::HistoryId))?,
        },
        Verb::Apply => Action::Apply {
            manifest: p.manifest.clone().ok_or_else(|| need(Param::Manifest))?,
        },
        Verb::Delete if target.kind == "Node" => Action::DeleteNode { target },
        Verb::Delete => Action::Delete { target },
        Verb::Reconcile => Action::Reconcile {
            target,
            with_source: p.with_source,
            reset: p.reset,
            force: p.force,
        },
        Verb::Suspend => Action::Suspend { target },
        Verb::Resume => Action::Resume { target },
        Verb::ArgoSync => Action::ArgoSync { target },
        Verb::ArgoRefresh => Action::ArgoRefresh { target },
        Verb::ArgoTerminateOp => Action::ArgoTerminateOp { target },
        Verb::RemoveFinalizers => Action::RemoveFinalizers { target },
        Verb::RestartPod => Action::RestartPod {
            target,
            grace_period_seconds: p.grace_period_seconds,
        },
        Verb::Exec => Action::Exec {
            target,
            container: p.container.clone(),
            command: p.command.clone().ok_or_else(|| need(Param::Command))?,
            timeout_seconds: None,
        },
        Verb::Drain => Action::Drain { target },
        Verb::Cordon => Action::Cordon { target },
        Verb::Uncordon => Action::Uncordon { target },
        Verb::DeleteNode => Action::DeleteNode { target },
        Verb::LabelNode => Action::LabelNode {
            target,
            label: p.label.clone().ok_or_else(|| need(Param::Label))?,
        },
        Verb::TaintNode => Action::TaintNode {
            target,
            taint: p.taint.clone().ok_or_else(|| need(Param::Taint))?,
        },
        Verb::Reset => Action::Reset { target },
    })
}

/// A sample of every verb on a representative target (a Deployment, or a Node for node
/// verbs), for `config view` and the policy's tests. An exhaustive `match`, so no verb is
/// ever left out.
pub fn sample(verb: Verb) -> Action {
    let target = if verb.spec().node {
        ObjRef::new("v1", "Node", None, "x")
    } else {
        ObjRef::new("apps/v1", "Deployment", Some("default"), "x")
    };
    match verb {
        Verb::Get => Action::Get { target },
        Verb::Describe => Action::Describe { target },
        Verb::Logs => Action::Logs {
            target,
            container: None,
            previous: None,
        },
        Verb::List => Action::List {
            kind: "Pod".into(),
            namespace: None,
        },
        Verb::Top => Action::Top { target },
        Verb::Diff => Action::Diff { target },
        Verb::Patch => Action::Patch {
            target,
            patch_type: PatchType::Merge,
            patch: Value::Object(Default::default()),
        },
        Verb::Scale => Action::Scale {
            target,
            replicas: 1,
        },
        Verb::RolloutRestart => Action::RolloutRestart { target },
        Verb::RolloutUndo => Action::RolloutUndo {
            target,
            to_revision: None,
        },
        Verb::ArgoRollback => Action::ArgoRollback {
            target,
            history_id: 1,
        },
        Verb::Apply => Action::Apply {
            manifest: Value::Object(Default::default()),
        },
        Verb::Delete => Action::Delete { target },
        Verb::Reconcile => Action::Reconcile {
            target,
            with_source: false,
            reset: false,
            force: false,
        },
        Verb::Suspend => Action::Suspend { target },
        Verb::Resume => Action::Resume { target },
        Verb::ArgoSync => Action::ArgoSync { target },
        Verb::ArgoRefresh => Action::ArgoRefresh { target },
        Verb::ArgoTerminateOp => Action::ArgoTerminateOp { target },
        Verb::RemoveFinalizers => Action::RemoveFinalizers { target },
        Verb::RestartPod => Action::RestartPod {
            target: ObjRef::new("v1", "Pod", Some("default"), "x"),
            grace_period_seconds: Some(30),
        },
        Verb::Exec => Action::Exec {
            target: ObjRef::new("v1", "Pod", Some("default"), "x"),
            container: None,
            command: vec!["true".into()],
            timeout_seconds: None,
        },
        Verb::Drain => Action::Drain { target },
        Verb::Cordon => Action::Cordon { target },
        Verb::Uncordon => Action::Uncordon { target },
        Verb::DeleteNode => Action::DeleteNode { target },
        Verb::LabelNode => Action::LabelNode {
            target,
            label: "a=b".into(),
        },
        Verb::TaintNode => Action::TaintNode {
            target,
            taint: "a=b:NoSchedule".into(),
        },
        Verb::Reset => Action::Reset { target },
    }
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
mod tests;
