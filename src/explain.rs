//! `diagnose --explain` support, pure: the compact, redacted prompt sent to a model, the
//! reversible name masking, and parsing the model's suggested actions back into typed
//! [`Action`]s. No network here; the caller sends the prompt.
//!
//! Redaction is by construction: Secret `data`/`stringData` is never read, environment values
//! whose names look secret are replaced, and token-looking strings in evidence are scrubbed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::action::Action;
use crate::cluster::{Inventory, Obj, ObjRef};
use crate::finding::LinkedFinding;

/// Character budget of the user prompt (about 1.5k tokens).
pub const PROMPT_BUDGET: usize = 6_000;

use crate::redact::REDACTED;

/// Maps object names and namespaces to reversible tokens (`obj-1`, …).
#[derive(Debug, Clone, Default)]
pub struct Masker {
    enabled: bool,
    to_token: BTreeMap<String, String>,
    to_name: BTreeMap<String, String>,
}

impl Masker {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            ..Self::default()
        }
    }

    /// The token for `name` (stable within one masker); `name` itself when masking is off.
    pub fn mask(&mut self, name: &str) -> String {
        if !self.enabled || name.is_empty() {
            return name.to_string();
        }
        if let Some(t) = self.to_token.get(name) {
            return t.clone();
        }
        let t = format!("obj-{}", self.to_token.len() + 1);
        self.to_token.insert(name.to_string(), t.clone());
        self.to_name.insert(t.clone(), name.to_string());
        t
    }

    /// Replaces every known name in free text (longest first, so `web-api` wins over `web`).
    pub fn mask_text(&self, text: &str) -> String {
        if !self.enabled {
            return text.to_string();
        }
        let mut names: Vec<(&String, &String)> = self.to_token.iter().collect();
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        names
            .iter()
            .fold(text.to_string(), |acc, (n, t)| acc.replace(n.as_str(), t))
    }

    /// Restores the original names in a model reply (longest token first: `obj-12` before
    /// `obj-1`).
    pub fn unmask(&self, text: &str) -> String {
        let mut tokens: Vec<(&String, &String)> = self.to_name.iter().collect();
        tokens.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
        tokens
            .iter()
            .fold(text.to_string(), |acc, (t, n)| acc.replace(t.as_str(), n))
    }

    fn obj(&mut self, r: &ObjRef) -> String {
        match &r.namespace {
            Some(ns) => format!("{}/{}/{}", r.kind, self.mask(ns), self.mask(&r.name)),
            None => format!("{}/{}", r.kind, self.mask(&r.name)),
        }
    }
}

pub use crate::redact::{looks_secret, redact};

/// A container's image, env (secret-looking values redacted, references shown as references)
/// and resources: the context a model needs for pod findings.
fn container_lines(o: &Obj, m: &mut Masker) -> Vec<String> {
    let spec = if o.kind() == "Pod" {
        "/spec"
    } else {
        "/spec/template/spec"
    };
    o.array_at(&format!("{spec}/containers"))
        .iter()
        .map(|c| {
            let c = Obj(c);
            let env: Vec<String> = c
                .array_at("/env")
                .iter()
                .filter_map(|e| {
                    let name = e.get("name")?.as_str()?;
                    let value = match (e.get("value").and_then(Value::as_str), e.get("valueFrom")) {
                        (Some(_), _) if looks_secret(name) => REDACTED.to_string(),
                        (Some(v), _) => redact(v),
                        (None, Some(from)) => {
                            let kind = if from.get("secretKeyRef").is_some() {
                                "secret"
                            } else {
                                "ref"
                            };
                            format!("<from {kind}>")
                        }
                        _ => String::new(),
                    };
                    Some(format!("{name}={value}"))
                })
                .collect();
            format!(
                "container {}: image={} resources={} env=[{}]",
                m.mask_text(c.str_at("/name").unwrap_or("")),
                m.mask_text(c.str_at("/image").unwrap_or("?")),
                c.at("/resources").map(Value::to_string).unwrap_or_default(),
                env.join(", ")
            )
        })
        .collect()
}

