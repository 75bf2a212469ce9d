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

/// A bare JSON Web Token: `eyJ…` with three dot-separated parts.
fn is_jwt(s: &str) -> bool {
    s.starts_with("eyJ") && s.len() > 30 && s.split('.').count() == 3 && !s.contains("..")
}

/// Keys whose bare word names a thing rather than holding one (`secret: db-creds`).
fn names_a_thing(key: &str) -> bool {
    matches!(
        key.to_ascii_uppercase().as_str(),
        "SECRET" | "SECRETS" | "SECRETNAME" | "SECRETREF" | "KEY" | "KEYS" | "CERT" | "AUTH"
    )
}

/// A key that can precede a credential: secret-looking and shaped like an identifier.
fn credential_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && looks_secret(key)
}

/// Replaces `word[range]` by the redaction marker.
fn replace_range(word: &str, range: std::ops::Range<usize>) -> String {
    format!("{}{REDACTED}{}", &word[..range.start], &word[range.end..])
}

/// The byte range of a credential value in a word: `KEY=value`, `?token=value`,
/// `"key":"value"`. `key:value` without a space is not one (`image:tag`, `host:443`).
fn assignment_value(word: &str) -> Option<std::ops::Range<usize>> {
    let quote = |c: char| "\"'`".contains(c);
    let (key_end, value_start) = if let Some(i) = word.find("\":") {
        (i, i + 2)
    } else {
        let i = word.find('=')?;
        (i, i + 1)
    };
    let key = word[..key_end].trim_matches(quote);
    // A URL query (`…?token=x&a=b`) keys on its last parameter name.
    let key = key.rsplit(['?', '&']).next().unwrap_or(key);
    if !credential_key(key) {
        return None;
    }
    let rest = &word[value_start..];
    let lead = rest.len() - rest.trim_start_matches(quote).len();
    let value = rest.trim_matches(|c: char| quote(c) || ",;)]}&".contains(c));
    (!value.is_empty()).then(|| value_start + lead..value_start + lead + value.len())
}

/// Replaces the bodies of PEM private keys.
fn redact_pem(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(b) = rest.find("-----BEGIN") {
        let Some(head_end) = rest[b..].find("KEY-----").map(|i| b + i + "KEY-----".len()) else {
            break;
        };
        let Some(end) = rest[head_end..].find("-----END").map(|i| head_end + i) else {
            break;
        };
        out.push_str(&rest[..head_end]);
        out.push_str(REDACTED);
        rest = &rest[end..];
        // Skip past this END marker so the loop finds the next BEGIN.
        let skip = rest
            .find("KEY-----")
            .map_or(rest.len(), |i| i + "KEY-----".len());
        out.push_str(&rest[..skip]);
        rest = &rest[skip..];
    }
    out.push_str(rest);
    out
}

/// Scrubs credential-looking text: `Bearer …`/`Basic …`, known token prefixes, JWTs, long
/// base64-like runs (hex digests and commit SHAs are kept: they are identifiers), passwords
/// in URLs, PEM private keys, and values after secret-looking keys (`PASSWORD=…`,
/// `password: …`, `"token":"…"`, `?token=…`). Whitespace is kept as it was.
pub fn redact(text: &str) -> String {
    let text = redact_pem(text);
    let mut out = String::with_capacity(text.len());
    let mut redact_next = false;
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        out.push_str(&redact_word(word, &mut redact_next));
        out.push_str(&piece[word.len()..]);
    }
    out
}

fn redact_word(word: &str, redact_next: &mut bool) -> String {
    let punct = |c: char| "\"'`,;()[]{}".contains(c);
    let core = word.trim_matches(punct);
    if core.is_empty() {
        return word.to_string();
    }
    let lead = word.len() - word.trim_start_matches(punct).len();
    let core_range = lead..lead + core.len();
    let scheme = core.eq_ignore_ascii_case("bearer") || core.eq_ignore_ascii_case("basic");
    // `Authorization: Bearer <token>`: the scheme word stays, the credential goes.
    if *redact_next && scheme {
        return word.to_string();
    }
    let token_like = TOKEN_PREFIXES
        .iter()
        .any(|p| core.starts_with(p) && core.len() > p.len() + 8)
        || is_long_base64(core)
        || is_jwt(core);
    if *redact_next || token_like {
        *redact_next = false;
        return replace_range(word, core_range);
    }
    if let Some(url) = redact_url_userinfo(core) {
        return format!(
            "{}{url}{}",
            &word[..core_range.start],
            &word[core_range.end..]
        );
    }
    if let Some(r) = assignment_value(core) {
        return replace_range(word, lead + r.start..lead + r.end);
    }
    // `password: hunter2`: the value is the next word.
    if let Some(key) = core.strip_suffix(':')
        && credential_key(key)
        && !names_a_thing(key)
    {
        *redact_next = true;
        return word.to_string();
    }
    *redact_next = scheme;
    word.to_string()
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
            "image quay.io/jetstack/cert-manager-controller:v1.13.0 not found",
            "pull keycloak:21.0 failed",
            "dial auth-service.auth.svc:443: refused",
            "secret: db-creds not found",
            "line one\n\tindented two",
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
