//! `kubectl claude mcp`: the cluster tools for Claude Code and any MCP client, over stdio.
//!
//! A front-end over the same engines as the CLI (recipes, status, the audit log, the gate):
//! the tool results are the `-o json` documents of the matching commands. Every write goes
//! through [`crate::gate::Gate`] exactly like `act`; a confirm-tier action asks the human with
//! MCP *elicitation* (target, rationale and the exact object diff), and a client that cannot be
//! asked gets a refusal carrying that diff and the command for a human to run. No flag
//! approves confirm-tier from MCP. `workflow_run` runs a workflow through the same session;
//! `logs` reads through it too. Every record of an MCP session is `origin: mcp:<client>`. With
//! `--snapshot` reads answer from the snapshot and changes are previewed only (the session's
//! snapshot rule); `--read-only` lists and serves only the safe tools. Nothing here writes
//! to stdout except the protocol.
//!
//! This file is the server (arguments, handler, prompts, dispatch); the tools' input types
//! are in `inputs`, the read tools in `reads`, and what goes through the acting session
//! (`act`, `workflow_run`, `logs`) in `acting`.

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, GetPromptResult, Implementation, ListPromptsResult, ListToolsResult,
    PaginatedRequestParams, Prompt, PromptArgument, PromptMessage, Role, ServerCapabilities,
    ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::{ElicitationMode, RequestContext, RoleServer};
use rmcp::{ErrorData as McpError, Peer, ServerHandler, ServiceExt};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Ctx, Env, GlobalArgs};
use crate::action::{self, Verb};
use crate::autonomy::{GateInput, Tier};
use crate::cluster::ClusterView;
use crate::error::{Error, Result};
use crate::session::{Answer, Ask, Gate, Interaction, Origin, Proposed, Session, Via};

mod acting;
mod inputs;
mod reads;
use acting::*;
use inputs::*;
use reads::*;

/// Serve the cluster tools to an MCP client (Claude Code, Claude Desktop, Cursor…) over stdio
#[derive(Debug, Args)]
#[command(after_long_help = "\
Examples:
  claude mcp add kubectl-claude -- kubectl claude mcp
  kubectl claude mcp --context pi-cluster -n media
  kubectl claude mcp --snapshot ./snap          # offline: read-only tools over a snapshot
  kubectl claude mcp --read-only                # only safe tools are listed at all

Every write (`act`) goes through the autonomy gate: safe runs, forbidden is refused,
confirm-tier asks the human through MCP elicitation (or is refused with the exact diff
when the client cannot ask). There is no flag that approves confirm-tier from MCP.")]
pub struct McpArgs {
    /// List and serve only safe (read) tools
    #[arg(long)]
    pub read_only: bool,
}

/// How long a confirm prompt waits for the human; no answer is a "no".
const ELICIT_TIMEOUT: Duration = Duration::from_secs(600);
/// Items per page of `list`.
const PAGE: usize = 50;
/// Evidence lines kept per finding.
const EVIDENCE: usize = 5;

pub async fn run(ctx: &Ctx, args: &McpArgs) -> Result<u8> {
    let server = Server {
        global: ctx.global.clone(),
        env: ctx.env.clone(),
        // A snapshot serves every tool: reads answer from it, changes are previewed only
        // (the session's snapshot rule).
        read_only: args.read_only,
    };
    // The CLI runs on a current-thread runtime; the server needs worker threads (a tool call
    // blocks on a human's answer while the protocol loop keeps reading).
    let joined = std::thread::spawn(move || -> std::io::Result<()> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        rt.block_on(async move {
            let service = server
                .serve(rmcp::transport::stdio())
                .await
                .map_err(std::io::Error::other)?;
            service.waiting().await.map_err(std::io::Error::other)?;
            Ok(())
        })
    })
    .join();
    match joined {
        Ok(Ok(())) => Ok(0),
        Ok(Err(e)) => Err(Error::io("serve MCP on", "<stdio>", e)),
        Err(_) => Err(Error::io(
            "serve MCP on",
            "<stdio>",
            std::io::Error::other("the server thread panicked"),
        )),
    }
}

#[derive(Clone)]
struct Server {
    global: GlobalArgs,
    env: Env,
    read_only: bool,
}

fn schema_object(s: schemars::Schema) -> Arc<serde_json::Map<String, Value>> {
    match serde_json::to_value(s) {
        Ok(Value::Object(mut m)) => {
            m.remove("$schema");
            m.remove("title");
            Arc::new(m)
        }
        _ => Arc::new(serde_json::Map::new()),
    }
}

