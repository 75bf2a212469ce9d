//! `kubectl claude workflow list | show | run | validate`: runs [`crate::workflow`] files
//! through the engine's interpreter ([`crate::workflow::run`]), with the terminal as its host.
//!
//! Recipe steps gather and diagnose (like `diagnose`), action and fix steps go through the same
//! gate and audit log as `act` and `fix` (origin `workflow:<name>`, the workflow's `autonomy`
//! block applied with [`Policy::with_workflow`](crate::autonomy::Policy::with_workflow)),
//! `task` steps ask the configured model when there is one and are skipped with a note when
//! there is not, and `report` prints what happened on stdout.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::Ctx;
use super::flags::OutputFormat;
use super::gate_ui::{self, SafetyFlags};
use crate::error::{EXIT_OK, EXIT_REPORT, Error, Result};
use crate::gate::{Gate, Origin, Proposed};
use crate::workflow::{self, ParamError, Workflow};

/// List, show, validate and run workflows (built-in and your own)
///
/// A workflow is a YAML file of steps: `recipe` (diagnose), `action` (a verb of `act`, or
/// `report` / `note`), `fix` (the proposals of an earlier recipe step), `task` (ask the
/// configured model), with `inputs` templated from `{{ params.X }}` and
/// `{{ steps.STEP.OUTPUT }}`, `condition` + `branches: {true: STEP, false: STEP}`, `confirm`,
/// and a per-workflow `autonomy: {auto_approve, always_confirm}` block. Every action goes
/// through the autonomy gate and the audit log. Your workflows live in
/// ~/.config/kubectl-claude/workflows/*.yaml.
///
/// Examples:
///   kubectl claude workflow list
///   kubectl claude workflow show pod-crashloop-remediation
///   kubectl claude workflow run pod-crashloop-remediation --param namespace=shop
///   kubectl claude workflow run cluster-health-check --snapshot examples/snapshots/homelab-mixed
///   kubectl claude workflow run rollback-app --param app=web --param namespace=shop --dry-run
///   kubectl claude workflow validate my-workflow.yaml
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct WorkflowArgs {
    #[command(subcommand)]
    pub command: WorkflowCommand,
}

/// The workflow subcommands.
#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// List the built-in and user workflows
    List,
    /// Print a workflow's YAML
    Show {
        /// The workflow name
        #[arg(add = clap_complete::engine::ArgValueCompleter::new(super::completers::complete_workflows))]
        name: String,
    },
    /// Run a workflow
    Run(RunArgs),
    /// Check a workflow file; errors name the file and the step
    Validate {
        /// The workflow file
        file: PathBuf,
    },
}

/// `workflow run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The workflow name
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(super::completers::complete_workflows))]
    pub name: String,
    /// A parameter (repeatable)
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Queue confirm-tier changes as ApprovalRequest objects in NAMESPACE instead of asking
    /// (what `serve` runs); approve them with `kubectl claude approvals approve ID`
    #[arg(long, value_name = "NAMESPACE")]
    pub queue_approvals: Option<String>,
    /// Append what the run did (actions by tier and outcome, model calls and tokens) as JSON
    /// lines to FILE; `serve` reads it back for its metrics
    #[arg(long, value_name = "FILE", hide = true)]
    pub observe: Option<std::path::PathBuf>,
    /// Record in the audit log that USER started this run (serve and the dashboard pass the
    /// signed-in user)
    #[arg(long, value_name = "USER", hide = true)]
    pub started_by: Option<String>,
    #[command(flatten)]
    pub safety: SafetyFlags,
}

pub async fn run(ctx: &Ctx, args: &WorkflowArgs) -> Result<u8> {
    match &args.command {
        WorkflowCommand::List => list(ctx),
        WorkflowCommand::Show { name } => {
            let l = find(ctx, name)?;
            ctx.ui.out(&l.text)?;
            Ok(EXIT_OK)
        }
        WorkflowCommand::Validate { file } => validate(ctx, file),
        WorkflowCommand::Run(r) => run_workflow(ctx, r).await,
    }
}

fn wf_error(e: workflow::Error) -> Error {
    Error::usage(e.to_string())
}

