//! The TargetApp controller inside `serve` (seed 004's operator): for every
//! `operator.kco.local/v1alpha1` TargetApp (watched by serve's reflectors, like the pods its
//! selector names), poll each pod's GraphQL endpoint with the `stateQuery` (pooled HTTP
//! client, `GRAPHQL_TIMEOUT`, `GRAPHQL_MAX_RETRIES` with exponential backoff, a token bucket
//! per TargetApp), diff the state with the previous poll by dotted path, record each change
//! as a Kubernetes Event (deduplicated: a repeat bumps the existing Event's count), fire the
//! triggers, and run their actions through the same acting session as every front-end:
//! safe-tier runs, confirm-tier becomes an `ApprovalRequest`, forbidden is refused and
//! audited. One action at a time per TargetApp, each bounded by `ACTION_EXECUTION_TIMEOUT`.
//! Leader-only ([`super::Shared::is_leader`]). Status is written through the status
//! subresource. Nothing here prints or reads the environment: the front-end passes a
//! [`Config`] and a log sink.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Shared;
use crate::autonomy::{Approval, Refusal, WorkflowAutonomy};
use crate::targetapp::{self as ta, Config, Endpoint, LogLevel, Planned, TargetAppSpec};

/// The seed's metric names, registered on serve's `/metrics`.
pub const SERIES: &[(&str, &str, &str)] = &[
    (
        "operator_kco_tapp_polls_total",
        "counter",
        "GraphQL polls of TargetApp pods, by targetapp and outcome",
    ),
    (
        "operator_kco_tapp_poll_duration_seconds",
        "histogram",
        "GraphQL poll duration (retries included)",
    ),
    (
        "operator_kco_events_generated_total",
        "counter",
        "Kubernetes Events recorded (created or count bumped), by type and reason",
    ),
    (
        "operator_kco_actions_executed_total",
        "counter",
        "TargetApp actions by action and outcome (ok, pending_approval, refused, declined, error, timeout)",
    ),
    (
        "operator_kco_action_duration_seconds",
        "histogram",
        "TargetApp action duration",
    ),
    (
        "operator_kco_errors_total",
        "counter",
        "TargetApp controller errors by category",
    ),
];

const BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// Status bounds: pods listed, and the bytes of state summary kept for all pods together.
const MAX_STATUS_PODS: usize = 50;
const STATE_BUDGET: usize = 16 * 1024;

/// Where log lines go (the front-end filters by level and writes JSON lines).
pub type Log = Rc<dyn Fn(LogLevel, &str, Value)>;

/// What actions need: the cluster as an executor, the policy, the audit log, the queue.
pub struct Actor {
    pub client: kube::Client,
    pub view: crate::cluster::ClusterView,
    pub policy: crate::autonomy::Policy,
    pub audit: crate::audit::AuditLog,
    /// The kube context (approval requests are made against it).
    pub context: String,
    /// Namespace the approval requests are created in.
    pub queue_namespace: String,
    /// How long a queued request waits for a human.
    pub approval_ttl: Duration,
    /// The front-end's clock at start; now = this + time elapsed.
    pub clock: (jiff::Timestamp, Instant),
}

/// The controller.
pub struct Controller {
    shared: Rc<Shared>,
    actor: Actor,
    cfg: Config,
    http: reqwest::Client,
    log: Log,
    stopping: Cell<bool>,
    wake: tokio::sync::Notify,
    /// Target loops running, by (namespace, name).
    running: RefCell<BTreeMap<(String, String), tokio::task::JoinHandle<()>>>,
}

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
struct Source {
    /// The pod's name, or the URL when one URL serves several pods.
    key: String,
    pod: Option<std::sync::Arc<Value>>,
    url: Option<String>,
}

/// The Events this controller recorded, by name, with their count: a repeat is a PATCH of
/// the count, not a second Event. Bounded: entries of pods that are gone are dropped after
/// each poll round, and past [`MAX_EVENTS_REMEMBERED`] the least recently recorded go (a
/// changing value makes a new message, hence a new Event, every poll). Forgetting is safe:
/// the next record of a forgotten name gets 409 from the API, reads the count and bumps it.
#[derive(Default)]
struct EventMemory {
    /// Event name → (involved object `kind/name`, count, tick last recorded).
    known: BTreeMap<String, (String, u64, u64)>,
    tick: u64,
}

