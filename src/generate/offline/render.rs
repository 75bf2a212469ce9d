//! Rendering: turns a parsed [`Spec`] into Kubernetes objects with the house conventions
//! applied, recording in `defaults` every value the user did not give.

use serde_json::{Map, Value, json};

use super::OfflineRequest;
use super::conventions::{
    DEFAULT_LIMITS, DEFAULT_REQUESTS, KnownImage, container_security_context, known_image, labels,
    pod_security_context, selector_labels, split_image,
};
use super::parse::{Kind, Probe, Spec, Strategy};
use super::text::sanitize_name;

/// Values resolved once and shared by every object of the application.
struct App<'a> {
    spec: &'a Spec,
    name: String,
    namespace: Option<String>,
    kind: Kind,
    image: String,
    known: Option<&'static KnownImage>,
    /// Container port number and name.
    port: Option<(u16, String)>,
    labels: Value,
}

impl App<'_> {
    fn meta(&self, name: &str) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), name.into());
        if let Some(ns) = &self.namespace {
            m.insert("namespace".into(), ns.as_str().into());
        }
        m.insert("labels".into(), self.labels.clone());
        Value::Object(m)
    }

    fn long_running(&self) -> bool {
        matches!(
            self.kind,
            Kind::Deployment | Kind::StatefulSet | Kind::DaemonSet
        )
    }

    fn headless_name(&self) -> String {
        format!("{}-headless", self.name)
    }

    fn service_name(&self) -> String {
        self.spec
            .service_name
            .as_deref()
            .map_or_else(|| self.name.clone(), sanitize_name)
    }
}

/// Renders all objects; empty when there is no workload to render (no image could be resolved).
pub fn render(spec: &Spec, req: &OfflineRequest, d: &mut Vec<String>) -> Vec<Value> {
    let Some((image, known)) = resolve_image(spec, d) else {
        return Vec::new();
    };
    // Named after the image asked for, not after a swapped-in one (nginx, not nginx-unprivileged).
    let name = resolve_name(
        spec,
        spec.image.as_deref().unwrap_or(&image),
        req.app_name,
        d,
    );
    let kind = resolve_kind(spec, d);
    let component = known
        .and_then(|k| k.component)
        .or(matches!(kind, Kind::Job | Kind::CronJob).then_some("batch"));
    let namespace = spec
        .namespace
        .clone()
        .or_else(|| req.namespace.map(str::to_string));
    let mut app = App {
        spec,
        labels: labels(&name, component, &spec.labels),
        name,
        namespace,
        kind,
        image,
        known,
        port: None,
    };
    app.port = resolve_port(&app, d);

    let mut objects = Vec::new();
    objects.extend(config_map(&app, d));
    let pvc = (spec.storage.is_some() && kind != Kind::StatefulSet)
        .then(|| persistent_volume_claim(&app));
    objects.extend(pvc);
    objects.push(workload(&app, d));
    objects.extend(services(&app, d));
    objects.extend(ingress(&app, d));
    objects.extend(http_route(&app, d));
    objects.extend(pod_disruption_budget(&app, d));
    objects.extend(autoscaler(&app, d));
    objects.extend(network_policy(&app, d));
    objects
}

/// The image to run, pinned for well-known images; `None` when the text names no image.
fn resolve_image(
    spec: &Spec,
    d: &mut Vec<String>,
) -> Option<(String, Option<&'static KnownImage>)> {
    let given = spec.image.as_deref().or(spec.bare_image.as_deref())?;
    if spec.image_from_ingress_class {
        d.push("image: none named; nginx serves behind the nginx Ingress (name the image to route to instead)".into());
    }
    let (repo, tag) = split_image(given);
    let tag = tag.filter(|t| !t.eq_ignore_ascii_case("latest"));
    let Some(known) = known_image(repo) else {
        if tag.is_none() && !given.contains('@') {
            d.push(format!("image: '{given}' has no version tag (or uses :latest); left as given, pin a tag or digest"));
        }
        return Some((given.to_string(), None));
    };
    let swapped = known.repo
        != repo
            .trim_start_matches("docker.io/")
            .trim_start_matches("library/");
    let image = format!("{}:{}", known.repo, tag.unwrap_or(known.tag));
    match (tag, swapped) {
        (None, _) => d.push(format!(
            "image: '{given}' given without a pinned tag; chose {image}"
        )),
        (Some(_), true) => {}
        (Some(_), false) => return Some((given.to_string(), Some(known))),
    }
    if swapped {
        d.push(format!(
            "image: used {image} instead of {repo} because the stock image runs as root; it serves on port 8080"
        ));
    }
    Some((image, Some(known)))
}

