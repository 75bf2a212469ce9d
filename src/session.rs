//! The acting session: the one way every front-end (CLI, MCP server, `serve`) acts on a cluster.
//!
//! # How a front-end uses it
//!
//! 1. Open an executor: the [`ClusterView`](crate::cluster::ClusterView) (live or snapshot) is
//!    one; tests use fakes. Build a [`Gate`] from the effective
//!    [`Policy`](crate::autonomy::Policy), the caller's [`GateInput`] (flags, and
//!    `interactive`: whether *your* [`Interaction`] can reach a person), the
//!    [`AuditLog`](crate::audit::AuditLog) and the clock.
//! 2. Implement [`Interaction`] — the human:
//!    - the terminal prompt (`cli::gate_ui::TerminalHuman`) shows the [`Ask`] and blocks on
//!      dialoguer: a synchronous implementation simply does its work inside the `async fn`;
//!    - an MCP server awaits an elicitation round-trip and answers
//!      [`Answer::Approved`] with [`Via::McpElicitation`] (and `by`, if the client says who);
//!    - `serve` stores the ask as an approval request ([`ApprovalRequest::from_ask`], it is
//!      serde) and answers [`Answer::Deferred`] with the request's id: the gate records
//!      `approval: deferred` with `request: <id>`, runs nothing, and the [`Attempt`] says so
//!      ([`Attempt::approval`] is `Deferred`, [`Attempt::request`] the id) — not "declined".
//!    - `--yes` is not an interaction: it is `GateInput::yes`, and the gate approves
//!      confirm-tier actions itself (`flag-yes`) without asking anyone. [`Unattended`] is the
//!      interaction for callers that can ask nobody (set `interactive: false`).
//! 3. `Session::new(gate, &executor, &human, origin)`, then for each action:
//!    [`Session::resolve_target`] (`KIND/NAME`, kubectl short names, CRDs through discovery),
//!    [`Session::propose`] (translates a Deployment `rollout-undo` into the patch kubectl
//!    sends, judged by the stricter of the two verbs), [`Session::run`] / [`Session::run_unit`]
//!    (policy → decision fsynced → ask → execute → outcome). Rendering is yours: the session
//!    never prints.
//! 4. Later, when a deferred request is approved: [`Session::execute_approved`] with the stored
//!    request and the approver. It refuses a request made against another context, runs a
//!    request at most once (the audit log is the ledger), re-judges the tier under the current
//!    policy, re-reads every target and re-computes its preview at the time it was shown: if
//!    that is not what the approver saw, the request is refused as stale (`refused-stale`,
//!    nothing sent). Otherwise it runs once, audited with `approval: approval-request`,
//!    `approver` and `request`.
//!
//! # The snapshot rule (one for every front-end)
//!
//! A snapshot cannot be changed, so on a snapshot ([`Executor::is_snapshot`]) every change is
//! previewed, never run: the session runs in dry-run mode (suggest-only is kept as asked).
//! Reads (get, describe, list, logs) are answered by the snapshot as it is. Two inputs are
//! refused ([`snapshot_check`]; the CLI: exit 2):
//!
//! - approving changes up front (`yes`): [`Error::SnapshotCannotChange`];
//! - a front-end that names one change ([`OnSnapshot::NeedsPreviewFlag`], `act`) without asking
//!   for a preview (`dry_run` or `suggest_only`): it must say it only previews, never silently
//!   turn into a dry run ([`Error::SnapshotNeedsPreview`]). Front-ends that run what they find
//!   ([`OnSnapshot::Preview`]: `fix`, workflows) are previewed.
//!
//! [`Session::new`] applies the rule, once, to the input the front-end gives (the input as
//! the user asked, never already rewritten). A front-end calls [`snapshot_check`] early, before
//! it gathers anything, to refuse at once and to say "previewed only" when that applies;
//! [`Session::snapshot_preview`] tells afterwards. Nothing runs against a snapshot, and no
//! front-end decides otherwise.
//!
//! # Errors
//!
//! [`Error`] is typed; the CLI maps it to exit codes in `error.rs`. A cluster that stopped
//! answering (unreachable, unauthorized) ends a run with [`Error::Cluster`] after the attempt's
//! outcome is recorded; any other failed action is an `Ok` attempt with `outcome: error`.

