//! OpenAI-compatible chat completions (`POST {base}/chat/completions`): Ollama, vLLM,
//! llama.cpp's server, OpenAI. The base URL includes `/v1` (Ollama: `http://localhost:11434/v1`).

use serde_json::{Value, json};

use super::retry::{Answer, with_retries};
use super::{Completion, Error, HttpSettings, Prompt};

pub const DEFAULT_BASE_URL: &str = "http://localhost:11434/v1";
pub const DEFAULT_MODEL: &str = "qwen2.5-coder:14b";

pub fn body(s: &HttpSettings, p: &Prompt) -> Value {
    let mut b = json!({
        "model": s.model,
        "max_tokens": p.max_tokens,
        "stream": false,
        "messages": [
            {"role": "system", "content": p.system},
            {"role": "user", "content": p.user},
        ],
    });
    if let Some(t) = s.temperature {
        b["temperature"] = json!(t);
    }
    if let Some(t) = s.top_p {
        b["top_p"] = json!(t);
    }
    // Ollama's default context is too small for manifests; it ignores unknown fields elsewhere.
    if let Some(n) = s.num_ctx {
        b["options"] = json!({"num_ctx": n});
    }
    b
}

pub async fn complete(s: &HttpSettings, p: &Prompt) -> Result<Completion, Error> {
    let client = super::http_client(s.deadline)?;
    let url = format!("{}/chat/completions", s.base_url.trim_end_matches('/'));
    let body = body(s, p);
    let (answer, attempts) = with_retries("openai", s.deadline, s.max_retries, |remaining| {
        let mut req = client.post(&url).timeout(remaining).json(&body);
        if let Some(k) = &s.api_key {
            req = req.bearer_auth(k);
        }
        async move { Answer::read(req.send().await?).await }
    })
    .await
    .map_err(|e| match e {
        Error::Request {
            provider,
            status: status @ (401 | 403),
            message,
        } => Error::Auth {
            provider,
            key_source: s.key_source.clone(),
            status,
            message,
        },
        other => other,
    })?;
    parse(&answer.body, attempts, p.max_tokens)
}

pub fn parse(body: &str, attempts: u32, max_tokens: u32) -> Result<Completion, Error> {
    let v: Value = serde_json::from_str(body).map_err(|e| Error::Unusable {
        reason: format!("the response is not JSON ({e})"),
    })?;
    let choice = v.pointer("/choices/0");
    let text = choice
        .and_then(|c| c.pointer("/message/content"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let finish = choice
        .and_then(|c| c.get("finish_reason"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if finish == "length" {
        return Err(Error::Truncated { max_tokens });
    }
    Ok(Completion {
        text,
        model: super::response_model(&v),
        input_tokens: super::usage_tokens(&v, "prompt_tokens"),
        output_tokens: super::usage_tokens(&v, "completion_tokens"),
        stop_reason: if finish == "stop" {
            "end_turn".into()
        } else {
            finish.to_string()
        },
        attempts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_choices_and_length() {
        let ok = r#"{"model":"m","choices":[{"message":{"content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#;
        let c = parse(ok, 1, 5).unwrap();
        assert_eq!(
            (c.text.as_str(), c.input_tokens, c.output_tokens),
            ("x", 1, 2)
        );
        let cut = r#"{"choices":[{"message":{"content":"x"},"finish_reason":"length"}]}"#;
        assert!(matches!(parse(cut, 1, 5), Err(Error::Truncated { .. })));
    }
}