impl Server {
    fn listed(&self) -> Vec<Tool> {
        tools()
            .into_iter()
            .filter(|t| t.safe || !self.read_only)
            .map(|t| {
                let mut ann = ToolAnnotations::default()
                    .read_only(t.safe)
                    .destructive(!t.safe);
                ann.title = Some(t.name.to_string());
                Tool::new(t.name, t.description, schema_object((t.schema)())).with_annotations(ann)
            })
            .collect()
    }

    fn ctx(&self, namespace: Option<String>) -> Ctx {
        let mut g = self.global.clone();
        if namespace.is_some() {
            g.namespace = namespace;
        }
        g.output = None;
        g.quiet = true;
        Ctx::for_tests(g, self.env.clone())
    }
}

fn parse<T: for<'de> Deserialize<'de>>(
    name: &str,
    args: Option<serde_json::Map<String, Value>>,
) -> Result<T> {
    serde_json::from_value(Value::Object(args.unwrap_or_default())).map_err(|e| {
        Error::usage_hint(
            format!("bad arguments for tool `{name}`: {e}"),
            "the tool's input schema (tools/list) lists its arguments",
        )
    })
}

/// A tool error as the client sees it: the CLI's message and hints, `isError: true`.
fn error_result(e: &Error) -> CallToolResult {
    let hints = e.hints();
    let mut text = format!("error: {e}");
    for h in &hints {
        text.push_str(&format!("\nhint: {h}"));
    }
    let mut r = CallToolResult::error(vec![ContentBlock::text(crate::redact::redact(&text))]);
    r.structured_content =
        Some(json!({"error": crate::redact::redact(&e.to_string()), "hints": hints}));
    r
}

