//! What an action writes, as data: the one place a request body is built.
//!
//! [`plan`] turns an action (and, for the few verbs that need it, the object as read) into
//! the exact writes: target object, subresource, HTTP method, patch type and body. The
//! preview applies those writes to the object locally (`change::after`); the executor sends
//! them (`cluster::live`). So the change a confirm prompt shows is, by construction, the
//! change that is sent. kube-rs keeps request building pure and apart from its client the
//! same way (`kube-core`'s `request.rs`). Pure; no I/O.

use serde_json::{Map, Value, json};

use crate::action::{Action, PatchType};
use crate::cluster::kinds;
use crate::object::{Obj, ObjRef};

/// The field manager for every write, so `managedFields` show who changed what.
pub const FIELD_MANAGER: &str = "kubectl-claude";

/// How an action is carried out.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// A read; nothing is written.
    Read(Read),
    /// These writes, in this order (a Flux source before the object that reads it).
    Write(Vec<Write>),
    /// A command run in a pod through the API server's streaming exec. There is no object
    /// diff: the preview shows this step (pod, container, argv) and the executor runs it.
    Exec(ExecStep),
    /// No HTTP path here; a human runs `Action::manual_command` (the reason says why).
    Unsupported(&'static str),
    /// Never executed by this product, whatever any policy says.
    Forbidden,
}

/// What a read action reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    Object(ObjRef),
    Logs {
        target: ObjRef,
        container: Option<String>,
        previous: bool,
    },
    List {
        kind: String,
        namespace: Option<String>,
    },
}

/// One exec: the argv is sent as is (repeated `command=` query parameters), never through a
/// shell of ours.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecStep {
    pub target: ObjRef,
    /// `None`: the pod's default container (its `kubectl.kubernetes.io/default-container`
    /// annotation, else its first), resolved against the pod as read, as kubectl does.
    pub container: Option<String>,
    pub command: Vec<String>,
    /// The bound on the whole exec; `None`: the client's `--request-timeout`.
    pub timeout: Option<std::time::Duration>,
}

/// The annotation naming the container `kubectl exec`/`logs` use when none is given.
pub const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

impl ExecStep {
    /// The container this exec runs in, given the pod as read.
    pub fn container_in(&self, pod: &Value) -> Option<String> {
        if let Some(c) = &self.container {
            return Some(c.clone());
        }
        let o = Obj(pod);
        o.at("/metadata/annotations")
            .and_then(|a| a.get(DEFAULT_CONTAINER_ANNOTATION))
            .and_then(Value::as_str)
            .or_else(|| o.str_at("/spec/containers/0/name"))
            .filter(|c| !c.is_empty())
            .map(str::to_string)
    }

    /// `runs ["sh" "-c" "echo hi"] in container app of Pod/shop/web-1 …`, for previews.
    /// Each word is quoted as JSON so spaces and quotes inside a word stay visible.
    pub fn describe(&self) -> String {
        let argv: Vec<String> = self
            .command
            .iter()
            .map(|w| Value::from(w.as_str()).to_string())
            .collect();
        format!(
            "runs [{}] in {} of {} (no terminal, no stdin{}); its exit code decides the outcome",
            argv.join(" "),
            match &self.container {
                Some(c) => format!("container {c}"),
                None => "the default container".to_string(),
            },
            self.target.display(),
            self.timeout
                .map(|t| format!(", at most {}s", t.as_secs()))
                .unwrap_or_default()
        )
    }
}

/// One write to the API server.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub target: ObjRef,
    pub subresource: Option<Subresource>,
    pub op: Op,
    /// Checked by the executor against the object as read, right before sending; the
    /// preview shows the change as if it holds.
    pub guard: Option<Guard>,
}

/// A subresource a write goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subresource {
    /// `…/scale`: `spec.replicas` there is the object's own `spec.replicas`.
    Scale,
}

