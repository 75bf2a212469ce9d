//! What passes through the gate: where actions run ([`Executor`]), who asks and who answers
//! ([`Origin`], [`Interaction`], [`Answer`], [`Via`]), what is proposed, shown and recorded
//! ([`Proposed`], [`Preview`], [`Ask`], [`Attempt`]).

use serde_json::Value;

use crate::action::Action;
use crate::audit::Outcome;
use crate::autonomy::{Approval, Refusal, Tier};
use crate::cluster::{self, ObjRef};

/// Where actions run. `execute` is only ever called with a non-forbidden action.
///
/// The futures are not required to be `Send`: for a concrete executor (the live cluster) the
/// compiler sees the real future, so a multi-threaded front-end can still spawn a session.
#[expect(
    async_fn_in_trait,
    reason = "used generically; Send-ness leaks through for concrete executors"
)]
pub trait Executor {
    /// The kube context (or `snapshot:<dir>`) for the audit log.
    fn context(&self) -> String;
    /// True when nothing can be changed here (a snapshot): see the session's snapshot rule.
    fn is_snapshot(&self) -> bool {
        false
    }
    /// Reads the object an action is about, for the preview; `None` when it does not exist.
    async fn read(&self, r: &ObjRef) -> Result<Option<Value>, cluster::Error>;
    /// What `apply` would make of a manifest (server-side dry run); `None` when unavailable.
    async fn apply_preview(&self, manifest: &Value) -> Result<Option<Value>, cluster::Error>;
    /// Makes the change; returns what the server returned.
    async fn execute(&self, action: &Action) -> Result<Value, cluster::Error>;
    /// Every object of a built-in kind in a namespace (the ReplicaSets a `rollout-undo` is
    /// translated against). Empty by default.
    async fn list(
        &self,
        _kind: &str,
        _namespace: Option<&str>,
    ) -> Result<Vec<Value>, cluster::Error> {
        Ok(Vec::new())
    }
    /// Asks the cluster's discovery for a kind that is not built in (any CRD, short names
    /// too). `None` by default (no discovery).
    async fn find_kind(&self, _kind: &str) -> Result<Option<Discovered>, cluster::Error> {
        Ok(None)
    }
    /// API groups discovery could not ask (the kind may live there), for a warning.
    fn skipped_groups(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A kind found through discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub api_version: String,
    pub kind: String,
    pub namespaced: bool,
}

/// Where a proposal came from (the audit record's `origin`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A person at the command line (`act`).
    User,
    /// A model's suggestion.
    Llm,
    /// A diagnose recipe (`recipe:<id>`).
    Recipe(String),
    /// A workflow (`workflow:<name>`).
    Workflow(String),
    /// An MCP client's tool call (`mcp`).
    Mcp,
    /// An MCP client's tool call, naming the client from its `initialize` (`mcp:<client>`).
    McpClient(String),
    /// A `serve` trigger (`trigger:<name>`: cron, webhook…).
    Trigger(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::User => f.write_str("user"),
            Origin::Llm => f.write_str("llm"),
            Origin::Recipe(id) => write!(f, "recipe:{id}"),
            Origin::Workflow(n) => write!(f, "workflow:{n}"),
            Origin::Mcp => f.write_str("mcp"),
            Origin::McpClient(n) => write!(f, "mcp:{n}"),
            Origin::Trigger(n) => write!(f, "trigger:{n}"),
        }
    }
}

impl std::str::FromStr for Origin {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.split_once(':') {
            None if s == "user" => Origin::User,
            None if s == "llm" => Origin::Llm,
            None if s == "mcp" => Origin::Mcp,
            Some(("recipe", id)) => Origin::Recipe(id.into()),
            Some(("workflow", n)) => Origin::Workflow(n.into()),
            Some(("trigger", n)) => Origin::Trigger(n.into()),
            Some(("mcp", n)) => Origin::McpClient(n.into()),
            _ => return Err(format!("unknown origin `{s}`")),
        })
    }
}

impl serde::Serialize for Origin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Origin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// How a person said yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A terminal prompt (`user-confirmed` in the audit log).
    Terminal,
    /// An MCP elicitation answered by the client's user (`mcp-elicitation`).
    McpElicitation,
    /// A stored approval request approved later (`approval-request`).
    ApprovalRequest,
}

