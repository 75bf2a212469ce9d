//! `serve`'s engine: reflectors over the kinds the recipes read (one LIST per kind, then
//! watches), diagnosis re-run on change (debounced) over the in-memory inventory, the HTTP
//! router (findings, hooks, metrics, health), the hooks' triggers, and leader election on a
//! `coordination.k8s.io` Lease. Nothing here prints or reads the environment: the front-end
//! (`cli/serve.rs`) supplies the config, the token and how a workflow run is launched.
//!
//! Extension points for the controllers that join `serve` later: [`Shared::add_routes`] mounts
//! an async [`Handler`] on a path prefix (consulted before the built-in routes; it sees the
//! query, the headers and sets its own response headers — the dashboard is one),
//! [`metrics::Metrics::describe`] registers series, and [`Shared::is_leader`] gates
//! leader-only work.

pub mod api;
pub mod approvals;
pub mod dashboard;
pub mod hooks;
pub mod lease;
pub mod metrics;
pub mod notify;
pub mod schedule;
mod server;
pub mod targetapp;
mod watch;

pub use server::{Handler, HttpRequest, HttpResponse, http, metrics_http};
pub use watch::{diagnose_loop, reflect};

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::{Value, json};

use crate::cluster::Inventory;
use crate::workflow::Workflow;

/// How a workflow run is started (the front-end runs the same `workflow run` the CLI has).
pub trait Launcher {
    /// Runs `workflow` with `params`; returns its outcome word (`ok`, `refused`, `failed`…).
    /// `started_by`: the person who started it (the dashboard's signed-in user), for the
    /// run's audit record; `None` for alerts, Flux events and schedules.
    fn launch(
        &self,
        workflow: &str,
        params: &BTreeMap<String, String>,
        started_by: Option<&str>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = String>>>;
}

/// Settings of one `serve` process.
pub struct Settings {
    /// Bearer token the hooks require (`None` disables the hooks: they answer 503).
    pub hook_token: Option<String>,
    /// Largest hook body accepted.
    pub max_body: usize,
    /// Hook requests per second (token bucket, burst of twice that).
    pub hook_rate: f64,
    pub debounce: Duration,
    pub workflows: Vec<Workflow>,
    pub notifier: notify::Notifier,
    /// Suppression rules of the ignore files (annotations are read from the objects).
    pub ignore: Vec<crate::suppress::Rule>,
    /// Where users reach this serve (`--external-url`): approval messages link to
    /// `<url>/ui/pending/<ns>/<id>` (the dashboard).
    pub external_url: Option<String>,
}

/// A run `serve` started.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Run {
    pub workflow: String,
    pub trigger: String,
    pub params: BTreeMap<String, String>,
    /// `running`, then the launcher's outcome.
    pub outcome: String,
    /// Who started it (the dashboard's signed-in user); absent for alerts, Flux, schedules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_by: Option<String>,
}

/// How many runs `/api/runs` and the dashboard remember.
pub const MAX_RUNS: usize = 200;

/// An alert serve received, kept for the dashboard's Status view (the newest
/// [`RECENT_ALERTS`]): what it was and what serve did with it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReceivedAlert {
    /// The `alertname` label.
    pub name: String,
    /// The `severity` label ("" when absent).
    pub severity: String,
    /// `firing` or `resolved`.
    pub status: String,
    /// Its labels, values through the redactor (a label named like a credential is masked).
    pub labels: BTreeMap<String, String>,
    /// RFC 3339, when serve received it.
    pub received_at: String,
    /// The workflows it started.
    pub started: Vec<String>,
    /// What became of it when it started nothing: `no workflow matched`, `already running`,
    /// `not firing`, or the parameter problem.
    pub note: String,
}

/// Received alerts kept (oldest dropped first).
pub const RECENT_ALERTS: usize = 50;

/// (namespace, name) → object, for one kind.
/// Shared (`Arc`): each diagnosis pass builds its inventory from pointers, not a second copy
/// of every object (that copy doubled the peak memory of a pass).
type ByName = BTreeMap<(Option<String>, String), std::sync::Arc<Value>>;

