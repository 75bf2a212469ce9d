//! Workflows: named sequences of recipe, action, fix, LLM and report steps, in the YAML shape
//! of the team's agent design (`name`, `description`, `trigger`, `steps` with `inputs`,
//! `condition` + `branches`, `confirm`, per-workflow `autonomy`).
//!
//! This module owns the file format, validation, `{{ … }}` templating and condition
//! evaluation; [`run`] is the interpreter, driven by one acting session (so every action a
//! workflow takes goes through the same gate and audit log as `act` and `fix`) and a front-end
//! [`run::Host`] (`workflow run` is one).
//!
//! Control flow is forward-only: `branches` and `next` may only jump to a later step, so every
//! workflow terminates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::autonomy::WorkflowAutonomy;

mod params;
pub mod run;

pub use params::ParamError;

/// The built-in workflows, embedded at build time.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "cluster-health-check",
        include_str!("builtin/cluster-health-check.yaml"),
    ),
    (
        "node-pressure-response",
        include_str!("builtin/node-pressure-response.yaml"),
    ),
    ("rollback-app", include_str!("builtin/rollback-app.yaml")),
    (
        "pod-crashloop-remediation",
        include_str!("builtin/pod-crashloop-remediation.yaml"),
    ),
    (
        "flux-troubleshoot",
        include_str!("builtin/flux-troubleshoot.yaml"),
    ),
    ("argocd-drift", include_str!("builtin/argocd-drift.yaml")),
    ("arc-runners", include_str!("builtin/arc-runners.yaml")),
];

/// A workflow file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workflow {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// When the workflow is meant to run (schedule, alert match, manual); informational —
    /// kubectl-claude runs workflows when asked.
    #[serde(default)]
    pub trigger: Option<Value>,
    /// Default model for `task` steps.
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub params: Vec<Param>,
    /// Per-workflow overrides; they can never lower a forbidden action.
    #[serde(default)]
    pub autonomy: Option<WorkflowAutonomy>,
    pub steps: Vec<Step>,
}

/// A declared parameter (`--param name=value`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Option<String>,
}

/// Where a `fix` step takes its proposals from.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixFrom {
    /// An earlier recipe step.
    pub from: String,
    /// Only findings whose id starts with this (default: every root cause).
    #[serde(default)]
    pub finding: Option<String>,
}

/// One step. Exactly one of `recipe`, `action`, `fix`, `task` — or none, for a pure
/// `condition` + `branches` step.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Recipe ids, comma-separated, or `all`.
    #[serde(default)]
    pub recipe: Option<String>,
    /// A verb (`act`'s), or `report` / `note`.
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub fix: Option<FixFrom>,
    /// A question for the configured model (best effort; skipped when none is configured).
    #[serde(default)]
    pub task: Option<String>,
    /// `KIND/NAME` for an action step.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    /// Recipe filters (`namespace`, `name`, `finding`) or the verb's arguments.
    #[serde(default)]
    pub inputs: BTreeMap<String, Value>,
    #[serde(default)]
    pub condition: Option<String>,
    #[serde(default)]
    pub branches: Option<Branches>,
    /// `true` asks even for actions the policy calls safe; it never lowers a tier.
    #[serde(default)]
    pub confirm: Option<bool>,
    /// The step to continue with (a later one), or `end`.
    #[serde(default)]
    pub next: Option<String>,
    /// Text of a `note` step.
    #[serde(default)]
    pub message: Option<String>,
    /// From the team's agent design; accepted and shown, not used to route.
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub outputs: Vec<String>,
}

/// `branches: {true: step, false: step}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branches {
    #[serde(default, rename = "true")]
    pub on_true: Option<String>,
    #[serde(default, rename = "false")]
    pub on_false: Option<String>,
}

/// The `action:` that prints the report (not a verb of `act`).
pub const REPORT: &str = "report";
/// The `action:` that adds a message to the report (not a verb of `act`).
pub const NOTE: &str = "note";

