//! The binary's four names. Dispatch is on `basename(argv[0])`, not `current_exe()`, which
//! would resolve krew's symlink to the store path and lose the name the user invoked.

use std::ffi::OsStr;
use std::path::Path;

/// Which personality the binary runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persona {
    /// `kubectl-claude` (and any unknown name): the full CLI.
    Kubectl,
    /// `kubectl_complete-claude`: kubectl's plugin completion protocol.
    KubectlComplete,
    /// `argocd-cmp-claude`: the ArgoCD Config Management Plugin commands.
    ArgoCmp,
    /// `flux-claude`: Flux-first defaults; answers `__complete`.
    Flux,
}

/// The file names `install links` creates, with their persona.
pub const LINK_NAMES: &[(&str, Persona)] = &[
    ("kubectl_complete-claude", Persona::KubectlComplete),
    ("argocd-cmp-claude", Persona::ArgoCmp),
    ("flux-claude", Persona::Flux),
];

impl Persona {
    /// Picks the persona from argv[0]. Prefix matching tolerates `.exe`, `name(2)` and
    /// versioned copies (the rustup-init convention).
    pub fn from_argv0(argv0: Option<&OsStr>) -> Self {
        let name = argv0
            .and_then(|a| Path::new(a).file_name())
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.starts_with("kubectl_complete-claude") {
            Persona::KubectlComplete
        } else if name.starts_with("argocd-cmp-claude") {
            Persona::ArgoCmp
        } else if name.starts_with("flux-claude") {
            Persona::Flux
        } else {
            Persona::Kubectl
        }
    }

    /// How the user types the command, for help and messages.
    pub fn invocation(self) -> &'static str {
        match self {
            Persona::Kubectl | Persona::KubectlComplete => "kubectl claude",
            Persona::ArgoCmp => "argocd-cmp-claude",
            Persona::Flux => "flux claude",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let p = |s: &str| Persona::from_argv0(Some(OsStr::new(s)));
        assert_eq!(p("/home/u/.krew/bin/kubectl-claude"), Persona::Kubectl);
        assert_eq!(p("kubectl_complete-claude"), Persona::KubectlComplete);
        assert_eq!(p("/usr/local/bin/argocd-cmp-claude"), Persona::ArgoCmp);
        assert_eq!(p("flux-claude.exe"), Persona::Flux);
        assert_eq!(p("something-else"), Persona::Kubectl);
        assert_eq!(Persona::from_argv0(None), Persona::Kubectl);
    }
}
