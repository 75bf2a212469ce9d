//! `kubectl claude mcp`: the cluster tools for Claude Code and any MCP client, over stdio.
//!
//! A front-end over the same engines as the CLI (recipes, status, the audit log, the gate):
//! the tool results are the `-o json` documents of the matching commands. Every write goes
//! through [`crate::gate::Gate`] exactly like `act`; a confirm-tier action asks the human with
//! MCP *elicitation* (target, rationale and the exact object diff), and a client that cannot be
//! asked gets a refusal carrying that diff and the command for a human to run. No flag
//! approves confirm-tier from MCP. Nothing here writes to stdout except the protocol.

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
        read_only: args.read_only || ctx.global.snapshot.is_some(),
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
            name: "act",
            description: "Run one typed action through the autonomy gate, the same gate as `kubectl claude act`: safe runs; forbidden (drain, cordon, node writes…) is refused with the manual command; confirm-tier (scale, patch, rollout…) asks the human through an elicitation showing the target, rationale and exact diff, and is refused with that diff when the client cannot ask. Every decision is in the audit log as origin mcp:<client>.",
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
                    "the server runs read-only (--read-only or --snapshot): only safe tools are served"
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
         names one), then `get` and `events` on the objects the root cause names. Explain the root \
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
        "Run the workflow {arg}: read its steps with `kubectl claude workflow show {arg}` and \
         carry them out with the `diagnose`, `status`, `get` and `act` tools. Every action goes \
         through the gate; do not try to get around a refusal.",
    ),
    (
        "deploy",
        "Deploy an application the GitOps way",
        Some(("app", "What to deploy, in words")),
        "Deploy {arg} the GitOps way: generate the manifests (`kubectl claude generate`), lint \
         them (`kubectl claude lint`), diff them against the cluster (`kubectl claude diff`), and \
         write them into the repository's layout for a commit and a pull request. Git first: \
         never apply directly to the cluster.",
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
    let mut doc =
        json!({"v": 1, "findings": fs, "skipped": outcome.skipped, "recipes": outcome.ran});
    scrub(&mut doc);
    Ok(doc)
}

async fn status(ctx: &Ctx) -> Result<Value> {
    let recipes = crate::recipes::RECIPES.to_vec();
    let (_view, inv) = super::gather::gather_for(ctx, &recipes, false).await?;
    let outcome = crate::recipes::run(&recipes, &inv);
    let findings = crate::finding::link(outcome.findings, &super::gate_ui::policy(ctx)?);
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

async fn get(ctx: &Ctx, a: &GetIn, events: bool) -> Result<Value> {
    let (kind, name) = a.target.split_once('/').ok_or_else(|| {
        Error::usage_hint(
            format!("`{}` is not KIND/NAME", a.target),
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
    let mut kinds = vec![info.kind];
    if events {
        kinds.push("Event");
    }
    let inv = gather_kinds(ctx, &kinds, ns.clone()).await?;
    if events {
        let mut evs: Vec<Value> = inv
            .of_kind("Event")
            .filter(|e| {
                e.str_at("/involvedObject/kind") == Some(info.kind)
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
        return Ok(json!({"v": 1, "target": a.target, "total": total, "events": evs}));
    }
    let obj = inv.get(info.kind, ns.as_deref(), name).ok_or_else(|| {
        Error::usage_hint(
            format!(
                "{} {name} not found{}",
                info.kind,
                ns.as_deref()
                    .map(|n| format!(" in namespace {n}"))
                    .unwrap_or_default()
            ),
            "the `list` tool shows what exists",
        )
    })?;
    let mut v = obj.value().clone();
    scrub(&mut v);
    Ok(v)
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
                "unit": d.unit, "outcome": o.and_then(|o| o.outcome),
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
    }))
    .map_err(|e| Error::usage(format!("bad act parameters: {e}")))?;
    let policy = super::gate_ui::policy(&ctx)?;
    let opts = super::cluster_view::connect_options(&ctx);
    let guess_ns = crate::cluster::kubeconfig::context_namespace(&opts);
    let client = peer
        .peer_info()
        .map(|i| i.client_info.name.clone())
        .unwrap_or_else(|| "unknown".into());
    let origin = Origin::McpClient(client.clone());
    let can_ask = peer
        .supported_elicitation_modes()
        .contains(&ElicitationMode::Form);
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
        return Ok(act_result(&p, &attempt, can_ask));
    }
    if server.global.snapshot.is_some() {
        return Err(Error::usage_hint(
            "act changes a live cluster and this server reads a snapshot",
            "start the server without --snapshot to act",
        ));
    }
    let live = super::cluster_view::live_cluster(&ctx).await?;
    let default_ns = ctx
        .global
        .namespace
        .clone()
        .unwrap_or_else(|| live.default_namespace().to_string());
    let view = ClusterView::Live(Box::new(live));
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
    Ok(act_result(&p, &attempt, can_ask))
}

fn act_result(p: &Proposed, a: &crate::gate::Attempt, can_ask: bool) -> CallToolResult {
    let asked = p.requested.as_ref().unwrap_or(&p.action);
    let command = super::gate_ui::shown_command(asked);
    let mut doc = json!({
        "v": 1, "id": a.id, "verb": asked.verb(), "target": super::gate_ui::target_label(asked),
        "tier": a.tier.as_str(), "approval": super::gate_ui::approval_str(a.approval),
        "outcome": a.outcome.as_str(), "origin": p.origin, "command": command,
    });
    if let Some(pv) = &a.preview {
        doc["diff"] = json!(crate::redact::redact(&pv.diff));
        if let Some(n) = &pv.note {
            doc["note"] = json!(crate::redact::redact(n));
        }
    }
    if let Some(r) = &a.result {
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
        let mut text = message.clone();
        for h in &hints {
            text.push_str(&format!("\nhint: {h}"));
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
