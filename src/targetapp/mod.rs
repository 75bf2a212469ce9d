//! The TargetApp engine (seed 004, "KCO"): the `operator.kco.local/v1alpha1` `TargetApp`
//! resource, its validation, the field-level diff of GraphQL states (dotted paths), trigger
//! conditions, the size-bounded state summary the status shows, the dedup key of the Events
//! it records, and the mapping of the seed's five actions to typed actions.
//!
//! Pure: no I/O, no printing, no environment (the controller in `serve::targetapp` polls and
//! acts; `cli/serve.rs` reads the environment into a [`Config`]).

pub mod state;

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::action::{Action, PatchType};
use crate::object::ObjRef;

pub use state::{Change, diff, flatten, lookup, summarize};

pub const GROUP: &str = "operator.kco.local";
pub const VERSION: &str = "v1alpha1";
pub const KIND: &str = "TargetApp";
pub const PLURAL: &str = "targetapps";
pub const API_VERSION: &str = "operator.kco.local/v1alpha1";

/// The default `graphqlEndpoint` (a path on each pod).
pub const DEFAULT_ENDPOINT: &str = "/graphql";

/// The API path of a TargetApp (and `/status` after it for the subresource).
pub fn object_path(ns: &str, name: &str) -> String {
    format!("/apis/{GROUP}/{VERSION}/namespaces/{ns}/{PLURAL}/{name}")
}

// ------------------------------------------------------------------------------ the spec

/// A Kubernetes label selector (`matchLabels`, `matchExpressions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelector {
    #[serde(default)]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub match_expressions: Vec<Requirement>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Requirement {
    pub key: String,
    pub operator: String,
    #[serde(default)]
    pub values: Vec<String>,
}

/// A trigger condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Equals,
    NotEquals,
    GreaterThan,
    LessThan,
    Contains,
    Changed,
}

impl Condition {
    pub const ALL: [Condition; 6] = [
        Condition::Equals,
        Condition::NotEquals,
        Condition::GreaterThan,
        Condition::LessThan,
        Condition::Contains,
        Condition::Changed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Equals => "equals",
            Condition::NotEquals => "not_equals",
            Condition::GreaterThan => "greater_than",
            Condition::LessThan => "less_than",
            Condition::Contains => "contains",
            Condition::Changed => "changed",
        }
    }
}

/// `trigger: {field, condition, value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub field: String,
    pub condition: Condition,
    #[serde(default)]
    pub value: Option<Value>,
}

/// The seed's five actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    RestartPod,
    ScaleDeployment,
    PatchResource,
    Webhook,
    ExecCommand,
}

impl ActionKind {
    pub const ALL: [ActionKind; 5] = [
        ActionKind::RestartPod,
        ActionKind::ScaleDeployment,
        ActionKind::PatchResource,
        ActionKind::Webhook,
        ActionKind::ExecCommand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::RestartPod => "restart_pod",
            ActionKind::ScaleDeployment => "scale_deployment",
            ActionKind::PatchResource => "patch_resource",
            ActionKind::Webhook => "webhook",
            ActionKind::ExecCommand => "exec_command",
        }
    }
}

/// One `actions[]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    pub trigger: Trigger,
    pub action: ActionKind,
    #[serde(default)]
    pub parameters: Map<String, Value>,
}

/// `spec` of a TargetApp, exactly the seed's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetAppSpec {
    pub selector: LabelSelector,
    #[serde(default = "default_endpoint")]
    pub graphql_endpoint: String,
    #[serde(default)]
    pub polling_interval: Option<u64>,
    pub state_query: String,
    #[serde(default)]
    pub actions: Vec<ActionSpec>,
}

fn default_endpoint() -> String {
    DEFAULT_ENDPOINT.to_string()
}

/// Where a TargetApp's state is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A path on each pod (`http://<podIP>:<port><path>`).
    PodPath(String),
    /// One URL for the whole TargetApp (`http(s)://…`, or `host/path` as the seed writes it).
    Url(String),
}

