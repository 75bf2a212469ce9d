//! The gate runner: every action `act`, `fix` and workflows take goes through here.
//!
//! For one proposed action: policy tier → [`decide`] → (ask a human when the tier says so) →
//! decision record in the audit log, flushed → execute → outcome record. The order is the
//! safety argument:
//!
//! - a forbidden action is refused before anything else happens, whatever the flags, and the
//!   executor is never called with one (checked again against the built-in floor right before
//!   execution, in case a policy implementation ever gets it wrong);
//! - nothing runs unless its decision record is on disk;
//! - every attempt — refusals, declines, dry runs and suggestions included — leaves a
//!   decision/outcome pair.
//!
//! The executor and the human are traits, so the CLI plugs in a live cluster and a terminal,
//! and tests plug in fakes (one that panics on forbidden actions). Nothing here prints.

use serde_json::Value;

use crate::action::Action;
use crate::audit::{AuditLog, Outcome};
use crate::autonomy::{Approval, Decision, GateInput, Policy, Refusal, Tier, builtin_tier, decide};
use crate::cluster::{self, ObjRef};

/// Where actions run. `execute` is only ever called with a non-forbidden action.
///
/// The futures are not required to be `Send`: for a concrete executor (the live cluster) the
/// compiler sees the real future, so a multi-threaded front-end can still spawn a session.
#[expect(
    async_fn_in_trait,
    reason = "used generically; Send-ness leaks through for concrete executors"
)]
pub trait Executor {
    /// The kube context (or `snapshot:<dir>`) for the audit log.
    fn context(&self) -> String;
    /// True when nothing can be changed here (a snapshot): see the session's snapshot rule.
    fn is_snapshot(&self) -> bool {
        false
    }
    /// Reads the object an action is about, for the preview; `None` when it does not exist.
    async fn read(&self, r: &ObjRef) -> Result<Option<Value>, cluster::Error>;
    /// What `apply` would make of a manifest (server-side dry run); `None` when unavailable.
    async fn apply_preview(&self, manifest: &Value) -> Result<Option<Value>, cluster::Error>;
    /// Makes the change; returns what the server returned.
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error>;
    /// Every object of a built-in kind in a namespace (the ReplicaSets a `rollout-undo` is
    /// translated against). Empty by default.
    async fn list(
        &self,
        _kind: &str,
        _namespace: Option<&str>,
    ) -> Result<Vec<Value>, cluster::Error> {
        Ok(Vec::new())
    }
    /// Asks the cluster's discovery for a kind that is not built in (any CRD, short names
    /// too). `None` by default (no discovery).
    async fn find_kind(&self, _kind: &str) -> Result<Option<Discovered>, cluster::Error> {
        Ok(None)
    }
    /// API groups discovery could not ask (the kind may live there), for a warning.
    fn skipped_groups(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A kind found through discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub api_version: String,
    pub kind: String,
    pub namespaced: bool,
}

/// Where a proposal came from (the audit record's `origin`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A person at the command line (`act`).
    User,
    /// A model's suggestion.
    Llm,
    /// A diagnose recipe (`recipe:<id>`).
    Recipe(String),
    /// A workflow (`workflow:<name>`).
    Workflow(String),
    /// An MCP client's tool call (`mcp`).
    Mcp,
    /// An MCP client's tool call, naming the client from its `initialize` (`mcp:<client>`).
    McpClient(String),
    /// A `serve` trigger (`trigger:<name>`: cron, webhook…).
    Trigger(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::User => f.write_str("user"),
            Origin::Llm => f.write_str("llm"),
            Origin::Recipe(id) => write!(f, "recipe:{id}"),
            Origin::Workflow(n) => write!(f, "workflow:{n}"),
            Origin::Mcp => f.write_str("mcp"),
            Origin::McpClient(n) => write!(f, "mcp:{n}"),
            Origin::Trigger(n) => write!(f, "trigger:{n}"),
        }
    }
}

impl std::str::FromStr for Origin {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.split_once(':') {
            None if s == "user" => Origin::User,
            None if s == "llm" => Origin::Llm,
            None if s == "mcp" => Origin::Mcp,
            Some(("recipe", id)) => Origin::Recipe(id.into()),
            Some(("workflow", n)) => Origin::Workflow(n.into()),
            Some(("trigger", n)) => Origin::Trigger(n.into()),
            Some(("mcp", n)) => Origin::McpClient(n.into()),
            _ => return Err(format!("unknown origin `{s}`")),
        })
    }
}

impl serde::Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Origin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// How a person said yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A terminal prompt (`user-confirmed` in the audit log).
    Terminal,
    /// An MCP elicitation answered by the client's user (`mcp-elicitation`).
    McpElicitation,
    /// A stored approval request approved later (`approval-request`).
    ApprovalRequest,
}

impl Via {
    /// The audit record's `approval` for this way of approving.
    pub fn approval(self) -> Approval {
        match self {
            Via::Terminal => Approval::UserConfirmed,
            Via::McpElicitation => Approval::McpElicitation,
            Via::ApprovalRequest => Approval::ApprovalRequest,
        }
    }
}

/// The human's answer to an [`Ask`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Run it. `by` names the approver when the front-end knows (recorded as `approver`).
    Approved { via: Via, by: Option<String> },
    /// Do not run it.
    Declined,
    /// Not decided yet: queued as the approval request `request` (a Kubernetes object's
    /// name, say). Recorded as `deferred` with that id; nothing runs. Execute it later with
    /// [`crate::session::Session::execute_approved`].
    Deferred { request: String },
}

