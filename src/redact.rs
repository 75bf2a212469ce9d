//! Redaction shared by everything that may leave the process or land on disk: prompts to a
//! model (`diagnose --explain`, workflow tasks), snapshots and the audit log. One list of
//! secret-looking names, one text scrubber.

/// What a redacted value reads as.
pub const REDACTED: &str = "<redacted>";

/// True for names of variables and keys that usually hold credentials.
pub fn looks_secret(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "TOKEN",
        "PASSWORD",
        "PASSWD",
        "PWD",
        "SECRET",
        "KEY",
        "CREDENTIAL",
        "AUTH",
        "PRIVATE",
        "CERT",
        "DSN",
        "CONNECTION_STRING",
        "SESSION",
        "COOKIE",
    ];
    let up = name.to_ascii_uppercase();
    WORDS.iter().any(|w| up.contains(w))
}

const TOKEN_PREFIXES: &[&str] = &[
    "ghp_",
    "gho_",
    "ghs_",
    "ghu_",
    "github_pat_",
    "sk-ant-",
    "sk-",
    "xoxb-",
    "xoxp-",
    "glpat-",
    "AKIA",
];

fn is_long_base64(s: &str) -> bool {
    // Only the value part of `sha256:…` / `main@sha1:…` identifiers is checked.
    let s = s.rsplit([':', '@']).next().unwrap_or(s);
    s.len() >= 24
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=_-".contains(c))
        && !s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_uppercase())
}

/// `scheme://user:password@host…` → `scheme://user:<redacted>@host…`.
fn redact_url_userinfo(word: &str) -> Option<String> {
    let start = word.find("://")? + 3;
    let rest = &word[start..];
    let host_end = rest.find('/').unwrap_or(rest.len());
    let at = rest[..host_end].rfind('@')?;
    let userinfo = &rest[..at];
    // `git@host` names a user, not a password.
    let (user, _password) = userinfo.split_once(':')?;
    Some(format!(
        "{}{user}:{REDACTED}{}",
        &word[..start],
        &rest[at..]
    ))
}

/// Splits `key=value`, `key:value`, `"key":"value"` (not `://`); the key without quotes.
fn key_value(word: &str) -> Option<(&str, &str)> {
    let i = word
        .char_indices()
        .find(|&(i, c)| (c == '=' || c == ':') && !word[i..].starts_with("://"))
        .map(|(i, _)| i)?;
    let key = word[..i].trim_matches(|c: char| "\"'`{[(".contains(c));
    let value = word[i + 1..].trim_matches(|c: char| "\"'`,;)]}".contains(c));
    Some((key, value))
}

/// Scrubs credential-looking text: `Bearer …`, known token prefixes, long base64-like runs
/// (hex digests and commit SHAs are kept: they are identifiers), passwords in URLs, and
/// values after secret-looking keys (`PASSWORD=…`, `password: …`, `"token":"…"`).
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut redact_next = false;
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = word.trim_matches(|c: char| "\"'`,;()[]{}".contains(c));
        if core.is_empty() {
            out.push_str(word);
            continue;
        }
        let token_like = TOKEN_PREFIXES
            .iter()
            .any(|p| core.starts_with(p) && core.len() > p.len() + 8)
            || is_long_base64(core);
        // `Authorization: Bearer <token>`: the scheme word stays, the token goes.
        if redact_next && core.eq_ignore_ascii_case("bearer") {
            out.push_str(word);
            continue;
        }
        if redact_next || token_like {
            redact_next = false;
            out.push_str(&word.replacen(core, REDACTED, 1));
            continue;
        }
        if let Some(url) = redact_url_userinfo(core) {
            out.push_str(&word.replacen(core, &url, 1));
            continue;
        }
        match key_value(core) {
            // `password: hunter2`: the value is the next word.
            Some((k, "")) if looks_secret(k) => {
                redact_next = true;
                out.push_str(word);
            }
            Some((k, v)) if looks_secret(k) && !v.is_empty() => {
                out.push_str(&word.replacen(v, REDACTED, 1));
            }
            _ => {
                redact_next = core.eq_ignore_ascii_case("bearer");
                out.push_str(word);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_credentials_in_their_common_shapes() {
        for (input, secret) in [
            ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
            ("DB_PASSWORD=hunter2", "hunter2"),
            ("MYSQL_PWD=hunter2", "hunter2"),
            ("error: password: hunter2 rejected", "hunter2"),
            (r#"{"token":"s3cr3t-value"}"#, "s3cr3t-value"),
            ("dial postgres://app:hunter2@db:5432/app failed", "hunter2"),
            (
                "key ghp_0123456789abcdefABCDEF",
                "ghp_0123456789abcdefABCDEF",
            ),
            (
                "blob aGVsbG8gd29ybGQgdGhpcyBpcyBsb25nZXI=",
                "aGVsbG8gd29ybGQgdGhpcyBpcyBsb25nZXI=",
            ),
        ] {
            let r = redact(input);
            assert!(!r.contains(secret), "{input} → {r}");
            assert!(r.contains(REDACTED), "{input} → {r}");
        }
    }

    #[test]
    fn keeps_identifiers_and_ordinary_text() {
        for t in [
            "main@sha1:4c1d9e2f7a3b5c8d0e1f2a3b4c5d6e7f8a9b0c1d",
            "image: ghcr.io/acme/app:1.2.3",
            "url: ssh://git@github.com/acme/fleet",
            "Ready=False reason: AuthenticationFailed",
        ] {
            assert_eq!(redact(t), t);
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for t in [
            "",
            " ",
            "=",
            ":",
            "://",
            "a://@",
            "password:",
            "ü://ä:ö@ß",
            "x=ü",
            "\"\":\"\"",
        ] {
            let _ = redact(t);
        }
    }
}
