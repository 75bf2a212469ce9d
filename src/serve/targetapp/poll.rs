//! Polling: the sources (pods, or the one URL) of a TargetApp from serve's inventory, one
//! GraphQL request with retries and a bounded reply, and one poll round (diff → Events,
//! triggers → actions, then the status).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::status::{STATUS_REFRESH, without_times};
use super::{Controller, MAX_STATUS_PODS, STATE_BUDGET, TargetState, str_at};
use crate::targetapp::{self as ta, Endpoint, LogLevel, TargetAppSpec};

/// Why a poll failed.
/// The largest GraphQL reply read (state summaries are bounded far below this anyway).
const MAX_REPLY: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub enum PollError {
    Timeout,
    Connect(String),
    Http(u16),
    GraphQl(String),
    Malformed(String),
    RateLimited,
    NoAddress,
}

impl PollError {
    pub fn category(&self) -> &'static str {
        match self {
            PollError::Timeout => "timeout",
            PollError::Connect(_) => "connection",
            PollError::Http(_) => "http",
            PollError::GraphQl(_) => "graphql",
            PollError::Malformed(_) => "malformed",
            PollError::RateLimited => "rate_limited",
            PollError::NoAddress => "no_address",
        }
    }

    fn retryable(&self) -> bool {
        matches!(
            self,
            PollError::Timeout | PollError::Connect(_) | PollError::Malformed(_)
        ) || matches!(self, PollError::Http(c) if *c >= 500 || *c == 429)
    }
}

impl std::fmt::Display for PollError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PollError::Timeout => f.write_str("timed out (GRAPHQL_TIMEOUT)"),
            PollError::Connect(e) => write!(f, "cannot connect: {e}"),
            PollError::Http(c) => write!(f, "HTTP {c}"),
            PollError::GraphQl(m) => write!(f, "GraphQL errors: {m}"),
            PollError::Malformed(m) => write!(f, "malformed reply: {m}"),
            PollError::RateLimited => f.write_str("skipped: the TargetApp's poll rate limit"),
            PollError::NoAddress => f.write_str("the pod has no IP yet"),
        }
    }
}

/// A GraphQL reply → its `data`; `errors` in a 200 reply are a failure too.
pub fn parse_reply(status: u16, body: &[u8]) -> Result<Value, PollError> {
    if !(200..300).contains(&status) {
        return Err(PollError::Http(status));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| PollError::Malformed(format!("not JSON ({e})")))?;
    if let Some(errs) = v.get("errors").and_then(Value::as_array)
        && !errs.is_empty()
    {
        let msgs: Vec<String> = errs
            .iter()
            .map(|e| {
                e.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string()
            })
            .collect();
        return Err(PollError::GraphQl(ta::state::clip(&msgs.join("; "), 300)));
    }
    match v.get("data") {
        Some(d @ Value::Object(_)) => Ok(d.clone()),
        _ => Err(PollError::Malformed("no `data` object".into())),
    }
}

/// A token bucket (`rate` per second, burst `2 × rate`, at least 1).
#[derive(Debug, Clone)]
pub struct Bucket {
    tokens: f64,
    rate: f64,
    last: Instant,
}