/// What a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind<'a> {
    Recipe(&'a str),
    /// `action: <verb>` naming a verb of `kubectl claude act` (checked by validation).
    Action(&'a str),
    /// `action: report`: print the run's report so far.
    Report,
    /// `action: note` with a `message`: add a line to the report.
    Note,
    Fix(&'a FixFrom),
    Task(&'a str),
    Branch,
}

impl Step {
    /// The step's kind; `None` when it declares two kinds or none without branches.
    pub fn kind(&self) -> Option<StepKind<'_>> {
        let mut kinds = Vec::new();
        if let Some(r) = &self.recipe {
            kinds.push(StepKind::Recipe(r));
        }
        if let Some(a) = &self.action {
            kinds.push(match a.as_str() {
                REPORT => StepKind::Report,
                NOTE => StepKind::Note,
                verb => StepKind::Action(verb),
            });
        }
        if let Some(f) = &self.fix {
            kinds.push(StepKind::Fix(f));
        }
        if let Some(t) = &self.task {
            kinds.push(StepKind::Task(t));
        }
        match kinds.as_slice() {
            [k] => Some(*k),
            [] if self.branches.is_some() && self.condition.is_some() => Some(StepKind::Branch),
            _ => None,
        }
    }
}

/// A problem in a workflow file, naming the file and the step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub step: Option<String>,
    pub message: String,
}

/// Errors loading workflows.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("{}: {}", path.display(), problems.iter().map(|p| match &p.step {
        Some(s) => format!("step \"{s}\": {}", p.message), None => p.message.clone() }).collect::<Vec<_>>().join("; "))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Step names default to `step-<n>` (1-based).
pub fn step_names(wf: &Workflow) -> Vec<String> {
    wf.steps
        .iter()
        .enumerate()
        .map(|(i, s)| s.name.clone().unwrap_or_else(|| format!("step-{}", i + 1)))
        .collect()
}

