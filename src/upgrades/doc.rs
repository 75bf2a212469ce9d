//! One parsed manifest document and where it lives: a leaf shared by discovery (which finds
//! releases in documents) and auth (which finds registry credentials in them), so neither
//! has to depend on the other.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

/// One parsed document and where it lives (`file` is `None` for live objects).
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub value: Value,
    pub file: Option<PathBuf>,
    /// 0-based index among the file's non-empty documents.
    pub doc: usize,
    /// For a ConfigMap made by a kustomize `configMapGenerator`: data key → the file it holds.
    pub generated: BTreeMap<String, PathBuf>,
}
