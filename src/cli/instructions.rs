//! Instructions for a generation: loading them (TEXT, -f FILE|DIR|-, ./claudernetes.yaml),
//! resolving parameters, namespace, provider and lock ([`prepare`]), and reporting the
//! offline generator's notes. Shared by `generate`, `diff` and the CMP.

use std::collections::BTreeMap;
use std::path::Path;

use super::Ctx;
use super::flags::InstructionFlags;
use super::model::{backend, resolve_provider_name};
use crate::error::{Error, Result};
use crate::generate::{self, Backend, Instructions, Outcome, cache, input, lock};
use crate::manifest::lint::{Level, LintOptions};

/// What [`prepare`] reads: a command's [`InstructionFlags`], or the same settings from a
/// front-end that receives them as text (an MCP tool call, an Application's parameters).
#[derive(Debug, Clone, Default)]
pub struct PrepareArgs {
    /// `--provider`, or a front-end's text parsed with [`super::model::parse_provider`].
    pub provider: Option<crate::llm::ProviderKind>,
    /// `--model`
    pub model: Option<String>,
    /// `--set KEY=VALUE`
    pub set: Vec<String>,
    /// The model call's deadline in seconds.
    pub timeout: Option<u64>,
    /// `--allowed-kinds` (empty: from the config).
    pub allowed_kinds: Vec<String>,
}

impl PrepareArgs {
    /// The settings a command's flags give; the rest (deadline, allowed kinds) is the caller's.
    pub fn from_flags(flags: &InstructionFlags) -> Self {
        Self {
            provider: flags.model.provider,
            model: flags.model.model.clone(),
            set: flags.set.clone(),
            ..Default::default()
        }
    }
}

/// Loads the instructions from the arguments.
pub fn load_instructions(
    ctx: &Ctx,
    text: Option<&str>,
    file: Option<&Path>,
) -> Result<Instructions> {
    match (text, file) {
        (Some(_), Some(_)) => Err(Error::usage(
            "give the instructions as TEXT or with -f, not both",
        )),
        (Some(t), None) => {
            if t.trim().is_empty() {
                return Err(Error::usage("the instructions are empty"));
            }
            Ok(Instructions::from_text(t, None))
        }
        (None, Some(p)) if p.as_os_str() == "-" => {
            let t = ctx
                .read_stdin()
                .map_err(|e| Error::io("read", "<stdin>", e))?;
            if t.trim().is_empty() {
                return Err(Error::usage("no instructions on stdin"));
            }
            // A claudernetes.yaml on stdin is parsed as such.
            if t.lines().any(|l| l.starts_with("instructions:")) {
                Ok(Instructions::from_yaml(&t, Path::new("<stdin>"))?)
            } else {
                Ok(Instructions::from_text(&t, None))
            }
        }
        (None, Some(p)) => {
            let p = if p.is_relative() {
                ctx.env.cwd.join(p)
            } else {
                p.to_path_buf()
            };
            Ok(Instructions::from_path(&p)?)
        }
        (None, None) => match input::find_in_dir(&ctx.env.cwd) {
            Some(f) => Ok(Instructions::from_path(&f)?),
            None => Err(Error::usage_hint(
                "no instructions: pass TEXT, -f FILE|DIR|-, or run where claudernetes.yaml is",
                "try: kubectl claude generate \"Deploy nginx with 2 replicas and a LoadBalancer service\"",
            )),
        },
    }
}

/// Everything resolved for one generation, shared by `generate`, `diff` and the CMP.
pub struct Prepared {
    pub instructions: Instructions,
    pub text: String,
    pub params: BTreeMap<String, String>,
    pub namespace: Option<String>,
    pub default_namespace: Option<String>,
    pub backend: Backend,
    pub lock: Option<lock::Lock>,
    pub lint: LintOptions,
    /// True when no flag, file, env or config chose the provider.
    pub provider_defaulted: bool,
}

impl Prepared {
    pub fn request<'a>(
        &'a self,
        cache: Option<&'a cache::Cache>,
        strict: bool,
        allow_secrets: bool,
        max_tokens: u32,
        now: &'a str,
        app: &'a str,
    ) -> generate::Request<'a> {
        generate::Request {
            instructions: &self.text,
            params: &self.params,
            namespace: self.namespace.as_deref(),
            default_namespace: self.default_namespace.as_deref(),
            app_name: app,
            backend: &self.backend,
            cache,
            lock: self.lock.as_ref(),
            allow_secrets,
            strict,
            max_tokens,
            lint: &self.lint,
            now,
        }
    }
}

