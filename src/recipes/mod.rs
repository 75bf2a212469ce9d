//! Diagnostic recipes: pure functions from an [`Inventory`] to [`Finding`]s.
//!
//! # Adding a recipe
//! 1. Create `recipes/<name>.rs` with a unit struct implementing [`Recipe`].
//! 2. Use failure-mode ids from `research/failure-modes.md` (`flux.source-not-found`, …).
//! 3. Set `cause` on symptoms so `finding::link` folds them under the root.
//! 4. Add it to [`RECIPES`] and give it fixture tests next to it.
//!
//! Recipes never do I/O and never print; the same inventory always gives the same findings.

use crate::cluster::Inventory;
use crate::finding::Finding;

/// A diagnostic recipe: declares what it reads, then judges it.
pub trait Recipe: Sync {
    /// Stable id used by `--recipe` and in JSON (`flux`, `argocd`, …).
    fn id(&self) -> &'static str;
    /// One line for `diagnose --list`.
    fn summary(&self) -> &'static str;
    /// Kinds the recipe reads; the ClusterView gathers them.
    fn reads(&self) -> &'static [&'static str];
    /// True when the recipe applies to this cluster (e.g. Flux CRDs are served).
    fn relevant(&self, inv: &Inventory) -> bool;
    /// The findings, deterministic order.
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding>;
}

/// The registry, in the order recipes run and are listed.
pub static RECIPES: &[&dyn Recipe] = &[];

/// Finds a recipe by id.
pub fn by_id(id: &str) -> Option<&'static dyn Recipe> {
    RECIPES.iter().copied().find(|r| r.id() == id)
}

/// All recipe ids, for completion and help.
pub fn ids() -> Vec<&'static str> {
    RECIPES.iter().map(|r| r.id()).collect()
}