/// The user prompt for `--explain`: root causes first with evidence, proposed actions and
/// symptoms; then container context; truncated to [`PROMPT_BUDGET`]. Secret objects are
/// named, never read.
pub fn build_explain_prompt(
    findings: &[LinkedFinding],
    inv: &Inventory,
    mask_names: bool,
) -> (String, Masker) {
    let mut m = Masker::new(mask_names);
    // Register every name first so free text (evidence, commands) can be masked consistently.
    for f in findings {
        if let Some(ns) = &f.object.namespace {
            m.mask(ns);
        }
        m.mask(&f.object.name);
    }
    // Evidence names other objects too (sources, Secrets, nodes, pods): with masking on,
    // register every object in the findings' namespaces and every node (bounded, and names
    // of at least 3 characters, so short words in messages are left alone).
    if mask_names {
        let namespaces: std::collections::BTreeSet<&str> = findings
            .iter()
            .filter_map(|f| f.object.namespace.as_deref())
            .collect();
        let mut extra = 0;
        for o in inv.all() {
            let in_scope = o.namespace().is_some_and(|ns| namespaces.contains(ns))
                || matches!(o.kind(), "Node" | "Namespace");
            if in_scope && o.name().len() >= 3 && o.kind() != "Event" && extra < 2000 {
                m.mask(o.name());
                extra += 1;
            }
        }
    }
    let mut p = String::from(
        "Explain these Kubernetes diagnose findings to an operator: the root cause, why the \
         symptoms follow from it, and the safest next steps. Prefer fixes in Git for objects \
         managed by Flux or Argo CD. If you suggest actions, end with one fenced ```json block: \
         [{\"verb\": \"patch|reconcile|argo-sync|rollout-restart|…\", \"target\": {\"apiVersion\", \"kind\", \
         \"namespace\", \"name\"}, …}].\n\n",
    );
    let mut omitted = 0;
    for (i, f) in findings.iter().enumerate().filter(|(_, f)| f.root_cause) {
        let mut block = String::new();
        let _ = writeln!(
            block,
            "## [{}] {} {}\n{}",
            f.severity.as_str(),
            f.id,
            m.obj(&f.object),
            m.mask_text(&redact(&f.title))
        );
        for e in f.evidence.iter().take(5) {
            let e: String = e.chars().take(300).collect();
            let _ = writeln!(block, "- {}", m.mask_text(&redact(&e)));
        }
        for a in &f.actions {
            let _ = writeln!(
                block,
                "- proposed [{}]: {}",
                a.tier.as_str(),
                m.mask_text(&redact(&a.command))
            );
        }
        let symptoms: Vec<String> = findings
            .iter()
            .filter(|s| s.caused_by == Some(i))
            .map(|s| format!("{} ({})", m.obj(&s.object), s.id))
            .collect();
        if !symptoms.is_empty() {
            let _ = writeln!(block, "- symptoms: {}", symptoms.join(", "));
        }
        if let Some(o) = inv.get_ref(&f.object)
            && o.kind() != "Secret"
        {
            for l in container_lines(&o, &mut m) {
                let _ = writeln!(block, "- {l}");
            }
        }
        if p.len() + block.len() > PROMPT_BUDGET {
            omitted += 1;
            continue;
        }
        p.push_str(&block);
        p.push('\n');
    }
    if omitted > 0 {
        let _ = writeln!(
            p,
            "({omitted} more root causes omitted to stay within budget)"
        );
    }
    (p, m)
}