fn resolve_name(spec: &Spec, image: &str, hint: Option<&str>, d: &mut Vec<String>) -> String {
    if let Some(n) = spec
        .name
        .as_deref()
        .map(sanitize_name)
        .filter(|n| !n.is_empty())
    {
        return n;
    }
    if let Some(n) = spec
        .name_hint
        .as_deref()
        .map(sanitize_name)
        .filter(|n| !n.is_empty())
    {
        d.push(format!(
            "name: none given; took '{n}' from how the text refers to the app"
        ));
        return n;
    }
    let from_image = spec
        .bare_image
        .as_deref()
        .map(|b| split_image(b).0.to_string())
        .unwrap_or_else(|| {
            split_image(image)
                .0
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        });
    let candidates = [
        (sanitize_name(&from_image), "the image"),
        (
            sanitize_name(hint.unwrap_or("")),
            "the application name hint",
        ),
    ];
    let (name, source) = candidates
        .into_iter()
        .find(|(n, _)| !n.is_empty())
        .unwrap_or_else(|| ("app".to_string(), "nothing (fallback)"));
    d.push(format!("name: none given; derived '{name}' from {source}"));
    name
}

fn resolve_kind(spec: &Spec, d: &mut Vec<String>) -> Kind {
    if spec.schedule.is_some() {
        return Kind::CronJob;
    }
    spec.kind.unwrap_or_else(|| {
        d.push("kind: no workload kind named; chose Deployment".into());
        Kind::Deployment
    })
}

fn resolve_port(app: &App, d: &mut Vec<String>) -> Option<(u16, String)> {
    let spec = app.spec;
    let known = app.known.and_then(|k| k.port);
    let name = known.map_or("http", |(_, n)| n).to_string();
    let unprivileged_nginx = app.image.starts_with("nginxinc/nginx-unprivileged");
    match (spec.container_port, known) {
        (Some(p), Some((k, _))) if unprivileged_nginx && p < 1024 => {
            d.push(format!(
                "ports: nginx-unprivileged cannot bind port {p}; the container listens on {k}"
            ));
            Some((k, name))
        }
        (Some(p), _) => Some((p, name)),
        (None, Some((k, _))) => Some((k, name)),
        (None, None) if let Some(p) = spec.monitoring.as_ref().and_then(|m| m.port) => {
            d.push(format!(
                "ports: exposed the metrics port {p} as container port 'metrics'"
            ));
            Some((p, "metrics".into()))
        }
        (None, None) if !app.long_running() => {
            if has_probes(spec) {
                d.push("probes: Jobs and CronJobs run to completion, so the probes asked for were not added".into());
            }
            None
        }
        (None, None) if let Some(p) = probe_port(spec) => {
            d.push(format!("ports: no container port given; assumed the container listens on the probe port {p}"));
            Some((p, name))
        }
        (None, None) => {
            let wants_network = spec.service
                || spec.ingress
                || spec.route
                || spec.host.is_some()
                || spec.tls
                || spec.headless;
            if let Some(p) = spec.service_port.filter(|_| wants_network) {
                d.push(format!("ports: no container port given; assumed the container listens on {p} like the Service"));
                Some((p, name))
            } else if wants_network
                || app.kind == Kind::StatefulSet
                || has_probes(spec)
                || spec.monitoring.is_some()
            {
                d.push("ports: no container port given; assumed 8080 (named http)".into());
                Some((8080, name))
            } else {
                None
            }
        }
    }
}

fn has_probes(spec: &Spec) -> bool {
    spec.liveness.is_some() || spec.readiness.is_some() || spec.startup.is_some()
}