impl Subresource {
    pub fn as_str(self) -> &'static str {
        match self {
            Subresource::Scale => "scale",
        }
    }
}

/// The kind of write.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Patch {
        patch_type: PatchType,
        body: Value,
    },
    /// Server-side apply of a whole manifest (`kubectl apply --server-side --force-conflicts`).
    Apply {
        manifest: Value,
    },
    Delete,
    /// A DELETE with `DeleteOptions` in its body (a grace period).
    DeleteWith {
        options: Value,
    },
}

/// The HTTP method of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A condition on the object as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Argo CD's TerminateOperation: only with an operation in progress.
    OperationInProgress,
}

impl Guard {
    /// `Err` with the reason when the object does not satisfy the guard.
    pub fn check(self, object: Option<&Value>) -> Result<(), &'static str> {
        match self {
            Guard::OperationInProgress => {
                let running = object.is_some_and(|app| {
                    let o = Obj(app);
                    o.at("/operation").is_some_and(|v| !v.is_null())
                        && o.at("/status/operationState").is_some_and(|v| !v.is_null())
                });
                if running {
                    Ok(())
                } else {
                    Err("no operation is in progress")
                }
            }
        }
    }

    /// What was being attempted, for the error.
    pub fn what(self, target: &ObjRef) -> String {
        match self {
            Guard::OperationInProgress => {
                format!("terminate the operation of {}", target.display())
            }
        }
    }
}

impl Write {
    fn patch(target: &ObjRef, patch_type: PatchType, body: Value) -> Write {
        Write {
            target: target.clone(),
            subresource: None,
            op: Op::Patch { patch_type, body },
            guard: None,
        }
    }

    fn merge(target: &ObjRef, body: Value) -> Write {
        Write::patch(target, PatchType::Merge, body)
    }

    /// The server-side apply of `manifest` (also what an apply dry run sends).
    pub fn apply(manifest: &Value) -> Write {
        Write {
            target: Obj(manifest).obj_ref(),
            subresource: None,
            op: Op::Apply {
                manifest: manifest.clone(),
            },
            guard: None,
        }
    }

    pub fn method(&self) -> Method {
        match self.op {
            Op::Patch { .. } | Op::Apply { .. } => Method::Patch,
            Op::Delete | Op::DeleteWith { .. } => Method::Delete,
        }
    }

    /// The request's `Content-Type`; `None` for a write without a body.
    pub fn content_type(&self) -> Option<&'static str> {
        match &self.op {
            Op::Patch { patch_type, .. } => Some(match patch_type {
                PatchType::Merge => "application/merge-patch+json",
                PatchType::Strategic => "application/strategic-merge-patch+json",
                PatchType::Json => "application/json-patch+json",
            }),
            Op::Apply { .. } => Some("application/apply-patch+yaml"),
            Op::DeleteWith { .. } => Some("application/json"),
            Op::Delete => None,
        }
    }

    /// The query parameters (without `dryRun`, which only a preview adds).
    pub fn query(&self) -> &'static [(&'static str, &'static str)] {
        match self.op {
            Op::Patch { .. } => &[("fieldManager", FIELD_MANAGER)],
            Op::Apply { .. } => &[("fieldManager", FIELD_MANAGER), ("force", "true")],
            Op::Delete | Op::DeleteWith { .. } => &[],
        }
    }

    /// The request body, as JSON (which is YAML too, for apply).
    pub fn body(&self) -> Option<&Value> {
        match &self.op {
            Op::Patch { body, .. } => Some(body),
            Op::Apply { manifest } => Some(manifest),
            Op::DeleteWith { options } => Some(options),
            Op::Delete => None,
        }
    }

    /// `patch deployment/web in shop` and the like, for errors.
    pub fn describe(&self) -> String {
        let verb = match self.op {
            Op::Patch { .. } => "patch",
            Op::Apply { .. } => "apply",
            Op::Delete | Op::DeleteWith { .. } => "delete",
        };
        format!("{verb} {}", self.target.display())
    }
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("planning {0} needs the object as read")]
    NeedsObject(String),
}

