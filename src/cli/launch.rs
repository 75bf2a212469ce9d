//! How `serve` and `kubectl claude dashboard` start a workflow run: `workflow run` of this
//! same binary, with this process's cluster flags, its confirm steps queued as approval
//! requests, and who started it (recorded in the audit log by the run itself).

use std::collections::BTreeMap;

use super::Ctx;

/// This process's `--kubeconfig`, `--context` and `--config`, for a child of the same binary.
pub fn global_args(ctx: &Ctx) -> Vec<String> {
    let mut global = Vec::new();
    if let Some(k) = &ctx.global.kubeconfig {
        global.extend(["--kubeconfig".to_string(), k.display().to_string()]);
    }
    if let Some(c) = &ctx.global.context {
        global.extend(["--context".to_string(), c.clone()]);
    }
    if let Some(c) = &ctx.global.config_file {
        global.extend(["--config".to_string(), c.display().to_string()]);
    }
    global
}

/// `GLOBAL… workflow run NAME --param K=V… --queue-approvals NS [--started-by USER]`.
pub fn workflow_run_args(
    global: &[String],
    workflow: &str,
    params: &BTreeMap<String, String>,
    queue_ns: &str,
    started_by: Option<&str>,
) -> Vec<String> {
    let mut args = global.to_vec();
    args.extend(["workflow".into(), "run".into(), workflow.to_string()]);
    for (k, v) in params {
        args.extend(["--param".into(), format!("{k}={v}")]);
    }
    args.extend(["--queue-approvals".into(), queue_ns.to_string()]);
    if let Some(who) = started_by {
        // One word: a user name starting with `-` must not read as a flag.
        args.push(format!("--started-by={who}"));
    }
    args
}
