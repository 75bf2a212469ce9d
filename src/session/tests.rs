use super::*;
use crate::audit::AuditLog;
use crate::autonomy::{AutonomyConfig, Policy};
use serde_json::{Value, json};
use std::cell::RefCell;

/// One Deployment that can be changed behind the session's back; records executions.
struct OneDeployment {
    obj: RefCell<Value>,
    ran: RefCell<Vec<Action>>,
}

impl OneDeployment {
    fn new() -> Self {
        Self {
            obj: RefCell::new(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "shop"},
                "spec": {"replicas": 1}, "status": {"readyReplicas": 1}})),
            ran: RefCell::default(),
        }
    }
}

impl Executor for OneDeployment {
    fn context(&self) -> String {
        "kind-test".into()
    }
    async fn read(&self, _r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
        Ok(Some(self.obj.borrow().clone()))
    }
    async fn apply_preview(&self, m: &Value) -> Result<Option<Value>, cluster::Error> {
        Ok(Some(m.clone()))
    }
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
        self.ran.borrow_mut().push(action.clone());
        Ok(Value::Null)
    }
}

/// The approval queue: stores the request and defers.
#[derive(Default)]
struct Queue {
    stored: RefCell<Vec<ApprovalRequest>>,
}

impl Interaction for Queue {
    async fn confirm(&self, ask: &Ask<'_>) -> std::io::Result<Answer> {
        let id = format!("req-{}", self.stored.borrow().len() + 1);
        self.stored
            .borrow_mut()
            .push(ApprovalRequest::from_ask(&id, "kind-test", ask));
        Ok(Answer::Deferred { request: id })
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn asking() -> GateInput {
    GateInput {
        interactive: true,
        ..Default::default()
    }
}

fn gate<'a>(policy: &'a Policy, audit: &'a AuditLog, input: GateInput) -> Gate<'a> {
    Gate {
        policy,
        input,
        audit,
        now: "2026-11-22T10:00:00Z".parse().unwrap(),
    }
}

fn scale(replicas: i32) -> Action {
    Action::Scale {
        target: ObjRef::new("apps/v1", "Deployment", Some("shop"), "web"),
        replicas,
    }
}

/// Defers a scale to 3 through the queue; returns the stored request.
fn defer(policy: &Policy, audit: &AuditLog, exec: &OneDeployment) -> ApprovalRequest {
    let queue = Queue::default();
    let s = Session::new(gate(policy, audit, asking()), exec, &queue, Origin::Mcp).unwrap();
    let att = rt()
        .block_on(async { s.run(&s.propose(scale(3)).await.unwrap()).await })
        .unwrap();
    assert_eq!(att.approval, Approval::Deferred);
    assert_eq!(att.outcome, Outcome::Skipped);
    assert_eq!(att.request.as_deref(), Some("req-1"));
    assert!(exec.ran.borrow().is_empty(), "a deferred action ran");
    let req = queue.stored.borrow()[0].clone();
    // What the approver is shown is the change itself.
    assert!(
        req.steps[0].preview.diff.contains("+  replicas: 3"),
        "{req:?}"
    );
    req
}

#[test]
fn a_deferred_ask_runs_nothing_and_the_audit_says_it_waits() {
    let d = tempfile::tempdir().unwrap();
    let audit = AuditLog::new(d.path().join("a"), "kind-test");
    let policy = Policy::default();
    let exec = OneDeployment::new();
    defer(&policy, &audit, &exec);
    let recs = crate::audit::read(&d.path().join("a")).unwrap();
    assert_eq!(recs.len(), 2);
    assert!(recs.iter().all(|r| r.approval == Approval::Deferred
        && r.request.as_deref() == Some("req-1")
        && r.origin == "mcp"));
    assert_eq!(recs[1].outcome, Some(Outcome::Skipped));
}

#[test]
fn an_approved_request_runs_once_with_its_approver() {
    let d = tempfile::tempdir().unwrap();
    let audit = AuditLog::new(d.path().join("a"), "kind-test");
    let policy = Policy::default();
    let exec = OneDeployment::new();
    let req = defer(&policy, &audit, &exec);
    // The request survives storage (a Kubernetes object's spec).
    let req: ApprovalRequest = serde_json::from_value(serde_json::to_value(&req).unwrap()).unwrap();
    // Later, another process: a session that can ask nobody.
    let s = Session::new(
        gate(&policy, &audit, GateInput::default()),
        &exec,
        &Unattended,
        Origin::Mcp,
    )
    .unwrap();
    // Only the status moved meanwhile: the change still applies as shown.
    exec.obj.borrow_mut()["status"]["readyReplicas"] = json!(0);
    let atts = rt()
        .block_on(s.execute_approved(&req, Some("alice")))
        .unwrap();
    assert_eq!(atts[0].approval, Approval::ApprovalRequest);
    assert_eq!(atts[0].outcome, Outcome::Ok);
    assert_eq!(exec.ran.borrow().as_slice(), &[scale(3)]);
    let recs = crate::audit::read(&d.path().join("a")).unwrap();
    let last = recs.last().unwrap();
    assert_eq!(last.approval, Approval::ApprovalRequest);
    assert_eq!(last.approver.as_deref(), Some("alice"));
    assert_eq!(last.request.as_deref(), Some("req-1"));
    // Runs once.
    let again = rt().block_on(s.execute_approved(&req, Some("alice")));
    assert!(
        matches!(again, Err(Error::AlreadyExecuted { .. })),
        "{again:?}"
    );
    assert_eq!(exec.ran.borrow().len(), 1);
}

#[test]
fn a_request_whose_object_changed_is_refused_as_stale() {
    let d = tempfile::tempdir().unwrap();
    let audit = AuditLog::new(d.path().join("a"), "kind-test");
    let policy = Policy::default();
    let exec = OneDeployment::new();
    let req = defer(&policy, &audit, &exec);
    // Someone scaled it meanwhile: "1 → 3" is no longer what would happen.
    exec.obj.borrow_mut()["spec"]["replicas"] = json!(2);
    let s = Session::new(
        gate(&policy, &audit, asking()),
        &exec,
        &Unattended,
        Origin::Mcp,
    )
    .unwrap();
    let atts = rt()
        .block_on(s.execute_approved(&req, Some("bob")))
        .unwrap();
    assert_eq!(atts[0].approval, Approval::RefusedStale);
    assert_eq!(atts[0].refusal, Some(Refusal::Stale));
    assert!(exec.ran.borrow().is_empty());
    let recs = crate::audit::read(&d.path().join("a")).unwrap();
    assert_eq!(recs.last().unwrap().approval, Approval::RefusedStale);
}

#[test]
fn an_approved_request_is_judged_by_todays_policy_and_context() {
    let d = tempfile::tempdir().unwrap();
    let audit = AuditLog::new(d.path().join("a"), "kind-test");
    let exec = OneDeployment::new();
    let req = defer(&Policy::default(), &audit, &exec);
    let stricter = Policy::new(AutonomyConfig {
        forbidden_actions: vec!["scale".into()],
        ..Default::default()
    });
    let s = Session::new(
        gate(&stricter, &audit, asking()),
        &exec,
        &Unattended,
        Origin::Mcp,
    )
    .unwrap();
    let atts = rt().block_on(s.execute_approved(&req, None)).unwrap();
    assert_eq!(atts[0].approval, Approval::RefusedForbidden);
    assert!(exec.ran.borrow().is_empty());
    let mut other = req.clone();
    other.context = "prod".into();
    let r = rt().block_on(s.execute_approved(&other, None));
    assert!(matches!(r, Err(Error::WrongContext { .. })), "{r:?}");
}

#[test]
fn a_snapshot_session_only_previews_and_refuses_approval_up_front() {
    let d = tempfile::tempdir().unwrap();
    let audit = AuditLog::new(d.path().join("a"), "snap");
    let policy = Policy::default();
    let snap = cluster::ClusterView::Snapshot(cluster::snapshot::SnapshotCluster::empty("x"));
    let yes = GateInput {
        yes: true,
        ..Default::default()
    };
    let r = Session::new(gate(&policy, &audit, yes), &snap, &Unattended, Origin::User);
    assert!(matches!(r, Err(Error::SnapshotCannotChange)));
    let s = Session::new(
        gate(&policy, &audit, asking()),
        &snap,
        &Unattended,
        Origin::User,
    )
    .unwrap();
    assert!(s.gate().input.dry_run && s.snapshot_preview());
    let suggest = GateInput {
        suggest_only: true,
        ..Default::default()
    };
    let s = Session::new(
        gate(&policy, &audit, suggest),
        &snap,
        &Unattended,
        Origin::User,
    )
    .unwrap();
    assert!(s.gate().input.suggest_only && !s.gate().input.dry_run);
    // A front-end that names one change must ask for the preview itself.
    let r = Session::with_snapshot_rule(
        gate(&policy, &audit, asking()),
        &snap,
        &Unattended,
        Origin::User,
        OnSnapshot::NeedsPreviewFlag,
    );
    assert!(
        matches!(r, Err(Error::SnapshotNeedsPreview)),
        "{:?}",
        r.err()
    );
    let dry = GateInput {
        dry_run: true,
        ..Default::default()
    };
    let s = Session::with_snapshot_rule(
        gate(&policy, &audit, dry),
        &snap,
        &Unattended,
        Origin::User,
        OnSnapshot::NeedsPreviewFlag,
    )
    .unwrap();
    assert!(s.gate().input.dry_run);
    // The early check says the same as the session, without a session.
    assert!(snapshot_check(true, &asking(), OnSnapshot::Preview).unwrap());
    assert!(!snapshot_check(true, &suggest, OnSnapshot::NeedsPreviewFlag).unwrap());
    assert!(matches!(
        snapshot_check(true, &yes, OnSnapshot::Preview),
        Err(Error::SnapshotCannotChange)
    ));
    assert!(!snapshot_check(false, &yes, OnSnapshot::NeedsPreviewFlag).unwrap());
    // A live executor keeps its input.
    let exec = OneDeployment::new();
    let s = Session::new(gate(&policy, &audit, yes), &exec, &Unattended, Origin::User).unwrap();
    assert!(s.gate().input.yes && !s.gate().input.dry_run);
}

#[test]
fn origins_round_trip_through_their_audit_spelling() {
    for o in [
        Origin::User,
        Origin::Llm,
        Origin::Mcp,
        Origin::Recipe("workloads".into()),
        Origin::Workflow("nightly".into()),
        Origin::Trigger("alertmanager".into()),
    ] {
        assert_eq!(o.to_string().parse::<Origin>().unwrap(), o);
    }
    assert!("robot".parse::<Origin>().is_err());
}
