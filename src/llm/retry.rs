//! Retries with backoff and jitter inside a total deadline, as the official SDKs do: retry on
//! 408, 409, 429, 5xx (529 included) and connection errors; honour `x-should-retry`,
//! `retry-after-ms` and `retry-after`.

use std::time::{Duration, Instant};

use super::Error;

/// One HTTP answer: status, headers we care about, body.
pub(super) struct Answer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub should_retry: Option<bool>,
    pub body: String,
}

impl Answer {
    pub async fn read(resp: reqwest::Response) -> Result<Self, reqwest::Error> {
        let status = resp.status().as_u16();
        let h = resp.headers();
        let header = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_after = header("retry-after-ms")
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|ms| Duration::from_millis(ms.max(0.0) as u64))
            .or_else(|| {
                header("retry-after")
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .map(|s| Duration::from_millis((s.max(0.0) * 1000.0) as u64))
            });
        let should_retry = header("x-should-retry").map(|v| v == "true");
        let body = resp.text().await?;
        Ok(Self {
            status,
            retry_after,
            should_retry,
            body,
        })
    }
}

fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429) || status >= 500
}

/// Backoff before retry `n` (0-based): 0.5 s doubling to 8 s, with up to 25 % jitter.
fn backoff(n: u32) -> Duration {
    let base = 0.5_f64 * 2f64.powi(n as i32);
    let base = base.min(8.0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = 1.0 - 0.25 * (f64::from(nanos % 1000) / 1000.0);
    Duration::from_secs_f64(base * jitter)
}

/// Runs `attempt` until it returns a non-retryable answer, retries are exhausted, or the
/// deadline passes. Returns the final 2xx answer and the number of attempts.
pub(super) async fn with_retries<F, Fut>(
    provider: &'static str,
    deadline: Duration,
    max_retries: u32,
    mut attempt: F,
) -> Result<(Answer, u32), Error>
where
    F: FnMut(Duration) -> Fut,
    Fut: std::future::Future<Output = Result<Answer, reqwest::Error>>,
{
    let start = Instant::now();
    let mut n = 0u32;
    loop {
        let remaining = deadline.saturating_sub(start.elapsed());
        if remaining.is_zero() {
            return Err(Error::Timeout {
                provider,
                seconds: deadline.as_secs(),
            });
        }
        n += 1;
        let (retry, wait, last) = match tokio::time::timeout(remaining, attempt(remaining)).await {
            Err(_) => {
                return Err(Error::Timeout {
                    provider,
                    seconds: deadline.as_secs(),
                });
            }
            Ok(Err(e)) if e.is_timeout() => {
                return Err(Error::Timeout {
                    provider,
                    seconds: deadline.as_secs(),
                });
            }
            // A refused connection is deterministic (nothing listens there): fail at once.
            Ok(Err(e)) if is_refused(&e) => {
                return Err(Error::Refused {
                    provider,
                    url: e
                        .url()
                        .map(|u| u.as_str().to_string())
                        .unwrap_or_else(|| "the configured URL".into()),
                });
            }
            Ok(Err(e)) => (true, None, format!("connection error: {}", describe(&e))),
            Ok(Ok(a)) if (200..300).contains(&a.status) => return Ok((a, n)),
            Ok(Ok(a)) => {
                let retry = a.should_retry.unwrap_or_else(|| retryable_status(a.status));
                if !retry {
                    return Err(final_error(provider, a));
                }
                let last = format!("HTTP {}: {}", a.status, super::error_message(&a.body));
                (true, a.retry_after, last)
            }
        };
        if !retry || n > max_retries {
            return Err(Error::Unavailable {
                provider,
                attempts: n,
                last,
            });
        }
        let asked = wait.is_some();
        let wait = wait.unwrap_or_else(|| backoff(n - 1));
        let remaining = deadline.saturating_sub(start.elapsed());
        if wait >= remaining {
            // Waiting would blow the deadline: report what we saw rather than time out blind,
            // and say which wait it was (the server's retry-after, or our own backoff).
            let why = if asked {
                format!(
                    "the server's retry-after ({:.1} s) exceeds the {} s deadline",
                    wait.as_secs_f64(),
                    deadline.as_secs()
                )
            } else {
                format!(
                    "the next retry would pass the {} s deadline",
                    deadline.as_secs()
                )
            };
            return Err(Error::Unavailable {
                provider,
                attempts: n,
                last: format!("{last} ({why})"),
            });
        }
        tokio::time::sleep(wait).await;
    }
}

/// True when the connection was actively refused (somewhere in the error chain).
fn is_refused(e: &reqwest::Error) -> bool {
    let mut src: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(inner) = src {
        if let Some(io) = inner.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        src = inner.source();
    }
    e.is_connect()
        && describe(e)
            .to_ascii_lowercase()
            .contains("connection refused")
}

fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s = format!("{s}: {inner}");
        src = inner.source();
    }
    s
}

/// A non-retryable error answer.
fn final_error(provider: &'static str, a: Answer) -> Error {
    let message = super::error_message(&a.body);
    Error::Request {
        provider,
        status: a.status,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert!(backoff(0) <= Duration::from_millis(500));
        assert!(backoff(0) >= Duration::from_millis(375));
        assert!(backoff(10) <= Duration::from_secs(8));
    }

    #[test]
    fn retryable_statuses() {
        for s in [408, 409, 429, 500, 502, 503, 529] {
            assert!(retryable_status(s));
        }
        for s in [400, 401, 403, 404, 413] {
            assert!(!retryable_status(s));
        }
    }
}
