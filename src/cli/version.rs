//! `kubectl claude version`: version, git commit, target, Kubernetes API version.

use clap::Args;
use serde_json::json;

use super::Ctx;
use super::flags::OutputFormat;
use crate::error::Result;

/// Print version information
///
/// Examples:
///   kubectl claude version
///   kubectl claude version -o json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct VersionArgs {}

pub async fn run(ctx: &Ctx, _args: &VersionArgs) -> Result<u8> {
    let info = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "gitCommit": env!("KCLAUDE_GIT_COMMIT"),
        "target": env!("KCLAUDE_TARGET"),
        "kubernetesApi": crate::K8S_API_VERSION,
    });
    match ctx.format(
        &[
            OutputFormat::Table,
            OutputFormat::Text,
            OutputFormat::Json,
            OutputFormat::Yaml,
        ],
        OutputFormat::Text,
    )? {
        OutputFormat::Json => ctx.ui.out(&format!("{:#}\n", info))?,
        OutputFormat::Yaml => ctx.ui.out(&crate::manifest::to_yaml(&info))?,
        _ => ctx.ui.out(&format!(
            "kubectl-claude {} (commit {}, {}, Kubernetes API {})\n",
            env!("CARGO_PKG_VERSION"),
            env!("KCLAUDE_GIT_COMMIT"),
            env!("KCLAUDE_TARGET"),
            crate::K8S_API_VERSION
        ))?,
    }
    Ok(0)
}
