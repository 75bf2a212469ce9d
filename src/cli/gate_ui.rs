//! The terminal side of the gate, shared by `act`, `fix` and `workflow run`: the safety flags,
//! the confirm prompt (target, rationale, exact change), and how refusals, dry runs and
//! suggestions are shown. Data (diffs for `--dry-run`, patches for `--suggest-only`, what a read
//! returned) goes to stdout; the conversation goes to stderr.

use std::fmt::Write as _;

use clap::Args;
use serde_json::Value;

use super::Ctx;
use crate::audit::{AuditLog, Outcome};
use crate::autonomy::{Approval, GateInput, Policy, Refusal, Tier, forbidden_reason};
use crate::gate::{Answer, Ask, Attempt, Interaction, Preview, Proposed, Via};
pub use crate::session::Tally;
use crate::ui::{Style, Ui};

/// The flags every acting command takes.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Safety")]
pub struct SafetyFlags {
    /// (dangerous) Approve confirm-tier actions without asking; forbidden actions stay refused
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Show what would run and the exact change; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse everything that is not safe (reads only)
    #[arg(long, conflicts_with = "suggest_only")]
    pub read_only: bool,
    /// Print the changes as patches to commit to Git, with the manual commands; change nothing
    #[arg(long)]
    pub suggest_only: bool,
}

impl SafetyFlags {
    /// The gate's input: the flags plus whether a human can be asked.
    pub fn input(&self, ui: &Ui) -> GateInput {
        GateInput {
            yes: self.yes,
            dry_run: self.dry_run,
            read_only: self.read_only,
            suggest_only: self.suggest_only,
            interactive: ui.can_prompt(),
        }
    }

    /// True when nothing may be changed, so a snapshot is acceptable.
    pub fn changes_nothing(&self) -> bool {
        self.dry_run || self.suggest_only
    }
}

/// The effective policy: built-in floor, then config (and the team settings.json it names).
pub fn policy(ctx: &Ctx) -> crate::error::Result<Policy> {
    Ok(Policy::new(ctx.config()?.autonomy.clone()))
}

/// The audit log for this run.
pub fn audit_log(ctx: &Ctx, context: &str) -> AuditLog {
    AuditLog::new(ctx.paths.audit_dir(), context)
}

/// Asks on the terminal through [`Ui::confirm`], after showing what would change.
pub struct TerminalHuman<'a> {
    pub ui: &'a Ui,
    /// `workflow run --queue-approvals NS` (what `serve` runs): asks become pending
    /// ApprovalRequest objects instead of prompts.
    pub queue: Option<crate::serve::approvals::Queue>,
}

impl<'a> TerminalHuman<'a> {
    pub fn new(ui: &'a Ui) -> Self {
        Self { ui, queue: None }
    }
}

impl Interaction for TerminalHuman<'_> {
    async fn confirm(&self, ask: &Ask<'_>) -> std::io::Result<Answer> {
        if let Some(q) = &self.queue {
            let a = q.confirm(ask).await?;
            if let Answer::Deferred { request } = &a {
                self.ui.status(&format!(
                    "queued for approval: kubectl claude approvals show {request} -n {}",
                    q.namespace
                ));
            }
            return Ok(a);
        }
        eprint!("{}", render_ask(self.ui, ask));
        // A blocking prompt inside the async fn: the CLI runs one action at a time.
        Ok(if self.ui.confirm("Apply this change?")? {
            Answer::Approved {
                via: Via::Terminal,
                by: None,
            }
        } else {
            Answer::Declined
        })
    }
}

/// The CLI's acting session: the cluster view it opened and the terminal.
pub type CliSession<'a> =
    crate::session::Session<'a, crate::cluster::ClusterView, TerminalHuman<'a>>;

/// Builds the CLI's session over `view` (the snapshot rule applies: see [`crate::session`]).
pub fn session<'a>(
    gate: crate::gate::Gate<'a>,
    view: &'a crate::cluster::ClusterView,
    human: &'a TerminalHuman<'a>,
    origin: crate::gate::Origin,
) -> crate::error::Result<CliSession<'a>> {
    Ok(crate::session::Session::new(gate, view, human, origin)?)
}

fn tier_style(t: Tier) -> Style {
    match t {
        Tier::Safe => Style::Green,
        Tier::Confirm => Style::Yellow,
        Tier::Forbidden => Style::Red,
    }
}

