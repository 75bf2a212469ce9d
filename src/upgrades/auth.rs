//! Repository credentials, only from Secret manifests the user passes explicitly
//! (`--credentials FILE|DIR`, e.g. the output of `sops -d`). They are used for the one
//! repository whose `spec.secretRef` names them and never appear in any output.

use base64::Engine;
use serde_json::Value;

use super::doc::Doc;
use crate::cluster::Obj;

/// HTTP basic credentials (also what registries exchange for a bearer token).
#[derive(Clone, PartialEq, Eq)]
pub struct Basic {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Basic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Basic({})", crate::redact::REDACTED)
    }
}

/// The Secrets given with `--credentials`.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    secrets: Vec<Value>,
}

fn b64(s: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .ok()?;
    String::from_utf8(bytes).ok()
}

impl Credentials {
    pub fn from_docs(docs: Vec<Doc>) -> Self {
        Self {
            secrets: docs
                .into_iter()
                .map(|d| d.value)
                .filter(|v| Obj(v).kind() == "Secret")
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// The credentials in Secret `namespace/name` for `host`: `username`/`password` keys, or a
    /// `.dockerconfigjson` entry for the host. A Secret without a namespace matches any.
    pub fn lookup(&self, namespace: &str, name: &str, host: &str) -> Option<Basic> {
        let s = self.secrets.iter().find(|v| {
            let o = Obj(v);
            o.name() == name && o.namespace().is_none_or(|n| n == namespace)
        })?;
        let get = |k: &str| -> Option<String> {
            if let Some(v) = s
                .pointer(&format!("/stringData/{k}"))
                .and_then(Value::as_str)
            {
                return Some(v.to_string());
            }
            s.pointer(&format!("/data/{k}"))
                .and_then(Value::as_str)
                .and_then(b64)
        };
        if let (Some(username), Some(password)) = (get("username"), get("password")) {
            return Some(Basic { username, password });
        }
        let cfg: Value = serde_json::from_str(&get(".dockerconfigjson")?).ok()?;
        let auths = cfg.get("auths")?.as_object()?;
        let entry = auths.iter().find_map(|(k, v)| {
            let k = k
                .trim_start_matches("https://")
                .trim_start_matches("http://");
            (k.split('/').next() == Some(host)).then_some(v)
        })?;
        if let (Some(u), Some(p)) = (
            entry.get("username").and_then(Value::as_str),
            entry.get("password").and_then(Value::as_str),
        ) {
            return Some(Basic {
                username: u.into(),
                password: p.into(),
            });
        }
        let (u, p) = b64(entry.get("auth")?.as_str()?)?
            .split_once(':')
            .map(|(u, p)| (u.to_string(), p.to_string()))?;
        Some(Basic {
            username: u,
            password: p,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_keys_and_docker_config_json() {
        let docs = crate::manifest::parse_stream(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: repo, namespace: flux-system}\ndata: {username: dXNlcg==, password: czNjcmV0}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: ghcr}\ntype: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\": {\"ghcr.io\": {\"auth\": \"Ym90OnRva2Vu\"}}}'\n",
        )
        .unwrap()
        .into_iter()
        .map(|value| Doc {
            value,
            ..Doc::default()
        })
        .collect();
        let c = Credentials::from_docs(docs);
        let b = c.lookup("flux-system", "repo", "charts.example").unwrap();
        assert_eq!(
            (b.username.as_str(), b.password.as_str()),
            ("user", "s3cret")
        );
        assert_eq!(format!("{b:?}"), "Basic(<redacted>)");
        assert!(c.lookup("other", "repo", "x").is_none());
        let g = c.lookup("flux-system", "ghcr", "ghcr.io").unwrap();
        assert_eq!((g.username.as_str(), g.password.as_str()), ("bot", "token"));
        assert!(c.lookup("flux-system", "ghcr", "quay.io").is_none());
    }
}
