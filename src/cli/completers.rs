//! Dynamic completers for flag values (contexts, namespaces, workflow names), attached to
//! flags with `ArgValueCompleter`. They run at completion time, before a `Ctx` exists, so they
//! read `KUBECONFIG`/`HOME` themselves.

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;

use super::Env;

/// Kubeconfig files as kubectl finds them: `--kubeconfig` is not known at completion time,
/// so `KUBECONFIG` (all paths) or `~/.kube/config`.
fn kubeconfig_files() -> Vec<std::path::PathBuf> {
    let sep = if cfg!(windows) { ';' } else { ':' };
    match std::env::var("KUBECONFIG") {
        Ok(v) if !v.is_empty() => v
            .split(sep)
            .filter(|s| !s.is_empty())
            .map(Into::into)
            .collect(),
        _ => std::env::var_os("HOME")
            .map(|h| vec![std::path::Path::new(&h).join(".kube/config")])
            .unwrap_or_default(),
    }
}

fn kubeconfig_docs() -> Vec<serde_json::Value> {
    kubeconfig_files()
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter_map(|t| crate::manifest::parse_stream(&t).ok())
        .flatten()
        .collect()
}

/// Contexts from the kubeconfig files.
pub fn complete_contexts(current: &OsStr) -> Vec<CompletionCandidate> {
    let cur = current.to_string_lossy();
    let mut names: Vec<String> = kubeconfig_docs()
        .iter()
        .flat_map(|d| crate::object::Obj(d).array_at("/contexts").to_vec())
        .filter_map(|c| c.get("name")?.as_str().map(str::to_string))
        .filter(|n| n.starts_with(cur.as_ref()))
        .collect();
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// Workflow names: the built-ins and the user's `~/.config/kubectl-claude/workflows/*.yaml`.
pub fn complete_workflows(current: &OsStr) -> Vec<CompletionCandidate> {
    let prefix = current.to_string_lossy();
    let dir = Env::capture().paths().workflows_dir();
    crate::workflow::list(&dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|l| l.name.starts_with(prefix.as_ref()))
        .map(|l| {
            let help = crate::workflow::parse(&l.text, std::path::Path::new(&l.source))
                .map(|w| w.description)
                .unwrap_or_default();
            CompletionCandidate::new(l.name).help(Some(help.into()))
        })
        .collect()
}

/// Namespaces: from the reachable cluster when there is one, plus those named in contexts.
pub fn complete_namespaces(current: &OsStr) -> Vec<CompletionCandidate> {
    let cur = current.to_string_lossy();
    let mut names: Vec<String> = kubeconfig_docs()
        .iter()
        .flat_map(|d| crate::object::Obj(d).array_at("/contexts").to_vec())
        .filter_map(|c| {
            c.pointer("/context/namespace")?
                .as_str()
                .map(str::to_string)
        })
        .collect();
    names.extend(crate::cluster::live::namespaces_for_completion());
    names.retain(|n| n.starts_with(cur.as_ref()));
    names.sort();
    names.dedup();
    names.into_iter().map(CompletionCandidate::new).collect()
}
