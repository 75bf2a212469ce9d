//! Notifications: one message per new root cause (by the finding's stable fingerprint), one
//! when it clears, and a quiet period during which a fingerprint is not announced again.
//! Slack incoming-webhook format (`{"text": …}`) and a generic JSON webhook
//! (`{"event": "firing|resolved", "finding": {…}}`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Where to send and how often.
pub struct Notifier {
    pub slack: Vec<String>,
    pub webhooks: Vec<String>,
    pub quiet: Duration,
    client: reqwest::Client,
    /// fingerprint → (finding, when it was last announced).
    active: RefCell<BTreeMap<String, (Value, Instant)>>,
    announced: RefCell<BTreeMap<String, Instant>>,
    /// Approval requests already announced; only the ones still pending are remembered
    /// ([`Notifier::keep_approvals`]), so this does not grow with every request ever made.
    approvals_sent: RefCell<std::collections::BTreeSet<String>>,
}

/// What an approval message says.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApprovalNotice {
    pub id: String,
    pub namespace: String,
    pub origin: String,
    /// `verb target` of each step.
    pub changes: Vec<String>,
    pub expires_at: String,
    /// The review page (`--external-url` + `/ui/pending/<ns>/<id>`).
    pub url: Option<String>,
    /// The command that approves it.
    pub command: String,
}

fn line(f: &Value) -> String {
    let o = &f["object"];
    let ns = o["namespace"]
        .as_str()
        .map(|n| format!("{n}/"))
        .unwrap_or_default();
    format!(
        "{} {}{}/{}: {}",
        f["id"].as_str().unwrap_or(""),
        ns,
        o["kind"].as_str().unwrap_or(""),
        o["name"].as_str().unwrap_or(""),
        f["title"].as_str().unwrap_or("")
    )
}

impl Notifier {
    pub fn new(slack: Vec<String>, webhooks: Vec<String>, quiet: Duration) -> Self {
        // The binary installs ring at start; a library caller (a unit test) may not have.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            slack,
            webhooks,
            quiet,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
            active: RefCell::default(),
            announced: RefCell::default(),
            approvals_sent: RefCell::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        !self.slack.is_empty() || !self.webhooks.is_empty()
    }

    /// The messages a new set of root-cause findings calls for (and updates the state).
    pub fn changes(&self, roots: &[Value]) -> Vec<(&'static str, Value)> {
        let now = Instant::now();
        let mut out = Vec::new();
        let mut active = self.active.borrow_mut();
        let mut announced = self.announced.borrow_mut();
        let current: BTreeMap<String, Value> = roots
            .iter()
            .map(|f| {
                (
                    f["fingerprint"].as_str().unwrap_or("").to_string(),
                    f.clone(),
                )
            })
            .collect();
        for (fp, f) in &current {
            if active.contains_key(fp) {
                continue;
            }
            let recent = announced
                .get(fp)
                .is_some_and(|t| now.duration_since(*t) < self.quiet);
            if !recent {
                out.push(("firing", f.clone()));
                announced.insert(fp.clone(), now);
            }
            active.insert(fp.clone(), (f.clone(), now));
        }
        let gone: Vec<String> = active
            .keys()
            .filter(|k| !current.contains_key(*k))
            .cloned()
            .collect();
        for fp in gone {
            if let Some((f, _)) = active.remove(&fp) {
                out.push(("resolved", f));
            }
        }
        out
    }

    /// Announces a pending approval request once per process (`approval`): what it changes,
    /// where to approve it (`<external URL>/ui/pending/<ns>/<id>` when serve knows its URL)
    /// and the `kubectl claude approvals approve` command. Returns the failures, or `None`
    /// when this id was already announced.
    pub async fn send_approval(&self, a: &ApprovalNotice) -> Option<usize> {
        if !self.approvals_sent.borrow_mut().insert(a.id.clone()) {
            return None;
        }
        let mut text = format!(
            ":raised_hand: approval needed: {} ({})",
            a.changes.join(", "),
            a.origin
        );
        if let Some(u) = &a.url {
            text.push_str(&format!("\nReview: {u}"));
        }
        text.push_str(&format!("\nApprove: `{}`", a.command));
        let mut failed = 0;
        for url in &self.slack {
            let r = self
                .client
                .post(url)
                .json(&json!({"text": text}))
                .send()
                .await;
            failed += usize::from(!r.is_ok_and(|r| r.status().is_success()));
        }
        for url in &self.webhooks {
            let r = self
                .client
                .post(url)
                .json(&json!({"event": "approval", "approval": a}))
                .send()
                .await;
            failed += usize::from(!r.is_ok_and(|r| r.status().is_success()));
        }
        Some(failed)
    }

    /// Forgets the announced approval requests that are no longer pending (decided, expired
    /// or deleted: none of them is announced again).
    pub fn keep_approvals(&self, pending: &std::collections::BTreeSet<String>) {
        self.approvals_sent
            .borrow_mut()
            .retain(|id| pending.contains(id));
    }

    /// How many approval requests are remembered as announced.
    pub fn approvals_remembered(&self) -> usize {
        self.approvals_sent.borrow().len()
    }

    /// Sends one message to every target (best effort; failures are counted by the caller).
    pub async fn send(&self, event: &str, f: &Value) -> usize {
        let text = match event {
            "firing" => format!(":rotating_light: {}", line(f)),
            _ => format!(":white_check_mark: resolved: {}", line(f)),
        };
        let mut failed = 0;
        for url in &self.slack {
            let r = self
                .client
                .post(url)
                .json(&json!({"text": text}))
                .send()
                .await;
            failed += usize::from(!r.is_ok_and(|r| r.status().is_success()));
        }
        for url in &self.webhooks {
            let r = self
                .client
                .post(url)
                .json(&json!({"event": event, "finding": f}))
                .send()
                .await;
            failed += usize::from(!r.is_ok_and(|r| r.status().is_success()));
        }
        failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announced_approvals_are_remembered_only_while_pending() {
        let n = Notifier::new(Vec::new(), Vec::new(), Duration::from_secs(1));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let notice = |id: &str| ApprovalNotice {
            id: id.into(),
            namespace: "q".into(),
            origin: "trigger".into(),
            changes: vec!["restart pod/x".into()],
            expires_at: String::new(),
            url: None,
            command: String::new(),
        };
        for i in 0..100 {
            assert_eq!(
                rt.block_on(n.send_approval(&notice(&format!("r{i}")))),
                Some(0)
            );
        }
        assert_eq!(rt.block_on(n.send_approval(&notice("r7"))), None, "once");
        n.keep_approvals(&["r7".to_string()].into());
        assert_eq!(n.approvals_remembered(), 1);
        assert_eq!(rt.block_on(n.send_approval(&notice("r7"))), None);
        n.keep_approvals(&Default::default());
        assert_eq!(n.approvals_remembered(), 0);
    }

    #[test]
    fn one_message_per_root_cause_and_a_resolved_one() {
        let n = Notifier::new(vec!["http://x".into()], vec![], Duration::from_secs(600));
        let f = json!({"fingerprint": "a", "id": "k8s.crashloopbackoff", "object": {"kind": "Pod", "name": "p"}});
        assert_eq!(n.changes(std::slice::from_ref(&f)).len(), 1);
        assert!(n.changes(std::slice::from_ref(&f)).is_empty(), "no repeat");
        let r = n.changes(&[]);
        assert_eq!(r[0].0, "resolved");
        // Back within the quiet period: not announced again.
        assert!(n.changes(std::slice::from_ref(&f)).is_empty());
    }
}