/// The human on the other side of a confirm prompt: a terminal, an MCP elicitation, an
/// approval queue. A synchronous implementation (the terminal prompt) simply blocks inside
/// `confirm`; an asynchronous one (an MCP round-trip) awaits.
#[expect(
    async_fn_in_trait,
    reason = "used generically; Send-ness leaks through for concrete implementations"
)]
pub trait Interaction {
    /// Shows the proposal and its change and asks. An `Err` (the terminal went away, the
    /// client disconnected) is taken as [`Answer::Declined`]: fail closed.
    async fn confirm(&self, ask: &Ask<'_>) -> std::io::Result<Answer>;
}

/// An action someone wants to run, with where it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Proposed {
    pub action: Action,
    pub origin: Origin,
    #[serde(default)]
    pub rationale: Option<String>,
    /// The object is managed by GitOps: the durable fix belongs in Git.
    #[serde(default)]
    pub gitops_managed: bool,
    /// Ask even when the policy says safe (a workflow step with `confirm: true`). Never lowers.
    #[serde(default)]
    pub force_confirm: bool,
    /// What was asked for when `action` is its translation (a `rollout-undo` sent as the
    /// patch kubectl would send): the tier is the stricter of the two, so a policy about the
    /// requested verb still holds.
    #[serde(default)]
    pub requested: Option<Action>,
}

impl Proposed {
    pub fn new(action: Action, origin: Origin) -> Self {
        Self {
            action,
            origin,
            rationale: None,
            gitops_managed: false,
            force_confirm: false,
            requested: None,
        }
    }
}

/// What the action would change.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Preview {
    /// A unified diff of the object before → after (Secret values masked); empty when none.
    pub diff: String,
    /// Said instead of (or besides) a diff: deletes, reads, objects not found…
    pub note: Option<String>,
}

/// What the prompt shows: every step of the unit with its change, approved together.
#[derive(Debug)]
pub struct Ask<'a> {
    /// The unit's tier: the highest of its steps.
    pub tier: Tier,
    /// The time the previews were computed at (a restart's `restartedAt` is this time): an
    /// approval request stores it so a later execution can check the preview still holds.
    pub at: jiff::Timestamp,
    pub steps: Vec<(&'a Proposed, &'a Preview)>,
}

/// Why a step of a unit did not run although it was not itself refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockedBy {
    /// Step N (0-based) of the same unit is forbidden, so the whole unit is refused.
    ForbiddenStep(usize),
    /// Step N (0-based) failed, so the steps after it were not sent.
    EarlierStepFailed(usize),
}

/// The result of one attempt.
#[derive(Debug)]
pub struct Attempt {
    pub id: String,
    pub tier: Tier,
    pub approval: Approval,
    pub outcome: Outcome,
    pub refusal: Option<Refusal>,
    /// Shown for dry runs and prompts.
    pub preview: Option<Preview>,
    /// What the executor returned (reads print it).
    pub result: Option<Value>,
    pub error: Option<cluster::Error>,
    /// Set when this step was held back by another step of its unit.
    pub blocked_by: Option<BlockedBy>,
    /// Who approved, when the human said so ([`Answer::Approved`]'s `by`).
    pub approver: Option<String>,
    /// The approval request it was deferred to (or executed from).
    pub request: Option<String>,
}

impl Attempt {
    /// True when the action was executed successfully.
    pub fn ran(&self) -> bool {
        self.outcome == Outcome::Ok
    }
}

/// The gate for one run: policy, flags, audit log and clock.
pub struct Gate<'a> {
    pub policy: &'a Policy,
    pub input: GateInput,
    pub audit: &'a AuditLog,
    pub now: jiff::Timestamp,
}

