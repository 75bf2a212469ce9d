//! Rendering: turns a parsed [`Spec`] into Kubernetes objects with the house conventions
//! applied, recording in `defaults` every value the user did not give.

use serde_json::{Map, Value};

use super::OfflineRequest;
use super::conventions::{KnownImage, known_image, labels, split_image};
use super::parse::{Kind, Spec};
use super::text::sanitize_name;

mod availability;
mod container;
mod network;
mod storage;
mod workload;

use availability::{autoscaler, pod_disruption_budget};
use network::{http_route, ingress, network_policy, services};
use storage::{config_map, persistent_volume_claim};
use workload::workload;

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

/// Turns "1" into a number and "25%" into a string, as IntOrString expects.
fn int_or_string(v: &str) -> Value {
    v.parse::<u64>()
        .map_or_else(|_| Value::String(v.to_string()), Value::from)
}

fn pairs(list: &[(String, String)]) -> Value {
    Value::Object(
        list.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}