impl TargetAppSpec {
    pub fn endpoint(&self) -> Endpoint {
        let e = self.graphql_endpoint.trim();
        if e.is_empty() {
            Endpoint::PodPath(DEFAULT_ENDPOINT.into())
        } else if e.starts_with('/') {
            Endpoint::PodPath(e.to_string())
        } else if e.starts_with("http://") || e.starts_with("https://") {
            Endpoint::Url(e.to_string())
        } else {
            Endpoint::Url(format!("http://{e}"))
        }
    }

    /// The polling interval, or the operator's default.
    pub fn interval(&self, default: Duration) -> Duration {
        self.polling_interval
            .map(Duration::from_secs)
            .unwrap_or(default)
    }
}

/// Valid label keys and values (Kubernetes' syntax, enough to refuse typos early).
fn label_value_ok(v: &str) -> bool {
    v.len() <= 63
        && (v.is_empty()
            || (v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                && v.starts_with(|c: char| c.is_ascii_alphanumeric())
                && v.ends_with(|c: char| c.is_ascii_alphanumeric())))
}

fn label_key_ok(k: &str) -> bool {
    let (prefix, name) = match k.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    !name.is_empty()
        && label_value_ok(name)
        && prefix.is_none_or(|p| {
            !p.is_empty()
                && p.len() <= 253
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c))
        })
}

impl LabelSelector {
    /// The problems of this selector (empty when valid); an empty selector is refused: it
    /// would match every pod of the namespace.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.match_labels.is_empty() && self.match_expressions.is_empty() {
            out.push(
                "spec.selector is empty: give matchLabels (or matchExpressions) naming the pods"
                    .into(),
            );
        }
        for (k, v) in &self.match_labels {
            if !label_key_ok(k) {
                out.push(format!(
                    "spec.selector.matchLabels: `{k}` is not a valid label key"
                ));
            }
            if !label_value_ok(v) {
                out.push(format!(
                    "spec.selector.matchLabels.{k}: `{v}` is not a valid label value (63 characters of [A-Za-z0-9-_.], alphanumeric at both ends)"
                ));
            }
        }
        for (i, r) in self.match_expressions.iter().enumerate() {
            let at = format!("spec.selector.matchExpressions[{i}]");
            if !label_key_ok(&r.key) {
                out.push(format!("{at}.key: `{}` is not a valid label key", r.key));
            }
            match r.operator.as_str() {
                "In" | "NotIn" if r.values.is_empty() => {
                    out.push(format!("{at}: operator {} needs values", r.operator))
                }
                "Exists" | "DoesNotExist" if !r.values.is_empty() => {
                    out.push(format!("{at}: operator {} takes no values", r.operator))
                }
                "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
                other => out.push(format!(
                    "{at}.operator: `{other}` is not one of In, NotIn, Exists, DoesNotExist"
                )),
            }
        }
        out
    }

    /// True when `labels` satisfy the selector.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let got = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => got.is_some_and(|g| r.values.contains(g)),
                    "NotIn" => got.is_none_or(|g| !r.values.contains(g)),
                    "Exists" => got.is_some(),
                    "DoesNotExist" => got.is_none(),
                    _ => false,
                }
            })
    }
}

/// Why a TargetApp's spec was refused: every problem, each naming its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", problems.join("; "))]
pub struct SpecError {
    /// `InvalidSelector` when the selector is the (first) problem, else `InvalidSpec`.
    pub reason: &'static str,
    pub problems: Vec<String>,
}

fn param_i64(p: &Map<String, Value>, k: &str) -> Option<Result<i64, String>> {
    p.get(k).map(|v| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .ok_or_else(|| format!("`{k}` must be an integer, got {v}"))
    })
}

