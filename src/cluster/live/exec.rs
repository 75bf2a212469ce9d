//! Running a command in a pod through the API server's streaming exec (`kubectl exec`
//! without a terminal): kube's websocket client speaks the channel protocol
//! (`v5.channel.k8s.io`, else `v4.channel.k8s.io`: channel 1 stdout, 2 stderr, 3 the final
//! `Status`). Output is kept bounded so a chatty command cannot fill memory, and the whole
//! run is bounded by a timeout the caller chooses.

use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Status;
use kube::api::{Api, AttachParams};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::super::Error;
use super::LiveCluster;

/// Bytes of stdout (and, separately, of stderr) kept from one exec; the rest is read and
/// dropped so the command is never blocked on a full pipe.
pub const EXEC_OUTPUT_LIMIT: usize = 64 * 1024;

/// What one exec produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecOutput {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub command: Vec<String>,
    /// The command's exit code: 0 on `Success`, the `ExitCode` cause on `NonZeroExitCode`;
    /// `None` when the server reported another failure (see `failure`).
    pub exit_code: Option<i32>,
    /// The server's message when the exec failed without an exit code (container not
    /// found, command not found…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    pub stdout: String,
    pub stderr: String,
    /// True when more than [`EXEC_OUTPUT_LIMIT`] bytes came and the rest was dropped.
    pub stdout_truncated: bool,
    pub stderr_truncated: bool,
}

impl ExecOutput {
    pub fn succeeded(&self) -> bool {
        self.exit_code == Some(0) && self.failure.is_none()
    }
}

/// An exec that did not finish in time.
#[derive(Debug, thiserror::Error)]
#[error("the command did not finish within {}s", .0.as_secs_f64())]
pub struct ExecTimedOut(pub Duration);

impl LiveCluster {
    /// Runs `command` (an argv, never a shell string) in `container` of pod `ns/pod`, with
    /// stdout and stderr and no stdin or terminal, and waits for it to end — at most
    /// `timeout` (`None`: the client's `--request-timeout`; with none, unbounded).
    /// `Ok` also for a command that exited non-zero: the caller decides what that means.
    pub async fn exec_in_pod(
        &self,
        ns: &str,
        pod: &str,
        container: &str,
        command: &[String],
        timeout: Option<Duration>,
    ) -> Result<ExecOutput, Error> {
        let what = format!("exec in pod {ns}/{pod} (container {container})");
        let api: Api<Pod> = Api::namespaced(self.stream_client.clone(), ns);
        let params = AttachParams::default()
            .container(container)
            .stdin(false)
            .stdout(true)
            .stderr(true)
            .tty(false);
        let run = async {
            let mut attached = api
                .exec(pod, command.to_vec(), &params)
                .await
                .map_err(|e| self.classify(&what, e))?;
            let status = attached.take_status();
            let (stdout, stderr) = (attached.stdout(), attached.stderr());
            let ((stdout, stdout_truncated), (stderr, stderr_truncated)) =
                tokio::join!(read_bounded(stdout), read_bounded(stderr));
            let status = match status {
                Some(s) => s.await,
                None => None,
            };
            // The message loop ends with the stream; its error (a dropped connection) only
            // matters when no status said how the command ended.
            let joined = attached.join().await;
            let (exit_code, failure) = match status {
                Some(s) => exit_of(&s),
                None => (
                    None,
                    Some(match joined {
                        Err(e) => format!("the stream ended without a status: {e}"),
                        Ok(()) => "the stream ended without a status".to_string(),
                    }),
                ),
            };
            Ok(ExecOutput {
                namespace: ns.to_string(),
                pod: pod.to_string(),
                container: container.to_string(),
                command: command.to_vec(),
                exit_code,
                failure,
                stdout,
                stderr,
                stdout_truncated,
                stderr_truncated,
            })
        };
        match timeout.or(self.request_timeout) {
            Some(d) => tokio::time::timeout(d, run)
                .await
                .unwrap_or_else(|_| Err(self.classify_timeout(&what, d))),
            None => run.await,
        }
    }

    fn classify_timeout(&self, what: &str, d: Duration) -> Error {
        Error::Api {
            what: what.to_string(),
            message: ExecTimedOut(d).to_string(),
        }
    }
}

/// The exit code (or the failure) a final `Status` reports.
fn exit_of(s: &Status) -> (Option<i32>, Option<String>) {
    if s.status.as_deref() == Some("Success") {
        return (Some(0), None);
    }
    let reason = s.reason.as_deref().unwrap_or_default();
    let code = s
        .details
        .as_ref()
        .and_then(|d| d.causes.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.reason.as_deref() == Some("ExitCode"))
        .and_then(|c| c.message.as_deref()?.trim().parse::<i32>().ok());
    match code {
        Some(c) if reason == "NonZeroExitCode" || reason.is_empty() => (Some(c), None),
        _ => (
            None,
            Some(match s.message.as_deref().filter(|m| !m.is_empty()) {
                Some(m) => m.to_string(),
                None => format!("exec failed ({reason})"),
            }),
        ),
    }
}

/// Reads a stream to its end, keeping the first [`EXEC_OUTPUT_LIMIT`] bytes.
async fn read_bounded(r: Option<impl AsyncRead + Unpin>) -> (String, bool) {
    let Some(mut r) = r else {
        return (String::new(), false);
    };
    let mut kept = Vec::new();
    let mut truncated = false;
    let mut buf = [0u8; 8192];
    loop {
        match r.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = EXEC_OUTPUT_LIMIT.saturating_sub(kept.len());
                if n > room {
                    truncated = true;
                }
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
    (String::from_utf8_lossy(&kept).into_owned(), truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(v: serde_json::Value) -> Status {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn exit_codes_come_from_the_status_causes() {
        assert_eq!(
            exit_of(&status(serde_json::json!({"status": "Success"}))),
            (Some(0), None)
        );
        assert_eq!(
            exit_of(&status(
                serde_json::json!({"status": "Failure", "reason": "NonZeroExitCode",
                "message": "command terminated with non-zero exit code",
                "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}})
            )),
            (Some(3), None)
        );
        let (code, failure) = exit_of(&status(serde_json::json!({"status": "Failure",
            "reason": "InternalError", "message": "container not found (\"app\")"})));
        assert_eq!(code, None);
        assert_eq!(failure.as_deref(), Some("container not found (\"app\")"));
    }

    #[tokio::test]
    async fn output_is_bounded_and_says_so() {
        let big = vec![b'x'; EXEC_OUTPUT_LIMIT + 10];
        let (s, cut) = read_bounded(Some(&big[..])).await;
        assert_eq!((s.len(), cut), (EXEC_OUTPUT_LIMIT, true));
        let (s, cut) = read_bounded(Some(&b"hi\n"[..])).await;
        assert_eq!((s.as_str(), cut), ("hi\n", false));
    }
}
