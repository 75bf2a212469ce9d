//! `kubectl claude act`: one typed action from the command line, through the autonomy gate.
//!
//! Parses the verb and `KIND/NAME` into an [`Action`](crate::action::Action) (never a shell
//! string), then hands it to [`crate::gate::Gate`] with origin `user`. Rendering lives in
//! [`super::gate_ui`].

use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use super::gate_ui::{self, SafetyFlags};
use crate::action::{self, Params, PatchType, Verb};
use crate::audit::Outcome;
use crate::cluster::ClusterView;
use crate::cluster::snapshot::SnapshotCluster;
use crate::error::{EXIT_OK, Error, Result};
use crate::gate::{Attempt, Gate, Origin, Proposed};
use crate::session::{OnSnapshot, Session, snapshot_check};

/// Run one action on the cluster through the autonomy gate
#[derive(Debug, Args)]
#[command(long_about = long_about())]
pub struct ActArgs {
    /// The verb
    #[arg(value_enum, hide_possible_values = true)]
    pub verb: Verb,
    /// KIND/NAME (kubectl short names work); a kind for `list`; none for `apply -f`
    pub target: Option<String>,
    /// scale: the replica count
    #[arg(long, value_name = "N")]
    pub replicas: Option<i32>,
    /// patch: how the patch is interpreted
    #[arg(long = "type", value_name = "TYPE", value_enum, default_value_t = PatchType::Strategic)]
    pub patch_type: PatchType,
    /// patch: the patch body (JSON or YAML)
    #[arg(short = 'p', long, value_name = "PATCH")]
    pub patch: Option<String>,
    /// apply: the manifest file (`-` for stdin)
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// rollout-undo: the revision to go back to
    #[arg(long, value_name = "N")]
    pub to_revision: Option<i64>,
    /// argo-rollback: the history id
    #[arg(long, value_name = "ID")]
    pub history_id: Option<i64>,
    /// reconcile: also reconcile the Flux source first
    #[arg(long)]
    pub with_source: bool,
    /// reconcile: reset the HelmRelease failure counters
    #[arg(long)]
    pub reset: bool,
    /// reconcile: force a one-off HelmRelease upgrade
    #[arg(long)]
    pub force: bool,
    /// logs, exec: the container
    #[arg(short = 'c', long, value_name = "NAME")]
    pub container: Option<String>,
    /// logs: the previous instance
    #[arg(long)]
    pub previous: bool,
    /// label-node: KEY=VALUE
    #[arg(long, value_name = "KEY=VALUE")]
    pub label: Option<String>,
    /// taint-node: KEY=VALUE:EFFECT
    #[arg(long, value_name = "TAINT")]
    pub taint: Option<String>,
    /// restart-pod: seconds the pod gets to stop (like `kubectl delete --grace-period`)
    #[arg(long, value_name = "SECONDS")]
    pub grace_period: Option<i64>,
    /// exec: the command to run in the pod, after `--`
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
    /// Why (recorded in the audit log and shown in the prompt)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    #[command(flatten)]
    pub safety: SafetyFlags,
}

/// The long help; the verb list is generated from the verb table.
fn long_about() -> String {
    format!(
        "Run one action on the cluster through the autonomy gate

Safe actions (reads) run; confirm-tier actions show the exact change and ask on a
terminal (without one they are refused unless --yes); forbidden actions (drain, cordon,
node deletes, resets…) are refused whatever the flags, with the command a human could run.
Every attempt is recorded in the audit log (`kubectl claude audit`).

{}

Examples:
  kubectl claude act scale deployment/web --replicas 3 -n shop
  kubectl claude act reconcile kustomization/apps -n flux-system --with-source
  kubectl claude act patch deployment/web -n shop --type merge -p '{{\"spec\":{{\"replicas\":2}}}}'
  kubectl claude act rollout-restart deploy/web -n shop --dry-run
  kubectl claude act apply -f fix.yaml --suggest-only
  kubectl claude act exec pod/web-1 -n shop -c web -- sh -c 'nginx -t'
  kubectl claude act drain node/pi5-a        # refused (forbidden), exit 3",
        action::help_text()
    )
}

