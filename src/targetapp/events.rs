//! The Events the controller records: their dedup name and the state-change message.

use serde_json::Value;

use super::state::{self, Change};

/// The name of the Event for (involved object, reason, message): the same occurrence always
/// gets the same name, so a repeat bumps its count instead of creating a new Event.
pub fn event_name(involved: &str, reason: &str, message: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::digest(format!("{involved}|{reason}|{message}").as_bytes());
    let hex: String = h.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let base: String = involved
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(200)
        .collect();
    format!("{base}.kco.{hex}")
}

/// The message of a state-change Event.
pub fn change_message(pod: &str, c: &Change) -> String {
    let show = |v: &Option<Value>| match v {
        None => "(absent)".to_string(),
        Some(Value::String(s)) => state::clip(s, 200),
        Some(v) => state::clip(&v.to_string(), 200),
    };
    format!(
        "{pod}: {} changed from {} to {}",
        c.path,
        show(&c.old),
        show(&c.new)
    )
}
