//! Actions: a fired trigger's Warning Event, then its action — a webhook POST, or a typed
//! cluster action through the acting session (gate, approval queue, audit) — bounded by
//! `ACTION_EXECUTION_TIMEOUT`, and its outcome as an Event and metrics.

use std::time::Instant;

use serde_json::{Value, json};

use super::poll::Source;
use super::{Controller, TargetState, str_at};
use crate::autonomy::{Approval, Refusal, WorkflowAutonomy};
use crate::targetapp::{self as ta, LogLevel, Planned};

impl Controller {
    /// A trigger fired: a Warning Event, then its action (one at a time: the caller awaits).
    pub(super) async fn fire(
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
        let mut planned = ta::plan_action(a, ns, s.pod.as_deref());
        // An exec keeps its budget when it waits in the approval queue and runs later.
        if let Ok(Planned::Cluster(crate::action::Action::Exec {
            timeout_seconds, ..
        })) = &mut planned
        {
            *timeout_seconds = Some(self.cfg.action_execution_timeout.as_secs().max(1));
        }
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
        let queue = super::super::approvals::Queue {
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
