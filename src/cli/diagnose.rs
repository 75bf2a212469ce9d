//! `kubectl claude diagnose`: gather, run recipes, link findings by root cause, report.
//!
//! The engine is pure (`recipes::run` + `finding::link`); this file only picks recipes and
//! scope, renders table/JSON/YAML and maps findings to the exit code.

use std::fmt::Write as _;

use clap::Args;
use comfy_table::{ContentArrangement, Table, presets::NOTHING};
use serde_json::json;

use super::Ctx;
use super::flags::{ModelFlags, OutputFormat};
use super::gather::{FailOn, RecipeSelection};
use super::gather::{gather_for, select_recipes};
use crate::autonomy::Policy;
use crate::cluster::SkippedKind;
use crate::error::{EXIT_OK, EXIT_REPORT, Result};
use crate::finding::{LinkedFinding, Severity, link};
use crate::recipes::{self, Recipe};
use crate::ui::Style;

/// Diagnose a cluster top-down and group findings by root cause
///
/// Runs triage recipes over the cluster (or a snapshot) and links symptoms to their deepest
/// root cause: Node → Pod → workload → HelmRelease/Kustomization/Application → source →
/// credentials. Each root cause comes with proposed actions and their autonomy tier
/// (safe / confirm / forbidden). Nothing is changed.
///
/// Diagnose is cluster-wide by nature: it reads all namespaces unless -n is given. Kinds that
/// could not be read are listed, never reported as healthy.
///
/// Examples:
///   kubectl claude diagnose
///   kubectl claude diagnose --snapshot examples/snapshots/flux-git-auth
///   kubectl claude diagnose --recipe flux --recipe workloads -n apps
///   kubectl claude diagnose -o json --fail-on warning
///   kubectl claude diagnose --list
///   flux claude diagnose            # Flux first, every recipe but argocd and arc
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DiagnoseArgs {
    #[command(flatten)]
    pub selection: RecipeSelection,
    /// Exit 1 when a finding reaches this severity
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// List the symptoms under each root cause (table output)
    #[arg(long)]
    pub show_symptoms: bool,
    /// List the recipes and exit
    #[arg(long)]
    pub list: bool,
    /// Ask a model to explain the findings (--provider anthropic|openai and --model choose it;
    /// a compact, redacted summary is sent, never Secret data or secret-looking env values)
    #[arg(long)]
    pub explain: bool,
    /// With --explain: replace object names by reversible tokens in what is sent
    #[arg(long, requires = "explain")]
    pub mask_names: bool,
    /// Also list the findings silenced by an ignore file or a kubectl-claude.io/ignore
    /// annotation, with the reason (table output; -o json always has them under `suppressed`)
    #[arg(long)]
    pub show_suppressed: bool,
    // The model --explain asks (only with --explain, never offline: `check_for_explain`).
    // Last: a flattened group's heading carries on to the arguments after it.
    #[command(flatten)]
    pub model: ModelFlags,
}

/// The recipes to run: `--recipe` in registry order, else all; `flux-claude` runs Flux first
/// and the generic recipes its chain leads to.
fn selected(ctx: &Ctx, args: &DiagnoseArgs) -> Vec<&'static dyn Recipe> {
    select_recipes(ctx, &args.selection.recipes)
}