fn ok_result(v: Value) -> CallToolResult {
    CallToolResult::structured(v)
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        let caps = ServerCapabilities::builder()
            .enable_tools()
            .enable_prompts()
            .build();
        let mut info = ServerConfig::new(caps).with_instructions(
            "kubectl-claude: diagnose Kubernetes (Flux, Argo CD, ARC) by root cause and act \
             through a tiered autonomy gate. Safety comes from the gate, not from prompts: \
             forbidden actions are refused, confirm-tier actions ask the human.",
        );
        info.server_info = Implementation::new("kubectl-claude", env!("CARGO_PKG_VERSION"));
        info
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> std::result::Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(self.listed()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> std::result::Result<CallToolResponse, McpError> {
        let name = request.name.to_string();
        let spec = tools().into_iter().find(|t| t.name == name);
        let Some(spec) = spec.filter(|t| t.safe || !self.read_only) else {
            return Ok(error_result(&Error::usage_hint(
                format!("no tool `{name}` on this server"),
                if self.read_only {
                    "the server runs read-only (--read-only): only safe tools are served"
                } else {
                    "tools/list names the tools"
                },
            ))
            .into());
        };
        let server = self.clone();
        let peer = context.peer.clone();
        let handle = tokio::runtime::Handle::current();
        let args = request.arguments;
        // The engines are single-threaded (their futures are not Send): each call runs on a
        // blocking thread of its own, driven by the server's runtime.
        let joined = tokio::task::spawn_blocking(move || {
            handle.block_on(call(&server, spec.name, args, peer))
        })
        .await;
        Ok(match joined {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => error_result(&e),
            Err(_) => error_result(&Error::usage("the tool call failed unexpectedly")),
        }
        .into())
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> std::result::Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(
            PROMPTS
                .iter()
                .map(|(name, desc, arg, _)| {
                    Prompt::new(
                        *name,
                        Some(*desc),
                        arg.map(|(a, d)| {
                            vec![
                                PromptArgument::new(a)
                                    .with_description(d)
                                    .with_required(true),
                            ]
                        }),
                    )
                })
                .collect(),
        ))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> std::result::Result<GetPromptResponse, McpError> {
        let Some((name, desc, arg, body)) = PROMPTS.iter().find(|p| p.0 == request.name) else {
            return Err(McpError::invalid_params(
                format!("no prompt `{}`", request.name),
                None,
            ));
        };
        let value = arg
            .and_then(|(a, _)| request.arguments.as_ref().and_then(|m| m.get(a)))
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let text = body.replace("{arg}", &value);
        Ok(
            GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                .with_description(format!("{name}: {desc}"))
                .into(),
        )
    }
}

/// The prompts for the seed's skills: (name, description, argument, text).
type PromptDef = (
    &'static str,
    &'static str,
    Option<(&'static str, &'static str)>,
    &'static str,
);
const PROMPTS: &[PromptDef] = &[
    (
        "cluster-status",
        "A short health report of the cluster",
        None,
        "Give me a short health report of the cluster. Call the `status` tool, then `diagnose` \
         with severity warning. Lead with the root causes (not their symptoms), one line each with \
         the object and the evidence, then the suggested fixes with their tier. Do not act.",
    ),
    (
        "diagnose",
        "Diagnose an issue described in words",
        Some((
            "issue",
            "What is wrong, in words (\"jellyfin keeps restarting\")",
        )),
        "Diagnose this issue: {arg}\n\nCall `diagnose` (narrow with `namespace` when the issue \
         names one), then `describe` and `logs` on the objects the root cause names. Explain the root \
         cause with its evidence. Propose fixes as `act` calls: the gate decides what runs — \
         safe runs, confirm-tier asks the human with the exact diff, forbidden is refused.",
    ),
    (
        "rollback",
        "Roll an application back",
        Some((
            "app",
            "The application (Deployment, HelmRelease or Argo CD Application)",
        )),
        "Roll back {arg}. First find out with `get` whether it is managed by GitOps (Flux \
         labels, an Argo CD tracking annotation). If it is, the durable rollback is a Git revert \
         of the commit that changed it: say which, and do not fight the controller. Otherwise, \
         or as a stopgap, propose `act` with verb rollout-undo (or argo-rollback): it is \
         confirm-tier, so the human sees the exact template diff and approves it.",
    ),
    (
        "workflow",
        "Run a named workflow",
        Some(("name", "The workflow's name")),
        "Run the workflow {arg} with the `workflow_run` tool (`workflow_list` names the \
         workflows and their params). Every step goes through the gate: confirm steps ask me \
         with the exact diff, forbidden steps are refused. Report its `report` and every refused \
         or declined step; do not try to get around a refusal.",
    ),
    (
        "deploy",
        "Deploy an application the GitOps way",
        Some(("app", "What to deploy, in words")),
        "Deploy {arg} the GitOps way: generate the manifests (the `generate` tool), lint them \
         (`lint`), diff them against the cluster (`diff`, it changes nothing), and write them \
         into the repository's layout for a commit and a pull request. Git first: never apply \
         directly to the cluster.",
    ),
];

async fn call(
    server: &Server,
    name: &str,
    args: Option<serde_json::Map<String, Value>>,
    peer: Peer<RoleServer>,
) -> Result<CallToolResult> {
    match name {
        "diagnose" => {
            let a: DiagnoseIn = parse(name, args)?;
            diagnose(&server.ctx(a.namespace.clone()), &a)
                .await
                .map(ok_result)
        }
        "status" => {
            let a: Scoped = parse(name, args)?;
            status(&server.ctx(a.namespace)).await.map(ok_result)
        }
        "list" => {
            let a: ListIn = parse(name, args)?;
            list(&server.ctx(a.namespace.clone()), &a)
                .await
                .map(ok_result)
        }
        "get" => {
            let a: GetIn = parse(name, args)?;
            get(&server.ctx(a.namespace.clone()), &a, false)
                .await
                .map(ok_result)
        }
        "events" => {
            let a: GetIn = parse(name, args)?;
            get(&server.ctx(a.namespace.clone()), &a, true)
                .await
                .map(ok_result)
        }
        "audit" => {
            let a: AuditIn = parse(name, args)?;
            audit(&server.ctx(None), &a).map(ok_result)
        }
        "lint" => {
            let a: LintIn = parse(name, args)?;
            lint(&server.ctx(None), &a).map(ok_result)
        }
        "workflow_list" => {
            let _: Nothing = parse(name, args)?;
            workflow_list(&server.ctx(None)).map(ok_result)
        }
        "describe" => {
            let a: GetIn = parse(name, args)?;
            describe(&server.ctx(a.namespace.clone()), &a)
                .await
                .map(ok_result)
        }
        "logs" => {
            let a: LogsIn = parse(name, args)?;
            logs(server, &a, &peer).await.map(ok_result)
        }
        "diff" => {
            let a: DiffIn = parse(name, args)?;
            diff(&server.ctx(a.namespace.clone()), &a)
                .await
                .map(ok_result)
        }
        "generate" => {
            let a: GenerateIn = parse(name, args)?;
            generate(&server.ctx(a.namespace.clone()), &a)
                .await
                .map(ok_result)
        }
        "workflow_run" => {
            let a: WorkflowRunIn = parse(name, args)?;
            workflow_run(server, &a, peer).await
        }
        "act" => {
            let a: ActIn = parse(name, args)?;
            act(server, &a, peer).await
        }
        _ => Err(Error::usage(format!("no tool `{name}`"))),
    }
}