/// Parses a workflow document (no validation).
pub fn parse(text: &str, path: &Path) -> Result<Workflow, Error> {
    // Through a JSON value first: YAML reads `true:`/`false:` keys as booleans, and the
    // branches of the team's format are spelled exactly that way.
    let v: Value = crate::manifest::yaml::parse_one(text).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    serde_json::from_value(v).map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// Parses and validates.
pub fn load_text(text: &str, path: &Path) -> Result<Workflow, Error> {
    let wf = parse(text, path)?;
    let problems = validate(&wf);
    if problems.is_empty() {
        Ok(wf)
    } else {
        Err(Error::Invalid {
            path: path.to_path_buf(),
            problems,
        })
    }
}

/// Every problem in a workflow: step kinds, verbs, recipes, jump targets (forward only),
/// `fix.from` and template references to params and earlier steps.
/// Why a literal patch body cannot be sent as `type` (templated strings are only known at run
/// time and pass): merge and strategic patches are objects; a JSON patch is a list of
/// operations, each with a known `op`, a `/`-rooted `path`, and `value` or `from` as its op
/// needs.
pub fn patch_problem(ty: &str, patch: &Value) -> Option<String> {
    let templated = |v: &Value| v.as_str().is_some_and(|s| s.contains("{{"));
    if templated(patch) {
        return None;
    }
    match ty {
        "merge" | "strategic" => (!patch.is_object()).then(|| {
            format!(
                "a {ty} patch must be a mapping (e.g. {{spec: {{replicas: 2}}}}), not {}",
                json_kind(patch)
            )
        }),
        "json" => {
            let Some(ops) = patch.as_array() else {
                return Some(format!(
                    "a json patch must be a list of operations ([{{op: replace, path: /spec/replicas, value: 2}}]), not {}",
                    json_kind(patch)
                ));
            };
            for (n, op) in ops.iter().enumerate() {
                let n = n + 1;
                if templated(op) {
                    continue;
                }
                let Some(o) = op.as_object() else {
                    return Some(format!("operation {n} is {}, not a mapping", json_kind(op)));
                };
                let verb = o.get("op").and_then(Value::as_str).unwrap_or("");
                if !["add", "remove", "replace", "move", "copy", "test"].contains(&verb) {
                    return Some(format!(
                        "operation {n}: op `{verb}` is not one of add, remove, replace, move, copy, test"
                    ));
                }
                for field in ["path", "from"] {
                    let needed = field == "path" || matches!(verb, "move" | "copy");
                    match o.get(field) {
                        Some(v) if templated(v) => {}
                        Some(Value::String(p)) if p.is_empty() || p.starts_with('/') => {}
                        Some(v) => {
                            return Some(format!(
                                "operation {n}: {field} must be a JSON pointer starting with `/`, not {}",
                                json_kind(v)
                            ));
                        }
                        None if needed => {
                            return Some(format!("operation {n} ({verb}) needs a {field}"));
                        }
                        None => {}
                    }
                }
                if matches!(verb, "add" | "replace" | "test") && !o.contains_key("value") {
                    return Some(format!("operation {n} ({verb}) needs a value"));
                }
            }
            None
        }
        other => Some(format!(
            "unknown patch type `{other}` (strategic, merge, json)"
        )),
    }
}

fn json_kind(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(s) => format!("a string ({s:?})"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

pub fn validate(wf: &Workflow) -> Vec<Problem> {
    let mut out = Vec::new();
    let names = step_names(wf);
    let at = |i: usize, m: String| Problem {
        step: Some(names[i].clone()),
        message: m,
    };
    if wf.name.trim().is_empty() {
        out.push(Problem {
            step: None,
            message: "`name` is empty".into(),
        });
    }
    if wf.steps.is_empty() {
        out.push(Problem {
            step: None,
            message: "no steps".into(),
        });
    }
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            out.push(at(i, "duplicate step name".into()));
        }
    }
    if let Some(a) = &wf.autonomy {
        for v in a.auto_approve.iter().chain(&a.always_confirm) {
            if v.trim().is_empty() {
                out.push(Problem {
                    step: None,
                    message: "empty verb in autonomy".into(),
                });
            }
        }
        for v in crate::autonomy::unknown_names(a.auto_approve.iter().chain(&a.always_confirm)) {
            if !v.trim().is_empty() {
                out.push(Problem {
                    step: None,
                    message: format!(
                        "autonomy: `{v}` matches no action verb (see `kubectl claude act --help`)"
                    ),
                });
            }
        }
    }
    let params: Vec<&str> = wf.params.iter().map(|p| p.name.as_str()).collect();
    let index_of = |n: &str| names.iter().position(|x| x == n);
    for (i, s) in wf.steps.iter().enumerate() {
        match s.kind() {
            None => out.push(at(
                i,
                "needs exactly one of recipe, action, fix, task (or condition + branches)".into(),
            )),
            Some(StepKind::Recipe(r)) => {
                for id in r.split(',').map(str::trim) {
                    if id != "all" && crate::recipes::by_id(id).is_none() {
                        out.push(at(
                            i,
                            format!(
                                "unknown recipe `{id}` (known: {})",
                                crate::recipes::ids().join(", ")
                            ),
                        ));
                    }
                }
                for k in s.inputs.keys() {
                    if !matches!(k.as_str(), "namespace" | "name" | "finding") {
                        out.push(at(
                            i,
                            format!("unknown recipe input `{k}` (namespace, name, finding)"),
                        ));
                    }
                }
            }
            Some(StepKind::Report) => {}
            Some(StepKind::Note) if s.message.is_some() => {}
            Some(StepKind::Note) => out.push(at(i, "`note` needs a message".into())),
            Some(StepKind::Action(verb)) => match verb {
                v if crate::action::Verb::from_name(v).is_some() => {
                    if s.target.is_none() && v != "apply" {
                        out.push(at(i, format!("action `{v}` needs a target (KIND/NAME)")));
                    }
                    let mut probe = serde_json::Map::new();
                    for (k, val) in &s.inputs {
                        probe.insert(k.clone(), val.clone());
                    }
                    // Templated values are strings until run time; only the keys are checked.
                    for k in probe.keys() {
                        let known = [
                            "replicas",
                            "type",
                            "patch",
                            "to_revision",
                            "history_id",
                            "manifest",
                            "with_source",
                            "reset",
                            "force",
                            "container",
                            "previous",
                            "label",
                            "taint",
                        ];
                        if !known.contains(&k.as_str()) {
                            out.push(at(i, format!("unknown input `{k}` for `{v}`")));
                        }
                    }
                    // A patch the server would reject (400) is caught here, not at run time.
                    if let Some(patch) = probe.get("patch") {
                        let ty = probe
                            .get("type")
                            .and_then(Value::as_str)
                            .unwrap_or("strategic");
                        if let Some(m) = patch_problem(ty, patch) {
                            out.push(at(i, format!("inputs.patch: {m}")));
                        }
                    }
                }
                other => out.push(at(
                    i,
                    format!(
                        "unknown action `{other}` (a verb of `kubectl claude act`, report or note)"
                    ),
                )),
            },
            Some(StepKind::Fix(f)) => match index_of(&f.from) {
                Some(j) if j < i && wf.steps[j].recipe.is_some() => {}
                Some(_) => out.push(at(
                    i,
                    format!("fix.from `{}` must name an earlier recipe step", f.from),
                )),
                None => out.push(at(i, format!("fix.from: no step named `{}`", f.from))),
            },
            Some(StepKind::Task(_) | StepKind::Branch) => {}
        }
        if s.branches.is_some() && s.condition.is_none() {
            out.push(at(i, "branches need a condition".into()));
        }
        let mut jumps: Vec<(&str, &str)> = Vec::new();
        if let Some(b) = &s.branches {
            if let Some(t) = &b.on_true {
                jumps.push(("branches.true", t));
            }
            if let Some(t) = &b.on_false {
                jumps.push(("branches.false", t));
            }
        }
        if let Some(n) = s.next.as_deref().filter(|n| *n != "end") {
            jumps.push(("next", n));
        }
        for (field, t) in jumps {
            match index_of(t) {
                Some(j) if j > i => {}
                Some(_) => out.push(at(
                    i,
                    format!("{field} `{t}` must be a later step (jumps go forward only)"),
                )),
                None => out.push(at(i, format!("{field}: no step named `{t}`"))),
            }
        }
        // Template references: params must be declared, steps must come earlier.
        let mut texts: Vec<&str> = Vec::new();
        texts.extend(s.condition.as_deref());
        texts.extend(s.target.as_deref());
        texts.extend(s.namespace.as_deref());
        texts.extend(s.message.as_deref());
        texts.extend(s.task.as_deref());
        let input_strings: Vec<String> = s.inputs.values().map(Value::to_string).collect();
        texts.extend(input_strings.iter().map(String::as_str));
        for text in texts {
            for r in references(text) {
                let parts: Vec<&str> = r.split('.').collect();
                match parts.as_slice() {
                    ["params", p] if params.contains(p) => {}
                    ["params", p] => out.push(at(i, format!("`{{{{ {r} }}}}`: no param `{p}`"))),
                    ["steps", st, _] => match index_of(st) {
                        Some(j) if j < i => {}
                        Some(_) => out.push(at(
                            i,
                            format!("`{{{{ {r} }}}}`: step `{st}` does not run before this one"),
                        )),
                        None => out.push(at(i, format!("`{{{{ {r} }}}}`: no step `{st}`"))),
                    },
                    _ => out.push(at(
                        i,
                        format!("`{{{{ {r} }}}}`: use params.NAME or steps.STEP.OUTPUT"),
                    )),
                }
            }
        }
    }
    out
}

/// The `params.x` / `steps.y.z` paths a text refers to (inside `{{ }}`, also in conditions).
pub fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for inner in blocks(text) {
        for tok in inner.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')')) {
            // Anything dotted that is not a literal is a reference (unknown roots are reported).
            if tok.contains('.')
                && !tok.starts_with('\'')
                && !tok.starts_with('"')
                && tok.parse::<f64>().is_err()
            {
                out.push(tok.to_string());
            }
        }
    }
    out
}