/// State shared by the tasks of one process (single-threaded: `Rc`/`RefCell`).
pub struct Shared {
    pub settings: Settings,
    pub metrics: metrics::Metrics,
    /// kind → (namespace, name) → object.
    objects: RefCell<BTreeMap<String, ByName>>,
    /// Kinds whose initial list has completed.
    synced: RefCell<BTreeSet<String>>,
    /// Kinds being watched.
    pub watched: RefCell<Vec<String>>,
    findings: RefCell<Value>,
    changed: tokio::sync::Notify,
    leader: std::cell::Cell<bool>,
    /// Alert group keys with a run in flight (a replay does not start a second run).
    in_flight: RefCell<BTreeSet<String>>,
    /// Set on shutdown: the approval executor starts nothing new.
    stopping: std::cell::Cell<bool>,
    /// True while the approval executor runs an approved request (shutdown waits for it).
    executing: std::cell::Cell<bool>,
    /// The most recent [`MAX_RUNS`] runs, oldest first (a long-running serve starts runs
    /// forever; older ones are in the audit log).
    pub runs: RefCell<VecDeque<Run>>,
    /// Runs dropped from the front of `runs` so far: run number `n` sits at `n - dropped`.
    runs_dropped: std::cell::Cell<u64>,
    /// The newest [`RECENT_ALERTS`] alerts received, oldest first.
    pub alerts: RefCell<std::collections::VecDeque<ReceivedAlert>>,
    bucket: RefCell<(f64, Instant)>,
    /// Path prefix → handler ([`Shared::add_routes`]).
    extra_routes: RefCell<Vec<(String, Rc<dyn Handler>)>>,
    /// The `status` overview of the last diagnosis pass (the dashboard's Status view).
    pub overview: RefCell<Option<crate::status::Status>>,
    /// Kinds not read, with why (denied by RBAC, or Secrets in-cluster): their checks are
    /// reported "not checked", never healthy.
    not_checked: RefCell<BTreeMap<String, String>>,
}

impl Shared {
    pub fn new(settings: Settings) -> Rc<Self> {
        let rate = settings.hook_rate;
        Rc::new(Self {
            settings,
            metrics: metrics::Metrics::new(),
            objects: RefCell::default(),
            synced: RefCell::default(),
            watched: RefCell::default(),
            findings: RefCell::new(json!({"synced": false, "findings": []})),
            changed: tokio::sync::Notify::new(),
            leader: std::cell::Cell::new(false),
            in_flight: RefCell::default(),
            stopping: std::cell::Cell::new(false),
            executing: std::cell::Cell::new(false),
            runs: RefCell::default(),
            runs_dropped: std::cell::Cell::new(0),
            alerts: RefCell::default(),
            bucket: RefCell::new((rate * 2.0, Instant::now())),
            extra_routes: RefCell::default(),
            overview: RefCell::default(),
            not_checked: RefCell::default(),
        })
    }

    /// Mounts `handler` on `prefix` (`/ui` serves `/ui` and `/ui/…`; `""` every path), before
    /// the built-in routes; the first prefix added that matches wins.
    pub fn add_routes(&self, prefix: &str, handler: Rc<dyn Handler>) {
        self.extra_routes
            .borrow_mut()
            .push((prefix.trim_end_matches('/').to_string(), handler));
    }

