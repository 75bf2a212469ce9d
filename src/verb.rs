//! The verb table: every verb the product knows, with its name, built-in minimum tier,
//! whether it targets a Node and the parameters it cannot do without.
//!
//! One exhaustive `match` ([`Verb::spec`]) holds the table, so a verb that is not fully
//! described does not compile; `act --help` ([`help_text`]), shell completion (clap's
//! `ValueEnum`), `config view` and the gate's tests are generated from it. A leaf: it knows
//! nothing of actions, clusters or the CLI (`crate::action` ties verbs to actions).

use serde::{Deserialize, Serialize};

/// How much autonomy an action gets. Ordered: `Safe < Confirm < Forbidden`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Safe,
    Confirm,
    Forbidden,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Safe => "safe",
            Tier::Confirm => "confirm",
            Tier::Forbidden => "forbidden",
        }
    }
}

/// Every verb, by its stable name. The order is the tier order help and completion show.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
#[value(rename_all = "kebab-case")]
pub enum Verb {
    Get,
    Describe,
    Logs,
    List,
    Top,
    Diff,
    Patch,
    Scale,
    RolloutRestart,
    RolloutUndo,
    ArgoRollback,
    Apply,
    Delete,
    Reconcile,
    Suspend,
    Resume,
    ArgoSync,
    ArgoRefresh,
    ArgoTerminateOp,
    RemoveFinalizers,
    RestartPod,
    Exec,
    Drain,
    Cordon,
    Uncordon,
    DeleteNode,
    LabelNode,
    TaintNode,
    Reset,
}

/// A parameter a verb cannot do without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Replicas,
    Patch,
    HistoryId,
    Manifest,
    Label,
    Taint,
    Command,
}

impl Param {
    /// The `act` flag that gives it, for help.
    pub fn flag(self) -> &'static str {
        match self {
            Param::Replicas => "--replicas N",
            Param::Patch => "-p PATCH",
            Param::HistoryId => "--history-id ID",
            Param::Manifest => "-f FILE",
            Param::Label => "--label KEY=VALUE",
            Param::Taint => "--taint KEY=VALUE:EFFECT",
            Param::Command => "-- COMMAND…",
        }
    }

    /// What the error says is missing.
    pub fn missing(self) -> &'static str {
        match self {
            Param::Replicas => "--replicas N (N >= 0)",
            Param::Patch => "a patch (-p JSON)",
            Param::HistoryId => "--history-id N",
            Param::Manifest => "a manifest (-f FILE)",
            Param::Label => "--label KEY=VALUE",
            Param::Taint => "--taint KEY=VALUE:EFFECT",
            Param::Command => "a command to run (-- COMMAND…)",
        }
    }
}

/// One row of the verb table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerbSpec {
    /// The stable name (config, JSON output, the audit log, `act VERB`).
    pub name: &'static str,
    /// The built-in minimum tier. Kinds can raise it (any write to a Node, deleting a
    /// Namespace…; see `autonomy::builtin_tier`); nothing lowers a forbidden one.
    pub tier: Tier,
    /// The target is a Node: a bare name means `node/<name>`.
    pub node: bool,
    /// What `build` refuses to go without.
    pub needs: &'static [Param],
}

