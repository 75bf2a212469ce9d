//! Requirement parsing: runs keyword matchers over each unit and fills a [`Spec`], the
//! structured intent that rendering turns into objects. Matchers mark the tokens they use so
//! that coverage (what was not understood) can be computed afterwards.

use super::is_content;
use super::schedule::{Schedule, mentions_schedule, parse_schedule};
use super::text::{Unit, is_dns_name};

mod availability;
mod metadata;
mod network;
mod probes;
mod resources;
mod scheduling;
mod storage;
mod workload;

use availability::{hpa, pdb, strategy};
use metadata::{config_and_env, labels_and_monitoring};
use network::{exposure, netpol, ports, service};
use probes::{is_probe_unit, probes};
use resources::resources;
use scheduling::scheduling;
use storage::storage;
use workload::{bare_image, command, descriptions, image, kind, names, replicas, restarts};

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

fn is_label_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 253
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"./-_".contains(&b))
        && k.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
}

fn push_unique(list: &mut Vec<(String, String)>, pair: (String, String)) {
    if !list.iter().any(|(k, _)| *k == pair.0) {
        list.push(pair);
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