/// How many Event names one TargetApp remembers.
const MAX_EVENTS_REMEMBERED: usize = 256;

impl EventMemory {
    fn count(&self, name: &str) -> Option<u64> {
        self.known.get(name).map(|e| e.1)
    }

    fn record(&mut self, name: String, involved: String, count: u64) {
        self.tick += 1;
        self.known.insert(name, (involved, count, self.tick));
        if self.known.len() > MAX_EVENTS_REMEMBERED
            && let Some(oldest) = self
                .known
                .iter()
                .min_by_key(|(_, e)| e.2)
                .map(|(k, _)| k.clone())
        {
            self.known.remove(&oldest);
        }
    }

    fn forget(&mut self, name: &str) {
        self.known.remove(name);
    }

    /// Drops the entries of Pods not in `pods` (other kinds — the TargetApp — are kept).
    fn keep_pods(&mut self, pods: &[&str]) {
        self.known.retain(|_, (involved, _, _)| {
            involved
                .strip_prefix("Pod/")
                .is_none_or(|p| pods.contains(&p))
        });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.known.len()
    }
}

#[derive(Default)]
struct TargetState {
    prev: BTreeMap<String, Value>,
    events: EventMemory,
    bucket: Option<Bucket>,
    /// Per source: (last poll time, outcome, message, endpoint).
    polled: BTreeMap<String, (String, &'static str, String, String)>,
    /// The spec last polled with: a new one starts from no previous state.
    spec: Option<Value>,
    /// The status last written (poll times left out) and when: an unchanged status is
    /// rewritten at most every [`STATUS_REFRESH`], so steady polling does not churn the
    /// object (and every watcher of it).
    written: Option<(Value, Instant)>,
}

/// How often an unchanged status is rewritten (its poll times refreshed).
const STATUS_REFRESH: Duration = Duration::from_secs(60);

/// A status without its poll times, to tell a real change from a refresh.
fn without_times(status: &Value) -> Value {
    let mut v = status.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("lastPollTime");
    }
    for p in v
        .get_mut("pods")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(m) = p.as_object_mut() {
            m.remove("lastPollTime");
        }
    }
    v
}

fn str_at<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
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

/// One merge-patch or JSON request to the API server; (status, body).
async fn send(
    client: &kube::Client,
    method: http::Method,
    path: &str,
    content_type: &str,
    body: &Value,
) -> Result<(u16, Value), String> {
    super::api::request_as(client, method, path, content_type, Some(body)).await
}

