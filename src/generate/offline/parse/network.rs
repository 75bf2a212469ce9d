//! Reaching the app: NetworkPolicy, Ingress / HTTPRoute, the Service and its ports.

use super::{NetPol, Section, Spec, is_filler, is_label_key};
use crate::generate::offline::text::{Unit, is_dns_name, is_hostname, parse_port, split_pair};

pub(super) fn netpol(u: &mut Unit, spec: &mut Spec, section: Section) {
    let asked = u.has(&["networkpolicy", "networkpolicies"])
        || u.phrase("network policy").is_some()
        || u.phrase("network policies").is_some();
    let in_section =
        section == Section::Network && u.has(&["allow", "deny", "block", "egress", "ingress"]);
    // "deny all egress", "block outbound traffic": only a NetworkPolicy does that.
    let denies =
        u.has(&["deny", "block", "denies", "blocks"]) && u.has(&["egress", "outbound", "inbound"]);
    if !asked && !in_section && !denies {
        return;
    }
    u.take(&[
        "networkpolicy",
        "networkpolicies",
        "network",
        "policy",
        "policies",
        "allow",
        "allows",
        "allowed",
        "allowing",
        "only",
        "traffic",
        "from",
        "to",
        "restrict",
        "restricting",
        "access",
    ]);
    let np = spec.netpol.get_or_insert_with(NetPol::default);
    if u.has(&["egress", "outbound"]) && u.has(&["deny", "block", "no", "denies", "blocks"]) {
        u.take(&[
            "egress", "outbound", "deny", "block", "no", "denies", "blocks", "all",
        ]);
        np.deny_egress = true;
    }
    if u.has(&["ingress", "inbound"]) && u.has(&["deny", "block", "denies", "blocks"]) {
        u.take(&[
            "ingress", "inbound", "deny", "block", "denies", "blocks", "all",
        ]);
        np.deny_ingress = true;
    }
    if let Some(i) = u.pos(&["namespace", "namespaces"]) {
        u.mark(i);
        if let Some(ns) = u.value_after(i).filter(|v| is_dns_name(v)) {
            np.from_namespaces.push(ns);
        }
    }
    // Only pairs in the policy's own clauses are peers; "labels team=x" elsewhere are labels.
    let scope = u.scope_of(|w| {
        [
            "networkpolic",
            "network",
            "allow",
            "deny",
            "from",
            "traffic",
        ]
        .iter()
        .any(|p| w.starts_with(p))
    });
    for i in scope {
        if let Some((k, v)) = split_pair(u.raw(i)).filter(|(k, _)| is_label_key(k)) {
            np.from_labels.push((k, v));
            u.mark(i);
            u.take(&["pods", "labelled", "labeled", "with", "label"]);
        }
    }
    if u.has(&["app", "application", "same"]) && u.has(&["pods", "pod"]) {
        u.take(&["app", "application", "same", "pods", "pod", "ingress"]);
        np.only_app = true;
    }
}
/// Ingress / HTTPRoute, hostnames, paths and TLS.
pub(super) fn exposure(u: &mut Unit, spec: &mut Spec) {
    let netpol_context = u.has(&["networkpolicy", "allow", "deny", "egress"])
        || u.phrase("network policy").is_some();
    let route = u.take(&["httproute", "httproutes", "gateway", "gateways"])
        || u.take_phrase("http route").is_some();
    if route {
        spec.route = true;
        u.take(&[
            "api", "route", "via", "through", "attached", "attach", "parent", "exposed", "expose",
            "using", "listener",
        ]);
        if let Some(i) = u.pos(&["gateway"]) {
            let k = u
                .pos(&["named", "called"])
                .filter(|&k| k == i + 1)
                .unwrap_or(i);
            u.mark(k);
            if let Some(name) = u.value_after(k).filter(|v| is_dns_name(v) && !is_filler(v)) {
                spec.gateway = Some(name);
            } else if let Some(q) = i
                .checked_sub(1)
                .filter(|&p| u.text[u.tokens[p].end..].starts_with('"'))
            {
                spec.gateway = Some(u.raw(q).to_string());
                u.mark(q);
            }
        }
    }
    // "ingress-nginx", "nginx-ingress": the controller's name says the class.
    if !netpol_context
        && let Some(i) = (0..u.len()).find(|&i| {
            let w = u.low(i);
            let c = w
                .strip_prefix("ingress-")
                .or_else(|| w.strip_suffix("-ingress"));
            !u.hit[i] && c.is_some_and(|c| INGRESS_CONTROLLERS.contains(&c))
        })
    {
        let w = u.low(i).to_string();
        let class = w
            .strip_prefix("ingress-")
            .or_else(|| w.strip_suffix("-ingress"))
            .unwrap_or("nginx");
        spec.ingress = true;
        spec.ingress_class.get_or_insert_with(|| class.to_string());
        u.mark(i);
    }
    if !netpol_context && u.take(&["ingress"]) {
        spec.ingress = true;
        u.take(&["expose", "exposed", "via", "through", "using"]);
        // "a traefik ingress", "behind an nginx ingress": the word before names the class.
        if let Some(i) = u.pos(&["ingress"])
            && let Some(p) = i.checked_sub(1)
            && INGRESS_CONTROLLERS.contains(&u.low(p))
        {
            u.mark(p);
            spec.ingress_class
                .get_or_insert_with(|| u.low(p).to_string());
        }
    }
    // "exposed at api.example.com/v2": a host with a path, where a host is expected (an
    // image like registry.example.com/app:1 never follows these words).
    if let Some(i) = (1..u.len()).find(|&i| {
        !u.hit[i]
            && matches!(
                u.low(i - 1),
                "at" | "on" | "host" | "hostname" | "url" | "domain"
            )
            && !u.low(i).contains(':')
            && u.low(i)
                .split_once('/')
                .is_some_and(|(h, p)| is_hostname(h) && !p.is_empty())
    }) {
        let low = u.low(i).to_string();
        let (host, path) = low.split_once('/').unwrap_or_default();
        spec.host = Some(host.to_string());
        spec.path = Some(format!("/{}", path.trim_end_matches('/')));
        u.mark(i);
        u.take(&["at", "on", "host", "hostname", "url", "domain"]);
    }
    // "https://api.example.com/v1": host, TLS and path in one.
    if let Some(i) = (0..u.len()).find(|&i| !u.hit[i] && url_host(u.low(i)).is_some()) {
        let low = u.low(i).to_string();
        if let Some((host, path)) = url_host(&low) {
            spec.host = Some(host.to_string());
            spec.tls |= low.starts_with("https://");
            if let Some(p) = path.filter(|p| *p != "/") {
                spec.path = Some(p.trim_end_matches('/').to_string());
            }
            u.mark(i);
            u.take(&["at", "on", "url", "address"]);
        }
    }
    if let Some(i) = u.free(&["ingressclass", "ingressclassname", "class"])
        && (spec.ingress || u.has(&["ingress"]))
    {
        u.mark(i);
        spec.ingress_class = u.value_after(i).filter(|v| is_dns_name(v));
    }
    if u.take(&["tls", "https"]) {
        spec.tls = true;
        u.take(&[
            "with",
            "enabled",
            "termination",
            "yes",
            "true",
            "required",
            "on",
        ]);
    }
    if let Some(i) = (0..u.len()).find(|&i| !u.hit[i] && is_hostname(u.raw(i))) {
        spec.host = Some(u.raw(i).to_ascii_lowercase());
        u.mark(i);
        u.take(&["on", "at", "host", "hostname", "domain", "for"]);
    }
    if let Some(i) = u.free(&["path", "prefix", "pathprefix", "under"])
        && let Some(k) = (i + 1..u.len()).find(|&k| u.low(k).starts_with('/'))
    {
        spec.path = Some(u.raw(k).to_string());
        u.mark(i);
        u.mark(k);
        u.take(&["path", "prefix"]);
    }
}

