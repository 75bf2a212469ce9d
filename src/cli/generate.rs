//! `kubectl claude generate`: natural-language instructions to validated, linted manifests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use serde_json::{Value, json};

use super::Ctx;
use crate::error::{Error, Result};
use crate::generate::layout::{Layout, LayoutOptions};
use crate::generate::{self, Backend, Instructions, Outcome, cache, input, lock};
use crate::llm::{self, HttpSettings, Provider, anthropic, openai};
use crate::manifest::lint::{Level, LintOptions};

/// Generate Kubernetes manifests from natural-language instructions
///
/// Reads instructions from TEXT, from -f FILE (claudernetes.yaml with `instructions:`,
/// claudernetes.md, or any text file), from a directory holding one of those, from stdin
/// (-f -), or from ./claudernetes.yaml. Without an API key the offline generator is used (no
/// network); it lists every requirement it did not understand. Output is validated and
/// linted; nothing is printed when generation fails. Results are cached: the same input never
/// calls a model twice.
///
/// Examples:
///   kubectl claude generate "Deploy nginx with 2 replicas and a LoadBalancer service"
///   kubectl claude generate -f examples/fastapi/claudernetes.yaml -n web
///   kubectl claude generate -f app/ --lock                 # write app/claudernetes.lock.yaml
///   kubectl claude generate -f app/ --write out/ --layout flux
///   echo "Deploy redis with 1Gi storage" | kubectl claude generate -f - -o json
///   kubectl claude generate -f app/ --provider anthropic --model claude-sonnet-4-6
#[derive(Debug, Clone, Default, Args)]
#[command(verbatim_doc_comment)]
pub struct GenerateArgs {
    /// Instructions as text (instead of -f)
    pub text: Option<String>,
    /// Instructions file or directory, or - for stdin
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub file: Option<PathBuf>,
    /// Provider: offline, anthropic or openai (default: anthropic when a key is set, else offline)
    #[arg(long, value_parser = ["offline", "anthropic", "openai"])]
    pub provider: Option<String>,
    /// Model id (default: config, else claude-sonnet-4-6 / the OpenAI-compatible default)
    #[arg(long)]
    pub model: Option<String>,
    /// Set a parameter substituted into {{ name }} / {{ .Values.name }} (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Write one file per object into DIR (atomically) instead of stdout
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
    /// File layout for --write
    #[arg(long, value_enum, default_value = "plain")]
    pub layout: Layout,
    /// Git repository URL for the ArgoCD layout's Application
    #[arg(long, value_name = "URL")]
    pub repo_url: Option<String>,
    /// Fail (exit 5) when the offline generator did not understand a requirement
    #[arg(long)]
    pub strict: bool,
    /// Bypass the cache and any lock; always generate
    #[arg(long)]
    pub no_cache: bool,
    /// Write claudernetes.lock.yaml next to the instructions (commit it for reproducible renders)
    #[arg(long)]
    pub lock: bool,
    /// (dangerous) Send instructions that look like they contain credentials
    #[arg(long)]
    pub allow_secrets: bool,
    /// Only allow these kinds in the output (comma-separated; default from config)
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    pub allowed_kinds: Vec<String>,
    /// Maximum output tokens for model providers
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<u32>,
    /// Total deadline for a model call in seconds, retries included (default 60)
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
}

