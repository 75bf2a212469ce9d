//! Finding the kubeconfig exactly as kubectl does, from values the CLI passes in.
//!
//! Order (kubectl's `ClientConfigLoadingRules`): `--kubeconfig` wins and must exist; else every
//! path in `KUBECONFIG`, merged in order with first-wins semantics (missing files skipped);
//! else `~/.kube/config`; else in-cluster when `KUBERNETES_SERVICE_HOST` is set. Nothing here
//! reads the environment: the raw `KUBECONFIG` value and `HOME` arrive in [`ConnectOptions`].

use std::path::PathBuf;

use kube::config::Kubeconfig;

use super::Error;

/// What the CLI knows about where to connect.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// `--kubeconfig FILE`.
    pub kubeconfig: Option<PathBuf>,
    /// The raw `KUBECONFIG` value (a `:`-separated list on Unix).
    pub kubeconfig_env: Option<String>,
    /// `--context NAME`.
    pub context: Option<String>,
    /// `-n NS`; default: the context's namespace, else `default`.
    pub namespace: Option<String>,
    /// `HOME`, for `~/.kube/config`.
    pub home: Option<PathBuf>,
    /// True when `KUBERNETES_SERVICE_HOST` is set (running in a pod).
    pub in_cluster_env: bool,
    /// `--request-timeout`: the most one API call may take, retries included. `None`: the
    /// default ([`DEFAULT_REQUEST_TIMEOUT`]); zero: no limit (kubectl's `0`).
    pub request_timeout: Option<std::time::Duration>,
}

/// The bound on one API call when `--request-timeout` is not given. kubectl has none; ours
/// keeps a hung aggregated API (metrics-server down) from holding a command for minutes.
pub const DEFAULT_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The bound one API call gets from `--request-timeout`: the default when unset, `None` (no
/// limit) for `0`, like kubectl.
pub fn effective_request_timeout(flag: Option<std::time::Duration>) -> Option<std::time::Duration> {
    match flag {
        None => Some(DEFAULT_REQUEST_TIMEOUT),
        Some(d) if d.is_zero() => None,
        Some(d) => Some(d),
    }
}

/// Parses a `--request-timeout` value like kubectl: `0` (no limit), a number of seconds, or
/// a number with a unit (`500ms`, `30s`, `2m`, `1h`).
pub fn parse_request_timeout(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: f64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (examples: 0, 30, 30s, 500ms, 2m)"))?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{s}`: unknown unit `{unit}` (use ms, s, m or h)")),
    };
    std::time::Duration::try_from_secs_f64(secs).map_err(|e| format!("`{s}`: {e}"))
}

/// Where the configuration came from.
#[derive(Debug, Clone)]
pub enum Source {
    /// One or more kubeconfig files, merged; `description` names them for messages.
    Files {
        kubeconfig: Box<Kubeconfig>,
        description: String,
    },
    /// The pod's service account.
    InCluster,
}

impl Source {
    /// The kubeconfig path(s) for messages, or `in-cluster`.
    pub fn description(&self) -> String {
        match self {
            Source::Files { description, .. } => description.clone(),
            Source::InCluster => "in-cluster service account".into(),
        }
    }
}

/// The `KUBECONFIG` list, split like kubectl (`:` on Unix, `;` on Windows), empties dropped.
pub fn split_env(value: &str) -> Vec<PathBuf> {
    let sep = if cfg!(windows) { ';' } else { ':' };
    value
        .split(sep)
        .filter(|s| !s.is_empty())
        .map(PathBuf::from)
        .collect()
}

/// Resolves the kubeconfig source. Errors name every path that was tried.
pub fn resolve(opts: &ConnectOptions) -> Result<Source, Error> {
    if let Some(p) = &opts.kubeconfig {
        let kc = Kubeconfig::read_from(p).map_err(|e| Error::Kubeconfig {
            source_desc: p.display().to_string(),
            message: error_chain(&e),
        })?;
        return Ok(Source::Files {
            kubeconfig: Box::new(kc),
            description: p.display().to_string(),
        });
    }
    let (paths, from_env) = match opts.kubeconfig_env.as_deref().map(split_env) {
        Some(paths) if !paths.is_empty() => (paths, true),
        _ => (
            opts.home
                .iter()
                .map(|h| h.join(".kube").join("config"))
                .collect(),
            false,
        ),
    };
    let existing: Vec<&PathBuf> = paths.iter().filter(|p| p.exists()).collect();
    let tried = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(":");
    if existing.is_empty() {
        if opts.in_cluster_env {
            return Ok(Source::InCluster);
        }
        return Err(Error::NoKubeconfig {
            source_desc: if tried.is_empty() {
                "(no HOME and no KUBECONFIG)".into()
            } else {
                tried
            },
            message: if from_env {
                "none of the files in KUBECONFIG exist".into()
            } else {
                "file not found".into()
            },
        });
    }
    let mut merged = Kubeconfig::default();
    for p in &existing {
        let kc = Kubeconfig::read_from(p).map_err(|e| Error::Kubeconfig {
            source_desc: p.display().to_string(),
            message: error_chain(&e),
        })?;
        // First wins for clusters, users, contexts and current-context, as kubectl merges.
        merged = merged.merge(kc).map_err(|e| Error::Kubeconfig {
            source_desc: p.display().to_string(),
            message: error_chain(&e),
        })?;
    }
    Ok(Source::Files {
        kubeconfig: Box::new(merged),
        description: existing
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(":"),
    })
}