/// Failures that stop the run (as opposed to an action that failed, which is an outcome).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Audit(#[from] crate::audit::Error),
    /// Reading the object for a preview failed.
    #[error(transparent)]
    Cluster(#[from] cluster::Error),
    /// Something was executed but its outcome record could not be written: the change may be
    /// live, so this must never read as "not executed".
    #[error(
        "executed {} but its outcome could not be written to the audit log {}; the decision record (id {id}) is in {}",
        executed.join(", "), path.display(), decision.display()
    )]
    OutcomeNotRecorded {
        /// `verb target (ok|error)` of each step that was sent.
        executed: Vec<String>,
        id: String,
        path: std::path::PathBuf,
        decision: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// True when an apply writes a Node anywhere in its manifest: Lists nested at any depth, and
/// the items of a typed `NodeList`, which carry no `kind` of their own.
pub fn applies_a_node(a: &Action) -> bool {
    fn walk(v: &Value, inherited: Option<&str>, depth: usize) -> bool {
        // A manifest this deep is hostile; judge it forbidden rather than recurse further.
        if depth > 64 {
            return true;
        }
        let kind = v.get("kind").and_then(Value::as_str).or(inherited);
        if kind.is_some_and(|k| k.eq_ignore_ascii_case("Node")) {
            return true;
        }
        let Some(items) = v.get("items").and_then(Value::as_array) else {
            return false;
        };
        let item_kind = kind
            .and_then(|k| k.strip_suffix("List"))
            .filter(|k| !k.is_empty());
        items.iter().any(|i| walk(i, item_kind, depth + 1))
    }
    match a {
        Action::Apply { manifest } => walk(manifest, None, 0),
        _ => false,
    }
}

impl Gate<'_> {
    /// When the outcome happened: the run's clock plus the time the attempt took (whole
    /// seconds under a fixed test clock stay stable; real runs get the real duration).
    fn outcome_time(&self, started: std::time::Instant) -> jiff::Timestamp {
        let took = jiff::SignedDuration::try_from(started.elapsed()).unwrap_or_default();
        self.now.checked_add(took).unwrap_or(self.now)
    }

    /// The tier of a proposal: policy, raised by `force_confirm`, floored by the built-in
    /// forbidden set.
    pub fn tier(&self, p: &Proposed) -> Tier {
        let mut tier = self.policy.tier(&p.action);
        if let Some(r) = &p.requested {
            tier = tier.max(self.policy.tier(r));
        }
        if p.force_confirm && tier == Tier::Safe {
            tier = Tier::Confirm;
        }
        let floor = std::iter::once(&p.action).chain(p.requested.as_ref());
        if floor
            .into_iter()
            .any(|a| builtin_tier(a) == Tier::Forbidden || applies_a_node(a))
        {
            tier = Tier::Forbidden;
        }
        tier
    }

    /// Runs one proposal through the gate. `Err` only when the run must stop (the audit log
    /// cannot be written, or the preview read failed); a failed action is `Ok` with
    /// `outcome: error`.
    pub async fn run<E: Executor, I: Interaction + ?Sized>(
        &self,
        p: &Proposed,
        exec: &E,
        human: &I,
    ) -> Result<Attempt, Error> {
        let mut all = self.run_unit(std::slice::from_ref(p), exec, human).await?;
        Ok(all.remove(0))
    }

    /// Runs a remediation of several steps as one unit: every step is judged, previewed and
    /// approved together, every decision is on disk before the first step runs, and a
    /// failure part-way stops the rest (reported as not run, because an earlier step failed).
    /// One forbidden step refuses the whole unit: half a remediation is worse than none (a
    /// multi-document apply must not change the cluster and then report "refused").
    pub async fn run_unit<E: Executor, I: Interaction + ?Sized>(
        &self,
        parts: &[Proposed],
        exec: &E,
        human: &I,
    ) -> Result<Vec<Attempt>, Error> {
        self.run_unit_for(parts, exec, human, None, None).await
    }

    /// [`Gate::run_unit`] on behalf of an approval request (recorded as `request`). `forced`
    /// replaces what the flags would decide (ask, run, or "no terminal") — never a forbidden,
    /// read-only, dry-run or suggest-only decision.
    pub(crate) async fn run_unit_for<E: Executor, I: Interaction + ?Sized>(
        &self,
        parts: &[Proposed],
        exec: &E,
        human: &I,
        mut request: Option<String>,
        forced: Option<Decision>,
    ) -> Result<Vec<Attempt>, Error> {
        let mut approver = None;
        let started = std::time::Instant::now();
        let tiers: Vec<Tier> = parts.iter().map(|p| self.tier(p)).collect();
        let tier = tiers.iter().copied().max().unwrap_or(Tier::Safe);
        let forbidden_part = tiers.iter().position(|t| *t == Tier::Forbidden);
        let mut previews: Vec<Option<Preview>> = vec![None; parts.len()];
        let mut refusal = None;
        let decision = match (decide(tier, self.input), forced) {
            (Decision::Ask | Decision::Run { .. } | Decision::Refuse(Refusal::NoTty), Some(f)) => f,
            (d, _) => d,
        };
        let (approval, execute) = match decision {
            Decision::Refuse(r) => {
                refusal = Some(r);
                (
                    match r {
                        Refusal::Forbidden => Approval::RefusedForbidden,
                        Refusal::NoTty => Approval::RefusedNoTty,
                        Refusal::ReadOnly => Approval::RefusedReadOnly,
                        Refusal::Stale => Approval::RefusedStale,
                    },
                    false,
                )
            }
            Decision::DryRun => {
                for (i, p) in parts.iter().enumerate() {
                    // An apply dry-run is the server's verdict on the manifest: a rejection
                    // (422, a webhook, RBAC) must fail the run, not become a note (CI relies
                    // on it).
                    previews[i] = Some(if matches!(p.action, Action::Apply { .. }) {
                        self.preview(&p.action, exec).await?
                    } else {
                        self.preview_or_note(&p.action, exec).await?
                    });
                }
                (Approval::DryRun, false)
            }
            Decision::Suggest => (Approval::SuggestOnly, false),
            Decision::Run { approval } => (approval, true),
            Decision::Ask => {
                let mut pvs = Vec::with_capacity(parts.len());
                for p in parts {
                    pvs.push(self.preview_or_note(&p.action, exec).await?);
                }
                let ask = Ask {
                    tier,
                    at: self.now,
                    steps: parts.iter().zip(&pvs).collect(),
                };
                // A prompt that cannot be answered (terminal gone) is a "no": fail closed.
                let answer = human.confirm(&ask).await.unwrap_or(Answer::Declined);
                for (slot, pv) in previews.iter_mut().zip(pvs) {
                    *slot = Some(pv);
                }
                match answer {
                    Answer::Approved { via, by } => {
                        approver = by;
                        (via.approval(), true)
                    }
                    Answer::Declined => (Approval::Declined, false),
                    Answer::Deferred { request: r } => {
                        request = Some(r);
                        (Approval::Deferred, false)
                    }
                }
            }
        };
        // Belt and braces: whatever decided above, a forbidden action never executes.
        let execute = execute && tier != Tier::Forbidden;

        let unit_id = (parts.len() > 1).then(|| self.audit.new_id(&parts[0].action));
        let mut records = Vec::with_capacity(parts.len());
        let mut attempts = Vec::with_capacity(parts.len());
        for (i, p) in parts.iter().enumerate() {
            let id = self.audit.new_id(&p.action);
            let mut rec = self.audit.record(
                &id,
                self.now,
                &p.origin.to_string(),
                &p.action,
                tiers[i],
                approval,
            );
            rec.rationale = p.rationale.clone();
            rec.approver = approver.clone();
            rec.request = request.clone();
            rec.unit = unit_id.as_ref().map(|u| crate::audit::UnitRef {
                id: u.clone(),
                step: i + 1,
                of: parts.len(),
            });
            // Every decision is on disk before anything is sent; if one cannot be, nothing is.
            let path = self.audit.write(&rec, self.now)?;
            records.push((rec, path));
            attempts.push(Attempt {
                id,
                tier: tiers[i],
                approval,
                outcome: Outcome::Skipped,
                refusal,
                preview: previews[i].take(),
                result: None,
                error: None,
                blocked_by: match forbidden_part {
                    Some(f) if f != i => Some(BlockedBy::ForbiddenStep(f)),
                    _ => None,
                },
                approver: approver.clone(),
                request: request.clone(),
            });
        }
        let mut failed_at = None;
        for i in 0..parts.len() {
            let attempt = &mut attempts[i];
            if execute && failed_at.is_none() {
                match exec.execute(&parts[i].action).await {
                    Ok(v) => {
                        attempt.outcome = Outcome::Ok;
                        attempt.result = Some(v);
                    }
                    Err(e) => {
                        attempt.outcome = Outcome::Error;
                        attempt.error = Some(e);
                        failed_at = Some(i);
                    }
                }
            } else if let Some(f) = failed_at {
                attempt.blocked_by = Some(BlockedBy::EarlierStepFailed(f));
            }
            let error = match (&attempt.error, attempt.blocked_by) {
                (Some(e), _) => Some(e.to_string()),
                (None, Some(BlockedBy::EarlierStepFailed(f))) => {
                    Some(format!("not run: step {} of {} failed", f + 1, parts.len()))
                }
                _ => None,
            };
            let (rec, decision_path) = &records[i];
            let out = rec.outcome_of(self.outcome_time(started), attempt.outcome, error);
            if let Err(crate::audit::Error::Write { path, source }) =
                self.audit.write(&out, self.now)
            {
                // The change may be live: saying "not executed" here would invite a retry
                // that doubles a scale or a restart.
                let executed: Vec<String> = attempts
                    .iter()
                    .zip(parts)
                    .filter(|(a, _)| a.outcome != Outcome::Skipped)
                    .map(|(a, p)| {
                        format!(
                            "{} {} ({})",
                            p.action.verb(),
                            p.action.target_display(),
                            a.outcome.as_str()
                        )
                    })
                    .collect();
                return Err(if executed.is_empty() {
                    Error::Audit(crate::audit::Error::Write { path, source })
                } else {
                    Error::OutcomeNotRecorded {
                        executed,
                        id: rec.id.clone(),
                        path,
                        decision: decision_path.clone(),
                        source,
                    }
                });
            }
        }
        Ok(attempts)
    }

    /// Computes the before → after diff of an action without changing anything.
    /// The preview, or a note saying why there is none: only a cluster that stopped
    /// answering (or rejected us) stops the run; a kind that is not served or a Forbidden read
    /// must not, and the attempt is still audited.
    async fn preview_or_note<E: Executor>(
        &self,
        action: &Action,
        exec: &E,
    ) -> Result<Preview, Error> {
        self.preview_or_note_at(action, exec, self.now).await
    }

    /// [`Gate::preview_or_note`] as if computed at `now`.
    pub(crate) async fn preview_or_note_at<E: Executor>(
        &self,
        action: &Action,
        exec: &E,
        now: jiff::Timestamp,
    ) -> Result<Preview, Error> {
        match self.preview_at(action, exec, now).await {
            Ok(p) => Ok(p),
            Err(e @ (cluster::Error::Unreachable { .. } | cluster::Error::Unauthorized { .. })) => {
                Err(Error::Cluster(e))
            }
            Err(e) => Ok(Preview {
                diff: String::new(),
                note: Some(format!("no preview: {e}")),
            }),
        }
    }

    pub async fn preview<E: Executor>(
        &self,
        action: &Action,
        exec: &E,
    ) -> Result<Preview, cluster::Error> {
        self.preview_at(action, exec, self.now).await
    }

    /// [`Gate::preview`] as if computed at `now` (a restart's `restartedAt`): an approved
    /// request is re-previewed at the time it was shown, so the two can be compared.
    pub async fn preview_at<E: Executor>(
        &self,
        action: &Action,
        exec: &E,
        now: jiff::Timestamp,
    ) -> Result<Preview, cluster::Error> {
        if let Action::Apply { manifest } = action {
            let o = cluster::Obj(manifest);
            let r = o.obj_ref();
            let before = exec.read(&r).await?;
            return Ok(match exec.apply_preview(manifest).await? {
                Some(after) => Preview {
                    note: before.is_none().then(|| format!("creates {}", r.display())),
                    diff: crate::diff::diff_server_side(r, before.as_ref(), &after).diff,
                },
                None => Preview {
                    diff: crate::diff::diff_pair(r, manifest, before.as_ref()).diff,
                    note: Some("client-side preview (no server to dry-run against)".into()),
                },
            });
        }
        let Some(target) = action.target() else {
            return Ok(Preview {
                diff: String::new(),
                note: Some(crate::change::describe(action)),
            });
        };
        if action.is_read() || matches!(action, Action::Delete { .. }) {
            return Ok(Preview {
                diff: String::new(),
                note: Some(crate::change::describe(action)),
            });
        }
        let Some(before) = exec.read(target).await? else {
            return Ok(Preview {
                diff: String::new(),
                note: Some(format!(
                    "{} was not found; the action will fail",
                    target.display()
                )),
            });
        };
        match crate::change::after(action, &before, &now.to_string()) {
            Ok(Some(after)) => {
                let d = crate::diff::diff_server_side(target.clone(), Some(&before), &after);
                let mut note = None;
                if d.diff.is_empty() {
                    note = Some("no change to the object's spec or metadata".into());
                }
                if matches!(
                    action,
                    Action::Reconcile {
                        with_source: true,
                        ..
                    }
                ) {
                    note = Some(crate::change::describe(action));
                }
                Ok(Preview { diff: d.diff, note })
            }
            Ok(None) => Ok(Preview {
                diff: String::new(),
                note: Some(crate::change::describe(action)),
            }),
            Err(e) => Ok(Preview {
                diff: String::new(),
                note: Some(match e {
                    crate::change::Error::Directives(_) => e.to_string(),
                    crate::change::Error::JsonPatch(_) => {
                        format!("cannot preview: {e}; the server will reject it too")
                    }
                }),
            }),
        }
    }
}

