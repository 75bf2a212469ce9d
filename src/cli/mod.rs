//! The command line: one clap root per persona, a flat dispatch, and the error edge.
//!
//! Every subcommand lives in its own file with `pub struct <Verb>Args` and
//! `pub async fn run(ctx: &Ctx, args: &<Verb>Args) -> Result<u8>`.

pub mod act;
pub mod approvals;
pub mod audit;
pub mod cluster_view;
pub mod cmp;
pub mod completers;
pub mod completion;
pub mod config;
pub mod ctx;
pub mod dashboard;
pub mod diagnose;
pub mod diff;
pub mod fix;
pub mod flags;
pub mod gate_ui;
pub mod gather;
pub mod generate;
pub mod install;
pub mod instructions;
pub mod launch;
pub mod lint;
pub mod mcp;
pub mod model;
pub mod serve;
pub mod snapshot;
pub mod status;
pub mod targetapp;
pub mod upgrades;
pub mod usage;
pub mod version;
pub mod workflow;

use std::ffi::OsString;

use clap::{Args, FromArgMatches, Parser, Subcommand};

pub use cluster_view::cluster_view;
pub use ctx::{Ctx, Env};

use crate::error::{EXIT_OK, EXIT_USAGE, Error, Result};
use crate::persona::Persona;

/// Exit codes, shown in `--help` and the README.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  ok
  1  something to report (diff differs, findings at or above --fail-on, lint errors)
  2  usage error (flags, arguments, input files, config)
  3  action refused (forbidden, declined, or confirmation needed without a terminal)
  4  cluster unreachable or authentication failed
  5  LLM error or unusable model output
  6  I/O or audit-log failure";

/// Flags every command accepts, with kubectl's names and meaning.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<std::path::PathBuf>,
    /// The name of the kubeconfig context to use
    #[arg(long, global = true, value_name = "NAME",
          add = clap_complete::engine::ArgValueCompleter::new(completers::complete_contexts))]
    pub context: Option<String>,
    /// The namespace scope for this request
    #[arg(short = 'n', long, global = true, value_name = "NS",
          add = clap_complete::engine::ArgValueCompleter::new(completers::complete_namespaces))]
    pub namespace: Option<String>,
    /// Work across all namespaces
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Output format: table, json or yaml (snapshot: the output directory)
    #[arg(short = 'o', long, global = true, value_name = "FORMAT")]
    pub output: Option<String>,
    /// Read cluster state from a snapshot directory instead of a live cluster (read-only commands)
    #[arg(long, global = true, value_name = "DIR")]
    pub snapshot: Option<std::path::PathBuf>,
    /// Config file (default: ~/.config/kubectl-claude/config.yaml)
    #[arg(long = "config", global = true, value_name = "FILE")]
    pub config_file: Option<std::path::PathBuf>,
    /// Print only data and errors
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
    /// The longest one API request may take, retries included (0: no limit; default 30s)
    #[arg(long, global = true, value_name = "DURATION",
          value_parser = crate::cluster::kubeconfig::parse_request_timeout)]
    pub request_timeout: Option<std::time::Duration>,
}

/// Generate, diff, diagnose and fix Kubernetes with GitOps in mind
///
/// Generates manifests from natural-language instructions (Claude, an OpenAI-compatible
/// endpoint, or the offline generator that needs no network), lints them against house
/// conventions, diffs them against live state, diagnoses Flux, ArgoCD, ARC and everyday
/// failures by root cause, and runs fixes through a tiered autonomy gate.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-claude",
    bin_name = "kubectl claude",
    version,
    after_help = EXIT_CODES_HELP,
    after_long_help = concat!("Examples:\n",
        "  kubectl claude generate \"Deploy nginx with 2 replicas and a LoadBalancer service\"\n",
        "  kubectl claude generate -f examples/fastapi/claudernetes.yaml --write out/\n",
        "  kubectl claude lint -f clusters/\n",
        "  kubectl claude diagnose --snapshot examples/snapshots/flux-git-auth\n",
        "  kubectl claude version\n\n",
        "Exit codes:\n",
        "  0 ok · 1 something to report · 2 usage · 3 refused · 4 cluster · 5 LLM · 6 I/O or audit"),
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    Generate(generate::GenerateArgs),
    Lint(lint::LintArgs),
    Diff(diff::DiffArgs),
    Diagnose(diagnose::DiagnoseArgs),
    Status(status::StatusArgs),
    Act(act::ActArgs),
    Fix(fix::FixArgs),
    Audit(audit::AuditArgs),
    Workflow(workflow::WorkflowArgs),
    Upgrades(upgrades::UpgradesArgs),
    Serve(serve::ServeArgs),
    Approvals(approvals::ApprovalsArgs),
    Dashboard(dashboard::DashboardArgs),
    #[command(name = "targetapp")]
    TargetApp(targetapp::TargetAppArgs),
    Snapshot(snapshot::SnapshotArgs),
    Usage(usage::UsageArgs),
    Config(config::ConfigArgs),
    Version(version::VersionArgs),
    Completion(completion::CompletionArgs),
    Install(install::InstallArgs),
    Mcp(mcp::McpArgs),
}