use serde::{Deserialize, Serialize};

use crate::action::{self, Action, Verb};
use crate::audit::{Outcome, Phase};
pub use crate::autonomy::GateInput as Input;
use crate::autonomy::{Approval, Decision, GateInput, Refusal, Tier};
use crate::cluster::{self, ObjRef};
pub use crate::gate::{
    Answer, Ask, Attempt, Executor, Gate, Interaction, Origin, Preview, Proposed, Via,
};

/// Why a session could not do what was asked (an action that failed is an attempt, not this).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Gate(#[from] crate::gate::Error),
    /// The cluster stopped answering or rejected our credentials.
    #[error(transparent)]
    Cluster(#[from] cluster::Error),
    /// The snapshot rule (see the module doc): changes were approved up front on a snapshot.
    #[error("a snapshot cannot be changed: approving changes (yes) on a snapshot is refused")]
    SnapshotCannotChange,
    /// The snapshot rule (see the module doc): one change was named on a snapshot without
    /// asking for a preview.
    #[error("a snapshot cannot be changed: on a snapshot a change can only be previewed")]
    SnapshotNeedsPreview,
    /// `KIND/NAME` did not name an object this cluster knows.
    #[error("{message}")]
    Target {
        message: String,
        hint: Option<String>,
    },
    /// A `rollout-undo` with nothing to go back to.
    #[error("{0}")]
    Translate(String),
    /// The approval request already ran (the audit log has its outcome).
    #[error("approval request {request} was already executed (audit record {id}); it runs once")]
    AlreadyExecuted { request: String, id: String },
    /// The approval request was made against another cluster.
    #[error(
        "approval request {request} was made for context {expected}; this session acts on {actual}"
    )]
    WrongContext {
        request: String,
        expected: String,
        actual: String,
    },
    /// The approval request has no steps.
    #[error("approval request {request} has no steps")]
    EmptyRequest { request: String },
    /// The audit log could not be read to check whether a request already ran.
    #[error("failed to read the audit log {}", path.display())]
    AuditRead {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// How a front-end's changes meet a snapshot (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnSnapshot {
    /// Every change is previewed (`fix`, workflows: they run what they find).
    Preview,
    /// A change must ask for a preview itself (`dry_run` or `suggest_only`): `act`, which
    /// names one change and must not silently turn into a dry run.
    NeedsPreviewFlag,
}

/// The snapshot rule's check (see the module doc), before anything is read: on a snapshot,
/// `Ok(true)` when changes will be previewed as a dry run (`Ok(false)` for suggest-only, and
/// off a snapshot), or the refusal. The session applies the rule itself; this only tells.
pub fn snapshot_check(
    is_snapshot: bool,
    input: &GateInput,
    on_snapshot: OnSnapshot,
) -> Result<bool, Error> {
    if !is_snapshot {
        return Ok(false);
    }
    if input.yes {
        return Err(Error::SnapshotCannotChange);
    }
    if on_snapshot == OnSnapshot::NeedsPreviewFlag && !input.dry_run && !input.suggest_only {
        return Err(Error::SnapshotNeedsPreview);
    }
    Ok(!input.suggest_only)
}

/// The input a session over a snapshot runs its changes with: dry-run unless suggest-only.
fn snapshot_rule(
    is_snapshot: bool,
    input: GateInput,
    on_snapshot: OnSnapshot,
) -> Result<GateInput, Error> {
    if !is_snapshot {
        return Ok(input);
    }
    snapshot_check(is_snapshot, &input, on_snapshot)?;
    Ok(GateInput {
        dry_run: input.dry_run || !input.suggest_only,
        ..input
    })
}

/// The interaction for callers that can ask nobody: declines (and is never asked when the
/// gate input says `interactive: false`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Unattended;

