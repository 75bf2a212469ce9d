//! Observations of a run for whoever counts them (`serve`'s metrics): every gated action
//! (tier and outcome) and every model call (provider, outcome, tokens). The session's host
//! and `serve`'s approval executor report to an [`Observer`]; `serve` implements it on its
//! metrics registry. A workflow run that `serve` launches as a child process reports through
//! a [`FileObserver`] (JSON lines in a file `serve` names and reads back when the run ends):
//! a typed channel, not scraped output.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::autonomy::{Approval, Tier};
use crate::gate::Attempt;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Observation {
    Action {
        tier: Tier,
        /// `ok`, `error`, `refused`, `declined`, `queued`, `dry-run` or `skipped`.
        outcome: String,
    },
    ModelCall {
        provider: String,
        /// `ok` or `error`.
        outcome: String,
        input_tokens: u64,
        output_tokens: u64,
    },
}

/// The outcome word of a gated action.
pub fn action_outcome(a: &Attempt) -> &'static str {
    if a.refusal.is_some() {
        return "refused";
    }
    match a.approval {
        Approval::Deferred => "queued",
        Approval::Declined => "declined",
        Approval::DryRun | Approval::SuggestOnly => "dry-run",
        _ => a.outcome.as_str(),
    }
}

/// Receives observations.
pub trait Observer {
    fn observe(&self, o: &Observation);

    fn action(&self, a: &Attempt) {
        self.observe(&Observation::Action {
            tier: a.tier,
            outcome: action_outcome(a).to_string(),
        });
    }

    fn model_call(&self, provider: &str, ok: bool, input_tokens: u64, output_tokens: u64) {
        self.observe(&Observation::ModelCall {
            provider: provider.to_string(),
            outcome: if ok { "ok" } else { "error" }.to_string(),
            input_tokens,
            output_tokens,
        });
    }
}

/// Appends observations to a JSON-lines file (best effort: a failed write loses a count,
/// never the run).
#[derive(Debug, Clone)]
pub struct FileObserver(pub PathBuf);

impl Observer for FileObserver {
    fn observe(&self, o: &Observation) {
        let _ = crate::jsonl::append(&self.0, o);
    }
}

/// The observations in a file a [`FileObserver`] wrote (unparsable lines are skipped).
pub fn read(path: &Path) -> Vec<Observation> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("obs.jsonl");
        let o = FileObserver(p.clone());
        o.model_call("anthropic", true, 120, 30);
        o.observe(&Observation::Action {
            tier: Tier::Confirm,
            outcome: "queued".into(),
        });
        let got = read(&p);
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0],
            Observation::ModelCall {
                provider: "anthropic".into(),
                outcome: "ok".into(),
                input_tokens: 120,
                output_tokens: 30
            }
        );
        assert!(read(&dir.path().join("missing")).is_empty());
    }
}