/// The proposal block shown before a prompt or a dry run (stderr): every step of the unit.
pub fn render_ask(ui: &Ui, ask: &Ask<'_>) -> String {
    let mut out = String::new();
    let n = ask.steps.len();
    if n > 1 {
        let _ = writeln!(
            out,
            "{} {}",
            ui.paint(
                false,
                Style::Bold,
                &format!("one change in {n} steps, approved together")
            ),
            ui.paint(
                false,
                tier_style(ask.tier),
                &format!("[{}]", ask.tier.as_str())
            )
        );
    }
    for (i, (p, pv)) in ask.steps.iter().enumerate() {
        let step = if n > 1 {
            format!("step {}/{n}: ", i + 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{step}{} {} {}",
            ui.paint(false, Style::Bold, p.action.verb()),
            ui.paint(false, Style::Bold, &target_label(&p.action)),
            ui.paint(
                false,
                tier_style(ask.tier),
                &format!("[{}]", ask.tier.as_str())
            )
        );
        if let Some(r) = &p.rationale {
            let _ = writeln!(out, "  why:     {r}");
        }
        let _ = writeln!(out, "  origin:  {}", p.origin);
        let _ = writeln!(out, "  command: {}", shown_command(&p.action));
        if p.gitops_managed {
            let _ = writeln!(
                out,
                "  {} managed by GitOps: commit the same change to Git or it will be reverted",
                ui.paint(false, Style::Yellow, "note:")
            );
        }
        out.push_str(&render_preview(ui, false, pv));
    }
    out
}

/// The manual command as shown and recorded: secret values masked (the audit log's form).
pub fn shown_command(a: &crate::action::Action) -> String {
    crate::audit::mask_command(a)
}

/// What an action is about, for people: a `List` manifest is named by its items, a manifest
/// without a name by its kind (never `List/`).
pub fn target_label(a: &crate::action::Action) -> String {
    let crate::action::Action::Apply { manifest } = a else {
        return a.target_display();
    };
    let kind = manifest.get("kind").and_then(Value::as_str).unwrap_or("");
    if let Some(items) = manifest.get("items").and_then(Value::as_array) {
        let inner = kind.strip_suffix("List").filter(|k| !k.is_empty());
        let names: Vec<String> = items
            .iter()
            .take(3)
            .map(|i| {
                let k = i
                    .get("kind")
                    .and_then(Value::as_str)
                    .or(inner)
                    .unwrap_or("object");
                match i.pointer("/metadata/name").and_then(Value::as_str) {
                    Some(n) => format!("{k}/{n}"),
                    None => k.to_string(),
                }
            })
            .collect();
        let more = items.len().saturating_sub(3);
        return format!(
            "{} ({} item{}: {}{})",
            if kind.is_empty() { "List" } else { kind },
            items.len(),
            if items.len() == 1 { "" } else { "s" },
            names.join(", "),
            if more > 0 {
                format!(", … {more} more")
            } else {
                String::new()
            }
        );
    }
    match manifest.pointer("/metadata/name").and_then(Value::as_str) {
        Some(n) if !n.is_empty() => a.target_display(),
        _ if kind.is_empty() => "a manifest without a kind".into(),
        _ => format!("{kind} (no name)"),
    }
}

/// The change: a coloured unified diff and/or a note.
pub fn render_preview(ui: &Ui, on_stdout: bool, pv: &Preview) -> String {
    let mut out = String::new();
    if let Some(n) = &pv.note {
        let _ = writeln!(out, "  change:  {}", crate::redact::redact(n));
    }
    if !pv.diff.is_empty() {
        if pv.note.is_none() {
            let _ = writeln!(out, "  change:");
        }
        // Credentials in the diff (an env value named like a token) are masked; the -/+ pair
        // still shows that the value changed.
        let diff = crate::redact::redact(&pv.diff);
        for l in diff.lines() {
            let styled = if l.starts_with("+++") || l.starts_with("---") {
                ui.paint(on_stdout, Style::Bold, l)
            } else if l.starts_with('+') {
                ui.paint(on_stdout, Style::Green, l)
            } else if l.starts_with('-') {
                ui.paint(on_stdout, Style::Red, l)
            } else if l.starts_with("@@") {
                ui.paint(on_stdout, Style::Cyan, l)
            } else {
                l.to_string()
            };
            let _ = writeln!(out, "    {styled}");
        }
    }
    out
}

/// The `--suggest-only` document for one proposal (stdout): a commented YAML document with the
/// patch to commit, or only the manual command for imperative verbs.
pub fn render_suggestion(p: &Proposed, tier: Tier) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# {} {} [{}] (origin {})",
        p.action.verb(),
        target_label(&p.action),
        tier.as_str(),
        p.origin
    );
    if let Some(r) = &p.rationale {
        for line in r.lines() {
            let _ = writeln!(out, "# why: {line}");
        }
    }
    let _ = writeln!(out, "# manual: {}", shown_command(&p.action));
    match crate::change::git_patch(&p.action) {
        Some((kind, doc)) => {
            let _ = writeln!(out, "# patch type: {kind}");
            out.push_str(&crate::manifest::to_yaml(&doc));
        }
        None => {
            let _ = writeln!(
                out,
                "# nothing to commit: an imperative action; run the command above by hand"
            );
        }
    }
    out.push_str("---\n");
    out
}

