//! The metrics registry of `serve`: counters and gauges by name and labels, rendered in the
//! Prometheus text exposition format (0.0.4). Controllers that live inside `serve` (the
//! dashboard, the TargetApp controller) register their series here too: [`Metrics::describe`]
//! once, then [`Metrics::add`] / [`Metrics::set`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

/// Label pairs, sorted by name.
pub type Labels = Vec<(String, String)>;

#[derive(Debug, Default)]
struct Inner {
    /// name → (type, help).
    meta: BTreeMap<String, (&'static str, String)>,
    values: BTreeMap<(String, Labels), f64>,
}

/// The registry. Cheap to share behind an `Rc`/`Arc`.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

/// The series `serve` itself exports (README "serve" lists them).
pub const SERIES: &[(&str, &str, &str)] = &[
    (
        "kubectl_claude_findings",
        "gauge",
        "Current findings by severity and recipe",
    ),
    (
        "kubectl_claude_diagnose_runs_total",
        "counter",
        "Diagnosis passes over the watched inventory",
    ),
    (
        "kubectl_claude_inventory_objects",
        "gauge",
        "Objects held by the reflectors, by kind",
    ),
    (
        "kubectl_claude_watch_restarts_total",
        "counter",
        "Watch streams that restarted with a new list, by kind",
    ),
    (
        "kubectl_claude_workflow_runs_total",
        "counter",
        "Workflow runs by workflow, trigger and outcome",
    ),
    (
        "kubectl_claude_hook_requests_total",
        "counter",
        "Webhook requests by hook and HTTP status",
    ),
    (
        "kubectl_claude_approvals_total",
        "counter",
        "Approval requests closed by serve, by outcome",
    ),
    (
        "kubectl_claude_notifications_total",
        "counter",
        "Notifications sent, by event (firing, resolved) and outcome",
    ),
    (
        "kubectl_claude_schedule_runs_total",
        "counter",
        "Scheduled workflow runs by workflow and outcome (skipped-running: the previous run was still going)",
    ),
    (
        "kubectl_claude_findings_suppressed",
        "gauge",
        "Findings silenced by an ignore file or a kubectl-claude.io/ignore annotation",
    ),
    (
        "kubectl_claude_kinds_not_checked",
        "gauge",
        "Kinds serve does not read (RBAC denies them, or Secrets in-cluster): their checks are not checked",
    ),
    (
        "kubectl_claude_actions_total",
        "counter",
        "Gated actions of serve's runs and approvals, by tier and outcome",
    ),
    (
        "kubectl_claude_llm_requests_total",
        "counter",
        "Model calls of serve's workflow runs, by provider and outcome",
    ),
    (
        "kubectl_claude_llm_tokens_total",
        "counter",
        "Model tokens of serve's workflow runs, by provider and kind (input, output)",
    ),
    (
        "kubectl_claude_leader",
        "gauge",
        "1 when this replica holds the leader Lease",
    ),
];

fn labels(pairs: &[(&str, &str)]) -> Labels {
    let mut l: Labels = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    l.sort();
    l
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Metrics {
    /// A registry with `serve`'s own series described.
    pub fn new() -> Self {
        let m = Self::default();
        for (name, ty, help) in SERIES {
            m.describe(name, ty, help);
        }
        m
    }

    /// Declares a series (`counter`, `gauge`, or `histogram`: its `_bucket`, `_sum` and
    /// `_count` values are rendered under it).
    pub fn describe(&self, name: &str, ty: &'static str, help: &str) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.meta.insert(name.to_string(), (ty, help.to_string()));
    }

    pub fn add(&self, name: &str, pairs: &[(&str, &str)], by: f64) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *g.values
            .entry((name.to_string(), labels(pairs)))
            .or_insert(0.0) += by;
    }

    pub fn set(&self, name: &str, pairs: &[(&str, &str)], v: f64) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.values.insert((name.to_string(), labels(pairs)), v);
    }

    /// Drops every series of `name` (a gauge recomputed from scratch).
    pub fn clear(&self, name: &str) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.values.retain(|(n, _), _| n != name);
    }

    pub fn get(&self, name: &str, pairs: &[(&str, &str)]) -> f64 {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.values
            .get(&(name.to_string(), labels(pairs)))
            .copied()
            .unwrap_or(0.0)
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::new();
        for (name, (ty, help)) in &g.meta {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {ty}");
            // A histogram's series are `<name>_bucket`, `<name>_sum` and `<name>_count`.
            let of = |n: &str| {
                n == name
                    || (*ty == "histogram"
                        && n.strip_prefix(name.as_str())
                            .is_some_and(|s| matches!(s, "_bucket" | "_sum" | "_count")))
            };
            for ((n, l), v) in g.values.iter().filter(|((n, _), _)| of(n)) {
                if l.is_empty() {
                    let _ = writeln!(out, "{n} {v}");
                } else {
                    let ls: Vec<String> = l
                        .iter()
                        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
                        .collect();
                    let _ = writeln!(out, "{n}{{{}}} {v}", ls.join(","));
                }
            }
        }
        out
    }
}

/// `serve` counts what its runs and its approval executor report.
impl crate::observe::Observer for Metrics {
    fn observe(&self, o: &crate::observe::Observation) {
        use crate::observe::Observation;
        match o {
            Observation::Action { tier, outcome } => self.add(
                "kubectl_claude_actions_total",
                &[("tier", tier.as_str()), ("outcome", outcome)],
                1.0,
            ),
            Observation::ModelCall {
                provider,
                outcome,
                input_tokens,
                output_tokens,
            } => {
                self.add(
                    "kubectl_claude_llm_requests_total",
                    &[("provider", provider), ("outcome", outcome)],
                    1.0,
                );
                for (kind, n) in [("input", input_tokens), ("output", output_tokens)] {
                    self.add(
                        "kubectl_claude_llm_tokens_total",
                        &[("provider", provider), ("kind", kind)],
                        *n as f64,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_labels_escaped_and_sorted() {
        let m = Metrics::new();
        m.add(
            "kubectl_claude_workflow_runs_total",
            &[("workflow", "a\"b"), ("outcome", "ok")],
            2.0,
        );
        let t = m.render();
        assert!(
            t.contains("kubectl_claude_workflow_runs_total{outcome=\"ok\",workflow=\"a\\\"b\"} 2"),
            "{t}"
        );
        assert!(t.contains("# TYPE kubectl_claude_leader gauge"));
    }
}
