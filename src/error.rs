//! The crate-level error and the exit-code contract.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | ok |
//! | 1 | something to report: diff differs, findings at or above `--fail-on`, lint errors |
//! | 2 | usage: bad flags or arguments, bad input files, bad config |
//! | 3 | action refused: forbidden, declined, or confirm without a TTY |
//! | 4 | cluster unreachable or authentication failed |
//! | 5 | LLM error or unusable output (also: offline generator could not understand, `--strict`) |
//! | 6 | I/O or audit failure (an audit write failure aborts execution) |
//!
//! Module errors are typed; this enum aggregates them, picks the exit code with an exhaustive
//! match and carries hints the binary prints as `hint: …`.

use std::path::PathBuf;

pub const EXIT_OK: u8 = 0;
pub const EXIT_REPORT: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_REFUSED: u8 = 3;
pub const EXIT_CLUSTER: u8 = 4;
pub const EXIT_LLM: u8 = 5;
pub const EXIT_IO: u8 = 6;

/// Every error the binary can end with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments or input the user can fix.
    #[error("{message}")]
    Usage { message: String, hints: Vec<String> },
    /// A configuration file is invalid.
    #[error(transparent)]
    Config(#[from] crate::config::Error),
    /// Manifests could not be read or are invalid.
    #[error(transparent)]
    Manifest(#[from] crate::manifest::Error),
    /// The cluster could not be reached or refused us.
    #[error(transparent)]
    Cluster(#[from] crate::cluster::Error),
    /// A model call failed or returned nothing usable.
    #[error(transparent)]
    Llm(#[from] crate::llm::Error),
    /// The generate pipeline refused the input or the output.
    #[error(transparent)]
    Generate(#[from] crate::generate::Error),
    /// A chart upgrade could not be analysed (source, network, index, chart, edit).
    #[error(transparent)]
    Upgrades(#[from] crate::upgrades::Error),
    /// An action was refused by the autonomy gate or declined by the user.
    #[error("{message}")]
    Refused { message: String, hints: Vec<String> },
    /// Reading or writing a file failed.
    #[error("failed to {what} {}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An action was executed but its outcome could not be recorded (the change may be live).
    #[error("{message}")]
    AuditOutcome { message: String, hints: Vec<String> },
    /// The audit log could not be written; nothing was executed.
    #[error("failed to write the audit log {}; the action was not executed", path.display())]
    Audit {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn usage_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hints: vec![hint.into()],
        }
    }

    pub fn io(what: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            what,
            path: path.into(),
            source,
        }
    }

    /// The documented exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage { .. } | Error::Config(_) => EXIT_USAGE,
            Error::Manifest(e) => e.exit_code(),
            Error::Cluster(e) => e.exit_code(),
            Error::Llm(e) => e.exit_code(),
            Error::Generate(e) => e.exit_code(),
            Error::Upgrades(e) => e.exit_code(),
            Error::Refused { .. } => EXIT_REFUSED,
            // Reading a file the user named that does not exist, or is not UTF-8 text, is
            // their input, not I/O.
            Error::Io {
                what: "read",
                source,
                ..
            } if matches!(
                source.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidData
            ) =>
            {
                EXIT_USAGE
            }
            Error::Io { .. } | Error::Audit { .. } | Error::AuditOutcome { .. } => EXIT_IO,
        }
    }

    /// What the user can do next.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::Usage { hints, .. }
            | Error::Refused { hints, .. }
            | Error::AuditOutcome { hints, .. } => hints.clone(),
            Error::Config(e) => e.hints(),
            Error::Manifest(e) => e.hints(),
            Error::Cluster(e) => e.hints(),
            Error::Llm(e) => e.hints(),
            Error::Generate(e) => e.hints(),
            Error::Io {
                what: "read",
                source,
                ..
            } if source.kind() == std::io::ErrorKind::InvalidData => {
                vec![crate::manifest::NOT_UTF8_HINT.into()]
            }
            Error::Upgrades(e) => e.hints(),
            Error::Io { .. } => vec![],
            Error::Audit { path, .. } => vec![format!(
                "check that {} is a writable directory (or set XDG_STATE_HOME)",
                path.parent().unwrap_or(path).display()
            )],
        }
    }

    /// True when the error is a closed stdout (`| head`): that is success, as in ripgrep.
    pub fn is_broken_pipe(&self) -> bool {
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(e) = cur {
            if let Some(io) = e.downcast_ref::<std::io::Error>()
                && io.kind() == std::io::ErrorKind::BrokenPipe
            {
                return true;
            }
            cur = e.source();
        }
        false
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::io("write", "<stdout>", e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The acting session's errors at the edge: usage mistakes exit 2, the cluster and the audit
/// log keep their own codes.
impl From<crate::session::Error> for Error {
    fn from(e: crate::session::Error) -> Self {
        use crate::session::Error as S;
        match e {
            S::Gate(g) => g.into(),
            S::Cluster(c) => c.into(),
            S::SnapshotCannotChange => Error::Usage {
                message:
                    "a snapshot cannot be changed: --yes cannot approve changes on a --snapshot"
                        .into(),
                hints: vec![
                    "drop --yes to preview the changes (a snapshot is always previewed only)"
                        .into(),
                    "drop --snapshot to act on the live cluster of the current context".into(),
                ],
            },
            S::SnapshotNeedsPreview => Error::usage_hint(
                "a snapshot cannot be changed: with --snapshot, act runs reads (get, describe, list, logs) or previews (--dry-run, --suggest-only)",
                "drop --snapshot to act on the current context",
            ),
            S::Target { message, hint } => Error::Usage {
                message,
                hints: hint.into_iter().collect(),
            },
            S::Translate(m) => Error::usage(m),
            e @ (S::AlreadyExecuted { .. } | S::WrongContext { .. } | S::EmptyRequest { .. }) => {
                Error::usage(e.to_string())
            }
            S::AuditRead { path, source } => Error::io("read", path, source),
        }
    }
}

/// A workflow run's errors at the edge: a step that cannot run as written is a usage error.
impl From<crate::workflow::run::Error> for Error {
    fn from(e: crate::workflow::run::Error) -> Self {
        use crate::workflow::run::Error as W;
        match e {
            e @ W::Step { .. } => Error::usage(e.to_string()),
            W::Session(s) => s.into(),
            W::Cluster(c) => c.into(),
            W::Io(io) => io.into(),
        }
    }
}

/// The documented exit code of an engine error. Engines know nothing of exit codes; this is
/// the one place they are assigned.
pub trait ExitCode {
    fn exit_code(&self) -> u8;
}

impl ExitCode for crate::manifest::Error {
    fn exit_code(&self) -> u8 {
        use crate::manifest::Error as E;
        match self {
            // A file the user named that is not there is a usage error; a read that fails
            // is an I/O error.
            // …and so is one that is not text (not UTF-8): the input is wrong, not the disk.
            E::Read { source, .. }
                if matches!(
                    source.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidData
                ) =>
            {
                EXIT_USAGE
            }
            E::Read { .. } => EXIT_IO,
            _ => EXIT_USAGE,
        }
    }
}

/// 2 when the provider is not configured (the user's settings); 5 for everything the model or
/// its endpoint did.
/// 2 for what the user asked (a source or version that is not there), 6 for what the network
/// or a file did.
impl ExitCode for crate::upgrades::Error {
    fn exit_code(&self) -> u8 {
        match self {
            crate::upgrades::Error::Source { .. }
            | crate::upgrades::Error::Skipped { .. }
            | crate::upgrades::Error::ChartNotInRepo { .. }
            | crate::upgrades::Error::MissingVersion { .. } => EXIT_USAGE,
            crate::upgrades::Error::Unreachable { .. }
            | crate::upgrades::Error::Http { .. }
            | crate::upgrades::Error::MalformedIndex { .. }
            | crate::upgrades::Error::MalformedChart { .. }
            | crate::upgrades::Error::Client(_)
            | crate::upgrades::Error::Edit { .. } => EXIT_IO,
        }
    }
}

impl ExitCode for crate::llm::Error {
    fn exit_code(&self) -> u8 {
        match self {
            crate::llm::Error::Config(_) => EXIT_USAGE,
            _ => EXIT_LLM,
        }
    }
}

impl ExitCode for crate::generate::Error {
    fn exit_code(&self) -> u8 {
        use crate::generate::Error as E;
        match self {
            E::Input(_) | E::SecretsInInstructions { .. } => EXIT_USAGE,
            E::NotUnderstood(_) | E::NothingRendered(_) | E::Rejected(_) => EXIT_LLM,
            E::Llm(e) => e.exit_code(),
            E::StaleLock(_) => EXIT_USAGE,
            E::AfterCall { inner, .. } => inner.exit_code(),
        }
    }
}

/// 4 for a cluster that cannot be reached or used; 2 for a bad `--snapshot` or a command that
/// needs a live cluster (both are the user's input).
impl ExitCode for crate::cluster::Error {
    fn exit_code(&self) -> u8 {
        match self {
            crate::cluster::Error::Snapshot { .. } | crate::cluster::Error::NeedsLive { .. } => {
                EXIT_USAGE
            }
            crate::cluster::Error::NothingRead { users_input, .. } if *users_input => EXIT_USAGE,
            _ => EXIT_CLUSTER,
        }
    }
}

impl From<crate::audit::Error> for Error {
    fn from(e: crate::audit::Error) -> Self {
        match e {
            crate::audit::Error::Write { path, source } => Error::Audit { path, source },
        }
    }
}

impl From<crate::gate::Error> for Error {
    fn from(e: crate::gate::Error) -> Self {
        match e {
            crate::gate::Error::Audit(a) => a.into(),
            crate::gate::Error::Cluster(c) => c.into(),
            ref e @ crate::gate::Error::OutcomeNotRecorded { ref path, .. } => {
                let dir = path.parent().unwrap_or(path).display().to_string();
                Error::AuditOutcome {
                    message: e.to_string(),
                    hints: vec![
                        "do not run it again: the change was sent to the cluster; check its state first".into(),
                        format!("check that {dir} is writable (the outcome is missing from the log)"),
                    ],
                }
            }
        }
    }
}