fn params(ctx: &Ctx, args: &ActArgs) -> Result<Vec<Params>> {
    let patch_type = args.patch_type;
    let patch = match &args.patch {
        Some(p) => Some(
            crate::manifest::yaml::parse_one::<serde_json::Value>(p)
                .map_err(|e| Error::usage(format!("-p is not valid JSON or YAML: {e}")))?,
        ),
        None => None,
    };
    let base = Params {
        replicas: args.replicas,
        patch_type: Some(patch_type),
        patch,
        to_revision: args.to_revision,
        history_id: args.history_id,
        manifest: None,
        with_source: args.with_source,
        reset: args.reset,
        force: args.force,
        container: args.container.clone(),
        previous: args.previous,
        label: args.label.clone(),
        taint: args.taint.clone(),
        grace_period_seconds: args.grace_period,
        command: (!args.command.is_empty()).then(|| args.command.clone()),
    };
    let Some(file) = &args.file else {
        return Ok(vec![base]);
    };
    let text = if file.as_os_str() == "-" {
        ctx.read_stdin()
            .map_err(|e| Error::io("read", "<stdin>", e))?
    } else {
        std::fs::read_to_string(file).map_err(|e| Error::io("read", file, e))?
    };
    let docs = crate::manifest::parse_stream(&text)
        .map_err(|e| Error::usage(format!("{}: {e}", file.display())))?;
    if docs.is_empty() {
        return Err(Error::usage(format!("{}: no objects", file.display())));
    }
    Ok(docs
        .into_iter()
        .map(|m| Params {
            manifest: Some(m),
            ..base.clone()
        })
        .collect())
}

pub async fn run(ctx: &Ctx, args: &ActArgs) -> Result<u8> {
    let verb = args.verb;
    if verb == Verb::Apply && args.file.is_none() {
        return Err(Error::usage_hint(
            "`apply` needs -f FILE",
            "kubectl claude act apply -f fix.yaml",
        ));
    }
    let all_params = params(ctx, args)?;
    let policy = gate_ui::policy(ctx)?;

    // Refusing a forbidden action needs no cluster: decide it even when none is reachable.
    // The namespace the command would use (the context's), read without connecting.
    let guess_ns =
        crate::cluster::kubeconfig::context_namespace(&super::cluster_view::connect_options(ctx));
    // True when every requested action builds (without connecting) and satisfies `test`.
    let every_action = |test: &dyn Fn(&action::Action) -> bool| {
        !all_params.is_empty()
            && all_params.iter().all(|p| {
                args.target
                    .as_deref()
                    .and_then(|t| action::parse_target(verb, t, &guess_ns).ok())
                    .and_then(|target| action::build(verb, target, p).ok())
                    .is_some_and(|a| test(&a))
            })
    };
    let all_forbidden = every_action(&|a| policy.tier(a) == crate::autonomy::Tier::Forbidden);
    let input = args.safety.input(&ctx.ui);
    let human = gate_ui::TerminalHuman::new(&ctx.ui);
    if all_forbidden {
        // The context it would have used, read without connecting.
        let context =
            crate::cluster::kubeconfig::context_name(&super::cluster_view::connect_options(ctx))
                .unwrap_or_else(|| "(no kubeconfig)".into());
        let exec = crate::gate::Unconnected {
            context: context.clone(),
        };
        let audit = gate_ui::audit_log(ctx, &context);
        let gate = Gate {
            policy: &policy,
            input,
            audit: &audit,
            now: ctx.env.now(),
        };
        let session = Session::new(gate, &exec, &human, Origin::User)?;
        let mut proposals = Vec::new();
        for p in &all_params {
            let t = args.target.as_deref().unwrap_or_default();
            let target = action::parse_target(verb, t, &guess_ns).map_err(Error::usage)?;
            let a = action::build(verb, target, p).map_err(Error::usage)?;
            // A refusal needs no translation (and has no cluster to translate against).
            let mut prop = Proposed::new(a, Origin::User);
            prop.rationale = args.reason.clone();
            proposals.push(prop);
        }
        let attempts = session.run_unit(&proposals).await?;
        return finish(ctx, &proposals, attempts);
    }
    // A snapshot answers reads (get, describe, list, logs) as they are; every other action
    // falls under the snapshot rule (see `crate::session`), applied before the snapshot is read.
    let all_reads = every_action(&|a| a.is_read()) || (verb == Verb::List && args.target.is_some());
    // `act` names one change: on a snapshot it must say it only previews (it never
    // silently turns into a dry run). Checked before the snapshot is read; the session
    // applies the same rule.
    let on_snapshot = if all_reads {
        OnSnapshot::Preview
    } else {
        OnSnapshot::NeedsPreviewFlag
    };
    if snapshot_check(ctx.global.snapshot.is_some(), &input, on_snapshot)? && !all_reads {
        ctx.ui
            .status("snapshot: actions are previewed only (--dry-run)");
    }
    let (place, default_ns) = if let Some(dir) = &ctx.global.snapshot {
        (
            ClusterView::Snapshot(SnapshotCluster::load(dir)?),
            ctx.global
                .namespace
                .clone()
                .unwrap_or_else(|| "default".into()),
        )
    } else {
        let l = super::cluster_view::live_cluster(ctx).await?;
        let ns = l.default_namespace().to_string();
        (ClusterView::Live(Box::new(l)), ns)
    };
    let audit = gate_ui::audit_log(ctx, &gate_ui::view_context(&place));
    let gate = Gate {
        policy: &policy,
        input,
        audit: &audit,
        now: ctx.env.now(),
    };
    let session = Session::with_snapshot_rule(gate, &place, &human, Origin::User, on_snapshot)?;

    let mut proposals = Vec::new();
    for p in &all_params {
        let text = match (&args.target, verb) {
            (_, Verb::Apply) => "",
            (Some(t), _) => t.as_str(),
            (None, _) => {
                return Err(Error::usage_hint(
                    format!("`{verb}` needs a target KIND/NAME"),
                    format!("kubectl claude act {verb} deployment/web"),
                ));
            }
        };
        let resolved = session
            .resolve_target(verb, text, &default_ns, ctx.global.all_namespaces)
            .await?;
        // Say which groups could not be asked: the kind may live there.
        for g in &resolved.skipped_groups {
            ctx.ui.warn(&format!("skipped API group {g}"));
        }
        let a = action::build(verb, resolved.target, p).map_err(Error::usage)?;
        // `rollout undo` of a Deployment becomes the patch kubectl would send.
        let mut prop = session.propose(a).await?;
        prop.rationale = args.reason.clone().or(prop.rationale);
        proposals.push(prop);
    }

    // Every document of `apply -f` is one change: judged, previewed and approved together,
    // so a forbidden document refuses the whole apply before anything is sent.
    let attempts = session.run_unit(&proposals).await?;
    finish(ctx, &proposals, attempts)
}

