//! Redaction shared by everything that may leave the process or land on disk: prompts to a
//! model (`diagnose --explain`, workflow tasks), snapshots and the audit log. One list of
//! secret-looking names, one text scrubber.

/// What every masked value reads as, wherever it goes: a Secret value in a diff or the audit
/// log, a snapshot, a prompt to a model, scrubbed text, a configured API key, an MCP result.
/// One spelling, defined here and nowhere else.
pub const REDACTED: &str = "<redacted>";

/// True for the kind whose `data`/`stringData` values are masked wherever they go.
pub fn is_secret_kind(kind: &str) -> bool {
    kind.eq_ignore_ascii_case("secret")
}

/// Name segments that hold a credential when they are the whole segment (`DB_PASS`,
/// `X-Api-Key`, `basic_auth`).
const EXACT: &[&str] = &[
    "pass", "pwd", "pw", "key", "auth", "dsn", "jwt", "otp", "psk", "cred", "creds", "sid",
];

/// Words that make a segment a credential wherever they occur in it (`dbpassword`,
/// `authtoken`, `X-Secret`).
const CONTAINED: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "cookie",
    "session",
    "apikey",
    "accesskey",
    "privatekey",
    "secretkey",
    "authorization",
    "bearer",
    "private",
    "cert",
    "connectionstring",
    "signature",
];

/// Segments that end like a credential word but are ordinary words.
const NOT_CREDENTIALS: &[&str] = &[
    "bypass",
    "compass",
    "encompass",
    "overpass",
    "underpass",
    "monkey",
    "donkey",
    "hockey",
    "turkey",
    "whiskey",
    "jockey",
    "tokens",
    "tokenizer",
    "tokenize",
    "tokenized",
];

/// A last segment that makes the whole name point at something (a name, a file, a size)
/// rather than hold it: `secretName`, `secretKeyRef`, `passwordFile`, `sessionAffinity`.
const NAMES_A_THING: &[&str] = &[
    "name",
    "names",
    "ref",
    "refs",
    "keyref",
    "selector",
    "path",
    "file",
    "files",
    "dir",
    "length",
    "len",
    "size",
    "type",
    "count",
    "enabled",
    "mode",
    "format",
    "version",
    "ttl",
    "timeout",
    "interval",
    "policy",
    "provider",
    "namespace",
    "mount",
    "affinity",
    "expiry",
    "expires",
    "algorithm",
    "issuer",
    "store",
    "class",
    "id",
    "ids",
    "prefix",
    "rotation",
];

/// The segments of a name: split at anything not alphanumeric and at camelCase humps,
/// lowercased (`spring.datasource.password` → spring, datasource, password; `secretKeyRef` →
/// secret, key, ref).
fn segments(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn segment_is_credential(seg: &str) -> bool {
    if NOT_CREDENTIALS.contains(&seg) || seg.starts_with("tokeniz") {
        return false;
    }
    EXACT.contains(&seg)
        || CONTAINED.iter().any(|w| seg.contains(w))
        // Run-together names: `rootpass`, `dbpwd`, `masterkey`, `basicauth`.
        || (seg.len() <= 14
            && ["pass", "pwd", "key", "auth"]
                .iter()
                .any(|w| seg.len() > w.len() && seg.ends_with(w)))
}

/// True for names of variables and keys that usually hold credentials: any segment of the
/// name says pass/pwd/secret/token/key/credential/auth/cookie/session (and kin), unless the
/// name ends by pointing at something (`secretName`, `passwordFile`).
pub fn looks_secret(name: &str) -> bool {
    let segs = segments(name);
    if segs.len() > 1
        && let Some(last) = segs.last()
        && NAMES_A_THING.contains(&last.as_str())
    {
        return false;
    }
    segs.iter().any(|s| segment_is_credential(s))
}

/// Values that are never credentials, so redacting them would only hide meaning:
/// booleans, empty, a reference to a variable, or a value already masked.
fn harmless_value(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "" | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "enabled"
            | "disabled"
            | "none"
            | "null"
            | "nil"
            | "required"
            | "optional"
            | "***"
    ) || v == REDACTED
        || v.starts_with("$(")
        || v.starts_with("${")
}

