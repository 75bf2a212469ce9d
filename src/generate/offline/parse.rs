//! Requirement parsing: runs keyword matchers over each unit and fills a [`Spec`], the
//! structured intent that rendering turns into objects. Matchers mark the tokens they use so
//! that coverage (what was not understood) can be computed afterwards.

use std::ops::Range;

use super::conventions::known_image;
use super::is_content;
use super::schedule::{Schedule, mentions_schedule, parse_schedule};
use super::text::{
    QuantityKind, Unit, extract_quoted, is_dns_name, is_env_name, is_filename, is_hostname,
    parse_count, parse_duration_seconds, parse_percent, parse_port, parse_quantity,
    parse_quantity_or_cores, parse_u64, split_pair,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
}

/// The topic a section header ("Service:") sets for the bullets under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    #[default]
    None,
    Workload,
    Service,
    Network,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probe {
    pub path: Option<String>,
    pub port: Option<u16>,
    pub period: Option<u64>,
    pub initial_delay: Option<u64>,
}

#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub req_cpu: Option<String>,
    pub req_mem: Option<String>,
    pub lim_cpu: Option<String>,
    pub lim_mem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// maxSurge / maxUnavailable as written ("1", "25%").
    RollingUpdate(Option<String>, Option<String>),
    Recreate,
    OnDelete,
    Partition(u64),
}

#[derive(Debug, Clone, Default)]
pub struct Storage {
    pub size: Option<String>,
    pub mount: Option<String>,
    pub class: Option<String>,
    pub access_mode: Option<&'static str>,
}