fn param_str<'a>(p: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    p.get(k).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Parses and validates a TargetApp's `spec` (the same rules the CRD schema states, plus
/// the ones a schema cannot: selector syntax, trigger values, action parameters).
pub fn validate(spec: &Value) -> Result<TargetAppSpec, SpecError> {
    // The enum fields first, so a typo names its field (serde's message does not).
    let mut early = Vec::new();
    for (i, a) in spec
        .get("actions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let names = |all: &[&str]| all.join(", ");
        if let Some(c) = a.pointer("/trigger/condition").and_then(Value::as_str)
            && !Condition::ALL.iter().any(|k| k.as_str() == c)
        {
            early.push(format!(
                "spec.actions[{i}].trigger.condition: `{c}` is not one of {}",
                names(&Condition::ALL.map(Condition::as_str))
            ));
        }
        if let Some(c) = a.get("action").and_then(Value::as_str)
            && !ActionKind::ALL.iter().any(|k| k.as_str() == c)
        {
            early.push(format!(
                "spec.actions[{i}].action: `{c}` is not one of {}",
                names(&ActionKind::ALL.map(ActionKind::as_str))
            ));
        }
    }
    if !early.is_empty() {
        return Err(SpecError {
            reason: "InvalidSpec",
            problems: early,
        });
    }
    let parsed: TargetAppSpec = serde_json::from_value(spec.clone()).map_err(|e| SpecError {
        reason: if e.to_string().contains("selector") || e.to_string().contains("matchExpressions")
        {
            "InvalidSelector"
        } else {
            "InvalidSpec"
        },
        problems: vec![format!("spec: {e}")],
    })?;
    let sel = parsed.selector.problems();
    let mut problems = sel.clone();
    if parsed.state_query.trim().is_empty() {
        problems
            .push("spec.stateQuery is empty: give the GraphQL query that reads the state".into());
    } else {
        let (open, close) = parsed
            .state_query
            .chars()
            .fold((0, 0), |(o, c), ch| match ch {
                '{' => (o + 1, c),
                '}' => (o, c + 1),
                _ => (o, c),
            });
        if open == 0 || open != close {
            problems.push(format!(
                "spec.stateQuery: unbalanced braces ({open} `{{`, {close} `}}`); it is not a GraphQL query"
            ));
        }
    }
    if let Some(i) = parsed.polling_interval
        && !(1..=86_400).contains(&i)
    {
        problems.push(format!(
            "spec.pollingInterval: {i} is out of range (1 to 86400 seconds)"
        ));
    }
    for (i, a) in parsed.actions.iter().enumerate() {
        let at = format!("spec.actions[{i}]");
        if a.trigger.field.trim().is_empty() || a.trigger.field.split('.').any(str::is_empty) {
            problems.push(format!(
                "{at}.trigger.field: `{}` is not a dotted path (e.g. application.health)",
                a.trigger.field
            ));
        }
        match (a.trigger.condition, &a.trigger.value) {
            (Condition::Changed, _) => {}
            (c, None) => problems.push(format!(
                "{at}.trigger.value: condition {} needs a value",
                c.as_str()
            )),
            (Condition::GreaterThan | Condition::LessThan, Some(v))
                if state::number(v).is_none() =>
            {
                problems.push(format!(
                    "{at}.trigger.value: {} compares numbers; {v} is not one",
                    a.trigger.condition.as_str()
                ))
            }
            _ => {}
        }
        if let Err(e) = check_parameters(a) {
            problems.push(format!("{at}.parameters: {e}"));
        }
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(SpecError {
            reason: if sel.is_empty() {
                "InvalidSpec"
            } else {
                "InvalidSelector"
            },
            problems,
        })
    }
}

fn check_parameters(a: &ActionSpec) -> Result<(), String> {
    let p = &a.parameters;
    match a.action {
        ActionKind::RestartPod => {
            if let Some(g) = param_i64(p, "gracePeriod") {
                let g = g?;
                if g < 0 {
                    return Err(format!("gracePeriod must be >= 0, got {g}"));
                }
            }
        }
        ActionKind::ScaleDeployment => {
            let r = param_i64(p, "replicas").ok_or("scale_deployment needs `replicas`")??;
            if !(0..=i64::from(i32::MAX)).contains(&r) {
                return Err(format!("`replicas` must be >= 0, got {r}"));
            }
        }
        ActionKind::PatchResource => {
            if param_str(p, "kind").is_none() || param_str(p, "name").is_none() {
                return Err("patch_resource needs `kind` and `name` of the object".into());
            }
            if !p
                .get("patch")
                .is_some_and(|v| v.is_object() || v.is_array())
            {
                return Err(
                    "patch_resource needs `patch` (an object, or a JSON patch list)".into(),
                );
            }
            if let Some(t) = p.get("patchType")
                && serde_json::from_value::<PatchType>(t.clone()).is_err()
            {
                return Err(format!("patchType {t} is not merge, strategic or json"));
            }
        }
        ActionKind::Webhook => match param_str(p, "url") {
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => {}
            _ => return Err("webhook needs `url` (http:// or https://)".into()),
        },
        ActionKind::ExecCommand => {
            if command_of(p).is_none_or(|c| c.is_empty()) {
                return Err("exec_command needs `command` (a list of words, or a string)".into());
            }
        }
    }
    Ok(())
}

fn command_of(p: &Map<String, Value>) -> Option<Vec<String>> {
    match p.get("command")? {
        Value::String(s) => Some(s.split_whitespace().map(str::to_string).collect()),
        Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>(),
        _ => None,
    }
}

// ------------------------------------------------------------------------------ triggers

/// True when `trigger` fires on `cur` after `prev` (edge-triggered: a condition fires when it
/// becomes true, not on every poll it stays true; `changed` fires when the field's value
/// differs from the previous poll's).
pub fn fires(trigger: &Trigger, prev: Option<&Value>, cur: &Value) -> bool {
    let now = lookup(cur, &trigger.field);
    let before = prev.map(|p| lookup(p, &trigger.field));
    if trigger.condition == Condition::Changed {
        return before.is_some_and(|b| b != now);
    }
    let holds = |v: Option<&Value>| state::holds(trigger.condition, v, trigger.value.as_ref());
    holds(now) && !before.is_some_and(holds)
}

// ------------------------------------------------------------------------------ actions

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

// ------------------------------------------------------------------------------ events

/// The name of the Event for (involved object, reason, message): the same occurrence always
/// gets the same name, so a repeat bumps its count instead of creating a new Event.
pub fn event_name(involved: &str, reason: &str, message: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("{involved}|{reason}|{message}").as_bytes());
    let hex: String = h.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let base: String = involved
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(200)
        .collect();
    format!("{base}.kco.{hex}")
}

