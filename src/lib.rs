//! kubectl-claude: generate Kubernetes manifests from instructions, diff them against live
//! state, diagnose clusters with triage recipes, and act on findings through an autonomy gate.
//!
//! The crate is one binary with four names (see [`persona`]). It is built in two layers:
//!
//! - **engines** that never print and never read the environment: [`manifest`] (read, validate,
//!   lint), [`generate`] (instructions → manifests, with [`llm`] providers, cache and lock),
//!   [`cluster`] (the [`cluster::ClusterView`] over a live cluster or a snapshot directory),
//!   [`diff`], [`recipes`] → [`finding`] (and [`explain`], [`status`] over them),
//!   [`action`] → [`autonomy`] → [`gate`] (with [`change`] previews) → [`audit`], driven by
//!   the acting [`session`] that every front-end (CLI, MCP, serve) uses, and
//!   [`workflow`] definitions; [`redact`] scrubs everything that leaves the process;
//! - the **CLI** ([`cli`]) that parses flags (kubectl's names), reads the environment once,
//!   renders output ([`ui`]: data on stdout, everything else on stderr) and maps [`error::Error`]
//!   to the documented exit codes.
//!
//! ```text
//!  instructions ─► generate ─► manifests ─► validate / lint ─► stdout | files | CMP
//!                                   │
//!  live cluster | snapshot ◄────────┴──► diff ─► report (exit 0 same, 1 differs)
//!         │
//!         └──► diagnose (recipes, pure) ─► findings by root cause ─► proposed actions
//!                                                                        │
//!                                  autonomy gate ◄───────────────────────┘
//!                        safe: run · confirm: ask · forbidden: refuse, always
//!                                          │
//!                                   executor ─► audit log (decision before, outcome after)
//! ```

pub mod action;
pub mod audit;
pub mod autonomy;
pub mod change;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod diff;
pub mod error;
pub mod explain;
pub mod finding;
pub mod gate;
pub mod generate;
pub mod hash;
pub mod jsonl;
pub mod llm;
pub mod manifest;
pub mod object;
pub mod observe;
pub mod persona;
pub mod plan;
pub mod recipes;
pub mod redact;
pub mod serve;
pub mod session;
pub mod status;
pub mod suppress;
pub mod targetapp;
pub mod ui;
pub mod upgrades;
pub mod verb;
pub mod workflow;

pub use error::{Error, Result};

/// The Kubernetes API version the k8s-openapi types are built for.
pub const K8S_API_VERSION: &str = "1.35";
