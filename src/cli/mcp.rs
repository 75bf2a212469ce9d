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

// ---- tool inputs (their JSON schemas are the contract) ----

/// Narrow a read to one namespace (default: the server's `-n`, else all namespaces).
#[derive(Debug, Default, Deserialize, JsonSchema)]
struct Scoped {
    /// Namespace to look in (default: the server's -n, else all)
    namespace: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct DiagnoseIn {
    /// Namespace to look in (default: the server's -n, else all)
    namespace: Option<String>,
    /// Recipe ids to run (default: all), e.g. ["flux", "pods"]
    #[serde(default)]
    recipes: Vec<String>,
    /// Lowest severity to report: info, warning, error or critical (default: info)
    severity: Option<String>,
    /// Also list the symptom findings (default: only root causes, each with `symptoms_folded`;
    /// with this, `caused_by` indexes `findings` as in `diagnose -o json`)
    #[serde(default)]
    show_symptoms: bool,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct ListIn {
    /// Kind, kubectl short names accepted (pods, deploy, hr, ks…)
    kind: String,
    /// Namespace to look in (default: the server's -n, else all)
    namespace: Option<String>,
    /// Index of the first item (pagination; default 0)
    #[serde(default)]
    offset: usize,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct GetIn {
    /// KIND/NAME, e.g. deploy/jellyfin
    target: String,
    /// Namespace of the object (default: the server's -n, else "default")
    namespace: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct AuditIn {
    /// How many of the most recent attempts to return (default 20)
    limit: Option<usize>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct ActIn {
    /// The typed verb: scale, rollout-restart, rollout-undo, patch, reconcile, suspend, resume,
    /// argo-sync, drain, cordon… (see `kubectl claude act --help`)
    verb: String,
    /// KIND/NAME (kubectl short names work), or a node name for node verbs
    target: String,
    /// Namespace of the target (default: the server's -n, else the context's)
    namespace: Option<String>,
    /// scale: the replica count
    replicas: Option<i32>,
    /// patch: the patch body (a JSON object)
    patch: Option<Value>,
    /// patch: strategic (default), merge or json
    patch_type: Option<String>,
    /// rollout-undo: the revision to go back to
    to_revision: Option<i64>,
    /// argo-rollback: the history id
    history_id: Option<i64>,
    /// reconcile: also reconcile the Flux source first
    #[serde(default)]
    with_source: bool,
    /// exec: the command to run in the pod, as an argv (`["sh", "-c", "echo hi"]`), never a
    /// shell string of ours
    command: Option<Vec<String>>,
    /// exec (and logs): the container (default: the pod's default container, else its first)
    container: Option<String>,
    /// restart-pod: seconds the pod gets to stop (`kubectl delete --grace-period`)
    grace_period_seconds: Option<i64>,
    /// Why: shown to the human and recorded in the audit log
    reason: Option<String>,
    /// Show the exact change and change nothing
    #[serde(default)]
    dry_run: bool,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct LintIn {
    /// The manifests: YAML or JSON, several documents allowed
    manifests: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct Nothing {}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct LogsIn {
    /// pod/NAME (or a bare pod name)
    target: String,
    /// Namespace of the pod (default: the server's -n, else the context's)
    namespace: Option<String>,
    /// The container (default: the pod's first)
    container: Option<String>,
    /// The previous instance's log (the one that crashed)
    #[serde(default)]
    previous: bool,
    /// How many of the last lines to return (default 100, at most 1000)
    tail: Option<usize>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct DiffIn {
    /// The desired manifests: YAML or JSON, several documents allowed
    manifests: String,
    /// Namespace for manifests that name none (default: the server's -n, else the context's)
    namespace: Option<String>,
    /// Diff against the server-side apply dry run, as `kubectl diff` does (live clusters only)
    #[serde(default)]
    server_side: bool,
    /// Also list live objects of the same app the manifests no longer contain (live only)
    #[serde(default)]
    prune_preview: bool,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct GenerateIn {
    /// What to deploy, in words ("nginx with 2 replicas and a LoadBalancer service")
    instructions: String,
    /// The namespace the objects go in
    namespace: Option<String>,
    /// Values for the {{ name }} placeholders of the instructions
    #[serde(default)]
    set: std::collections::BTreeMap<String, String>,
    /// offline, anthropic or openai (default: as configured; anthropic when a key is set, else
    /// the offline generator, which needs no network)
    provider: Option<String>,
    /// The model id (default: as configured)
    model: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
struct WorkflowRunIn {
    /// The workflow's name (`workflow_list` names them)
    name: String,
    /// The workflow's params, e.g. {"namespace": "shop"}
    #[serde(default)]
    params: std::collections::BTreeMap<String, String>,
    /// The namespace for steps that name none (default: the server's -n)
    namespace: Option<String>,
    /// Show every change a step would make and change nothing
    #[serde(default)]
    dry_run: bool,
}

/// The approval form shown to the human.
#[derive(Debug, Deserialize, serde::Serialize, JsonSchema)]
struct Approve {
    /// Run this change once
    approve: bool,
}
rmcp::elicit_safe!(Approve);

struct ToolSpec {
    name: &'static str,
    description: &'static str,
    safe: bool,
    schema: fn() -> schemars::Schema,
}

fn tools() -> Vec<ToolSpec> {
    vec![
        ToolSpec {
            name: "diagnose",
            description: "Run the diagnosis recipes (Flux, Argo CD, ARC, pods, nodes…) and return the findings, root causes first with their symptoms folded, evidence trimmed, and the suggested fixes with their autonomy tier. Same JSON as `kubectl claude diagnose -o json`.",
            safe: true,
            schema: || schemars::schema_for!(DiagnoseIn),
        },
        ToolSpec {
            name: "status",
            description: "Cluster overview: nodes, GitOps objects (Flux, Argo CD) and the top problems. Same JSON as `kubectl claude status -o json`.",
            safe: true,
            schema: || schemars::schema_for!(Scoped),
        },
        ToolSpec {
            name: "list",
            description: "List objects of one kind (name, namespace, ready condition), paginated 50 at a time with a total count. Secret values are never returned.",
            safe: true,
            schema: || schemars::schema_for!(ListIn),
        },
        ToolSpec {
            name: "get",
            description: "One object as JSON, with Secret data and credential-looking env values masked and managedFields dropped.",
            safe: true,
            schema: || schemars::schema_for!(GetIn),
        },
        ToolSpec {
            name: "events",
            description: "The events about one object (KIND/NAME), newest last; messages scrubbed of credentials.",
            safe: true,
            schema: || schemars::schema_for!(GetIn),
        },
        ToolSpec {
            name: "audit",
            description: "The most recent attempts recorded in the audit log (decision and outcome), as `kubectl claude audit -o json`.",
            safe: true,
            schema: || schemars::schema_for!(AuditIn),
        },
        ToolSpec {
            name: "lint",
            description: "Validate and lint manifests (YAML or JSON text) against the schemas and house rules: the same JSON as `kubectl claude lint -o json`.",
            safe: true,
            schema: || schemars::schema_for!(LintIn),
        },
        ToolSpec {
            name: "workflow_list",
            description: "The workflows (built-in and the user's), with their descriptions: the same JSON as `kubectl claude workflow list -o json`.",
            safe: true,
            schema: || schemars::schema_for!(Nothing),
        },
        ToolSpec {
            name: "describe",
            description: "One object (KIND/NAME) with the events about it: the object as `get` returns it (Secret data and credential-looking values masked) and its last 20 events.",
            safe: true,
            schema: || schemars::schema_for!(GetIn),
        },
        ToolSpec {
            name: "logs",
            description: "The last lines of a pod's container log (default 100), read through the same acting session as `kubectl claude act logs` (audited), every line scrubbed of credentials.",
            safe: true,
            schema: || schemars::schema_for!(LogsIn),
        },
        ToolSpec {
            name: "diff",
            description: "How manifests (YAML or JSON text) differ from the cluster, comparing only the fields they declare; Secret values masked. Same JSON as `kubectl claude diff -o json`; with --snapshot, against the snapshot. Changes nothing.",
            safe: true,
            schema: || schemars::schema_for!(DiffIn),
        },
        ToolSpec {
            name: "generate",
            description: "Generate validated, linted Kubernetes manifests from instructions in words: the same List as `kubectl claude generate -o json`, with the generator's notes. Uses the configured model, or the offline generator when no key is set. Writes nothing and applies nothing: commit the result to Git.",
            safe: true,
            schema: || schemars::schema_for!(GenerateIn),
        },
        ToolSpec {
            name: "workflow_run",
            description: "Run a named workflow (`workflow_list`) through the same acting session and gate as `act`: recipe steps diagnose, every change is judged by the gate — confirm steps ask the human through elicitation (refused with the exact diff when the client cannot ask), forbidden steps are refused. Returns every action's decision and the report.",
            safe: false,
            schema: || schemars::schema_for!(WorkflowRunIn),
        },
        ToolSpec {
            name: "act",
            description: "Run one typed action through the autonomy gate, the same gate as `kubectl claude act`: safe runs; forbidden (drain, cordon, node writes…) is refused with the manual command; confirm-tier (scale, patch, rollout…) asks the human through an elicitation showing the target, rationale and exact diff, and is refused with that diff when the client cannot ask. On a snapshot it only previews. Every decision is in the audit log as origin mcp:<client>.",
            safe: false,
            schema: || schemars::schema_for!(ActIn),
        },
    ]
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

async fn diagnose(ctx: &Ctx, a: &DiagnoseIn) -> Result<Value> {
    let chosen: Vec<&dyn crate::recipes::Recipe> = if a.recipes.is_empty() {
        crate::recipes::RECIPES.to_vec()
    } else {
        let mut v = Vec::new();
        for id in &a.recipes {
            v.push(crate::recipes::by_id(id).ok_or_else(|| {
                Error::usage_hint(
                    format!("unknown recipe `{id}`"),
                    "kubectl claude diagnose --list names the recipes",
                )
            })?);
        }
        v
    };
    let min = match a.severity.as_deref() {
        None => None,
        Some(s) => Some(
            serde_json::from_value::<crate::finding::Severity>(json!(s)).map_err(|_| {
                Error::usage(format!(
                    "severity `{s}` is not one of info, warning, error, critical"
                ))
            })?,
        ),
    };
    let (_view, inv) = super::gather::gather_for(ctx, &chosen, true).await?;
    let outcome = crate::recipes::run(&chosen, &inv);
    let findings = crate::finding::link(outcome.findings, &super::gate_ui::policy(ctx)?);
    // The same suppression as `diagnose` and `serve` (ignore files, annotations).
    let silenced = super::gather::suppress(ctx, findings, &inv)?;
    let findings = silenced.kept;
    let mut fs = serde_json::to_value(&findings).unwrap_or_default();
    if let Some(arr) = fs.as_array_mut() {
        // Symptoms folded under their root cause (`caused_by` indexes the unfiltered list).
        let mut folded = vec![0usize; arr.len()];
        for f in arr.iter() {
            if let Some(j) = f["caused_by"]
                .as_u64()
                .and_then(|j| usize::try_from(j).ok())
                && j < folded.len()
            {
                folded[j] += 1;
            }
        }
        for (f, n) in arr.iter_mut().zip(&folded) {
            if let Some(o) = f.as_object_mut() {
                o.remove("recipe");
                if let Some(Value::Array(ev)) = o.get_mut("evidence") {
                    ev.truncate(EVIDENCE);
                }
                if !a.show_symptoms && *n > 0 {
                    o.insert("symptoms_folded".into(), json!(n));
                }
            }
        }
        arr.retain(|f| {
            (a.show_symptoms || f["caused_by"].is_null())
                && min.is_none_or(|min| {
                    serde_json::from_value::<crate::finding::Severity>(f["severity"].clone())
                        .is_ok_and(|s| s.rank() >= min.rank())
                })
        });
    }
    let suppressed: Vec<Value> = silenced
        .suppressed
        .iter()
        .map(|x| json!({"id": x.finding.id, "object": x.finding.object, "reason": x.reason}))
        .collect();
    let mut doc = json!({"v": 1, "findings": fs, "skipped": outcome.skipped,
        "recipes": outcome.ran, "suppressed": suppressed});
    scrub(&mut doc);
    Ok(doc)
}

async fn status(ctx: &Ctx) -> Result<Value> {
    let recipes = crate::recipes::RECIPES.to_vec();
    let (_view, inv) = super::gather::gather_for(ctx, &recipes, false).await?;
    let outcome = crate::recipes::run(&recipes, &inv);
    let findings = crate::finding::link(outcome.findings, &super::gate_ui::policy(ctx)?);
    let findings = super::gather::suppress(ctx, findings, &inv)?.kept;
    let mut v = serde_json::to_value(crate::status::build(&inv, &findings, 10)).unwrap_or_default();
    scrub(&mut v);
    Ok(v)
}

fn kind_of(name: &str) -> Result<&'static crate::cluster::kinds::KindInfo> {
    crate::cluster::kinds::lookup(name).ok_or_else(|| {
        Error::usage_hint(
            format!("unknown kind `{name}`"),
            "use a built-in kind or a kubectl short name (pods, deploy, hr, ks, app…)",
        )
    })
}

async fn gather_kinds(
    ctx: &Ctx,
    kinds: &[&str],
    ns: Option<String>,
) -> Result<crate::cluster::Inventory> {
    let view = super::cluster_view(ctx).await?;
    let scope = ns
        .map(crate::cluster::Scope::namespace)
        .unwrap_or_else(crate::cluster::Scope::all);
    Ok(view
        .gather(kinds, &scope, false, &crate::cluster::NoProgress)
        .await?)
}

async fn list(ctx: &Ctx, a: &ListIn) -> Result<Value> {
    let info = kind_of(&a.kind)?;
    let inv = gather_kinds(ctx, &[info.kind], ctx.global.namespace.clone()).await?;
    let all: Vec<_> = inv.of_kind(info.kind).collect();
    let total = all.len();
    let items: Vec<Value> = all
        .iter()
        .skip(a.offset)
        .take(PAGE)
        .map(|o| {
            let ready = o.condition("Ready").map(|c| c.status.clone());
            json!({"name": o.name(), "namespace": o.namespace(), "ready": ready})
        })
        .collect();
    let next = (a.offset + PAGE < total).then_some(a.offset + PAGE);
    Ok(
        json!({"v": 1, "kind": info.kind, "total": total, "offset": a.offset, "items": items, "next_offset": next}),
    )
}

/// `KIND/NAME` of a read: the kind and name, and the namespace for a namespaced kind.
fn read_target<'a>(
    ctx: &Ctx,
    target: &'a str,
) -> Result<(
    &'static crate::cluster::kinds::KindInfo,
    &'a str,
    Option<String>,
)> {
    let (kind, name) = target.split_once('/').ok_or_else(|| {
        Error::usage_hint(
            format!("`{target}` is not KIND/NAME"),
            "e.g. deploy/jellyfin",
        )
    })?;
    let info = kind_of(kind)?;
    let ns = info.namespaced.then(|| {
        ctx.global
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into())
    });
    Ok((info, name, ns))
}

/// The object named by a read, scrubbed, or the CLI's "not found".
fn found_object(
    inv: &crate::cluster::Inventory,
    info: &crate::cluster::kinds::KindInfo,
    ns: Option<&str>,
    name: &str,
) -> Result<Value> {
    let obj = inv.get(info.kind, ns, name).ok_or_else(|| {
        Error::usage_hint(
            format!(
                "{} {name} not found{}",
                info.kind,
                ns.map(|n| format!(" in namespace {n}")).unwrap_or_default()
            ),
            "the `list` tool shows what exists",
        )
    })?;
    let mut v = obj.value().clone();
    scrub(&mut v);
    Ok(v)
}

/// The last 20 events about one object, newest last, and how many there were.
fn events_about(inv: &crate::cluster::Inventory, kind: &str, name: &str) -> (usize, Vec<Value>) {
    let mut evs: Vec<Value> = inv
        .of_kind("Event")
        .filter(|e| {
            e.str_at("/involvedObject/kind") == Some(kind)
                && e.str_at("/involvedObject/name") == Some(name)
        })
        .map(|e| {
            json!({"type": e.str_at("/type"), "reason": e.str_at("/reason"),
                "message": e.str_at("/message").map(crate::redact::redact),
                "count": e.i64_at("/count"), "last": e.str_at("/lastTimestamp")})
        })
        .collect();
    let total = evs.len();
    if total > 20 {
        evs.drain(..total - 20);
    }
    (total, evs)
}

async fn get(ctx: &Ctx, a: &GetIn, events: bool) -> Result<Value> {
    let (info, name, ns) = read_target(ctx, &a.target)?;
    let mut kinds = vec![info.kind];
    if events {
        kinds.push("Event");
    }
    let inv = gather_kinds(ctx, &kinds, ns.clone()).await?;
    if events {
        let (total, evs) = events_about(&inv, info.kind, name);
        return Ok(json!({"v": 1, "target": a.target, "total": total, "events": evs}));
    }
    found_object(&inv, info, ns.as_deref(), name)
}

/// `describe`: the object and the events about it, from one read of the cluster.
async fn describe(ctx: &Ctx, a: &GetIn) -> Result<Value> {
    let (info, name, ns) = read_target(ctx, &a.target)?;
    let inv = gather_kinds(ctx, &[info.kind, "Event"], ns.clone()).await?;
    let object = found_object(&inv, info, ns.as_deref(), name)?;
    let (total, events) = events_about(&inv, info.kind, name);
    Ok(json!({"v": 1, "target": a.target, "object": object,
        "events_total": total, "events": events}))
}

fn lint(ctx: &Ctx, a: &LintIn) -> Result<Value> {
    use crate::manifest::lint::{Level, LintOptions};
    let manifests = crate::manifest::from_text(&a.manifests, std::path::Path::new("<manifests>"))?;
    if manifests.is_empty() {
        return Err(crate::manifest::Error::Empty {
            what: "the manifests argument".into(),
        }
        .into());
    }
    let objects: Vec<_> = manifests.iter().map(|m| m.value.clone()).collect();
    let origins: Vec<_> = manifests.iter().map(|m| m.origin.clone()).collect();
    let mut issues = crate::manifest::validate::validate(&objects, &origins);
    issues.extend(crate::manifest::lint::lint(
        &objects,
        &origins,
        &LintOptions {
            allowed_kinds: ctx.config()?.allowed_kinds.clone(),
        },
    ));
    issues.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.origin.cmp(&b.origin))
            .then_with(|| a.rule.cmp(b.rule))
    });
    let errors = issues.iter().filter(|i| i.level == Level::Error).count();
    let warnings = issues.iter().filter(|i| i.level == Level::Warning).count();
    let mut v = json!({"v": 1, "objects": objects.len(), "errors": errors, "warnings": warnings, "issues": issues});
    scrub(&mut v);
    Ok(v)
}

fn workflow_list(ctx: &Ctx) -> Result<Value> {
    let all = crate::workflow::list(&ctx.paths.workflows_dir())
        .map_err(|e| Error::usage(e.to_string()))?;
    let rows: Vec<Value> = all
        .iter()
        .map(|l| {
            let desc = crate::workflow::parse(&l.text, std::path::Path::new(&l.source))
                .map(|w| w.description)
                .unwrap_or_else(|e| format!("(invalid: {e})"));
            json!({"name": l.name, "source": l.source, "description": desc})
        })
        .collect();
    Ok(json!({"v": 1, "workflows": rows}))
}

fn audit(ctx: &Ctx, a: &AuditIn) -> Result<Value> {
    use crate::audit::Phase;
    let dir = ctx.paths.audit_dir();
    let (records, unreadable) =
        crate::audit::read_report(&dir).map_err(|e| Error::io("read", &dir, e))?;
    let outcomes: std::collections::BTreeMap<&str, &crate::audit::Record> = records
        .iter()
        .filter(|r| r.phase == Phase::Outcome)
        .map(|r| (r.id.as_str(), r))
        .collect();
    let decisions: Vec<_> = records
        .iter()
        .filter(|r| r.phase == Phase::Decision)
        .collect();
    let limit = a.limit.unwrap_or(20);
    let skip = decisions.len().saturating_sub(limit);
    let attempts: Vec<Value> = decisions
        .iter()
        .skip(skip)
        .map(|d| {
            let o = outcomes.get(d.id.as_str());
            json!({"id": d.id, "at": d.at, "context": d.context, "origin": d.origin,
                "verb": d.verb, "target": d.target, "tier": d.tier, "approval": d.approval,
                "command": d.command, "rationale": d.rationale, "action": d.action,
                "unit": d.unit, "approver": d.approver, "request": d.request,
                "outcome": o.and_then(|o| o.outcome),
                "error": o.and_then(|o| o.error.clone())})
        })
        .collect();
    Ok(
        json!({"v": 1, "total": decisions.len(), "attempts": attempts, "unreadable": unreadable.len()}),
    )
}

/// Masks what must never leave the process: Secret data, credential-looking values, managed
/// fields; every string through the text scrubber ([`crate::redact`]).
fn scrub(v: &mut Value) {
    match v {
        Value::Object(m) if m.contains_key("kind") && m.contains_key("metadata") => {
            crate::cluster::snapshot::redact(v)
        }
        Value::Object(m) => m.values_mut().for_each(scrub),
        Value::Array(a) => a.iter_mut().for_each(scrub),
        Value::String(s) => *s = crate::redact::redact(s),
        _ => {}
    }
}

/// The human behind an MCP client, asked through elicitation: the client shows the target,
/// the rationale and the exact object diff ([`super::gate_ui::render_ask`]). Accept runs the
/// change once; decline, cancel, no answer in time or a client error is a "no".
struct ElicitingHuman {
    peer: Peer<RoleServer>,
    client: String,
}

impl Interaction for ElicitingHuman {
    async fn confirm(&self, ask: &Ask<'_>) -> std::io::Result<Answer> {
        let message = format!(
            "kubectl-claude asks for approval (tier {}):\n\n{}\nApprove to run this change once.",
            ask.tier.as_str(),
            super::gate_ui::render_ask(&crate::ui::Ui::plain(), ask)
        );
        let answer = self
            .peer
            .elicit_with_timeout::<Approve>(message, Some(ELICIT_TIMEOUT))
            .await;
        Ok(match answer {
            Ok(Some(Approve { approve: true })) => Answer::Approved {
                via: Via::McpElicitation,
                by: Some(format!("mcp:{}", self.client)),
            },
            _ => Answer::Declined,
        })
    }
}

/// The client's name from its `initialize`, as audit records carry it (`mcp:<name>`):
/// printable characters only, at most 64.
fn client_name(peer: &Peer<RoleServer>) -> String {
    let name: String = peer
        .peer_info()
        .map(|i| i.client_info.name.clone())
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    if name.trim().is_empty() {
        "unknown".into()
    } else {
        name
    }
}

/// True when the client declared form elicitation (a human can be asked).
fn can_elicit(peer: &Peer<RoleServer>) -> bool {
    peer.supported_elicitation_modes()
        .contains(&ElicitationMode::Form)
}

/// The namespace for targets that name none: the server's (or the tool's) `-n`, else the
/// context's; a snapshot has no current namespace (`default`, as `act` uses).
fn default_namespace(ctx: &Ctx, view: &ClusterView) -> String {
    ctx.global.namespace.clone().unwrap_or_else(|| match view {
        ClusterView::Live(l) => l.default_namespace().to_string(),
        ClusterView::Snapshot(_) => "default".into(),
    })
}

async fn act(server: &Server, a: &ActIn, peer: Peer<RoleServer>) -> Result<CallToolResult> {
    let ctx = server.ctx(a.namespace.clone());
    let verb = <Verb as clap::ValueEnum>::from_str(&a.verb, true).map_err(|_| {
        Error::usage_hint(
            format!("unknown verb `{}`", a.verb),
            "kubectl claude act --help lists the typed verbs",
        )
    })?;
    let params: action::Params = serde_json::from_value(json!({
        "replicas": a.replicas, "patch": a.patch, "type": a.patch_type.as_deref().unwrap_or("strategic"),
        "to_revision": a.to_revision, "history_id": a.history_id, "with_source": a.with_source,
        "command": a.command, "container": a.container,
        "grace_period_seconds": a.grace_period_seconds,
    }))
    .map_err(|e| Error::usage(format!("bad act parameters: {e}")))?;
    let policy = super::gate_ui::policy(&ctx)?;
    let opts = super::cluster_view::connect_options(&ctx);
    let guess_ns = crate::cluster::kubeconfig::context_namespace(&opts);
    let client = client_name(&peer);
    let origin = Origin::McpClient(client.clone());
    let can_ask = can_elicit(&peer);
    let input = GateInput {
        // No flag approves confirm-tier from MCP.
        yes: false,
        dry_run: a.dry_run,
        read_only: server.read_only,
        suggest_only: false,
        interactive: can_ask,
    };
    let human = ElicitingHuman { peer, client };
    let now = ctx.env.now();

    // A forbidden action is refused without connecting, as `act` does.
    let ns0 = ctx.global.namespace.clone().unwrap_or(guess_ns);
    if let Ok(built) =
        action::parse_target(verb, &a.target, &ns0).and_then(|t| action::build(verb, t, &params))
        && policy.tier(&built) == Tier::Forbidden
    {
        let context = crate::cluster::kubeconfig::context_name(&opts)
            .unwrap_or_else(|| "(no kubeconfig)".into());
        let exec = crate::gate::Unconnected {
            context: context.clone(),
        };
        let audit = super::gate_ui::audit_log(&ctx, &context);
        let gate = Gate {
            policy: &policy,
            input,
            audit: &audit,
            now,
        };
        let session = Session::new(gate, &exec, &human, origin.clone())?;
        let mut p = Proposed::new(built, origin);
        p.rationale = a.reason.clone();
        let attempt = session.run(&p).await?;
        return Ok(act_result(&p, &attempt, can_ask, false));
    }
    // A snapshot answers reads and previews changes (the session's snapshot rule).
    let view = super::cluster_view(&ctx).await?;
    let default_ns = default_namespace(&ctx, &view);
    let audit = super::gate_ui::audit_log(&ctx, &super::gate_ui::view_context(&view));
    let gate = Gate {
        policy: &policy,
        input,
        audit: &audit,
        now,
    };
    let session = Session::new(gate, &view, &human, origin)?;
    let resolved = session
        .resolve_target(verb, &a.target, &default_ns, false)
        .await?;
    let built = action::build(verb, resolved.target, &params).map_err(Error::usage)?;
    let mut p = session.propose(built).await?;
    p.rationale = a.reason.clone().or(p.rationale);
    // A client that cannot ask still gets the exact change, for a human to make by hand.
    let offline_preview = if session.gate().tier(&p) == Tier::Confirm && !can_ask && !a.dry_run {
        session.gate().preview(&p.action, &view).await.ok()
    } else {
        None
    };
    let mut attempt = session.run(&p).await?;
    if attempt.preview.is_none() {
        attempt.preview = offline_preview;
    }
    let previewed = session.snapshot_preview() && !p.action.is_read();
    Ok(act_result(&p, &attempt, can_ask, previewed))
}

/// One attempt as the `act` tool reports it (also each action of `workflow_run`), and whether
/// it was refused or declined.
fn attempt_doc(
    p: &Proposed,
    a: &crate::gate::Attempt,
    can_ask: bool,
    snapshot: bool,
) -> (Value, bool) {
    let asked = p.requested.as_ref().unwrap_or(&p.action);
    let command = super::gate_ui::shown_command(asked);
    let mut doc = json!({
        "v": 1, "id": a.id, "verb": asked.verb(), "target": super::gate_ui::target_label(asked),
        "tier": a.tier.as_str(), "approval": super::gate_ui::approval_str(a.approval),
        "outcome": a.outcome.as_str(), "origin": p.origin, "command": command,
    });
    if snapshot {
        doc["snapshot"] = json!("previewed only: a snapshot cannot be changed");
    }
    if let Some(r) = &p.rationale {
        doc["rationale"] = json!(crate::redact::redact(r));
    }
    if let Some(pv) = &a.preview {
        doc["diff"] = json!(crate::redact::redact(&pv.diff));
        if let Some(n) = &pv.note {
            doc["note"] = json!(crate::redact::redact(n));
        }
    }
    // A failed exec still says what the command printed (masked like every result).
    let exec_output = a.error.as_ref().and_then(|e| e.exec_output());
    if let Some(r) = a.result.as_ref().or(exec_output) {
        let mut r = r.clone();
        scrub(&mut r);
        doc["result"] = r;
    }
    if let Some(e) = &a.error {
        doc["error"] = json!(crate::redact::redact(&e.to_string()));
    }
    let refused = a.refusal.is_some() || a.approval == crate::autonomy::Approval::Declined;
    if refused {
        let (mut message, mut hints) = super::gate_ui::refusal(p, a);
        if a.refusal == Some(crate::autonomy::Refusal::NoTty) && !can_ask {
            message = format!(
                "refused: {} {} needs a human's confirmation (tier {}) and this MCP client cannot ask (no elicitation capability)",
                asked.verb(),
                super::gate_ui::target_label(asked),
                a.tier.as_str()
            );
            hints = vec![format!(
                "the exact change is in `diff`; a human can make it by hand: {command}"
            )];
        }
        doc["message"] = json!(message);
        doc["hints"] = json!(hints);
    }
    (doc, refused)
}

fn act_result(
    p: &Proposed,
    a: &crate::gate::Attempt,
    can_ask: bool,
    snapshot: bool,
) -> CallToolResult {
    let (doc, refused) = attempt_doc(p, a, can_ask, snapshot);
    if refused {
        let mut text = doc["message"].as_str().unwrap_or_default().to_string();
        for h in doc["hints"].as_array().into_iter().flatten() {
            text.push_str(&format!("\nhint: {}", h.as_str().unwrap_or_default()));
        }
        if let Some(d) = doc["diff"].as_str().filter(|d| !d.is_empty()) {
            text.push_str(&format!("\n\n{d}"));
        }
        let mut r = CallToolResult::error(vec![ContentBlock::text(text)]);
        r.structured_content = Some(doc);
        return r;
    }
    if a.error.is_some() {
        let mut r = CallToolResult::error(vec![ContentBlock::text(doc.to_string())]);
        r.structured_content = Some(doc);
        return r;
    }
    ok_result(doc)
}

// ---- logs, diff, generate, workflow_run ----

/// Log lines returned by default, at most, and the longest line kept.
const LOG_LINES: usize = 100;
const LOG_LINES_MAX: usize = 1000;
const LOG_LINE_CHARS: usize = 2000;
/// Lines of one object's diff kept in a `diff` result.
const DIFF_LINES: usize = 200;

/// At most `n` characters of `s`, with a marker when cut.
fn cut(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}… [cut]", &s[..i]),
        None => s.to_string(),
    }
}

/// One read (`logs`) through the acting session, as `kubectl claude act logs` runs it: gated
/// (read-only: anything but a read is refused) and audited with the client as origin.
async fn read_through_session(
    ctx: &Ctx,
    verb: Verb,
    target: &str,
    params: &action::Params,
    origin: Origin,
) -> Result<(Proposed, crate::gate::Attempt)> {
    let view = super::cluster_view(ctx).await?;
    let default_ns = default_namespace(ctx, &view);
    let policy = super::gate_ui::policy(ctx)?;
    let audit = super::gate_ui::audit_log(ctx, &super::gate_ui::view_context(&view));
    let gate = Gate {
        policy: &policy,
        input: GateInput {
            yes: false,
            dry_run: false,
            read_only: true,
            suggest_only: false,
            interactive: false,
        },
        audit: &audit,
        now: ctx.env.now(),
    };
    let session = Session::new(gate, &view, &crate::session::Unattended, origin)?;
    let resolved = session
        .resolve_target(verb, target, &default_ns, false)
        .await?;
    let built = action::build(verb, resolved.target, params).map_err(Error::usage)?;
    let p = session.propose(built).await?;
    let mut attempt = session.run(&p).await?;
    if let Some(e) = attempt.error.take() {
        return Err(e.into());
    }
    if attempt.refusal.is_some() {
        let (message, hints) = super::gate_ui::refusal(&p, &attempt);
        return Err(Error::Refused { message, hints });
    }
    Ok((p, attempt))
}

async fn logs(server: &Server, a: &LogsIn, peer: &Peer<RoleServer>) -> Result<Value> {
    let ctx = server.ctx(a.namespace.clone());
    let target = if a.target.contains('/') {
        a.target.clone()
    } else {
        format!("pod/{}", a.target)
    };
    let params = action::Params {
        container: a.container.clone(),
        previous: a.previous,
        ..Default::default()
    };
    let origin = Origin::McpClient(client_name(peer));
    let (p, attempt) = read_through_session(&ctx, Verb::Logs, &target, &params, origin).await?;
    let text = match attempt.result {
        Some(Value::String(s)) => s,
        Some(v) => v.to_string(),
        None => String::new(),
    };
    // The whole text at once: a credential split over lines (a PEM block) is still masked.
    let masked = crate::redact::redact(&text);
    let all: Vec<&str> = masked.lines().collect();
    let tail = a.tail.unwrap_or(LOG_LINES).clamp(1, LOG_LINES_MAX);
    let skip = all.len().saturating_sub(tail);
    let lines: Vec<String> = all[skip..].iter().map(|l| cut(l, LOG_LINE_CHARS)).collect();
    Ok(
        json!({"v": 1, "target": super::gate_ui::target_label(&p.action),
        "container": a.container, "previous": a.previous, "total_lines": all.len(),
        "lines": lines, "truncated": skip > 0}),
    )
}

async fn diff(ctx: &Ctx, a: &DiffIn) -> Result<Value> {
    use crate::diff::{DiffOptions, DiffReport};
    let desired = crate::manifest::from_text(&a.manifests, std::path::Path::new("<manifests>"))?;
    if desired.is_empty() {
        return Err(crate::manifest::Error::Empty {
            what: "the manifests argument".into(),
        }
        .into());
    }
    let report = if let Some(dir) = &ctx.global.snapshot {
        if a.server_side || a.prune_preview {
            return Err(Error::usage_hint(
                "server_side and prune_preview ask a live cluster and this server reads a snapshot",
                "leave them out, or start the server without --snapshot",
            ));
        }
        let snap = crate::cluster::snapshot::SnapshotCluster::load(dir)?;
        let default_ns = ctx
            .global
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let mut report = DiffReport::default();
        report.warnings.push(format!(
            "compared with the snapshot {}, not a live cluster",
            dir.display()
        ));
        for m in &desired {
            let o = m.obj();
            if o.kind().is_empty() || o.name().is_empty() || o.api_version().is_empty() {
                report.warnings.push(format!(
                    "{}: skipped: apiVersion, kind and metadata.name are required",
                    m.origin
                ));
                continue;
            }
            let namespaced = crate::cluster::kinds::lookup(o.kind())
                .map_or(o.namespace().is_some(), |i| i.namespaced);
            let ns = namespaced.then(|| o.namespace().unwrap_or(&default_ns).to_string());
            let r = crate::object::ObjRef::new(o.api_version(), o.kind(), ns.as_deref(), o.name());
            let current = snap.inventory().get_ref(&r).map(|x| x.value().clone());
            report
                .objects
                .push(crate::diff::diff_pair(r, &m.value, current.as_ref()));
        }
        report
    } else {
        let live = super::cluster_view::live_cluster(ctx).await?;
        let opts = DiffOptions {
            server_side: a.server_side,
            prune_preview: a.prune_preview,
        };
        crate::diff::diff_objects(&live, &desired, &opts).await?
    };
    let mut v = report.to_json();
    v["differs"] = json!(report.has_differences());
    for o in v["objects"].as_array_mut().into_iter().flatten() {
        let Some(d) = o["diff"].as_str() else {
            continue;
        };
        let n = d.lines().count();
        if n > DIFF_LINES {
            let kept: Vec<&str> = d.lines().take(DIFF_LINES).collect();
            o["diff"] = json!(format!("{}\n", kept.join("\n")));
            o["diff_lines_cut"] = json!(n - DIFF_LINES);
        }
    }
    scrub(&mut v);
    Ok(v)
}

async fn generate(ctx: &Ctx, a: &GenerateIn) -> Result<Value> {
    if a.instructions.trim().is_empty() {
        return Err(Error::usage_hint(
            "the instructions are empty",
            "say what to deploy, e.g. \"nginx with 2 replicas and a LoadBalancer service\"",
        ));
    }
    let instructions = crate::generate::Instructions::from_text(&a.instructions, None);
    let args = super::instructions::PrepareArgs {
        provider: a.provider.clone(),
        model: a.model.clone(),
        set: a.set.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        ..Default::default()
    };
    // The front-end resolves the provider (flag, config, key → anthropic, else offline).
    let prepared = super::instructions::prepare(ctx, instructions, &args)?;
    let app = prepared.instructions.app_name();
    let cache = crate::generate::cache::Cache::new(&ctx.paths.cache_dir);
    let now = ctx.env.now().to_string();
    let max_tokens = ctx.config()?.anthropic.max_tokens.unwrap_or(8192);
    // Instructions that look like they hold credentials are refused, never sent.
    let req = prepared.request(Some(&cache), false, false, max_tokens, &now, &app);
    let started = std::time::Instant::now();
    let meta = super::model::CallMeta {
        provider: prepared.backend.name(),
        model: prepared.backend.model(),
        app: &app,
    };
    let outcome = match crate::generate::run(&req).await {
        Ok(o) => {
            super::model::log_call(
                ctx,
                &meta,
                o.source.as_str(),
                "ok",
                o.completion.as_ref(),
                &o.prompt_sha256,
                o.duration,
            );
            o
        }
        Err(e) => {
            if matches!(prepared.backend, crate::generate::Backend::Model(_)) {
                let short: String = e.to_string().chars().take(120).collect();
                let spent = match &e {
                    crate::generate::Error::AfterCall { completion, .. } => {
                        Some(completion.as_ref())
                    }
                    _ => None,
                };
                let sha = crate::generate::prompt_sha256(&req);
                super::model::log_call(
                    ctx,
                    &meta,
                    "miss",
                    &format!("error: {short}"),
                    spent,
                    &sha,
                    started.elapsed(),
                );
            }
            return Err(e.into());
        }
    };
    let mut v = json!({"apiVersion": "v1", "kind": "List", "items": outcome.objects,
        "generation": {"provider": prepared.backend.name(), "model": prepared.backend.model(),
            "source": outcome.source.as_str(), "defaults": outcome.defaults,
            "not_understood": outcome.not_understood, "issues": outcome.issues}});
    scrub(&mut v);
    Ok(v)
}

/// The workflow's params from the call: declared names only, defaults filled, required ones
/// present (the messages of `workflow run --param`).
fn workflow_params(
    wf: &crate::workflow::Workflow,
    given: &std::collections::BTreeMap<String, String>,
) -> Result<std::collections::BTreeMap<String, String>> {
    let declared: Vec<&str> = wf.params.iter().map(|p| p.name.as_str()).collect();
    if let Some(k) = given.keys().find(|k| !declared.contains(&k.as_str())) {
        return Err(Error::usage_hint(
            format!("workflow {} has no param `{k}`", wf.name),
            format!("params: {}", declared.join(", ")),
        ));
    }
    let mut out = given.clone();
    for p in &wf.params {
        if out.contains_key(&p.name) {
            continue;
        }
        match (&p.default, p.required) {
            (Some(d), _) => {
                out.insert(p.name.clone(), d.clone());
            }
            (None, true) => {
                return Err(Error::usage_hint(
                    format!("workflow {} needs the param `{}`", wf.name, p.name),
                    format!(
                        "pass params: {{\"{}\": \"…\"}}{}",
                        p.name,
                        if p.description.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", p.description)
                        }
                    ),
                ));
            }
            (None, false) => {
                out.insert(p.name.clone(), String::new());
            }
        }
    }
    Ok(out)
}

/// The MCP side of a workflow run: collects what the CLI prints (status lines, the report,
/// every gated action) into the tool result.
struct McpHost<'a> {
    ctx: &'a Ctx,
    can_ask: bool,
    snapshot: bool,
    log: std::cell::RefCell<Vec<String>>,
    report: std::cell::RefCell<String>,
    actions: std::cell::RefCell<Vec<Value>>,
    /// Confirm-tier steps refused because the client cannot ask: (index in `actions`, the
    /// proposal), previewed after the run so the result carries their exact diff.
    unasked: std::cell::RefCell<Vec<(usize, Proposed)>>,
}

/// Status lines of a workflow run kept in its result (the last ones).
const WORKFLOW_LOG: usize = 50;

impl crate::workflow::run::Host for McpHost<'_> {
    fn status(&self, line: &str) {
        self.log.borrow_mut().push(crate::redact::redact(line));
    }
    fn print(&self, text: &str) -> std::io::Result<()> {
        self.report
            .borrow_mut()
            .push_str(&crate::redact::redact(text));
        Ok(())
    }
    fn attempt(&self, p: &Proposed, a: &crate::gate::Attempt) -> std::io::Result<()> {
        let (mut doc, _) = attempt_doc(p, a, self.can_ask, self.snapshot);
        if let Some(o) = doc.as_object_mut() {
            o.remove("v");
        }
        let mut actions = self.actions.borrow_mut();
        if a.refusal == Some(crate::autonomy::Refusal::NoTty) && a.preview.is_none() {
            self.unasked.borrow_mut().push((actions.len(), p.clone()));
        }
        actions.push(doc);
        Ok(())
    }
    fn recipes(&self, ids: &[String]) -> Vec<&'static dyn crate::recipes::Recipe> {
        super::gather::select_recipes(self.ctx, ids)
    }
    async fn complete(
        &self,
        workflow: &str,
        model: Option<&str>,
        prompt: &crate::llm::Prompt,
    ) -> crate::workflow::run::Completion {
        use crate::workflow::run::Completion;
        let provider = match super::model::resolve_provider_name(self.ctx, None, None) {
            Ok(p) => p,
            Err(e) => return Completion::Skipped(e.to_string()),
        };
        let p = match super::model::backend(self.ctx, &provider, model, None) {
            Ok(crate::generate::Backend::Model(p)) => p,
            Ok(crate::generate::Backend::Offline) => {
                return Completion::Skipped(
                    "no model configured (set ANTHROPIC_API_KEY, or provider openai with OPENAI_BASE_URL)".into(),
                );
            }
            Err(e) => return Completion::Skipped(e.to_string()),
        };
        let app = format!("workflow {workflow}");
        match super::model::complete_logged(self.ctx, &p, prompt, &app).await {
            Ok(c) => Completion::Answered {
                text: c.text,
                by: format!("{} {}", p.name(), p.model()),
            },
            Err(e) => Completion::Skipped(format!("the model call failed: {e}")),
        }
    }
}

