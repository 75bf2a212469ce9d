//! The Anthropic Messages API (`POST {base}/v1/messages`).
//!
//! Sampling parameters are sent only when the user set them: newer models reject
//! `temperature`/`top_p` with 400.

use serde_json::{Value, json};

use super::retry::{Answer, with_retries};
use super::{Completion, Error, HttpSettings, Prompt};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
pub const DEFAULT_MODEL: &str = "claude-sonnet-4-6";
const API_VERSION: &str = "2023-06-01";

/// The request body.
pub fn body(s: &HttpSettings, p: &Prompt) -> Value {
    let mut b = json!({
        "model": s.model,
        "max_tokens": p.max_tokens,
        "system": p.system,
        "messages": [{"role": "user", "content": p.user}],
    });
    if let Some(t) = s.temperature {
        b["temperature"] = json!(t);
    }
    if let Some(t) = s.top_p {
        b["top_p"] = json!(t);
    }
    b
}

pub async fn complete(s: &HttpSettings, p: &Prompt) -> Result<Completion, Error> {
    let key = s.api_key.as_deref().ok_or_else(|| {
        Error::Config(
            "no Anthropic API key: set ANTHROPIC_API_KEY or use --provider offline".into(),
        )
    })?;
    let client = super::http_client(s.deadline)?;
    let url = format!("{}/v1/messages", s.base_url.trim_end_matches('/'));
    let body = body(s, p);
    let (answer, attempts) = with_retries("anthropic", s.deadline, s.max_retries, |remaining| {
        let req = client
            .post(&url)
            .timeout(remaining)
            .header("x-api-key", key)
            .header("anthropic-version", API_VERSION)
            .json(&body);
        async move { Answer::read(req.send().await?).await }
    })
    .await
    .map_err(|e| auth_error(e, &s.key_source))?;
    parse(&answer.body, attempts, p.max_tokens)
}

/// 401/403 name the key's source, never the key.
fn auth_error(e: Error, key_source: &str) -> Error {
    match e {
        Error::Request {
            provider,
            status: status @ (401 | 403),
            message,
        } => Error::Auth {
            provider,
            key_source: key_source.to_string(),
            status,
            message,
        },
        other => other,
    }
}

/// Parses a Messages API response body.
pub fn parse(body: &str, attempts: u32, max_tokens: u32) -> Result<Completion, Error> {
    let v: Value = serde_json::from_str(body).map_err(|e| Error::Unusable {
        reason: format!("the response is not JSON ({e})"),
    })?;
    let text: String = v
        .get("content")
        .and_then(Value::as_array)
        .map(|blocks| {
            blocks
                .iter()
                .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("")
        })
        .unwrap_or_default();
    let stop_reason = v
        .get("stop_reason")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if stop_reason == "max_tokens" {
        return Err(Error::Truncated { max_tokens });
    }
    if stop_reason == "refusal" {
        return Err(Error::Unusable {
            reason: "the model refused the request".into(),
        });
    }
    Ok(Completion {
        text,
        model: super::response_model(&v),
        input_tokens: super::usage_tokens(&v, "input_tokens"),
        output_tokens: super::usage_tokens(&v, "output_tokens"),
        stop_reason,
        attempts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn settings() -> HttpSettings {
        HttpSettings {
            base_url: DEFAULT_BASE_URL.into(),
            api_key: Some("k".into()),
            key_source: "test".into(),
            model: "m".into(),
            temperature: None,
            top_p: None,
            deadline: Duration::from_secs(1),
            max_retries: 0,
            num_ctx: None,
        }
    }

    #[test]
    fn sampling_params_only_when_set() {
        let p = Prompt {
            system: "s".into(),
            user: "u".into(),
            max_tokens: 10,
        };
        let b = body(&settings(), &p);
        assert!(b.get("temperature").is_none() && b.get("top_p").is_none());
        let mut s = settings();
        s.temperature = Some(0.2);
        assert!(body(&s, &p).get("temperature").is_some());
    }

    #[test]
    fn parse_text_usage_and_truncation() {
        let ok = r#"{"model":"m","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":4}}"#;
        let c = parse(ok, 1, 10).unwrap();
        assert_eq!(
            (c.text.as_str(), c.input_tokens, c.output_tokens),
            ("ab", 3, 4)
        );
        let cut = r#"{"content":[{"type":"text","text":"a"}],"stop_reason":"max_tokens"}"#;
        assert!(matches!(parse(cut, 1, 10), Err(Error::Truncated { .. })));
        assert!(parse("not json", 1, 10).is_err());
    }
}
