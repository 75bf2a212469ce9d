//! The per-run context: resolved global flags, the captured environment, paths, config, UI.
//!
//! The environment is read exactly once, here, into [`Env`]; engines receive values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::GlobalArgs;
use crate::config::{Config, Paths};
use crate::error::{Error, Result};
use crate::persona::Persona;
use crate::ui::Ui;

/// The process environment, captured once.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    pub cwd: PathBuf,
}

impl Env {
    pub fn capture() -> Self {
        Self {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    /// An environment from explicit pairs (tests).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, cwd: &Path) -> Self {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            cwd: cwd.to_path_buf(),
        }
    }

    /// A variable's value; empty values count as unset.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A variable that may legitimately be empty (ArgoCD passes empty plugin env).
    pub fn get_raw(&self, key: &str) -> Option<&str> {
        self.vars.get(key).map(String::as_str)
    }

    /// All variables starting with `prefix`, sorted.
    pub fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.vars
            .range(prefix.to_string()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn no_color(&self) -> bool {
        self.get("NO_COLOR").is_some()
    }

    pub fn path(&self, key: &str) -> Option<PathBuf> {
        self.get(key).map(PathBuf::from)
    }

    pub fn paths(&self) -> Paths {
        Paths::from_env(
            self.path("HOME").as_deref(),
            self.path("XDG_CONFIG_HOME").as_deref(),
            self.path("XDG_CACHE_HOME").as_deref(),
            self.path("XDG_STATE_HOME").as_deref(),
        )
    }

    /// The current time, or the fixed clock `KCLAUDE_NOW` (RFC 3339) that tests set.
    pub fn now(&self) -> jiff::Timestamp {
        self.get("KCLAUDE_NOW")
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(jiff::Timestamp::now)
    }
}

/// Everything a command needs.
pub struct Ctx {
    pub persona: Persona,
    pub global: GlobalArgs,
    pub env: Env,
    pub paths: Paths,
    pub ui: Ui,
    config: OnceLock<Config>,
}

impl Ctx {
    pub fn new(persona: Persona, global: GlobalArgs, env: Env) -> Result<Self> {
        if global.all_namespaces && global.namespace.is_some() {
            return Err(Error::usage_hint(
                "--namespace and --all-namespaces cannot be used together",
                "drop one of them",
            ));
        }
        let ui = Ui::detect(env.no_color(), global.quiet);
        let paths = env.paths();
        let ctx = Self {
            persona,
            global,
            env,
            paths,
            ui,
            config: OnceLock::new(),
        };
        Ok(ctx)
    }

    /// A context for tests and embedded use.
    pub fn for_tests(global: GlobalArgs, env: Env) -> Self {
        Self {
            persona: Persona::Kubectl,
            paths: env.paths(),
            global,
            env,
            ui: Ui::plain(),
            config: OnceLock::new(),
        }
    }

    pub fn config_path(&self) -> PathBuf {
        self.global
            .config_file
            .clone()
            .unwrap_or_else(|| self.paths.config_file())
    }

    /// The config file, loaded on first use.
    pub fn config(&self) -> Result<&Config> {
        if let Some(c) = self.config.get() {
            return Ok(c);
        }
        let path = self.config_path();
        // A file named with --config must exist; only the default location may be absent.
        if let Some(explicit) = &self.global.config_file
            && !explicit.exists()
        {
            return Err(Error::usage(format!(
                "config file {} does not exist",
                explicit.display()
            )));
        }
        let c = Config::load(&path, self.env.path("HOME").as_deref())?;
        Ok(self.config.get_or_init(|| c))
    }

    /// The `-o` format, validated against the subset the command supports (in the order the
    /// error lists them).
    pub fn format(
        &self,
        allowed: &[super::flags::OutputFormat],
        default: super::flags::OutputFormat,
    ) -> Result<super::flags::OutputFormat> {
        let Some(o) = self.global.output.as_deref() else {
            return Ok(default);
        };
        allowed
            .iter()
            .copied()
            .find(|f| f.as_str() == o)
            .ok_or_else(|| {
                let names: Vec<&str> = allowed.iter().map(|f| f.as_str()).collect();
                Error::usage(format!(
                    "unsupported output format `{o}` (expected one of: {})",
                    names.join(", ")
                ))
            })
    }

    /// Reads all of stdin (for `-f -`).
    pub fn read_stdin(&self) -> std::io::Result<String> {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        Ok(s)
    }
}
