//! The audit log: one JSON line per gate decision and one per outcome, append-only.
//!
//! Files live under `~/.local/state/kubectl-claude/actions/YYYY-MM-DD.jsonl` (mode 0600, see
//! [`crate::jsonl`]). Every attempt — runs, refusals, declines, dry runs, suggestions — writes a
//! `decision` record *before* anything is sent to the cluster and an `outcome` record after;
//! both carry the same `id`. The decision record is fsynced first, so a crash mid-action still
//! leaves a trace, and when it cannot be written the action does not run.
//!
//! Records never contain Secret data: the action is serialized with Secret `data`/`stringData`
//! values (and JSON-patch values under those paths) replaced by `<redacted>`.
//!
//! The record shape is a contract (`v: 1`) documented in the README ("Acting safely").

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::action::Action;
use crate::autonomy::{Approval, Tier};

mod tail;

pub use tail::{Page, RevLines, read_newest};

/// The record format version.
pub const VERSION: u32 = 1;

/// The verb of a run-start record ([`AuditLog::run_record`]).
pub const RUN_VERB: &str = "workflow-run";

/// Which half of an attempt a record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Written before execution: what the gate decided and who approved.
    Decision,
    /// Written after: what happened.
    Outcome,
}

/// What happened to the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Ok,
    Error,
    /// Not executed: refused, declined, dry run or suggestion.
    Skipped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub v: u32,
    /// Links the decision and the outcome of one attempt.
    pub id: String,
    pub phase: Phase,
    /// RFC 3339, UTC.
    pub at: String,
    /// The kubeconfig context (or `snapshot:<dir>` when nothing live was touched).
    pub context: String,
    /// `user`, `llm`, `recipe:<id>` or `workflow:<name>`.
    pub origin: String,
    /// The typed action with its inputs (Secret values masked).
    pub action: Value,
    /// The verb and target again, flat, so `grep` and `jq` need no nesting.
    pub verb: String,
    pub target: String,
    pub tier: Tier,
    pub approval: Approval,
    /// The command a human would type for the same change.
    pub command: String,
    /// Why the action was proposed, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// `None` on the decision record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Set when the action is one step of a multi-step remediation approved as one unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitRef>,
    /// Who approved, when the front-end knows (an MCP client's user, an approval request's
    /// approver); absent for terminal prompts and flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// The approval request this attempt was deferred to, or executed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// On the outcome record of an `exec` that ran: its exit code and output, masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecSummary>,
    /// Who started a workflow run (a [`AuditLog::run_record`]): the dashboard's signed-in
    /// user, as the API server reviewed them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_by: Option<String>,
}

/// Bytes of stdout (and of stderr) an outcome record keeps of an exec.
pub const EXEC_SUMMARY_LIMIT: usize = 2048;

/// How an exec ended and what it printed, as the outcome record keeps it: every string
/// through [`crate::redact::redact`], each stream cut at [`EXEC_SUMMARY_LIMIT`] bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecSummary {
    /// `None` when the server could not run the command (see the record's `error`).
    pub exit_code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// True when either stream was cut (here, or already when it was read).
    pub truncated: bool,
}

impl ExecSummary {
    /// From an exec's output as the executor returns it (`exitCode`, `stdout`, `stderr`,
    /// `stdoutTruncated`, `stderrTruncated`); `None` for anything else.
    pub fn from_output(v: &Value) -> Option<Self> {
        let o = v.as_object()?;
        if !o.contains_key("exitCode") || !o.contains_key("command") {
            return None;
        }
        let text = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default();
        let flag = |k: &str| o.get(k).and_then(Value::as_bool).unwrap_or(false);
        let (stdout, cut_out) = masked_prefix(text("stdout"));
        let (stderr, cut_err) = masked_prefix(text("stderr"));
        Some(Self {
            exit_code: o
                .get("exitCode")
                .and_then(Value::as_i64)
                .and_then(|c| i32::try_from(c).ok()),
            stdout,
            stderr,
            truncated: cut_out || cut_err || flag("stdoutTruncated") || flag("stderrTruncated"),
        })
    }
}