/// Words after a bare `password`/`token` that are prose, not the credential
/// (`password authentication failed`, `token has expired`).
const PROSE: &[&str] = &[
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "for",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "and",
    "or",
    "not",
    "no",
    "the",
    "a",
    "an",
    "authentication",
    "auth",
    "required",
    "incorrect",
    "invalid",
    "wrong",
    "expired",
    "mismatch",
    "failed",
    "failure",
    "must",
    "should",
    "changed",
    "reset",
    "file",
    "field",
    "policy",
    "missing",
    "empty",
    "provided",
    "set",
    "unset",
    "length",
    "too",
    "does",
    "did",
    "do",
    "cannot",
    "can",
    "will",
    "may",
    "could",
    "would",
    "hash",
    "update",
    "updated",
    "rotation",
    "rotated",
    "stored",
    "prompt",
    "change",
    "error",
    "verification",
    "check",
    "login",
    "manager",
    "refresh",
    "request",
    "requested",
    "secret",
    "rejected",
    "denied",
    "accepted",
    "ok",
    "value",
    "values",
    "exchange",
    "endpoint",
    "url",
    "audience",
    "review",
    "projection",
    "controller",
    "volume",
    "mount",
    "-",
];

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

/// Keys whose bare word names a thing rather than holding one (`secret: db-creds`,
/// `key: app.kubernetes.io/name` in a selector) in the unquoted `key: value` form.
fn names_a_thing(key: &str) -> bool {
    matches!(
        key.to_ascii_uppercase().as_str(),
        "SECRET"
            | "SECRETS"
            | "SECRETNAME"
            | "SECRETREF"
            | "KEY"
            | "KEYS"
            | "CERT"
            | "AUTH"
            | "TOKEN"
            | "SESSION"
            | "COOKIE"
    )
}

/// A key that can precede a credential: secret-looking and shaped like an identifier,
/// flags (`--db-password`) and dotted properties (`-Dspring.datasource.password`) included.
fn credential_key(key: &str) -> bool {
    let key = key.trim_start_matches('-');
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        && looks_secret(key)
}

/// Replaces `word[range]` by the redaction marker.
fn replace_range(word: &str, range: std::ops::Range<usize>) -> String {
    // A range that ends inside a multi-byte character (fuzz find) widens to whole characters:
    // masking a little more never leaks, slicing mid-character panics.
    let mut start = range.start.min(word.len());
    while !word.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end.clamp(start, word.len());
    while !word.is_char_boundary(end) {
        end += 1;
    }
    format!("{}{REDACTED}{}", &word[..start], &word[end..])
}

fn is_quote(c: char) -> bool {
    "\"'`".contains(c)
}

/// The byte range of a credential value in a word: `KEY=value`, `--token=value`,
/// `"key":"value"`, `key:=value`. `key:value` without a space is not one (`image:tag`,
/// `host:443`).
fn assignment_value(word: &str) -> Option<std::ops::Range<usize>> {
    let (key_end, value_start) = if let Some(i) = word.find("\":") {
        (i, i + 2)
    } else {
        let i = word.find('=')?;
        (i, i + 1)
    };
    let key = word[..key_end].trim_matches(is_quote);
    let key = key.strip_suffix(':').unwrap_or(key);
    if !credential_key(key) {
        return None;
    }
    let rest = &word[value_start..];
    // One predicate for both ends: a lead measured with another one put the range inside
    // a multi-byte character (`dsn=",`…`, fuzz find).
    let around = |c: char| is_quote(c) || ",;)]}&".contains(c);
    let lead = rest.len() - rest.trim_start_matches(around).len();
    let value = rest.trim_matches(around);
    (!harmless_value(value)).then(|| value_start + lead..value_start + lead + value.len())
}

