//! The `spec` of a TargetApp in the seed's shape: selector, endpoint, interval, query and
//! `actions[]`, and its validation (what the CRD schema states, plus what a schema cannot).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::DEFAULT_ENDPOINT;
use super::state;
use crate::action::PatchType;

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

pub(super) fn param_i64(p: &Map<String, Value>, k: &str) -> Option<Result<i64, String>> {
    p.get(k).map(|v| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .ok_or_else(|| format!("`{k}` must be an integer, got {v}"))
    })
}

pub(super) fn param_str<'a>(p: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
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

pub(super) fn command_of(p: &Map<String, Value>) -> Option<Vec<String>> {
    match p.get("command")? {
        Value::String(s) => Some(s.split_whitespace().map(str::to_string).collect()),
        Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>(),
        _ => None,
    }
}
