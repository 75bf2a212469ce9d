//! The approval queue: a confirm-tier change `serve` proposed, stored as an `ApprovalRequest`
//! object (`kubectl-claude.io/v1alpha1`, the CRD in `deploy/base`). The spec holds the
//! session's [`ApprovalRequest`] (typed actions, the diff shown at proposal time), origin,
//! rationale, requester and expiry; the status holds the decision and what became of it.
//! Phases: `Pending` → `Approved` | `Rejected` | `Expired`; `Approved` → `Executing` →
//! `Executed` | `Refused` | `Failed`.

use serde_json::{Value, json};

use crate::gate::{Answer, Ask, Interaction};
use crate::session::ApprovalRequest;

pub const GROUP: &str = "kubectl-claude.io";
pub const VERSION: &str = "v1alpha1";
pub const KIND: &str = "ApprovalRequest";
pub const PLURAL: &str = "approvalrequests";

pub fn collection(ns: &str) -> String {
    format!("/apis/{GROUP}/{VERSION}/namespaces/{ns}/{PLURAL}")
}

/// The object for a deferred ask.
pub fn object(
    req: &ApprovalRequest,
    ns: &str,
    origin: &str,
    requester: &str,
    expires: jiff::Timestamp,
) -> Value {
    let rationale: Vec<String> = req
        .steps
        .iter()
        .filter_map(|s| s.proposed.rationale.clone())
        .collect();
    json!({
        "apiVersion": format!("{GROUP}/{VERSION}"),
        "kind": KIND,
        "metadata": {"name": req.id, "namespace": ns},
        "spec": {
            "request": req,
            "origin": origin,
            "rationale": rationale.join("; "),
            "requester": requester,
            "expiresAt": expires.to_string(),
        },
        "status": {"phase": "Pending"},
    })
}

/// The session request inside an object.
pub fn request_of(obj: &Value) -> Result<ApprovalRequest, String> {
    serde_json::from_value(obj.pointer("/spec/request").cloned().unwrap_or_default())
        .map_err(|e| format!("approval request {}: spec.request: {e}", name_of(obj)))
}

pub fn name_of(obj: &Value) -> &str {
    obj.pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn phase_of(obj: &Value) -> &str {
    obj.pointer("/status/phase")
        .and_then(Value::as_str)
        .unwrap_or("Pending")
}

pub fn expired(obj: &Value, now: jiff::Timestamp) -> bool {
    obj.pointer("/spec/expiresAt")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .is_some_and(|t| t <= now)
}

/// How long past its expiry an approval made in time may still be run: the executor runs
/// one request at a time and an exec can take minutes, but `decidedAt` is the approver's
/// clock and serve may have had no leader, so the wait is bounded by serve's own clock.
pub const APPROVED_GRACE: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// True when an Approved request must not run: decided after it expired, or (whatever
/// `decidedAt` says) more than [`APPROVED_GRACE`] past its expiry by `now`; without a
/// `decidedAt`, when it has expired by `now`.
pub fn approved_too_late(obj: &Value, now: jiff::Timestamp) -> bool {
    let at = |p: &str| {
        obj.pointer(p)
            .and_then(Value::as_str)
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
    };
    match (at("/status/decidedAt"), at("/spec/expiresAt")) {
        (Some(decided), Some(expires)) => {
            decided > expires
                || expires
                    .checked_add(APPROVED_GRACE)
                    .is_ok_and(|last| now > last)
        }
        _ => expired(obj, now),
    }
}

/// Why a status write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The object's `resourceVersion` is not the one the write was based on: someone else
    /// (another approver, the expiry sweep, another replica) wrote first.
    #[error(
        "approval request {ns}/{name} changed since it was read (HTTP 409 Conflict); nothing was changed"
    )]
    Conflict { ns: String, name: String },
    #[error(
        "approval request {ns}/{name}: forbidden (HTTP 403): RBAC does not allow you to patch approvalrequests/status in namespace {ns}; nothing was changed"
    )]
    Forbidden { ns: String, name: String },
    #[error("approval request {ns}/{name}: setting its status: {message}")]
    Failed {
        ns: String,
        name: String,
        message: String,
    },
}

