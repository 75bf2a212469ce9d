//! Reaching the app: Services, Ingress or HTTPRoute, and the NetworkPolicy.

use super::{App, pairs};
use crate::generate::offline::conventions::selector_labels;
use crate::generate::offline::parse::Kind;
use serde_json::{Value, json};

pub(super) fn services(app: &App, d: &mut Vec<String>) -> Vec<Value> {
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
pub(super) fn service_port(app: &App, d: &mut Vec<String>) -> u16 {
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

pub(super) fn ingress(app: &App, d: &mut Vec<String>) -> Option<Value> {
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

pub(super) fn http_route(app: &App, d: &mut Vec<String>) -> Vec<Value> {
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
pub(super) fn network_policy(app: &App, d: &mut Vec<String>) -> Option<Value> {
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