fn list(ctx: &Ctx) -> Result<u8> {
    let format = ctx.format(
        &[OutputFormat::Table, OutputFormat::Json],
        OutputFormat::Table,
    )?;
    let all = workflow::list(&ctx.paths.workflows_dir()).map_err(wf_error)?;
    let rows: Vec<(String, String, String)> = all
        .iter()
        .map(|l| {
            let desc = workflow::parse(&l.text, std::path::Path::new(&l.source))
                .map(|w| w.description)
                .unwrap_or_else(|e| format!("(invalid: {e})"));
            (l.name.clone(), l.source.clone(), desc)
        })
        .collect();
    if format == OutputFormat::Json {
        let v: Vec<Value> = rows
            .iter()
            .map(|(n, s, d)| json!({"name": n, "source": s, "description": d}))
            .collect();
        ctx.ui
            .out(&format!("{:#}\n", json!({"v": 1, "workflows": v})))?;
        return Ok(EXIT_OK);
    }
    let mut t = crate::ui::table(["NAME", "SOURCE", "DESCRIPTION"]);
    for (n, s, d) in rows {
        t.add_row([n, s, d]);
    }
    ctx.ui.out(&format!("{t}\n"))?;
    Ok(EXIT_OK)
}

fn find(ctx: &Ctx, name: &str) -> Result<workflow::Listed> {
    let all = workflow::list(&ctx.paths.workflows_dir()).map_err(wf_error)?;
    let names: Vec<String> = all.iter().map(|l| l.name.clone()).collect();
    all.into_iter().find(|l| l.name == name).ok_or_else(|| {
        Error::usage_hint(
            format!("no workflow named `{name}`"),
            format!("known: {}", names.join(", ")),
        )
    })
}

fn validate(ctx: &Ctx, file: &PathBuf) -> Result<u8> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::io("read", file, e))?;
    match workflow::parse(&text, file) {
        Err(e) => {
            ctx.ui.error_line("invalid:", &e.to_string());
            Ok(EXIT_REPORT)
        }
        Ok(wf) => {
            let problems = workflow::validate(&wf);
            if problems.is_empty() {
                ctx.ui.out(&format!(
                    "{}: ok — workflow {} with {} step(s)\n",
                    file.display(),
                    wf.name,
                    wf.steps.len()
                ))?;
                return Ok(EXIT_OK);
            }
            for p in &problems {
                let at = p
                    .step
                    .as_ref()
                    .map(|s| format!("step \"{s}\": "))
                    .unwrap_or_default();
                ctx.ui.error_line(
                    "invalid:",
                    &format!("{}: {at}{}", file.display(), p.message),
                );
            }
            Ok(EXIT_REPORT)
        }
    }
}

/// Parses `--param k=v` against the declared params (defaults, required).
fn params(wf: &Workflow, given: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for g in given {
        let (k, v) = g
            .split_once('=')
            .ok_or_else(|| Error::usage(format!("--param `{g}` must be KEY=VALUE")))?;
        out.insert(k.to_string(), v.to_string());
    }
    wf.resolve_params(out).map_err(|e| match &e {
        ParamError::Unknown { declared, .. } => {
            Error::usage_hint(e.to_string(), format!("params: {}", declared.join(", ")))
        }
        ParamError::Missing {
            workflow,
            name,
            description,
        } => Error::usage(format!(
            "workflow {workflow} needs --param {name}=…{}",
            if description.is_empty() {
                String::new()
            } else {
                format!(" ({description})")
            }
        )),
    })
}

/// The terminal side of a workflow run.
struct CliHost<'a> {
    ctx: &'a Ctx,
    /// `--observe`: where `serve` collects the run's counts.
    observer: Option<crate::observe::FileObserver>,
}