/// What an exec printed, as `kubectl exec` shows it: its stdout on stdout, its stderr on
/// stderr — also when it failed, since that output is usually why.
fn show_exec_output(ctx: &Ctx, attempt: &Attempt) -> std::io::Result<()> {
    let Some(out) = (attempt.result.as_ref())
        .or(attempt.error.as_ref().and_then(|e| e.exec_output()))
        .and_then(|v| serde_json::from_value::<ExecShown>(v.clone()).ok())
    else {
        return Ok(());
    };
    ctx.ui.out(&out.stdout)?;
    if !out.stderr.is_empty() {
        ctx.ui.status(out.stderr.trim_end_matches('\n'));
    }
    if out.stdout_truncated || out.stderr_truncated {
        ctx.ui.warn(&format!(
            "output cut at {} KiB per stream",
            crate::cluster::live::EXEC_OUTPUT_LIMIT / 1024
        ));
    }
    Ok(())
}

/// The part of an exec's output `act` shows.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecShown {
    stdout: String,
    stderr: String,
    stdout_truncated: bool,
    stderr_truncated: bool,
}

/// Reports the attempts of one `act` and turns them into the exit status.
fn finish(ctx: &Ctx, proposals: &[Proposed], attempts: Vec<Attempt>) -> Result<u8> {
    let mut refused = None;
    let mut failed = None;
    let mut not_run = 0;
    for (p, attempt) in proposals.iter().zip(attempts) {
        if let Some(crate::gate::BlockedBy::EarlierStepFailed(_)) = attempt.blocked_by {
            gate_ui::report(ctx, p, &attempt)?;
            not_run += 1;
            continue;
        }
        if matches!(p.action, action::Action::Exec { .. }) {
            show_exec_output(ctx, &attempt)?;
        }
        match attempt.outcome {
            Outcome::Error => {
                gate_ui::report(ctx, p, &attempt)?;
                failed = attempt.error;
            }
            Outcome::Skipped
                if attempt.refusal.is_some()
                    || attempt.approval == crate::autonomy::Approval::Declined =>
            {
                // The forbidden step speaks for the unit; the others only say they were held.
                if refused.is_none() || attempt.blocked_by.is_none() {
                    refused = Some(gate_ui::refusal(p, &attempt));
                }
            }
            _ => gate_ui::report(ctx, p, &attempt)?,
        }
    }
    if not_run > 0 {
        ctx.ui.status(&format!(
            "partial: {} of {} documents applied before a failure; {not_run} not sent",
            proposals.len() - not_run - 1,
            proposals.len()
        ));
    }
    if let Some(e) = failed {
        return Err(e.into());
    }
    if let Some((message, hints)) = refused {
        return Err(Error::Refused { message, hints });
    }
    Ok(EXIT_OK)
}