/// Where the Anthropic key comes from: (key, human-readable source). A key file that is
/// configured (`ANTHROPIC_API_KEY_FILE`, `anthropic.api_key_file`) but cannot be read or is
/// empty is an error: the user asked for Anthropic, and silently falling back would hide it.
pub fn anthropic_key_source(ctx: &Ctx) -> Result<Option<(String, String)>> {
    if let Some(k) = ctx.env.get("ANTHROPIC_API_KEY") {
        return Ok(Some((
            k.trim().to_string(),
            "the ANTHROPIC_API_KEY environment variable".into(),
        )));
    }
    let cfg = ctx.config()?;
    let file = match ctx.env.path("ANTHROPIC_API_KEY_FILE") {
        Some(f) => Some((f, "ANTHROPIC_API_KEY_FILE".to_string())),
        None => cfg.anthropic.api_key_file.clone().map(|f| {
            (
                f,
                format!("anthropic.api_key_file in {}", ctx.config_path().display()),
            )
        }),
    };
    if let Some((f, named_by)) = file {
        let k = std::fs::read_to_string(&f).map_err(|e| {
            Error::usage_hint(
                format!("cannot read {} (named by {named_by}): {e}", f.display()),
                format!("fix the path or its permissions, or remove {named_by} (use --provider offline to generate without a model)"),
            )
        })?;
        if k.trim().is_empty() {
            return Err(Error::usage_hint(
                format!(
                    "the key file {} (named by {named_by}) is empty",
                    f.display()
                ),
                "write the API key into it, or remove the setting",
            ));
        }
        return Ok(Some((
            k.trim().to_string(),
            format!("the key file {}", f.display()),
        )));
    }
    Ok(cfg.anthropic.api_key.clone().map(|k| {
        (
            k,
            format!("anthropic.api_key in {}", ctx.config_path().display()),
        )
    }))
}

/// True when any Anthropic credential is configured, readable or not (so that a broken
/// one selects Anthropic and fails loudly instead of falling back to offline).
fn anthropic_key_configured(ctx: &Ctx) -> Result<bool> {
    let cfg = ctx.config()?;
    Ok(ctx.env.get("ANTHROPIC_API_KEY").is_some()
        || ctx.env.get("ANTHROPIC_API_KEY_FILE").is_some()
        || cfg.anthropic.api_key_file.is_some()
        || cfg.anthropic.api_key.is_some())
}

/// A base URL from the environment or the config: it must be an http(s) URL.
fn base_url(value: String, named_by: &str) -> Result<String> {
    match reqwest::Url::parse(&value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(value),
        _ => Err(Error::usage_hint(
            format!("{named_by} `{value}` is not an http(s) URL"),
            "set it to e.g. http://localhost:11434/v1 (Ollama) or https://api.anthropic.com",
        )),
    }
}

/// Picks the provider name: flag, then the instructions file, then the environment
/// (`KCLAUDE_PROVIDER`), then the config, then anthropic when a key exists, else offline.
pub fn resolve_provider_name(ctx: &Ctx, flag: Option<&str>, file: Option<&str>) -> Result<String> {
    let cfg = ctx.config()?;
    let chosen = flag
        .or(file)
        .or(ctx.env.get("KCLAUDE_PROVIDER"))
        .or(cfg.provider.as_deref());
    Ok(match chosen {
        Some(p) => p.to_string(),
        None if anthropic_key_configured(ctx)? => "anthropic".into(),
        None => "offline".into(),
    })
}