pub async fn run(ctx: &Ctx, args: &DiagnoseArgs) -> Result<u8> {
    args.model.check_for_explain(args.explain)?;
    let format = ctx.format(
        &[OutputFormat::Table, OutputFormat::Json, OutputFormat::Yaml],
        OutputFormat::Table,
    )?;
    if args.list {
        return list(ctx, format);
    }
    // Resolved before gathering; when --explain has no model to ask, the diagnosis is still
    // printed and the error follows it.
    let (explainer, mut explain_error) = match args
        .explain
        .then(|| super::model::explain_model(ctx, &args.model))
    {
        Some(Ok(p)) => (Some(p), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let chosen = selected(ctx, args);
    let (view, inv) = gather_for(ctx, &chosen, true).await?;

    let outcome = recipes::run(&chosen, &inv);
    let policy = Policy::new(ctx.config()?.autonomy.clone());
    let findings = link(outcome.findings, &policy);
    // Suppression (shared with serve, status and MCP): ignore files and annotations.
    let silenced = super::gather::suppress(ctx, findings, &inv)?;
    for p in &silenced.problems {
        ctx.ui.warn(p);
    }
    let findings = silenced.kept;
    let mut skipped = outcome.skipped;
    // A recipe the user asked for but the cluster cannot answer is a gap, not a pass.
    for id in &outcome.not_relevant {
        if args.selection.recipes.iter().any(|r| r == id) {
            skipped.push(SkippedKind {
                kind: recipes::by_id(id)
                    .and_then(|r| r.reads().first().copied())
                    .unwrap_or("")
                    .to_string(),
                reason: format!("not served by the cluster: recipe {id} not run").into(),
            });
        }
    }
    for (file, err) in &inv.unreadable {
        ctx.ui.warn(&format!("could not read {file}: {err}"));
    }
    // A model that fails does not hide the diagnosis: it is printed, then the error.
    let explanation = match &explainer {
        Some(p) => match explain(ctx, p, &findings, &inv, args.mask_names, &policy).await {
            Ok(x) => Some(x),
            Err(e) => {
                explain_error = Some(e);
                None
            }
        },
        None => None,
    };

    match format {
        OutputFormat::Json | OutputFormat::Yaml => {
            // The v1 contract: drop the internal `recipe` field from each finding.
            let mut fs = serde_json::to_value(&findings).unwrap_or_default();
            if let Some(arr) = fs.as_array_mut() {
                for f in arr.iter_mut().filter_map(|f| f.as_object_mut()) {
                    f.remove("recipe");
                }
            }
            let unreadable: Vec<serde_json::Value> = inv
                .unreadable
                .iter()
                .map(|(file, reason)| json!({"file": file, "reason": reason}))
                .collect();
            let mut sup = serde_json::to_value(&silenced.suppressed).unwrap_or_default();
            if let Some(arr) = sup.as_array_mut() {
                for f in arr.iter_mut().filter_map(|f| f.as_object_mut()) {
                    f.remove("recipe");
                    f.remove("caused_by");
                }
            }
            let mut doc = json!({"v": 1, "findings": fs, "skipped": skipped,
                "unreadable": unreadable, "recipes": outcome.ran, "suppressed": sup});
            if let Some(e) = &explanation {
                doc["explanation"] = json!({"provider": e.provider, "model": e.model, "text": e.text, "suggested_actions": e.actions});
            }
            if format == OutputFormat::Json {
                ctx.ui.out(&format!("{doc:#}\n"))?;
            } else {
                ctx.ui.out(&crate::manifest::to_yaml(&doc))?;
            }
        }
        _ => ctx.ui.out(&render_table(
            ctx,
            &findings,
            &Gaps {
                skipped: &skipped,
                not_relevant: &outcome.not_relevant,
                unreadable: &inv.unreadable,
            },
            &outcome.ran,
            args.show_symptoms,
            &view.describe(),
        ))?,
    }
    if format == OutputFormat::Table && !silenced.suppressed.is_empty() {
        let mut out = String::new();
        if args.show_suppressed {
            out.push_str(&format!(
                "\n{}\n",
                ctx.ui.paint(true, Style::Bold, "Suppressed")
            ));
            for s in &silenced.suppressed {
                out.push_str(&format!(
                    "  {} {}: {}\n    {}\n",
                    s.finding.id,
                    crate::suppress::object_key(&s.finding.object),
                    s.finding.title,
                    s.reason
                ));
            }
        } else {
            out.push_str(&format!(
                "\n{} suppressed (--show-suppressed lists them)\n",
                silenced.suppressed.len()
            ));
        }
        ctx.ui.out(&out)?;
    }
    if format == OutputFormat::Table
        && let Some(e) = &explanation
    {
        let mut out = format!(
            "\n{} ({} {})\n{}\n",
            ctx.ui.paint(true, Style::Bold, "Explanation"),
            e.provider,
            e.model,
            e.text.trim_end()
        );
        if !e.actions.is_empty() {
            out.push_str(
                "\nSuggested by the model (not executed; each goes through the autonomy gate):\n",
            );
            for a in &e.actions {
                out.push_str(&format!("  → [{}] {}\n", a.tier.as_str(), a.command));
            }
        }
        ctx.ui.out(&out)?;
    }
    if let Some(e) = explain_error {
        return Err(e);
    }
    let fail = findings.iter().any(|f| args.fail_on.reached_by(f.severity));
    Ok(if fail { EXIT_REPORT } else { EXIT_OK })
}

fn list(ctx: &Ctx, format: OutputFormat) -> Result<u8> {
    let rows: Vec<serde_json::Value> = recipes::RECIPES
        .iter()
        .map(|r| json!({"id": r.id(), "summary": r.summary(), "reads": r.reads()}))
        .collect();
    match format {
        OutputFormat::Json => ctx.ui.out(&format!("{:#}\n", json!(rows)))?,
        OutputFormat::Yaml => ctx.ui.out(&crate::manifest::to_yaml(&rows))?,
        _ => {
            let mut t = Table::new();
            t.load_style(NOTHING)
                .set_content_arrangement(ContentArrangement::Dynamic);
            crate::ui::fit(&mut t);
            t.set_header(["RECIPE", "CHECKS"]);
            for r in recipes::RECIPES {
                t.add_row([r.id(), r.summary()]);
            }
            ctx.ui.out(&format!("{t}\n"))?;
        }
    }
    Ok(EXIT_OK)
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical | Severity::Error => Style::Red,
        Severity::Warning => Style::Yellow,
        Severity::Info => Style::Cyan,
    }
}

/// Per root cause: severity, object, title, key evidence, next steps with tiers; symptoms
/// folded as a count (listed with `--show-symptoms`); then what was not checked.
/// What a run did not see: kinds not checked, recipes that did not apply, unreadable files.
struct Gaps<'a> {
    skipped: &'a [SkippedKind],
    not_relevant: &'a [&'a str],
    unreadable: &'a [(String, String)],
}

