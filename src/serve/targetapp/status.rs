//! Status: the TargetApp's status subresource, and what tells a real change from a refresh.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Controller, send};
use crate::targetapp::{self as ta, LogLevel};

/// How often an unchanged status is rewritten (its poll times refreshed).
pub(super) const STATUS_REFRESH: Duration = Duration::from_secs(60);

/// A status without its poll times, to tell a real change from a refresh.
pub(super) fn without_times(status: &Value) -> Value {
    let mut v = status.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("lastPollTime");
    }
    for p in v
        .get_mut("pods")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if let Some(m) = p.as_object_mut() {
            m.remove("lastPollTime");
        }
    }
    v
}

impl Controller {
    /// Writes the status subresource; false when the write failed (logged and counted).
    pub(super) async fn set_status(&self, key: &(String, String), status: Value) -> bool {
        let path = format!("{}/status", ta::object_path(&key.0, &key.1));
        match send(
            &self.actor.client,
            http::Method::PATCH,
            &path,
            "application/merge-patch+json",
            &json!({"status": status}),
        )
        .await
        {
            Ok((c, _)) if (200..300).contains(&c) => true,
            Ok((c, body)) => {
                self.error("status_write");
                (self.log)(
                    LogLevel::Warning,
                    "targetapp status write failed",
                    json!({"targetapp": format!("{}/{}", key.0, key.1), "code": c,
                        "message": body.get("message")}),
                );
                false
            }
            Err(e) => {
                self.error("status_write");
                (self.log)(
                    LogLevel::Warning,
                    "targetapp status write failed",
                    json!({"targetapp": format!("{}/{}", key.0, key.1), "error": e}),
                );
                false
            }
        }
    }
}