/// Reads a lock next to the instructions, if there is one.
pub fn read_lock(instructions: &Instructions) -> Result<Option<lock::Lock>> {
    let Some(p) = instructions.lock_path() else {
        return Ok(None);
    };
    match std::fs::read_to_string(&p) {
        Ok(t) => lock::Lock::parse(&t)
            .map(Some)
            .map_err(|e| Error::usage(format!("{}: invalid lock: {e}", p.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", p, e)),
    }
}

/// Prints the offline generator's notes and lint findings on stderr.
pub fn report_notes(ctx: &Ctx, o: &Outcome) {
    for d in &o.defaults {
        ctx.ui.status(&format!("note: {d}"));
    }
    if !o.not_understood.is_empty() {
        ctx.ui.warn(&format!(
            "the offline generator did not understand {} requirement(s):",
            o.not_understood.len()
        ));
        for n in &o.not_understood {
            eprintln!("  - {n}");
        }
    }
    for i in o.issues.iter().filter(|i| i.level >= Level::Warning) {
        ctx.ui
            .warn(&format!("{}: {} [{}]", i.object, i.message, i.rule));
    }
}

/// Resolves parameters, namespace, provider and lock for a generation.
pub fn prepare(ctx: &Ctx, instructions: Instructions, args: &PrepareArgs) -> Result<Prepared> {
    let mut params = instructions.params.clone();
    let mut sets = input::parse_sets(&args.set)?;
    // A --set for a placeholder the instructions do not have changes nothing but the cache
    // key: a typo (`--set tga=v2`) must not pass silently.
    let placeholders = input::substitute(&instructions.text, &BTreeMap::new()).1;
    let unknown: Vec<&String> = sets.keys().filter(|k| !placeholders.contains(k)).collect();
    if !unknown.is_empty() {
        let names: Vec<&str> = unknown.iter().map(|k| k.as_str()).collect();
        let known = if placeholders.is_empty() {
            "the instructions have no {{ … }} placeholders".to_string()
        } else {
            format!("placeholders: {}", placeholders.join(", "))
        };
        let message = format!(
            "no {{{{ … }}}} placeholder for {} in the instructions ({known})",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if ctx.persona == crate::persona::Persona::ArgoCmp {
            // An Application's values are not ours to reject mid-sync: say it, render on.
            // A value no placeholder reads changes nothing, so it is left out of the key too:
            // otherwise no lock `generate --lock` can write (it refuses such a --set) matches.
            ctx.ui.warn(&format!("{message}; ignored"));
            sets.retain(|k, _| placeholders.contains(k));
        } else {
            return Err(Error::usage_hint(
                message,
                "check the spelling, or add the placeholder to the instructions",
            ));
        }
    }
    params.extend(sets);
    let (text, missing) = input::substitute(&instructions.text, &params);
    for m in missing {
        ctx.ui.warn(&format!(
            "no value for `{{{{ {m} }}}}`; pass --set {m}=VALUE"
        ));
    }
    let namespace = ctx
        .global
        .namespace
        .clone()
        .or_else(|| instructions.namespace.clone());
    let provider = resolve_provider_name(ctx, args.provider, instructions.provider.as_deref())?;
    let provider_defaulted = args.provider.is_none()
        && instructions.provider.is_none()
        && ctx.env.get("KCLAUDE_PROVIDER").is_none()
        && ctx.config()?.provider.is_none();
    let model = args.model.as_deref().or(instructions.model.as_deref());
    let backend = backend(ctx, &provider, model, args.timeout)?;
    let lock = read_lock(&instructions)?;
    let mut allowed = args.allowed_kinds.clone();
    if allowed.is_empty() {
        allowed = ctx.config()?.allowed_kinds.clone();
    }
    Ok(Prepared {
        instructions,
        text,
        params,
        namespace,
        default_namespace: None,
        backend,
        lock,
        lint: LintOptions {
            allowed_kinds: allowed,
        },
        provider_defaulted,
    })
}
