//! `kubectl claude fix`: diagnose, then walk the root causes' proposed changes through the
//! autonomy gate one by one.
//!
//! The diagnosis is `diagnose`'s (same recipes, scope and linking); only root causes are acted
//! on, because fixing a symptom hides its cause. Reads are left to `diagnose`; every change goes
//! through [`crate::gate::Gate`] with origin `recipe:<id>`.

use std::fmt::Write as _;

use clap::Args;

use super::Ctx;
use super::gate_ui::{self, SafetyFlags, Tally};
use super::gather::FailOn;
use crate::error::Result;
use crate::finding::link;
use crate::gate::{Gate, Origin};
use crate::recipes;
use crate::ui::Style;

/// Diagnose, then propose each root cause's fix through the autonomy gate
///
/// Runs the diagnose recipes, shows each root cause, and walks its proposed changes one by
/// one: safe ones run, confirm-tier ones show the exact change and ask (or need --yes),
/// forbidden ones are refused with the command a human could run. Symptoms are not acted on.
/// With --snapshot, changes are previewed only (--dry-run, or --suggest-only); --yes is refused.
///
/// Exit codes: 0 every chosen change ran, was declined, or was only shown (--dry-run,
/// --suggest-only) · 1 an executed change failed · 3 a change was refused (forbidden,
/// --read-only, or no terminal without --yes) and none failed · 4 the cluster stopped answering
/// · 6 the audit log could not be written (nothing further runs).
///
/// Examples:
///   kubectl claude fix
///   kubectl claude fix --recipe flux -n flux-system --dry-run
///   kubectl claude fix --suggest-only --snapshot examples/snapshots/helmrelease-oomkilled
///   kubectl claude fix --recipe workloads --yes
///   kubectl claude fix --read-only --fail-on error
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct FixArgs {
    #[command(flatten)]
    pub selection: super::gather::RecipeSelection,
    /// Act on root causes at or above this severity
    #[arg(long, value_enum, default_value_t = FailOn::Warning, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub safety: SafetyFlags,
}

pub async fn run(ctx: &Ctx, args: &FixArgs) -> Result<u8> {
    // The snapshot rule (see `crate::session`), before anything is gathered: previewed only;
    // --yes with --snapshot is refused.
    let input = args.safety.input(&ctx.ui);
    let input = crate::session::snapshot_rule(ctx.global.snapshot.is_some(), input)?;
    if ctx.global.snapshot.is_some() && !input.suggest_only {
        ctx.ui
            .status("snapshot: actions are previewed only (--dry-run)");
    }
    let chosen = super::gather::select_recipes(ctx, &args.selection.recipes);
    let (view, inv) = super::gather::gather_for(ctx, &chosen, true).await?;

    let policy = gate_ui::policy(ctx)?;
    let findings = link(recipes::run(&chosen, &inv).findings, &policy);
    let audit = gate_ui::audit_log(ctx, &gate_ui::view_context(&view));
    let gate = Gate {
        policy: &policy,
        input,
        audit: &audit,
        now: ctx.env.now(),
    };
    let human = gate_ui::TerminalHuman::new(&ctx.ui);
    let session = gate_ui::session(gate, &view, &human, Origin::User)?;
    let mut tally = Tally::default();
    let roots = findings
        .iter()
        .filter(|f| f.root_cause && args.fail_on.reached_by(f.severity));
    let mut acted_on = 0;
    for f in roots {
        let changes: Vec<_> = f
            .actions
            .iter()
            .filter_map(|v| v.action.as_ref().map(|a| (a, v)))
            .filter(|(a, _)| !a.is_read())
            .collect();
        acted_on += 1;
        let mut head = String::new();
        let _ = writeln!(
            head,
            "\n{} {}  {}",
            ctx.ui
                .paint(false, Style::Bold, &f.severity.as_str().to_uppercase()),
            ctx.ui.paint(false, Style::Bold, &f.object.display()),
            ctx.ui.paint(false, Style::Dim, &f.id)
        );
        let _ = writeln!(head, "  {}", f.title);
        for e in f.evidence.iter().take(3) {
            let _ = writeln!(head, "  · {e}");
        }
        if changes.is_empty() {
            let _ = writeln!(
                head,
                "  no change proposed; `kubectl claude diagnose` lists what to read next"
            );
        }
        ctx.ui.status(head.trim_end_matches('\n'));
        // A remediation of several writes is one unit: previewed and approved together, and a
        // failure part-way stops the rest and is reported as such (never half a fix silently).
        let mut unit = Vec::with_capacity(changes.len());
        for (action, view_) in changes {
            let origin = Origin::Recipe(f.recipe.to_string());
            let mut p = match session.propose_as(action.clone(), origin.clone()).await {
                // Nothing to translate into (no earlier revision): the gate still sees and audits
                // the request, and the executor reports it.
                Ok(p) => p,
                Err(_) => crate::gate::Proposed::new(action.clone(), origin),
            };
            p.rationale = Some(view_.rationale.clone());
            p.gitops_managed = view_.gitops_managed;
            unit.push(p);
        }
        if unit.is_empty() {
            continue;
        }
        let attempts = session.run_unit(&unit).await?;
        let (mut ran, mut failed) = (0, false);
        for (p, attempt) in unit.iter().zip(&attempts) {
            gate_ui::report(ctx, p, attempt)?;
            tally.add(attempt);
            ran += usize::from(attempt.ran());
            failed |= attempt.outcome == crate::audit::Outcome::Error;
        }
        if failed && unit.len() > 1 {
            ctx.ui.error_line(
                "partial:",
                &format!(
                    "{ran} of {} steps of this fix ran before one failed; the fix is incomplete",
                    unit.len()
                ),
            );
        }
    }
    if acted_on == 0 {
        // Not a clean bill of health when part of the cluster was not seen.
        let gaps = super::gather::not_checked(&inv);
        ctx.ui.status(&format!(
            "nothing to fix: no root cause at or above {} in {}{}",
            format!("{:?}", args.fail_on).to_lowercase(),
            if gaps.is_empty() {
                ""
            } else {
                "what could be read from "
            },
            view.describe()
        ));
        if !gaps.is_empty() {
            ctx.ui.warn(&format!("not checked: {}", gaps.join("; ")));
        }
    }
    ctx.ui.status(&format!("\nfix: {}", tally.summary()));
    Ok(gate_ui::exit_code(&tally))
}
