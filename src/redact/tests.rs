use super::*;

#[test]
fn a_credential_flag_after_a_key_with_no_value_keeps_its_own_value_masked() {
    // The redaction fuzz target's leak: a quoted key ending a line with no value, then a
    // credential flag on the next line.
    let out = redact(" certu_Qk-atn-\":\n--db-password Zq7JVXcefRB5\n");
    assert!(!out.contains("Zq7JVXcefRB5"), "{out}");
    let out = redact("\"token\": --api-key s3cr3tValue99");
    assert!(!out.contains("s3cr3tValue99"), "{out}");
}

#[test]
fn an_assignment_value_after_quotes_and_commas_is_masked_whole() {
    // The redaction fuzz target's second crash: `dsn=",` then a multi-byte character.
    let text = String::from_utf8_lossy(b"dsn=\",`\x8b@");
    let _ = redact(&text);
    assert_eq!(redact("password=\",hunter22\""), "password=\",<redacted>\"");
}

#[test]
fn json_strings_are_scrubbed_at_every_depth() {
    let mut v = serde_json::json!({"evidence": ["url: https://bot:ghp_Zq7aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@github.com/o/r"],
        "nested": {"m": "password=hunter2hunter2"}, "n": 3});
    redact_json(&mut v);
    let text = v.to_string();
    assert!(
        !text.contains("hunter2hunter2") && !text.contains("ghp_Zq7"),
        "{text}"
    );
    assert_eq!(v["n"], 3);
}

#[test]
fn a_bearer_credential_after_a_key_that_names_a_thing_is_masked() {
    // `token:` alone names a thing (a YAML map key), but `Bearer <hex>` after it is a
    // credential (found by the dashboard engineer).
    for s in ["token: Bearer abcdef0123456789", "x: bearer Zq7abcdefgh123"] {
        let out = redact(s);
        assert!(out.ends_with(REDACTED), "{s} -> {out}");
    }
}

#[test]
fn multi_byte_characters_after_a_credential_key_never_panic() {
    // The redaction fuzz target's crash input (a key, `=`, then U+FFFD and broken bytes).
    let text = String::from_utf8_lossy(b"ycert=&=\xef\xbf\xbd \xcc \xff  \xcc\xff");
    let _ = redact(&text);
    for s in [
        "cert=&=\u{fffd}",
        "token=\u{e9}\u{e9}",
        "password: \u{1f600}x",
        "key=é",
    ] {
        let _ = redact(s);
    }
}

