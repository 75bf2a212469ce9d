//! The workflow interpreter: runs a parsed [`Workflow`] step by step through one acting
//! [`Session`], so every action a workflow takes goes through the same gate and audit log as
//! `act` and `fix` (the session's origin: `workflow:<name>` from the CLI, `mcp:<client>` from
//! the MCP server). Recipe steps gather from the session's cluster
//! view and diagnose; `fix` steps walk an earlier recipe step's proposals; `task` steps ask a
//! model through the [`Host`]; `report` hands the report text to the host.
//!
//! Nothing here prints or reads the environment: the front-end is a [`Host`] (the CLI's prints
//! status lines to stderr and the report to stdout) and says which recipes and which model.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use super::{StepKind, Vars, Workflow};
use crate::autonomy::Policy;
use crate::cluster::{ClusterView, Inventory, Obj, Scope};
use crate::finding::{LinkedFinding, link};
use crate::gate::{Attempt, Interaction, Proposed};
use crate::recipes::Recipe;
use crate::session::{Session, Tally};

/// What a front-end gives a workflow run.
#[expect(
    async_fn_in_trait,
    reason = "used generically; Send-ness leaks through for concrete hosts"
)]
pub trait Host {
    /// A line about what is happening (the CLI: stderr).
    fn status(&self, line: &str);
    /// The text of a `report` step (the CLI: stdout).
    fn print(&self, text: &str) -> std::io::Result<()>;
    /// A gated action finished (not called for reads, which feed later steps silently).
    fn attempt(&self, p: &Proposed, a: &Attempt) -> std::io::Result<()>;
    /// The recipes a recipe step runs: those named, or the default set when `ids` is empty.
    fn recipes(&self, ids: &[String]) -> Vec<&'static dyn Recipe>;
    /// Asks the configured model (`model` overrides it) for a `task` step.
    /// `workflow` names the run (for the model-call log).
    async fn complete(
        &self,
        workflow: &str,
        model: Option<&str>,
        prompt: &crate::llm::Prompt,
    ) -> Completion;
}

/// A model's answer to a `task` step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// `by` names the provider and model (`anthropic claude-…`).
    Answered { text: String, by: String },
    /// No model, or it failed: the step is skipped with this reason.
    Skipped(String),
}