/// Extracts the fenced ```json block of suggested actions from a model reply into typed
/// actions. Invalid entries are skipped; a missing or broken block gives an empty list.
/// Unmask the reply first ([`Masker::unmask`]) so targets carry the real names.
pub fn parse_suggested_actions(reply: &str) -> Vec<Action> {
    let Some(start) = reply.find("```json") else {
        return Vec::new();
    };
    let body = &reply[start + "```json".len()..];
    let body = body.split("```").next().unwrap_or("");
    let items = match serde_json::from_str::<Value>(body.trim()) {
        Ok(Value::Array(a)) => a,
        Ok(v @ Value::Object(_)) => vec![v],
        _ => return Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Action>(v).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autonomy::Policy;
    use crate::finding::{Finding, Severity, link};
    use serde_json::json;

    #[test]
    fn mask_unmask_round_trip() {
        let mut m = Masker::new(true);
        let names: Vec<String> = (0..12).map(|i| format!("svc-{i}")).collect();
        let tokens: Vec<String> = names.iter().map(|n| m.mask(n)).collect();
        assert_eq!(m.mask("svc-0"), "obj-1");
        let text = format!("{} talks to {} and {}", tokens[0], tokens[11], tokens[1]);
        assert_eq!(m.unmask(&text), "svc-0 talks to svc-11 and svc-1");
        assert_eq!(
            m.unmask(&m.mask_text("svc-11 then svc-1")),
            "svc-11 then svc-1"
        );
        let mut off = Masker::new(false);
        assert_eq!(off.mask("web"), "web");
    }

    #[test]
    fn prompt_never_contains_secret_values() {
        let mut inv = Inventory::new();
        inv.insert(
            json!({"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop"},
            "data":{"password":"aHVudGVyMg=="},"stringData":{"password":"hunter2"}}),
        );
        inv.insert(json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","namespace":"shop"},
            "spec":{"template":{"spec":{"containers":[{"name":"api","image":"acme/api:1",
            "env":[{"name":"DB_PASSWORD","value":"hunter2"},{"name":"LOG_LEVEL","value":"debug"},
                   {"name":"API_TOKEN","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]}]}}}}));
        let fs = vec![
            Finding::new("t", "k8s.crashloopbackoff", Severity::Error,
                ObjRef::new("apps/v1", "Deployment", Some("shop"), "api"), "api crashes")
                .evidence("log: connecting with password=hunter2 Authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789")
                .evidence("token ghp_0123456789abcdefghijABCDEFGHIJ012345 leaked; sk-ant-api03-AbCdEf0123456789xyz"),
            Finding::new("t", "k8s.secret", Severity::Error,
                ObjRef::new("v1", "Secret", Some("shop"), "db"), "secret key missing"),
        ];
        let linked = link(fs, &Policy::default());
        let (p, m) = build_explain_prompt(&linked, &inv, true);
        for bad in [
            "hunter2",
            "aHVudGVyMg==",
            "ghp_0123",
            "sk-ant-api03",
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "shop/api",
        ] {
            assert!(!p.contains(bad), "{bad} leaked into:\n{p}");
        }
        assert!(p.contains("DB_PASSWORD=<redacted>"), "{p}");
        assert!(p.contains("LOG_LEVEL=debug"), "{p}");
        assert!(p.contains("API_TOKEN=<from secret>"), "{p}");
        assert!(p.len() <= PROMPT_BUDGET + 200);
        assert!(m.unmask(&p).contains("Deployment/shop/api"));
        // Commit SHAs are identifiers, not secrets.
        assert!(redact("main@sha1:4c1d9e2f7a3b5c8d0e1f2a3b4c5d6e7f8a9b0c1d").contains("4c1d9e2f"));
    }

    #[test]
    fn suggested_actions_parse_and_skip_invalid() {
        let reply = "Root cause is the secret.\n```json\n[\
            {\"verb\":\"reconcile\",\"target\":{\"apiVersion\":\"source.toolkit.fluxcd.io/v1\",\"kind\":\"GitRepository\",\"namespace\":\"flux-system\",\"name\":\"fleet\"},\"with_source\":false},\
            {\"verb\":\"launch-missiles\"},\
            {\"verb\":\"cordon\",\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"n1\"}}]\n```\n";
        let a = parse_suggested_actions(reply);
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].verb(), "reconcile");
        assert_eq!(a[1].verb(), "cordon");
        assert!(parse_suggested_actions("no block").is_empty());
        assert!(parse_suggested_actions("```json\n[{]\n```").is_empty());
        assert!(parse_suggested_actions("```json").is_empty());
    }
}