fn probe_port(spec: &Spec) -> Option<u16> {
    [&spec.liveness, &spec.readiness, &spec.startup]
        .into_iter()
        .find_map(|p| p.as_ref().and_then(|p| p.port))
}

fn config_map(app: &App, d: &mut Vec<String>) -> Option<Value> {
    if app.spec.config_files.is_empty() {
        return None;
    }
    let mut data = Map::new();
    for file in &app.spec.config_files {
        let content = if file == "redis.conf" {
            d.push("configMap: redis.conf is a minimal config (bind all interfaces, protected-mode off, AOF persistence in /data); restrict access with the NetworkPolicy or add requirepass".into());
            "bind 0.0.0.0\nport 6379\nprotected-mode no\ndir /data\nappendonly yes\n".to_string()
        } else {
            d.push(format!(
                "configMap: {file} has placeholder content; fill it in"
            ));
            format!(
                "# {file} for {}: replace with the real configuration\n",
                app.name
            )
        };
        data.insert(file.clone(), Value::String(content));
    }
    Some(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": app.meta(&format!("{}-config", app.name)),
        "data": data,
    }))
}

fn config_mount_dir(app: &App) -> String {
    if app.spec.config_files.iter().any(|f| f == "redis.conf") {
        "/usr/local/etc/redis".into()
    } else {
        format!("/etc/{}", app.name)
    }
}

/// Storage size, mount path and access mode with defaults recorded.
fn storage_values(app: &App, d: &mut Vec<String>) -> (String, String, &'static str) {
    let st = app.spec.storage.clone().unwrap_or_default();
    let size = st.size.unwrap_or_else(|| {
        d.push("storage: no size given; chose 1Gi".into());
        "1Gi".into()
    });
    let mount = st.mount.unwrap_or_else(|| {
        let dir = app.known.map_or("/data", |k| k.data_dir);
        d.push(format!("storage: no mount path given; mounted at {dir}"));
        dir.into()
    });
    let mode = st.access_mode.unwrap_or_else(|| {
        d.push("storage: access mode ReadWriteOnce".into());
        "ReadWriteOnce"
    });
    (size, mount, mode)
}

fn pvc_spec(app: &App, size: &str, mode: &str) -> Value {
    let mut s = json!({ "accessModes": [mode], "resources": { "requests": { "storage": size } } });
    if let Some(class) = app.spec.storage.as_ref().and_then(|s| s.class.as_deref()) {
        s["storageClassName"] = class.into();
    }
    s
}

/// Storage defaults are recorded once, where the pod template mounts the volume.
fn persistent_volume_claim(app: &App) -> Value {
    let (size, _, mode) = storage_values(app, &mut Vec::new());
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": app.meta(&format!("{}-data", app.name)),
        "spec": pvc_spec(app, &size, mode),
    })
}