impl Interaction for Unattended {
    async fn confirm(&self, _: &Ask<'_>) -> std::io::Result<Answer> {
        Ok(Answer::Declined)
    }
}

/// Approves on behalf of the approver of a stored request.
struct Approver(Option<String>);

impl Interaction for Approver {
    async fn confirm(&self, _: &Ask<'_>) -> std::io::Result<Answer> {
        Ok(Answer::Approved {
            via: Via::ApprovalRequest,
            by: self.0.clone(),
        })
    }
}

/// A target resolved for an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub target: ObjRef,
    /// API groups discovery could not ask (say so: the kind may live there).
    pub skipped_groups: Vec<String>,
}

/// One step of an approval request: what was proposed and the change the approver is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestStep {
    pub proposed: Proposed,
    pub preview: Preview,
}

/// A deferred ask, as a front-end stores it (serde; a Kubernetes object's spec in `serve`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    /// The id [`Answer::Deferred`] returned (and the audit log's `request`).
    pub id: String,
    /// The executor's context the request was made against.
    pub context: String,
    /// The unit's tier when asked.
    pub tier: Tier,
    /// When the previews were computed.
    pub at: jiff::Timestamp,
    pub steps: Vec<RequestStep>,
}

impl ApprovalRequest {
    /// The request for an ask, to store before answering [`Answer::Deferred`] with `id`.
    pub fn from_ask(id: impl Into<String>, context: impl Into<String>, ask: &Ask<'_>) -> Self {
        Self {
            id: id.into(),
            context: context.into(),
            tier: ask.tier,
            at: ask.at,
            steps: ask
                .steps
                .iter()
                .map(|(p, pv)| RequestStep {
                    proposed: (*p).clone(),
                    preview: (*pv).clone(),
                })
                .collect(),
        }
    }
}

/// One acting session: the gate, the executor, the human and the default origin.
pub struct Session<'a, E: Executor, H: Interaction> {
    gate: Gate<'a>,
    /// The input as given: a unit of reads only is answered by the snapshot as it is.
    reads_input: crate::autonomy::GateInput,
    exec: &'a E,
    human: &'a H,
    origin: Origin,
}

impl<'a, E: Executor, H: Interaction> Session<'a, E, H> {
    /// Builds the session, applying the snapshot rule to the gate's input (every change on a
    /// snapshot is previewed: [`OnSnapshot::Preview`]).
    pub fn new(gate: Gate<'a>, exec: &'a E, human: &'a H, origin: Origin) -> Result<Self, Error> {
        Self::with_snapshot_rule(gate, exec, human, origin, OnSnapshot::Preview)
    }

    /// [`Session::new`] for a front-end whose changes meet a snapshot as `on_snapshot` says.
    pub fn with_snapshot_rule(
        mut gate: Gate<'a>,
        exec: &'a E,
        human: &'a H,
        origin: Origin,
        on_snapshot: OnSnapshot,
    ) -> Result<Self, Error> {
        let reads_input = gate.input;
        gate.input = snapshot_rule(exec.is_snapshot(), gate.input, on_snapshot)?;
        Ok(Self {
            gate,
            reads_input,
            exec,
            human,
            origin,
        })
    }