impl workflow::run::Host for CliHost<'_> {
    fn status(&self, line: &str) {
        self.ctx.ui.status(line);
    }
    fn print(&self, text: &str) -> std::io::Result<()> {
        self.ctx.ui.out(text)
    }
    fn attempt(&self, p: &Proposed, a: &crate::gate::Attempt) -> std::io::Result<()> {
        if let Some(o) = &self.observer {
            crate::observe::Observer::action(o, a);
        }
        gate_ui::report(self.ctx, p, a)
    }
    fn recipes(&self, ids: &[String]) -> Vec<&'static dyn crate::recipes::Recipe> {
        super::gather::select_recipes(self.ctx, ids)
    }
    async fn complete(
        &self,
        workflow: &str,
        model: Option<&str>,
        prompt: &crate::llm::Prompt,
    ) -> workflow::run::Completion {
        use workflow::run::Completion;
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
        let result = super::model::complete_logged(self.ctx, &p, prompt, &app).await;
        if let Some(o) = &self.observer {
            let (i, out) = result
                .as_ref()
                .map(|c| (c.input_tokens, c.output_tokens))
                .unwrap_or((0, 0));
            crate::observe::Observer::model_call(o, p.name(), result.is_ok(), i, out);
        }
        match result {
            Ok(c) => Completion::Answered {
                text: c.text,
                by: format!("{} {}", p.name(), p.model()),
            },
            Err(e) => Completion::Skipped(format!("the model call failed: {e}")),
        }
    }
}

async fn run_workflow(ctx: &Ctx, args: &RunArgs) -> Result<u8> {
    let listed = find(ctx, &args.name)?;
    let wf = workflow::load_text(&listed.text, std::path::Path::new(&listed.source))
        .map_err(wf_error)?;
    let params = params(&wf, &args.params)?;
    // The snapshot rule (see `crate::session`): a snapshot is previewed only; --yes with
    // --snapshot is refused.
    let mut input = args.safety.input(&ctx.ui);
    if args.queue_approvals.is_some() {
        // The queue is the human: confirm-tier asks are deferred to it, never refused for
        // want of a terminal.
        input.interactive = true;
    }
    if crate::session::snapshot_check(
        ctx.global.snapshot.is_some(),
        &input,
        crate::session::OnSnapshot::Preview,
    )? {
        ctx.ui
            .status("snapshot: actions are previewed only (--dry-run)");
    }
    let view = super::cluster_view(ctx).await?;
    let mut policy = gate_ui::policy(ctx)?;
    if let Some(a) = &wf.autonomy {
        policy = policy.with_workflow(a.clone());
    }
    let audit = gate_ui::audit_log(ctx, &gate_ui::view_context(&view));
    let gate = Gate {
        policy: &policy,
        input,
        audit: &audit,
        now: ctx.env.now(),
    };
    let mut human = gate_ui::TerminalHuman::new(&ctx.ui);
    if let (Some(ns), crate::cluster::ClusterView::Live(l)) = (&args.queue_approvals, &view) {
        human.queue = Some(crate::serve::approvals::Queue {
            client: l.client().clone(),
            namespace: ns.clone(),
            context: l.context().to_string(),
            origin: format!("workflow:{}", wf.name),
            requester: format!("workflow:{}", wf.name),
            ttl: std::time::Duration::from_secs(24 * 3600),
        });
    }
    let session = gate_ui::session(gate, &view, &human, Origin::Workflow(wf.name.clone()))?;
    let opts = workflow::run::Options {
        namespace: ctx.global.namespace.clone(),
    };
    let host = CliHost {
        ctx,
        observer: args.observe.clone().map(crate::observe::FileObserver),
    };
    // Who started the run: a decision record before the first step, its outcome after.
    let started = match &args.started_by {
        Some(who) => {
            let id = audit.new_run_id(&wf.name);
            let rec = audit.run_record(&id, ctx.env.now(), &wf.name, &params, who);
            audit.write(&rec, ctx.env.now())?;
            Some(rec)
        }
        None => None,
    };
    let result = workflow::run::run(&wf, params, &session, &host, &opts).await;
    if let Some(rec) = &started {
        let (outcome, error) = match &result {
            Ok(t) if matches!(gate_ui::exit_code(t), EXIT_OK | EXIT_REPORT) => {
                (crate::audit::Outcome::Ok, None)
            }
            Ok(t) => (crate::audit::Outcome::Error, Some(t.summary())),
            Err(e) => (crate::audit::Outcome::Error, Some(e.to_string())),
        };
        let _ = audit.write(
            &rec.outcome_of(ctx.env.now(), outcome, error),
            ctx.env.now(),
        );
    }
    let tally = result?;
    ctx.ui
        .status(&format!("\nworkflow {}: {}", wf.name, tally.summary()));
    Ok(gate_ui::exit_code(&tally))
}