fn blocks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    out
}

/// Values templates can read: params and the outputs of steps that ran.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub params: BTreeMap<String, String>,
    pub steps: BTreeMap<String, BTreeMap<String, String>>,
}

impl Vars {
    /// A path's value; outputs of steps that did not run read as empty.
    pub fn get(&self, path: &str) -> Option<String> {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["params", p] => self.params.get(*p).cloned(),
            ["steps", s, o] => Some(
                self.steps
                    .get(*s)
                    .and_then(|m| m.get(*o))
                    .cloned()
                    .unwrap_or_default(),
            ),
            _ => None,
        }
    }

    /// Replaces every `{{ path }}` in `text`.
    pub fn render(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find("}}")
                .ok_or_else(|| format!("unclosed `{{{{` in `{text}`"))?;
            let path = after[..end].trim();
            out.push_str(
                &self
                    .get(path)
                    .ok_or_else(|| format!("unknown reference `{path}`"))?,
            );
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Evaluates a condition: `A == B`, `!=`, `contains`, `>`, `<`, `>=`, `<=`, joined by
    /// `&&` / `||` (no parentheses), or a bare operand (true unless empty, `false` or `0`).
    /// Operands are quoted literals, numbers, `true`/`false` or references.
    pub fn eval(&self, condition: &str) -> Result<bool, String> {
        let c = condition.trim();
        let expr = match (c.strip_prefix("{{"), c.ends_with("}}")) {
            (Some(inner), true) => inner[..inner.len() - 2].trim(),
            _ => c,
        };
        let mut any = false;
        for alt in expr.split("||") {
            let mut all = true;
            for term in alt.split("&&") {
                all &= self.term(term.trim())?;
            }
            any |= all;
        }
        Ok(any)
    }

    fn term(&self, t: &str) -> Result<bool, String> {
        for op in [" contains ", "==", "!=", ">=", "<=", ">", "<"] {
            if let Some((l, r)) = t.split_once(op) {
                let (l, r) = (self.operand(l.trim())?, self.operand(r.trim())?);
                let num = |s: &str| s.trim().parse::<f64>().ok();
                return Ok(match op {
                    " contains " => l.split([' ', ',']).any(|w| w == r) || l.contains(&r),
                    "==" => l == r,
                    "!=" => l != r,
                    _ => match (num(&l), num(&r)) {
                        (Some(a), Some(b)) => match op {
                            ">=" => a >= b,
                            "<=" => a <= b,
                            ">" => a > b,
                            _ => a < b,
                        },
                        _ => return Err(format!("`{t}`: `{op}` compares numbers")),
                    },
                });
            }
        }
        let v = self.operand(t)?;
        Ok(!(v.is_empty() || v == "false" || v == "0"))
    }

    fn operand(&self, o: &str) -> Result<String, String> {
        let quoted = |q: char| o.len() >= 2 && o.starts_with(q) && o.ends_with(q);
        if quoted('\'') || quoted('"') {
            return Ok(o[1..o.len() - 1].to_string());
        }
        if o.parse::<f64>().is_ok() || o == "true" || o == "false" {
            return Ok(o.to_string());
        }
        self.get(o)
            .ok_or_else(|| format!("unknown reference `{o}` in condition"))
    }
}