fn workload(app: &App, d: &mut Vec<String>) -> Value {
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

/// Turns "1" into a number and "25%" into a string, as IntOrString expects.
fn int_or_string(v: &str) -> Value {
    v.parse::<u64>()
        .map_or_else(|_| Value::String(v.to_string()), Value::from)
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

fn pairs(list: &[(String, String)]) -> Value {
    Value::Object(
        list.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
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

fn container(app: &App, mounts: Vec<Value>, d: &mut Vec<String>) -> Value {
    let spec = app.spec;
    let mut c = Map::new();
    c.insert("name".into(), app.name.clone().into());
    c.insert("image".into(), app.image.clone().into());
    if let Some(cmd) = &spec.command {
        c.insert("command".into(), cmd.clone().into());
    } else if spec.config_files.iter().any(|f| f == "redis.conf") {
        d.push("command: redis-server started with the mounted redis.conf".into());
        c.insert(
            "command".into(),
            json!(["redis-server", "/usr/local/etc/redis/redis.conf"]),
        );
    }
    if let Some(k) = app
        .known
        .filter(|k| !k.args.is_empty() && runs_the_server(app))
    {
        d.push(format!(
            "args: {} (the image does nothing useful without them)",
            k.args.join(" ")
        ));
        c.insert("args".into(), json!(k.args));
    }
    if let Some((port, name)) = &app.port {
        c.insert(
            "ports".into(),
            json!([{ "name": name, "containerPort": port, "protocol": "TCP" }]),
        );
    }
    let env = env(app, d);
    if !env.is_empty() {
        c.insert("env".into(), env.into());
    }
    let env_from = env_from(app, d);
    if !env_from.is_empty() {
        c.insert("envFrom".into(), env_from.into());
    }
    c.insert("resources".into(), resources(app, d));
    if app.long_running() {
        probes(app, &mut c, d);
    }
    c.insert("securityContext".into(), container_security_context());
    c.insert("volumeMounts".into(), mounts.into());
    Value::Object(c)
}

/// The env asked for, plus what a well-known image needs to start: its credentials from a
/// Secret (referenced, not created) and its plain settings, unless the user set them.
fn env(app: &App, d: &mut Vec<String>) -> Vec<Value> {
    let spec = app.spec;
    let given = |name: &str| spec.env.iter().any(|(k, _)| k == name);
    let mut out: Vec<Value> = spec
        .env
        .iter()
        .map(|(k, v)| json!({ "name": k, "value": v }))
        .collect();
    let Some(k) = app.known.filter(|_| runs_the_server(app)) else {
        return out;
    };
    for (name, value) in k.env.iter().filter(|(n, _)| !given(n)) {
        if *name == "PGDATA" && spec.storage.is_none() {
            continue; // only a fresh volume has lost+found in it
        }
        d.push(format!(
            "env: {name}={value} (a fresh volume's lost+found would stop initdb)"
        ));
        out.push(json!({ "name": name, "value": value }));
    }
    let missing: Vec<&(&str, &str)> = k.secret_env.iter().filter(|(n, _)| !given(n)).collect();
    if missing.is_empty() {
        return out;
    }
    let secret = spec
        .env_secrets
        .first()
        .cloned()
        .unwrap_or_else(|| credentials_secret(app));
    let keys: Vec<&str> = missing.iter().map(|(_, key)| *key).collect();
    let vars: Vec<&str> = missing.iter().map(|(n, _)| *n).collect();
    let literals: Vec<String> = keys
        .iter()
        .map(|k| format!("--from-literal={k}=…"))
        .collect();
    d.push(format!(
        "env: {} read from Secret '{secret}' (key{} {}); the {} image will not start safely without {}. The Secret is not created: kubectl create secret generic {secret} {}",
        vars.join(", "),
        if keys.len() > 1 { "s" } else { "" },
        keys.join(", "),
        k.repo,
        if vars.len() > 1 { "them" } else { "it" },
        literals.join(" ")
    ));
    for (name, key) in missing {
        out.push(json!({ "name": name, "valueFrom": { "secretKeyRef": { "name": secret, "key": key } } }));
    }
    out
}

/// The well-known image runs as the server it ships (not as a client in a Job or with a
/// command of its own, e.g. `pg_dump`): only then does it need its server settings.
fn runs_the_server(app: &App) -> bool {
    app.long_running() && app.spec.command.is_none()
}

/// The Secret a well-known image's credentials are read from when the user named none.
fn credentials_secret(app: &App) -> String {
    if app.spec.unnamed_secret {
        format!("{}-secrets", app.name)
    } else {
        format!("{}-credentials", app.name)
    }
}

fn env_from(app: &App, d: &mut Vec<String>) -> Vec<Value> {
    let spec = app.spec;
    let mut out: Vec<Value> = spec
        .env_configmaps
        .iter()
        .map(|n| json!({ "configMapRef": { "name": n } }))
        .collect();
    out.extend(
        spec.env_secrets
            .iter()
            .map(|n| json!({ "secretRef": { "name": n } })),
    );
    for (var, secret) in &spec.secret_vars {
        d.push(format!(
            "envFrom: {var} comes from Secret '{secret}', which must hold a key named {var}"
        ));
    }
    if spec.unnamed_secret && spec.env_secrets.is_empty() {
        let n = format!("{}-secrets", app.name);
        d.push(format!(
            "secret: no name given; referenced Secret '{n}' (not created)"
        ));
        out.push(json!({ "secretRef": { "name": n } }));
    }
    out
}

fn resources(app: &App, d: &mut Vec<String>) -> Value {
    let r = &app.spec.resources;
    let nothing =
        r.req_cpu.is_none() && r.req_mem.is_none() && r.lim_cpu.is_none() && r.lim_mem.is_none();
    let (req_cpu, req_mem, lim_cpu, lim_mem);
    if nothing {
        (req_cpu, req_mem) = (
            DEFAULT_REQUESTS.0.to_string(),
            DEFAULT_REQUESTS.1.to_string(),
        );
        (lim_cpu, lim_mem) = (DEFAULT_LIMITS.0.to_string(), DEFAULT_LIMITS.1.to_string());
        let why = app
            .spec
            .resources_hint
            .as_ref()
            .map_or_else(|| "none given".to_string(), |h| format!("asked '{h}'"));
        d.push(format!(
            "resources: chose requests {req_cpu}/{req_mem}, limits {lim_cpu}/{lim_mem} ({why})"
        ));
    } else {
        let mut filled = Vec::new();
        let mut pick = |given: &Option<String>,
                        other: &Option<String>,
                        what: &str,
                        from: &str,
                        fallback: &str| {
            given.clone().unwrap_or_else(|| match other {
                Some(v) => {
                    filled.push(format!("{what} {v} (same as {from})"));
                    v.clone()
                }
                None => {
                    filled.push(format!("{what} {fallback}"));
                    fallback.to_string()
                }
            })
        };
        req_cpu = pick(
            &r.req_cpu,
            &r.lim_cpu,
            "requests.cpu",
            "limits",
            DEFAULT_REQUESTS.0,
        );
        req_mem = pick(
            &r.req_mem,
            &r.lim_mem,
            "requests.memory",
            "limits",
            DEFAULT_REQUESTS.1,
        );
        lim_cpu = pick(
            &r.lim_cpu,
            &r.req_cpu,
            "limits.cpu",
            "requests",
            DEFAULT_LIMITS.0,
        );
        lim_mem = pick(
            &r.lim_mem,
            &r.req_mem,
            "limits.memory",
            "requests",
            DEFAULT_LIMITS.1,
        );
        if !filled.is_empty() {
            d.push(format!(
                "resources: not all given; chose {}",
                filled.join(", ")
            ));
        }
    }
    json!({
        "requests": { "cpu": req_cpu, "memory": req_mem },
        "limits": { "cpu": lim_cpu, "memory": lim_mem },
    })
}

fn probes(app: &App, c: &mut Map<String, Value>, d: &mut Vec<String>) {
    let Some((port, port_name)) = &app.port else {
        return;
    };
    let spec = app.spec;
    for (key, given) in [
        ("livenessProbe", &spec.liveness),
        ("readinessProbe", &spec.readiness),
    ] {
        let probe = given.clone().unwrap_or_else(|| {
            d.push(format!(
                "{key}: none given; chose tcpSocket on port {port_name} ({port})"
            ));
            Probe::default()
        });
        c.insert(key.into(), probe_json(&probe, port_name));
    }
    if let Some(p) = &spec.startup {
        c.insert("startupProbe".into(), probe_json(p, port_name));
    }
}

fn probe_json(p: &Probe, port_name: &str) -> Value {
    let port: Value = p.port.map_or_else(|| port_name.into(), Value::from);
    let mut v = match &p.path {
        Some(path) => json!({ "httpGet": { "path": path, "port": port } }),
        None => json!({ "tcpSocket": { "port": port } }),
    };
    if let Some(s) = p.initial_delay {
        v["initialDelaySeconds"] = s.into();
    }
    if let Some(s) = p.period {
        v["periodSeconds"] = s.into();
    }
    v
}

fn monitoring_annotations(app: &App, d: &mut Vec<String>) -> Option<Value> {
    let m = app.spec.monitoring.as_ref()?;
    let port = m.port.or(app.port.as_ref().map(|p| p.0))?;
    let path = m.path.clone().unwrap_or_else(|| {
        d.push("monitoring: prometheus.io annotations with path /metrics".into());
        "/metrics".into()
    });
    if m.port.is_none() {
        d.push(format!(
            "monitoring: scrape port {port} (the container port)"
        ));
    }
    if app.known.is_some_and(|k| k.component != Some("web")) {
        d.push(format!(
            "monitoring: {} does not serve Prometheus metrics itself; add an exporter sidecar",
            app.name
        ));
    }
    Some(
        json!({ "prometheus.io/scrape": "true", "prometheus.io/port": port.to_string(), "prometheus.io/path": path }),
    )
}

fn services(app: &App, d: &mut Vec<String>) -> Vec<Value> {
    let spec = app.spec;
    let Some((port, port_name)) = app.port.clone().filter(|_| app.long_running()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let regular = spec.service || spec.ingress || spec.route || spec.host.is_some() || spec.tls;
    if regular {
        if !spec.service {
            d.push("service: created because the Ingress/HTTPRoute needs a backend".into());
        }
        let sp = service_port(app, d);
        if spec.public {
            d.push("service: type LoadBalancer so it is reachable from outside the cluster".into());
        }
        let kind = spec.service_type.unwrap_or_else(|| {
            d.push("service: type ClusterIP".into());
            "ClusterIP"
        });
        let mut service_port =
            json!({ "name": port_name, "port": sp, "targetPort": port_name, "protocol": "TCP" });
        match spec.node_port {
            Some(n) if kind == "NodePort" => service_port["nodePort"] = n.into(),
            Some(n) => d.push(format!(
                "service: node port {n} ignored, the Service is {kind} (not NodePort)"
            )),
            None => {}
        }
        out.push(json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": app.meta(&app.service_name()),
            "spec": {
                "type": kind,
                "selector": selector_labels(&app.name),
                "ports": [service_port],
            },
        }));
    }
    if spec.headless || app.kind == Kind::StatefulSet {
        if !spec.headless {
            d.push(format!(
                "service: created headless Service {} required by the StatefulSet",
                app.headless_name()
            ));
        }
        out.push(json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": app.meta(&app.headless_name()),
            "spec": {
                "clusterIP": "None",
                "selector": selector_labels(&app.name),
                "ports": [{ "name": port_name, "port": port, "targetPort": port_name, "protocol": "TCP" }],
            },
        }));
    }
    out
}

/// The Service port: as given, 80 for HTTP containers, else the container port.
fn service_port(app: &App, d: &mut Vec<String>) -> u16 {
    if let Some(p) = app.spec.service_port {
        return p;
    }
    let (port, name) = app.port.clone().unwrap_or((80, "http".into()));
    let chosen = if name == "http" { 80 } else { port };
    d.push(format!(
        "service: port {chosen} targeting the container port {name}"
    ));
    chosen
}

fn ingress(app: &App, d: &mut Vec<String>) -> Option<Value> {
    let spec = app.spec;
    // TLS asked for without an Ingress or a route would otherwise be dropped silently.
    let wanted = spec.ingress || ((spec.host.is_some() || spec.tls) && !spec.route);
    if !wanted || !app.long_running() || app.port.is_none() {
        return None;
    }
    if !spec.ingress {
        let why = if spec.host.is_some() {
            "a hostname was given"
        } else {
            "TLS was asked for"
        };
        d.push(format!("ingress: created because {why}"));
    }
    let class = spec.ingress_class.clone().unwrap_or_else(|| {
        d.push("ingress: ingressClassName nginx".into());
        "nginx".into()
    });
    let host = spec.host.clone().or_else(|| {
        spec.tls.then(|| {
            let h = format!("{}.example.com", app.name);
            d.push(format!(
                "ingress: no hostname given; chose {h} (placeholder, change it)"
            ));
            h
        })
    });
    let path = http_path(app, "ingress", d);
    let port_name = app.port.as_ref().map_or("http", |p| p.1.as_str());
    let mut rule = json!({ "http": { "paths": [{
        "path": path, "pathType": "Prefix",
        "backend": { "service": { "name": app.service_name(), "port": { "name": port_name } } },
    }] } });
    let mut body = json!({ "ingressClassName": class });
    if let Some(h) = &host {
        rule = json!({ "host": h, "http": rule["http"].take() });
    }
    if spec.tls {
        let secret = spec.tls_secret.clone().unwrap_or_else(|| {
            let s = format!("{}-tls", app.name);
            d.push(format!("ingress: TLS certificate expected in Secret {s}"));
            s
        });
        body["tls"] = json!([{ "hosts": host.iter().collect::<Vec<_>>(), "secretName": secret }]);
    }
    body["rules"] = json!([rule]);
    Some(
        json!({ "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": app.meta(&app.name), "spec": body }),
    )
}

fn http_path(app: &App, what: &str, d: &mut Vec<String>) -> String {
    app.spec.path.clone().unwrap_or_else(|| {
        d.push(format!("{what}: path prefix /"));
        "/".into()
    })
}

fn http_route(app: &App, d: &mut Vec<String>) -> Vec<Value> {
    let spec = app.spec;
    if !spec.route || !app.long_running() || app.port.is_none() {
        return Vec::new();
    }
    let gateway = spec.gateway.clone().unwrap_or_else(|| {
        d.push("httpRoute: no Gateway named; attached to Gateway 'gateway'".into());
        "gateway".into()
    });
    let mut parent = json!({ "name": gateway });
    if let Some(ns) = &spec.gateway_ns {
        parent["namespace"] = ns.as_str().into();
    }
    let service_ns = match (&app.namespace, &spec.route_ns) {
        (Some(ns), _) => Some(ns.clone()),
        (None, Some(_)) => {
            d.push("httpRoute: the Service namespace is unknown; assumed 'default' for the cross-namespace reference".into());
            Some("default".into())
        }
        (None, None) => None,
    };
    let route_ns = spec.route_ns.clone().or_else(|| app.namespace.clone());
    let cross = spec.route_ns.is_some() && route_ns != service_ns;
    let service_port = service_port(app, &mut Vec::new());
    let mut backend = json!({ "name": app.service_name(), "port": service_port });
    if cross {
        backend["namespace"] = service_ns.clone().into();
    }
    let mut meta = app.meta(&app.name);
    if let Some(ns) = &route_ns {
        meta["namespace"] = ns.as_str().into();
    }
    let mut body = json!({ "parentRefs": [parent] });
    if let Some(h) = &spec.host {
        body["hostnames"] = json!([h]);
    }
    let path = http_path(app, "httpRoute", d);
    body["rules"] = json!([{ "matches": [{ "path": { "type": "PathPrefix", "value": path } }], "backendRefs": [backend] }]);
    if spec.tls {
        d.push(
            "httpRoute: TLS terminates at the Gateway listener, which this does not configure"
                .into(),
        );
    }
    let mut out = vec![
        json!({ "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": meta, "spec": body }),
    ];
    if cross {
        let mut grant_meta = app.meta(&format!(
            "{}-from-{}",
            app.name,
            route_ns.clone().unwrap_or_default()
        ));
        grant_meta["namespace"] = service_ns.into();
        out.push(json!({
            "apiVersion": "gateway.networking.k8s.io/v1beta1",
            "kind": "ReferenceGrant",
            "metadata": grant_meta,
            "spec": {
                "from": [{ "group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": route_ns }],
                "to": [{ "group": "", "kind": "Service", "name": app.service_name() }],
            },
        }));
    }
    out
}

fn pod_disruption_budget(app: &App, d: &mut Vec<String>) -> Option<Value> {
    let pdb = app.spec.pdb.as_ref()?;
    if !app.long_running() || app.kind == Kind::DaemonSet {
        d.push(
            "podDisruptionBudget: only rendered for Deployments and StatefulSets; skipped".into(),
        );
        return None;
    }
    let mut s = json!({ "selector": { "matchLabels": selector_labels(&app.name) } });
    match (&pdb.min_available, &pdb.max_unavailable) {
        (Some(m), _) => s["minAvailable"] = int_or_string(m),
        (None, Some(m)) => s["maxUnavailable"] = int_or_string(m),
        (None, None) if app.spec.replicas.unwrap_or(1) > 1 => {
            d.push("podDisruptionBudget: minAvailable 1".into());
            s["minAvailable"] = 1.into();
        }
        (None, None) => {
            d.push("podDisruptionBudget: maxUnavailable 1 (a single replica cannot keep one available during drains)".into());
            s["maxUnavailable"] = 1.into();
        }
    }
    Some(
        json!({ "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": app.meta(&app.name), "spec": s }),
    )
}

fn autoscaler(app: &App, d: &mut Vec<String>) -> Option<Value> {
    let hpa = app.spec.hpa.as_ref()?;
    let kind = match app.kind {
        Kind::Deployment => "Deployment",
        Kind::StatefulSet => "StatefulSet",
        _ => {
            d.push(
                "horizontalPodAutoscaler: only Deployments and StatefulSets scale; skipped".into(),
            );
            return None;
        }
    };
    let min = hpa
        .min
        .filter(|&n| (1..=i32::MAX as u64).contains(&n))
        .unwrap_or_else(|| {
            let m = app.spec.replicas.unwrap_or(1).clamp(1, i32::MAX as u64);
            d.push(format!("horizontalPodAutoscaler: minReplicas {m}"));
            m
        });
    let max = hpa
        .max
        .filter(|&n| n >= min && n <= i32::MAX as u64)
        .unwrap_or_else(|| {
            let m = min.saturating_mul(3).clamp(3, i32::MAX as u64);
            d.push(format!("horizontalPodAutoscaler: maxReplicas {m}"));
            m
        });
    let cpu = hpa.cpu.unwrap_or_else(|| {
        d.push("horizontalPodAutoscaler: target 80% average CPU utilization".into());
        80
    });
    Some(json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": app.meta(&app.name),
        "spec": {
            "scaleTargetRef": { "apiVersion": "apps/v1", "kind": kind, "name": app.name },
            "minReplicas": min,
            "maxReplicas": max,
            "metrics": [{ "type": "Resource", "resource": { "name": "cpu", "target": { "type": "Utilization", "averageUtilization": cpu } } }],
        },
    }))
}