/// True when [`plan`] (or a write's guard) needs the target as read: a reconcile with its
/// Flux source, and terminating an Argo CD operation.
pub fn needs_object(action: &Action) -> bool {
    match action {
        Action::Reconcile {
            target,
            with_source,
            ..
        } => *with_source && target.kind != "Application",
        Action::ArgoTerminateOp { .. } => true,
        Action::Get { .. }
        | Action::Describe { .. }
        | Action::Logs { .. }
        | Action::List { .. }
        | Action::Top { .. }
        | Action::Diff { .. }
        | Action::Patch { .. }
        | Action::Scale { .. }
        | Action::RolloutRestart { .. }
        | Action::RolloutUndo { .. }
        | Action::ArgoRollback { .. }
        | Action::Apply { .. }
        | Action::Delete { .. }
        | Action::Suspend { .. }
        | Action::Resume { .. }
        | Action::ArgoSync { .. }
        | Action::ArgoRefresh { .. }
        | Action::RemoveFinalizers { .. }
        | Action::RestartPod { .. }
        | Action::Exec { .. }
        | Action::Drain { .. }
        | Action::Cordon { .. }
        | Action::Uncordon { .. }
        | Action::DeleteNode { .. }
        | Action::LabelNode { .. }
        | Action::TaintNode { .. }
        | Action::Reset { .. } => false,
    }
}