/// Why an attempt was refused, with what the user can do (for `Error::Refused`).
pub fn refusal(p: &Proposed, a: &Attempt) -> (String, Vec<String>) {
    // Speak of what was asked for (`rollout-undo`), not of its translation (a patch).
    let asked = p.requested.as_ref().unwrap_or(&p.action);
    let what = format!("{} {}", asked.verb(), target_label(asked));
    if let Some(crate::gate::BlockedBy::ForbiddenStep(f)) = a.blocked_by {
        return (
            format!(
                "refused: {what} is part of a change whose step {} is forbidden; no step of it was run",
                f + 1
            ),
            vec!["nothing was changed; split out the forbidden part if a human decides to run the rest".into()],
        );
    }
    match a.refusal {
        Some(Refusal::Forbidden) => (
            format!(
                "refused: {what} is forbidden — {}",
                if crate::gate::applies_a_node(asked) {
                    "it writes a Node (a List or NodeList item counts): node changes move or strand every workload on the node; a human must decide"
                } else if crate::autonomy::builtin_tier(asked) == Tier::Forbidden {
                    forbidden_reason(asked)
                } else {
                    "the autonomy policy (config or settings.json) forbids it"
                }
            ),
            vec![
                format!(
                    "no flag or setting allows it; if a human decides to, run it by hand: {}",
                    shown_command(asked)
                ),
            ],
        ),
        Some(Refusal::NoTty) => (
            format!(
                "refused: {what} needs confirmation (tier {}) and there is no terminal to ask",
                a.tier.as_str()
            ),
            vec![
                "run it in a terminal to be asked, or pass --yes to approve it (recorded as flag-yes in the audit log)".into(),
                "--dry-run shows the exact change without making it".into(),
            ],
        ),
        Some(Refusal::Stale) => (
            format!("refused: {what} changed since it was approved; the approved change no longer applies as shown"),
            vec!["nothing was changed; propose it again to see the change as it is now".into()],
        ),
        Some(Refusal::ReadOnly) => (
            format!(
                "refused: {what} is a change (tier {}) and --read-only allows only safe actions",
                a.tier.as_str()
            ),
            vec![format!("manual command: {}", shown_command(&p.action))],
        ),
        None => (
            format!("declined: {what} was not run"),
            vec!["nothing was changed".into()],
        ),
    }
}

/// Shows a finished attempt: read results and dry-run diffs on stdout, the rest on stderr.
pub fn report(ctx: &Ctx, p: &Proposed, a: &Attempt) -> std::io::Result<()> {
    let ui = &ctx.ui;
    let what = format!("{} {}", p.action.verb(), target_label(&p.action));
    if let Some(crate::gate::BlockedBy::EarlierStepFailed(f)) = a.blocked_by {
        ui.error_line(
            "not run:",
            &format!("{what}: step {} of this change failed before it", f + 1),
        );
        return Ok(());
    }
    match (a.approval, a.outcome) {
        (Approval::DryRun, _) => {
            ui.status(&format!(
                "dry run: would {what} [{}]{}",
                a.tier.as_str(),
                match a.tier {
                    Tier::Confirm if !ctx.ui.can_prompt() =>
                        " — would need --yes or a terminal to confirm",
                    Tier::Confirm => " — would ask first",
                    _ => "",
                }
            ));
            ui.status(&format!("  command: {}", shown_command(&p.action)));
            if let Some(pv) = &a.preview {
                ui.out(&render_preview(ui, true, pv))?;
            }
        }
        (Approval::SuggestOnly, _) => ui.out(&render_suggestion(p, a.tier))?,
        (_, Outcome::Ok) => {
            if p.action.is_read() {
                match &a.result {
                    Some(Value::String(s)) => ui.out(s)?,
                    Some(v) => ui.out(&crate::manifest::to_yaml(v))?,
                    None => {}
                }
            } else {
                ui.status(&format!(
                    "{} {what} ({})",
                    ui.paint(false, Style::Green, "done:"),
                    approval_str(a.approval)
                ));
            }
        }
        (_, Outcome::Error) => {
            let e = a
                .error
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            ui.error_line("failed:", &format!("{what}: {e}"));
        }
        (Approval::Declined, Outcome::Skipped) => {
            ui.status(&format!("declined: {what} (nothing changed)"));
        }
        (Approval::Deferred, Outcome::Skipped) => {
            ui.status(&format!(
                "waiting: {what} was not run; it waits for approval request {}",
                a.request.as_deref().unwrap_or("(unnamed)")
            ));
        }
        (_, Outcome::Skipped) => {
            let (msg, hints) = refusal(p, a);
            ui.error_line("refused:", msg.trim_start_matches("refused: "));
            for h in hints {
                ui.hint(&h);
            }
        }
    }
    Ok(())
}

/// The kebab-case approval name (as in the audit log).
pub fn approval_str(a: Approval) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The audit `context` of a cluster view.
pub fn view_context(view: &crate::cluster::ClusterView) -> String {
    match view {
        crate::cluster::ClusterView::Live(l) => l.context().to_string(),
        crate::cluster::ClusterView::Snapshot(s) => format!("snapshot:{}", s.root().display()),
    }
}

/// The exit code of a run's tally: 1 when an executed action failed, else 3 when anything
/// was refused, else 0 (everything chosen ran, or the user declined it, or it was only shown
/// or is waiting for approval).
pub fn exit_code(t: &Tally) -> u8 {
    if t.failed > 0 {
        crate::error::EXIT_REPORT
    } else if t.refused > 0 {
        crate::error::EXIT_REFUSED
    } else {
        crate::error::EXIT_OK
    }
}
