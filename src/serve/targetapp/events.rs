//! Events: each change, trigger and failure as a Kubernetes Event, deduplicated (a repeat
//! PATCHes the existing Event's count), and the bounded memory of the names recorded.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Controller, TargetState, send, str_at};
use crate::targetapp as ta;

/// The Events this controller recorded, by name, with their count: a repeat is a PATCH of
/// the count, not a second Event. Bounded: entries of pods that are gone are dropped after
/// each poll round, and past [`MAX_EVENTS_REMEMBERED`] the least recently recorded go (a
/// changing value makes a new message, hence a new Event, every poll). Forgetting is safe:
/// the next record of a forgotten name gets 409 from the API, reads the count and bumps it.
#[derive(Default)]
pub(super) struct EventMemory {
    /// Event name → (involved object `kind/name`, count, tick last recorded).
    known: BTreeMap<String, (String, u64, u64)>,
    tick: u64,
}

/// How many Event names one TargetApp remembers.
const MAX_EVENTS_REMEMBERED: usize = 256;

impl EventMemory {
    pub(super) fn count(&self, name: &str) -> Option<u64> {
        self.known.get(name).map(|e| e.1)
    }

    pub(super) fn record(&mut self, name: String, involved: String, count: u64) {
        self.tick += 1;
        self.known.insert(name, (involved, count, self.tick));
        if self.known.len() > MAX_EVENTS_REMEMBERED
            && let Some(oldest) = self
                .known
                .iter()
                .min_by_key(|(_, e)| e.2)
                .map(|(k, _)| k.clone())
        {
            self.known.remove(&oldest);
        }
    }

    pub(super) fn forget(&mut self, name: &str) {
        self.known.remove(name);
    }

    /// Drops the entries of Pods not in `pods` (other kinds — the TargetApp — are kept).
    pub(super) fn keep_pods(&mut self, pods: &[&str]) {
        self.known.retain(|_, (involved, _, _)| {
            involved
                .strip_prefix("Pod/")
                .is_none_or(|p| pods.contains(&p))
        });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.known.len()
    }
}

impl Controller {
    /// Records an Event on `involved`; the same (object, reason, message) again PATCHes the
    /// existing Event's `count` and `lastTimestamp` instead of creating another.
    pub(super) async fn event(
        &self,
        st: &mut TargetState,
        involved: &Value,
        type_: &str,
        reason: &str,
        message: &str,
    ) {
        // Messages quote polled state, endpoints and webhook URLs: Events are readable by
        // anyone who may list Events, so they are scrubbed like every other outgoing text.
        let message = &crate::redact::redact(message);
        let ns = str_at(involved, "/metadata/namespace").to_string();
        let iname = str_at(involved, "/metadata/name");
        let ikind = str_at(involved, "/kind");
        let name = ta::event_name(
            &format!("{}-{iname}", ikind.to_ascii_lowercase()),
            reason,
            message,
        )
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
        let now = self.now().to_string();
        let coll = format!("/api/v1/namespaces/{ns}/events");
        let bump = |count: u64| json!({"count": count, "lastTimestamp": now, "message": message});
        let involved_key = format!("{ikind}/{iname}");
        let mut count = st.events.count(&name);
        if count.is_none() {
            let body = json!({
                "apiVersion": "v1", "kind": "Event",
                "metadata": {"name": name, "namespace": ns},
                "involvedObject": {"apiVersion": str_at(involved, "/apiVersion"), "kind": ikind,
                    "name": iname, "namespace": ns, "uid": involved.pointer("/metadata/uid")},
                "reason": reason, "message": message, "type": type_,
                "source": {"component": "kubectl-claude-targetapp"},
                "reportingComponent": "kubectl-claude-targetapp",
                "firstTimestamp": now, "lastTimestamp": now, "count": 1,
            });
            match send(
                &self.actor.client,
                http::Method::POST,
                &coll,
                "application/json",
                &body,
            )
            .await
            {
                Ok((c, _)) if (200..300).contains(&c) => count = Some(1),
                // Recorded by an earlier leader: bump its count.
                Ok((409, _)) => {
                    let existing = send(
                        &self.actor.client,
                        http::Method::GET,
                        &format!("{coll}/{name}"),
                        "application/json",
                        &Value::Null,
                    )
                    .await
                    .ok()
                    .and_then(|(_, v)| v.get("count").and_then(Value::as_u64))
                    .unwrap_or(1);
                    count = self
                        .patch_event(&coll, &name, bump(existing + 1))
                        .await
                        .then_some(existing + 1);
                }
                _ => {
                    self.error("event_write");
                    return;
                }
            }
        } else if let Some(c) = count {
            count = if self.patch_event(&coll, &name, bump(c + 1)).await {
                Some(c + 1)
            } else {
                self.error("event_write");
                st.events.forget(&name);
                return;
            };
        }
        if let Some(c) = count {
            st.events.record(name, involved_key, c);
            self.shared.metrics.add(
                "operator_kco_events_generated_total",
                &[("type", type_), ("reason", reason)],
                1.0,
            );
        }
    }

    async fn patch_event(&self, coll: &str, name: &str, body: Value) -> bool {
        matches!(
            send(
                &self.actor.client,
                http::Method::PATCH,
                &format!("{coll}/{name}"),
                "application/merge-patch+json",
                &body,
            )
            .await,
            Ok((c, _)) if (200..300).contains(&c)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_memory_is_bounded_and_forgets_gone_pods() {
        let mut m = EventMemory::default();
        m.record("ta-a".into(), "TargetApp/mina".into(), 1);
        m.record("pod-0-a".into(), "Pod/mina-0".into(), 2);
        m.record("pod-1-a".into(), "Pod/mina-1".into(), 1);
        m.keep_pods(&["mina-1"]);
        assert_eq!(m.count("pod-0-a"), None, "mina-0 is gone");
        assert_eq!(m.count("pod-1-a"), Some(1));
        assert_eq!(m.count("ta-a"), Some(1), "the TargetApp's own Events stay");
        // A value that changes every poll: a new Event name each time, never more than the
        // bound remembered; the most recent stay, the oldest go first.
        for i in 0..1000 {
            m.record(format!("ta-change-{i}"), "TargetApp/mina".into(), 1);
            if i % 10 == 0 {
                m.record("ta-a".into(), "TargetApp/mina".into(), 2 + i);
            }
        }
        assert_eq!(m.len(), MAX_EVENTS_REMEMBERED);
        assert_eq!(m.count("ta-change-999"), Some(1));
        assert_eq!(m.count("ta-change-0"), None);
        assert_eq!(m.count("ta-a"), Some(992), "recently recorded: kept");
        m.forget("ta-a");
        assert_eq!(m.count("ta-a"), None);
    }
}