/// `text` masked, then cut to [`EXEC_SUMMARY_LIMIT`] bytes on a character boundary.
fn masked_prefix(text: &str) -> (String, bool) {
    let mut masked = crate::redact::redact(text);
    if masked.len() <= EXEC_SUMMARY_LIMIT {
        return (masked, false);
    }
    let mut end = EXEC_SUMMARY_LIMIT;
    while !masked.is_char_boundary(end) {
        end -= 1;
    }
    masked.truncate(end);
    (masked, true)
}

/// Which unit a step belongs to: every step of one unit shares `id`; `step` counts from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRef {
    pub id: String,
    pub step: usize,
    pub of: usize,
}

impl Record {
    /// The outcome record that pairs with this decision.
    pub fn outcome_of(&self, at: jiff::Timestamp, outcome: Outcome, error: Option<String>) -> Self {
        Self {
            phase: Phase::Outcome,
            at: at.to_string(),
            outcome: Some(outcome),
            error,
            ..self.clone()
        }
    }
}

/// Errors writing or reading the log.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The record could not be appended; the action must not run.
    #[error("failed to write the audit log {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Where the log lives and who writes to it.
#[derive(Debug, Clone)]
pub struct AuditLog {
    dir: PathBuf,
    context: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl AuditLog {
    pub fn new(dir: impl Into<PathBuf>, context: impl Into<String>) -> Self {
        Self {
            dir: dir.into(),
            context: context.into(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn context(&self) -> &str {
        &self.context
    }

    /// A fresh attempt id: unique per process and call even under a fixed test clock, so it
    /// mixes the real time, the pid and a counter.
    pub fn new_id(&self, action: &Action) -> String {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let seed = format!(
            "{real}:{}:{n}:{}",
            std::process::id(),
            serde_json::to_string(action).unwrap_or_default()
        );
        crate::hash::sha256_hex(&seed)[..16].to_string()
    }

    /// Builds the decision record for `action` (masked) at `at`; the outcome record is a
    /// copy with [`Record::outcome_of`].
    pub fn record(
        &self,
        id: &str,
        at: jiff::Timestamp,
        origin: &str,
        action: &Action,
        tier: Tier,
        approval: Approval,
    ) -> Record {
        Record {
            v: VERSION,
            id: id.to_string(),
            phase: Phase::Decision,
            at: at.to_string(),
            context: self.context.clone(),
            origin: origin.to_string(),
            action: masked_action(action),
            verb: action.verb().to_string(),
            target: action.target_display(),
            tier,
            approval,
            command: mask_command(action),
            rationale: None,
            outcome: None,
            error: None,
            unit: None,
            approver: None,
            request: None,
            exec: None,
            started_by: None,
        }
    }

    /// The decision record of a workflow run a person started (verb `workflow-run`, target
    /// `workflow/<name>`, approval `started`, `started_by` = who): not a cluster action —
    /// each of the run's actions has its own records — but the answer to "who started it".
    /// Parameter values go through the scrubber.
    pub fn run_record(
        &self,
        id: &str,
        at: jiff::Timestamp,
        workflow: &str,
        params: &std::collections::BTreeMap<String, String>,
        started_by: &str,
    ) -> Record {
        let params: std::collections::BTreeMap<&str, String> = params
            .iter()
            .map(|(k, v)| (k.as_str(), crate::redact::redact(v)))
            .collect();
        let mut command = format!("kubectl claude workflow run {workflow}");
        for (k, v) in &params {
            command.push_str(&format!(" --param {k}={v}"));
        }
        Record {
            v: VERSION,
            id: id.to_string(),
            phase: Phase::Decision,
            at: at.to_string(),
            context: self.context.clone(),
            origin: format!("workflow:{workflow}"),
            action: serde_json::json!({"verb": RUN_VERB, "workflow": workflow, "params": params}),
            verb: RUN_VERB.to_string(),
            target: format!("workflow/{workflow}"),
            tier: Tier::Safe,
            approval: Approval::Started,
            command,
            rationale: None,
            outcome: None,
            error: None,
            unit: None,
            approver: None,
            request: None,
            exec: None,
            started_by: Some(started_by.to_string()),
        }
    }

    /// A fresh id for a record that is not an action (a run start).
    pub fn new_run_id(&self, workflow: &str) -> String {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let real = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        crate::hash::sha256_hex(&format!("{real}:{}:{n}:run:{workflow}", std::process::id()))[..16]
            .to_string()
    }

    /// Appends a record to the day's file, flushed to disk before returning.
    pub fn write(&self, rec: &Record, at: jiff::Timestamp) -> Result<PathBuf, Error> {
        let path = crate::jsonl::daily_file(&self.dir, at);
        crate::jsonl::append(&path, rec).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }
}

/// Reads every record under `dir`, oldest file first; torn lines are skipped.
pub fn read(dir: &Path) -> std::io::Result<Vec<Record>> {
    crate::jsonl::read_dir(dir)
}

/// Like [`read`], and also the lines that are not records (torn by a crash or a full disk),
/// so `audit` can say so instead of hiding them.
pub fn read_report(dir: &Path) -> std::io::Result<(Vec<Record>, Vec<crate::jsonl::Unreadable>)> {
    crate::jsonl::read_dir_report(dir)
}

use crate::redact::is_secret_kind;

/// The action as JSON with Secret values replaced by `<redacted>`.
pub fn masked_action(action: &Action) -> Value {
    let mut v = serde_json::to_value(action).unwrap_or(Value::Null);
    let secret_target = action.target().is_some_and(|t| is_secret_kind(&t.kind));
    match action {
        Action::Apply { .. } => {
            if let Some(m) = v.get_mut("manifest") {
                mask_manifest(m);
            }
        }
        Action::Patch { .. } if secret_target => {
            if let Some(p) = v.get_mut("patch") {
                match p {
                    Value::Array(ops) => {
                        for op in ops.iter_mut() {
                            let path = op
                                .get("path")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string();
                            // Values, and the last-applied annotation (a whole earlier Secret).
                            let sensitive = path.starts_with("/data")
                                || path.starts_with("/stringData")
                                || path.contains("last-applied-configuration");
                            if let Some(val) = op.get_mut("value") {
                                if sensitive {
                                    *val = mask_value(val);
                                } else if path.starts_with("/metadata") {
                                    mask_last_applied(val);
                                }
                            }
                        }
                    }
                    other => {
                        mask_secret_fields(other);
                        mask_manifest(other);
                    }
                }
            }
        }
        _ => {}
    }
    // Any kind: env entries named like credentials, JSON-patch values aimed at an env value,
    // and every string through the text scrubber (`--token=…` in args, URLs with passwords).
    if let Some(p) = v.get_mut("patch") {
        mask_env_ops(p);
    }
    for field in ["patch", "manifest"] {
        if let Some(x) = v.get_mut(field) {
            mask_env(x);
            scrub_strings(x);
        }
    }
    // An exec's argv reads as one command line (`--password x`, `TOKEN=…`).
    if let (Action::Exec { command, .. }, Some(c)) = (action, v.get_mut("command")) {
        *c = Value::from(crate::redact::redact_seq(
            command.iter().map(String::as_str),
        ));
    }
    v
}

/// `{name: API_TOKEN, value: x}` anywhere → the value masked.
fn mask_env(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let secret = m
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(crate::redact::looks_secret);
            if secret
                && let Some(val) = m.get_mut("value")
                && val.is_string()
            {
                *val = Value::String(crate::redact::REDACTED.into());
            }
            m.values_mut().for_each(mask_env);
        }
        Value::Array(a) => a.iter_mut().for_each(mask_env),
        _ => {}
    }
}

/// JSON-patch ops that set `…/env/N/value` (the name is not in the op, so mask it).
fn mask_env_ops(p: &mut Value) {
    let Value::Array(ops) = p else { return };
    for op in ops {
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        if path.contains("/env/")
            && path.ends_with("/value")
            && let Some(val) = op.get_mut("value")
        {
            *val = Value::String(crate::redact::REDACTED.into());
        }
    }
}

/// Every string through [`crate::redact::redact`]; string arrays as one command line.
fn scrub_strings(v: &mut Value) {
    match v {
        Value::String(s) => *s = crate::redact::redact(s),
        Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_string) => {
            let r = crate::redact::redact_seq(a.iter().filter_map(Value::as_str));
            for (item, r) in a.iter_mut().zip(r) {
                *item = Value::String(r);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub_strings),
        Value::Object(m) => m.values_mut().for_each(scrub_strings),
        _ => {}
    }
}

/// The manual command with the masked action's values (env credentials, scrubbed strings),
/// and without the patch body at all when the target is a Secret.
pub fn mask_command(action: &Action) -> String {
    let masked: Option<Action> = serde_json::from_value(masked_action(action)).ok();
    let action = masked.as_ref().unwrap_or(action);
    match action {
        Action::Patch { target, .. } if is_secret_kind(&target.kind) => {
            let c = action.manual_command();
            match c.find(" -p '") {
                Some(i) => format!("{} -p '{}'", &c[..i], crate::redact::REDACTED),
                None => c,
            }
        }
        _ => action.manual_command(),
    }
}

/// Masks every Secret anywhere in a manifest (a `List`'s items included) and every
/// last-applied annotation, which embeds a whole earlier object.
/// Masks a last-applied annotation anywhere under `v` (JSON-patch values under /metadata).
fn mask_last_applied(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if k == "kubectl.kubernetes.io/last-applied-configuration" {
                    *child = Value::String(crate::redact::REDACTED.into());
                } else {
                    mask_last_applied(child);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_last_applied),
        _ => {}
    }
}

fn mask_manifest(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let kind = m
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if is_secret_kind(&kind) {
                mask_secret_fields(v);
            }
            // A typed `SecretList` leaves `kind` off its items.
            if kind.strip_suffix("List").is_some_and(is_secret_kind)
                && let Some(Value::Array(items)) = v.get_mut("items")
            {
                items.iter_mut().for_each(mask_secret_fields);
            }
            if let Some(a) = v
                .pointer_mut("/metadata/annotations")
                .and_then(Value::as_object_mut)
                && let Some(la) = a.get_mut("kubectl.kubernetes.io/last-applied-configuration")
            {
                *la = Value::String(crate::redact::REDACTED.into());
            }
            if let Value::Object(m) = v {
                for child in m.values_mut() {
                    mask_manifest(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_manifest),
        _ => {}
    }
}

fn mask_secret_fields(obj: &mut Value) {
    for key in ["data", "stringData"] {
        if let Some(d) = obj.get_mut(key) {
            *d = mask_value(d);
        }
    }
}

/// Keeps the shape (keys) of a map and masks every value.
fn mask_value(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, _)| (k.clone(), Value::String(crate::redact::REDACTED.into())))
                .collect(),
        ),
        Value::Null => Value::Null,
        _ => Value::String(crate::redact::REDACTED.into()),
    }
}

/// One attempt as `audit -o json` and the MCP `audit` tool show it (a README contract): the
/// decision record's fields, with the outcome's `outcome`, `error` and `exec`.
pub fn attempt_json(d: &Record, o: Option<&Record>) -> Value {
    serde_json::json!({"id": d.id, "at": d.at, "context": d.context, "origin": d.origin,
        "verb": d.verb, "target": d.target, "tier": d.tier, "approval": d.approval,
        "command": d.command, "rationale": d.rationale, "action": d.action,
        "unit": d.unit, "approver": d.approver, "request": d.request,
        "outcome": o.and_then(|o| o.outcome),
        "error": o.and_then(|o| o.error.clone()),
        "exec": o.and_then(|o| o.exec.clone()),
        "started_by": d.started_by})
}

#[cfg(test)]
mod tests;
