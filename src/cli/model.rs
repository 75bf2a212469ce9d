//! The model a command talks to: which provider, its backend (keys, base URL, deadline), and
//! the call log every model call or cache hit is recorded in. Shared by `generate`, `diff`,
//! `diagnose --explain`, `upgrades --explain`, workflows, `config view` and the CMP.

use std::time::Duration;

use super::Ctx;
use super::flags::ModelFlags;
use crate::error::{Error, Result};
use crate::generate::Backend;
use crate::llm::{self, HttpSettings, Provider, ProviderKind, anthropic, openai};

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
            // An example of the provider it is for: an OpenAI-compatible endpoint or Anthropic's.
            if named_by.to_ascii_lowercase().contains("openai") {
                "set it to an OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama) or https://api.openai.com/v1"
            } else {
                "set it to e.g. https://api.anthropic.com (or a proxy in front of it)"
            },
        )),
    }
}

/// The deadline `--timeout 0` (or `timeout_seconds: 0`) stands for: no limit.
pub const NO_DEADLINE: Duration = Duration::from_secs(100 * 365 * 86_400);

/// Picks the provider: flag (already typed by clap), then the instructions file, then the
/// environment (`KCLAUDE_PROVIDER`), then the config, then anthropic when a key exists, else
/// offline. A name no provider has is a usage error naming the choices.
pub fn resolve_provider_name(
    ctx: &Ctx,
    flag: Option<ProviderKind>,
    file: Option<&str>,
) -> Result<ProviderKind> {
    if let Some(kind) = flag {
        return Ok(kind);
    }
    let cfg = ctx.config()?;
    match file
        .or(ctx.env.get("KCLAUDE_PROVIDER"))
        .or(cfg.provider.as_deref())
    {
        Some(p) => parse_provider(p),
        None if anthropic_key_configured(ctx)? => Ok(ProviderKind::Anthropic),
        None => Ok(ProviderKind::Offline),
    }
}

/// A provider named as text (an instructions file, the environment, the config, an MCP
/// argument, an Application parameter).
pub fn parse_provider(name: &str) -> Result<ProviderKind> {
    ProviderKind::parse(name).ok_or_else(|| {
        Error::usage(format!(
            "unknown provider `{name}` (expected offline, anthropic or openai)"
        ))
    })
}

/// Builds the backend for a provider name and model.
pub fn backend(
    ctx: &Ctx,
    provider: &ProviderKind,
    model: Option<&str>,
    timeout: Option<u64>,
) -> Result<Backend> {
    let cfg = ctx.config()?;
    // 0 is no limit, as kubectl's `--request-timeout=0` (a century stands for it).
    let deadline = match timeout.or(cfg.timeout_seconds).unwrap_or(60) {
        0 => NO_DEADLINE,
        s => Duration::from_secs(s),
    };
    let model = model.map(str::to_string).or_else(|| cfg.model.clone());
    match provider {
        ProviderKind::Offline => Ok(Backend::Offline),
        ProviderKind::Anthropic => {
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
        ProviderKind::OpenAi => {
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
    }
}

/// The model `--explain` asks (`diagnose`, `upgrades`): the flags, else as configured; the
/// offline generator cannot explain, so no model is a usage error saying how to get one.
pub fn explain_model(ctx: &Ctx, flags: &ModelFlags) -> Result<Provider> {
    let name = resolve_provider_name(ctx, flags.provider, None)?;
    match backend(ctx, &name, flags.model.as_deref(), None)? {
        Backend::Model(p) => Ok(p),
        Backend::Offline => Err(Error::usage_hint(
            "--explain needs a model provider; none is configured",
            "set ANTHROPIC_API_KEY, or pass --provider openai with OPENAI_BASE_URL (e.g. Ollama)",
        )),
    }
}

/// True for an endpoint that is Ollama's (its default port, or its name in the URL).
fn looks_like_ollama(base_url: &str) -> bool {
    base_url.contains(":11434") || base_url.to_ascii_lowercase().contains("ollama")
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