impl Executor for cluster::live::LiveCluster {
    fn context(&self) -> String {
        cluster::live::LiveCluster::context(self).to_string()
    }
    async fn read(&self, r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
        self.get(r).await
    }
    async fn apply_preview(&self, manifest: &Value) -> Result<Option<Value>, cluster::Error> {
        self.server_side_apply_dry_run(manifest).await.map(Some)
    }
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
        cluster::live::LiveCluster::execute(self, action).await
    }
}

/// The cluster view a front-end opened: the live cluster executes (and discovers kinds), a
/// snapshot previews only.
impl Executor for cluster::ClusterView {
    fn context(&self) -> String {
        match self {
            cluster::ClusterView::Live(l) => l.context().to_string(),
            cluster::ClusterView::Snapshot(s) => format!("snapshot:{}", s.root().display()),
        }
    }
    fn is_snapshot(&self) -> bool {
        matches!(self, cluster::ClusterView::Snapshot(_))
    }
    async fn read(&self, r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
        match self {
            cluster::ClusterView::Live(l) => l.get(r).await,
            cluster::ClusterView::Snapshot(s) => {
                Ok(s.inventory().get_ref(r).map(|o| o.value().clone()))
            }
        }
    }
    async fn apply_preview(&self, manifest: &Value) -> Result<Option<Value>, cluster::Error> {
        match self {
            cluster::ClusterView::Live(l) => l.server_side_apply_dry_run(manifest).await.map(Some),
            cluster::ClusterView::Snapshot(_) => Ok(None),
        }
    }
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
        match self {
            cluster::ClusterView::Live(l) => l.execute(action).await,
            // Reads are answered from the snapshot; nothing else runs (one rule, one place).
            cluster::ClusterView::Snapshot(s) => {
                SnapshotExecutor {
                    inventory: s.inventory(),
                    label: self.context(),
                }
                .execute(action)
                .await
            }
        }
    }
    async fn list(
        &self,
        kind: &str,
        namespace: Option<&str>,
    ) -> Result<Vec<Value>, cluster::Error> {
        let scope = cluster::Scope {
            namespace: namespace.map(str::to_string),
        };
        let inv = self
            .gather(&[kind], &scope, false, &cluster::NoProgress)
            .await?;
        Ok(inv.of_kind(kind).map(|o| o.value().clone()).collect())
    }
    async fn find_kind(&self, kind: &str) -> Result<Option<Discovered>, cluster::Error> {
        match self {
            cluster::ClusterView::Live(l) => Ok(l.find_kind(kind).await?.map(|r| Discovered {
                api_version: r.api_version(),
                kind: r.kind.clone(),
                namespaced: r.namespaced,
            })),
            cluster::ClusterView::Snapshot(_) => Ok(None),
        }
    }
    fn skipped_groups(&self) -> Vec<String> {
        match self {
            cluster::ClusterView::Live(l) => l.skipped_groups(),
            cluster::ClusterView::Snapshot(_) => Vec::new(),
        }
    }
}