#[derive(Debug, Clone, Default)]
pub struct Pdb {
    pub min_available: Option<String>,
    pub max_unavailable: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NetPol {
    pub only_app: bool,
    pub from_namespaces: Vec<String>,
    pub from_labels: Vec<(String, String)>,
    pub deny_ingress: bool,
    pub deny_egress: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Hpa {
    pub min: Option<u64>,
    pub max: Option<u64>,
    pub cpu: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toleration {
    pub key: String,
    pub value: Option<String>,
    pub effect: Option<&'static str>,
}

#[derive(Debug, Clone, Default)]
pub struct Monitoring {
    pub port: Option<u16>,
    pub path: Option<String>,
}

/// Everything the instructions asked for; `None`/empty means "not mentioned".
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub name: Option<String>,
    /// A name the text implies ("the orders service", "a deployment for our payments-api"),
    /// used when no name is given outright.
    pub name_hint: Option<String>,
    pub namespace: Option<String>,
    pub kind: Option<Kind>,
    pub image: Option<String>,
    /// A well-known image named by a bare word ("deploy nginx"), used when no image was given.
    pub bare_image: Option<String>,
    /// Only "an nginx ingress" named an image: nginx itself serves behind it.
    pub image_from_ingress_class: bool,
    pub replicas: Option<u64>,
    pub container_port: Option<u16>,
    pub service_port: Option<u16>,
    /// The node port of a NodePort Service ("NodePort on 30080").
    pub node_port: Option<u16>,
    pub service: bool,
    pub service_name: Option<String>,
    pub service_type: Option<&'static str>,
    pub headless: bool,
    pub ingress: bool,
    pub ingress_class: Option<String>,
    pub tls: bool,
    pub tls_secret: Option<String>,
    pub host: Option<String>,
    pub path: Option<String>,
    pub route: bool,
    pub gateway: Option<String>,
    pub gateway_ns: Option<String>,
    pub route_ns: Option<String>,
    pub liveness: Option<Probe>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    pub resources: Resources,
    /// The word the user used to ask for default resources ("appropriately").
    pub resources_hint: Option<String>,
    pub env: Vec<(String, String)>,
    pub env_configmaps: Vec<String>,
    pub env_secrets: Vec<String>,
    /// Variables said to come from a named Secret: (variable, Secret).
    pub secret_vars: Vec<(String, String)>,
    /// A secret was asked for without a name.
    pub unnamed_secret: bool,
    pub storage: Option<Storage>,
    /// The app should be public and no Service type was named: LoadBalancer.
    pub public: bool,
    /// "as user 1000", "runAsUser 1000".
    pub run_as_user: Option<i64>,
    /// Storage was declined ("no persistence"): nothing persistent is rendered.
    pub no_storage: bool,
    pub config_files: Vec<String>,
    pub pdb: Option<Pdb>,
    pub netpol: Option<NetPol>,
    pub hpa: Option<Hpa>,
    pub strategy: Option<Strategy>,
    pub node_selector: Vec<(String, String)>,
    pub tolerations: Vec<Toleration>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub monitoring: Option<Monitoring>,
    pub schedule: Option<Schedule>,
    pub command: Option<Vec<String>>,
}

/// Parses all units (with their header flags) into a spec, marking used tokens.
pub fn parse(units: &mut [Unit], headers: &[bool]) -> Spec {
    let mut spec = Spec::default();
    let mut section = Section::None;
    for (u, &header) in units.iter_mut().zip(headers) {
        if header {
            section = section_of(u).unwrap_or(section);
            header_mentions(u);
        }
        parse_unit(u, &mut spec, section);
        if header && u.text.starts_with('#') {
            heading_name(u, &mut spec);
        }
    }
    if spec.image.is_none() {
        spec.bare_image = units.iter_mut().find_map(bare_image);
    }
    // "a nginx ingress for app.example.com": nothing else names what runs behind it, so nginx
    // serves (render says so).
    if spec.image.is_none()
        && spec.bare_image.is_none()
        && spec.ingress
        && spec.ingress_class.as_deref() == Some("nginx")
    {
        spec.bare_image = Some("nginx".into());
        spec.image_from_ingress_class = true;
    }
    spec
}

/// "## Notifications": a markdown heading of a word or two that nothing else used titles the
/// app; it names it when the text gives no name.
fn heading_name(u: &mut Unit, spec: &mut Spec) {
    const GENERIC: &[&str] = &[
        "requirements",
        "requirement",
        "overview",
        "notes",
        "details",
        "configuration",
        "config",
        "settings",
        "setup",
        "instructions",
        "specification",
    ];
    let words: Vec<usize> = (0..u.len())
        .filter(|&i| u.low(i).chars().any(char::is_alphanumeric))
        .collect();
    let usable = !words.is_empty()
        && words.len() <= 3
        && words
            .iter()
            .all(|&i| !u.hit[i] && is_dns_name(u.low(i)) && !GENERIC.contains(&u.low(i)));
    if usable {
        let name: Vec<&str> = words.iter().map(|&i| u.low(i)).collect();
        spec.name_hint.get_or_insert_with(|| name.join("-"));
        words.into_iter().for_each(|i| u.mark(i));
    }
}

fn section_of(u: &Unit) -> Option<Section> {
    u.tokens.iter().find_map(|t| match t.low.as_str() {
        "deployment" | "statefulset" | "daemonset" | "job" | "cronjob" | "container" => {
            Some(Section::Workload)
        }
        "service" | "services" => Some(Section::Service),
        "networking" | "network" | "networkpolicy" | "security" => Some(Section::Network),
        _ => None,
    })
}

/// "Create a production deployment for my FastAPI application:" names the app in passing; a
/// header that only does that counts as understood.
fn header_mentions(u: &mut Unit) {
    let Some(f) = u.pos(&["for"]) else { return };
    let rest: Vec<usize> = (f + 1..u.len())
        .filter(|&i| !["my", "the", "our", "a", "an"].contains(&u.low(i)))
        .collect();
    let app_word = |s: &str| {
        [
            "application",
            "app",
            "service",
            "api",
            "microservice",
            "project",
            "stack",
        ]
        .contains(&s)
    };
    if rest.len() == 1 || (rest.len() == 2 && app_word(u.low(rest[1]))) {
        rest.iter().for_each(|&i| u.mark(i));
    }
}

fn parse_unit(u: &mut Unit, spec: &mut Spec, section: Section) {
    probes(u, spec);
    if mentions_schedule(u)
        && !is_probe_unit(u)
        && !schedule_describes_something_else(u)
        && let Some(s) = parse_schedule(u)
    {
        spec.schedule = Some(s);
    }
    hpa(u, spec);
    pdb(u, spec);
    strategy(u, spec);
    netpol(u, spec, section);
    scheduling(u, spec);
    labels_and_monitoring(u, spec);
    config_and_env(u, spec);
    storage(u, spec);
    resources(u, spec);
    exposure(u, spec);
    service(u, spec, section);
    ports(u, spec, section);
    replicas(u, spec);
    image(u, spec);
    names(u, spec, section);
    kind(u, spec);
    command(u, spec);
    restarts(u);
    descriptions(u, spec);
    u.take(&["production", "prod", "production-ready"]);
}

/// "a postgres database with daily backups": a schedule adjective before a noun that is not the
/// workload says when something else happens, not when this runs; it is left for the report.
fn schedule_describes_something_else(u: &Unit) -> bool {
    const ADJECTIVES: &[&str] = &["daily", "nightly", "weekly", "hourly", "monthly"];
    const RUNS: &[&str] = &[
        "job",
        "jobs",
        "cronjob",
        "cronjobs",
        "run",
        "runs",
        "task",
        "tasks",
        "at",
        "batch",
        "schedule",
        "cron",
        "container",
    ];
    let other = u.has(&[
        "every",
        "each",
        "cron",
        "schedule",
        "scheduled",
        "midnight",
        "noon",
        "weekdays",
        "weekday",
        "cronjob",
        "cronjobs",
        "job",
        "jobs",
    ]);
    !other
        && (0..u.len()).any(|i| {
            let next = u.low(i + 1);
            ADJECTIVES.contains(&u.low(i))
                && is_content(next)
                && !RUNS.contains(&next)
                && !next.bytes().any(|b| b.is_ascii_digit())
        })
}

fn is_probe_unit(u: &Unit) -> bool {
    // "Health: /healthz"
    let health_path =
        u.has(&["health", "healthz"]) && u.tokens.iter().any(|t| t.low.starts_with('/'));
    health_path
        || u.has_prefix("liveness")
        || u.has_prefix("readiness")
        || u.has_prefix("startup")
        || u.has_prefix("healthcheck")
        || u.has_prefix("health-check")
        || u.phrase("health check").is_some()
        || u.phrase("health checks").is_some()
        || u.has(&["probe", "probes"])
}

fn probes(u: &mut Unit, spec: &mut Spec) {
    if !is_probe_unit(u) {
        return;
    }
    u.take_prefix("healthcheck");
    u.take_prefix("health-check");
    // Each clause that names a probe describes that probe ("liveness probe /livez and readiness
    // probe /readyz"), and only those clauses do: "..., port 80 to 8080, liveness on /livez"
    // must not give the probe the Service's port. A clause naming probes without details
    // ("Add readiness and liveness probes on /health") takes the first details given.
    let mut described: Vec<([bool; 3], Probe)> = Vec::new();
    for scope in u.clause_tokens() {
        let mentions = scope.clone().any(|i| {
            ["liveness", "readiness", "startup", "health", "probe"]
                .iter()
                .any(|p| u.low(i).starts_with(p))
        });
        if !mentions {
            continue;
        }
        let mut kinds = [false; 3];
        for (k, prefix) in ["liveness", "readiness", "startup"].iter().enumerate() {
            for i in scope.clone() {
                if u.low(i).starts_with(prefix) {
                    u.mark(i);
                    kinds[k] = true;
                }
            }
        }
        u.take_in(
            &[
                "health", "check", "checks", "probe", "probes", "http", "get", "httpget",
                "endpoint", "on", "with", "tcp", "initial", "seconds", "second", "s", "hit",
                "hits", "hitting", "at", "path", "using", "via", "calling", "checking",
            ],
            scope.clone(),
        );
        let mut probe = Probe::default();
        if let Some(i) = scope.clone().find(|&i| u.low(i).starts_with('/')) {
            u.mark(i);
            probe.path = Some(u.raw(i).to_string());
        }
        if let Some(i) = u.free_in(&["port"], scope.clone()) {
            u.mark(i);
            probe.port = u
                .next_value(i)
                .and_then(|k| parse_port(u.low(k)).inspect(|_| u.mark(k)));
        }
        probe.period = duration_after(
            u,
            &["every", "period", "periodseconds", "interval"],
            scope.clone(),
        );
        probe.initial_delay =
            duration_after(u, &["after", "delay", "initialdelayseconds"], scope.clone());
        // "a 10 second readiness probe", "a 20 second initial delay": the value can come first.
        if let Some(k) = scope.clone().find(|&k| {
            !u.hit[k]
                && parse_u64(u.low(k)).is_some()
                && matches!(u.low(k + 1), "second" | "seconds" | "s" | "sec")
        }) {
            let delay = matches!(u.low(k + 2), "initial" | "delay");
            let slot = if delay {
                &mut probe.initial_delay
            } else {
                &mut probe.period
            };
            if slot.is_none() {
                *slot = parse_duration_seconds(u.low(k));
                u.mark(k);
                u.mark(k + 1);
                if delay {
                    u.take_in(&["initial", "delay"], scope.clone());
                }
            }
        }
        described.push((kinds, probe));
    }
    // "…, both every 5 seconds": a clause about all of them.
    if described.len() > 1
        && let Some(scope) = u
            .clause_tokens()
            .into_iter()
            .find(|r| r.clone().any(|i| matches!(u.low(i), "both" | "all")))
        && let Some(period) = duration_after(u, &["every", "period", "interval"], scope.clone())
    {
        u.take_in(&["both", "all", "of", "them"], scope);
        for (_, p) in &mut described {
            p.period.get_or_insert(period);
        }
    }
    let first = described
        .iter()
        .map(|(_, p)| p)
        .find(|p| **p != Probe::default())
        .cloned()
        .unwrap_or_default();
    for (kinds, probe) in described {
        let probe = if probe == Probe::default() {
            first.clone()
        } else {
            probe
        };
        let both = kinds == [false; 3];
        for (wanted, slot) in [
            (kinds[0] || both, &mut spec.liveness),
            (kinds[1] || both, &mut spec.readiness),
            (kinds[2], &mut spec.startup),
        ] {
            if wanted {
                *slot = Some(probe.clone());
            }
        }
    }
}

/// A duration following one of `keys` ("every 10s", "period 5 seconds").
fn duration_after(u: &mut Unit, keys: &[&str], scope: Range<usize>) -> Option<u64> {
    let i = u.free_in(keys, scope)?;
    let k = u.next_value(i)?;
    let mut text = u.low(k).to_string();
    let unit_word = matches!(
        u.low(k + 1),
        "s" | "sec" | "secs" | "second" | "seconds" | "m" | "min" | "minutes"
    );
    if unit_word {
        text.push_str(u.low(k + 1));
    }
    let secs = parse_duration_seconds(&text)?;
    u.mark(i);
    u.mark(k);
    if unit_word {
        u.mark(k + 1);
    }
    Some(secs)
}

fn hpa(u: &mut Unit, spec: &mut Spec) {
    // "should scale between 2 and 6 pods", "scale from 2 to 10 based on cpu".
    let scales = u.has(&["scale", "scales", "scaling"])
        && (u.has(&["between"]) || u.phrase("based on").is_some() || u.has(&["from"]));
    let asked = u.has_prefix("autoscal")
        || u.has(&["hpa", "horizontalpodautoscaler"])
        || u.phrase("horizontal pod").is_some()
        || scales;
    if !asked {
        return;
    }
    u.take_prefix("autoscal");
    u.take_phrase("horizontal pod");
    // Replica words are taken only after the HPA's own bounds (below): in "4 replicas and an
    // HPA up to 12" the 4 replicas are the Deployment's.
    u.take(&[
        "hpa",
        "horizontalpodautoscaler",
        "horizontal",
        "scale",
        "scales",
        "scaling",
        "cpu",
        "target",
        "targeting",
        "utilization",
        "average",
        "usage",
        "when",
        "above",
        "based",
    ]);
    let hpa = spec.hpa.get_or_insert_with(Hpa::default);
    // The first keyword followed by a number: "add an HPA to the checkout service, min 2 max 8"
    // has its maximum after "max", not after "to".
    let bound = |u: &mut Unit, words: &[&str]| {
        let i = (0..u.len()).find(|&i| {
            words.contains(&u.low(i))
                && u.next_value(i)
                    .is_some_and(|k| !u.hit[k] && parse_u64(u.low(k)).is_some())
        })?;
        u.mark(i);
        u.number_after(i)
    };
    if let Some(n) = bound(u, &["min", "minimum", "minreplicas", "from", "between"]) {
        hpa.min = Some(n);
    }
    if let Some(n) = bound(u, &["max", "maximum", "maxreplicas", "to", "and"]) {
        hpa.max = Some(n);
    }
    // "2-10 replicas"
    if let Some(i) = (0..u.len()).find(|&i| {
        u.low(i)
            .split_once('-')
            .is_some_and(|(a, b)| parse_u64(a).is_some() && parse_u64(b).is_some())
    }) {
        let (a, b) = u.low(i).split_once('-').unwrap_or_default();
        (hpa.min, hpa.max) = (parse_u64(a), parse_u64(b));
        u.mark(i);
    }
    if let Some(i) = (0..u.len()).find(|&i| parse_percent(u.low(i), false).is_some()) {
        hpa.cpu = parse_percent(u.low(i), false);
        u.mark(i);
        u.take(&["at", "of"]);
    }
    let bounds = [hpa.min, hpa.max];
    for i in 0..u.len() {
        let own = u.low(i).split('-').all(|n| parse_u64(n).is_some())
            && u.low(i).split('-').any(|n| bounds.contains(&parse_u64(n)));
        if u.hit[i] && own && matches!(u.low(i + 1), "replicas" | "replica" | "pods" | "instances")
        {
            u.mark(i + 1);
        }
    }
}

fn is_pdb_unit(u: &Unit) -> bool {
    u.has(&[
        "poddisruptionbudget",
        "pdb",
        "disruption",
        "poddisruptionbudgets",
    ])
}

fn pdb(u: &mut Unit, spec: &mut Spec) {
    if !is_pdb_unit(u) {
        return;
    }
    u.take(&[
        "poddisruptionbudget",
        "poddisruptionbudgets",
        "pdb",
        "disruption",
        "budget",
        "pod",
        "least",
        "available",
        "pods",
    ]);
    let pdb = spec.pdb.get_or_insert_with(Pdb::default);
    let min = u
        .pos(&["minavailable"])
        .or_else(|| u.phrase("min available"))
        .or_else(|| u.phrase("at least"));
    if let Some(i) = min {
        pdb.min_available = int_or_percent_after(u, i);
    }
    let max = u
        .pos(&["maxunavailable"])
        .or_else(|| u.phrase("max unavailable"));
    if let Some(i) = max {
        pdb.max_unavailable = int_or_percent_after(u, i);
    }
    // "max 1 unavailable", "at most 1 unavailable", "min 2 available", "allow 1 unavailable".
    for i in 0..u.len() {
        let n = u.low(i);
        let ok = parse_u64(n).is_some() || parse_percent(n, false).is_some();
        if u.hit[i] || !ok {
            continue;
        }
        let value = Some(n.to_string());
        let slot = match u.low(i + 1) {
            "unavailable" => &mut pdb.max_unavailable,
            "available" => &mut pdb.min_available,
            _ => continue,
        };
        *slot = value;
        u.mark(i);
        u.mark(i + 1);
        u.take(&[
            "max", "maximum", "most", "min", "minimum", "allow", "allows", "of",
        ]);
    }
}

/// An int-or-percent value after token `i` (skipping a second keyword word); marks both.
fn int_or_percent_after(u: &mut Unit, i: usize) -> Option<String> {
    u.mark(i);
    let mut k = u.next_value(i)?;
    if ["available", "unavailable", "surge"].contains(&u.low(k)) {
        u.mark(k);
        k = u.next_value(k)?;
    }
    let v = u.low(k).to_string();
    let ok =
        parse_u64(&v).is_some_and(|n| n <= i32::MAX as u64) || parse_percent(&v, false).is_some();
    ok.then(|| {
        u.mark(k);
        v
    })
}

fn strategy(u: &mut Unit, spec: &mut Spec) {
    if is_pdb_unit(u) {
        return;
    }
    if u.take(&["recreate"]) {
        spec.strategy = Some(Strategy::Recreate);
    } else if u.take(&["ondelete"]) || u.take_phrase("on delete").is_some() {
        spec.strategy = Some(Strategy::OnDelete);
    } else if let Some(i) = u.pos(&["partition"]) {
        u.mark(i);
        spec.strategy = u.number_after(i).map(Strategy::Partition);
    } else if let Some(i) = (1..u.len()).find(|&i| {
        matches!(u.low(i - 1), "max" | "most" | "maximum")
            && (parse_u64(u.low(i)).is_some() || parse_percent(u.low(i), false).is_some())
            && u.low(i + 1) == "unavailable"
            && u.has(&[
                "update", "updates", "rollout", "rollouts", "deploys", "upgrades",
            ])
    }) {
        // "max 1 unavailable during updates"
        let v = u.low(i).to_string();
        [i - 1, i, i + 1].into_iter().for_each(|k| u.mark(k));
        u.take(&[
            "at", "during", "while", "updates", "update", "rollout", "rollouts", "deploys",
            "upgrades",
        ]);
        spec.strategy = Some(Strategy::RollingUpdate(None, Some(v)));
    } else {
        let rolling = u.take(&["rollingupdate", "rolling"]);
        let surge = u.pos(&["maxsurge"]).or_else(|| u.phrase("max surge"));
        let unavailable = u
            .pos(&["maxunavailable"])
            .or_else(|| u.phrase("max unavailable"));
        if rolling || surge.is_some() || unavailable.is_some() {
            let surge = surge.and_then(|i| int_or_percent_after(u, i));
            let unavailable = unavailable.and_then(|i| int_or_percent_after(u, i));
            spec.strategy = Some(Strategy::RollingUpdate(surge, unavailable));
            u.take(&["update", "max"]);
        }
    }
    if spec.strategy.is_some() {
        u.take(&["strategy", "update", "updates"]);
    }
}

fn netpol(u: &mut Unit, spec: &mut Spec, section: Section) {
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

fn is_label_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 253
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"./-_".contains(&b))
        && k.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}

/// nodeSelector (architecture words, `key=value` after "node selector") and tolerations.
fn scheduling(u: &mut Unit, spec: &mut Spec) {
    for (words, arch) in [
        (&["arm64", "aarch64", "arm"][..], "arm64"),
        (&["amd64", "x86_64", "x86"][..], "amd64"),
    ] {
        if u.take(words) {
            push_unique(
                &mut spec.node_selector,
                ("kubernetes.io/arch".into(), arch.into()),
            );
            u.take(&[
                "node",
                "nodes",
                "only",
                "architecture",
                "arch",
                "cpu",
                "cpus",
                "machines",
            ]);
        }
    }
    let selector = u.has(&["nodeselector"])
        || u.phrase("node selector").is_some()
        || u.phrase("nodes labelled").is_some()
        || u.phrase("nodes labeled").is_some();
    let tolerate = u.has_prefix("tolerat") || u.has(&["taint", "tainted", "taints"]);
    if !selector && !tolerate {
        return;
    }
    let tolerations_before = spec.tolerations.len();
    u.take_prefix("tolerat");
    // "tolerates all taints", "tolerate everything": one key-less Exists toleration.
    let everything = tolerate
        && (u.phrase("all taints").is_some()
            || u.phrase("any taint").is_some()
            || u.phrase("every taint").is_some()
            || u.has(&["everything"]));
    if everything {
        u.take(&["all", "any", "every", "everything"]);
    }
    u.take(&[
        "taint",
        "tainted",
        "taints",
        "nodeselector",
        "node",
        "nodes",
        "selector",
        "labelled",
        "labeled",
        "with",
        "label",
    ]);
    for i in 0..u.len() {
        if u.hit[i] {
            continue;
        }
        let raw = u.raw(i).to_string();
        if tolerate && let Some(t) = parse_toleration(&raw, u.low(i + 1)) {
            if t.effect.is_some() && !raw.contains(':') {
                u.mark(i + 1);
            }
            spec.tolerations.push(t);
            u.mark(i);
            continue;
        }
        if selector && let Some(pair) = split_pair(&raw).filter(|(k, _)| is_label_key(k)) {
            push_unique(&mut spec.node_selector, pair);
            u.mark(i);
        }
    }
    if everything && spec.tolerations.len() == tolerations_before {
        spec.tolerations.push(Toleration {
            key: String::new(),
            value: None,
            effect: None,
        });
    }
}

/// `key=value:Effect`, `key:Effect`, or `key=value` followed by an effect word.
fn parse_toleration(raw: &str, next: &str) -> Option<Toleration> {
    let effect_of = |s: &str| match s.to_ascii_lowercase().as_str() {
        "noschedule" => Some("NoSchedule"),
        "prefernoschedule" => Some("PreferNoSchedule"),
        "noexecute" => Some("NoExecute"),
        _ => None,
    };
    let (body, effect) = match raw.rsplit_once(':') {
        Some((b, e)) => (b, Some(effect_of(e)?)),
        None => (raw, effect_of(next)),
    };
    let (key, value) = match body.split_once('=') {
        Some((k, v)) => (k, Some(v.to_string())),
        None if effect.is_some() => (body, None),
        None => return None,
    };
    is_label_key(key).then(|| Toleration {
        key: key.to_string(),
        value,
        effect,
    })
}

fn push_unique(list: &mut Vec<(String, String)>, pair: (String, String)) {
    if !list.iter().any(|(k, _)| *k == pair.0) {
        list.push(pair);
    }
}

fn labels_and_monitoring(u: &mut Unit, spec: &mut Spec) {
    // "labelled team=x" (node selectors and policy peers took theirs already).
    let labelled = u.free(&["labelled", "labeled", "tagged"]).is_some()
        && (0..u.len()).any(|i| !u.hit[i] && split_pair(u.raw(i)).is_some());
    if labelled {
        u.take(&["labelled", "labeled", "tagged"]);
    }
    if u.take(&["label", "labels"]) || labelled {
        u.take(&[
            "appropriate",
            "standard",
            "recommended",
            "proper",
            "sensible",
            "kubernetes",
            "common",
            "with",
        ]);
        for i in 0..u.len() {
            if let Some(pair) = split_pair(u.raw(i))
                .filter(|(k, _)| !u.hit[i] && is_label_key(k) && !is_env_name(k))
            {
                push_unique(&mut spec.labels, pair);
                u.mark(i);
            }
        }
    }
    let annotate = u.take(&["annotation", "annotations", "annotate"]);
    if annotate {
        for i in 0..u.len() {
            if let Some(pair) = split_pair(u.raw(i)).filter(|(k, _)| !u.hit[i] && is_label_key(k)) {
                push_unique(&mut spec.annotations, pair);
                u.mark(i);
            }
        }
    }
    if u.take(&[
        "monitoring",
        "prometheus",
        "metrics",
        "scrape",
        "scraping",
        "scraped",
        "observability",
    ]) {
        let m = spec.monitoring.get_or_insert_with(Monitoring::default);
        if let Some(i) = u.free(&["port"]) {
            u.mark(i);
            m.port = u
                .next_value(i)
                .and_then(|k| parse_port(u.low(k)).inspect(|_| u.mark(k)));
        }
        if let Some(i) = (0..u.len()).find(|&i| !u.hit[i] && u.low(i).starts_with('/')) {
            u.mark(i);
            m.path = Some(u.raw(i).to_string());
        }
        u.take(&["for", "on", "at", "path", "enable", "enabled", "by"]);
    }
}

fn config_and_env(u: &mut Unit, spec: &mut Spec) {
    // KEY=value and "set KEY to value".
    for i in 0..u.len() {
        if u.hit[i] {
            continue;
        }
        if let Some(pair) = split_pair(u.raw(i)).filter(|(k, _)| is_env_name(k)) {
            push_unique(&mut spec.env, pair);
            u.mark(i);
        } else if is_env_name(u.raw(i)) && matches!(u.low(i + 1), "to" | "=") && u.len() > i + 2 {
            let name = u.raw(i).to_string();
            u.mark(i);
            u.mark(i + 1);
            if let Some(v) = u.value_after(i + 1) {
                push_unique(&mut spec.env, (name, v));
            }
        } else if is_env_name(u.raw(i))
            && u.raw(i).len() > 1
            && u.low(i + 1) == "set"
            && u.low(i + 2) == "to"
            && u.len() > i + 3
        {
            // "QUEUE_NAME set to emails"
            let name = u.raw(i).to_string();
            (i..i + 3).for_each(|k| u.mark(k));
            if let Some(v) = u.value_after(i + 2) {
                push_unique(&mut spec.env, (name, v));
            }
            if i > 0 && u.low(i - 1) == "set" {
                u.mark(i - 1);
            }
        }
    }
    if !spec.env.is_empty() {
        u.take(&["env", "environment", "variable", "variables", "var", "vars"]);
    }
    let configmap = u
        .free(&["configmap", "configmaps"])
        .or_else(|| u.phrase("config map"));
    if let Some(i) = configmap {
        u.mark(i);
        if u.low(i) == "config" {
            u.mark(i + 1);
        }
        let files: Vec<usize> = (0..u.len()).filter(|&k| is_filename(u.raw(k))).collect();
        if files.is_empty() {
            // "from the api-config configmap": the name may come before the word.
            let before = i
                .checked_sub(1)
                .filter(|&p| !u.hit[p] && is_dns_name(u.low(p)) && !is_filler(u.low(p)))
                .filter(|&p| {
                    ![
                        "the",
                        "a",
                        "an",
                        "from",
                        "my",
                        "our",
                        "env",
                        "envfrom",
                        "environment",
                        "vars",
                        "variables",
                        "load",
                        "loads",
                        "with",
                        "using",
                        "use",
                        "mount",
                        "mounted",
                    ]
                    .contains(&u.low(p))
                });
            let name = match before {
                Some(p) => {
                    u.mark(p);
                    Some(u.raw(p).to_string())
                }
                None => u.value_after(i).filter(|v| is_dns_name(v) && !is_filler(v)),
            };
            if let Some(name) = name {
                push_unique_str(&mut spec.env_configmaps, name);
                u.take(&[
                    "env",
                    "envfrom",
                    "environment",
                    "variables",
                    "variable",
                    "vars",
                    "var",
                    "from",
                    "load",
                    "loads",
                    "all",
                ]);
            }
        } else {
            for k in files {
                u.mark(k);
                push_unique_str(&mut spec.config_files, u.raw(k).to_string());
            }
            u.take(&["for", "with", "file", "mounted", "config", "configuration"]);
        }
    }
    if let Some(i) = u.free(&["secret", "secrets"]) {
        let tls = u.has(&["tls", "https", "certificate"]);
        // "the DATABASE_URL env var from secret api-db": the variable comes with the Secret.
        let vars: Vec<usize> = (0..u.len())
            .filter(|&k| {
                !u.hit[k]
                    && is_env_name(u.raw(k))
                    && (u.raw(k).contains('_')
                        || matches!(u.low(k + 1), "env" | "var" | "variable" | "environment"))
            })
            .collect();
        u.mark(i);
        let name = u.value_after(i).filter(|v| is_dns_name(v) && !is_filler(v));
        if let Some(n) = name.as_ref().filter(|_| !tls) {
            for k in vars {
                u.mark(k);
                spec.secret_vars.push((u.raw(k).to_string(), n.clone()));
            }
        }
        match (name, tls) {
            (Some(n), true) => spec.tls_secret = Some(n),
            (Some(n), false) => push_unique_str(&mut spec.env_secrets, n),
            (None, true) => {}
            (None, false) => spec.unnamed_secret = true,
        }
        u.take(&[
            "db",
            "database",
            "credentials",
            "credential",
            "password",
            "passwords",
            "api",
            "key",
            "keys",
            "token",
            "tokens",
            "from",
            "env",
            "environment",
            "variables",
            "mounted",
            "as",
            "containing",
            "root",
            "admin",
            "user",
            "username",
            "load",
            "loads",
            "loaded",
            "vars",
            "var",
            "variable",
        ]);
        // "... for S3 credentials": what the secret is for is description, not a requirement.
        if let Some(f) = (i..u.len()).find(|&k| u.low(k) == "for") {
            let clause_end = u
                .clauses
                .iter()
                .find(|c| c.start <= u.tokens[f].start && u.tokens[f].end <= c.end)
                .map_or(0, |c| c.end);
            let purpose: Vec<usize> = (f..u.len())
                .filter(|&k| u.tokens[k].end <= clause_end)
                .collect();
            purpose.into_iter().for_each(|k| u.mark(k));
        }
    }
}

fn push_unique_str(list: &mut Vec<String>, s: String) {
    if !list.contains(&s) {
        list.push(s);
    }
}

/// Words that follow a keyword but are never a name ("secret for DB credentials").
fn is_filler(s: &str) -> bool {
    const FILLER: &[&str] = &[
        "for",
        "with",
        "in",
        "on",
        "at",
        "from",
        "named",
        "called",
        "and",
        "holding",
        "containing",
        "that",
        "which",
        "api",
        "namespace",
        "to",
        "listener",
        "via",
    ];
    FILLER.contains(&s.to_ascii_lowercase().as_str())
}

fn storage(u: &mut Unit, spec: &mut Spec) {
    let asked = u.has(&[
        "storage",
        "persistent",
        "persistence",
        "volume",
        "pvc",
        "persistentvolumeclaim",
        "disk",
        "disks",
        "volumes",
        "volumeclaimtemplates",
        "storageclass",
        "storageclassname",
    ]);
    // "50Gi each" next to a StatefulSet or replicas: a per-pod size is storage, not memory.
    let per_pod_size = (0..u.len()).any(|i| {
        matches!(parse_quantity(u.raw(i)), Some((QuantityKind::Memory, _)))
            && (u.low(i + 1) == "each"
                || ["per pod", "per replica", "per instance"]
                    .iter()
                    .any(|p| u.phrase(p).is_some()))
            && !u.has(&[
                "memory", "mem", "ram", "limit", "limits", "request", "requests",
            ])
    });
    // "mysql with 10Gi": for an image that keeps data, a size with no memory word is storage.
    let data_image_size = u.tokens.iter().any(|t| known_image(&t.low).is_some_and(|k| k.keeps_data))
        && (0..u.len()).any(|i| {
            matches!(parse_quantity(u.raw(i)), Some((QuantityKind::Memory, q)) if q.ends_with("Gi") || q.ends_with("Ti") || q.ends_with('G'))
        })
        && !u.has(&["memory", "mem", "ram", "limit", "limits", "request", "requests", "resources"]);
    if !asked && !per_pod_size && !data_image_size {
        return;
    }
    if let Some(i) = negated_storage(u) {
        // "no persistence", "without persistent storage", "ephemeral": the data lives in the
        // pod and is lost with it, which is what was asked.
        spec.no_storage = true;
        spec.storage = None;
        (i..u.len())
            .take_while(|&k| {
                k == i
                    || [
                        "persistence",
                        "persistent",
                        "storage",
                        "volume",
                        "volumes",
                        "disk",
                        "pvc",
                        "needed",
                        "required",
                        "data",
                        "a",
                        "an",
                        "any",
                    ]
                    .contains(&u.low(k))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .for_each(|k| u.mark(k));
        return;
    }
    if spec.no_storage {
        return;
    }
    u.take(&[
        "storage",
        "persistent",
        "persistence",
        "volume",
        "pvc",
        "persistentvolumeclaim",
        "disk",
        "volumeclaimtemplates",
        "claim",
        "claims",
        "disks",
        "volumes",
        "each",
        "mounted",
        "mount",
        "at",
        "of",
        "with",
        "data",
    ]);
    for phrase in ["per pod", "per replica", "per instance", "per node"] {
        u.take_phrase(phrase);
    }
    let st = spec.storage.get_or_insert_with(Storage::default);
    for i in 0..u.len() {
        if let Some((QuantityKind::Memory, q)) = parse_quantity(u.raw(i)) {
            st.size.get_or_insert(q);
            u.mark(i);
        } else if let Some(q) = spaced_quantity(u, i) {
            st.size.get_or_insert(q);
            u.mark(i);
            u.mark(i + 1);
        }
    }
    if let Some(i) = (0..u.len()).find(|&i| !u.hit[i] && u.low(i).starts_with('/')) {
        st.mount = Some(u.raw(i).to_string());
        u.mark(i);
    }
    let class = u
        .pos(&["storageclass", "storageclassname"])
        .or_else(|| u.phrase("storage class").map(|i| i + 1));
    if let Some(i) = class {
        u.mark(i);
        u.take(&["class", "using", "use", "the"]);
        let after = u.value_after(i).filter(|v| is_dns_name(v) && !is_filler(v));
        // "the fast-ssd storage class": the name comes before.
        let before = || {
            (i >= 2)
                .then(|| u.raw(i - 2).to_string())
                .filter(|v| is_dns_name(v))
        };
        st.class = after.or_else(before);
        if let Some(k) = (i >= 2 && st.class.as_deref() == Some(u.raw(i - 2))).then(|| i - 2) {
            u.mark(k);
        }
    }
    for (words, mode) in [
        (&["readwritemany", "rwx"][..], "ReadWriteMany"),
        (&["readwriteonce", "rwo"][..], "ReadWriteOnce"),
        (&["readonlymany", "rox"][..], "ReadOnlyMany"),
    ] {
        if u.take(words) {
            st.access_mode = Some(mode);
        }
    }
}

/// Index of the word that negates storage ("no persistence", "without a volume",
/// "ephemeral"), if the unit says so.
fn negated_storage(u: &Unit) -> Option<usize> {
    if let Some(i) = u.pos(&["ephemeral", "stateless"]) {
        return Some(i);
    }
    (0..u.len()).find(|&i| {
        matches!(u.low(i), "no" | "without" | "not")
            && (i + 1..u.len().min(i + 3)).any(|k| {
                matches!(
                    u.low(k),
                    "persistence"
                        | "persistent"
                        | "storage"
                        | "volume"
                        | "volumes"
                        | "pvc"
                        | "disk"
                )
            })
    })
}

fn resources(u: &mut Unit, spec: &mut Spec) {
    const KEYS: &[&str] = &[
        "resource",
        "resources",
        "requests",
        "request",
        "limits",
        "limit",
        "vcpu",
        "vcpus",
        "cores",
        "cpu",
        "memory",
        "mem",
        "ram",
    ];
    if u.free(KEYS).is_none() {
        return;
    }
    let req = u.free(&["requests", "request"]);
    let lim = u.free(&["limits", "limit"]);
    let r = &mut spec.resources;
    let mut found = false;
    match (req, lim) {
        (None, None) => found |= quantity_pair(u, 0, u.len(), &mut r.req_cpu, &mut r.req_mem),
        _ => {
            if let Some(i) = req {
                let end = lim.filter(|&l| l > i).unwrap_or(u.len());
                found |= quantity_pair(u, i + 1, end, &mut r.req_cpu, &mut r.req_mem);
            }
            if let Some(i) = lim {
                let end = req.filter(|&q| q > i).unwrap_or(u.len());
                found |= quantity_pair(u, i + 1, end, &mut r.lim_cpu, &mut r.lim_mem);
            }
            // "a 512Mi memory limit", "250m cpu request": the quantity comes first.
            for (at, other, is_req) in [(req, lim, true), (lim, req, false)] {
                let Some(i) = at else { continue };
                let none_yet = if is_req {
                    r.req_cpu.is_none() && r.req_mem.is_none()
                } else {
                    r.lim_cpu.is_none() && r.lim_mem.is_none()
                };
                if none_yet {
                    let start = other.filter(|&o| o < i).map_or(0, |o| o + 1);
                    let (cpu, mem) = if is_req {
                        (&mut r.req_cpu, &mut r.req_mem)
                    } else {
                        (&mut r.lim_cpu, &mut r.lim_mem)
                    };
                    found |= quantity_pair(u, start.max(i.saturating_sub(3)), i, cpu, mem);
                }
            }
        }
    }
    // "half a CPU", "a quarter of a core".
    for (phrase, q) in [
        ("half a cpu", "500m"),
        ("half a core", "500m"),
        ("half cpu", "500m"),
        ("quarter of a cpu", "250m"),
        ("quarter cpu", "250m"),
    ] {
        if let Some(i) = u.phrase(phrase) {
            (i..i + phrase.split(' ').count()).for_each(|k| u.mark(k));
            let limit = lim.is_some_and(|l| l < i);
            let slot = if limit {
                &mut r.lim_cpu
            } else {
                &mut r.req_cpu
            };
            slot.get_or_insert_with(|| q.to_string());
            found = true;
        }
    }
    const HINTS: &[&str] = &[
        "appropriately",
        "appropriate",
        "sensible",
        "sensibly",
        "reasonable",
        "reasonably",
        "proper",
        "properly",
        "default",
        "defaults",
        "standard",
        "production",
        "good",
    ];
    if !found {
        if let Some(i) = u.pos(HINTS) {
            spec.resources_hint = Some(u.raw(i).to_string());
            u.mark(i);
        } else if !u.has(&["resource", "resources"]) {
            return; // a bare "limit"/"memory" elsewhere is not a resources requirement
        }
    }
    u.take(KEYS);
    u.take(&["set", "and", "of", "with"]);
}

/// Reads cpu/memory quantities in tokens `from..to` ("100m/128Mi", "cpu 250m memory 256Mi",
/// "250m CPU"); true when anything was found.
fn quantity_pair(
    u: &mut Unit,
    from: usize,
    to: usize,
    cpu: &mut Option<String>,
    mem: &mut Option<String>,
) -> bool {
    let mut found = false;
    for i in from..to.min(u.len()) {
        if let Some(q) = spaced_quantity(u, i) {
            *mem = Some(q);
            u.mark(i);
            u.mark(i + 1);
            found = true;
            continue;
        }
        let raw = u.raw(i).to_string();
        let parts: Vec<&str> = raw.split('/').collect();
        // "cpu 2", "cpu limit 2", "limit cpu to 2", "2 cores".
        let cpu_word = |w: &str| matches!(w, "cpu" | "cpus" | "vcpu" | "vcpus");
        let after_keyword = cpu_word(u.low(i.wrapping_sub(1)))
            || (matches!(
                u.low(i.wrapping_sub(1)),
                "limit" | "limits" | "request" | "requests" | "to" | "of" | "="
            ) && cpu_word(u.low(i.wrapping_sub(2))))
            || matches!(
                u.low(i + 1),
                "cpu" | "cpus" | "cores" | "core" | "vcpu" | "vcpus"
            );
        for part in parts {
            let q = if after_keyword {
                parse_quantity_or_cores(part)
            } else {
                parse_quantity(part)
            };
            match q {
                Some((QuantityKind::Cpu, q)) => *cpu = Some(q),
                Some((QuantityKind::Memory, q)) => *mem = Some(q),
                None => continue,
            }
            found = true;
            u.mark(i);
        }
    }
    found
}

/// A memory size written with a unit word: "512 megs", "2 gigs", "20 GB", "1 TiB".
fn spaced_quantity(u: &Unit, i: usize) -> Option<String> {
    let n = u.low(i);
    let number = !n.is_empty()
        && n.len() <= 12
        && n.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && n.bytes().next().is_some_and(|b| b.is_ascii_digit());
    let suffix = match u.low(i + 1) {
        "megs" | "meg" | "mib" | "mi" => "Mi",
        "gigs" | "gig" | "gib" | "gi" => "Gi",
        "tib" | "ti" => "Ti",
        "mb" | "megabytes" | "megabyte" => "M",
        "gb" | "gigabytes" | "gigabyte" => "G",
        "tb" | "terabytes" | "terabyte" => "T",
        _ => return None,
    };
    number.then(|| format!("{n}{suffix}"))
}

/// Ingress / HTTPRoute, hostnames, paths and TLS.
fn exposure(u: &mut Unit, spec: &mut Spec) {
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

fn service(u: &mut Unit, spec: &mut Spec, section: Section) {
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

fn ports(u: &mut Unit, spec: &mut Spec, section: Section) {
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

fn replicas(u: &mut Unit, spec: &mut Spec) {
    const WORDS: &[&str] = &[
        "replicas",
        "replica",
        "instances",
        "instance",
        "copies",
        "copy",
        "pods",
        "pod",
    ];
    let mut from = 0;
    while let Some(i) = (from..u.len()).find(|&i| !u.hit[i] && WORDS.contains(&u.low(i))) {
        from = i + 1;
        // "3 replicas", "three instances", "a single replica", "Replicas: 5"; a count word
        // without a number ("spread pods across zones") is left for the report.
        let before = i.checked_sub(1).filter(|&k| !u.hit[k]);
        let n = before
            .and_then(|k| parse_count(u.low(k)).map(|n| (k, n)))
            .or_else(|| {
                let mut k = u.next_value(i)?;
                // "replicas set to 4", "replica count of 4", "number of replicas: 4".
                let mut skipped = Vec::new();
                while matches!(u.low(k), "set" | "count" | "total") {
                    skipped.push(k);
                    k = u.next_value(k)?;
                }
                let n = (matches!(u.low(i), "replicas" | "replica") && !u.hit[k])
                    .then(|| parse_count(u.low(k)))
                    .flatten()?;
                skipped.into_iter().for_each(|s| u.mark(s));
                Some((k, n))
            });
        if let Some((k, n)) = n.filter(|&(_, n)| n <= i32::MAX as u64) {
            u.mark(i);
            u.mark(k);
            // "at least 2 pods running"
            if k + 1 == i && k >= 2 && u.low(k - 2) == "at" && u.low(k - 1) == "least" {
                u.mark(k - 2);
                u.mark(k - 1);
            }
            spec.replicas = Some(n);
        }
    }
    // "a statefulset for cassandra with 3 nodes": the members of a clustered StatefulSet.
    if u.has(&["statefulset", "statefulsets", "sts"])
        && let Some(i) = (1..u.len()).find(|&i| {
            !u.hit[i] && matches!(u.low(i), "nodes" | "members" | "brokers") && !u.hit[i - 1]
        })
        && let Some(n) = parse_count(u.low(i - 1))
    {
        u.mark(i - 1);
        u.mark(i);
        spec.replicas = Some(n);
    }
    // "as user 1000", "runAsUser 1000", "uid 1000".
    if let Some(i) = (0..u.len()).find(|&i| {
        matches!(u.low(i), "user" | "uid" | "runasuser")
            && parse_u64(u.low(i + 1)).is_some_and(|n| n <= i32::MAX as u64)
    }) {
        spec.run_as_user = parse_u64(u.low(i + 1)).map(|n| n as i64);
        u.mark(i);
        u.mark(i + 1);
        u.take(&["as", "runs", "run"]);
    }
    // "scale it to 6", "scaled to 4 replicas" (the count word was taken above).
    if let Some(i) = u.free(&["scale", "scaled"])
        && let Some(t) = (i + 1..u.len().min(i + 4)).find(|&t| u.low(t) == "to")
        && let Some(n) = u.tokens.get(t + 1).and_then(|_| parse_count(u.low(t + 1)))
        && !u.hit[t + 1]
    {
        [i, t, t + 1].into_iter().for_each(|k| u.mark(k));
        spec.replicas = Some(n);
    }
}

fn image(u: &mut Unit, spec: &mut Spec) {
    if let Some(i) = u.free(&["image", "img"]) {
        u.mark(i);
        u.take(&["container", "docker", "using", "use", "from", "with"]);
        if let Some(v) = u
            .value_after(i)
            .filter(|v| looks_like_image(v) || known_image(v).is_some())
        {
            spec.image = Some(v);
            return;
        }
    }
    if spec.image.is_none()
        && let Some(i) = (0..u.len()).find(|&i| !u.hit[i] && looks_like_tagged_image(u.raw(i)))
    {
        spec.image = Some(u.raw(i).to_string());
        u.mark(i);
    }
}

fn looks_like_image(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['/', '.', '-', ':'])
        && !s.contains("://")
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"./_:-@".contains(&b))
        && s.bytes().any(|b| b.is_ascii_alphabetic())
}

/// A token that is clearly an image reference even without the word "image": it has a tag.
fn looks_like_tagged_image(s: &str) -> bool {
    let after_slash = s.rsplit('/').next().unwrap_or(s);
    looks_like_image(s)
        && after_slash.split_once(':').is_some_and(|(repo, tag)| {
            repo.bytes().any(|b| b.is_ascii_alphabetic()) && !tag.is_empty()
        })
        && parse_toleration(s, "").is_none()
}

/// A well-known image named by a bare word ("Deploy nginx", "setup for Redis").
fn bare_image(u: &mut Unit) -> Option<String> {
    // Hit tokens qualify too: a header like "setup for Redis" marks the word as understood.
    let i = (0..u.len()).find(|&i| {
        known_image(u.low(i)).is_some()
            && !matches!(
                u.low(i.wrapping_sub(1)),
                "class" | "ingressclass" | "ingressclassname"
            )
            && u.low(i + 1) != "ingress"
    })?;
    u.mark(i);
    // "postgres 16", "redis 7.2": a version right after the word is its tag.
    let version = u.tokens.get(i + 1).filter(|_| !u.hit[i + 1]).and_then(|t| {
        let v = t.low.as_str();
        let ok = v.bytes().next().is_some_and(|b| b.is_ascii_digit())
            && v.len() <= 20
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            && parse_quantity(v).is_none();
        ok.then(|| v.to_string())
    });
    match version {
        Some(v) => {
            u.mark(i + 1);
            Some(format!("{}:{v}", u.low(i)))
        }
        None => Some(u.low(i).to_string()),
    }
}

/// What a "named x" / "in namespace x" refers to, judged from the nearest subject word before.
#[derive(PartialEq, Eq)]
enum Subject {
    App,
    Gateway,
    Route,
    Other,
}

fn subject_before(u: &Unit, i: usize) -> Subject {
    (0..i)
        .rev()
        .find_map(|k| match u.low(k) {
            "gateway" | "gateways" => Some(Subject::Gateway),
            "route" | "httproute" | "routes" => Some(Subject::Route),
            "configmap" | "secret" | "class" | "storageclass" | "label" => Some(Subject::Other),
            "deployment" | "statefulset" | "daemonset" | "job" | "cronjob" | "app"
            | "application" | "service" | "it" | "everything" => Some(Subject::App),
            _ => None,
        })
        .unwrap_or(Subject::App)
}

fn names(u: &mut Unit, spec: &mut Spec, section: Section) {
    // "Deployment `billing-api`": a quoted name right after the kind word.
    if let Some(i) = u.pos(&["deployment", "statefulset", "daemonset", "job", "cronjob"])
        && let Some(k) = (i + 1 < u.len()).then_some(i + 1)
        && !u.hit[k]
        && u.text[..u.tokens[k].start].ends_with(['`', '"', '\''])
        && is_dns_name(u.low(k))
    {
        u.mark(k);
        spec.name = Some(u.raw(k).to_string());
    }
    // "in kube-system": namespaces that are recognisable without the word "namespace".
    if let Some(k) = (1..u.len()).find(|&k| {
        !u.hit[k]
            && matches!(u.low(k - 1), "in" | "into" | "to")
            && (matches!(u.low(k), "kube-system" | "kube-public")
                || (u.low(k).ends_with("-system") && is_dns_name(u.low(k))))
    }) {
        u.mark(k);
        spec.namespace = Some(u.raw(k).to_string());
    }
    if let Some(i) = u.free(&["name"]) {
        u.mark(i);
        if let Some(v) = u.value_after(i).filter(|v| !is_filler(v)) {
            if section == Section::Service {
                spec.service_name = Some(v);
            } else {
                spec.name = Some(v);
            }
        }
    }
    while let Some(i) = u.free(&["called", "named"]) {
        u.mark(i);
        let Some(v) = u.value_after(i) else { break };
        match subject_before(u, i) {
            Subject::App => {
                // "a queue worker called x": the words before describe what x is.
                let described: Vec<usize> = (i.saturating_sub(3)..i)
                    .filter(|&k| !is_filler(u.low(k)))
                    .collect();
                described.into_iter().for_each(|k| u.mark(k));
                spec.name = Some(v);
            }
            Subject::Gateway => spec.gateway = Some(v),
            Subject::Route | Subject::Other => {}
        }
    }
    while let Some(i) = u.free(&["namespace", "ns"]) {
        u.mark(i);
        u.take(&["in", "into", "to"]);
        // The value is in the same clause: "in the qa namespace, exposed on …".
        let after = u
            .next_value(i)
            .filter(|&k| !u.text[u.tokens[i].end..u.tokens[k].start].contains([',', ';']))
            .map(|k| u.raw(k).to_string());
        let value = match after.filter(|v| !is_filler(v)) {
            Some(_) => u.value_after(i),
            // "in the shop namespace"
            None => i
                .checked_sub(1)
                .filter(|&p| is_dns_name(u.low(p)) && !is_filler(u.low(p)))
                .map(|p| {
                    u.mark(p);
                    u.raw(p).to_string()
                }),
        };
        let Some(ns) = value.filter(|v| is_dns_name(v)) else {
            continue;
        };
        match subject_before(u, i) {
            Subject::Gateway => spec.gateway_ns = Some(ns),
            Subject::Route => {
                u.take(&["route", "routes", "httproute"]);
                spec.route_ns = Some(ns);
            }
            Subject::App | Subject::Other => spec.namespace = Some(ns),
        }
    }
}

fn kind(u: &mut Unit, spec: &mut Spec) {
    let found = if u.take(&["cronjob", "cronjobs"]) || u.take_phrase("cron job").is_some() {
        Some(Kind::CronJob)
    } else if u.take(&["statefulset", "statefulsets", "sts"])
        || u.take_phrase("stateful set").is_some()
    {
        Some(Kind::StatefulSet)
    } else if u.take(&["daemonset", "daemonsets"]) || u.take_phrase("daemon set").is_some() {
        Some(Kind::DaemonSet)
    } else if u.take(&["job", "jobs"])
        || u.take(&["batch"])
        || u.take(&["one-off", "oneoff", "one-shot", "oneshot", "run-once"])
    {
        u.take(&["one-off", "oneoff", "one-shot", "oneshot", "run-once"]);
        Some(Kind::Job)
    } else if u.take(&["deployment", "deployments"]) {
        Some(Kind::Deployment)
    } else if let Some(i) = [
        "on every node",
        "on all nodes",
        "on each node",
        "one per node",
    ]
    .iter()
    .find_map(|p| u.phrase(p))
    {
        // "run the exporter on every node" is what a DaemonSet is.
        (i..i + 3).for_each(|k| u.mark(k));
        Some(Kind::DaemonSet)
    } else {
        None
    };
    // A generic "deployment" never overrides a more specific kind named elsewhere.
    match (spec.kind, found) {
        (Some(_), Some(Kind::Deployment)) | (Some(Kind::CronJob), Some(Kind::Job)) | (_, None) => {}
        (_, Some(k)) => spec.kind = Some(k),
    }
    if found.is_some() {
        u.take(&[
            "on", "every", "node", "nodes", "one", "per", "with", "that", "runs", "run", "kind",
            "workload",
        ]);
    }
}

/// "Command: python backup.py" or "runs `python backup.py`".
fn command(u: &mut Unit, spec: &mut Spec) {
    // Not `free`: "a job that runs `x`" has its "runs" taken by the kind matcher already.
    // "command"/"cmd" take what follows; a run word only a quoted command.
    let quoted_after = |u: &Unit, i: usize| extract_quoted(&u.text[u.tokens[i].end..]).is_some();
    let Some(i) = u.pos(&["command", "cmd"]).or_else(|| {
        (0..u.len()).find(|&i| {
            ["runs", "run", "running", "execute", "executes", "executing"].contains(&u.low(i))
                && quoted_after(u, i)
        })
    }) else {
        return;
    };
    let tail_start = u.tokens[i].end;
    let tail = &u.text[tail_start..];
    let is_schedule = |q: &String| spec.schedule.as_ref().is_some_and(|s| s.cron == *q);
    let text = extract_quoted(tail)
        .filter(|q| !is_schedule(q))
        .or_else(|| {
            (u.low(i) == "command" || u.low(i) == "cmd")
                .then(|| tail.trim_start_matches([':', ' ']).trim().to_string())
                .filter(|t| !t.is_empty())
        });
    let Some(text) = text else { return };
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        return;
    }
    u.mark(i);
    let end = u.text.len();
    u.mark_bytes(tail_start, end);
    spec.command = Some(words);
}

/// "restart it if it crashes": what every long-running workload does (restartPolicy Always);
/// Jobs are given OnFailure. Understood, nothing to add.
fn restarts(u: &mut Unit) {
    let restart = u.has(&["restart", "restarts", "restarted", "restarting"]);
    let failure = u.has(&[
        "crash", "crashes", "crashed", "fails", "dies", "failure", "fail",
    ]);
    if restart && failure {
        u.take(&[
            "restart",
            "restarts",
            "restarted",
            "restarting",
            "crash",
            "crashes",
            "crashed",
            "fails",
            "dies",
            "failure",
            "fail",
            "if",
            "when",
            "on",
            "automatically",
        ]);
    }
}

/// Words that describe the app rather than configure it: the name it goes by ("the orders
/// service", "Service: checkout", "a StatefulSet for kafka") and what it is for ("a redis for
/// session storage", "Postgres for the orders team"). Runs after every matcher, so only what
/// nothing else used is read here.
fn descriptions(u: &mut Unit, spec: &mut Spec) {
    /// Words a name is written after ("Service: checkout").
    const NAME_KEYS: &[&str] = &["app", "application", "service", "microservice", "api"];
    /// Nouns a name is written before ("the orders service").
    const NAMED_NOUNS: &[&str] = &[
        "app",
        "application",
        "service",
        "microservice",
        "api",
        "server",
        "worker",
        "backend",
    ];
    /// What "for …" may describe ("a redis for …" uses known images too).
    const APP_NOUNS: &[&str] = &[
        "app",
        "application",
        "service",
        "microservice",
        "api",
        "server",
        "worker",
        "backend",
        "frontend",
        "deployment",
        "statefulset",
        "cronjob",
        "job",
        "daemonset",
        "database",
        "cache",
    ];
    const DETERMINERS: &[&str] = &["the", "our", "my", "a", "an", "this", "your"];
    let free_name = |u: &Unit, i: usize| {
        i < u.len()
            && !u.hit[i]
            && is_dns_name(u.low(i))
            && is_content(u.low(i))
            && parse_u64(u.low(i)).is_none()
            && !is_filler(u.low(i))
            && known_image(u.low(i)).is_none()
    };
    let hint = |u: &mut Unit, spec: &mut Spec, i: usize| {
        u.mark(i);
        spec.name_hint.get_or_insert_with(|| u.raw(i).to_string());
    };
    // "Service: checkout", "App: billing".
    if u.len() == 2
        && NAME_KEYS.contains(&u.low(0))
        && u.text[u.tokens[0].end..].starts_with(':')
        && free_name(u, 1)
    {
        hint(u, spec, 1);
    }
    // "the orders service", "our billing app", "a simple hello world app": up to two free
    // words before an app noun, after a determiner or a word that carries nothing.
    for i in 1..u.len() {
        if !NAMED_NOUNS.contains(&u.low(i)) {
            continue;
        }
        let first = (i.saturating_sub(2)..i).find(|&p| (p..i).all(|q| free_name(u, q)));
        if let Some(p) = first
            && (p == 0 || !is_content(u.low(p - 1)))
        {
            let name: Vec<&str> = (p..i).map(|q| u.low(q)).collect();
            let name = name.join("-");
            (p..i).for_each(|q| u.mark(q));
            spec.name_hint.get_or_insert(name);
        }
    }
    // "deploy myapp image …", "create deployment web image=…": a free word right after the
    // verb or the kind word, followed by what configures it, is its name.
    for i in 0..u.len().saturating_sub(2) {
        let opener = matches!(u.low(i), "deploy" | "create" | "launch")
            || (["deployment", "statefulset", "daemonset", "cronjob", "job"].contains(&u.low(i))
                && u.hit[i]);
        let k = i + 1;
        let w = u.low(k);
        let candidate = !u.hit[k]
            && is_dns_name(w)
            && parse_u64(w).is_none()
            && !is_filler(w)
            && !DETERMINERS.contains(&w)
            && known_image(w).is_none()
            && (is_content(w) || ["web", "api", "worker", "backend", "frontend"].contains(&w));
        let followed = u.hit[k + 1]
            || matches!(
                u.low(k + 1),
                "image" | "using" | "with" | "from" | "on" | "in"
            );
        let named = candidate && followed;
        if opener && named {
            u.mark(k);
            spec.name_hint.get_or_insert_with(|| u.raw(k).to_string());
        }
    }
    let clauses = u.clause_tokens();
    for f in 0..u.len() {
        if u.low(f) != "for" {
            continue;
        }
        let end = clauses
            .iter()
            .find(|r| r.contains(&f))
            .map_or(u.len(), |r| r.end);
        let mut k = f + 1;
        while k < end && DETERMINERS.contains(&u.low(k)) {
            k += 1;
        }
        // "a deployment for our payments-api", "a StatefulSet for kafka": one free word that
        // ends the phrase names the app.
        let ends_phrase = k + 1 >= end
            || u.hit[k + 1]
            || ["with", "in", "on", "using", "that", "which"].contains(&u.low(k + 1));
        if free_name(u, k) && ends_phrase {
            hint(u, spec, k);
            u.mark(f);
            continue;
        }
        // "a redis for session storage": after the thing itself, "for …" says what it is for.
        let before = (0..f).rev().find(|&b| !DETERMINERS.contains(&u.low(b)));
        let describes = before
            .is_some_and(|b| known_image(u.low(b)).is_some() || APP_NOUNS.contains(&u.low(b)));
        if describes {
            let words: Vec<usize> = (f + 1..end)
                .filter(|&w| !u.hit[w] && u.low(w).bytes().all(|b| b.is_ascii_alphabetic()))
                .collect();
            if !words.is_empty() {
                u.mark(f);
                words.into_iter().for_each(|w| u.mark(w));
            }
        }
    }
}