/// The message of a state-change Event.
pub fn change_message(pod: &str, c: &Change) -> String {
    let show = |v: &Option<Value>| match v {
        None => "(absent)".to_string(),
        Some(Value::String(s)) => state::clip(s, 200),
        Some(v) => state::clip(&v.to_string(), 200),
    };
    format!(
        "{pod}: {} changed from {} to {}",
        c.path,
        show(&c.old),
        show(&c.new)
    )
}

// ------------------------------------------------------------------------------ config

/// The operator's settings (the seed's environment variables), validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub log_level: LogLevel,
    pub graphql_timeout: Duration,
    pub graphql_max_retries: u32,
    pub default_polling_interval: Duration,
    pub action_execution_timeout: Duration,
    pub metrics_port: Option<u16>,
    /// Polls per second per TargetApp (token bucket; burst of twice that).
    pub poll_rate: f64,
    /// First retry delay (doubles per retry).
    pub retry_backoff: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            log_level: LogLevel::Info,
            graphql_timeout: Duration::from_secs(10),
            graphql_max_retries: 3,
            default_polling_interval: Duration::from_secs(30),
            action_execution_timeout: Duration::from_secs(300),
            metrics_port: None,
            poll_rate: 5.0,
            retry_backoff: Duration::from_millis(200),
        }
    }
}

/// `LOG_LEVEL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
        }
    }
}

/// The environment variables [`Config::from_vars`] reads.
pub const ENV_VARS: [&str; 6] = [
    "LOG_LEVEL",
    "GRAPHQL_TIMEOUT",
    "GRAPHQL_MAX_RETRIES",
    "DEFAULT_POLLING_INTERVAL",
    "ACTION_EXECUTION_TIMEOUT",
    "METRICS_PORT",
];