/// No cluster at all: for refusing forbidden actions without connecting (the gate never
/// executes one, and a refusal needs no preview). Reads find nothing; nothing can execute.
pub struct Unconnected {
    /// The context it would have used, for the audit log.
    pub context: String,
}

impl Executor for Unconnected {
    fn context(&self) -> String {
        self.context.clone()
    }
    async fn read(&self, _r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
        Ok(None)
    }
    async fn apply_preview(&self, _manifest: &Value) -> Result<Option<Value>, cluster::Error> {
        Ok(None)
    }
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
        Err(cluster::Error::NeedsLive {
            what: format!("{} {}", action.verb(), action.target_display()),
        })
    }
}

/// A snapshot as an executor: previews read the snapshot, nothing can be executed. Private:
/// a [`cluster::ClusterView::Snapshot`] is the executor front-ends use.
struct SnapshotExecutor<'a> {
    inventory: &'a cluster::Inventory,
    label: String,
}

impl Executor for SnapshotExecutor<'_> {
    fn context(&self) -> String {
        self.label.clone()
    }
    fn is_snapshot(&self) -> bool {
        true
    }
    async fn read(&self, r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
        Ok(self.inventory.get_ref(r).map(|o| o.value().clone()))
    }
    async fn apply_preview(&self, _manifest: &Value) -> Result<Option<Value>, cluster::Error> {
        Ok(None)
    }
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
        // Reads are answered from the snapshot, as a live cluster would; nothing else runs.
        let missing = |r: &ObjRef| cluster::Error::Api {
            what: format!("get {}", r.display()),
            message: format!("not found in {}", self.label),
        };
        match action {
            Action::Get { target } | Action::Describe { target } => self
                .inventory
                .get_ref(target)
                .map(|o| o.value().clone())
                .ok_or_else(|| missing(target)),
            Action::Logs {
                target, container, ..
            } => {
                let ns = target.namespace.as_deref().unwrap_or("");
                self.inventory
                    .logs_for(ns, &target.name, container.as_deref())
                    .map(|t| Value::String(t.to_string()))
                    .ok_or_else(|| missing(target))
            }
            Action::List { kind, namespace } => {
                let items: Vec<Value> = self
                    .inventory
                    .of_kind(kind)
                    .filter(|o| namespace.is_none() || o.namespace() == namespace.as_deref())
                    .map(|o| o.value().clone())
                    .collect();
                Ok(serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items}))
            }
            _ => Err(cluster::Error::NeedsLive {
                what: format!("{} {}", action.verb(), action.target_display()),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{PatchType, Verb};
    use crate::autonomy::AutonomyConfig;
    use proptest::prelude::*;
    use serde_json::json;
    use std::cell::RefCell;

    /// Records executions; panics if it ever sees a forbidden action.
    #[derive(Default)]
    struct Tripwire {
        ran: RefCell<Vec<Action>>,
    }

    impl Executor for Tripwire {
        fn context(&self) -> String {
            "test".into()
        }
        async fn read(&self, _r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
            Ok(Some(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "x", "namespace": "default"}, "spec": {"replicas": 1}})))
        }
        async fn apply_preview(&self, m: &Value) -> Result<Option<Value>, cluster::Error> {
            Ok(Some(m.clone()))
        }
        async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
            assert!(
                !independently_forbidden(action),
                "forbidden action reached the executor: {action:?}"
            );
            self.ran.borrow_mut().push(action.clone());
            Ok(Value::Null)
        }
    }

    /// The forbidden set written out by hand, not through `builtin_tier`, so the tripwire is
    /// an independent oracle: node verbs, any write to a Node (apply of a Node or of a List
    /// holding one included), deleting a Namespace or CRD or stripping its finalizers.
    fn independently_forbidden(a: &Action) -> bool {
        let v = serde_json::to_value(a).unwrap();
        let verb = v["verb"].as_str().unwrap_or("");
        if matches!(
            verb,
            "drain" | "cordon" | "uncordon" | "delete-node" | "label-node" | "taint-node" | "reset"
        ) {
            return true;
        }
        if matches!(verb, "get" | "describe" | "logs" | "list" | "top" | "diff") {
            return false;
        }
        let mut kinds = vec![v["target"]["kind"].as_str().unwrap_or("").to_string()];
        kinds.push(v["manifest"]["kind"].as_str().unwrap_or("").to_string());
        for i in v["manifest"]["items"].as_array().into_iter().flatten() {
            kinds.push(i["kind"].as_str().unwrap_or("").to_string());
        }
        kinds.iter().any(|k| k == "Node")
            || (matches!(verb, "delete" | "remove-finalizers")
                && kinds
                    .iter()
                    .any(|k| k == "Namespace" || k == "CustomResourceDefinition"))
    }

    /// Says yes to everything.
    struct Yes;
    impl Interaction for Yes {
        async fn confirm(&self, _: &Ask<'_>) -> std::io::Result<Answer> {
            Ok(Answer::Approved {
                via: Via::Terminal,
                by: None,
            })
        }
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    fn any_target() -> impl Strategy<Value = ObjRef> {
        (
            prop::sample::select(vec![
                ("apps/v1", "Deployment", true),
                ("v1", "Node", false),
                ("v1", "Namespace", false),
                ("v1", "Pod", true),
                ("apiextensions.k8s.io/v1", "CustomResourceDefinition", false),
                ("kustomize.toolkit.fluxcd.io/v1", "Kustomization", true),
            ]),
            "[a-z]{1,8}",
        )
            .prop_map(|((av, k, ns), name)| ObjRef::new(av, k, ns.then_some("default"), &name))
    }

    /// Every verb's name, from the verb table.
    fn verb_names() -> Vec<&'static str> {
        Verb::all().iter().map(|v| v.as_str()).collect()
    }

    /// Any action of any verb on any target, built by `action::build` like `act` and
    /// workflows build them; every verb of the table, none skipped.
    fn any_action() -> impl Strategy<Value = Action> {
        (
            prop::sample::select(Verb::all().to_vec()),
            any_target(),
            any::<i32>(),
            any::<bool>(),
        )
            .prop_map(|(verb, target, n, as_list)| {
                let obj = json!({"apiVersion": target.api_version, "kind": target.kind,
                    "metadata": {"name": target.name}});
                // apply of a List hides the kinds inside it.
                let manifest = if as_list {
                    json!({"apiVersion": "v1", "kind": "List", "items": [obj]})
                } else {
                    obj
                };
                let p = crate::action::Params {
                    replicas: Some(n.saturating_abs()),
                    patch_type: Some(PatchType::Merge),
                    patch: Some(json!({"spec": {}})),
                    history_id: Some(1),
                    manifest: Some(manifest),
                    label: Some("a=b".into()),
                    taint: Some("a=b:NoSchedule".into()),
                    ..Default::default()
                };
                // `delete` also as JSON from a model or recipe gives it: of a Node it stays
                // `Delete` (which `build` would have turned into `DeleteNode`).
                if verb == Verb::Delete && as_list {
                    return Action::Delete { target };
                }
                crate::action::build(verb, target, &p).expect("every verb builds from full params")
            })
    }

    fn any_flags() -> impl Strategy<Value = GateInput> {
        any::<[bool; 5]>().prop_map(|[yes, dry_run, read_only, suggest_only, interactive]| {
            GateInput {
                yes,
                dry_run,
                read_only,
                suggest_only,
                interactive,
            }
        })
    }

    fn any_config() -> impl Strategy<Value = AutonomyConfig> {
        let names = prop::sample::subsequence(verb_names(), 0..10);
        (names.clone(), names.clone(), names).prop_map(|(s, c, f)| AutonomyConfig {
            safe_actions: s.into_iter().map(String::from).collect(),
            confirm_actions: c.into_iter().map(String::from).collect(),
            forbidden_actions: f.into_iter().map(String::from).collect(),
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Whatever the action, config, workflow overrides and flags — and a human who says
        /// yes to everything — a forbidden action never reaches the executor, and every
        /// attempt leaves a decision and an outcome record.
        #[test]
        fn no_forbidden_action_reaches_the_executor(
            actions in prop::collection::vec(any_action(), 1..6),
            cfg in any_config(), flags in any_flags(), auto in prop::sample::subsequence(verb_names(), 0..10),
        ) {
            let d = tempfile::tempdir().unwrap();
            let audit = AuditLog::new(d.path().join("a"), "test");
            let policy = Policy::new(cfg).with_workflow(crate::autonomy::WorkflowAutonomy {
                auto_approve: auto.into_iter().map(String::from).collect(),
                always_confirm: vec![],
            });
            let gate = Gate { policy: &policy, input: flags, audit: &audit,
                now: "2026-11-22T10:00:00Z".parse().unwrap() };
            let exec = Tripwire::default();
            let rt = rt();
            for a in &actions {
                let att = rt.block_on(gate.run(&Proposed::new(a.clone(), Origin::Llm), &exec, &Yes)).unwrap();
                if independently_forbidden(a) {
                    prop_assert_eq!(att.approval, Approval::RefusedForbidden);
                    prop_assert_eq!(att.outcome, Outcome::Skipped);
                }
            }
            let recs = crate::audit::read(&d.path().join("a")).unwrap();
            prop_assert_eq!(recs.len(), actions.len() * 2);
        }
    }

    #[test]
    fn a_translated_action_is_judged_by_what_was_requested_too() {
        let d = tempfile::tempdir().unwrap();
        let audit = AuditLog::new(d.path().join("a"), "test");
        let policy = Policy::new(AutonomyConfig {
            forbidden_actions: vec!["rollout-undo".into()],
            ..Default::default()
        });
        let gate = Gate {
            policy: &policy,
            input: GateInput {
                yes: true,
                ..Default::default()
            },
            audit: &audit,
            now: "2026-11-22T10:00:00Z".parse().unwrap(),
        };
        let target = ObjRef::new("apps/v1", "Deployment", Some("a"), "web");
        let mut p = Proposed::new(
            Action::Patch {
                target: target.clone(),
                patch_type: PatchType::Json,
                patch: json!([]),
            },
            Origin::User,
        );
        assert_eq!(gate.tier(&p), Tier::Confirm);
        p.requested = Some(Action::RolloutUndo {
            target,
            to_revision: None,
        });
        assert_eq!(gate.tier(&p), Tier::Forbidden);
        let exec = Tripwire::default();
        let att = rt().block_on(gate.run(&p, &exec, &Yes)).unwrap();
        assert_eq!(att.approval, Approval::RefusedForbidden);
        assert!(exec.ran.borrow().is_empty());
    }

    #[test]
    fn an_unwritable_audit_log_blocks_execution() {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let audit = AuditLog::new(file.join("actions"), "test");
        let policy = Policy::default();
        let gate = Gate {
            policy: &policy,
            input: GateInput {
                yes: true,
                ..Default::default()
            },
            audit: &audit,
            now: "2026-11-22T10:00:00Z".parse().unwrap(),
        };
        let exec = Tripwire::default();
        let a = Action::Patch {
            target: ObjRef::new("apps/v1", "Deployment", Some("a"), "x"),
            patch_type: PatchType::Merge,
            patch: json!({}),
        };
        let r = rt().block_on(gate.run(&Proposed::new(a, Origin::User), &exec, &Yes));
        assert!(matches!(r, Err(Error::Audit(_))));
        assert!(exec.ran.borrow().is_empty());
    }

    /// Runs steps in order, fails the one numbered `fail`, and calls `hook` after each run.
    struct Scripted<'a> {
        ran: RefCell<Vec<Action>>,
        fail: Option<usize>,
        hook: &'a dyn Fn(),
    }

    impl Executor for Scripted<'_> {
        fn context(&self) -> String {
            "test".into()
        }
        async fn read(&self, _r: &ObjRef) -> Result<Option<Value>, cluster::Error> {
            Ok(None)
        }
        async fn apply_preview(&self, m: &Value) -> Result<Option<Value>, cluster::Error> {
            Ok(Some(m.clone()))
        }
        async fn execute(&self, action: &Action) -> Result<Value, cluster::Error> {
            let n = self.ran.borrow().len();
            self.ran.borrow_mut().push(action.clone());
            (self.hook)();
            if self.fail == Some(n) {
                return Err(cluster::Error::NeedsLive {
                    what: "scripted failure".into(),
                });
            }
            Ok(Value::Null)
        }
    }

    fn yes_gate<'a>(policy: &'a Policy, audit: &'a AuditLog) -> Gate<'a> {
        Gate {
            policy,
            input: GateInput {
                yes: true,
                ..Default::default()
            },
            audit,
            now: "2026-11-22T10:00:00Z".parse().unwrap(),
        }
    }

    fn scale(name: &str) -> Proposed {
        Proposed::new(
            Action::Scale {
                target: ObjRef::new("apps/v1", "Deployment", Some("a"), name),
                replicas: 3,
            },
            Origin::User,
        )
    }

    #[test]
    fn an_outcome_that_cannot_be_recorded_says_the_action_ran() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("a");
        let audit = AuditLog::new(&dir, "test");
        let policy = Policy::default();
        let gate = yes_gate(&policy, &audit);
        // After the change is sent, the day's file becomes a directory: the outcome append
        // fails whoever runs the test (root included).
        let day = crate::jsonl::daily_file(&dir, gate.now);
        let sabotage = || {
            std::fs::remove_file(&day).unwrap();
            std::fs::create_dir(&day).unwrap();
        };
        let exec = Scripted {
            ran: RefCell::default(),
            fail: None,
            hook: &sabotage,
        };
        let r = rt().block_on(gate.run(&scale("web"), &exec, &Yes));
        assert_eq!(exec.ran.borrow().len(), 1);
        let e = r.unwrap_err();
        assert!(matches!(e, Error::OutcomeNotRecorded { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(msg.starts_with("executed scale Deployment"), "{msg}");
        assert!(
            msg.contains("(ok)") && msg.contains("decision record"),
            "{msg}"
        );
        let top: crate::error::Error = e.into();
        assert_eq!(top.exit_code(), crate::error::EXIT_IO);
        assert!(!top.to_string().contains("not executed"), "{top}");
        assert!(
            top.hints()
                .iter()
                .any(|h| h.contains("do not run it again"))
        );
    }

    #[test]
    fn one_forbidden_step_refuses_the_whole_unit() {
        let d = tempfile::tempdir().unwrap();
        let audit = AuditLog::new(d.path().join("a"), "test");
        let policy = Policy::default();
        let gate = yes_gate(&policy, &audit);
        let node = Proposed::new(
            Action::Apply {
                manifest: json!({"apiVersion": "v1", "kind": "List", "items": [
                    {"apiVersion": "v1", "kind": "List", "items": [
                        {"apiVersion": "v1", "kind": "NodeList", "items": [
                            {"metadata": {"name": "pi5-a", "labels": {"x": "y"}}}]}]}]}),
            },
            Origin::User,
        );
        assert_eq!(gate.tier(&node), Tier::Forbidden);
        let exec = Tripwire::default();
        let parts = [scale("web"), node, scale("api")];
        let atts = rt().block_on(gate.run_unit(&parts, &exec, &Yes)).unwrap();
        assert!(exec.ran.borrow().is_empty());
        assert!(
            atts.iter()
                .all(|a| a.outcome == Outcome::Skipped && a.approval == Approval::RefusedForbidden)
        );
        assert_eq!(atts[0].blocked_by, Some(BlockedBy::ForbiddenStep(1)));
        assert_eq!(atts[1].blocked_by, None);
        let recs = crate::audit::read(&d.path().join("a")).unwrap();
        assert_eq!(recs.len(), 6);
        assert!(
            recs.iter()
                .all(|r| r.unit.as_ref().is_some_and(|u| u.of == 3))
        );
    }

    #[test]
    fn a_unit_stops_at_the_failed_step_and_says_what_did_not_run() {
        let d = tempfile::tempdir().unwrap();
        let audit = AuditLog::new(d.path().join("a"), "test");
        let policy = Policy::default();
        let gate = yes_gate(&policy, &audit);
        let exec = Scripted {
            ran: RefCell::default(),
            fail: Some(1),
            hook: &|| {},
        };
        let parts = [scale("a"), scale("b"), scale("c")];
        let atts = rt().block_on(gate.run_unit(&parts, &exec, &Yes)).unwrap();
        assert_eq!(
            exec.ran.borrow().len(),
            2,
            "the step after the failure was sent"
        );
        assert_eq!(atts[0].outcome, Outcome::Ok);
        assert_eq!(atts[1].outcome, Outcome::Error);
        assert_eq!(atts[2].outcome, Outcome::Skipped);
        assert_eq!(atts[2].blocked_by, Some(BlockedBy::EarlierStepFailed(1)));
        let recs = crate::audit::read(&d.path().join("a")).unwrap();
        // All three decisions precede the first outcome.
        let phases: Vec<_> = recs.iter().map(|r| r.phase).collect();
        assert_eq!(&phases[..3], &[crate::audit::Phase::Decision; 3]);
        let last = recs.last().unwrap();
        assert_eq!(last.error.as_deref(), Some("not run: step 2 of 3 failed"));
    }
}
