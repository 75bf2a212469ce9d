//! Model providers: the Anthropic Messages API, OpenAI-compatible chat completions, and the
//! error shapes they share. Clients take their settings as arguments; they never read the
//! environment.

/// Errors from a model call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The provider rejected the credentials (401/403). `key_source` names where the key came
    /// from, never the key.
    #[error("{provider} rejected the API key from {key_source} (HTTP {status}): {message}")]
    Auth {
        provider: &'static str,
        key_source: String,
        status: u16,
        message: String,
    },
    /// The request itself was rejected (400, 404, 413…).
    #[error("{provider} rejected the request (HTTP {status}): {message}")]
    Request {
        provider: &'static str,
        status: u16,
        message: String,
    },
    /// Retries ran out on 408/409/429/5xx/529 or connection errors.
    #[error("{provider} is unavailable after {attempts} attempts: {last}")]
    Unavailable {
        provider: &'static str,
        attempts: u32,
        last: String,
    },
    /// Nothing listens at the endpoint: retrying cannot help.
    #[error("cannot connect to {provider} at {url}: connection refused")]
    Refused { provider: &'static str, url: String },
    /// The total deadline passed.
    #[error("{provider} did not answer within {seconds} s")]
    Timeout {
        provider: &'static str,
        seconds: u64,
    },
    /// The reply was cut off at the token limit.
    #[error("the model's reply was cut off at max_tokens ({max_tokens}); nothing was written")]
    Truncated { max_tokens: u32 },
    /// The reply holds nothing usable.
    #[error("the model's reply is unusable: {reason}")]
    Unusable { reason: String },
    /// No provider could be configured.
    #[error("{0}")]
    Config(String),
}

impl Error {
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::Auth { .. } => vec![
                "set ANTHROPIC_API_KEY (or anthropic.api_key_file in the config), or use --provider offline".into(),
            ],
            Error::Truncated { .. } => vec![
                "raise anthropic.max_tokens in the config, or split the instructions into smaller apps".into(),
            ],
            Error::Refused { .. } => vec![
                "start the server (e.g. `ollama serve`), or fix ANTHROPIC_BASE_URL / OPENAI_BASE_URL (or the config's base_url); or use --provider offline".into(),
            ],
            Error::Unavailable { .. } | Error::Timeout { .. } => vec![
                "try again later, raise timeout_seconds in the config, or use --provider offline".into(),
            ],
            Error::Config(_) => vec![
                "set ANTHROPIC_API_KEY (or ANTHROPIC_API_KEY_FILE / anthropic.api_key_file), or use --provider offline".into(),
            ],
            Error::Unusable { .. } => vec![
                "re-run with --no-cache; make the instructions more specific; or use --provider offline".into(),
            ],
            _ => vec![],
        }
    }
}

pub mod anthropic;
pub mod calllog;
pub mod openai;
mod retry;

use std::time::Duration;

/// What we send: a system prompt, one user message, and a token budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub system: String,
    pub user: String,
    pub max_tokens: u32,
}

impl Prompt {
    /// The sha256 of what is sent: the call log records it instead of the prompt.
    pub fn sha256(&self) -> String {
        crate::hash::sha256_hex(&format!("{}\n{}", self.system, self.user))
    }
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    pub model: String,
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Provider's stop reason, normalised: `end_turn`, `max_tokens`, `refusal`, …
    pub stop_reason: String,
    /// How many HTTP attempts the call took.
    pub attempts: u32,
}

/// Connection settings shared by the HTTP providers.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    pub base_url: String,
    pub api_key: Option<String>,
    /// Where the key came from (`ANTHROPIC_API_KEY`, a file path…), for error messages.
    pub key_source: String,
    pub model: String,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    /// Total deadline for the call, retries included.
    pub deadline: Duration,
    /// How many retries after the first attempt.
    pub max_retries: u32,
    /// Ollama context size (`options.num_ctx`).
    pub num_ctx: Option<u32>,
}

/// Which provider a name (`--provider`, `KCLAUDE_PROVIDER`, `provider:` in the config or the
/// instructions) selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProviderKind {
    /// The offline generator (no model, no network).
    Offline,
    /// Claude, through Anthropic's API.
    Anthropic,
    /// Any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, …).
    #[value(name = "openai")]
    OpenAi,
}

impl ProviderKind {
    /// The name users type.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Offline => "offline",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::OpenAi => "openai",
        }
    }

    /// The kind a name selects, if any.
    pub fn parse(name: &str) -> Option<Self> {
        [
            ProviderKind::Offline,
            ProviderKind::Anthropic,
            ProviderKind::OpenAi,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A configured model provider.
#[derive(Debug, Clone)]
pub enum Provider {
    Anthropic(HttpSettings),
    OpenAi(HttpSettings),
}

impl Provider {
    pub fn kind(&self) -> ProviderKind {
        match self {
            Provider::Anthropic(_) => ProviderKind::Anthropic,
            Provider::OpenAi(_) => ProviderKind::OpenAi,
        }
    }

    pub fn name(&self) -> &'static str {
        self.kind().as_str()
    }

    pub fn model(&self) -> &str {
        match self {
            Provider::Anthropic(s) | Provider::OpenAi(s) => &s.model,
        }
    }

    /// Sends the prompt, retrying transient failures within the deadline.
    pub async fn complete(&self, prompt: &Prompt) -> Result<Completion, Error> {
        match self {
            Provider::Anthropic(s) => anthropic::complete(s, prompt).await,
            Provider::OpenAi(s) => openai::complete(s, prompt).await,
        }
    }
}

/// Builds the shared HTTP client: rustls, no cookies, the deadline as the overall timeout.
fn http_client(deadline: Duration) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .timeout(deadline)
        .connect_timeout(Duration::from_secs(10).min(deadline))
        .user_agent(concat!("kubectl-claude/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))
}

/// The `message` of an API error body, or the body itself, trimmed for display.
fn error_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let msg = parsed
        .as_ref()
        .and_then(|v| {
            v.pointer("/error/message")
                .or_else(|| v.get("message"))
                .or_else(|| v.get("error"))
        })
        .and_then(|m| m.as_str().map(str::to_string))
        .unwrap_or_else(|| body.trim().to_string());
    let mut m: String = msg.chars().take(300).collect();
    if m.is_empty() {
        m = "(empty body)".into();
    }
    m
}

/// A token count at `/usage/<key>` of a response, 0 when absent.
fn usage_tokens(v: &serde_json::Value, key: &str) -> u64 {
    v.pointer(&format!("/usage/{key}"))
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0)
}

/// The `model` a response reports, empty when absent.
fn response_model(v: &serde_json::Value) -> String {
    v.get("model")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
        .to_string()
}
