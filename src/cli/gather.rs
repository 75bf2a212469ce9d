//! Which recipes run and what they read: `--recipe` / `--fail-on` (shared by `diagnose`,
//! `fix`, `status`, workflows and MCP), and gathering the inventory from the cluster view of
//! this run.

use clap::{Args, ValueEnum};

use super::Ctx;
use crate::cluster::Scope;
use crate::error::Result;
use crate::finding::Severity;
use crate::persona::Persona;
use crate::recipes::{self, Recipe};

/// `--recipe`, shared by `diagnose` and `fix`.
#[derive(Debug, Clone, Default, Args)]
pub struct RecipeSelection {
    /// Run only these recipes (repeatable or comma-separated; default: all that apply)
    #[arg(long = "recipe", value_name = "ID", value_delimiter = ',',
          value_parser = clap::builder::PossibleValuesParser::new(recipes::ids()))]
    pub recipes: Vec<String>,
}

/// The `--fail-on` threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    pub fn reached_by(self, s: Severity) -> bool {
        let min = match self {
            FailOn::Critical => Severity::Critical,
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
            FailOn::Never => return false,
        };
        s.rank() >= min.rank()
    }
}

/// The recipes for `--recipe` ids (shared with `fix` and workflows).
pub fn select_recipes(ctx: &Ctx, ids: &[String]) -> Vec<&'static dyn Recipe> {
    if !ids.is_empty() {
        return recipes::RECIPES
            .iter()
            .copied()
            .filter(|r| ids.iter().any(|id| id == r.id()))
            .collect();
    }
    if ctx.persona == Persona::Flux {
        // Flux first (the registry runs it first), without the Argo CD and ARC recipes.
        return recipes::RECIPES
            .iter()
            .copied()
            .filter(|r| !matches!(r.id(), "argocd" | "arc"))
            .collect();
    }
    recipes::RECIPES.to_vec()
}

/// Gathers what `recipes` read from the cluster (or snapshot) of this run: every namespace
/// unless `-n`, with a progress bar. Shared by `diagnose`, `fix` and `status`.
pub async fn gather_for(
    ctx: &Ctx,
    recipes: &[&dyn Recipe],
    logs: bool,
) -> Result<(crate::cluster::ClusterView, crate::cluster::Inventory)> {
    let kinds = recipes::kinds_for(recipes);
    let scope = ctx
        .global
        .namespace
        .clone()
        .map(Scope::namespace)
        .unwrap_or_else(Scope::all);
    let view = super::cluster_view(ctx).await?;
    let bar = crate::ui::BarProgress(ctx.ui.progress(kinds.len() as u64, "gathering"));
    let inv = view.gather_checked(&kinds, &scope, logs, &bar).await?;
    crate::cluster::Progress::finish(&bar);
    Ok((view, inv))
}

/// What a gathered inventory could not see: kinds that could not be read (not those the
/// cluster does not serve) and unreadable snapshot files. Non-empty means no clean bill of
/// health may be given.
pub fn not_checked(inv: &crate::cluster::Inventory) -> Vec<String> {
    inv.skipped
        .iter()
        .filter(|s| !s.reason.is_not_served())
        .map(|s| format!("{} ({})", s.kind, s.reason))
        .chain(inv.unreadable.iter().map(|(f, why)| format!("{f} ({why})")))
        .collect()
}

/// Applies the suppression rules every front-end shares (the ignore files and the
/// `kubectl-claude.io/ignore` annotations): `diagnose`, `status` and the MCP tools hide what
/// `serve` hides. A malformed ignore file is a usage error naming the file.
pub fn suppress(
    ctx: &Ctx,
    findings: Vec<crate::finding::LinkedFinding>,
    inv: &crate::cluster::Inventory,
) -> Result<crate::suppress::Outcome> {
    let rules = suppression_rules(ctx).map_err(|e| {
        crate::error::Error::usage_hint(
            e.to_string(),
            "an ignore file is a YAML list of {id, object?, until?, reason?} (README: Suppression)",
        )
    })?;
    Ok(crate::suppress::apply(findings, &rules, inv, ctx.env.now()))
}

/// The suppression rules of this invocation: `.kubectl-claude-ignore` in the working
/// directory, then `ignore.yaml` in the config dir (each front-end maps a bad file its way).
pub fn suppression_rules(
    ctx: &Ctx,
) -> std::result::Result<Vec<crate::suppress::Rule>, crate::suppress::Error> {
    crate::suppress::load(&[
        ctx.env.cwd.join(crate::suppress::LOCAL_FILE),
        ctx.paths.config_dir.join(crate::suppress::CONFIG_FILE),
    ])
}
