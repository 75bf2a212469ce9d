//! `kubectl claude install links`: create the other names of the multi-call binary.
//!
//! krew installs one `bin`; kubectl completion, the ArgoCD CMP and Flux need the other names.
//! Flux ≥ 2.9 looks for plugins only in `~/.fluxcd/plugins/` or `$FLUXCD_PLUGINS`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::{Error, Result};

/// Install the other names of this binary (completion, ArgoCD CMP, Flux plugin)
///
/// Examples:
///   kubectl claude install links                  # next to this binary, and Flux's plugin dir
///   kubectl claude install links --dir ~/.local/bin --no-flux
///   kubectl claude install links --copy --dir /usr/local/bin
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct InstallArgs {
    #[command(subcommand)]
    pub what: InstallWhat,
}

#[derive(Debug, Subcommand)]
pub enum InstallWhat {
    /// Create kubectl_complete-claude, argocd-cmp-claude and flux-claude links
    Links(LinksArgs),
}

#[derive(Debug, Args)]
pub struct LinksArgs {
    /// Directory for kubectl_complete-claude and argocd-cmp-claude (default: this binary's directory)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Directory for flux-claude (default: $FLUXCD_PLUGINS or ~/.fluxcd/plugins)
    #[arg(long, value_name = "DIR")]
    pub flux_dir: Option<PathBuf>,
    /// Do not install the Flux plugin link
    #[arg(long)]
    pub no_flux: bool,
    /// Copy the binary instead of symlinking (for filesystems without symlinks)
    #[arg(long)]
    pub copy: bool,
}

/// What happened to one link.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkOutcome {
    Created,
    AlreadyPresent,
    Replaced,
}

pub async fn run(ctx: &Ctx, args: &InstallArgs) -> Result<u8> {
    let InstallWhat::Links(a) = &args.what;
    // argv[0] as invoked (kubectl passes the full PATH location); fall back to current_exe.
    let exe = std::env::current_exe().map_err(|e| Error::io("locate", "this binary", e))?;
    let dir = match &a.dir {
        Some(d) => d.clone(),
        None => exe.parent().map(Path::to_path_buf).ok_or_else(|| {
            Error::usage("cannot tell which directory this binary is in; pass --dir")
        })?,
    };
    let mut plan: Vec<(PathBuf, &str)> = vec![
        (dir.join("kubectl_complete-claude"), "kubectl completion"),
        (dir.join("argocd-cmp-claude"), "ArgoCD CMP"),
    ];
    if !a.no_flux {
        let flux_dir = a
            .flux_dir
            .clone()
            .or_else(|| ctx.env.path("FLUXCD_PLUGINS"))
            .or_else(|| ctx.env.path("HOME").map(|h| h.join(".fluxcd/plugins")))
            .ok_or_else(|| {
                Error::usage("cannot find the Flux plugin directory; pass --flux-dir")
            })?;
        plan.push((flux_dir.join("flux-claude"), "Flux plugin"));
    }
    for (link, what) in plan {
        let outcome = install_link(&exe, &link, a.copy)?;
        let verb = match outcome {
            LinkOutcome::Created => "created",
            LinkOutcome::AlreadyPresent => "already present",
            LinkOutcome::Replaced => "replaced",
        };
        ctx.ui
            .out(&format!("{verb}: {} ({what})\n", link.display()))?;
    }
    Ok(0)
}

/// Creates `link` pointing at `target`, idempotently.
pub fn install_link(target: &Path, link: &Path, copy: bool) -> Result<LinkOutcome> {
    if let Some(parent) = link.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
    }
    let existed = std::fs::symlink_metadata(link).is_ok();
    if existed {
        if !copy
            && let Ok(cur) = std::fs::read_link(link)
            && same_file(&cur, target)
        {
            return Ok(LinkOutcome::AlreadyPresent);
        }
        if copy && files_equal(link, target) {
            return Ok(LinkOutcome::AlreadyPresent);
        }
    }
    // Build next to the destination and rename over it, so a half-made link never exists.
    let tmp = link.with_extension("kcl-tmp");
    let _ = std::fs::remove_file(&tmp);
    if copy {
        std::fs::copy(target, &tmp).map_err(|e| Error::io("copy the binary to", &tmp, e))?;
    } else {
        symlink(target, &tmp).map_err(|e| Error::io("create the link", &tmp, e))?;
    }
    std::fs::rename(&tmp, link).map_err(|e| Error::io("install", link, e))?;
    Ok(if existed {
        LinkOutcome::Replaced
    } else {
        LinkOutcome::Created
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
}

fn files_equal(a: &Path, b: &Path) -> bool {
    match (std::fs::read(a), std::fs::read(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::fs::copy(target, link).map(|_| ())
}
