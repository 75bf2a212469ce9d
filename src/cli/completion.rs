//! Shell completion: static scripts (`completion bash|zsh|fish|powershell`), kubectl's plugin
//! protocol (`kubectl_complete-claude ARGS… WORD`) and Flux's (`flux-claude __complete …`).
//!
//! Both protocols print one candidate per line (`value<TAB>description`) and end with
//! `:<directive>` (cobra: 0 default, 4 no file completion).

use std::ffi::OsString;

use clap::{Args, ValueEnum};

use super::{Ctx, Env};
use crate::error::Result;
use crate::persona::Persona;

/// Print a shell completion script
///
/// For `kubectl claude <TAB>` (kubectl ≥ 1.26) install the `kubectl_complete-claude` link
/// instead: `kubectl claude install links`.
///
/// Examples:
///   kubectl claude completion bash > ~/.local/share/bash-completion/completions/kubectl-claude
///   kubectl claude completion zsh > "${fpath[1]}/_kubectl-claude"
///   kubectl claude completion fish > ~/.config/fish/completions/kubectl-claude.fish
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CompletionArgs {
    /// The shell
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// The static script for a shell, for the `kubectl-claude` binary name.
pub fn script(shell: Shell) -> String {
    let mut cmd = super::command_for(Persona::Kubectl).bin_name("kubectl-claude");
    let mut buf = Vec::new();
    let gen_shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    clap_complete::generate(gen_shell, &mut cmd, "kubectl-claude", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

pub async fn run(ctx: &Ctx, args: &CompletionArgs) -> Result<u8> {
    ctx.ui.out(&script(args.shell))?;
    Ok(0)
}

/// kubectl's protocol: argv = [name, args…, word being completed].
pub fn kubectl_protocol(args: &[OsString], env: &Env) -> u8 {
    print_candidates(Persona::Kubectl, &args[1.min(args.len())..], env);
    0
}

/// Flux's protocol: argv = [name, "__complete", args…, word].
pub fn flux_protocol(args: &[OsString], env: &Env) -> u8 {
    print_candidates(Persona::Flux, &args[2.min(args.len())..], env);
    0
}

fn print_candidates(persona: Persona, words: &[OsString], env: &Env) {
    let mut cmd = super::command_for(persona);
    let mut full = vec![OsString::from("kubectl-claude")];
    full.extend(words.iter().cloned());
    if words.is_empty() {
        full.push(OsString::new());
    }
    let index = full.len() - 1;
    let cands =
        clap_complete::engine::complete(&mut cmd, full, index, Some(&env.cwd)).unwrap_or_default();
    let mut out = String::new();
    for c in &cands {
        if c.is_hide_set() {
            continue;
        }
        out.push_str(&c.get_value().to_string_lossy());
        if let Some(h) = c.get_help() {
            let h = h.to_string();
            let first = h.lines().next().unwrap_or("");
            if !first.is_empty() {
                out.push('\t');
                out.push_str(first);
            }
        }
        out.push('\n');
    }
    // No candidates: let the shell complete file names (e.g. after -f).
    out.push_str(if cands.is_empty() { ":0\n" } else { ":4\n" });
    print!("{out}");
}
