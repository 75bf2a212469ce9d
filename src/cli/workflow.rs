//! `kubectl claude workflow list | show | run | validate`: runs [`crate::workflow`] files.
//!
//! Recipe steps gather and diagnose (like `diagnose`), action and fix steps go through the same
//! gate and audit log as `act` and `fix` (origin `workflow:<name>`, the workflow's `autonomy`
//! block applied with [`Policy::with_workflow`](crate::autonomy::Policy::with_workflow)),
//! `task` steps ask the configured model when there is one and are skipped with a note when
//! there is not, and `report` prints what happened on stdout.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::Ctx;
use super::gate_ui::CliSession;
use super::gate_ui::{self, SafetyFlags, Tally};
use crate::cluster::{ClusterView, Inventory, Obj, Scope};
use crate::error::{EXIT_OK, EXIT_REPORT, Error, Result};
use crate::finding::{LinkedFinding, link};
use crate::gate::{Gate, Origin, Proposed};
use crate::workflow::{self, StepKind, Vars, Workflow};

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
    pub name: String,
    /// A parameter (repeatable)
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Queue confirm-tier changes as ApprovalRequest objects in NAMESPACE instead of asking
    /// (what `serve` runs); approve them with `kubectl claude approvals approve ID`
    #[arg(long, value_name = "NAMESPACE")]
    pub queue_approvals: Option<String>,
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
    let format = ctx.output(&["table", "json"], "table")?;
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
    if format == "json" {
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
        if !wf.params.iter().any(|p| p.name == k) {
            return Err(Error::usage_hint(
                format!("workflow {} has no param `{k}`", wf.name),
                format!(
                    "params: {}",
                    wf.params
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        out.insert(k.to_string(), v.to_string());
    }
    for p in &wf.params {
        if !out.contains_key(&p.name) {
            match (&p.default, p.required) {
                (Some(d), _) => {
                    out.insert(p.name.clone(), d.clone());
                }
                (None, true) => {
                    return Err(Error::usage(format!(
                        "workflow {} needs --param {}=…{}",
                        wf.name,
                        p.name,
                        if p.description.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", p.description)
                        }
                    )));
                }
                (None, false) => {
                    out.insert(p.name.clone(), String::new());
                }
            }
        }
    }
    Ok(out)
}

/// A step's line in the report.
struct Logged {
    step: String,
    what: String,
}

/// The state of one run.
struct Runner<'a> {
    ctx: &'a Ctx,
    wf: &'a Workflow,
    view: &'a ClusterView,
    vars: Vars,
    findings: BTreeMap<String, Vec<LinkedFinding>>,
    last_inv: Option<Inventory>,
    tally: Tally,
    log: Vec<Logged>,
    texts: Vec<(String, String)>,
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
    let input = crate::session::snapshot_rule(ctx.global.snapshot.is_some(), input)?;
    if ctx.global.snapshot.is_some() && !input.suggest_only {
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
    let gate = &session;
    let mut r = Runner {
        ctx,
        wf: &wf,
        view: &view,
        vars: Vars {
            params,
            steps: BTreeMap::new(),
        },
        findings: BTreeMap::new(),
        last_inv: None,
        tally: Tally::default(),
        log: Vec::new(),
        texts: Vec::new(),
    };
    ctx.ui
        .status(&format!("workflow {}: {}", wf.name, wf.description));
    let names = workflow::step_names(&wf);
    let mut i = 0;
    while i < wf.steps.len() {
        let step = &wf.steps[i];
        let name = names[i].clone();
        let mut jump: Option<String> = step.next.clone();
        let cond = match &step.condition {
            Some(c) => Some(r.vars.eval(c).map_err(|e| {
                Error::usage(format!("workflow {}: step \"{name}\": {e}", wf.name))
            })?),
            None => None,
        };
        match step.kind() {
            Some(StepKind::Branch) => {
                let b = step.branches.clone().unwrap_or_default();
                let to = if cond == Some(true) {
                    b.on_true
                } else {
                    b.on_false
                };
                r.note(&name, format!("condition is {}", cond == Some(true)));
                jump = to;
            }
            Some(_) if cond == Some(false) => {
                r.note(&name, "skipped (condition is false)".into());
            }
            Some(kind) => r.step(gate, &name, step, kind).await?,
            None => {}
        }
        i = match jump.as_deref() {
            Some("end") => wf.steps.len(),
            Some(t) => names
                .iter()
                .position(|n| n == t)
                .unwrap_or(i + 1)
                .max(i + 1),
            None => i + 1,
        };
    }
    ctx.ui
        .status(&format!("\nworkflow {}: {}", wf.name, r.tally.summary()));
    Ok(r.tally.exit_code())
}

impl Runner<'_> {
    fn note(&mut self, step: &str, what: String) {
        self.ctx.ui.status(&format!("▸ {step}: {what}"));
        self.log.push(Logged {
            step: step.to_string(),
            what,
        });
    }

    fn render(&self, step: &str, s: &str) -> Result<String> {
        self.vars
            .render(s)
            .map_err(|e| Error::usage(format!("workflow {}: step \"{step}\": {e}", self.wf.name)))
    }

    fn set(&mut self, step: &str, outputs: BTreeMap<String, String>) {
        self.vars.steps.insert(step.to_string(), outputs);
    }

    async fn step(
        &mut self,
        gate: &CliSession<'_>,
        name: &str,
        step: &workflow::Step,
        kind: StepKind<'_>,
    ) -> Result<()> {
        match kind {
            StepKind::Recipe(ids) => self.recipe(name, step, ids).await,
            StepKind::Fix(from) => {
                let all = self.findings.get(&from.from).cloned().unwrap_or_default();
                let chosen: Vec<&LinkedFinding> = all
                    .iter()
                    .filter(|f| match &from.finding {
                        Some(prefix) => f.id.starts_with(prefix.as_str()),
                        None => f.root_cause,
                    })
                    .collect();
                let before = self.tally;
                let mut proposals = Vec::new();
                for f in chosen {
                    for v in &f.actions {
                        if let Some(a) = v.action.as_ref().filter(|a| !a.is_read()) {
                            let origin = Origin::Workflow(self.wf.name.clone());
                            let mut p = match gate.propose_as(a.clone(), origin.clone()).await {
                                // Nothing to translate into (no earlier revision): the gate still sees and audits
                                // the request, and the executor reports it.
                                Ok(p) => p,
                                Err(_) => crate::gate::Proposed::new(a.clone(), origin),
                            };
                            p.rationale = Some(format!("{} ({})", v.rationale, f.id));
                            p.gitops_managed = v.gitops_managed;
                            p.force_confirm = step.confirm == Some(true);
                            proposals.push(p);
                        }
                    }
                }
                if proposals.is_empty() {
                    self.note(name, format!("no change proposed by step {}", from.from));
                }
                for p in &proposals {
                    self.gate(gate, name, p).await?;
                }
                let d = self.tally;
                self.set(
                    name,
                    BTreeMap::from([
                        ("ran".into(), (d.ran - before.ran).to_string()),
                        ("refused".into(), (d.refused - before.refused).to_string()),
                        (
                            "declined".into(),
                            (d.declined - before.declined).to_string(),
                        ),
                        ("failed".into(), (d.failed - before.failed).to_string()),
                    ]),
                );
                Ok(())
            }
            StepKind::Action("report") => {
                let out = self.report();
                self.ctx.ui.out(&out)?;
                Ok(())
            }
            StepKind::Action("note") => {
                let msg = self.render(name, step.message.as_deref().unwrap_or_default())?;
                self.note(name, msg);
                Ok(())
            }
            StepKind::Action(verb) => self.action(gate, name, step, verb).await,
            StepKind::Task(task) => self.task(name, step, task).await,
            StepKind::Branch => Ok(()),
        }
    }

    async fn gate(
        &mut self,
        gate: &CliSession<'_>,
        step: &str,
        p: &Proposed,
    ) -> Result<crate::gate::Attempt> {
        self.ctx.ui.status(&format!(
            "▸ {step}: {} {}",
            p.action.verb(),
            p.action.target_display()
        ));
        let a = gate.run(p).await?;
        gate_ui::report(self.ctx, p, &a)?;
        self.tally.add(&a);
        self.log.push(Logged {
            step: step.to_string(),
            what: format!(
                "{} {} → {} ({})",
                p.action.verb(),
                p.action.target_display(),
                a.outcome.as_str(),
                gate_ui::approval_str(a.approval)
            ),
        });
        Ok(a)
    }

    async fn recipe(&mut self, name: &str, step: &workflow::Step, ids: &str) -> Result<()> {
        let input = |k: &str| -> Result<String> {
            match step.inputs.get(k) {
                Some(Value::String(s)) => self.render(name, s),
                Some(other) => Ok(other.to_string()),
                None => Ok(String::new()),
            }
        };
        let (ns, only, finding) = (input("namespace")?, input("name")?, input("finding")?);
        let wanted: Vec<String> = if ids.trim() == "all" {
            vec![]
        } else {
            ids.split(',').map(|s| s.trim().to_string()).collect()
        };
        let chosen = super::diagnose::select_recipes(self.ctx, &wanted);
        let kinds = crate::recipes::kinds_for(&chosen);
        let scope = match (ns.as_str(), &self.ctx.global.namespace) {
            ("", Some(g)) => Scope::namespace(g.clone()),
            ("", None) => Scope::all(),
            (n, _) => Scope::namespace(n.to_string()),
        };
        let inv = self
            .view
            .gather(&kinds, &scope, true, &crate::cluster::NoProgress)
            .await?;
        let policy = gate_ui::policy(self.ctx)?;
        let found: Vec<LinkedFinding> = link(crate::recipes::run(&chosen, &inv).findings, &policy)
            .into_iter()
            .filter(|f| only.is_empty() || f.object.name == only)
            .filter(|f| finding.is_empty() || f.id.starts_with(&finding))
            .collect();
        let roots: Vec<&LinkedFinding> = found
            .iter()
            .filter(|f| f.root_cause || !finding.is_empty())
            .collect();
        let mut ids_seen: Vec<&str> = Vec::new();
        for f in &found {
            if !ids_seen.contains(&f.id.as_str()) {
                ids_seen.push(&f.id);
            }
        }
        let first = roots.first();
        let mut out = BTreeMap::from([
            ("findings".to_string(), found.len().to_string()),
            ("root_causes".into(), roots.len().to_string()),
            ("ids".into(), ids_seen.join(" ")),
            ("healthy".into(), roots.is_empty().to_string()),
            (
                "cause".into(),
                first.map(|f| f.id.clone()).unwrap_or_default(),
            ),
            (
                "object".into(),
                first
                    .map(|f| format!("{}/{}", f.object.kind.to_lowercase(), f.object.name))
                    .unwrap_or_default(),
            ),
            (
                "kind".into(),
                first.map(|f| f.object.kind.clone()).unwrap_or_default(),
            ),
            (
                "name".into(),
                first.map(|f| f.object.name.clone()).unwrap_or_default(),
            ),
            (
                "namespace".into(),
                first
                    .and_then(|f| f.object.namespace.clone())
                    .unwrap_or_default(),
            ),
            (
                "severity".into(),
                first
                    .map(|f| f.severity.as_str().to_string())
                    .unwrap_or_default(),
            ),
        ]);
        out.insert(
            "gitops".into(),
            roots
                .iter()
                .any(|f| f.actions.iter().any(|a| a.gitops_managed))
                .to_string(),
        );
        let summary = if roots.is_empty() {
            format!("recipe {ids}: no problems found")
        } else {
            let list: Vec<String> = roots
                .iter()
                .take(5)
                .map(|f| format!("{} on {}", f.id, f.object.display()))
                .collect();
            format!(
                "recipe {ids}: {} root cause(s): {}{}",
                roots.len(),
                list.join("; "),
                if roots.len() > 5 { "; …" } else { "" }
            )
        };
        self.note(name, summary);
        self.set(name, out);
        self.findings.insert(name.to_string(), found);
        self.last_inv = Some(inv);
        Ok(())
    }

    async fn action(
        &mut self,
        gate: &CliSession<'_>,
        name: &str,
        step: &workflow::Step,
        verb: &str,
    ) -> Result<()> {
        let ns = match &step.namespace {
            Some(n) => self.render(name, n)?,
            None => String::new(),
        };
        let ns = if ns.is_empty() {
            match (&self.ctx.global.namespace, &self.view) {
                (Some(n), _) => n.clone(),
                (None, ClusterView::Live(l)) => l.default_namespace().to_string(),
                (None, ClusterView::Snapshot(_)) => "default".into(),
            }
        } else {
            ns
        };
        let mut inputs = serde_json::Map::new();
        for (k, v) in &step.inputs {
            let rendered = workflow::render_value(&self.vars, v).map_err(|e| {
                Error::usage(format!("workflow {}: step \"{name}\": {e}", self.wf.name))
            })?;
            inputs.insert(k.clone(), rendered);
        }
        let params: crate::action::Params =
            serde_json::from_value(Value::Object(inputs)).map_err(|e| {
                Error::usage(format!(
                    "workflow {}: step \"{name}\": inputs: {e}",
                    self.wf.name
                ))
            })?;
        let target_text = self.render(name, step.target.as_deref().unwrap_or_default())?;
        let verb = crate::action::Verb::parse(verb).map_err(|e| {
            Error::usage(format!("workflow {}: step \"{name}\": {e}", self.wf.name))
        })?;
        // `apply` names its object in `inputs.manifest`, not in `target`.
        let target = if verb == crate::action::Verb::Apply {
            crate::cluster::ObjRef::new("v1", "List", None, "")
        } else {
            if target_text.is_empty() || target_text.ends_with('/') {
                self.note(name, "skipped: no target (nothing to act on)".into());
                return Ok(());
            }
            crate::action::parse_target(verb, &target_text, &ns).map_err(|e| {
                Error::usage(format!("workflow {}: step \"{name}\": {e}", self.wf.name))
            })?
        };
        let action = crate::action::build(verb, target, &params).map_err(|e| {
            Error::usage(format!("workflow {}: step \"{name}\": {e}", self.wf.name))
        })?;
        let mut p = gate.propose(action).await?;
        p.rationale = p.rationale.or_else(|| step.description.clone());
        p.force_confirm = step.confirm == Some(true);
        let is_read = p.action.is_read();
        let a = if is_read {
            // Reads feed later steps; they are gated and audited but not printed.
            let a = gate.run(&p).await?;
            self.tally.add(&a);
            a
        } else {
            self.gate(gate, name, &p).await?
        };
        let mut out = BTreeMap::from([
            ("outcome".to_string(), a.outcome.as_str().to_string()),
            ("approval".into(), gate_ui::approval_str(a.approval)),
        ]);
        if let Some(obj) = &a.result {
            let (tool, owner) = gitops_of(obj);
            out.insert("exists".into(), "true".into());
            out.insert("gitops".into(), tool);
            out.insert("gitops_owner".into(), owner);
        }
        if is_read {
            self.note(
                name,
                format!(
                    "{} {}: {}",
                    p.action.verb(),
                    p.action.target_display(),
                    match (&a.error, out.get("gitops").map(String::as_str)) {
                        (Some(e), _) => format!("error: {e}"),
                        (None, Some(g)) if !g.is_empty() => format!("managed by {g}"),
                        _ => "read".to_string(),
                    }
                ),
            );
        }
        self.set(name, out);
        Ok(())
    }

    async fn task(&mut self, name: &str, step: &workflow::Step, task: &str) -> Result<()> {
        let task = self.render(name, task)?;
        let provider = super::generate::resolve_provider_name(self.ctx, None, None)?;
        let model = step.model.clone().or_else(|| self.wf.model.clone());
        let backend = super::generate::backend(self.ctx, &provider, model.as_deref(), None);
        let p = match backend {
            Ok(crate::generate::Backend::Model(p)) => p,
            Ok(crate::generate::Backend::Offline) => {
                self.note(
                    name,
                    "skipped: no model configured (set ANTHROPIC_API_KEY, or provider openai with OPENAI_BASE_URL)".into(),
                );
                self.set(name, BTreeMap::from([("skipped".into(), "true".into())]));
                return Ok(());
            }
            Err(e) => {
                self.note(name, format!("skipped: {e}"));
                self.set(name, BTreeMap::from([("skipped".into(), "true".into())]));
                return Ok(());
            }
        };
        let all: Vec<LinkedFinding> = self.findings.values().flatten().cloned().collect();
        let empty = Inventory::new();
        let inv = self.last_inv.as_ref().unwrap_or(&empty);
        // The same redacted summary `diagnose --explain` sends: never Secret data.
        let (summary, masker) = crate::explain::build_explain_prompt(&all, inv, false);
        let prompt = crate::llm::Prompt {
            system: "You are a senior Kubernetes SRE. Be concise and concrete.".into(),
            // The task text can interpolate step outputs: scrub it like the summary.
            user: format!("{}\n\n{summary}", crate::redact::redact(&task)),
            max_tokens: 1200,
        };
        let app = format!("workflow {}", self.wf.name);
        let result = super::generate::complete_logged(self.ctx, &p, &prompt, &app).await;
        match result {
            Ok(c) => {
                let text = masker.unmask(&c.text);
                self.note(name, format!("{} {} answered", p.name(), p.model()));
                self.texts.push((name.to_string(), text.clone()));
                self.set(name, BTreeMap::from([("text".into(), text)]));
            }
            Err(e) => {
                // Best effort: a model that is down must not stop a remediation.
                self.note(name, format!("skipped: the model call failed: {e}"));
                self.set(name, BTreeMap::from([("skipped".into(), "true".into())]));
            }
        }
        Ok(())
    }

    /// The report: every step's line, the model's answers, the tally.
    fn report(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Workflow {} — {}", self.wf.name, self.view.describe());
        for l in &self.log {
            let _ = writeln!(out, "  {:<16} {}", l.step, l.what);
        }
        for (step, text) in &self.texts {
            let _ = writeln!(out, "\n{step}:\n{}", text.trim_end());
        }
        let _ = writeln!(out, "\nActions: {}", self.tally.summary());
        out
    }
}

/// Which GitOps tool manages an object, from the labels and annotations Flux and Argo CD set.
fn gitops_of(obj: &Value) -> (String, String) {
    let o = Obj(obj);
    if let (Some(n), Some(ns)) = (
        o.label("kustomize.toolkit.fluxcd.io/name"),
        o.label("kustomize.toolkit.fluxcd.io/namespace"),
    ) {
        return ("flux".into(), format!("Kustomization/{ns}/{n}"));
    }
    if let (Some(n), Some(ns)) = (
        o.label("helm.toolkit.fluxcd.io/name"),
        o.label("helm.toolkit.fluxcd.io/namespace"),
    ) {
        return ("flux".into(), format!("HelmRelease/{ns}/{n}"));
    }
    if let Some(id) = o.annotation("argocd.argoproj.io/tracking-id") {
        let app = id.split(':').next().unwrap_or(id);
        return ("argocd".into(), format!("Application {app}"));
    }
    if let Some(app) = o.label("argocd.argoproj.io/instance") {
        return ("argocd".into(), format!("Application {app}"));
    }
    (String::new(), String::new())
}
