//! Credential detection: instructions are sent to the model as written, so text that looks
//! like a credential (API keys, tokens, private keys, `password: …` values) is refused unless
//! the user passes `--allow-secrets`. Naming a Secret ("Secret \"db\" for credentials") is
//! fine; carrying a value is not.

/// One suspicious span: a description and where it starts (line number, 1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspect {
    pub line: usize,
    pub what: &'static str,
}

const PREFIXES: &[(&str, &str)] = &[
    ("sk-ant-", "an Anthropic API key"),
    ("sk-proj-", "an OpenAI API key"),
    ("ghp_", "a GitHub token"),
    ("gho_", "a GitHub token"),
    ("ghs_", "a GitHub token"),
    ("github_pat_", "a GitHub token"),
    ("glpat-", "a GitLab token"),
    ("xoxb-", "a Slack token"),
    ("xoxp-", "a Slack token"),
    ("AKIA", "an AWS access key id"),
    ("eyJ", "a JWT"),
];

const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "api-key",
    "access_key",
    "private_key",
    "client_secret",
];

/// True for a string that looks random enough to be a credential.
fn high_entropy(word: &str) -> bool {
    // `NAME=value` (an environment variable): only the value can be a credential, and an
    // upper-case name next to a lower-case value must not pass for a random mix of classes.
    let word = match word.split_once('=') {
        Some((name, value))
            if !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_') =>
        {
            value
        }
        _ => word,
    };
    let w = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if w.len() < 24 {
        return false;
    }
    let lower = w.chars().any(|c| c.is_ascii_lowercase());
    let upper = w.chars().any(|c| c.is_ascii_uppercase());
    let digit = w.chars().any(|c| c.is_ascii_digit());
    let classes = [lower, upper, digit].iter().filter(|b| **b).count();
    let distinct = {
        let mut v: Vec<char> = w.chars().collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    classes >= 3 && distinct >= 12 && !w.contains("://")
}

/// The value after `password:`/`password=`/`password is` on a line, if any.
fn value_after_secret_word(line: &str) -> Option<&str> {
    let lower = line.to_ascii_lowercase();
    for w in SECRET_WORDS {
        let mut from = 0;
        while let Some(i) = lower[from..].find(w) {
            let at = from + i + w.len();
            let rest = line[at..].trim_start();
            let rest = rest
                .strip_prefix(':')
                .or_else(|| rest.strip_prefix('='))
                .or_else(|| rest.strip_prefix(" is "))
                .or_else(|| rest.strip_prefix("is "));
            if let Some(v) = rest {
                let v = v.trim().trim_matches(|c| c == '"' || c == '\'' || c == '`');
                let first = v.split_whitespace().next().unwrap_or("");
                // "password: from the Secret db-creds" names a reference, not a value.
                let reference = [
                    "from", "in", "stored", "via", "the", "a", "an", "secret", "<", "${", "{{",
                ]
                .iter()
                .any(|r| first.to_ascii_lowercase().starts_with(r));
                if !first.is_empty() && !reference && first.len() >= 4 {
                    return Some(first);
                }
            }
            from = at;
        }
    }
    None
}

/// Scans text for credentials.
pub fn scan(text: &str) -> Vec<Suspect> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY") {
            out.push(Suspect {
                line: n,
                what: "a private key",
            });
            continue;
        }
        let mut found = false;
        for word in line
            .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | '(' | ')'))
        {
            let w = word.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
            if let Some((_, what)) = PREFIXES
                .iter()
                .find(|(p, _)| w.starts_with(p) && w.len() >= p.len() + 12)
            {
                out.push(Suspect { line: n, what });
                found = true;
                break;
            }
            if high_entropy(w) {
                out.push(Suspect {
                    line: n,
                    what: "a long random-looking string (a key or token?)",
                });
                found = true;
                break;
            }
        }
        if !found && value_after_secret_word(line).is_some() {
            out.push(Suspect {
                line: n,
                what: "a password or token value",
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_credentials() {
        assert!(!scan("use key sk-ant-api03-abcdefghijklmnop").is_empty());
        assert!(!scan("- DB password: hunter2secret").is_empty());
        assert!(!scan("token=ghp_0123456789abcdefABCDEF012345").is_empty());
        assert!(!scan("-----BEGIN OPENSSH PRIVATE KEY-----").is_empty());
        assert!(!scan("set API_KEY to Zx81kQ2mP9vL4rT7wY3uN6bC").is_empty());
        assert!(!scan("- env: SIGNING=Zx81kQ2mP9vL4rT7wY3uN6bCq0").is_empty());
    }

    #[test]
    fn references_and_ordinary_text_pass() {
        for t in [
            "- Secret \"user-service-secrets\" for DB credentials",
            "- Environment variables from ConfigMap \"user-service-config\"",
            "password: from the Secret db-creds",
            "Image: myregistry/user-service:sha-abc123",
            "Add health checks on /health endpoint",
            "host: app.example.com with TLS",
            "token: {{ .Values.token }}",
            // An upper-case name and a lower-case value are not a random mix.
            "- env: KAFKA_BROKERS=kafka:9092",
        ] {
            assert!(scan(t).is_empty(), "{t}: {:?}", scan(t));
        }
    }
}