/// Real-world shapes a credential turns up in (env, JSON, YAML, flags, Java properties,
/// URLs, connection strings, log lines): each planted value must be gone.
const LEAKS: &[(&str, &str)] = &[
    ("Authorization: Bearer abc.def.ghi", "abc.def.ghi"),
    ("DB_PASSWORD=hunter2", "hunter2"),
    ("MYSQL_PWD=hunter2", "hunter2"),
    ("DB_PASS=hunter2", "hunter2"),
    ("MYSQL_ROOT_PASS=hunter2", "hunter2"),
    ("REDIS_PASSWD=hunter2", "hunter2"),
    ("export GITHUB_TOKEN=abc123def", "abc123def"),
    (
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG",
        "wJalrXUtnFEMIK7MDENG",
    ),
    ("API_KEY=k-12345", "k-12345"),
    ("STRIPE_APIKEY=k-12345", "k-12345"),
    ("OAUTH_CLIENT_SECRET=cs-998877", "cs-998877"),
    ("SESSION_SECRET=s3ss10n", "s3ss10n"),
    ("COOKIE_SECRET=c00kie", "c00kie"),
    ("DATABASE_CREDENTIALS=u/p", "u/p"),
    ("rootpass=hunter2", "hunter2"),
    ("basicauth=dXNlcjpwYXNz", "dXNlcjpwYXNz"),
    ("error: password: hunter2 rejected", "hunter2"),
    (r#"{"token":"s3cr3t-value"}"#, "s3cr3t-value"),
    (r#"{"password": "x9y8z7"}"#, "x9y8z7"),
    (r#"{"db_password": "x9y8z7"}"#, "x9y8z7"),
    (r#"{"user": "app", "apiKey": "x9y8z7"}"#, "x9y8z7"),
    (r#"{"password": "two words"}"#, "words"),
    ("password: \"two words\"", "words"),
    ("-Dspring.datasource.password=x9y8z7", "x9y8z7"),
    (
        "java -Djavax.net.ssl.keyStorePassword=x9y8z7 -jar a.jar",
        "x9y8z7",
    ),
    ("--db-password x9y8z7", "x9y8z7"),
    ("--db-password=x9y8z7", "x9y8z7"),
    ("--token=x9y8z7", "x9y8z7"),
    ("--auth-token x9y8z7 --verbose", "x9y8z7"),
    ("api_key = x9y8z7", "x9y8z7"),
    ("secret = \"x9y8z7\"", "x9y8z7"),
    ("client_secret : x9y8z7", "x9y8z7"),
    ("using password x9y8z7", "x9y8z7"),
    ("login with password hunter2 failed", "hunter2"),
    ("X-Api-Key: x9y8z7", "x9y8z7"),
    ("Cookie: session=x9y8z7", "x9y8z7"),
    ("set-cookie: sid=x9y8z7; Path=/", "x9y8z7"),
    ("dial postgres://app:hunter2@db:5432/app failed", "hunter2"),
    ("DATABASE_URL=postgres://u:pw-9@db/app", "pw-9"),
    (
        "mongodb+srv://admin:m0ng0pw@cluster0.example.net/db",
        "m0ng0pw",
    ),
    ("redis://:r3dis@cache:6379/0", "r3dis"),
    ("GET /cb?code=1&access_token=x9y8z7&state=2", "x9y8z7"),
    ("https://hooks.example.com/x?token=x9y8z7", "x9y8z7"),
    (
        "Server=db;Database=app;User Id=sa;Password=x9y8z7;",
        "x9y8z7",
    ),
    (
        "key ghp_0123456789abcdefABCDEF",
        "ghp_0123456789abcdefABCDEF",
    ),
    (
        "sk-ant-api03-abcdefghijklmnop",
        "sk-ant-api03-abcdefghijklmnop",
    ),
    ("xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij"),
    ("AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    (
        "blob aGVsbG8gd29ybGQgdGhpcyBpcyBsb25nZXI=",
        "aGVsbG8gd29ybGQgdGhpcyBpcyBsb25nZXI=",
    ),
    (
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlaGVyZQ",
        "eyJzdWIiOiIxIn0",
    ),
    ("privateKey: x9y8z7", "x9y8z7"),
    ("passphrase=x9y8z7", "x9y8z7"),
    ("  - name: ADMIN_PWD\n    value: x9y8z7", "x9y8z7"),
    (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpQIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
        "MIIEpQIBAAKCAQEA",
    ),
];

/// Near misses: text that mentions credential words, or looks like a value, and must stay.
const KEEP: &[&str] = &[
    "main@sha1:4c1d9e2f7a3b5c8d0e1f2a3b4c5d6e7f8a9b0c1d",
    "image: ghcr.io/acme/app:1.2.3",
    "image: redis:7.2-alpine",
    "nginx:1.27",
    "url: ssh://git@github.com/acme/fleet",
    "Ready=False reason: AuthenticationFailed",
    "image quay.io/jetstack/cert-manager-controller:v1.13.0 not found",
    "pull keycloak:21.0 failed",
    "dial auth-service.auth.svc:443: refused",
    "secret: db-creds not found",
    "secret \"db-creds\" not found",
    "secretName: db-creds",
    "secretKeyRef: {name: db, key: password}",
    "key: app.kubernetes.io/name",
    "port: 5432",
    "containerPort=8080",
    "tls: passthrough",
    "mode=passthrough",
    "keyboard=us",
    "keyboard: us",
    "max_tokens=4096",
    "tokenizer=bpe",
    "passwordFile=/etc/app/pw",
    "sessionAffinity: ClientIP",
    "FATAL: password authentication failed for user \"app\"",
    "token has expired",
    "bypass=true",
    "auth: enabled",
    "PASSWORD=$(DB_PASSWORD)",
    "TOKEN_TTL=3600",
    "uid: 2c3d4e5f-6071-4829-ab3c-4d5e6f708192",
    "resourceVersion: 5512488",
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "line one\n\tindented two",
];

#[test]
fn scrubs_credentials_in_their_common_shapes() {
    assert!(LEAKS.len() + KEEP.len() >= 50);
    for (input, secret) in LEAKS {
        let r = redact(input);
        assert!(!r.contains(secret), "{input} → {r}");
        assert!(r.contains(REDACTED), "{input} → {r}");
    }
}

#[test]
fn keeps_identifiers_and_ordinary_text() {
    for t in KEEP {
        assert_eq!(redact(t), *t);
    }
}

#[test]
fn diff_lines_of_an_env_credential_keep_their_change_marker() {
    let d = "   - name: API_TOKEN\n-    value: old-9\n+    value: new-9\n   - name: MODE\n     value: prod\n";
    let r = redact(d);
    assert!(!r.contains("old-9") && !r.contains("new-9"), "{r}");
    assert!(r.contains(&format!("-    value: {REDACTED}")), "{r}");
    assert!(r.contains(&format!("+    value: {REDACTED}")), "{r}");
    assert!(r.contains("value: prod"), "{r}");
}

#[test]
fn a_key_without_a_value_does_not_swallow_the_next_key() {
    for t in [
        "password:\n\"token\": \"Zq7abcdef12\"",
        "secret = \"unclosed\n\"token\": \"Zq7abcdef12\"",
        "--db-password\n--token=Zq7abcdef12",
        "password\napi_key = Zq7abcdef12",
        // Found by the redaction fuzz target.
        "(\u{88}Itokeniz:\napi_key = Zq7te95X83kc\n",
    ] {
        let r = redact(t);
        assert!(!r.contains("Zq7abcdef12"), "{t:?} → {r:?}");
    }
}

#[test]
fn argument_lists_are_one_command_line() {
    let r = redact_seq(["--db-password", "hunter2", "--port", "5432", "-token", "x9"]);
    assert_eq!(
        r,
        [
            "--db-password",
            REDACTED,
            "--port",
            "5432",
            "-token",
            REDACTED
        ]
    );
}

#[test]
fn secret_names_by_segment() {
    for n in [
        "DB_PASS",
        "MYSQL_ROOT_PASS",
        "spring.datasource.password",
        "X-Api-Key",
        "aws_secret_access_key",
        "sessionToken",
        "AUTH",
        "Cookie",
        "dbpwd",
        "masterkey",
    ] {
        assert!(looks_secret(n), "{n}");
    }
    for n in [
        "PASSTHROUGH",
        "KEYBOARD",
        "secretName",
        "secretKeyRef",
        "passwordFile",
        "sessionAffinity",
        "max_tokens",
        "MONKEY",
        "AUTHOR",
        "BYPASS",
        "LOG_LEVEL",
        "PORT",
    ] {
        assert!(!looks_secret(n), "{n}");
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