/// Builds the backend for a provider name and model.
pub fn backend(
    ctx: &Ctx,
    provider: &str,
    model: Option<&str>,
    timeout: Option<u64>,
) -> Result<Backend> {
    let cfg = ctx.config()?;
    let deadline = Duration::from_secs(timeout.or(cfg.timeout_seconds).unwrap_or(60).max(1));
    let model = model.map(str::to_string).or_else(|| cfg.model.clone());
    match provider {
        "offline" => Ok(Backend::Offline),
        "anthropic" => {
            let (key, key_source) = anthropic_key_source(ctx)?.ok_or_else(|| {
                Error::Llm(llm::Error::Config(
                    "provider anthropic needs an API key: set ANTHROPIC_API_KEY, ANTHROPIC_API_KEY_FILE or anthropic.api_key_file".into(),
                ))
            })?;
            Ok(Backend::Model(Provider::Anthropic(HttpSettings {
                base_url: match (ctx.env.get("ANTHROPIC_BASE_URL"), &cfg.anthropic.base_url) {
                    (Some(u), _) => base_url(u.to_string(), "ANTHROPIC_BASE_URL")?,
                    (None, Some(u)) => base_url(u.clone(), "anthropic.base_url")?,
                    (None, None) => anthropic::DEFAULT_BASE_URL.into(),
                },
                api_key: Some(key),
                key_source,
                model: model.unwrap_or_else(|| anthropic::DEFAULT_MODEL.into()),
                temperature: cfg.anthropic.temperature,
                top_p: cfg.anthropic.top_p,
                deadline,
                max_retries: 4,
                num_ctx: None,
            })))
        }
        "openai" => {
            let (api_key, key_source) = match ctx.env.get("OPENAI_API_KEY") {
                Some(k) => (
                    Some(k.to_string()),
                    "the OPENAI_API_KEY environment variable".to_string(),
                ),
                None => (
                    cfg.openai.api_key.clone(),
                    format!("openai.api_key in {}", ctx.config_path().display()),
                ),
            };
            let base_url = match (ctx.env.get("OPENAI_BASE_URL"), &cfg.openai.base_url) {
                (Some(u), _) => base_url(u.to_string(), "OPENAI_BASE_URL")?,
                (None, Some(u)) => base_url(u.clone(), "openai.base_url")?,
                (None, None) => openai::DEFAULT_BASE_URL.into(),
            };
            Ok(Backend::Model(Provider::OpenAi(HttpSettings {
                base_url: base_url.clone(),
                api_key,
                key_source,
                model: model.unwrap_or_else(|| openai::DEFAULT_MODEL.into()),
                temperature: None,
                top_p: None,
                deadline,
                max_retries: 4,
                // Only Ollama knows `options.num_ctx`; OpenAI itself rejects unknown fields.
                num_ctx: cfg
                    .openai
                    .num_ctx
                    .or_else(|| looks_like_ollama(&base_url).then_some(16384)),
            })))
        }
        other => Err(Error::usage(format!(
            "unknown provider `{other}` (expected offline, anthropic or openai)"
        ))),
    }
}

/// True for an endpoint that is Ollama's (its default port, or its name in the URL).
fn looks_like_ollama(base_url: &str) -> bool {
    base_url.contains(":11434") || base_url.to_ascii_lowercase().contains("ollama")
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

/// Who a call-log record is about.
pub struct CallMeta<'a> {
    pub provider: &'a str,
    pub model: &'a str,
    pub app: &'a str,
}

/// Records one model call or cache hit in the call log; failures only warn.
pub fn log_call(
    ctx: &Ctx,
    meta: &CallMeta<'_>,
    source: &str,
    outcome: &str,
    completion: Option<&llm::Completion>,
    prompt_sha256: &str,
    duration: Duration,
) {
    let rec = llm::calllog::CallRecord {
        v: 1,
        ts: ctx.env.now().to_string(),
        provider: meta.provider.to_string(),
        // The configured model, not the API's dated alias, so hits and calls sum together.
        model: meta.model.to_string(),
        input_tokens: completion.map_or(0, |c| c.input_tokens),
        output_tokens: completion.map_or(0, |c| c.output_tokens),
        duration_ms: duration.as_millis() as u64,
        outcome: outcome.to_string(),
        cache: source.to_string(),
        app: meta.app.to_string(),
        prompt_sha256: prompt_sha256.to_string(),
    };
    if let Err(e) = llm::calllog::record(&ctx.paths.usage_dir(), ctx.env.now(), &rec) {
        ctx.ui
            .warn(&format!("could not write the model call log: {e}"));
    }
}