fn network_policy(app: &App, d: &mut Vec<String>) -> Option<Value> {
    let np = app.spec.netpol.as_ref()?;
    let mut types = Vec::new();
    let mut s = json!({ "podSelector": { "matchLabels": selector_labels(&app.name) } });
    let mut peers: Vec<Value> = Vec::new();
    let explicit = !np.from_namespaces.is_empty() || !np.from_labels.is_empty();
    if np.only_app || (!explicit && !np.deny_ingress && !np.deny_egress) {
        let how = if np.only_app {
            "'app pods' read as"
        } else {
            "no peers given; allowed"
        };
        d.push(format!("networkPolicy: {how} pods labelled app.kubernetes.io/part-of={}; label client pods accordingly", app.name));
        peers.push(
            json!({ "podSelector": { "matchLabels": { "app.kubernetes.io/part-of": app.name } } }),
        );
    }
    peers.extend(np.from_namespaces.iter().map(|ns| json!({ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": ns } } })));
    if !np.from_labels.is_empty() {
        peers.push(json!({ "podSelector": { "matchLabels": pairs(&np.from_labels) } }));
    }
    if np.deny_ingress {
        types.push("Ingress");
        s["ingress"] = json!([]);
    } else if !peers.is_empty() {
        // An empty `from` would allow everyone, so a rule is only written with peers; with
        // none (e.g. only "deny all egress") the policy leaves ingress alone.
        types.push("Ingress");
        let mut rule = json!({ "from": peers });
        if let Some((_, name)) = &app.port {
            rule["ports"] = json!([{ "protocol": "TCP", "port": name }]);
        }
        s["ingress"] = json!([rule]);
        if app.spec.ingress || app.spec.route {
            d.push("networkPolicy: the ingress controller / gateway pods are not allowed in; add them as a peer".into());
        }
    }
    if np.deny_egress {
        types.push("Egress");
        s["egress"] = json!([]);
    }
    s["policyTypes"] = json!(types);
    Some(
        json!({ "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": app.meta(&app.name), "spec": s }),
    )
}
