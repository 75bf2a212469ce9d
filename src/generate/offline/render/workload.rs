//! The workload object, its rollout strategy, and the pod template with its volumes.

use super::container::{container, monitoring_annotations, runs_the_server};
use super::storage::{config_mount_dir, pvc_spec, storage_values};
use super::{App, int_or_string, pairs};
use crate::generate::offline::conventions::{pod_security_context, selector_labels};
use crate::generate::offline::parse::{Kind, Strategy};
use serde_json::{Map, Value, json};

pub(super) fn workload(app: &App, d: &mut Vec<String>) -> Value {
    let spec = app.spec;
    let template = pod_template(app, d);
    let selector = json!({ "matchLabels": selector_labels(&app.name) });
    let mut meta = app.meta(&app.name);
    if !spec.annotations.is_empty() {
        meta["annotations"] = pairs(&spec.annotations);
    }
    let (api, kind, body) = match app.kind {
        Kind::Deployment => {
            let mut s = json!({});
            set_replicas(app, &mut s);
            s["selector"] = selector;
            if let Some(st) = deployment_strategy(app, d) {
                s["strategy"] = st;
            }
            s["template"] = template;
            ("apps/v1", "Deployment", s)
        }
        Kind::StatefulSet => {
            if app.image.starts_with("redis:") && spec.replicas.is_some_and(|n| n > 1) {
                d.push("redis: the pods run as independent instances; replication / cluster mode is not configured".into());
            }
            let mut s = json!({ "serviceName": app.headless_name() });
            set_replicas(app, &mut s);
            s["selector"] = selector;
            if let Some(st) = statefulset_strategy(app, d) {
                s["updateStrategy"] = st;
            }
            s["template"] = template;
            if spec.storage.is_some() {
                let (size, _, mode) = storage_values(app, &mut Vec::new());
                s["volumeClaimTemplates"] = json!([{ "metadata": { "name": "data", "labels": selector_labels(&app.name) }, "spec": pvc_spec(app, &size, mode) }]);
            }
            ("apps/v1", "StatefulSet", s)
        }
        Kind::DaemonSet => {
            if let Some(n) = spec.replicas {
                d.push(format!(
                    "replicas: a DaemonSet runs one pod per matching node; ignored '{n} replicas'"
                ));
            }
            (
                "apps/v1",
                "DaemonSet",
                json!({ "selector": selector, "template": template }),
            )
        }
        Kind::Job => ("batch/v1", "Job", job_spec(template, d)),
        Kind::CronJob => {
            let schedule = match &spec.schedule {
                Some(s) => {
                    d.extend(s.assumed.clone());
                    s.cron.clone()
                }
                None => {
                    d.push(
                        "schedule: CronJob without a schedule; chose daily at 00:00 (0 0 * * *)"
                            .into(),
                    );
                    "0 0 * * *".to_string()
                }
            };
            d.push("cronJob: concurrencyPolicy Forbid so a slow run is never overlapped".into());
            let job = job_spec(template, d);
            (
                "batch/v1",
                "CronJob",
                json!({ "schedule": schedule, "concurrencyPolicy": "Forbid", "jobTemplate": { "spec": job } }),
            )
        }
    };
    json!({ "apiVersion": api, "kind": kind, "metadata": meta, "spec": body })
}

fn set_replicas(app: &App, s: &mut Value) {
    if let Some(n) = app.spec.replicas {
        s["replicas"] = n.into();
    }
}

fn job_spec(mut template: Value, d: &mut Vec<String>) -> Value {
    template["spec"]["restartPolicy"] = "OnFailure".into();
    d.push("job: restartPolicy OnFailure".into());
    json!({ "template": template })
}

fn deployment_strategy(app: &App, d: &mut Vec<String>) -> Option<Value> {
    let rwo_volume = app
        .spec
        .storage
        .as_ref()
        .is_some_and(|s| s.access_mode.is_none_or(|m| m == "ReadWriteOnce"));
    match &app.spec.strategy {
        Some(Strategy::Recreate) => Some(json!({ "type": "Recreate" })),
        Some(Strategy::RollingUpdate(surge, unavailable)) => {
            let mut ru = Map::new();
            if let Some(s) = surge {
                ru.insert("maxSurge".into(), int_or_string(s));
            }
            if let Some(u) = unavailable {
                ru.insert("maxUnavailable".into(), int_or_string(u));
            }
            Some(json!({ "type": "RollingUpdate", "rollingUpdate": ru }))
        }
        Some(other) => {
            d.push(format!(
                "strategy: {other:?} applies to StatefulSets only; kept the Deployment default"
            ));
            None
        }
        None if rwo_volume => {
            d.push("strategy: chose Recreate because a ReadWriteOnce volume cannot be attached to old and new pods at once".into());
            Some(json!({ "type": "Recreate" }))
        }
        None => None,
    }
}