    fn extra_route(&self, path: &str) -> Option<Rc<dyn Handler>> {
        self.extra_routes
            .borrow()
            .iter()
            .find(|(p, _)| {
                path.strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .map(|(_, h)| h.clone())
    }

    /// Stops the approval executor from starting another request and waits, at most
    /// `limit`, for the one it runs to finish and record its outcome (a rolling update must
    /// not leave an approved exec half-run, its request `Executing` and its audit without an
    /// outcome). True when nothing was left running.
    pub async fn stop_executing(&self, limit: std::time::Duration) -> bool {
        self.stopping.set(true);
        let end = Instant::now() + limit;
        while self.executing.get() && Instant::now() < end {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        !self.executing.get()
    }

    pub fn is_leader(&self) -> bool {
        self.leader.get()
    }

    pub fn set_leader(&self, yes: bool) {
        self.leader.set(yes);
        self.metrics
            .set("kubectl_claude_leader", &[], if yes { 1.0 } else { 0.0 });
    }

    /// True once every watched kind has been listed.
    pub fn ready(&self) -> bool {
        let w = self.watched.borrow();
        !w.is_empty() && w.iter().all(|k| self.synced.borrow().contains(k))
    }

    /// Records a kind that is not read: its recipes' checks say "not checked".
    pub fn skip_kind(&self, kind: &str, reason: &str) {
        self.not_checked
            .borrow_mut()
            .insert(kind.to_string(), reason.to_string());
        self.metrics
            .set("kubectl_claude_kinds_not_checked", &[("kind", kind)], 1.0);
    }

    /// The in-memory inventory (what `diagnose` would have listed).
    pub fn inventory(&self) -> Inventory {
        let mut inv = Inventory::new();
        for k in self.watched.borrow().iter() {
            inv.mark_served(k);
        }
        for (kind, reason) in self.not_checked.borrow().iter() {
            inv.mark_served(kind);
            inv.skipped.push(crate::cluster::SkippedKind {
                kind: kind.clone(),
                reason: crate::cluster::SkipReason::Unreadable(reason.clone()),
            });
        }
        for m in self.objects.borrow().values() {
            for o in m.values() {
                inv.insert_shared(o.clone());
            }
        }
        inv
    }

    /// True once `kind`'s initial list has arrived (before it, "no objects" means "not known
    /// yet", not "none").
    pub fn is_synced(&self, kind: &str) -> bool {
        self.synced.borrow().contains(kind)
    }

    /// Why `kind` is not read (RBAC denies it, or Secrets in-cluster), if it is not.
    pub fn not_read(&self, kind: &str) -> Option<String> {
        self.not_checked.borrow().get(kind).cloned()
    }

    /// The objects of `kind` in `namespace` (every namespace when `None`) that `keep`
    /// accepts, as shared pointers: the filter runs on the stored objects, so a poll over a
    /// few pods of a 4,000-pod cluster copies nothing but the pointers it returns.
    pub fn select(
        &self,
        kind: &str,
        namespace: Option<&str>,
        keep: impl Fn(&Value) -> bool,
    ) -> Vec<std::sync::Arc<Value>> {
        let objects = self.objects.borrow();
        let Some(m) = objects.get(kind) else {
            return Vec::new();
        };
        let pick = |(_, o): (_, &std::sync::Arc<Value>)| keep(o).then(|| o.clone());
        match namespace {
            // Keys sort by namespace first: one range covers the namespace.
            Some(ns) => m
                .range((Some(ns.to_string()), String::new())..)
                .take_while(|((n, _), _)| n.as_deref() == Some(ns))
                .filter_map(pick)
                .collect(),
            None => m.iter().filter_map(pick).collect(),
        }
    }

    /// One watched object by namespace and name.
    pub fn object(
        &self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<std::sync::Arc<Value>> {
        self.objects
            .borrow()
            .get(kind)?
            .get(&(namespace.map(str::to_string), name.to_string()))
            .cloned()
    }

    /// The (namespace, name) of every watched object of `kind`.
    pub fn keys_of(&self, kind: &str) -> Vec<(Option<String>, String)> {
        self.objects
            .borrow()
            .get(kind)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Records a new run (dropping the oldest past [`MAX_RUNS`]); returns its number for
    /// [`Shared::finish_run`].
    fn record_run(&self, run: Run) -> u64 {
        let mut runs = self.runs.borrow_mut();
        runs.push_back(run);
        while runs.len() > MAX_RUNS {
            runs.pop_front();
            self.runs_dropped.set(self.runs_dropped.get() + 1);
        }
        self.runs_dropped.get() + runs.len() as u64 - 1
    }

    /// Sets run `n`'s outcome (nothing when it was already dropped).
    fn finish_run(&self, n: u64, outcome: String) {
        if let Some(i) = n.checked_sub(self.runs_dropped.get())
            && let Some(r) = self.runs.borrow_mut().get_mut(i as usize)
        {
            r.outcome = outcome;
        }
    }

    /// The watched objects of one kind.
    pub fn objects_of(&self, kind: &str) -> Vec<Value> {
        self.objects
            .borrow()
            .get(kind)
            .map(|m| m.values().map(|v| Value::clone(v)).collect())
            .unwrap_or_default()
    }

    pub fn findings(&self) -> Value {
        self.findings.borrow().clone()
    }

    fn take_token(&self) -> bool {
        let mut b = self.bucket.borrow_mut();
        let rate = self.settings.hook_rate;
        let now = Instant::now();
        let refill = now.duration_since(b.1).as_secs_f64() * rate;
        b.0 = (b.0 + refill).min(rate * 2.0);
        b.1 = now;
        if b.0 >= 1.0 {
            b.0 -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A finding's stable identity across passes: its id and object (notifications deduplicate
/// by it).
pub fn fingerprint(id: &str, o: &crate::cluster::ObjRef) -> String {
    use sha2::Digest;
    let text = format!(
        "{id}|{}|{}|{}|{}",
        o.api_version,
        o.kind,
        o.namespace.as_deref().unwrap_or(""),
        o.name
    );
    let h = sha2::Sha256::digest(text.as_bytes());
    h.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

// ------------------------------------------------------------------------------ HTTP

/// An HTTP answer.
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

fn answer(status: u16, v: &Value) -> Answer {
    Answer {
        status,
        content_type: "application/json",
        body: v.to_string(),
    }
}

fn error(status: u16, msg: &str) -> Answer {
    answer(status, &json!({"error": msg}))
}

/// A request as the router sees it (the body already size-checked).
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub authorization: Option<&'a str>,
    pub body: &'a [u8],
}

/// Routes one request. Reads (`/healthz`, `/readyz`, `/metrics`, `/api/…`) answer on every
/// replica; hooks start runs only on the leader (followers answer 503 so Alertmanager retries
/// against the leader through the Service).
pub fn route(shared: &Rc<Shared>, launcher: &Rc<dyn Launcher>, req: &Request<'_>) -> Answer {
    match (req.method, req.path) {
        ("GET", "/healthz") => Answer {
            status: 200,
            content_type: "text/plain",
            body: "ok\n".into(),
        },
        ("GET", "/readyz") if shared.ready() => Answer {
            status: 200,
            content_type: "text/plain",
            body: "ok\n".into(),
        },
        ("GET", "/readyz") => Answer {
            status: 503,
            content_type: "text/plain",
            body: "inventory not synced yet\n".into(),
        },
        ("GET", "/metrics") => Answer {
            status: 200,
            content_type: "text/plain; version=0.0.4",
            body: shared.metrics.render(),
        },
        ("GET", "/api/findings") => answer(200, &shared.findings()),
        ("GET", "/api/runs") => answer(200, &json!(&*shared.runs.borrow())),
        ("GET", "/api/leader") => answer(200, &json!({"leader": shared.is_leader()})),
        ("POST", "/hooks/alertmanager") | ("POST", "/hooks/flux") => {
            let hook = req.path.trim_start_matches("/hooks/");
            let a = hook_answer(shared, launcher, hook, req);
            shared.metrics.add(
                "kubectl_claude_hook_requests_total",
                &[("hook", hook), ("code", &a.status.to_string())],
                1.0,
            );
            a
        }
        (_, "/hooks/alertmanager" | "/hooks/flux") => error(405, "use POST"),
        _ => error(404, "not found"),
    }
}

/// Constant-time comparison, so the token cannot be guessed byte by byte from timings.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hook_answer(
    shared: &Rc<Shared>,
    launcher: &Rc<dyn Launcher>,
    hook: &str,
    req: &Request<'_>,
) -> Answer {
    let Some(token) = &shared.settings.hook_token else {
        return error(
            503,
            "hooks are disabled: serve was started without --hook-token-file",
        );
    };
    let given = req
        .authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same(given.as_bytes(), token.as_bytes()) {
        return error(401, "missing or wrong bearer token");
    }
    if !shared.take_token() {
        return error(429, "too many hook requests; retry later");
    }
    if !shared.is_leader() {
        return error(
            503,
            "not the leader; retry (the Service routes to the leader when it is ready)",
        );
    }
    match hook {
        "alertmanager" => match hooks::parse_alertmanager(req.body) {
            Ok(p) => alert_runs(shared, launcher, &p),
            Err(e) => error(400, &e),
        },
        _ => match hooks::parse_flux(req.body) {
            Ok(ev) => {
                // Flux events of failing objects start the flux-troubleshoot workflow for
                // their namespace.
                if ev.severity != "error" {
                    return answer(202, &json!({"started": []}));
                }
                let params = BTreeMap::from([(
                    "namespace".to_string(),
                    ev.involved_object.namespace.clone(),
                )]);
                let key = format!(
                    "flux:{}/{}/{}",
                    ev.involved_object.kind, ev.involved_object.namespace, ev.involved_object.name
                );
                let started = start(shared, launcher, "flux-troubleshoot", "flux", key, params);
                answer(
                    202,
                    &json!({"started": started.then_some("flux-troubleshoot")}),
                )
            }
            Err(e) => error(400, &e),
        },
    }
}

fn alert_runs(
    shared: &Rc<Shared>,
    launcher: &Rc<dyn Launcher>,
    p: &hooks::AlertmanagerPayload,
) -> Answer {
    let mut started = Vec::new();
    let mut problems = Vec::new();
    // Per alert (by position): the workflows it started, and why others did not.
    let mut seen: Vec<(Vec<String>, Vec<String>)> = vec![(vec![], vec![]); p.alerts.len()];
    for wf in &shared.settings.workflows {
        for t in hooks::alert_triggers(wf) {
            for (i, alert) in p.alerts.iter().enumerate() {
                if alert.status != "firing" || !hooks::matches(t, alert) {
                    continue;
                }
                match hooks::bind_params(t, alert) {
                    Ok(params) => {
                        let key = format!("{}|{}|{}", p.group_key, wf.name, alert.fingerprint);
                        if start(shared, launcher, &wf.name, "alert", key, params.clone()) {
                            started.push(json!({"workflow": wf.name, "params": params}));
                            seen[i].0.push(wf.name.clone());
                        } else {
                            seen[i].1.push(format!("{}: already running", wf.name));
                        }
                    }
                    Err(e) => {
                        problems.push(format!("workflow {}: {e}", wf.name));
                        seen[i].1.push(format!("{}: {e}", wf.name));
                    }
                }
            }
        }
    }
    let received_at = jiff::Timestamp::now().to_string();
    let mut recent = shared.alerts.borrow_mut();
    for (alert, (started, why)) in p.alerts.iter().zip(seen) {
        let note = if !started.is_empty() {
            String::new()
        } else if alert.status != "firing" {
            "not firing".into()
        } else if why.is_empty() {
            "no workflow matched".into()
        } else {
            crate::redact::redact(&why.join("; "))
        };
        let labels = alert
            .labels
            .iter()
            .map(|(k, v)| {
                let v = if crate::redact::looks_secret(k) {
                    crate::redact::REDACTED.to_string()
                } else {
                    crate::redact::redact(v)
                };
                (k.clone(), v)
            })
            .collect();
        let labels: BTreeMap<String, String> = labels;
        let label = |k: &str| labels.get(k).cloned().unwrap_or_default();
        recent.push_back(ReceivedAlert {
            name: label("alertname"),
            severity: label("severity"),
            status: alert.status.clone(),
            labels: labels.clone(),
            received_at: received_at.clone(),
            started,
            note,
        });
        while recent.len() > RECENT_ALERTS {
            recent.pop_front();
        }
    }
    drop(recent);
    answer(
        202,
        &json!({"status": p.status, "started": started, "problems": problems}),
    )
}

/// Starts a run unless one with the same key is in flight; true when started.
pub fn start(
    shared: &Rc<Shared>,
    launcher: &Rc<dyn Launcher>,
    workflow: &str,
    trigger: &str,
    key: String,
    params: BTreeMap<String, String>,
) -> bool {
    start_by(shared, launcher, workflow, trigger, key, params, None)
}

/// [`start`] for a run a person started: `started_by` is kept on the run and passed to the
/// launcher (the run records it in the audit log); `trigger` stays a bounded word for the
/// metric label.
pub fn start_by(
    shared: &Rc<Shared>,
    launcher: &Rc<dyn Launcher>,
    workflow: &str,
    trigger: &str,
    key: String,
    params: BTreeMap<String, String>,
    started_by: Option<&str>,
) -> bool {
    if !shared.in_flight.borrow_mut().insert(key.clone()) {
        return false;
    }
    let idx = shared.record_run(Run {
        workflow: workflow.to_string(),
        trigger: trigger.to_string(),
        params: params.clone(),
        outcome: "running".into(),
        started_by: started_by.map(str::to_string),
    });
    let fut = launcher.launch(workflow, &params, started_by);
    let sh = shared.clone();
    let (wf, tr) = (workflow.to_string(), trigger.to_string());
    tokio::task::spawn_local(async move {
        let outcome = fut.await;
        sh.metrics.add(
            "kubectl_claude_workflow_runs_total",
            &[("workflow", &wf), ("trigger", &tr), ("outcome", &outcome)],
            1.0,
        );
        if tr == "schedule" {
            sh.metrics.add(
                "kubectl_claude_schedule_runs_total",
                &[("workflow", &wf), ("outcome", &outcome)],
                1.0,
            );
        }
        sh.finish_run(idx, outcome);
        sh.in_flight.borrow_mut().remove(&key);
    });
    true
}

#[cfg(test)]
mod tests;