/// The plan for `action`. `object` is the target as read (required when [`needs_object`]);
/// `now` is the timestamp written into restart and reconcile annotations.
pub fn plan(action: &Action, object: Option<&Value>, now: &str) -> Result<Plan, Error> {
    let one = |w: Write| Ok(Plan::Write(vec![w]));
    match action {
        Action::Get { target } | Action::Describe { target } | Action::Diff { target } => {
            Ok(Plan::Read(Read::Object(target.clone())))
        }
        Action::Logs {
            target,
            container,
            previous,
        } => Ok(Plan::Read(Read::Logs {
            target: target.clone(),
            container: container.clone(),
            previous: previous.unwrap_or(false),
        })),
        Action::List { kind, namespace } => Ok(Plan::Read(Read::List {
            kind: kind.clone(),
            namespace: namespace.clone(),
        })),
        Action::Top { .. } => Ok(Plan::Unsupported("needs the metrics API")),
        // `act` and workflows translate a Deployment's undo into the patch kubectl would
        // send (`change::rollout_undo_patch`) before it gets here.
        Action::RolloutUndo { .. } => Ok(Plan::Unsupported(
            "undo needs the ReplicaSet revision history kubectl reads",
        )),
        Action::ArgoRollback { .. } => Ok(Plan::Unsupported("rollback needs the Argo CD API")),
        Action::Patch {
            target,
            patch_type,
            patch,
        } => one(Write::patch(target, *patch_type, patch.clone())),
        Action::Scale { target, replicas } => {
            let mut w = Write::merge(target, json!({"spec": {"replicas": replicas}}));
            if matches!(
                target.kind.as_str(),
                "Deployment" | "StatefulSet" | "ReplicaSet"
            ) {
                w.subresource = Some(Subresource::Scale);
            }
            one(w)
        }
        // What `kubectl rollout restart` does: a new pod-template annotation.
        Action::RolloutRestart { target } => one(Write::merge(
            target,
            json!({"spec": {"template": {"metadata": {"annotations": {
                "kubectl.kubernetes.io/restartedAt": now}}}}}),
        )),
        Action::Apply { manifest } => one(Write::apply(manifest)),
        Action::Delete { target } if target.kind == "Node" => Ok(Plan::Forbidden),
        Action::Delete { target } => one(Write {
            target: target.clone(),
            subresource: None,
            op: Op::Delete,
            guard: None,
        }),
        Action::Reconcile {
            target,
            with_source,
            reset,
            force,
        } => {
            if target.kind == "Application" {
                return one(Write::merge(
                    target,
                    json!({"metadata": {"annotations": {"argocd.argoproj.io/refresh": "normal"}}}),
                ));
            }
            // Flux's `flux reconcile`: requestedAt, plus forceAt/resetAt for HelmRelease.
            let mut ann = Map::new();
            ann.insert("reconcile.fluxcd.io/requestedAt".into(), json!(now));
            if *force {
                ann.insert("reconcile.fluxcd.io/forceAt".into(), json!(now));
            }
            if *reset {
                ann.insert("reconcile.fluxcd.io/resetAt".into(), json!(now));
            }
            let mut writes = Vec::new();
            if *with_source {
                let obj = object.ok_or_else(|| Error::NeedsObject(target.display()))?;
                if let Some(src) = flux_source(obj, target) {
                    writes.push(Write::merge(
                        &src,
                        json!({"metadata": {"annotations": {
                            "reconcile.fluxcd.io/requestedAt": now}}}),
                    ));
                }
            }
            writes.push(Write::merge(
                target,
                json!({"metadata": {"annotations": Value::Object(ann)}}),
            ));
            Ok(Plan::Write(writes))
        }
        Action::Suspend { target } => one(Write::merge(target, json!({"spec": {"suspend": true}}))),
        // `flux resume` also asks for a reconcile right away.
        Action::Resume { target } => one(Write::merge(
            target,
            json!({"spec": {"suspend": false}, "metadata": {"annotations": {
                "reconcile.fluxcd.io/requestedAt": now}}}),
        )),
        // The Argo CD API server starts a sync by writing `operation`; the application
        // controller picks it up.
        Action::ArgoSync { target } => one(Write::merge(
            target,
            json!({"operation": {
                "initiatedBy": {"username": FIELD_MANAGER},
                "sync": {"syncStrategy": {"hook": {}}}}}),
        )),
        Action::ArgoRefresh { target } => one(Write::merge(
            target,
            json!({"metadata": {"annotations": {"argocd.argoproj.io/refresh": "hard"}}}),
        )),
        // Exactly what Argo CD's TerminateOperation does: with an operation in progress, mark
        // it Terminating; the controller stops the sync and clears `operation` itself
        // (removing `operation` here would orphan the running sync).
        Action::ArgoTerminateOp { target } => {
            let mut w = Write::merge(
                target,
                json!({"status": {"operationState": {"phase": "Terminating"}}}),
            );
            w.guard = Some(Guard::OperationInProgress);
            one(w)
        }
        Action::RemoveFinalizers { target } => one(Write::merge(
            target,
            json!({"metadata": {"finalizers": null}}),
        )),
        // Only a Pod is restarted this way; a grace period goes in the DeleteOptions body.
        Action::RestartPod { target, .. } if target.kind != "Pod" => Ok(Plan::Unsupported(
            "restart-pod deletes a Pod; use rollout-restart for a workload",
        )),
        Action::RestartPod {
            target,
            grace_period_seconds,
        } => one(Write {
            target: target.clone(),
            subresource: None,
            op: match grace_period_seconds {
                Some(g) => Op::DeleteWith {
                    options: json!({"apiVersion": "v1", "kind": "DeleteOptions",
                        "gracePeriodSeconds": g}),
                },
                None => Op::Delete,
            },
            guard: None,
        }),
        Action::Exec { target, .. } if target.kind != "Pod" => {
            Ok(Plan::Unsupported("exec runs in a Pod; name pod/NAME"))
        }
        Action::Exec { command, .. } if command.is_empty() => {
            Ok(Plan::Unsupported("exec needs a command (after `--`)"))
        }
        Action::Exec {
            target,
            container,
            command,
            timeout_seconds,
        } => Ok(Plan::Exec(ExecStep {
            target: target.clone(),
            container: container.clone(),
            command: command.clone(),
            timeout: timeout_seconds.map(std::time::Duration::from_secs),
        })),
        Action::Drain { .. }
        | Action::Cordon { .. }
        | Action::Uncordon { .. }
        | Action::DeleteNode { .. }
        | Action::LabelNode { .. }
        | Action::TaintNode { .. }
        | Action::Reset { .. } => Ok(Plan::Forbidden),
    }
}