impl Via {
    /// The audit record's `approval` for this way of approving.
    pub fn approval(self) -> Approval {
        match self {
            Via::Terminal => Approval::UserConfirmed,
            Via::McpElicitation => Approval::McpElicitation,
            Via::ApprovalRequest => Approval::ApprovalRequest,
        }
    }
}

/// The human's answer to an [`Ask`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Run it. `by` names the approver when the front-end knows (recorded as `approver`).
    Approved { via: Via, by: Option<String> },
    /// Do not run it.
    Declined,
    /// Not decided yet: queued as the approval request `request` (a Kubernetes object's
    /// name, say). Recorded as `deferred` with that id; nothing runs. Execute it later with
    /// [`crate::session::Session::execute_approved`].
    Deferred { request: String },
}

/// The human on the other side of a confirm prompt: a terminal, an MCP elicitation, an
/// approval queue. A synchronous implementation (the terminal prompt) simply blocks inside
/// `confirm`; an asynchronous one (an MCP round-trip) awaits.
#[expect(
    async_fn_in_trait,
    reason = "used generically; Send-ness leaks through for concrete implementations"
)]
pub trait Interaction {
    /// Shows the proposal and its change and asks. An `Err` (the terminal went away, the
    /// client disconnected) is taken as [`Answer::Declined`]: fail closed.
    async fn confirm(&self, ask: &Ask<'_>) -> std::io::Result<Answer>;
}

/// An action someone wants to run, with where it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Proposed {
    pub action: Action,
    pub origin: Origin,
    #[serde(default)]
    pub rationale: Option<String>,
    /// The object is managed by GitOps: the durable fix belongs in Git.
    #[serde(default)]
    pub gitops_managed: bool,
    /// Ask even when the policy says safe (a workflow step with `confirm: true`). Never lowers.
    #[serde(default)]
    pub force_confirm: bool,
    /// What was asked for when `action` is its translation (a `rollout-undo` sent as the
    /// patch kubectl would send): the tier is the stricter of the two, so a policy about the
    /// requested verb still holds.
    #[serde(default)]
    pub requested: Option<Action>,
}

impl Proposed {
    pub fn new(action: Action, origin: Origin) -> Self {
        Self {
            action,
            origin,
            rationale: None,
            gitops_managed: false,
            force_confirm: false,
            requested: None,
        }
    }
}

/// What the action would change.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Preview {
    /// A unified diff of the object before → after (Secret values masked); empty when none.
    pub diff: String,
    /// Said instead of (or besides) a diff: deletes, reads, objects not found…
    pub note: Option<String>,
}

/// What the prompt shows: every step of the unit with its change, approved together.
#[derive(Debug)]
pub struct Ask<'a> {
    /// The unit's tier: the highest of its steps.
    pub tier: Tier,
    /// The time the previews were computed at (a restart's `restartedAt` is this time): an
    /// approval request stores it so a later execution can check the preview still holds.
    pub at: jiff::Timestamp,
    pub steps: Vec<(&'a Proposed, &'a Preview)>,
}

/// Why a step of a unit did not run although it was not itself refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockedBy {
    /// Step N (0-based) of the same unit is forbidden, so the whole unit is refused.
    ForbiddenStep(usize),
    /// Step N (0-based) failed, so the steps after it were not sent.
    EarlierStepFailed(usize),
}

/// The result of one attempt.
#[derive(Debug)]
pub struct Attempt {
    pub id: String,
    pub tier: Tier,
    pub approval: Approval,
    pub outcome: Outcome,
    pub refusal: Option<Refusal>,
    /// Shown for dry runs and prompts.
    pub preview: Option<Preview>,
    /// What the executor returned (reads print it).
    pub result: Option<Value>,
    pub error: Option<cluster::Error>,
    /// Set when this step was held back by another step of its unit.
    pub blocked_by: Option<BlockedBy>,
    /// Who approved, when the human said so ([`Answer::Approved`]'s `by`).
    pub approver: Option<String>,
    /// The approval request it was deferred to (or executed from).
    pub request: Option<String>,
}

impl Attempt {
    /// True when the action was executed successfully.
    pub fn ran(&self) -> bool {
        self.outcome == Outcome::Ok
    }
}