impl Controller {
    pub fn new(shared: Rc<Shared>, actor: Actor, cfg: Config, log: Log) -> Rc<Self> {
        for (name, ty, help) in SERIES {
            shared.metrics.describe(name, ty, help);
        }
        let http = reqwest::Client::builder()
            .timeout(cfg.graphql_timeout)
            .pool_max_idle_per_host(4)
            // A poll answers with state, not a redirect: following one would let a
            // TargetApp read another internal service through serve.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Rc::new(Self {
            shared,
            actor,
            cfg,
            http,
            log,
            stopping: Cell::new(false),
            wake: tokio::sync::Notify::new(),
            running: RefCell::default(),
        })
    }

    fn now(&self) -> jiff::Timestamp {
        let took = jiff::SignedDuration::try_from(self.actor.clock.1.elapsed()).unwrap_or_default();
        self.actor
            .clock
            .0
            .checked_add(took)
            .unwrap_or(self.actor.clock.0)
    }

    fn observe(&self, name: &str, labels: &[(&str, &str)], secs: f64) {
        let m = &self.shared.metrics;
        for b in BUCKETS {
            if secs <= b {
                let le = b.to_string();
                let mut l = labels.to_vec();
                l.push(("le", &le));
                m.add(&format!("{name}_bucket"), &l, 1.0);
            }
        }
        let mut l = labels.to_vec();
        l.push(("le", "+Inf"));
        m.add(&format!("{name}_bucket"), &l, 1.0);
        m.add(&format!("{name}_sum"), labels, secs);
        m.add(&format!("{name}_count"), labels, 1.0);
    }

    fn error(&self, category: &str) {
        self.shared
            .metrics
            .add("operator_kco_errors_total", &[("category", category)], 1.0);
    }

    /// Leader-only, until [`Controller::shutdown`]: one loop per TargetApp, started when it
    /// appears; a loop ends itself when its TargetApp is deleted or leadership is lost.
    pub async fn run(self: Rc<Self>) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                _ = self.wake.notified() => {}
            }
            if self.stopping.get() {
                return;
            }
            self.running.borrow_mut().retain(|_, h| !h.is_finished());
            if !self.shared.is_leader() {
                continue;
            }
            for (ns, name) in self.shared.keys_of(ta::KIND) {
                let key = (ns.unwrap_or_default(), name);
                if self.running.borrow().contains_key(&key) {
                    continue;
                }
                (self.log)(
                    LogLevel::Info,
                    "targetapp monitoring",
                    json!({"namespace": key.0, "targetapp": key.1}),
                );
                let h = tokio::task::spawn_local(self.clone().target_loop(key.clone()));
                self.running.borrow_mut().insert(key, h);
            }
        }
    }

    /// Stops starting polls and actions, and waits (up to `limit`) for the ones in flight:
    /// no action is left half-run; polls still waiting are cancelled.
    pub async fn shutdown(&self, limit: Duration) {
        self.stopping.set(true);
        self.wake.notify_waiters();
        let end = Instant::now() + limit;
        while Instant::now() < end {
            self.running.borrow_mut().retain(|_, h| !h.is_finished());
            if self.running.borrow().is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for h in self.running.borrow().values() {
            h.abort();
        }
    }

    fn find(&self, key: &(String, String)) -> Option<std::sync::Arc<Value>> {
        self.shared.object(ta::KIND, Some(&key.0), &key.1)
    }

    /// Sleeps `d`, waking early on shutdown; false when stopping.
    async fn pause(&self, d: Duration) -> bool {
        let end = Instant::now() + d;
        while Instant::now() < end {
            if self.stopping.get() {
                return false;
            }
            let left = end.saturating_duration_since(Instant::now());
            tokio::select! {
                _ = tokio::time::sleep(left.min(Duration::from_millis(100))) => {}
                _ = self.wake.notified() => {}
            }
        }
        !self.stopping.get()
    }

    async fn target_loop(self: Rc<Self>, key: (String, String)) {
        let mut st = TargetState::default();
        let mut first = true;
        loop {
            if self.stopping.get() || !self.shared.is_leader() {
                return;
            }
            let Some(obj) = self.find(&key) else {
                return;
            };
            if first && obj.pointer("/status/phase").is_none() {
                self.set_status(&key, json!({"phase": "Initializing", "podsMonitored": 0}))
                    .await;
            }
            first = false;
            let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
            let spec = match ta::validate(obj.get("spec").unwrap_or(&Value::Null)) {
                Ok(s) => s,
                Err(e) => {
                    let now = self.now().to_string();
                    self.error("invalid_spec");
                    self.event(&mut st, &obj, "Warning", e.reason, &e.to_string())
                        .await;
                    self.set_status(
                        &key,
                        ta::failed_status(e.reason, &e.to_string(), &now, generation),
                    )
                    .await;
                    if !self
                        .pause(
                            self.cfg
                                .default_polling_interval
                                .min(Duration::from_secs(5)),
                        )
                        .await
                    {
                        return;
                    }
                    continue;
                }
            };
            let spec_now = obj.get("spec").cloned();
            if st.spec != spec_now {
                st.prev.clear();
                st.spec = spec_now;
            }
            let interval = spec.interval(self.cfg.default_polling_interval);
            // Until the Pod list has arrived (a fresh start, a watch re-listing), "no pods"
            // means "not known yet": polling then would report NoPodsMatched and forget
            // every pod's previous state.
            if !self.shared.is_synced("Pod") {
                let wait = match self.shared.not_read("Pod") {
                    Some(why) => {
                        let msg = format!("serve cannot read Pods: {why}");
                        self.error("pods_unreadable");
                        let now = self.now().to_string();
                        self.set_status(
                            &key,
                            ta::failed_status("PodsUnreadable", &msg, &now, generation),
                        )
                        .await;
                        interval
                    }
                    None => Duration::from_millis(200),
                };
                if !self.pause(wait).await {
                    return;
                }
                continue;
            }
            self.poll_round(&key, &obj, &spec, generation, &mut st)
                .await;
            if !self.pause(interval).await {
                return;
            }
        }
    }

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

    async fn poll_round(
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

    /// Writes the status subresource; false when the write failed (logged and counted).
    async fn set_status(&self, key: &(String, String), status: Value) -> bool {
        let path = format!("{}/status", ta::object_path(&key.0, &key.1));
        match send(
            &self.actor.client,
            http::Method::PATCH,
            &path,
            "application/merge-patch+json",
            &json!({"status": status}),
        )
        .await
        {
            Ok((c, _)) if (200..300).contains(&c) => true,
            Ok((c, body)) => {
                self.error("status_write");
                (self.log)(
                    LogLevel::Warning,
                    "targetapp status write failed",
                    json!({"targetapp": format!("{}/{}", key.0, key.1), "code": c,
                        "message": body.get("message")}),
                );
                false
            }
            Err(e) => {
                self.error("status_write");
                (self.log)(
                    LogLevel::Warning,
                    "targetapp status write failed",
                    json!({"targetapp": format!("{}/{}", key.0, key.1), "error": e}),
                );
                false
            }
        }
    }

    /// Records an Event on `involved`; the same (object, reason, message) again PATCHes the
    /// existing Event's `count` and `lastTimestamp` instead of creating another.
    async fn event(
        &self,
        st: &mut TargetState,
        involved: &Value,
        type_: &str,
        reason: &str,
        message: &str,
    ) {
        // Messages quote polled state, endpoints and webhook URLs: Events are readable by
        // anyone who may list Events, so they are scrubbed like every other outgoing text.
        let message = &crate::redact::redact(message);
        let ns = str_at(involved, "/metadata/namespace").to_string();
        let iname = str_at(involved, "/metadata/name");
        let ikind = str_at(involved, "/kind");
        let name = ta::event_name(
            &format!("{}-{iname}", ikind.to_ascii_lowercase()),
            reason,
            message,
        )
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
        let now = self.now().to_string();
        let coll = format!("/api/v1/namespaces/{ns}/events");
        let bump = |count: u64| json!({"count": count, "lastTimestamp": now, "message": message});
        let involved_key = format!("{ikind}/{iname}");
        let mut count = st.events.count(&name);
        if count.is_none() {
            let body = json!({
                "apiVersion": "v1", "kind": "Event",
                "metadata": {"name": name, "namespace": ns},
                "involvedObject": {"apiVersion": str_at(involved, "/apiVersion"), "kind": ikind,
                    "name": iname, "namespace": ns, "uid": involved.pointer("/metadata/uid")},
                "reason": reason, "message": message, "type": type_,
                "source": {"component": "kubectl-claude-targetapp"},
                "reportingComponent": "kubectl-claude-targetapp",
                "firstTimestamp": now, "lastTimestamp": now, "count": 1,
            });
            match send(
                &self.actor.client,
                http::Method::POST,
                &coll,
                "application/json",
                &body,
            )
            .await
            {
                Ok((c, _)) if (200..300).contains(&c) => count = Some(1),
                // Recorded by an earlier leader: bump its count.
                Ok((409, _)) => {
                    let existing = send(
                        &self.actor.client,
                        http::Method::GET,
                        &format!("{coll}/{name}"),
                        "application/json",
                        &Value::Null,
                    )
                    .await
                    .ok()
                    .and_then(|(_, v)| v.get("count").and_then(Value::as_u64))
                    .unwrap_or(1);
                    count = self
                        .patch_event(&coll, &name, bump(existing + 1))
                        .await
                        .then_some(existing + 1);
                }
                _ => {
                    self.error("event_write");
                    return;
                }
            }
        } else if let Some(c) = count {
            count = if self.patch_event(&coll, &name, bump(c + 1)).await {
                Some(c + 1)
            } else {
                self.error("event_write");
                st.events.forget(&name);
                return;
            };
        }
        if let Some(c) = count {
            st.events.record(name, involved_key, c);
            self.shared.metrics.add(
                "operator_kco_events_generated_total",
                &[("type", type_), ("reason", reason)],
                1.0,
            );
        }
    }

    async fn patch_event(&self, coll: &str, name: &str, body: Value) -> bool {
        matches!(
            send(
                &self.actor.client,
                http::Method::PATCH,
                &format!("{coll}/{name}"),
                "application/merge-patch+json",
                &body,
            )
            .await,
            Ok((c, _)) if (200..300).contains(&c)
        )
    }

    /// A trigger fired: a Warning Event, then its action (one at a time: the caller awaits).
    async fn fire(
        &self,
        st: &mut TargetState,
        obj: &Value,
        s: &Source,
        a: &ta::ActionSpec,
        data: &Value,
    ) {
        let (ns, name) = (
            str_at(obj, "/metadata/namespace"),
            str_at(obj, "/metadata/name"),
        );
        let value = ta::lookup(data, &a.trigger.field)
            .map(|v| ta::state::clip(&v.to_string(), 120))
            .unwrap_or_else(|| "(absent)".into());
        let why = format!(
            "{}: {} {} {} (now {value}) → {}",
            s.key,
            a.trigger.field,
            a.trigger.condition.as_str(),
            a.trigger
                .value
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_default(),
            a.action.as_str()
        );
        self.event(st, obj, "Warning", "TriggerFired", &why).await;
        let action = a.action.as_str();
        let started = Instant::now();
        let planned = ta::plan_action(a, ns, s.pod.as_deref());
        let run = async {
            match planned {
                Err(e) => ("error", e),
                Ok(Planned::Webhook { url }) => self.webhook(&url, obj, s, a, data).await,
                Ok(Planned::Cluster(act)) => self.act(act, ns, name, &why).await,
            }
        };
        let (outcome, detail) =
            match tokio::time::timeout(self.cfg.action_execution_timeout, run).await {
                Ok(r) => r,
                Err(_) => ("timeout", "ACTION_EXECUTION_TIMEOUT elapsed".to_string()),
            };
        self.shared.metrics.add(
            "operator_kco_actions_executed_total",
            &[("action", action), ("outcome", outcome)],
            1.0,
        );
        self.observe(
            "operator_kco_action_duration_seconds",
            &[("action", action)],
            started.elapsed().as_secs_f64(),
        );
        let (ty, reason) = match outcome {
            "ok" => ("Normal", "ActionExecuted"),
            "pending_approval" => ("Normal", "ActionPendingApproval"),
            "refused" | "declined" => ("Warning", "ActionRefused"),
            _ => ("Warning", "ActionFailed"),
        };
        if !matches!(outcome, "ok" | "pending_approval") {
            self.error("action");
        }
        (self.log)(
            LogLevel::Info,
            "targetapp action",
            json!({"namespace": ns, "targetapp": name, "action": action, "outcome": outcome, "detail": detail}),
        );
        self.event(
            st,
            obj,
            ty,
            reason,
            &format!("{action} for {}: {detail}", s.key),
        )
        .await;
    }

    async fn webhook(
        &self,
        url: &str,
        obj: &Value,
        s: &Source,
        a: &ta::ActionSpec,
        data: &Value,
    ) -> (&'static str, String) {
        let body = json!({
            "targetApp": {"namespace": str_at(obj, "/metadata/namespace"), "name": str_at(obj, "/metadata/name")},
            "pod": s.key,
            "trigger": a.trigger,
            "value": ta::lookup(data, &a.trigger.field),
            "state": ta::summarize(data, 8192),
            "at": self.now().to_string(),
        });
        let req = self
            .http
            .post(url)
            .timeout(self.cfg.action_execution_timeout)
            .json(&body);
        match req.send().await {
            Ok(r) if r.status().is_success() => ("ok", format!("POST {url}: {}", r.status())),
            Ok(r) => ("error", format!("POST {url}: {}", r.status())),
            Err(e) => ("error", format!("POST {url}: {e}")),
        }
    }

    /// A typed action through the acting session: the policy with the team's per-target
    /// override (`auto_approve: [restart_pod]`, within the configured policy and never below
    /// the forbidden floor), the approval queue as the human, audited.
    async fn act(
        &self,
        action: crate::action::Action,
        ns: &str,
        name: &str,
        why: &str,
    ) -> (&'static str, String) {
        let policy = self.actor.policy.clone().with_workflow(WorkflowAutonomy {
            auto_approve: vec!["restart_pod".into()],
            always_confirm: Vec::new(),
        });
        let gate = crate::gate::Gate {
            policy: &policy,
            input: crate::autonomy::GateInput {
                interactive: true,
                ..Default::default()
            },
            audit: &self.actor.audit,
            now: self.now(),
        };
        // One spelling for the immediate record, the request and the approved execution.
        let origin = crate::gate::Origin::Trigger(format!("targetapp/{ns}/{name}"));
        let queue = super::approvals::Queue {
            client: self.actor.client.clone(),
            namespace: self.actor.queue_namespace.clone(),
            context: self.actor.context.clone(),
            origin: origin.to_string(),
            requester: "kubectl-claude-serve (targetapp controller)".into(),
            ttl: self.actor.approval_ttl,
        };
        let session =
            match crate::session::Session::new(gate, &self.actor.view, &queue, origin.clone()) {
                Ok(s) => s,
                Err(e) => return ("error", e.to_string()),
            };
        let mut p = crate::gate::Proposed::new(action, origin);
        p.rationale = Some(format!("TargetApp {ns}/{name}: {why}"));
        let what = format!("{} {}", p.action.verb(), p.action.target_display());
        match session.run(&p).await {
            Ok(a) if a.ran() => ("ok", format!("{what}: done")),
            Ok(a) if a.approval == Approval::Deferred => (
                "pending_approval",
                format!(
                    "{what}: waiting for approval request {} (kubectl claude approvals show {} -n {})",
                    a.request.clone().unwrap_or_default(),
                    a.request.clone().unwrap_or_default(),
                    self.actor.queue_namespace
                ),
            ),
            Ok(a) if a.refusal == Some(Refusal::Forbidden) => (
                "refused",
                format!("{what}: forbidden by the autonomy policy; not run"),
            ),
            Ok(a) if a.error.is_some() => (
                "error",
                format!(
                    "{what}: {}",
                    a.error.as_ref().map(|e| e.to_string()).unwrap_or_default()
                ),
            ),
            Ok(_) => ("declined", format!("{what}: not run (declined)")),
            Err(e) => ("error", format!("{what}: {e}")),
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
    fn the_event_memory_is_bounded_and_forgets_gone_pods() {
        let mut m = EventMemory::default();
        m.record("ta-a".into(), "TargetApp/mina".into(), 1);
        m.record("pod-0-a".into(), "Pod/mina-0".into(), 2);
        m.record("pod-1-a".into(), "Pod/mina-1".into(), 1);
        m.keep_pods(&["mina-1"]);
        assert_eq!(m.count("pod-0-a"), None, "mina-0 is gone");
        assert_eq!(m.count("pod-1-a"), Some(1));
        assert_eq!(m.count("ta-a"), Some(1), "the TargetApp's own Events stay");
        // A value that changes every poll: a new Event name each time, never more than the
        // bound remembered; the most recent stay, the oldest go first.
        for i in 0..1000 {
            m.record(format!("ta-change-{i}"), "TargetApp/mina".into(), 1);
            if i % 10 == 0 {
                m.record("ta-a".into(), "TargetApp/mina".into(), 2 + i);
            }
        }
        assert_eq!(m.len(), MAX_EVENTS_REMEMBERED);
        assert_eq!(m.count("ta-change-999"), Some(1));
        assert_eq!(m.count("ta-change-0"), None);
        assert_eq!(m.count("ta-a"), Some(992), "recently recorded: kept");
        m.forget("ta-a");
        assert_eq!(m.count("ta-a"), None);
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