/// Ingress controllers people name before "ingress"; the name is the usual IngressClass.
const INGRESS_CONTROLLERS: &[&str] = &[
    "nginx",
    "traefik",
    "haproxy",
    "contour",
    "kong",
    "alb",
    "gce",
    "ambassador",
    "cilium",
];

/// The host and path of an `http(s)://host[/path]` URL whose host is a DNS name.
fn url_host(low: &str) -> Option<(&str, Option<&str>)> {
    let rest = low
        .strip_prefix("https://")
        .or_else(|| low.strip_prefix("http://"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    is_hostname(host).then_some((host, path))
}

pub(super) fn service(u: &mut Unit, spec: &mut Spec, section: Section) {
    let mut typed = false;
    for (words, t) in [
        (&["clusterip"][..], "ClusterIP"),
        (&["nodeport"][..], "NodePort"),
        (&["loadbalancer"][..], "LoadBalancer"),
    ] {
        if u.take(words) {
            spec.service_type = Some(t);
            spec.service = true;
            typed = true;
        }
    }
    for (phrase, t) in [("load balancer", "LoadBalancer"), ("node port", "NodePort")] {
        // Only as one phrase: "on every node, port 9100" is not a NodePort.
        let Some(i) = u.phrase(phrase) else { continue };
        if &u.text[u.tokens[i].end..u.tokens[i + 1].start] == " " {
            u.mark(i);
            u.mark(i + 1);
            // "node port 31000"
            if t == "NodePort"
                && let Some(n) = parse_port(u.low(i + 2)).filter(|n| is_node_port(u, *n))
            {
                u.mark(i + 2);
                spec.node_port = Some(n);
            }
            spec.service_type = Some(t);
            spec.service = true;
            typed = true;
        }
    }
    // "make it public", "internet-facing": reachable from outside without a host means a
    // LoadBalancer (render says so).
    if !typed
        && !u.has(&["ingress", "httproute", "route", "gateway"])
        && (u.has(&["public", "publicly", "internet-facing"])
            || u.phrase("from the internet").is_some())
    {
        u.take(&[
            "public",
            "publicly",
            "internet-facing",
            "make",
            "accessible",
            "reachable",
        ]);
        u.take_phrase("from the internet");
        if spec.service_type.is_none() {
            spec.service_type = Some("LoadBalancer");
            spec.public = true;
        }
        spec.service = true;
    }
    let headless = u.take(&["headless"]);
    spec.headless |= headless;
    let mentioned = u.take(&["service", "services", "svc"]);
    if mentioned && !headless {
        spec.service = true;
    }
    if mentioned || headless || typed || spec.service_type.is_some() && section == Section::Service
    {
        u.take(&[
            "type",
            "regular",
            "normal",
            "for",
            "clients",
            "client",
            "cluster",
            "internal",
            "external",
            "expose",
            "exposed",
            "with",
            "via",
            "public",
            "publicly",
            "externally",
            "internally",
            "outside",
            "front",
        ]);
    }
}

pub(super) fn ports(u: &mut Unit, spec: &mut Spec, section: Section) {
    let service_words = [
        "service",
        "svc",
        "loadbalancer",
        "nodeport",
        "clusterip",
        "headless",
    ];
    while let Some(i) = u.free(&[
        "port",
        "ports",
        "containerport",
        "targetport",
        "listens",
        "listening",
        "listen",
    ]) {
        u.mark(i);
        let container_word = u.low(i.wrapping_sub(1)) == "container"
            || [
                "containerport",
                "targetport",
                "listens",
                "listening",
                "listen",
            ]
            .contains(&u.low(i));
        let container_word = container_word || u.low(i.wrapping_sub(1)) == "target";
        if matches!(u.low(i.wrapping_sub(1)), "container" | "target") {
            u.mark(i - 1);
        }
        let Some(k) = u.next_value(i) else { break };
        let Some((first, second)) = port_mapping(u, k) else {
            continue;
        };
        u.take(&[
            "expose",
            "exposed",
            "exposing",
            "on",
            "from",
            "->",
            "to",
            "=>",
            "→",
            "targeting",
            "target",
        ]);
        let service_ctx = !container_word && (section == Section::Service || u.has(&service_words));
        match second {
            _ if is_node_port(u, first) => spec.node_port = Some(first),
            Some(target) => {
                spec.service_port = Some(first);
                spec.container_port.get_or_insert(target);
            }
            None if service_ctx => spec.service_port = Some(first),
            None => spec.container_port = Some(first),
        }
    }
    // "listening on 3000", "on 8080", "exposes 9000": a bare port after a word that says where
    // it is served, unless a count follows ("on 3 nodes").
    while let Some(i) = (0..u.len()).find(|&i| {
        matches!(
            u.low(i),
            "on" | "expose" | "exposes" | "exposing" | "serves" | "serving"
        ) && !u.hit.get(i + 1).copied().unwrap_or(true)
            && parse_port(u.low(i + 1)).is_some()
            && matches!(
                u.low(i + 2),
                "" | "and"
                    | "with"
                    | "for"
                    | "in"
                    | "behind"
                    | "via"
                    | "through"
                    | "using"
                    | "over"
                    | "as"
            )
    }) {
        u.mark(i);
        let Some((first, second)) = port_mapping(u, i + 1) else {
            break;
        };
        let service_ctx = section == Section::Service || u.has(&service_words);
        match second {
            None if is_node_port(u, first) => spec.node_port = Some(first),
            Some(target) => {
                // "expose 8080 as 80" maps a Service port, so there is a Service.
                spec.service = true;
                spec.service_port = Some(first);
                spec.container_port.get_or_insert(target);
            }
            None if service_ctx && spec.container_port.is_some() => spec.service_port = Some(first),
            None => spec.container_port = Some(first),
        }
    }
    // A bare mapping under "Service:" ("- 80 -> 3000").
    if section == Section::Service
        && spec.service_port.is_none()
        && let Some(k) = (0..u.len()).find(|&k| !u.hit[k] && parse_port(u.low(k)).is_some())
        && let Some((first, Some(target))) = port_mapping(u, k)
    {
        spec.service_port = Some(first);
        spec.container_port.get_or_insert(target);
    }
}

/// "a NodePort on 30080": a port in the node-port range next to a NodePort is the node's.
fn is_node_port(u: &Unit, port: u16) -> bool {
    (30000..=32767).contains(&port) && (u.has(&["nodeport"]) || u.phrase("node port").is_some())
}

/// Reads "80", "80 -> 3000", "80 to 8080", "80->3000", "80:3000" at token `k`; marks it.
fn port_mapping(u: &mut Unit, k: usize) -> Option<(u16, Option<u16>)> {
    let tok = u.low(k).to_string();
    for sep in ["->", "=>", "→", ":"] {
        if let Some((a, b)) = tok.split_once(sep) {
            let pair = (parse_port(a)?, parse_port(b)?);
            u.mark(k);
            return Some((pair.0, Some(pair.1)));
        }
    }
    let first = parse_port(&tok)?;
    u.mark(k);
    // "expose 8080 as 80": the container port comes first, the Service's after "as".
    if u.low(k + 1) == "as"
        && let Some(service) = parse_port(u.low(k + 2))
    {
        u.mark(k + 1);
        u.mark(k + 2);
        return Some((service, Some(first)));
    }
    let arrow = matches!(
        u.low(k + 1),
        "->" | "=>" | "→" | "to" | "targeting" | "forwarding" | "forwards"
    );
    let mut t = k + 2;
    if matches!(u.low(t), "port" | "container" | "target" | "targetport") {
        t += 1;
    }
    let second = arrow.then(|| parse_port(u.low(t))).flatten();
    if second.is_some() {
        (k + 1..=t).for_each(|x| u.mark(x));
    }
    Some((first, second))
}