/// The run's settings that are not in the workflow.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The namespace the front-end was told to use (`-n`); `None` for every namespace.
    pub namespace: Option<String>,
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A step cannot run as written (a template, an input, a verb, a target).
    #[error("workflow {workflow}: step \"{step}\": {message}")]
    Step {
        workflow: String,
        step: String,
        message: String,
    },
    #[error(transparent)]
    Session(#[from] crate::session::Error),
    #[error(transparent)]
    Cluster(#[from] crate::cluster::Error),
    /// The host could not write.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A step's line in the report.
struct Logged {
    step: String,
    what: String,
}

/// The state of one run.
struct Runner<'a, 's, H: Interaction, F: Host> {
    host: &'a F,
    session: &'a Session<'s, ClusterView, H>,
    opts: &'a Options,
    wf: &'a Workflow,
    view: &'a ClusterView,
    vars: Vars,
    findings: BTreeMap<String, Vec<LinkedFinding>>,
    last_inv: Option<Inventory>,
    /// The scope `last_inv` was gathered for while it still reflects the cluster (no action
    /// has run since): later recipe steps reuse it instead of listing every kind again.
    fresh_scope: Option<Scope>,
    tally: Tally,
    log: Vec<Logged>,
    texts: Vec<(String, String)>,
}

/// Runs `wf` with `params` through `session` (its executor is the cluster view the recipe
/// steps gather from), telling `host` what happens. Returns the tally of the actions taken;
/// the front-end turns it into its exit status.
pub async fn run<H: Interaction, F: Host>(
    wf: &Workflow,
    params: BTreeMap<String, String>,
    session: &Session<'_, ClusterView, H>,
    host: &F,
    opts: &Options,
) -> Result<Tally, Error> {
    let gate = session;
    let view = session.executor();
    let mut r = Runner {
        host,
        session,
        opts,
        wf,
        view,
        vars: Vars {
            params,
            steps: BTreeMap::new(),
        },
        findings: BTreeMap::new(),
        last_inv: None,
        fresh_scope: None,
        tally: Tally::default(),
        log: Vec::new(),
        texts: Vec::new(),
    };
    host.status(&format!("workflow {}: {}", wf.name, wf.description));
    let names = super::step_names(wf);
    let mut i = 0;
    while i < wf.steps.len() {
        let step = &wf.steps[i];
        let name = names[i].clone();
        let mut jump: Option<String> = step.next.clone();
        let cond = match &step.condition {
            Some(c) => Some(r.vars.eval(c).map_err(|e| step_error(wf, &name, e))?),
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
    Ok(r.tally)
}

/// The kebab-case approval name (as in the audit log).
fn approval_str(a: crate::autonomy::Approval) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn step_error(wf: &Workflow, step: &str, e: impl std::fmt::Display) -> Error {
    Error::Step {
        workflow: wf.name.clone(),
        step: step.to_string(),
        message: e.to_string(),
    }
}

impl<H: Interaction, F: Host> Runner<'_, '_, H, F> {
    fn note(&mut self, step: &str, what: String) {
        self.host.status(&format!("▸ {step}: {what}"));
        self.log.push(Logged {
            step: step.to_string(),
            what,
        });
    }

    fn render(&self, step: &str, s: &str) -> Result<String, Error> {
        self.vars
            .render(s)
            .map_err(|e| step_error(self.wf, step, e))
    }

    fn set(&mut self, step: &str, outputs: BTreeMap<String, String>) {
        self.vars.steps.insert(step.to_string(), outputs);
    }

    async fn step(
        &mut self,
        gate: &Session<'_, ClusterView, H>,
        name: &str,
        step: &super::Step,
        kind: StepKind<'_>,
    ) -> Result<(), Error> {
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
                            let origin = gate.origin().clone();
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
            StepKind::Report => {
                let out = self.report();
                self.host.print(&out)?;
                Ok(())
            }
            StepKind::Note => {
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
        gate: &Session<'_, ClusterView, H>,
        step: &str,
        p: &Proposed,
    ) -> Result<crate::gate::Attempt, Error> {
        self.host.status(&format!(
            "▸ {step}: {} {}",
            p.action.verb(),
            p.action.target_display()
        ));
        if !p.action.is_read() {
            // The cluster may change: the next recipe step reads it again.
            self.fresh_scope = None;
        }
        let a = gate.run(p).await?;
        self.host.attempt(p, &a)?;
        self.tally.add(&a);
        self.log.push(Logged {
            step: step.to_string(),
            what: format!(
                "{} {} → {} ({})",
                p.action.verb(),
                p.action.target_display(),
                a.outcome.as_str(),
                approval_str(a.approval)
            ),
        });
        Ok(a)
    }

    async fn recipe(&mut self, name: &str, step: &super::Step, ids: &str) -> Result<(), Error> {
        let input = |k: &str| -> Result<String, Error> {
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
        let chosen = self.host.recipes(&wanted);
        let scope = match (ns.as_str(), &self.opts.namespace) {
            ("", Some(g)) => Scope::namespace(g.clone()),
            ("", None) => Scope::all(),
            (n, _) => Scope::namespace(n.to_string()),
        };
        // Every recipe runs and is linked, exactly as `diagnose` does, and the step keeps its
        // recipes' findings: a Pending pod on a NotReady node is the node's symptom here too,
        // not a second root cause because the node recipe belongs to another step.
        let every = crate::recipes::RECIPES.to_vec();
        let kinds = crate::recipes::kinds_for(&every);
        let inv = match (&self.last_inv, &self.fresh_scope) {
            (Some(inv), Some(s)) if *s == scope => inv.clone(),
            _ => {
                self.view
                    .gather_checked(&kinds, &scope, true, &crate::cluster::NoProgress)
                    .await?
            }
        };
        // Findings are linked under the configured policy, without the workflow's overrides.
        let policy = Policy::new(self.session.gate().policy.config.clone());
        let ran: Vec<&str> = chosen.iter().map(|r| r.id()).collect();
        let outcome = crate::recipes::run(&every, &inv);
        let not_applicable = ran.iter().all(|id| outcome.not_relevant.contains(id));
        let linked = link(outcome.findings, &policy);
        let mut kept: BTreeMap<usize, usize> = BTreeMap::new();
        let mut found: Vec<LinkedFinding> = Vec::new();
        let mut causes_elsewhere: Vec<String> = Vec::new();
        let mut symptoms_elsewhere = 0;
        for (i, f) in linked.iter().enumerate() {
            let wanted = ran.contains(&f.recipe)
                && (only.is_empty() || f.object.name == only)
                && (finding.is_empty() || f.id.starts_with(&finding));
            if wanted {
                kept.insert(i, found.len());
                found.push(f.clone());
            }
        }
        for f in &mut found {
            // A cause outside this step stays a cause: the finding remains a symptom.
            if let Some(c) = f.caused_by {
                if !kept.contains_key(&c)
                    && let Some(cause) = linked.get(c)
                {
                    symptoms_elsewhere += 1;
                    let what = format!("{} on {}", cause.id, cause.object.display());
                    if !causes_elsewhere.contains(&what) {
                        causes_elsewhere.push(what);
                    }
                }
                f.caused_by = kept.get(&c).copied();
            }
        }
        // What this step's recipes read but could not: the step is then not healthy.
        let step_kinds = crate::recipes::kinds_for(&chosen);
        let mut not_checked: Vec<String> = inv
            .skipped
            .iter()
            .filter(|s| !s.reason.is_not_served())
            .filter(|s| step_kinds.contains(&s.kind.as_str()))
            .map(|s| format!("{} ({})", s.kind, s.reason))
            .collect();
        not_checked.extend(inv.unreadable.iter().map(|(f, why)| format!("{f} ({why})")));
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
            (
                "healthy".into(),
                (roots.is_empty() && not_checked.is_empty()).to_string(),
            ),
            ("not_checked".into(), not_checked.len().to_string()),
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
        let mut summary = if roots.is_empty() && not_applicable && not_checked.is_empty() {
            format!("recipe {ids}: not applicable here (the kinds it reads are not served)")
        } else if roots.is_empty() && !not_checked.is_empty() {
            format!("recipe {ids}: no problems found in what could be read")
        } else if roots.is_empty() {
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
        if !causes_elsewhere.is_empty() {
            summary.push_str(&format!(
                "; {} symptom(s) of root causes found by other recipes: {}",
                symptoms_elsewhere,
                causes_elsewhere.join("; ")
            ));
        }
        if !not_checked.is_empty() {
            summary.push_str(&format!("; not checked: {}", not_checked.join("; ")));
        }
        self.note(name, summary);
        self.set(name, out);
        self.findings.insert(name.to_string(), found);
        self.last_inv = Some(inv);
        self.fresh_scope = Some(scope);
        Ok(())
    }

    async fn action(
        &mut self,
        gate: &Session<'_, ClusterView, H>,
        name: &str,
        step: &super::Step,
        verb: &str,
    ) -> Result<(), Error> {
        let ns = match &step.namespace {
            Some(n) => self.render(name, n)?,
            None => String::new(),
        };
        let ns = if ns.is_empty() {
            match (&self.opts.namespace, self.view) {
                (Some(n), _) => n.clone(),
                (None, ClusterView::Live(l)) => l.default_namespace().to_string(),
                (None, ClusterView::Snapshot(_)) => "default".into(),
            }
        } else {
            ns
        };
        let mut inputs = serde_json::Map::new();
        for (k, v) in &step.inputs {
            let rendered =
                super::render_value(&self.vars, v).map_err(|e| step_error(self.wf, name, e))?;
            inputs.insert(k.clone(), rendered);
        }
        let params: crate::action::Params = serde_json::from_value(Value::Object(inputs))
            .map_err(|e| step_error(self.wf, name, format!("inputs: {e}")))?;
        let target_text = self.render(name, step.target.as_deref().unwrap_or_default())?;
        let verb = crate::action::Verb::parse(verb).map_err(|e| step_error(self.wf, name, e))?;
        // `apply` names its object in `inputs.manifest`, not in `target`.
        let target = if verb == crate::action::Verb::Apply {
            crate::object::ObjRef::new("v1", "List", None, "")
        } else {
            if target_text.is_empty() || target_text.ends_with('/') {
                self.note(name, "skipped: no target (nothing to act on)".into());
                return Ok(());
            }
            crate::action::parse_target(verb, &target_text, &ns)
                .map_err(|e| step_error(self.wf, name, e))?
        };
        let action = crate::action::build(verb, target, &params)
            .map_err(|e| step_error(self.wf, name, e))?;
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
            ("approval".into(), approval_str(a.approval)),
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

    async fn task(&mut self, name: &str, step: &super::Step, task: &str) -> Result<(), Error> {
        let task = self.render(name, task)?;
        let model = step.model.clone().or_else(|| self.wf.model.clone());
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
        match self
            .host
            .complete(&self.wf.name, model.as_deref(), &prompt)
            .await
        {
            Completion::Answered { text, by } => {
                let text = masker.unmask(&text);
                self.note(name, format!("{by} answered"));
                self.texts.push((name.to_string(), text.clone()));
                self.set(name, BTreeMap::from([("text".into(), text)]));
            }
            // Best effort: a model that is missing or down must not stop a remediation.
            Completion::Skipped(why) => {
                self.note(name, format!("skipped: {why}"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditLog;
    use crate::autonomy::{Approval, GateInput};
    use crate::gate::Gate;
    use crate::gate::Origin;
    use crate::session::Unattended;
    use std::cell::RefCell;

    /// A host that keeps what it is told; no model.
    #[derive(Default)]
    struct Recorder {
        lines: RefCell<Vec<String>>,
        printed: RefCell<String>,
        attempts: RefCell<Vec<(String, Approval)>>,
    }

    impl Host for Recorder {
        fn status(&self, line: &str) {
            self.lines.borrow_mut().push(line.to_string());
        }
        fn print(&self, text: &str) -> std::io::Result<()> {
            self.printed.borrow_mut().push_str(text);
            Ok(())
        }
        fn attempt(&self, p: &Proposed, a: &Attempt) -> std::io::Result<()> {
            self.attempts
                .borrow_mut()
                .push((p.action.verb().to_string(), a.approval));
            Ok(())
        }
        fn recipes(&self, ids: &[String]) -> Vec<&'static dyn Recipe> {
            crate::recipes::RECIPES
                .iter()
                .copied()
                .filter(|r| ids.is_empty() || ids.iter().any(|id| id == r.id()))
                .collect()
        }
        async fn complete(&self, _: &str, _: Option<&str>, _: &crate::llm::Prompt) -> Completion {
            Completion::Skipped("no model in this test".into())
        }
    }

    /// The crashloop workflow over the OOM snapshot, with no CLI: the runner takes the OOM
    /// branch, previews the memory patch through the session (dry run), audits it with the
    /// workflow's origin, and reports.
    #[test]
    fn the_interpreter_runs_a_workflow_through_a_session_without_the_cli() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let view = ClusterView::Snapshot(
            crate::cluster::snapshot::SnapshotCluster::load(
                &root.join("examples/snapshots/helmrelease-oomkilled"),
            )
            .unwrap(),
        );
        let (name, text) = super::super::BUILTIN
            .iter()
            .find(|(n, _)| *n == "pod-crashloop-remediation")
            .unwrap();
        let wf = super::super::load_text(text, std::path::Path::new(name)).unwrap();
        let d = tempfile::tempdir().unwrap();
        let audit = AuditLog::new(d.path().join("a"), "snapshot:oom");
        let policy = Policy::default();
        let gate = Gate {
            policy: &policy,
            input: GateInput {
                dry_run: true,
                ..Default::default()
            },
            audit: &audit,
            now: "2026-11-22T10:00:00Z".parse().unwrap(),
        };
        let session =
            Session::new(gate, &view, &Unattended, Origin::Workflow(wf.name.clone())).unwrap();
        let host = Recorder::default();
        // Every declared param gets a value (the front-end fills defaults and blanks).
        let mut params: BTreeMap<String, String> = wf
            .params
            .iter()
            .map(|p| (p.name.clone(), p.default.clone().unwrap_or_default()))
            .collect();
        params.insert("namespace".into(), "shop".into());
        let tally = crate::session::Tally::default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let got = rt
            .block_on(run(&wf, params, &session, &host, &Options::default()))
            .unwrap();
        assert_ne!(got, tally, "nothing happened");
        assert_eq!(got.ran, 0);
        assert!(got.shown >= 1, "{got:?}");
        assert_eq!(
            host.attempts.borrow().first(),
            Some(&("patch".to_string(), Approval::DryRun))
        );
        let lines = host.lines.borrow().join("\n");
        assert!(
            lines.contains("decide-action: condition is true"),
            "{lines}"
        );
        assert!(
            host.printed
                .borrow()
                .contains("Workflow pod-crashloop-remediation"),
            "{}",
            host.printed.borrow()
        );
        let recs = crate::audit::read(&d.path().join("a")).unwrap();
        assert!(!recs.is_empty());
        assert!(
            recs.iter()
                .all(|r| r.origin == "workflow:pod-crashloop-remediation"
                    && r.approval == Approval::DryRun)
        );
    }
}