/// The source a Flux Kustomization or HelmRelease reads from. A `sourceRef` is a cross-object
/// reference: kind, name, namespace (defaulting to the referrer's) at its top level.
fn flux_source(obj: &Value, target: &ObjRef) -> Option<ObjRef> {
    let o = Obj(obj);
    let src = o
        .at("/spec/sourceRef")
        .or_else(|| o.at("/spec/chart/spec/sourceRef"))
        .or_else(|| o.at("/spec/chartRef"))?;
    let field = |k: &str| src.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let kind = field("kind")?;
    // A source is a Flux source kind, never a Node: no reconcile annotation on one, whatever
    // the live object says (the gate never sees this second target).
    if kind.eq_ignore_ascii_case("node") {
        return None;
    }
    let name = field("name")?;
    let api_version = match field("apiVersion") {
        Some(av) => av.to_string(),
        None => kinds::lookup(kind)?.api_version(),
    };
    let ns = field("namespace").or(target.namespace.as_deref());
    Some(ObjRef::new(&api_version, kind, ns, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Verb, sample};

    fn ks() -> ObjRef {
        ObjRef::new(
            "kustomize.toolkit.fluxcd.io/v1",
            "Kustomization",
            Some("flux-system"),
            "apps",
        )
    }

    #[test]
    fn every_verb_has_a_plan_and_forbidden_verbs_have_no_write() {
        for &v in Verb::all() {
            let a = sample(v);
            let p = plan(&a, Some(&json!({})), "t").unwrap();
            match v.spec().tier {
                crate::action::Tier::Forbidden => assert_eq!(p, Plan::Forbidden, "{v}"),
                crate::action::Tier::Safe => assert!(
                    matches!(p, Plan::Read(_)) || matches!(p, Plan::Unsupported(_)),
                    "{v}"
                ),
                crate::action::Tier::Confirm => {
                    assert!(!matches!(p, Plan::Forbidden | Plan::Read(_)), "{v}")
                }
            }
        }
        let node = ObjRef::new("v1", "Node", None, "n");
        assert_eq!(
            plan(&Action::Delete { target: node }, None, "t").unwrap(),
            Plan::Forbidden
        );
    }

    #[test]
    fn reconcile_with_source_patches_the_source_first_and_needs_the_object() {
        let a = Action::Reconcile {
            target: ks(),
            with_source: true,
            reset: true,
            force: false,
        };
        assert!(needs_object(&a));
        assert_eq!(plan(&a, None, "t"), Err(Error::NeedsObject(ks().display())));
        let obj = json!({"spec": {"sourceRef": {"kind": "GitRepository", "name": "repo"}}});
        let Plan::Write(ws) = plan(&a, Some(&obj), "NOW").unwrap() else {
            panic!("writes")
        };
        assert_eq!(ws.len(), 2);
        assert_eq!(ws[0].target.kind, "GitRepository");
        assert_eq!(ws[0].target.namespace.as_deref(), Some("flux-system"));
        assert_eq!(ws[1].target, ks());
        let ann = &ws[1].body().unwrap()["metadata"]["annotations"];
        assert_eq!(ann["reconcile.fluxcd.io/resetAt"], "NOW");
        assert!(ann.get("reconcile.fluxcd.io/forceAt").is_none());
        // A source that claims to be a Node is never written.
        let sneaky = json!({"spec": {"sourceRef": {"kind": "Node", "name": "n"}}});
        let Plan::Write(ws) = plan(&a, Some(&sneaky), "NOW").unwrap() else {
            panic!("writes")
        };
        assert_eq!(ws.len(), 1);
    }

    #[test]
    fn scale_uses_the_subresource_for_workloads_only() {
        let dep = ObjRef::new("apps/v1", "Deployment", Some("a"), "web");
        let hr = ObjRef::new("helm.toolkit.fluxcd.io/v2", "HelmRelease", Some("a"), "x");
        let sub = |t: ObjRef| match plan(
            &Action::Scale {
                target: t,
                replicas: 2,
            },
            None,
            "t",
        ) {
            Ok(Plan::Write(ws)) => ws[0].subresource,
            other => panic!("{other:?}"),
        };
        assert_eq!(sub(dep), Some(Subresource::Scale));
        assert_eq!(sub(hr), None);
    }

    #[test]
    fn writes_carry_method_content_type_and_query() {
        let m = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "a"}});
        let w = Write::apply(&m);
        assert_eq!(w.method(), Method::Patch);
        assert_eq!(w.content_type(), Some("application/apply-patch+yaml"));
        assert_eq!(
            w.query(),
            &[("fieldManager", FIELD_MANAGER), ("force", "true")]
        );
        assert_eq!(w.target, ObjRef::new("v1", "ConfigMap", Some("a"), "c"));
        let d = ObjRef::new("v1", "Pod", Some("a"), "p");
        let Plan::Write(ws) = plan(&Action::Delete { target: d }, None, "t").unwrap() else {
            panic!("writes")
        };
        assert_eq!(ws[0].method(), Method::Delete);
        assert_eq!((ws[0].content_type(), ws[0].body()), (None, None));
    }

    #[test]
    fn exec_is_one_step_with_the_argv_as_given() {
        let pod = ObjRef::new("v1", "Pod", Some("shop"), "web-1");
        let a = Action::Exec {
            target: pod.clone(),
            container: None,
            command: vec!["sh".into(), "-c".into(), "echo hi".into()],
            timeout_seconds: None,
        };
        let Plan::Exec(step) = plan(&a, None, "t").unwrap() else {
            panic!("exec")
        };
        assert_eq!(step.command, ["sh", "-c", "echo hi"]);
        assert!(
            step.describe().contains(r#"["sh" "-c" "echo hi"]"#),
            "{}",
            step.describe()
        );
        let p = json!({"metadata": {"annotations": {DEFAULT_CONTAINER_ANNOTATION: "side"}},
            "spec": {"containers": [{"name": "app"}, {"name": "side"}]}});
        assert_eq!(step.container_in(&p).as_deref(), Some("side"));
        let p = json!({"spec": {"containers": [{"name": "app"}]}});
        assert_eq!(step.container_in(&p).as_deref(), Some("app"));
        assert_eq!(step.timeout, None);
        let bounded = Action::Exec {
            target: pod.clone(),
            container: None,
            command: vec!["true".into()],
            timeout_seconds: Some(300),
        };
        let Plan::Exec(step) = plan(&bounded, None, "t").unwrap() else {
            panic!("exec")
        };
        assert_eq!(step.timeout, Some(std::time::Duration::from_secs(300)));
        assert!(
            step.describe().contains("at most 300s"),
            "{}",
            step.describe()
        );
        let deploy = ObjRef::new("apps/v1", "Deployment", Some("shop"), "web");
        let a = Action::Exec {
            target: deploy,
            container: None,
            command: vec!["true".into()],
            timeout_seconds: None,
        };
        assert!(matches!(plan(&a, None, "t"), Ok(Plan::Unsupported(_))));
    }

    #[test]
    fn terminate_op_is_guarded_by_a_running_operation() {
        let g = Guard::OperationInProgress;
        assert!(g.check(None).is_err());
        assert!(g.check(Some(&json!({"operation": null}))).is_err());
        assert!(
            g.check(Some(&json!({"operation": {"sync": {}},
                "status": {"operationState": {"phase": "Running"}}})))
                .is_ok()
        );
    }
}