impl Config {
    /// Reads the seed's variables through `get` (the front-end passes its environment).
    /// Every bad value is reported, each naming its variable and what it wants.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let mut c = Config::default();
        let mut bad = Vec::new();
        let secs = |name: &str, v: &str, min: f64, max: f64| -> Result<Duration, String> {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= min && *n <= max)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("{name}={v:?}: want seconds between {min} and {max}"))
        };
        if let Some(v) = get("LOG_LEVEL") {
            match v.trim().to_ascii_uppercase().as_str() {
                "DEBUG" => c.log_level = LogLevel::Debug,
                "INFO" => c.log_level = LogLevel::Info,
                "WARNING" | "WARN" => c.log_level = LogLevel::Warning,
                "ERROR" | "CRITICAL" => c.log_level = LogLevel::Error,
                _ => bad.push(format!(
                    "LOG_LEVEL={v:?}: want DEBUG, INFO, WARNING, ERROR or CRITICAL"
                )),
            }
        }
        if let Some(v) = get("GRAPHQL_TIMEOUT") {
            match secs("GRAPHQL_TIMEOUT", &v, 0.05, 600.0) {
                Ok(d) => c.graphql_timeout = d,
                Err(e) => bad.push(e),
            }
        }
        if let Some(v) = get("GRAPHQL_MAX_RETRIES") {
            match v.trim().parse::<u32>() {
                Ok(n) if n <= 20 => c.graphql_max_retries = n,
                _ => bad.push(format!(
                    "GRAPHQL_MAX_RETRIES={v:?}: want a whole number from 0 to 20"
                )),
            }
        }
        if let Some(v) = get("DEFAULT_POLLING_INTERVAL") {
            match secs("DEFAULT_POLLING_INTERVAL", &v, 1.0, 86_400.0) {
                Ok(d) => c.default_polling_interval = d,
                Err(e) => bad.push(e),
            }
        }
        if let Some(v) = get("ACTION_EXECUTION_TIMEOUT") {
            match secs("ACTION_EXECUTION_TIMEOUT", &v, 1.0, 86_400.0) {
                Ok(d) => c.action_execution_timeout = d,
                Err(e) => bad.push(e),
            }
        }
        if let Some(v) = get("METRICS_PORT") {
            match v.trim().parse::<u16>() {
                Ok(p) if p > 0 => c.metrics_port = Some(p),
                _ => bad.push(format!("METRICS_PORT={v:?}: want a port from 1 to 65535")),
            }
        }
        if bad.is_empty() {
            Ok(c)
        } else {
            Err(bad.join("; "))
        }
    }
}