/// Masks secret-looking parameters of a query string or a `;`/`&`-separated list
/// (`https://h/cb?user=a&password=x`, `Server=db;Password=x;`), keeping the rest.
fn redact_params(word: &str) -> Option<String> {
    if !word.contains(['&', ';', '?']) || !word.contains('=') {
        return None;
    }
    let mut out = String::with_capacity(word.len());
    let mut changed = false;
    let mut rest = word;
    loop {
        let end = rest.find(['&', ';', '?']).unwrap_or(rest.len());
        let part = &rest[..end];
        match part.split_once('=') {
            Some((k, v)) if credential_key(k.trim_matches(is_quote)) && !harmless_value(v) => {
                out.push_str(k);
                out.push('=');
                out.push_str(REDACTED);
                changed = true;
            }
            _ => out.push_str(part),
        }
        if end == rest.len() {
            break;
        }
        out.push_str(&rest[end..end + 1]);
        rest = &rest[end + 1..];
    }
    changed.then_some(out)
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

/// What the previous word says about this one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    Nothing,
    /// `password:`, `api_key =`, `Bearer`: this word is the credential.
    Value,
    /// Inside a quoted credential that spans words; ends at this quote character.
    InQuote(char),
    /// A credential key on its own (`api_key`): a following `=`/`:` makes the word after it a
    /// value; `bare` keys (`password`) also take the next word unless it is prose.
    Key {
        bare: bool,
    },
    /// `--db-password`: the next word unless it is another flag.
    Flag,
    /// `name:` of a YAML env entry: a secret-looking name makes its `value:` a credential.
    EnvName,
    /// `name: DB_PASS`: waiting for `value:`.
    EnvSecret,
    /// `name: DB_PASS` … `value:`: this word is the credential, and a diff's second
    /// `value:` line right after (the new value) is one too.
    EnvValue,
}

/// Scrubs credential-looking text: `Bearer …`/`Basic …`, known token prefixes, JWTs, long
/// base64-like runs (hex digests and commit SHAs are kept: they are identifiers), passwords
/// in URLs and connection strings, PEM private keys, and values after secret-looking keys in
/// every common shape — `PASSWORD=…`, `password: …`, `"token": "…"`, `api_key = …`,
/// `--db-password …`, `-Dspring.datasource.password=…`, `?token=…`, `using password …`.
/// Whitespace is kept as it was.
pub fn redact(text: &str) -> String {
    redact_continuing(text, &mut Pending::Nothing)
}

/// Scrubs every string inside a JSON value (evidence lists, messages, summaries) with
/// [`redact`]: what a front-end serves or posts from cluster text goes through here.
pub fn redact_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = redact(s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(redact_json),
        serde_json::Value::Object(m) => m.values_mut().for_each(redact_json),
        _ => {}
    }
}

/// Scrubs a sequence of strings that read as one command line (a container's `command` and
/// `args`): `["--db-password", "x"]` masks `x` although it is its own string.
pub fn redact_seq<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut pending = Pending::Nothing;
    items
        .into_iter()
        .map(|s| redact_continuing(s, &mut pending))
        .collect()
}

fn redact_continuing(text: &str, pending: &mut Pending) -> String {
    let text = redact_pem(text);
    let mut out = String::with_capacity(text.len());
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        out.push_str(&redact_word(word, pending));
        let space = &piece[word.len()..];
        // A quoted value does not run past the end of its line.
        if space.contains('\n') && matches!(pending, Pending::InQuote(_)) {
            *pending = Pending::Nothing;
        }
        out.push_str(space);
    }
    out
}

