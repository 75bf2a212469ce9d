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
//!
//! The parts: `poll` (pods to poll, GraphQL with retries, one poll round), `events`
//! (deduplicated Events), `status` (the status subresource), `actions` (a fired trigger's
//! action through the gate).

mod actions;
mod events;
mod poll;
mod status;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Shared;
use crate::targetapp::{self as ta, Config, LogLevel};
use events::EventMemory;
pub use poll::{Bucket, PollError, parse_reply};

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

fn str_at<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
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
}