/// Sets the status (merge patch of the status subresource). With `resource_version` the
/// patch carries it as a precondition, so the API server refuses (409) a write based on a
/// version someone else already replaced: a decision is made once.
pub async fn set_status(
    client: &kube::Client,
    ns: &str,
    name: &str,
    resource_version: Option<&str>,
    status: Value,
) -> Result<(), StatusError> {
    let path = format!("{}/{name}/status", collection(ns));
    let mut body = json!({"status": status});
    if let Some(rv) = resource_version {
        body["metadata"] = json!({"resourceVersion": rv});
    }
    let failed = |message: String| StatusError::Failed {
        ns: ns.to_string(),
        name: name.to_string(),
        message,
    };
    let (code, _) = super::api::request_as(
        client,
        http::Method::PATCH,
        &path,
        "application/merge-patch+json",
        Some(&body),
    )
    .await
    .map_err(failed)?;
    match code {
        200 | 201 => Ok(()),
        409 => Err(StatusError::Conflict {
            ns: ns.to_string(),
            name: name.to_string(),
        }),
        403 => Err(StatusError::Forbidden {
            ns: ns.to_string(),
            name: name.to_string(),
        }),
        c => Err(failed(format!("HTTP {c}"))),
    }
}

/// The object's `metadata.resourceVersion`, when it has one.
pub fn resource_version_of(obj: &Value) -> Option<&str> {
    obj.pointer("/metadata/resourceVersion")
        .and_then(Value::as_str)
}

/// Who closed a request that is no longer pending: its approver, else the expiry sweep.
fn decided_by(obj: &Value) -> String {
    match obj.pointer("/status/approver").and_then(Value::as_str) {
        Some(a) => a.to_string(),
        None if phase_of(obj) == "Expired" => "the expiry sweep".into(),
        None => "serve".into(),
    }
}

/// Why a decision was not written.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("approval request {ns}/{name} does not exist")]
    NotFound { ns: String, name: String },
    #[error(
        "approval request {name} was already decided by {by} (now {phase}): only a pending request can be {word}; nothing was changed"
    )]
    AlreadyDecided {
        name: String,
        by: String,
        phase: String,
        word: &'static str,
    },
    #[error("approval request {name} expired at {at}; it will not run")]
    Expired { name: String, at: String },
    #[error("approval request {ns}/{name}: {message}")]
    Read {
        ns: String,
        name: String,
        message: String,
    },
    #[error(transparent)]
    Status(#[from] StatusError),
}

async fn get(client: &kube::Client, ns: &str, name: &str) -> Result<Option<Value>, DecideError> {
    let path = format!("{}/{name}", collection(ns));
    let read = |message: String| DecideError::Read {
        ns: ns.to_string(),
        name: name.to_string(),
        message,
    };
    let (code, v) = super::api::request(client, http::Method::GET, &path, None)
        .await
        .map_err(read)?;
    match code {
        200 => Ok(Some(v)),
        404 => Ok(None),
        c => Err(read(format!(
            "HTTP {c}: {}",
            v["message"].as_str().unwrap_or("")
        ))),
    }
}

/// Approves or rejects a pending request as `approver` — the one path of `kubectl claude
/// approvals approve|reject` and the dashboard: read it, refuse unless it is pending and not
/// expired, then write the decision conditioned on the version read. When someone decided
/// first (409), the answer names them.
pub async fn decide(
    client: &kube::Client,
    ns: &str,
    name: &str,
    approve: bool,
    approver: &str,
    now: jiff::Timestamp,
) -> Result<(), DecideError> {
    let word = if approve { "approved" } else { "rejected" };
    let not_found = || DecideError::NotFound {
        ns: ns.to_string(),
        name: name.to_string(),
    };
    let o = get(client, ns, name).await?.ok_or_else(not_found)?;
    let already = |o: &Value| DecideError::AlreadyDecided {
        name: name.to_string(),
        by: decided_by(o),
        phase: phase_of(o).to_string(),
        word,
    };
    if phase_of(&o) != "Pending" {
        return Err(already(&o));
    }
    if expired(&o, now) {
        return Err(DecideError::Expired {
            name: name.to_string(),
            at: o
                .pointer("/spec/expiresAt")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string(),
        });
    }
    let status = json!({
        "phase": if approve { "Approved" } else { "Rejected" },
        "approver": approver,
        "decidedAt": now.to_string(),
    });
    match set_status(client, ns, name, resource_version_of(&o), status).await {
        Ok(()) => Ok(()),
        Err(e @ StatusError::Conflict { .. }) => match get(client, ns, name).await? {
            Some(now_o) if phase_of(&now_o) != "Pending" => Err(already(&now_o)),
            Some(_) => Err(e.into()),
            None => Err(not_found()),
        },
        Err(e) => Err(e.into()),
    }
}