fn render_table(
    ctx: &Ctx,
    findings: &[LinkedFinding],
    gaps: &Gaps<'_>,
    ran: &[&str],
    show_symptoms: bool,
    source: &str,
) -> String {
    let Gaps {
        skipped,
        not_relevant,
        unreadable,
    } = *gaps;
    let p = |s: Style, t: &str| ctx.ui.paint(true, s, t);
    let mut out = String::new();
    let roots: Vec<(usize, &LinkedFinding)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.root_cause)
        .collect();
    if roots.is_empty() && (!skipped.is_empty() || !unreadable.is_empty()) {
        // Not "healthy": part of the cluster was not seen (listed below).
        let _ = writeln!(
            out,
            "No problems found by {} in what could be read from {source} — not everything was checked (below).",
            ran.join(", ")
        );
    } else if roots.is_empty() {
        let _ = writeln!(out, "No problems found by {} in {source}.", ran.join(", "));
    } else {
        let mut t = Table::new();
        t.load_style(NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic);
        crate::ui::fit(&mut t);
        t.set_header(["SEVERITY", "ROOT CAUSE", "FINDING", "SYMPTOMS"]);
        for (i, f) in &roots {
            let n = findings.iter().filter(|s| s.caused_by == Some(*i)).count();
            t.add_row([
                f.severity.as_str().to_uppercase(),
                f.object.display(),
                f.id.clone(),
                n.to_string(),
            ]);
        }
        let _ = writeln!(out, "{t}\n");
        for (i, f) in &roots {
            let sev = f.severity.as_str().to_uppercase();
            let _ = writeln!(
                out,
                "{} {}  {}",
                p(severity_style(f.severity), &sev),
                p(Style::Bold, &f.object.display()),
                p(Style::Dim, &f.id)
            );
            let _ = writeln!(out, "  {}", f.title);
            for e in f.evidence.iter().take(4) {
                let _ = writeln!(out, "  · {e}");
            }
            for a in &f.actions {
                let tier = a.tier.as_str();
                let style = match a.tier {
                    crate::autonomy::Tier::Safe => Style::Green,
                    crate::autonomy::Tier::Confirm => Style::Yellow,
                    crate::autonomy::Tier::Forbidden => Style::Red,
                };
                let _ = writeln!(out, "  → [{}] {}", p(style, tier), a.command);
                let _ = writeln!(out, "      {}", a.rationale);
            }
            let symptoms: Vec<&LinkedFinding> = findings
                .iter()
                .filter(|s| s.caused_by == Some(*i))
                .collect();
            if !symptoms.is_empty() {
                if show_symptoms {
                    let _ = writeln!(out, "  symptoms:");
                    for s in symptoms {
                        let _ = writeln!(
                            out,
                            "    - {} {}: {}",
                            s.object.display(),
                            p(Style::Dim, &s.id),
                            s.title
                        );
                    }
                } else {
                    let _ = writeln!(
                        out,
                        "  + {} symptom(s) folded under this root cause (--show-symptoms)",
                        symptoms.len()
                    );
                }
            }
            let _ = writeln!(out);
        }
        let symptoms = findings.len() - roots.len();
        let _ = writeln!(
            out,
            "{} root cause(s), {symptoms} symptom(s) — recipes: {} — {source}",
            roots.len(),
            ran.join(", ")
        );
    }
    if !skipped.is_empty() {
        let list: Vec<String> = skipped
            .iter()
            .map(|s| format!("{} ({})", s.kind, s.reason))
            .collect();
        let _ = writeln!(
            out,
            "{} {}",
            p(Style::Yellow, "Not checked:"),
            list.join("; ")
        );
    }
    if !unreadable.is_empty() {
        let list: Vec<String> = unreadable
            .iter()
            .map(|(f, why)| format!("{f} ({why})"))
            .collect();
        let _ = writeln!(out, "{} {}", p(Style::Yellow, "Not read:"), list.join("; "));
    }
    if !not_relevant.is_empty() {
        let _ = writeln!(
            out,
            "Not applicable (kinds not served): {}",
            not_relevant.join(", ")
        );
    }
    out
}