impl Verb {
    /// The verb table: one exhaustive row per verb.
    pub const fn spec(self) -> VerbSpec {
        use Tier::{Confirm, Forbidden, Safe};
        let (name, tier, node, needs): (&str, Tier, bool, &[Param]) = match self {
            Verb::Get => ("get", Safe, false, &[]),
            Verb::Describe => ("describe", Safe, false, &[]),
            Verb::Logs => ("logs", Safe, false, &[]),
            Verb::List => ("list", Safe, false, &[]),
            Verb::Top => ("top", Safe, false, &[]),
            Verb::Diff => ("diff", Safe, false, &[]),
            Verb::Patch => ("patch", Confirm, false, &[Param::Patch]),
            Verb::Scale => ("scale", Confirm, false, &[Param::Replicas]),
            Verb::RolloutRestart => ("rollout-restart", Confirm, false, &[]),
            Verb::RolloutUndo => ("rollout-undo", Confirm, false, &[]),
            Verb::ArgoRollback => ("argo-rollback", Confirm, false, &[Param::HistoryId]),
            Verb::Apply => ("apply", Confirm, false, &[Param::Manifest]),
            Verb::Delete => ("delete", Confirm, false, &[]),
            Verb::Reconcile => ("reconcile", Confirm, false, &[]),
            Verb::Suspend => ("suspend", Confirm, false, &[]),
            Verb::Resume => ("resume", Confirm, false, &[]),
            Verb::ArgoSync => ("argo-sync", Confirm, false, &[]),
            Verb::ArgoRefresh => ("argo-refresh", Confirm, false, &[]),
            Verb::ArgoTerminateOp => ("argo-terminate-op", Confirm, false, &[]),
            Verb::RemoveFinalizers => ("remove-finalizers", Confirm, false, &[]),
            // Deleting one Pod (its controller recreates it), with a grace period. A write:
            // confirm here; the TargetApp controller's per-target autonomy (the team's
            // `auto_approve: [restart_pod]`) makes it safe there, within the policy.
            Verb::RestartPod => ("restart-pod", Confirm, false, &[]),
            // A command in a container (the API's exec); always asks.
            Verb::Exec => ("exec", Confirm, false, &[Param::Command]),
            Verb::Drain => ("drain", Forbidden, true, &[]),
            Verb::Cordon => ("cordon", Forbidden, true, &[]),
            Verb::Uncordon => ("uncordon", Forbidden, true, &[]),
            Verb::DeleteNode => ("delete-node", Forbidden, true, &[]),
            Verb::LabelNode => ("label-node", Forbidden, true, &[Param::Label]),
            Verb::TaintNode => ("taint-node", Forbidden, true, &[Param::Taint]),
            // A reset names a machine, not a Kubernetes object kind.
            Verb::Reset => ("reset", Forbidden, false, &[]),
        };
        VerbSpec {
            name,
            tier,
            node,
            needs,
        }
    }

    /// Every verb, in table order (clap's derive lists every variant).
    pub fn all() -> &'static [Verb] {
        <Verb as clap::ValueEnum>::value_variants()
    }

    pub const fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// The verb with this stable name.
    pub fn from_name(name: &str) -> Option<Verb> {
        Verb::all().iter().copied().find(|v| v.as_str() == name)
    }

    /// Like [`Verb::from_name`], with the error a user sees for a typo.
    pub fn parse(name: &str) -> Result<Verb, String> {
        Verb::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Verb::all().iter().map(|v| v.as_str()).collect();
            format!(
                "unknown verb `{name}` (expected one of: {})",
                names.join(", ")
            )
        })
    }
}

impl std::fmt::Display for Verb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verb list for `act --help`, generated from the table: the verbs of each built-in
/// tier, then what each verb cannot do without.
pub fn help_text() -> String {
    let mut out = String::from("Verbs, by built-in tier:\n");
    for tier in [Tier::Safe, Tier::Confirm, Tier::Forbidden] {
        let names: Vec<&str> = Verb::all()
            .iter()
            .filter(|v| v.spec().tier == tier)
            .map(|v| v.as_str())
            .collect();
        let label = format!("  {:<11}", format!("{}:", tier.as_str()));
        out.push_str(&wrap(&label, &names, 90));
    }
    let needs: Vec<String> = Verb::all()
        .iter()
        .filter(|v| !v.spec().needs.is_empty())
        .map(|v| {
            let flags: Vec<&str> = v.spec().needs.iter().map(|p| p.flag()).collect();
            format!("{v} {}", flags.join(" "))
        })
        .collect();
    let needs: Vec<&str> = needs.iter().map(String::as_str).collect();
    out.push_str("Required:\n");
    out.push_str(&wrap("  ", &needs, 90));
    let nodes: Vec<&str> = Verb::all()
        .iter()
        .filter(|v| v.spec().node)
        .map(|v| v.as_str())
        .collect();
    out.push_str("Node verbs take a bare node name too:\n");
    out.push_str(&wrap("  ", &nodes, 90));
    out.trim_end().to_string()
}

/// `items` after `label`, wrapped at `width` with a hanging indent; separated by `sep`.
fn wrap(label: &str, items: &[&str], width: usize) -> String {
    let sep = if items.iter().any(|i| i.contains(' ')) {
        " · "
    } else {
        " "
    };
    let indent = " ".repeat(label.chars().count());
    let mut out = String::new();
    let mut line = label.to_string();
    let mut first = true;
    for item in items {
        let piece = if first {
            item.to_string()
        } else {
            format!("{sep}{item}")
        };
        if !first && line.chars().count() + piece.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("{indent}{item}");
        } else {
            line.push_str(&piece);
        }
        first = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}
