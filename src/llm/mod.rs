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
            Error::Unavailable { .. } | Error::Timeout { .. } => vec![
                "try again later, raise timeout_seconds in the config, or use --provider offline".into(),
            ],
            Error::Unusable { .. } => vec![
                "re-run with --no-cache; make the instructions more specific; or use --provider offline".into(),
            ],
            _ => vec![],
        }
    }
}
