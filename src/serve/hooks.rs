//! Webhook payloads `serve` accepts and how they pick workflows: Alertmanager's webhook
//! (payload version 4) and Flux notification-controller's generic provider event.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::workflow::Workflow;

/// Alertmanager's webhook body (`version: "4"`), as documented in its configuration reference.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertmanagerPayload {
    pub version: String,
    pub group_key: String,
    #[serde(default)]
    pub truncated_alerts: u64,
    pub status: String,
    #[serde(default)]
    pub receiver: String,
    #[serde(default)]
    pub group_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub common_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub common_annotations: BTreeMap<String, String>,
    #[serde(rename = "externalURL", default)]
    pub external_url: String,
    pub alerts: Vec<Alert>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub status: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(rename = "generatorURL", default)]
    pub generator_url: String,
    #[serde(default)]
    pub fingerprint: String,
}

/// Flux notification-controller's generic webhook event (`eventv1.Event`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FluxEvent {
    pub involved_object: FluxObject,
    pub severity: String,
    #[serde(default)]
    pub timestamp: String,
    pub message: String,
    pub reason: String,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub reporting_controller: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FluxObject {
    pub kind: String,
    #[serde(default)]
    pub namespace: String,
    pub name: String,
}

/// Why a payload was rejected (the hook answers 400 with this text).
pub fn parse_alertmanager(body: &[u8]) -> Result<AlertmanagerPayload, String> {
    let p: AlertmanagerPayload = serde_json::from_slice(body)
        .map_err(|e| format!("not an Alertmanager webhook payload: {e}"))?;
    if p.version != "4" {
        return Err(format!(
            "Alertmanager webhook payload version {} is not supported (only 4)",
            p.version
        ));
    }
    Ok(p)
}

pub fn parse_flux(body: &[u8]) -> Result<FluxEvent, String> {
    serde_json::from_slice(body).map_err(|e| format!("not a Flux notification event: {e}"))
}

/// The alert triggers of a workflow: `trigger: {type: alert, match: {…}, params: {…}}`, or a
/// list of triggers containing such entries.
pub fn alert_triggers(wf: &Workflow) -> Vec<&Value> {
    let Some(t) = &wf.trigger else { return vec![] };
    let all: Vec<&Value> = match t {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    all.into_iter()
        .filter(|t| t.get("type").and_then(Value::as_str) == Some("alert"))
        .collect()
}

/// The cron schedules of a workflow (`trigger: [{schedule: "0 */6 * * *"}]`).
pub fn schedules(wf: &Workflow) -> Vec<String> {
    let Some(t) = &wf.trigger else { return vec![] };
    let all: Vec<&Value> = match t {
        Value::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    all.into_iter()
        .filter_map(|t| t.get("schedule").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// True when every `match` label of the trigger equals the alert's.
pub fn matches(trigger: &Value, alert: &Alert) -> bool {
    let Some(m) = trigger.get("match").and_then(Value::as_object) else {
        return false;
    };
    !m.is_empty()
        && m.iter().all(|(k, v)| {
            v.as_str()
                .is_some_and(|v| alert.labels.get(k).map(String::as_str) == Some(v))
        })
}

/// Renders `{{ alert.labels.X }}` / `{{ alert.annotations.X }}` / `{{ alert.status }}` /
/// `{{ alert.fingerprint }}`; an unknown reference is an error naming it.
pub fn render_alert(text: &str, alert: &Alert) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            return Err(format!("unclosed '{{{{' in {text:?}"));
        };
        let expr = rest[start + 2..start + end].trim();
        let value = if let Some(k) = expr.strip_prefix("alert.labels.") {
            alert.labels.get(k).cloned()
        } else if let Some(k) = expr.strip_prefix("alert.annotations.") {
            alert.annotations.get(k).cloned()
        } else if expr == "alert.status" {
            Some(alert.status.clone())
        } else if expr == "alert.fingerprint" {
            Some(alert.fingerprint.clone())
        } else {
            None
        };
        match value {
            Some(v) => out.push_str(&v),
            None => return Err(format!("{expr} is not set on the alert")),
        }
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The workflow parameters an alert binds through the trigger's `params`.
pub fn bind_params(trigger: &Value, alert: &Alert) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    if let Some(p) = trigger.get("params").and_then(Value::as_object) {
        for (k, v) in p {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.insert(k.clone(), render_alert(&text, alert)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(labels: &[(&str, &str)]) -> Alert {
        Alert {
            status: "firing".into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            annotations: BTreeMap::new(),
            starts_at: String::new(),
            ends_at: String::new(),
            generator_url: String::new(),
            fingerprint: "f1".into(),
        }
    }

    #[test]
    fn match_and_bind() {
        let t: Value = serde_json::json!({"type": "alert", "match": {"alertname": "KubePodCrashLooping"},
            "params": {"namespace": "{{ alert.labels.namespace }}"}});
        let a = alert(&[("alertname", "KubePodCrashLooping"), ("namespace", "shop")]);
        assert!(matches(&t, &a));
        assert!(!matches(&t, &alert(&[("alertname", "Other")])));
        assert_eq!(bind_params(&t, &a).unwrap()["namespace"], "shop");
        let bad = serde_json::json!({"params": {"x": "{{ alert.labels.nope }}"}});
        assert!(
            bind_params(&bad, &a)
                .unwrap_err()
                .contains("alert.labels.nope")
        );
    }

    #[test]
    fn version_checked() {
        let e =
            parse_alertmanager(br#"{"version":"3","groupKey":"g","status":"firing","alerts":[]}"#)
                .unwrap_err();
        assert!(e.contains("version 3"));
    }
}