fn redact_word(word: &str, pending: &mut Pending) -> String {
    let punct = |c: char| "\"'`,;()[]{}".contains(c);
    let core = word.trim_matches(punct);
    // Diff markers and YAML list dashes (`+`, `-`, `@@`) sit between a key and its value.
    if core.is_empty() || core.chars().all(|c| "+-@".contains(c)) {
        // Runs of whitespace and lone quotes or brackets between a key and its value change
        // nothing.
        return word.to_string();
    }
    let lead = word.len() - word.trim_start_matches(punct).len();
    let core_range = lead..lead + core.len();
    let mut state = std::mem::replace(pending, Pending::Nothing);
    // A word that is itself a key (`token:`, `KEY=v`) starts over instead of being taken as
    // the previous key's value: `password:` with no value must not swallow the next key.
    let separator = matches!(core, ":" | "=" | ":=");
    let is_key = (!separator && core.ends_with(':')) || assignment_value(core).is_some();
    if is_key
        && !matches!(
            state,
            Pending::InQuote(_) | Pending::EnvName | Pending::EnvSecret
        )
    {
        state = Pending::Nothing;
    }
    match state {
        Pending::InQuote(q) => {
            if !word.contains(q) {
                *pending = Pending::InQuote(q);
            }
            return replace_range(word, core_range);
        }
        Pending::Key { bare } => {
            if core == "=" || core == ":" || core == ":=" {
                *pending = Pending::Value;
                return word.to_string();
            }
            let prose = PROSE.contains(&core.to_ascii_lowercase().as_str());
            // `password\napi_key = …`: another key, not the password.
            let another_key = credential_key(core);
            if bare && !prose && !another_key && !harmless_value(core) && !core.ends_with(':') {
                return value_word(word, core_range, pending);
            }
        }
        Pending::Flag if !core.starts_with('-') && !harmless_value(core) => {
            return value_word(word, core_range, pending);
        }
        Pending::EnvName if credential_key(core) => {
            *pending = Pending::EnvSecret;
            return word.to_string();
        }
        Pending::EnvSecret if core == "value:" => {
            *pending = Pending::EnvValue;
            return word.to_string();
        }
        Pending::EnvValue => {
            let r = value_word(word, core_range, pending);
            if *pending == Pending::Nothing {
                *pending = Pending::EnvSecret;
            }
            return r;
        }
        Pending::Value => {
            let scheme = core.eq_ignore_ascii_case("bearer") || core.eq_ignore_ascii_case("basic");
            // `Authorization: Bearer <token>`: the scheme word stays, the credential goes.
            if scheme {
                *pending = Pending::Value;
                return word.to_string();
            }
            if !harmless_value(core) {
                return value_word(word, core_range, pending);
            }
        }
        _ => {}
    }
    let token_like = TOKEN_PREFIXES
        .iter()
        .any(|p| core.starts_with(p) && core.len() > p.len() + 8)
        || is_long_base64(core)
        || is_jwt(core);
    if token_like {
        return replace_range(word, core_range);
    }
    if let Some(url) = redact_url_userinfo(core) {
        let url = redact_params(&url).unwrap_or(url);
        return format!(
            "{}{url}{}",
            &word[..core_range.start],
            &word[core_range.end..]
        );
    }
    if let Some(r) = assignment_value(core) {
        // `PASSWORD="two words"`: the quote opened here closes in a later word.
        let opened = core[..r.start].chars().last().filter(|c| is_quote(*c));
        if let Some(q) = opened
            && !core[r.end..].contains(q)
            && !word[core_range.end..].contains(q)
        {
            *pending = Pending::InQuote(q);
        }
        return replace_range(word, lead + r.start..lead + r.end);
    }
    if let Some(p) = redact_params(core) {
        return format!(
            "{}{p}{}",
            &word[..core_range.start],
            &word[core_range.end..]
        );
    }
    // `password: hunter2`, `"password": "x"`: the value is the next word.
    if core == "name:" {
        *pending = Pending::EnvName;
        return word.to_string();
    }
    if let Some(key) = core.strip_suffix(':') {
        let quoted = key.contains(is_quote) || word[..lead].contains(is_quote);
        let key = key.trim_matches(is_quote);
        if credential_key(key) && (quoted || !names_a_thing(key)) {
            *pending = Pending::Value;
        }
        return word.to_string();
    }
    if core.starts_with('-') && credential_key(core) {
        *pending = Pending::Flag;
        return word.to_string();
    }
    // Before the key check: `bearer` is also a credential word, but after it comes the
    // credential itself, with no `=` (`token: Bearer <hex>` leaked otherwise).
    if core.eq_ignore_ascii_case("bearer") || core.eq_ignore_ascii_case("basic") {
        *pending = Pending::Value;
        return word.to_string();
    }
    if credential_key(core) {
        let l = core.to_ascii_lowercase();
        let bare = matches!(
            l.as_str(),
            "password" | "passwd" | "passphrase" | "pwd" | "token"
        );
        *pending = Pending::Key { bare };
        return word.to_string();
    }
    word.to_string()
}

/// Redacts a value word; a value that opens a quote it does not close continues into the
/// next words.
fn value_word(word: &str, core_range: std::ops::Range<usize>, pending: &mut Pending) -> String {
    let opening = word[..core_range.start]
        .chars()
        .last()
        .filter(|c| is_quote(*c));
    if let Some(q) = opening
        && !word[core_range.end..].contains(q)
    {
        *pending = Pending::InQuote(q);
    } else if word[core_range.clone()].starts_with('-') && credential_key(&word[core_range.clone()])
    {
        // `token:` then `--db-password x` (fuzz find): masked as the value it may be, it is
        // also a flag whose value is the next word.
        *pending = Pending::Flag;
    } else if credential_key(&word[core_range.clone()]) {
        // `token: api_key = x` (a key with no value before the next key): masked as the
        // value it may be, it may also be a key whose value follows `=`.
        *pending = Pending::Key { bare: false };
    }
    replace_range(word, core_range)
}

#[cfg(test)]
mod tests;