/// Runs the binary as `persona` and returns the process exit code. The only place errors are
/// rendered.
pub fn main(persona: Persona, args: Vec<OsString>) -> u8 {
    let env = Env::capture();
    match persona {
        Persona::KubectlComplete => return completion::kubectl_protocol(&args, &env),
        Persona::Flux
            if args
                .get(1)
                .is_some_and(|a| a == "__complete" || a == "__completeNoDesc") =>
        {
            return completion::flux_protocol(&args, &env);
        }
        _ => {}
    }
    let ui_for_errors = crate::ui::Ui::detect(env.no_color(), false);
    let result = match persona {
        Persona::ArgoCmp => cmp::main(&args, &env),
        _ => run_cli(persona, args, env),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => EXIT_OK,
        Err(e) => {
            render_error(&ui_for_errors, &e);
            e.exit_code()
        }
    }
}

/// Prints `error: …`, each `caused by: …` and each `hint: …` on stderr.
pub fn render_error(ui: &crate::ui::Ui, e: &Error) {
    render_error_with(ui, e, &e.hints());
}

/// [`render_error`] with the hints for the command that failed.
fn render_error_with(ui: &crate::ui::Ui, e: &Error, hints: &[String]) {
    ui.error_line("error:", &e.to_string());
    let mut src = std::error::Error::source(e);
    // Transparent wrappers repeat their inner message; skip exact repeats.
    let mut last = e.to_string();
    while let Some(s) = src {
        let msg = s.to_string();
        if msg != last && !last.ends_with(&msg) {
            eprintln!("caused by: {msg}");
        }
        last = msg;
        src = s.source();
    }
    for h in hints {
        ui.hint(h);
    }
}

/// The clap command for a persona (help text names the way users type it).
pub fn command_for(persona: Persona) -> clap::Command {
    let cmd = <Cli as clap::CommandFactory>::command();
    match persona {
        Persona::Flux => cmd.bin_name("flux claude").name("flux-claude"),
        _ => cmd,
    }
}

fn run_cli(persona: Persona, args: Vec<OsString>, env: Env) -> Result<u8> {
    let matches = match command_for(persona).try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            // --help and --version print to stdout and succeed; real usage errors exit 2.
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return Ok(code);
        }
    };
    let cli = Cli::from_arg_matches(&matches).map_err(|e| Error::usage(e.to_string()))?;
    let ctx = Ctx::new(persona, cli.global.clone(), env)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the async runtime", "<runtime>", e))?;
    match rt.block_on(dispatch(&ctx, &cli.command)) {
        Err(e) if !e.is_broken_pipe() => {
            let mut hints = e.hints();
            // `diagnose --explain` takes no `--provider offline`: the diagnosis needs no model.
            if matches!(cli.command, Command::Diagnose(_)) {
                for h in &mut hints {
                    *h = h.replace(
                        "or use --provider offline",
                        "or drop --explain (the diagnosis itself needs no model)",
                    );
                }
            }
            // No cluster: say how this command works without one, if it can.
            hints.extend(offline_hint(&cli.command, &e).map(str::to_string));
            render_error_with(&ctx.ui, &e, &hints);
            Ok(e.exit_code())
        }
        other => other,
    }
}

/// For a command that found no cluster, the way it works without one — only what exists for
/// that command (`diff` has no `--snapshot`; `act` and `fix` read one only for previews).
fn offline_hint(command: &Command, e: &Error) -> Option<&'static str> {
    use crate::cluster::Error as C;
    if !matches!(
        e,
        Error::Cluster(C::Kubeconfig { .. } | C::NoKubeconfig { .. } | C::Unreachable { .. })
    ) {
        return None;
    }
    Some(match command {
        Command::Diagnose(_) | Command::Status(_) => {
            "or work offline with --snapshot DIR (a `kubectl claude snapshot` directory or a `kubectl cluster-info dump` tree; try examples/snapshots/homelab-mixed)"
        }
        Command::Fix(_) => {
            "or preview fixes offline: --snapshot DIR with --dry-run or --suggest-only"
        }
        Command::Workflow(_) => "or run it on --snapshot DIR (actions are then previewed only)",
        Command::Act(_) => {
            "or, for reads (get, describe, list, logs) and --dry-run / --suggest-only previews, --snapshot DIR"
        }
        Command::Diff(_) => {
            "diff needs a live cluster; to check manifests offline use `kubectl claude lint -f FILE`"
        }
        _ => return None,
    })
}

async fn dispatch(ctx: &Ctx, command: &Command) -> Result<u8> {
    match command {
        Command::Generate(a) => generate::run(ctx, a).await,
        Command::Lint(a) => lint::run(ctx, a).await,
        Command::Usage(a) => usage::run(ctx, a).await,
        Command::Diagnose(a) => diagnose::run(ctx, a).await,
        Command::Status(a) => status::run(ctx, a).await,
        Command::Act(a) => act::run(ctx, a).await,
        Command::Fix(a) => fix::run(ctx, a).await,
        Command::Audit(a) => audit::run(ctx, a).await,
        Command::Workflow(a) => workflow::run(ctx, a).await,
        Command::Upgrades(a) => upgrades::run(ctx, a).await,
        Command::Serve(a) => serve::run(ctx, a).await,
        Command::Approvals(a) => approvals::run(ctx, a).await,
        Command::Dashboard(a) => dashboard::run(ctx, a).await,
        Command::TargetApp(a) => targetapp::run(ctx, a).await,
        Command::Config(a) => config::run(ctx, a).await,
        Command::Version(a) => version::run(ctx, a).await,
        Command::Completion(a) => completion::run(ctx, a).await,
        Command::Install(a) => install::run(ctx, a).await,
        Command::Diff(a) => diff::run(ctx, a).await,
        Command::Snapshot(a) => snapshot::run(ctx, a).await,
        Command::Mcp(a) => mcp::run(ctx, a).await,
    }
}