fn statefulset_strategy(app: &App, d: &mut Vec<String>) -> Option<Value> {
    match &app.spec.strategy {
        Some(Strategy::OnDelete) => Some(json!({ "type": "OnDelete" })),
        Some(Strategy::Partition(p)) => {
            Some(json!({ "type": "RollingUpdate", "rollingUpdate": { "partition": p } }))
        }
        Some(Strategy::RollingUpdate(_, unavailable)) => {
            let mut s = json!({ "type": "RollingUpdate" });
            if let Some(u) = unavailable {
                s["rollingUpdate"] = json!({ "maxUnavailable": int_or_string(u) });
            }
            Some(s)
        }
        Some(Strategy::Recreate) => {
            d.push("strategy: StatefulSets have no Recreate strategy; kept RollingUpdate".into());
            None
        }
        None => None,
    }
}

fn pod_template(app: &App, d: &mut Vec<String>) -> Value {
    let spec = app.spec;
    let (mut volumes, mounts) = volumes(app, d);
    let mut pod = Map::new();
    let asked_uid = spec.run_as_user.filter(|&uid| {
        if uid == 0 {
            d.push(
                "securityContext: user 0 is root; kept runAsNonRoot and did not set runAsUser 0"
                    .into(),
            );
        }
        uid != 0
    });
    let run_as = asked_uid.or(app.known.and_then(|k| k.run_as_user));
    match (run_as, app.known) {
        _ if asked_uid.is_some() => {}
        (Some(uid), Some(k)) => d.push(format!("securityContext: runAsUser {uid} (the {} image's non-root user) so runAsNonRoot can be enforced", k.repo)),
        (None, None) => d.push("securityContext: runAsNonRoot without runAsUser; the image must declare a numeric non-root USER".into()),
        _ => {}
    }
    pod.insert(
        "securityContext".into(),
        pod_security_context(run_as, spec.storage.is_some()),
    );
    if !spec.node_selector.is_empty() {
        pod.insert("nodeSelector".into(), pairs(&spec.node_selector));
    }
    if !spec.tolerations.is_empty() {
        let t: Vec<Value> = spec
            .tolerations
            .iter()
            .map(|t| {
                let mut m = json!({});
                if !t.key.is_empty() {
                    m["key"] = t.key.as_str().into(); // no key: tolerates every taint
                }
                m["operator"] = if t.value.is_some() { "Equal" } else { "Exists" }.into();
                if let Some(v) = &t.value {
                    m["value"] = v.as_str().into();
                }
                if let Some(e) = t.effect {
                    m["effect"] = e.into();
                }
                m
            })
            .collect();
        pod.insert("tolerations".into(), t.into());
    }
    pod.insert("containers".into(), json!([container(app, mounts, d)]));
    pod.insert("volumes".into(), Value::Array(std::mem::take(&mut volumes)));
    let mut meta = json!({ "labels": app.labels });
    if let Some(a) = monitoring_annotations(app, d) {
        meta["annotations"] = a;
    }
    json!({ "metadata": meta, "spec": pod })
}

/// Pod volumes and container mounts: scratch dirs for the read-only root, config, data.
fn volumes(app: &App, d: &mut Vec<String>) -> (Vec<Value>, Vec<Value>) {
    let mut vols = vec![json!({ "name": "tmp", "emptyDir": {} })];
    let mut mounts = vec![json!({ "name": "tmp", "mountPath": "/tmp" })];
    let extra = app.known.map_or(&[][..], |k| k.writable_dirs);
    for (i, dir) in extra.iter().enumerate() {
        let name = format!("scratch-{i}");
        vols.push(json!({ "name": name, "emptyDir": {} }));
        mounts.push(json!({ "name": name, "mountPath": dir }));
    }
    let dirs: Vec<&str> = std::iter::once("/tmp")
        .chain(extra.iter().copied())
        .collect();
    d.push(format!(
        "securityContext: readOnlyRootFilesystem, so emptyDir volumes are mounted at {}",
        dirs.join(", ")
    ));
    if !app.spec.config_files.is_empty() {
        let dir = config_mount_dir(app);
        d.push(format!("configMap: mounted {}-config at {dir}", app.name));
        vols.push(
            json!({ "name": "config", "configMap": { "name": format!("{}-config", app.name) } }),
        );
        mounts.push(json!({ "name": "config", "mountPath": dir, "readOnly": true }));
    }
    if let Some(k) = app
        .known
        .filter(|k| k.keeps_data && app.spec.storage.is_none() && runs_the_server(app))
    {
        d.push(format!(
            "storage: none asked for; {} keeps its data in an emptyDir at {}, lost when the pod goes (ask for storage to keep it)",
            k.repo, k.data_dir
        ));
        vols.push(json!({ "name": "data", "emptyDir": {} }));
        mounts.push(json!({ "name": "data", "mountPath": k.data_dir }));
    }
    if app.spec.storage.is_some() {
        let (_, mount, _) = storage_values(app, d);
        if app.kind != Kind::StatefulSet {
            vols.push(json!({ "name": "data", "persistentVolumeClaim": { "claimName": format!("{}-data", app.name) } }));
            let replicas = app.spec.replicas.unwrap_or(1);
            if replicas > 1 && app.kind == Kind::Deployment {
                d.push(format!("storage: {replicas} replicas share one ReadWriteOnce claim, so they must run on the same node; consider a StatefulSet"));
            }
        }
        mounts.push(json!({ "name": "data", "mountPath": mount }));
    }
    (vols, mounts)
}