/// Sends one prompt and records the call (tokens, hash, outcome) in the call log, whatever
/// its result: for the model calls that are not generations (`--explain`, workflow tasks).
pub async fn complete_logged(
    ctx: &Ctx,
    provider: &llm::Provider,
    prompt: &llm::Prompt,
    app: &str,
) -> Result<llm::Completion, llm::Error> {
    let started = std::time::Instant::now();
    let meta = CallMeta {
        provider: provider.name(),
        model: provider.model(),
        app,
    };
    let result = provider.complete(prompt).await;
    let outcome = match &result {
        Ok(_) => "ok".to_string(),
        Err(e) => format!(
            "error: {}",
            e.to_string().chars().take(120).collect::<String>()
        ),
    };
    let sha = prompt.sha256();
    log_call(
        ctx,
        &meta,
        "miss",
        &outcome,
        result.as_ref().ok(),
        &sha,
        started.elapsed(),
    );
    result
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

/// Serializes objects for stdout.
pub fn render(objects: &[Value], format: &str) -> String {
    match format {
        "json" => format!(
            "{:#}\n",
            json!({"apiVersion": "v1", "kind": "List", "items": objects})
        ),
        _ => crate::manifest::to_yaml_stream(objects),
    }
}

pub async fn run(ctx: &Ctx, args: &GenerateArgs) -> Result<u8> {
    let format = ctx.output(&["yaml", "json"], "yaml")?;
    let layout = if args.layout == Layout::Plain
        && ctx.persona == crate::persona::Persona::Flux
        && args.write.is_some()
    {
        Layout::Flux // `flux claude generate --write` lays out the Flux way
    } else {
        args.layout
    };
    if args.write.is_none() && (args.layout != Layout::Plain || args.repo_url.is_some()) {
        return Err(Error::usage_hint(
            "--layout and --repo-url shape the files --write writes; without --write they do nothing",
            "add --write DIR (e.g. --write kubernetes/apps --layout flux)",
        ));
    }
    let instructions = load_instructions(ctx, args.text.as_deref(), args.file.as_deref())?;
    let prepared = prepare(ctx, instructions, args)?;
    let app = prepared.instructions.app_name();
    let cache_dir = cache::Cache::new(&ctx.paths.cache_dir);
    let cache = (!args.no_cache).then_some(&cache_dir);
    let now = ctx.env.now().to_string();
    let max_tokens = args
        .max_tokens
        .or(ctx.config()?.anthropic.max_tokens)
        .unwrap_or(8192);
    let mut req = prepared.request(
        cache,
        args.strict,
        args.allow_secrets,
        max_tokens,
        &now,
        &app,
    );
    if args.no_cache {
        req.lock = None;
    }
    // A committed lock that no longer matches is not silently bypassed.
    if let Some(l) = req.lock
        && !generate::lock_matches(&req, l)
        && !args.lock
    {
        let dir = prepared
            .instructions
            .source
            .as_ref()
            .and_then(|p| p.parent())
            .map(|p| p.display().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".into());
        ctx.ui.warn(&format!(
            "claudernetes.lock.yaml is stale (the instructions, values or namespace changed since it was written): generating instead; update it with `kubectl claude generate -f {dir} --lock` and commit it"
        ));
    }
    let from_lock = req.lock.is_some_and(|l| generate::lock_matches(&req, l));
    if matches!(prepared.backend, Backend::Offline) && prepared.provider_defaulted && !from_lock {
        ctx.ui.status("using the offline generator (no API key configured; set ANTHROPIC_API_KEY or pass --provider)");
    }
    let started = std::time::Instant::now();
    let result = generate::run(&req).await;
    let meta = CallMeta {
        provider: prepared.backend.name(),
        model: prepared.backend.model(),
        app: &app,
    };
    let outcome = match result {
        Ok(o) => {
            let c = o.completion.as_ref();
            log_call(
                ctx,
                &meta,
                o.source.as_str(),
                "ok",
                c,
                &o.prompt_sha256,
                o.duration,
            );
            o
        }
        Err(e) => {
            if matches!(prepared.backend, Backend::Model(_)) {
                let short: String = e.to_string().chars().take(120).collect();
                let outcome = format!("error: {short}");
                let spent = match &e {
                    generate::Error::AfterCall { completion, .. } => Some(completion.as_ref()),
                    _ => None,
                };
                let sha = generate::prompt_sha256(&req);
                log_call(ctx, &meta, "miss", &outcome, spent, &sha, started.elapsed());
            }
            return Err(e.into());
        }
    };
    report_notes(ctx, &outcome);
    match outcome.source {
        generate::Source::Lock => ctx
            .ui
            .status("rendered from claudernetes.lock.yaml (no model call)"),
        generate::Source::CacheHit => ctx.ui.status("cache hit (no model call)"),
        generate::Source::Generated => {}
    }
    if args.lock {
        write_lock(ctx, &prepared, &outcome)?;
    }
    if let Some(dir) = &args.write {
        let ns = prepared
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        if layout == Layout::Argocd && args.repo_url.is_none() {
            ctx.ui.warn("no --repo-url: the Application points at a placeholder repository; set spec.source.repoURL before committing");
        }
        if layout != Layout::Plain && prepared.namespace.is_none() {
            ctx.ui.warn(
                "no namespace (-n or `namespace:` in the instructions): laying out under `default`",
            );
        }
        let files = crate::generate::layout::lay_out(
            layout,
            &outcome.objects,
            &LayoutOptions {
                app: &app,
                namespace: &ns,
                write_dir: dir,
                repo_url: args
                    .repo_url
                    .as_deref()
                    .unwrap_or("https://example.com/your/gitops-repo.git"),
            },
        );
        write_files(ctx, dir, &files)?;
        return Ok(0);
    }
    ctx.ui.out(&render(&outcome.objects, &format))?;
    Ok(0)
}

/// Resolves parameters, namespace, provider and lock for a generation.
pub fn prepare(ctx: &Ctx, instructions: Instructions, args: &GenerateArgs) -> Result<Prepared> {
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
    let provider = resolve_provider_name(
        ctx,
        args.provider.as_deref(),
        instructions.provider.as_deref(),
    )?;
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

fn write_lock(ctx: &Ctx, p: &Prepared, o: &Outcome) -> Result<()> {
    let path = p.instructions.lock_path().ok_or_else(|| {
        Error::usage("--lock needs instructions from a file (-f FILE or a directory)")
    })?;
    let (provider, model, key) = match (&o.source, &p.lock) {
        (generate::Source::Lock, Some(l)) => (l.provider.clone(), l.model.clone(), l.key.clone()),
        _ => (
            p.backend.name().to_string(),
            p.backend.model().to_string(),
            o.key.clone(),
        ),
    };
    let l = lock::Lock::new(
        &key,
        &provider,
        &model,
        generate::prompt::PROMPT_VERSION,
        &ctx.env.now().to_string(),
        o.objects.clone(),
    );
    cache::write_atomic(&path, l.to_yaml().as_bytes())
        .map_err(|e| Error::io("write the lock", &path, e))?;
    ctx.ui.status(&format!("wrote {}", path.display()));
    Ok(())
}

/// Writes every file to a temp name first, then renames them all: a failure leaves no
/// half-written manifest behind.
pub fn write_files(ctx: &Ctx, dir: &Path, files: &[(PathBuf, String)]) -> Result<()> {
    let mut staged = Vec::new();
    for (rel, content) in files {
        let path = dir.join(rel);
        let parent = path.parent().unwrap_or(dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("create directory", &parent, e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&parent)
            .map_err(|e| Error::io("create a file in", &parent, e))?;
        std::io::Write::write_all(&mut tmp, content.as_bytes())
            .map_err(|e| Error::io("write", &path, e))?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(&path)
            .map_err(|e| Error::io("write", &path, e.error))?;
        ctx.ui.status(&format!("wrote {}", path.display()));
    }
    Ok(())
}