/// The human of a `serve` run: every confirm-tier ask becomes a pending request.
pub struct Queue {
    pub client: kube::Client,
    pub namespace: String,
    pub context: String,
    pub origin: String,
    pub requester: String,
    pub ttl: std::time::Duration,
}

impl Interaction for Queue {
    async fn confirm(&self, ask: &Ask<'_>) -> std::io::Result<Answer> {
        use sha2::Digest;
        let seed = format!(
            "{}|{}|{:?}",
            ask.at,
            self.origin,
            ask.steps.first().map(|s| &s.0.action)
        );
        let h = sha2::Sha256::digest(seed.as_bytes());
        let id = format!(
            "apr-{}",
            h.iter()
                .take(5)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let req = ApprovalRequest::from_ask(id.clone(), self.context.clone(), ask);
        let expires = ask
            .at
            .checked_add(jiff::SignedDuration::try_from(self.ttl).unwrap_or_default())
            .unwrap_or(ask.at);
        let obj = object(
            &req,
            &self.namespace,
            &self.origin,
            &self.requester,
            expires,
        );
        let (code, body) = super::api::request(
            &self.client,
            http::Method::POST,
            &collection(&self.namespace),
            Some(&obj),
        )
        .await
        .map_err(std::io::Error::other)?;
        if !(200..300).contains(&code) {
            // Not queued: fail closed (declined), and say why.
            return Err(std::io::Error::other(format!(
                "queueing approval request {id}: HTTP {code}: {body}"
            )));
        }
        Ok(Answer::Deferred { request: id })
    }
}

/// What the executor needs: the cluster, the policy and the audit log.
pub struct Executor {
    pub client: kube::Client,
    pub view: crate::cluster::ClusterView,
    pub policy: crate::autonomy::Policy,
    pub audit: crate::audit::AuditLog,
    /// The front-end's clock at start (a test clock in tests); now = this + time elapsed.
    pub clock: (jiff::Timestamp, std::time::Instant),
}

impl Executor {
    fn now(&self) -> jiff::Timestamp {
        let took = jiff::SignedDuration::try_from(self.clock.1.elapsed()).unwrap_or_default();
        self.clock.0.checked_add(took).unwrap_or(self.clock.0)
    }
}

/// Leader-only, every `every`: closes expired pending requests and executes approved ones
/// once (status `Executing` is written before anything is sent; the session refuses a request
/// whose target changed since it was shown, and one the audit log says already ran).
pub async fn execute_loop(
    shared: std::rc::Rc<super::Shared>,
    exec: Executor,
    every: std::time::Duration,
) {
    loop {
        tokio::time::sleep(every).await;
        if !shared.is_leader() {
            continue;
        }
        let now = exec.now();
        // Only pending requests can be announced: the notifier forgets the others.
        let mut pending = std::collections::BTreeSet::new();
        for obj in shared.objects_of(KIND) {
            if phase_of(&obj) == "Pending" {
                pending.insert(name_of(&obj).to_string());
            }
            let ns = obj
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let name = name_of(&obj).to_string();
            match phase_of(&obj) {
                "Pending" if !expired(&obj, now) && shared.settings.notifier.enabled() => {
                    let notice = notice(&obj, shared.settings.external_url.as_deref());
                    let sh = shared.clone();
                    tokio::task::spawn_local(async move {
                        if let Some(failed) = sh.settings.notifier.send_approval(&notice).await {
                            sh.metrics.add(
                                "kubectl_claude_notifications_total",
                                &[
                                    ("event", "approval"),
                                    ("outcome", if failed == 0 { "ok" } else { "error" }),
                                ],
                                1.0,
                            );
                        }
                    });
                }
                // Conditioned on the version seen: an approver who decided just before the
                // sweep wins (the sweep's write is refused), and vice versa.
                "Pending" if expired(&obj, now) => {
                    let wrote = set_status(
                        &exec.client,
                        &ns,
                        &name,
                        resource_version_of(&obj),
                        json!({"phase": "Expired", "decidedAt": now.to_string(),
                            "message": "expired before anyone approved it; not run"}),
                    )
                    .await;
                    // Counted once: a refused write (an approver won, or the cache lags
                    // behind our own earlier write) is not another expiry.
                    if wrote.is_ok() {
                        shared.metrics.add(
                            "kubectl_claude_approvals_total",
                            &[("outcome", "expired")],
                            1.0,
                        );
                    }
                }
                "Approved" if approved_too_late(&obj, now) => {
                    let _ = set_status(
                        &exec.client,
                        &ns,
                        &name,
                        resource_version_of(&obj),
                        json!({"phase": "Expired", "message": "approved after it expired; not run"}),
                    )
                    .await;
                }
                "Approved" if !shared.stopping.get() => {
                    let approver = obj
                        .pointer("/status/approver")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    // From the claim on, shutdown waits: a claim that lands must be run.
                    shared.executing.set(true);
                    // Claimed once: a second pass (or replica) holding the same version gets
                    // 409 and runs nothing.
                    if set_status(
                        &exec.client,
                        &ns,
                        &name,
                        resource_version_of(&obj),
                        json!({"phase": "Executing"}),
                    )
                    .await
                    .is_err()
                    {
                        shared.executing.set(false);
                        continue;
                    }
                    let (phase, message) =
                        execute_one(&exec, &obj, approver.as_deref(), &shared.metrics).await;
                    if phase == "Executed" {
                        for t in targets(&obj) {
                            let _ = event_on(&exec.client, &t, &name, &message, exec.now()).await;
                        }
                    }
                    shared.metrics.add(
                        "kubectl_claude_approvals_total",
                        &[("outcome", phase)],
                        1.0,
                    );
                    let _ = set_status(
                        &exec.client,
                        &ns,
                        &name,
                        None,
                        json!({"phase": phase, "message": message, "executedAt": exec.now().to_string()}),
                    )
                    .await;
                    shared.executing.set(false);
                }
                _ => {}
            }
        }
        shared.settings.notifier.keep_approvals(&pending);
    }
}

/// The message announcing a pending request.
pub fn notice(obj: &Value, external_url: Option<&str>) -> super::notify::ApprovalNotice {
    let id = name_of(obj).to_string();
    let ns = obj
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
        .unwrap_or("default")
        .to_string();
    let changes = request_of(obj)
        .map(|r| {
            r.steps
                .iter()
                .map(|s| {
                    format!(
                        "{} {}",
                        s.proposed.action.verb(),
                        s.proposed.action.target_display()
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let s = |p: &str| {
        obj.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    super::notify::ApprovalNotice {
        // The dashboard's one-request page (`/ui/pending/NS/ID`).
        url: external_url.map(|u| format!("{}/ui/pending/{ns}/{id}", u.trim_end_matches('/'))),
        command: format!("kubectl claude approvals approve {id} -n {ns}"),
        origin: s("/spec/origin"),
        expires_at: s("/spec/expiresAt"),
        changes,
        namespace: ns,
        id,
    }
}

async fn execute_one(
    exec: &Executor,
    obj: &Value,
    approver: Option<&str>,
    observer: &dyn crate::observe::Observer,
) -> (&'static str, String) {
    let req = match request_of(obj) {
        Ok(r) => r,
        Err(e) => return ("Failed", e),
    };
    let gate = crate::gate::Gate {
        policy: &exec.policy,
        input: crate::autonomy::GateInput {
            interactive: true,
            ..Default::default()
        },
        audit: &exec.audit,
        now: exec.now(),
    };
    let human = crate::session::Unattended;
    let session = match crate::session::Session::new(
        gate,
        &exec.view,
        &human,
        // The request's origin as proposed (`workflow:…`, `trigger:targetapp/…`); a bare
        // name from an older request is a workflow's.
        {
            let o = obj
                .pointer("/spec/origin")
                .and_then(Value::as_str)
                .unwrap_or("serve");
            o.parse()
                .unwrap_or_else(|_| crate::gate::Origin::Workflow(o.to_string()))
        },
    ) {
        Ok(s) => s,
        Err(e) => return ("Failed", e.to_string()),
    };
    let result = session.execute_approved(&req, approver).await;
    if let Ok(attempts) = &result {
        for a in attempts {
            observer.action(a);
        }
    }
    match result {
        Ok(attempts) if attempts.iter().all(|a| a.ran()) => (
            "Executed",
            format!("executed {} step(s), approved by {}", attempts.len(), approver.unwrap_or("?")),
        ),
        Ok(attempts) if attempts.iter().any(|a| a.refusal.is_some()) => (
            "Refused",
            "the target changed since the request was made: the plan no longer applies as shown; nothing was sent".into(),
        ),
        Ok(attempts) => (
            "Failed",
            attempts
                .iter()
                .filter_map(|a| a.error.as_ref().map(|e| e.to_string()))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Err(e) => ("Failed", e.to_string()),
    }
}

/// The objects a request acts on.
fn targets(obj: &Value) -> Vec<crate::cluster::ObjRef> {
    request_of(obj)
        .map(|r| {
            r.steps
                .iter()
                .filter_map(|s| s.proposed.action.target().cloned())
                .collect()
        })
        .unwrap_or_default()
}

/// A Kubernetes Event on the target of an executed action (`kubectl describe` shows it).
async fn event_on(
    client: &kube::Client,
    t: &crate::cluster::ObjRef,
    request: &str,
    message: &str,
    now: jiff::Timestamp,
) -> Result<(), String> {
    let ns = t.namespace.clone().unwrap_or_else(|| "default".into());
    let body = json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{}.{request}", t.name), "namespace": ns},
        "involvedObject": {"apiVersion": t.api_version, "kind": t.kind, "name": t.name, "namespace": t.namespace},
        "reason": "KubectlClaudeApprovedAction",
        "message": format!("approval request {request}: {message}"),
        "type": "Normal",
        "source": {"component": "kubectl-claude-serve"},
        "firstTimestamp": now.to_string(), "lastTimestamp": now.to_string(), "count": 1,
    });
    let (code, _) = super::api::request(
        client,
        http::Method::POST,
        &format!("/api/v1/namespaces/{ns}/events"),
        Some(&body),
    )
    .await?;
    if (200..300).contains(&code) {
        Ok(())
    } else {
        Err(format!("HTTP {code}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_approval_in_time_stays_valid_after_expiry() {
        let now: jiff::Timestamp = "2026-12-02T10:00:00Z".parse().unwrap();
        let req = |decided: Option<&str>| {
            let mut o = json!({"spec": {"expiresAt": "2026-12-02T09:00:00Z"},
                "status": {"phase": "Approved"}});
            if let Some(d) = decided {
                o["status"]["decidedAt"] = json!(d);
            }
            o
        };
        assert!(!approved_too_late(&req(Some("2026-12-02T08:59:00Z")), now));
        assert!(approved_too_late(&req(Some("2026-12-02T09:01:00Z")), now));
        assert!(
            approved_too_late(&req(None), now),
            "no decidedAt: the clock decides"
        );
        // An approval in time, but serve's clock is more than the grace past expiry.
        let late: jiff::Timestamp = "2026-12-02T10:00:01Z".parse().unwrap();
        assert!(approved_too_late(&req(Some("2026-12-02T08:59:00Z")), late));
    }
}