/// The status of a TargetApp whose spec was refused.
pub fn failed_status(reason: &str, message: &str, now: &str, generation: Option<i64>) -> Value {
    json!({
        "phase": "Failed",
        "observedGeneration": generation,
        "podsMonitored": 0,
        "message": state::clip(message, 1024),
        "conditions": [{"type": "Ready", "status": "False", "reason": reason,
            "message": state::clip(message, 1024), "lastTransitionTime": now}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_example() -> Value {
        json!({
            "selector": {"matchLabels": {"app": "my-app"}},
            "graphqlEndpoint": "tagpp-pod.svc.namespace.cluster.local/graphql",
            "pollingInterval": 20,
            "stateQuery": "query AppState {\n  application {\n    status\n    health\n    pendingTasks\n    lastError\n  }\n}\n",
            "actions": [{"trigger": {"field": "application.health", "condition": "equals",
                "value": "unhealthy"}, "action": "restart_pod", "parameters": {"gracePeriod": 30}}]
        })
    }

    #[test]
    fn the_seed_example_validates_and_maps_to_a_restart_with_its_grace_period() {
        let spec = validate(&seed_example()).unwrap();
        assert_eq!(
            spec.endpoint(),
            Endpoint::Url("http://tagpp-pod.svc.namespace.cluster.local/graphql".into())
        );
        assert_eq!(
            spec.interval(Duration::from_secs(30)),
            Duration::from_secs(20)
        );
        let pod = json!({"metadata": {"name": "my-app-1"}});
        assert_eq!(
            plan_action(&spec.actions[0], "default", Some(&pod)).unwrap(),
            Planned::Cluster(Action::RestartPod {
                target: ObjRef::new("v1", "Pod", Some("default"), "my-app-1"),
                grace_period_seconds: Some(30)
            })
        );
        assert!(plan_action(&spec.actions[0], "default", None).is_err());
    }

    #[test]
    fn bad_specs_are_refused_naming_the_field() {
        let mut s = seed_example();
        s["selector"] = json!({"matchExpressions": [{"key": "app", "operator": "Between"}]});
        let e = validate(&s).unwrap_err();
        assert_eq!(e.reason, "InvalidSelector");
        assert!(
            e.to_string().contains("matchExpressions[0].operator"),
            "{e}"
        );
        let mut s = seed_example();
        s["selector"] = json!({"matchLabels": {"app": "my app!"}});
        assert_eq!(validate(&s).unwrap_err().reason, "InvalidSelector");
        let mut s = seed_example();
        s["actions"][0]["trigger"]["condition"] = json!("bigger");
        assert!(validate(&s).unwrap_err().to_string().contains("condition"));
        let mut s = seed_example();
        s["actions"][0]["action"] = json!("reboot_node");
        assert!(validate(&s).is_err());
        let mut s = seed_example();
        s["stateQuery"] = json!("query { application { health }");
        assert!(validate(&s).unwrap_err().to_string().contains("stateQuery"));
        let mut s = seed_example();
        s["actions"][0] = json!({"trigger": {"field": "a.b", "condition": "greater_than",
            "value": "lots"}, "action": "scale_deployment", "parameters": {}});
        let e = validate(&s).unwrap_err().to_string();
        assert!(
            e.contains("compares numbers") && e.contains("replicas"),
            "{e}"
        );
        let mut s = seed_example();
        s["pollingInterval"] = json!(0);
        assert!(
            validate(&s)
                .unwrap_err()
                .to_string()
                .contains("pollingInterval")
        );
    }

    #[test]
    fn selectors_match_like_kubernetes() {
        let sel: LabelSelector = serde_json::from_value(json!({"matchLabels": {"app": "a"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["x", "y"]},
                {"key": "canary", "operator": "DoesNotExist"}]}))
        .unwrap();
        let l = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        assert!(sel.matches(&l(&[("app", "a"), ("tier", "y")])));
        assert!(!sel.matches(&l(&[("app", "a"), ("tier", "z")])));
        assert!(!sel.matches(&l(&[("app", "a"), ("tier", "x"), ("canary", "1")])));
        assert!(!sel.matches(&l(&[("tier", "x")])));
    }

    #[test]
    fn triggers_are_edge_triggered_and_changed_needs_a_previous_state() {
        let t: Trigger = serde_json::from_value(
            json!({"field": "application.health", "condition": "equals", "value": "unhealthy"}),
        )
        .unwrap();
        let s = |h: &str| json!({"application": {"health": h}});
        assert!(fires(&t, None, &s("unhealthy")));
        assert!(fires(&t, Some(&s("healthy")), &s("unhealthy")));
        assert!(!fires(&t, Some(&s("unhealthy")), &s("unhealthy")));
        assert!(!fires(&t, Some(&s("unhealthy")), &s("healthy")));
        let c = Trigger {
            field: "daemonStatus.blockchainLength".into(),
            condition: Condition::Changed,
            value: None,
        };
        let b = |n: i64| json!({"daemonStatus": {"blockchainLength": n}});
        assert!(!fires(&c, None, &b(1)));
        assert!(!fires(&c, Some(&b(1)), &b(1)));
        assert!(fires(&c, Some(&b(1)), &b(2)));
        let g = Trigger {
            field: "daemonStatus.blockchainLength".into(),
            condition: Condition::LessThan,
            value: Some(json!("10")),
        };
        assert!(fires(&g, None, &b(3)));
        assert!(!fires(&g, None, &b(30)));
    }

    #[test]
    fn config_from_vars_validates_every_variable() {
        let c = Config::from_vars(|_| None).unwrap();
        assert_eq!(c, Config::default());
        let vars = BTreeMap::from([
            ("LOG_LEVEL", "debug"),
            ("GRAPHQL_TIMEOUT", "2.5"),
            ("GRAPHQL_MAX_RETRIES", "0"),
            ("DEFAULT_POLLING_INTERVAL", "5"),
            ("ACTION_EXECUTION_TIMEOUT", "60"),
            ("METRICS_PORT", "9090"),
        ]);
        let c = Config::from_vars(|k| vars.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(c.log_level, LogLevel::Debug);
        assert_eq!(c.graphql_timeout, Duration::from_millis(2500));
        assert_eq!(c.graphql_max_retries, 0);
        assert_eq!(c.metrics_port, Some(9090));
        let bad = BTreeMap::from([("GRAPHQL_TIMEOUT", "ten"), ("METRICS_PORT", "0")]);
        let e = Config::from_vars(|k| bad.get(k).map(|v| v.to_string())).unwrap_err();
        assert!(
            e.contains("GRAPHQL_TIMEOUT=\"ten\"") && e.contains("METRICS_PORT"),
            "{e}"
        );
    }

    #[test]
    fn event_names_are_stable_per_occurrence() {
        let a = event_name("my-application", "StateChanged", "p: a changed from 1 to 2");
        assert_eq!(
            a,
            event_name("my-application", "StateChanged", "p: a changed from 1 to 2")
        );
        assert_ne!(
            a,
            event_name("my-application", "StateChanged", "p: a changed from 2 to 1")
        );
        assert!(a.starts_with("my-application.kco."));
    }

    #[test]
    fn the_five_actions_map_to_typed_actions() {
        let pod = json!({"metadata": {"name": "web-7d4f9-abcde", "ownerReferences":
            [{"kind": "ReplicaSet", "name": "web-7d4f9"}]}});
        let a = |action: &str, params: Value| ActionSpec {
            trigger: Trigger {
                field: "a".into(),
                condition: Condition::Changed,
                value: None,
            },
            action: serde_json::from_value(json!(action)).unwrap(),
            parameters: params.as_object().cloned().unwrap_or_default(),
        };
        let Planned::Cluster(Action::Scale { target, replicas }) = plan_action(
            &a("scale_deployment", json!({"replicas": 3})),
            "ns",
            Some(&pod),
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!((target.name.as_str(), replicas), ("web", 3));
        let Planned::Cluster(Action::Patch {
            target, patch_type, ..
        }) = plan_action(
            &a(
                "patch_resource",
                json!({"kind": "ConfigMap", "name": "cfg", "patch": {"data": {"x": "1"}}}),
            ),
            "ns",
            None,
        )
        .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (target.kind.as_str(), patch_type),
            ("ConfigMap", PatchType::Merge)
        );
        assert_eq!(
            plan_action(&a("webhook", json!({"url": "http://x/y"})), "ns", None).unwrap(),
            Planned::Webhook {
                url: "http://x/y".into()
            }
        );
        let Planned::Cluster(Action::Exec { command, .. }) = plan_action(
            &a("exec_command", json!({"command": "mina client status"})),
            "ns",
            Some(&pod),
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(command, ["mina", "client", "status"]);
        assert_eq!(ActionKind::ALL.len(), 5);
        // Another namespace is refused (serve's ServiceAccount must not carry a TargetApp's
        // author outside its own namespace); its own namespace is accepted.
        let to = |ns: &str| {
            plan_action(
                &a(
                    "patch_resource",
                    json!({"kind": "ConfigMap", "name": "cfg", "namespace": ns,
                        "patch": {"data": {"x": "1"}}}),
                ),
                "ns",
                None,
            )
        };
        assert!(
            to("kube-system")
                .unwrap_err()
                .contains("its own namespace only")
        );
        assert!(to("ns").is_ok());
    }
}