async fn workflow_run(
    server: &Server,
    a: &WorkflowRunIn,
    peer: Peer<RoleServer>,
) -> Result<CallToolResult> {
    let ctx = server.ctx(a.namespace.clone());
    let all = crate::workflow::list(&ctx.paths.workflows_dir())
        .map_err(|e| Error::usage(e.to_string()))?;
    let names: Vec<String> = all.iter().map(|l| l.name.clone()).collect();
    let listed = all.into_iter().find(|l| l.name == a.name).ok_or_else(|| {
        Error::usage_hint(
            format!("no workflow named `{}`", a.name),
            format!("known: {}", names.join(", ")),
        )
    })?;
    let wf = crate::workflow::load_text(&listed.text, std::path::Path::new(&listed.source))
        .map_err(|e| Error::usage(e.to_string()))?;
    let params = workflow_params(&wf, &a.params)?;
    let client = client_name(&peer);
    let can_ask = can_elicit(&peer);
    let input = GateInput {
        // No flag approves confirm-tier from MCP.
        yes: false,
        dry_run: a.dry_run,
        read_only: server.read_only,
        suggest_only: false,
        interactive: can_ask,
    };
    let view = super::cluster_view(&ctx).await?;
    let mut policy = super::gate_ui::policy(&ctx)?;
    if let Some(au) = &wf.autonomy {
        policy = policy.with_workflow(au.clone());
    }
    let audit = super::gate_ui::audit_log(&ctx, &super::gate_ui::view_context(&view));
    let gate = Gate {
        policy: &policy,
        input,
        audit: &audit,
        now: ctx.env.now(),
    };
    let human = ElicitingHuman {
        peer,
        client: client.clone(),
    };
    // Every step's record says who asked: the MCP client, not the workflow.
    let origin = Origin::McpClient(client);
    let session = Session::new(gate, &view, &human, origin.clone())?;
    let host = McpHost {
        ctx: &ctx,
        can_ask,
        snapshot: session.snapshot_preview(),
        log: Default::default(),
        report: Default::default(),
        actions: Default::default(),
        unasked: Default::default(),
    };
    let opts = crate::workflow::run::Options {
        namespace: ctx.global.namespace.clone(),
    };
    let tally = crate::workflow::run::run(&wf, params, &session, &host, &opts).await?;
    // A client that cannot ask still gets each refused change's exact diff, for a human.
    let mut actions = host.actions.take();
    for (i, p) in host.unasked.take() {
        if let (Ok(pv), Some(doc)) = (
            session.gate().preview(&p.action, &view).await,
            actions.get_mut(i),
        ) {
            doc["diff"] = json!(crate::redact::redact(&pv.diff));
            if let Some(n) = &pv.note {
                doc["note"] = json!(crate::redact::redact(n));
            }
        }
    }
    let mut log = host.log.take();
    let log_cut = log.len().saturating_sub(WORKFLOW_LOG);
    log.drain(..log_cut);
    let mut doc = json!({"v": 1, "workflow": wf.name, "origin": origin,
        "snapshot": session.snapshot_preview(), "dry_run": session.gate().input.dry_run,
        "summary": tally.summary(),
        "tally": {"ran": tally.ran, "declined": tally.declined, "refused": tally.refused,
            "failed": tally.failed, "not_run": tally.not_run, "shown": tally.shown,
            "waiting": tally.waiting},
        "actions": actions, "report": host.report.take(), "log": log});
    scrub(&mut doc);
    if super::gate_ui::exit_code(&tally) == crate::error::EXIT_OK {
        return Ok(ok_result(doc));
    }
    // Something failed or was refused: say what, with each refusal's message and diff.
    let mut text = format!("workflow {}: {}", wf.name, tally.summary());
    for act in doc["actions"].as_array().into_iter().flatten() {
        if let Some(m) = act["message"].as_str().or(act["error"].as_str()) {
            text.push_str(&format!("\n- {m}"));
        }
        if let Some(d) = act["diff"].as_str().filter(|d| !d.is_empty()) {
            text.push_str(&format!("\n{d}"));
        }
    }
    let mut r = CallToolResult::error(vec![ContentBlock::text(text)]);
    r.structured_content = Some(doc);
    Ok(r)
}