/// What `--explain` got back.
struct Explanation {
    provider: String,
    model: String,
    text: String,
    actions: Vec<crate::finding::ActionView>,
}

/// Sends the redacted summary, unmasks the reply, and types any suggested actions (which are
/// shown with their tier and never executed here).
async fn explain(
    ctx: &Ctx,
    provider: &crate::llm::Provider,
    findings: &[LinkedFinding],
    inv: &crate::cluster::Inventory,
    mask_names: bool,
    policy: &Policy,
) -> Result<Explanation> {
    let (user, masker) = crate::explain::build_explain_prompt(findings, inv, mask_names);
    let prompt = crate::llm::Prompt {
        system: "You are a senior Kubernetes SRE. Be concise and concrete.".into(),
        user,
        max_tokens: 1500,
    };
    let completion =
        super::model::complete_logged(ctx, provider, &prompt, "diagnose --explain").await?;
    let text = masker.unmask(&completion.text);
    let actions = crate::explain::parse_suggested_actions(&text)
        .into_iter()
        .map(|a| {
            crate::finding::ActionView::from_proposal(
                &crate::finding::Proposal::new(a, "suggested by the model"),
                policy,
            )
        })
        .collect();
    Ok(Explanation {
        provider: provider.name().to_string(),
        model: provider.model().to_string(),
        text,
        actions,
    })
}
