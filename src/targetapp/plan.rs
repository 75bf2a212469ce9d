//! The seed's five actions mapped to what runs: a typed cluster action or a webhook POST.

use serde_json::Value;

use super::spec::{command_of, param_i64, param_str};
use super::{ActionKind, ActionSpec};
use crate::action::{Action, PatchType};
use crate::object::ObjRef;

/// What a fired trigger does.
#[derive(Debug, Clone, PartialEq)]
pub enum Planned {
    /// A typed action through the autonomy gate.
    Cluster(Action),
    /// POST the change to a URL (not a cluster write).
    Webhook { url: String },
}

/// Maps a fired action to what runs. `pod` is the pod whose state fired it (None for a
/// TargetApp polled through one explicit URL with several pods).
pub fn plan_action(spec: &ActionSpec, ns: &str, pod: Option<&Value>) -> Result<Planned, String> {
    let p = &spec.parameters;
    let pod_name = pod.and_then(|o| o.pointer("/metadata/name").and_then(Value::as_str));
    let need_pod = || {
        pod_name.map(str::to_string).ok_or_else(|| {
            format!(
                "{} needs the pod whose state fired it; this TargetApp polls one URL for several pods",
                spec.action.as_str()
            )
        })
    };
    Ok(match spec.action {
        ActionKind::RestartPod => Planned::Cluster(Action::RestartPod {
            target: ObjRef::new("v1", "Pod", Some(ns), &need_pod()?),
            grace_period_seconds: param_i64(p, "gracePeriod").transpose()?,
        }),
        ActionKind::ScaleDeployment => {
            let name = match param_str(p, "deployment").or_else(|| param_str(p, "name")) {
                Some(n) => n.to_string(),
                None => pod.and_then(owning_deployment).ok_or(
                    "scale_deployment needs `deployment` (the pod has no Deployment owner)",
                )?,
            };
            Planned::Cluster(Action::Scale {
                target: ObjRef::new("apps/v1", "Deployment", Some(ns), &name),
                replicas: param_i64(p, "replicas")
                    .transpose()?
                    .and_then(|r| i32::try_from(r).ok())
                    .ok_or("scale_deployment needs `replicas`")?,
            })
        }
        ActionKind::PatchResource => {
            let kind = param_str(p, "kind").ok_or("patch_resource needs `kind`")?;
            let name = param_str(p, "name").ok_or("patch_resource needs `name`")?;
            let info = crate::cluster::kinds::lookup(kind)
                .ok_or_else(|| format!("patch_resource: unknown kind `{kind}`"))?;
            // A TargetApp acts in its own namespace only: its author must not reach other
            // namespaces through serve's ServiceAccount.
            if let Some(other) = param_str(p, "namespace").filter(|o| *o != ns) {
                return Err(format!(
                    "patch_resource: namespace `{other}` is not the TargetApp's own (`{ns}`); a TargetApp acts in its own namespace only"
                ));
            }
            let target_ns = info.namespaced.then_some(ns);
            let patch_type = match p.get("patchType") {
                Some(t) => serde_json::from_value(t.clone())
                    .map_err(|_| format!("patchType {t} is not merge, strategic or json"))?,
                None => PatchType::Merge,
            };
            Planned::Cluster(Action::Patch {
                target: ObjRef::new(&info.api_version(), info.kind, target_ns, name),
                patch_type,
                patch: p
                    .get("patch")
                    .cloned()
                    .ok_or("patch_resource needs `patch`")?,
            })
        }
        ActionKind::Webhook => Planned::Webhook {
            url: param_str(p, "url")
                .ok_or("webhook needs `url`")?
                .to_string(),
        },
        ActionKind::ExecCommand => Planned::Cluster(Action::Exec {
            target: ObjRef::new("v1", "Pod", Some(ns), &need_pod()?),
            container: param_str(p, "container").map(str::to_string),
            command: command_of(p).ok_or("exec_command needs `command`")?,
            // The controller sets ACTION_EXECUTION_TIMEOUT here (configuration is not the
            // engine's to read).
            timeout_seconds: None,
        }),
    })
}

/// The Deployment a pod belongs to, through its ReplicaSet's name (`web-7d4f9-abcde` is
/// owned by ReplicaSet `web-7d4f9`, owned by Deployment `web`).
fn owning_deployment(pod: &Value) -> Option<String> {
    let owners = pod.pointer("/metadata/ownerReferences")?.as_array()?;
    let rs = owners
        .iter()
        .find(|o| o["kind"] == "ReplicaSet")?
        .get("name")?
        .as_str()?;
    rs.rsplit_once('-').map(|(d, _)| d.to_string())
}