/// Renders a JSON value's strings and turns a rendered scalar string back into its JSON type
/// (`"3"` → 3, `"true"` → true) so `replicas: "{{ params.n }}"` is a number.
pub fn render_value(vars: &Vars, v: &Value) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => {
            let r = vars.render(s)?;
            if s.contains("{{") {
                match r.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => match r.as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        _ => Value::String(r),
                    },
                }
            } else {
                Value::String(r)
            }
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| render_value(vars, x))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| Ok((k.clone(), render_value(vars, x)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

/// A workflow found on disk or built in.
#[derive(Debug, Clone)]
pub struct Listed {
    pub name: String,
    pub source: String,
    pub text: String,
}

/// Built-ins, then `*.yaml`/`*.yml` in `dir`; a user file with a built-in's name replaces it.
pub fn list(dir: &Path) -> Result<Vec<Listed>, Error> {
    let mut by_name: BTreeMap<String, Listed> = BUILTIN
        .iter()
        .map(|(n, t)| {
            (
                n.to_string(),
                Listed {
                    name: n.to_string(),
                    source: "built-in".into(),
                    text: t.to_string(),
                },
            )
        })
        .collect();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
        Err(source) => {
            return Err(Error::Read {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|source| Error::Read {
            path: f.clone(),
            source,
        })?;
        // The name inside the file wins; a file that does not parse is listed by its stem so
        // `validate` can say what is wrong with it.
        let name = parse(&text, &f).map(|w| w.name).unwrap_or_else(|_| {
            f.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        by_name.insert(
            name.clone(),
            Listed {
                name,
                source: f.display().to_string(),
                text,
            },
        );
    }
    Ok(by_name.into_values().collect())
}

#[cfg(test)]
mod tests;
