//! `kubectl claude approvals list|show|approve|reject ID`: the approval queue `serve` fills
//! (ApprovalRequest objects). Approving writes the decision to the object's status; `serve`'s
//! leader executes it once. RBAC on `approvalrequests/status` decides who may approve; the
//! approver recorded is the authenticated user (a SelfSubjectReview), else the kubeconfig
//! context's user.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::Ctx;
use super::flags::OutputFormat;
use crate::error::{EXIT_OK, Error, Result};
use crate::serve::approvals;

/// List, show, approve or reject the changes `serve` queued for approval
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
  kubectl claude approvals list -n kubectl-claude\n  \
  kubectl claude approvals show apr-1a2b3c4d5e -n kubectl-claude\n  \
  kubectl claude approvals approve apr-1a2b3c4d5e -n kubectl-claude")]
pub struct ApprovalsArgs {
    #[command(subcommand)]
    pub command: ApprovalsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ApprovalsCommand {
    /// List the requests (newest last)
    List,
    /// Show one request: target, rationale, origin, expiry and the exact diff
    Show { id: String },
    /// Approve a pending request (serve executes it once)
    Approve { id: String },
    /// Reject a pending request
    Reject { id: String },
}

async fn get(client: &kube::Client, path: &str) -> Result<Value> {
    let (code, v) = crate::serve::api::request(client, http::Method::GET, path, None)
        .await
        .map_err(|e| Error::usage(format!("approvals: {e}")))?;
    match code {
        200 => Ok(v),
        404 => Err(Error::usage_hint(
            format!("approvals: {path} not found"),
            "check the id and -n (the namespace serve runs in); is the ApprovalRequest CRD installed (deploy/base)?",
        )),
        c => Err(Error::usage(format!(
            "approvals: GET {path}: HTTP {c}: {}",
            v["message"].as_str().unwrap_or("")
        ))),
    }
}

fn targets(obj: &Value) -> Vec<String> {
    approvals::request_of(obj)
        .map(|r| {
            r.steps
                .iter()
                .map(|s| {
                    format!(
                        "{} {}",
                        s.proposed.action.verb(),
                        s.proposed.action.target_display()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub async fn run(ctx: &Ctx, args: &ApprovalsArgs) -> Result<u8> {
    let live = super::cluster_view::live_cluster(ctx).await?;
    let ns = ctx
        .global
        .namespace
        .clone()
        .unwrap_or_else(|| live.default_namespace().to_string());
    let client = live.client().clone();
    let coll = approvals::collection(&ns);
    match &args.command {
        ApprovalsCommand::List => {
            let format = ctx.format(
                &[OutputFormat::Table, OutputFormat::Json],
                OutputFormat::Table,
            )?;
            let list = get(&client, &coll).await?;
            let items = list["items"].as_array().cloned().unwrap_or_default();
            if format == OutputFormat::Json {
                let v: Vec<Value> = items
                    .iter()
                    .map(|o| json!({"id": approvals::name_of(o), "phase": approvals::phase_of(o),
                        "origin": o.pointer("/spec/origin"), "targets": targets(o),
                        "expiresAt": o.pointer("/spec/expiresAt"), "approver": o.pointer("/status/approver")}))
                    .collect();
                ctx.ui
                    .out(&format!("{:#}\n", json!({"v": 1, "approvals": v})))?;
                return Ok(EXIT_OK);
            }
            let mut t = crate::ui::table(["ID", "PHASE", "ORIGIN", "CHANGE", "EXPIRES"]);
            for o in &items {
                t.add_row([
                    approvals::name_of(o).to_string(),
                    approvals::phase_of(o).to_string(),
                    o.pointer("/spec/origin")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    targets(o).join(", "),
                    o.pointer("/spec/expiresAt")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                ]);
            }
            ctx.ui.out(&format!("{t}\n"))?;
            Ok(EXIT_OK)
        }
        ApprovalsCommand::Show { id } => {
            let o = get(&client, &format!("{coll}/{id}")).await?;
            let req = approvals::request_of(&o).map_err(Error::usage)?;
            let mut out = format!(
                "Approval request {id} ({})\n  origin:    {}\n  requester: {}\n  rationale: {}\n  expires:   {}\n  tier:      {}\n",
                approvals::phase_of(&o),
                o.pointer("/spec/origin")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                o.pointer("/spec/requester")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                o.pointer("/spec/rationale")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                o.pointer("/spec/expiresAt")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                req.tier.as_str(),
            );
            if let Some(m) = o.pointer("/status/message").and_then(Value::as_str) {
                out.push_str(&format!("  status:    {m}\n"));
            }
            for s in &req.steps {
                out.push_str(&format!(
                    "\n{} {}\n",
                    s.proposed.action.verb(),
                    s.proposed.action.target_display()
                ));
                if let Some(n) = &s.preview.note {
                    out.push_str(&format!("  {n}\n"));
                }
                out.push_str(&s.preview.diff);
            }
            ctx.ui.out(&out)?;
            Ok(EXIT_OK)
        }
        ApprovalsCommand::Approve { id } | ApprovalsCommand::Reject { id } => {
            let approve = matches!(args.command, ApprovalsCommand::Approve { .. });
            let who = crate::serve::api::whoami(&client, live.context()).await;
            approvals::decide(&client, &ns, id, approve, &who, ctx.env.now())
                .await
                .map_err(|e| match e {
                    approvals::DecideError::NotFound { .. } => Error::usage_hint(
                        e.to_string(),
                        "check the id and -n (the namespace serve runs in); is the ApprovalRequest CRD installed (deploy/base)?",
                    ),
                    approvals::DecideError::Status(approvals::StatusError::Forbidden { .. }) => {
                        Error::usage_hint(
                            e.to_string(),
                            "RBAC decides who may approve: you need patch on approvalrequests/status (ClusterRole kubectl-claude-approver)",
                        )
                    }
                    e => Error::usage(e.to_string()),
                })?;
            ctx.ui.status(&format!(
                "{id} {} by {who}{}",
                if approve { "approved" } else { "rejected" },
                if approve {
                    "; serve executes it once (watch: kubectl claude approvals show ID)"
                } else {
                    ""
                }
            ));
            Ok(EXIT_OK)
        }
    }
}