/// An error and its sources as one line, without repeating a message its wrapper already shows.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let m = s.to_string();
        if !out.contains(&m) {
            out.push_str(": ");
            out.push_str(&m);
        }
        cur = s.source();
    }
    out
}

/// The context a run would use, read from the kubeconfig without connecting: `--context`,
/// else the merged `current-context`; `None` when no kubeconfig resolves.
pub fn context_name(opts: &ConnectOptions) -> Option<String> {
    if let Some(c) = &opts.context {
        return Some(c.clone());
    }
    match resolve(opts).ok()? {
        Source::Files { kubeconfig, .. } => kubeconfig.current_context.clone(),
        Source::InCluster => Some("in-cluster".into()),
    }
}

/// The namespace a run would default to, read without connecting: the selected context's
/// `namespace`, else `default` (what kubectl does).
pub fn context_namespace(opts: &ConnectOptions) -> String {
    if let Some(ns) = &opts.namespace {
        return ns.clone();
    }
    let name = context_name(opts);
    let from_file = match resolve(opts).ok() {
        Some(Source::Files { kubeconfig, .. }) => kubeconfig
            .contexts
            .iter()
            .find(|c| Some(&c.name) == name.as_ref())
            .and_then(|c| c.context.as_ref()?.namespace.clone()),
        _ => None,
    };
    from_file.unwrap_or_else(|| "default".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &std::path::Path, name: &str, ctx: &str, server: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(
            &p,
            format!(
                "apiVersion: v1\nkind: Config\ncurrent-context: {ctx}\nclusters:\n- name: {ctx}\n  cluster: {{server: \"{server}\"}}\ncontexts:\n- name: {ctx}\n  context: {{cluster: {ctx}, user: {ctx}, namespace: ns-{ctx}}}\nusers:\n- name: {ctx}\n  user: {{token: t}}\n"
            ),
        )
        .unwrap();
        p
    }

    #[test]
    fn env_list_merges_first_wins_and_skips_missing() {
        let d = tempfile::tempdir().unwrap();
        let a = write(d.path(), "a", "one", "http://127.0.0.1:1");
        let b = write(d.path(), "b", "two", "http://127.0.0.1:2");
        let missing = d.path().join("missing");
        let env = format!("{}:{}:{}", missing.display(), a.display(), b.display());
        let src = resolve(&ConnectOptions {
            kubeconfig_env: Some(env),
            ..Default::default()
        })
        .unwrap();
        let Source::Files {
            kubeconfig,
            description,
        } = src
        else {
            panic!("files expected")
        };
        assert_eq!(kubeconfig.current_context.as_deref(), Some("one"));
        assert_eq!(kubeconfig.contexts.len(), 2);
        assert!(!description.contains("missing"));
    }

    #[test]
    fn explicit_flag_wins_and_must_exist() {
        let d = tempfile::tempdir().unwrap();
        let err = resolve(&ConnectOptions {
            kubeconfig: Some(d.path().join("nope")),
            kubeconfig_env: Some(
                write(d.path(), "a", "one", "http://x")
                    .display()
                    .to_string(),
            ),
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }

    #[test]
    fn falls_back_to_home_then_in_cluster() {
        let d = tempfile::tempdir().unwrap();
        let src = resolve(&ConnectOptions {
            home: Some(d.path().to_path_buf()),
            in_cluster_env: true,
            ..Default::default()
        })
        .unwrap();
        assert!(matches!(src, Source::InCluster));
        let err = resolve(&ConnectOptions {
            home: Some(d.path().to_path_buf()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains(".kube/config"), "{err}");
    }

    #[test]
    fn request_timeouts_parse_like_kubectl() {
        use std::time::Duration;
        assert_eq!(parse_request_timeout("0").unwrap(), Duration::ZERO);
        assert_eq!(
            parse_request_timeout("30").unwrap(),
            Duration::from_secs(30)
        );
        assert_eq!(
            parse_request_timeout("500ms").unwrap(),
            Duration::from_millis(500)
        );
        assert_eq!(
            parse_request_timeout("2m").unwrap(),
            Duration::from_secs(120)
        );
        assert!(parse_request_timeout("soon").is_err());
        assert!(parse_request_timeout("5d").is_err());
        assert!(parse_request_timeout("-1").is_err());
    }
}