    pub fn gate(&self) -> &Gate<'a> {
        &self.gate
    }

    /// True when the snapshot rule applies: every action is only previewed.
    pub fn snapshot_preview(&self) -> bool {
        self.exec.is_snapshot()
    }

    pub fn executor(&self) -> &E {
        self.exec
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Resolves `KIND/NAME` (or a kind for `list`; anything for `apply`, which names its
    /// objects in the manifest) into a target: built-in kinds and kubectl short names first,
    /// then the cluster's discovery for any other kind (CRDs).
    pub async fn resolve_target(
        &self,
        verb: Verb,
        text: &str,
        default_ns: &str,
        all_namespaces: bool,
    ) -> Result<Resolved, Error> {
        let done = |target| {
            Ok(Resolved {
                target,
                skipped_groups: Vec::new(),
            })
        };
        if verb == Verb::Apply {
            return done(ObjRef::new("v1", "List", None, ""));
        }
        if verb == Verb::List && !text.contains('/') {
            let info = cluster::kinds::lookup(text).ok_or_else(|| Error::Target {
                message: format!("unknown kind `{text}`"),
                hint: None,
            })?;
            let ns = (!all_namespaces && info.namespaced).then_some(default_ns);
            return done(ObjRef::new(&info.api_version(), info.kind, ns, ""));
        }
        let e = match action::parse_target(verb, text, default_ns) {
            Ok(t) => return done(t),
            Err(e) => e,
        };
        let unknown = |e: String| Error::Target {
            message: e,
            hint: None,
        };
        let Some((kind, name)) = text.split_once('/') else {
            return Err(unknown(e));
        };
        if name.is_empty() || name.contains('/') {
            return Err(unknown(e));
        }
        let found = self.exec.find_kind(kind).await?;
        let skipped_groups = self.exec.skipped_groups();
        match found {
            Some(r) => {
                let ns = r.namespaced.then_some(default_ns);
                Ok(Resolved {
                    target: ObjRef::new(&r.api_version, &r.kind, ns, name),
                    skipped_groups,
                })
            }
            None if self.exec.is_snapshot() => Err(unknown(e)),
            None => Err(Error::Target {
                message: e,
                hint: Some(
                    "the cluster serves no such kind either (kubectl api-resources lists them)"
                        .into(),
                ),
            }),
        }
    }

    /// A proposal with the session's origin (see [`Session::propose_as`]).
    pub async fn propose(&self, action: Action) -> Result<Proposed, Error> {
        self.propose_as(action, self.origin.clone()).await
    }

    /// Turns a Deployment `rollout-undo` into the patch kubectl sends (the executor has no
    /// rollout-undo of its own) and returns it as a proposal that remembers what was
    /// requested, so the gate judges the stricter of the two verbs. Other actions pass
    /// through. [`Error::Translate`] when there is no revision to go back to.
    pub async fn propose_as(&self, action: Action, origin: Origin) -> Result<Proposed, Error> {
        let Action::RolloutUndo {
            target,
            to_revision,
        } = &action
        else {
            return Ok(Proposed::new(action, origin));
        };
        if target.kind != "Deployment" {
            return Ok(Proposed::new(action, origin));
        }
        let rs = self
            .exec
            .list("ReplicaSet", target.namespace.as_deref())
            .await?;
        let (rev, patch) = crate::change::rollout_undo_patch(target, &rs, *to_revision)
            .map_err(Error::Translate)?;
        let mut p = Proposed::new(patch, origin);
        p.rationale = Some(format!(
            "rollout undo: restore the pod template of revision {rev}"
        ));
        p.requested = Some(action);
        Ok(p)
    }

    /// Runs one proposal through the gate (see [`Session::run_unit`]).
    pub async fn run(&self, p: &Proposed) -> Result<Attempt, Error> {
        let mut all = self.run_unit(std::slice::from_ref(p)).await?;
        Ok(all.remove(0))
    }

    /// Runs the steps of one change as a unit (see [`Gate::run_unit`]). A cluster that
    /// stopped answering ends the run after the outcome is recorded.
    pub async fn run_unit(&self, parts: &[Proposed]) -> Result<Vec<Attempt>, Error> {
        // The snapshot rule previews changes; reads (get, describe, list, logs) are answered
        // by the snapshot itself, as a live cluster would answer them.
        let reads_only = !parts.is_empty() && parts.iter().all(|p| p.action.is_read());
        let reads_gate;
        let gate = if self.exec.is_snapshot() && reads_only {
            reads_gate = Gate {
                input: self.reads_input,
                ..self.gate
            };
            &reads_gate
        } else {
            &self.gate
        };
        let attempts = gate
            .run_unit_for(parts, self.exec, self.human, None, None)
            .await?;
        lift_unreachable(attempts)
    }

    /// Executes an approved request once (see the module doc). `approver` is recorded.
    pub async fn execute_approved(
        &self,
        req: &ApprovalRequest,
        approver: Option<&str>,
    ) -> Result<Vec<Attempt>, Error> {
        if req.steps.is_empty() {
            return Err(Error::EmptyRequest {
                request: req.id.clone(),
            });
        }
        let actual = self.exec.context();
        if actual != req.context {
            return Err(Error::WrongContext {
                request: req.id.clone(),
                expected: req.context.clone(),
                actual,
            });
        }
        let dir = self.gate.audit.dir();
        let records = if dir.exists() {
            crate::audit::read(dir).map_err(|source| Error::AuditRead {
                path: dir.to_path_buf(),
                source,
            })?
        } else {
            Vec::new()
        };
        if let Some(r) = records.iter().find(|r| {
            r.request.as_deref() == Some(req.id.as_str())
                && r.phase == Phase::Outcome
                && r.outcome != Some(Outcome::Skipped)
        }) {
            return Err(Error::AlreadyExecuted {
                request: req.id.clone(),
                id: r.id.clone(),
            });
        }
        let parts: Vec<Proposed> = req.steps.iter().map(|s| s.proposed.clone()).collect();
        let mut stale = false;
        for s in &req.steps {
            let now = self
                .gate
                .preview_or_note_at(&s.proposed.action, self.exec, req.at)
                .await?;
            stale |= now != s.preview;
        }
        let forced = if stale {
            Decision::Refuse(Refusal::Stale)
        } else {
            Decision::Ask
        };
        let human = Approver(approver.map(str::to_string));
        let attempts = self
            .gate
            .run_unit_for(
                &parts,
                self.exec,
                &human,
                Some(req.id.clone()),
                Some(forced),
            )
            .await?;
        lift_unreachable(attempts)
    }
}

/// A cluster that stopped answering ends the run (its outcome is already recorded).
fn lift_unreachable(mut attempts: Vec<Attempt>) -> Result<Vec<Attempt>, Error> {
    for attempt in &mut attempts {
        if matches!(
            attempt.error,
            Some(cluster::Error::Unreachable { .. } | cluster::Error::Unauthorized { .. })
        ) && let Some(e) = attempt.error.take()
        {
            return Err(Error::Cluster(e));
        }
    }
    Ok(attempts)
}

/// Counts of what happened to a run's actions (the CLI turns them into its exit code).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub ran: usize,
    pub declined: usize,
    pub refused: usize,
    pub failed: usize,
    /// Steps of a change held back because an earlier step failed.
    pub not_run: usize,
    /// Dry runs and suggestions: shown, not run.
    pub shown: usize,
    /// Deferred to an approval request: not run yet.
    pub waiting: usize,
}

impl Tally {
    pub fn add(&mut self, a: &Attempt) {
        if let Some(crate::gate::BlockedBy::EarlierStepFailed(_)) = a.blocked_by {
            self.not_run += 1;
            return;
        }
        match (a.approval, a.outcome) {
            (_, Outcome::Ok) => self.ran += 1,
            (_, Outcome::Error) => self.failed += 1,
            (Approval::Declined, _) => self.declined += 1,
            (Approval::Deferred, _) => self.waiting += 1,
            (Approval::DryRun | Approval::SuggestOnly, _) => self.shown += 1,
            _ => self.refused += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.ran
            + self.declined
            + self.refused
            + self.failed
            + self.not_run
            + self.shown
            + self.waiting
    }

    pub fn summary(&self) -> String {
        let not_run = if self.not_run > 0 {
            format!(", {} not run after a failed step", self.not_run)
        } else {
            String::new()
        };
        let waiting = if self.waiting > 0 {
            format!(", {} waiting for approval", self.waiting)
        } else {
            String::new()
        };
        format!(
            "{} ran, {} declined, {} refused, {} failed{not_run}, {} shown only{waiting}",
            self.ran, self.declined, self.refused, self.failed, self.shown
        )
    }
}

#[cfg(test)]
mod tests;
