//! The prompt sent to models. Versioned: the version is part of the cache key, so changing
//! the prompt never serves stale cached output.

use std::collections::BTreeMap;

use crate::llm::Prompt;

/// Bump when [`SYSTEM`] or [`user_prompt`] change.
pub const PROMPT_VERSION: &str = "p1";

/// The system prompt: the claudernetes requirements plus the team's house conventions.
pub const SYSTEM: &str = include_str!("prompts/system.md");

/// The user message: the instructions, then the parameters and the target namespace.
pub fn user_prompt(
    instructions: &str,
    params: &BTreeMap<String, String>,
    namespace: Option<&str>,
) -> String {
    let mut s = String::from("Instructions:\n");
    s.push_str(instructions.trim());
    s.push('\n');
    if !params.is_empty() {
        s.push_str("\nParameters:\n");
        for (k, v) in params {
            s.push_str(&format!("- {k}: {v}\n"));
        }
    }
    if let Some(ns) = namespace {
        s.push_str(&format!(
            "\nTarget namespace: {ns} (set metadata.namespace on namespaced objects).\n"
        ));
    }
    s
}

pub fn build(
    instructions: &str,
    params: &BTreeMap<String, String>,
    namespace: Option<&str>,
    max_tokens: u32,
) -> Prompt {
    Prompt {
        system: SYSTEM.to_string(),
        user: user_prompt(instructions, params, namespace),
        max_tokens,
    }
}