impl Bucket {
    pub fn new(rate: f64, now: Instant) -> Self {
        Self {
            tokens: Self::cap(rate),
            rate,
            last: now,
        }
    }
    fn cap(rate: f64) -> f64 {
        (rate * 2.0).max(1.0)
    }
    pub fn take(&mut self, now: Instant) -> bool {
        let refill = now.saturating_duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(Self::cap(self.rate));
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Where one pod (or the TargetApp's one URL) is polled.
pub(super) struct Source {
    /// The pod's name, or the URL when one URL serves several pods.
    pub(super) key: String,
    pub(super) pod: Option<std::sync::Arc<Value>>,
    pub(super) url: Option<String>,
}

/// The port a pod's GraphQL listens on: a container port named `graphql`, else the first
/// container port, else 80.
fn graphql_port(pod: &Value) -> u64 {
    let ports: Vec<&Value> = pod
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("ports").and_then(Value::as_array))
        .flatten()
        .collect();
    ports
        .iter()
        .find(|p| p["name"] == "graphql")
        .or(ports.first())
        .and_then(|p| p["containerPort"].as_u64())
        .unwrap_or(80)
}

fn labels_of(o: &Value) -> BTreeMap<String, String> {
    o.pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

impl Controller {
    fn sources(&self, ns: &str, spec: &TargetAppSpec) -> (Vec<Source>, usize) {
        // Filtered in the inventory: only the matching pods' pointers are taken.
        let mut pods = self.shared.select("Pod", Some(ns), |p| {
            p.pointer("/metadata/deletionTimestamp").is_none()
                && spec.selector.matches(&labels_of(p))
        });
        pods.sort_by(|a, b| str_at(a, "/metadata/name").cmp(str_at(b, "/metadata/name")));
        let n = pods.len();
        let sources = match spec.endpoint() {
            Endpoint::PodPath(path) => pods
                .into_iter()
                .map(|p| {
                    let ip = str_at(&p, "/status/podIP").to_string();
                    let url = (!ip.is_empty()).then(|| {
                        let host = if ip.contains(':') {
                            format!("[{ip}]")
                        } else {
                            ip
                        };
                        format!("http://{host}:{}{path}", graphql_port(&p))
                    });
                    Source {
                        key: str_at(&p, "/metadata/name").to_string(),
                        pod: Some(p),
                        url,
                    }
                })
                .collect(),
            Endpoint::Url(u) => {
                let pod = (n == 1).then(|| pods[0].clone());
                vec![Source {
                    key: pod
                        .as_ref()
                        .map(|p| str_at(p, "/metadata/name").to_string())
                        .unwrap_or_else(|| u.clone()),
                    pod,
                    url: Some(u),
                }]
            }
        };
        (sources, n)
    }

    async fn poll(&self, url: &str, query: &str) -> Result<Value, PollError> {
        let mut attempt = 0u32;
        loop {
            let r = self
                .http
                .post(url)
                .json(&json!({"query": query}))
                .send()
                .await;
            let out = match r {
                Err(e) if e.is_timeout() => Err(PollError::Timeout),
                Err(e) => Err(PollError::Connect(
                    std::error::Error::source(&e)
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| e.to_string()),
                )),
                Ok(mut resp) => {
                    let code = resp.status().as_u16();
                    // Read at most MAX_REPLY: a misbehaving endpoint must not grow serve.
                    let mut body = Vec::new();
                    let mut failed = None;
                    loop {
                        match resp.chunk().await {
                            Ok(Some(c)) if body.len() + c.len() > MAX_REPLY => {
                                failed = Some(PollError::Malformed(format!(
                                    "reply larger than {} KiB",
                                    MAX_REPLY / 1024
                                )));
                                break;
                            }
                            Ok(Some(c)) => body.extend_from_slice(&c),
                            Ok(None) => break,
                            Err(e) if e.is_timeout() => {
                                failed = Some(PollError::Timeout);
                                break;
                            }
                            Err(e) => {
                                failed = Some(PollError::Malformed(e.to_string()));
                                break;
                            }
                        }
                    }
                    match failed {
                        Some(e) => Err(e),
                        None => parse_reply(code, &body),
                    }
                }
            };
            match out {
                Err(e) if e.retryable() && attempt < self.cfg.graphql_max_retries => {
                    let wait = self.cfg.retry_backoff * 2u32.saturating_pow(attempt);
                    attempt += 1;
                    if !self.pause(wait.min(Duration::from_secs(30))).await {
                        return Err(e);
                    }
                }
                other => return other,
            }
        }
    }

    pub(super) async fn poll_round(
        &self,
        key: &(String, String),
        obj: &Value,
        spec: &TargetAppSpec,
        generation: Option<i64>,
        st: &mut TargetState,
    ) {
        let (ns, name) = (key.0.as_str(), key.1.as_str());
        let (sources, n_pods) = self.sources(ns, spec);
        let bucket = st
            .bucket
            .get_or_insert_with(|| Bucket::new(self.cfg.poll_rate, Instant::now()));
        let mut allowed = Vec::new();
        for s in &sources {
            allowed.push(s.url.is_some() && bucket.take(Instant::now()));
        }
        let polls = sources.iter().zip(&allowed).map(|(s, ok)| async move {
            let started = Instant::now();
            let r = match (&s.url, ok) {
                (None, _) => Err(PollError::NoAddress),
                (Some(_), false) => Err(PollError::RateLimited),
                (Some(u), true) => self.poll(u, &spec.state_query).await,
            };
            (r, started.elapsed().as_secs_f64())
        });
        let results = futures::future::join_all(polls).await;
        let now = self.now().to_string();
        let (mut ok, mut failed) = (0, 0);
        let mut last_error = String::new();
        for (s, (r, secs)) in sources.iter().zip(results) {
            let endpoint = s.url.clone().unwrap_or_default();
            match &r {
                Err(PollError::RateLimited) => {
                    self.error("rate_limited");
                    st.polled.insert(
                        s.key.clone(),
                        (
                            now.clone(),
                            "skipped",
                            r.as_ref().unwrap_err().to_string(),
                            endpoint,
                        ),
                    );
                    continue;
                }
                _ => {
                    let outcome = if r.is_ok() { "ok" } else { "error" };
                    self.shared.metrics.add(
                        "operator_kco_tapp_polls_total",
                        &[("targetapp", &format!("{ns}/{name}")), ("outcome", outcome)],
                        1.0,
                    );
                    self.observe("operator_kco_tapp_poll_duration_seconds", &[], secs);
                }
            }
            match r {
                Ok(data) => {
                    ok += 1;
                    st.polled
                        .insert(s.key.clone(), (now.clone(), "ok", String::new(), endpoint));
                    let prev = st.prev.get(&s.key).cloned();
                    if let Some(p) = &prev {
                        for c in ta::diff(p, &data) {
                            let msg = ta::change_message(&s.key, &c);
                            self.event(st, obj, "Normal", "StateChanged", &msg).await;
                            if let Some(pod) = &s.pod {
                                self.event(st, pod, "Normal", "StateChanged", &msg).await;
                            }
                        }
                    }
                    for a in &spec.actions {
                        if self.stopping.get() {
                            break;
                        }
                        if ta::fires(&a.trigger, prev.as_ref(), &data) {
                            self.fire(st, obj, s, a, &data).await;
                        }
                    }
                    st.prev.insert(s.key.clone(), data);
                }
                Err(e) => {
                    failed += 1;
                    self.error(e.category());
                    last_error = format!("{}: {e}", s.key);
                    (self.log)(
                        LogLevel::Warning,
                        "targetapp poll failed",
                        json!({"namespace": ns, "targetapp": name, "source": s.key, "error": e.to_string()}),
                    );
                    let msg = format!("polling {} ({endpoint}) failed: {}", s.key, e.category());
                    self.event(st, obj, "Warning", "PollFailed", &msg).await;
                    st.polled.insert(
                        s.key.clone(),
                        (now.clone(), "error", e.to_string(), endpoint),
                    );
                }
            }
        }
        // Forget pods that are gone.
        let keys: Vec<&str> = sources.iter().map(|s| s.key.as_str()).collect();
        st.prev.retain(|k, _| keys.contains(&k.as_str()));
        st.polled.retain(|k, _| keys.contains(&k.as_str()));
        let pods: Vec<&str> = sources
            .iter()
            .filter_map(|s| s.pod.as_deref())
            .map(|p| str_at(p, "/metadata/name"))
            .collect();
        st.events.keep_pods(&pods);
        let (phase, ready, reason, message) = if failed > 0 && ok == 0 {
            (
                "Failed",
                "False",
                "PollFailed",
                format!("no pod answered its GraphQL query; last error: {last_error}"),
            )
        } else if n_pods == 0 {
            (
                "Monitoring",
                "False",
                "NoPodsMatched",
                "no running pod matches spec.selector in this namespace".to_string(),
            )
        } else if failed > 0 {
            (
                "Monitoring",
                "True",
                "SomePodsUnpollable",
                format!("{ok} pod(s) polled, {failed} failed; last error: {last_error}"),
            )
        } else {
            (
                "Monitoring",
                "True",
                "Polling",
                format!("{} source(s) polled", sources.len()),
            )
        };
        let budget = (STATE_BUDGET / st.prev.len().max(1)).clamp(512, 4096);
        let last_state: Vec<Value> = st
            .prev
            .iter()
            .take(MAX_STATUS_PODS)
            .map(|(k, v)| json!({"pod": k, "state": ta::summarize(v, budget)}))
            .collect();
        let pods: Vec<Value> = st
            .polled
            .iter()
            .take(MAX_STATUS_PODS)
            .map(|(k, (t, outcome, msg, endpoint))| {
                let mut p = json!({"name": k, "endpoint": endpoint, "lastPollTime": t,
                    "lastOutcome": outcome});
                if !msg.is_empty() {
                    p["message"] = json!(ta::state::clip(msg, 300));
                }
                p
            })
            .collect();
        let prev_ready = obj
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .and_then(|c| c.iter().find(|c| c["type"] == "Ready"))
            .cloned();
        let transition = match &prev_ready {
            Some(c) if c["status"] == ready && c["reason"] == reason => {
                c["lastTransitionTime"].as_str().unwrap_or(&now).to_string()
            }
            _ => now.clone(),
        };
        let mut status = json!({
                "phase": phase,
                "observedGeneration": generation,
                "podsMonitored": n_pods,
                "lastPollTime": now,
                "message": ta::state::clip(&message, 1024),
                "pods": pods,
                "lastState": last_state,
                "conditions": [{"type": "Ready", "status": ready, "reason": reason,
                    "message": ta::state::clip(&message, 1024), "lastTransitionTime": transition}],
        });
        // The polled state, endpoints and messages are cluster-readable in the status.
        crate::redact::redact_json(&mut status);
        let bare = without_times(&status);
        let fresh = st
            .written
            .as_ref()
            .is_some_and(|(w, at)| *w == bare && at.elapsed() < STATUS_REFRESH);
        if !fresh && self.set_status(key, status).await {
            st.written = Some((bare, Instant::now()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_errors_and_malformed_json_are_failures() {
        assert_eq!(
            parse_reply(200, br#"{"data":{"a":1}}"#).unwrap(),
            json!({"a": 1})
        );
        assert!(matches!(
            parse_reply(200, br#"{"data":null,"errors":[{"message":"boom"}]}"#),
            Err(PollError::GraphQl(m)) if m == "boom"
        ));
        assert!(matches!(
            parse_reply(200, b"{not json"),
            Err(PollError::Malformed(_))
        ));
        assert_eq!(parse_reply(500, b""), Err(PollError::Http(500)));
        assert!(PollError::Http(503).retryable());
        assert!(!PollError::GraphQl("x".into()).retryable());
    }

    #[test]
    fn the_bucket_holds_its_rate() {
        let t0 = Instant::now();
        let mut b = Bucket::new(1.0, t0);
        assert!(b.take(t0) && b.take(t0));
        assert!(!b.take(t0));
        assert!(!b.take(t0 + Duration::from_millis(500)));
        assert!(b.take(t0 + Duration::from_millis(1000)));
    }

    #[test]
    fn the_graphql_port_is_the_named_one_then_the_first() {
        let p = json!({"spec": {"containers": [{"ports": [{"containerPort": 8302},
            {"name": "graphql", "containerPort": 3085}]}]}});
        assert_eq!(graphql_port(&p), 3085);
        assert_eq!(
            graphql_port(&json!({"spec": {"containers": [{"ports": [{"containerPort": 9}]}]}})),
            9
        );
        assert_eq!(graphql_port(&json!({})), 80);
    }
}
