//! The container: env, resources, probes, and the monitoring annotations of its pod.

use super::App;
use crate::generate::offline::conventions::{
    DEFAULT_LIMITS, DEFAULT_REQUESTS, container_security_context,
};
use crate::generate::offline::parse::Probe;
use serde_json::{Map, Value, json};

pub(super) fn container(app: &App, mounts: Vec<Value>, d: &mut Vec<String>) -> Value {
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
pub(super) fn runs_the_server(app: &App) -> bool {
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

pub(super) fn resources(app: &App, d: &mut Vec<String>) -> Value {
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

pub(super) fn probes(app: &App, c: &mut Map<String, Value>, d: &mut Vec<String>) {
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

pub(super) fn monitoring_annotations(app: &App, d: &mut Vec<String>) -> Option<Value> {
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
