//! Running a unit through the gate: decide, ask, record the decision (flushed), execute,
//! record the outcome — and the previews the prompt and the audit log show.

use crate::action::Action;
use crate::audit::Outcome;
use crate::autonomy::{Approval, Decision, Refusal, Tier, decide};
use crate::cluster;

use super::policy::*;
use super::types::*;

impl Gate<'_> {
    /// When the outcome happened: the run's clock plus the time the attempt took (whole
    /// seconds under a fixed test clock stay stable; real runs get the real duration).
    fn outcome_time(&self, started: std::time::Instant) -> jiff::Timestamp {
        let took = jiff::SignedDuration::try_from(started.elapsed()).unwrap_or_default();
        self.now.checked_add(took).unwrap_or(self.now)
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
            let mut out = rec.outcome_of(self.outcome_time(started), attempt.outcome, error);
            // An exec's exit code and (masked, bounded) output, whether it succeeded or not.
            if matches!(parts[i].action, Action::Exec { .. }) {
                out.exec = (attempt.result.as_ref())
                    .or(attempt.error.as_ref().and_then(cluster::Error::exec_output))
                    .and_then(crate::audit::ExecSummary::from_output);
            }
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
                note: Some(crate::change::describe_with(action, &before)),
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
