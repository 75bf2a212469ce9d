//! Who is looking at the dashboard, and may they: sessions (an HttpOnly, SameSite=Strict
//! cookie naming a server-side session with its CSRF token), sign-in with a Kubernetes bearer
//! token checked by a **TokenReview**, and a **SubjectAccessReview** for that user before
//! every view and every decision. In local mode (`kubectl claude dashboard`) the user is the
//! kubeconfig's own, and the API server answers a **SelfSubjectAccessReview** for those
//! credentials. Tokens are never stored, logged or shown: only the reviewed user is kept.
//!
//! A session lasts 8 h, or less: when the token is a JWT (ServiceAccount tokens, OIDC ID
//! tokens) it ends at the token's `exp`. The TokenReview is not repeated during a session —
//! that would mean keeping the token in memory — but authorization is: every view and every
//! decision is its own SubjectAccessReview, so removing a user's binding takes effect at once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::serve::approvals::{GROUP, PLURAL};

/// The session cookie's name.
pub const COOKIE: &str = "kc_dash";
/// How long a session lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
/// Sessions kept at most (a flood of anonymous sign-in pages cannot grow memory without bound).
const MAX_SESSIONS: usize = 512;

/// Sign-in attempts per second per client address (burst of twice that).
pub const SIGN_IN_RATE: f64 = 2.0;
/// Client addresses whose buckets are kept (the least recently seen is dropped first).
pub const SIGN_IN_CLIENTS: usize = 1024;
/// All sign-in attempts together, per second, as a multiple of [`SIGN_IN_RATE`]: an attacker
/// rotating source addresses gets a fresh per-address burst each time, so the sum is bounded
/// too (each attempt costs the API server a TokenReview).
pub const SIGN_IN_OVERALL_FACTOR: f64 = 10.0;

/// Token buckets per client address, at most `max` of them: one address's flood of guesses
/// is throttled without locking anyone else out, and memory stays bounded.
pub struct Throttle {
    rate: f64,
    max: usize,
    buckets: HashMap<std::net::IpAddr, (f64, Instant)>,
    /// Every address's attempts together.
    overall: Option<(f64, Instant)>,
}

/// Refills `b` at `rate` per second up to `burst`; true when one token is there.
fn refill(b: &mut (f64, Instant), rate: f64, burst: f64, now: Instant) -> bool {
    b.0 = (b.0 + now.saturating_duration_since(b.1).as_secs_f64() * rate).min(burst);
    b.1 = now;
    b.0 >= 1.0
}

/// The address a bucket is kept for: an IPv6 client by its /64 (one host holds a whole /64
/// and can pick any address in it), an IPv4 one as it is.
fn bucket_key(ip: std::net::IpAddr) -> std::net::IpAddr {
    // An IPv4 client of a dual-stack listener arrives as `::ffff:a.b.c.d`: its own bucket.
    match ip.to_canonical() {
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            std::net::IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

impl Throttle {
    pub fn new(rate: f64, max: usize) -> Self {
        Self {
            rate,
            max: max.max(1),
            buckets: HashMap::new(),
            overall: None,
        }
    }

    /// True when `client` may try now (no address: one shared bucket).
    pub fn take(&mut self, client: Option<std::net::IpAddr>, now: Instant) -> bool {
        let client =
            bucket_key(client.unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)));
        if !self.buckets.contains_key(&client) && self.buckets.len() >= self.max {
            // A full table forgets the least recently seen address (its bucket starts full
            // again if it returns), never refuses a new one.
            if let Some(oldest) = self
                .buckets
                .iter()
                .min_by_key(|(_, b)| b.1)
                .map(|(k, _)| *k)
            {
                self.buckets.remove(&oldest);
            }
        }
        let burst = self.rate * 2.0;
        let (all_rate, all_burst) = (
            self.rate * SIGN_IN_OVERALL_FACTOR,
            burst * SIGN_IN_OVERALL_FACTOR,
        );
        let all = self.overall.get_or_insert((all_burst, now));
        let all_ok = refill(all, all_rate, all_burst, now);
        let b = self.buckets.entry(client).or_insert((burst, now));
        // Both must have a token; only then is one taken from each.
        if refill(b, self.rate, burst, now) && all_ok {
            b.0 -= 1.0;
            if let Some(all) = self.overall.as_mut() {
                all.0 -= 1.0;
            }
            true
        } else {
            false
        }
    }
}

/// How long the local mode's sign-in link may be used.
pub const LAUNCH_KEY_TTL: Duration = Duration::from_secs(10 * 60);

/// The local mode's sign-in key: good once, within [`LAUNCH_KEY_TTL`] of being issued (the
/// link is printed and handed to the browser opener, whose argv anyone on the machine can
/// read in `ps`: a spent or stale key is worth nothing).
pub struct LaunchKey {
    key: String,
    issued: Instant,
    spent: bool,
}

/// Why a launch key did not sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefused {
    Wrong,
    Spent,
    Expired,
}

impl LaunchKey {
    pub fn new(key: String, issued: Instant) -> Self {
        Self {
            key,
            issued,
            spent: false,
        }
    }

    /// Spends the key when `given` is it, unused and fresh.
    pub fn redeem(&mut self, given: &str, now: Instant) -> Result<(), KeyRefused> {
        if !same(given, &self.key) {
            return Err(KeyRefused::Wrong);
        }
        if self.spent {
            return Err(KeyRefused::Spent);
        }
        if now.saturating_duration_since(self.issued) > LAUNCH_KEY_TTL {
            return Err(KeyRefused::Expired);
        }
        self.spent = true;
        Ok(())
    }
}

/// A user the API server vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub groups: Vec<String>,
    pub uid: Option<String>,
}

/// A session: anonymous (the sign-in form's CSRF token) or signed in.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: Option<User>,
    pub csrf: String,
    created: Instant,
    /// When it ends: [`SESSION_TTL`] after creation, or sooner when the token it was signed
    /// in with expires sooner.
    expires: Instant,
}

impl Session {
    fn live(&self, now: Instant) -> bool {
        now < self.expires
    }
}

/// The `exp` claim of a JWT-shaped bearer token (ServiceAccount tokens from `kubectl create
/// token`, OIDC ID tokens), read without checking the signature — the TokenReview already
/// vouched for the token; this only shortens the session to the token's own life.
pub fn token_expiry(token: &str) -> Option<jiff::Timestamp> {
    use base64::Engine as _;
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    jiff::Timestamp::from_second(exp as i64).ok()
}

/// The session table (in memory: a restart signs everyone out).
#[derive(Default)]
pub struct Sessions {
    map: HashMap<String, Session>,
}

impl Sessions {
    /// A new session; returns its id.
    pub fn create(&mut self, user: Option<User>) -> String {
        self.create_for(user, SESSION_TTL)
    }

    /// A new session that lasts `ttl` (at most [`SESSION_TTL`]); returns its id.
    pub fn create_for(&mut self, user: Option<User>, ttl: Duration) -> String {
        let now = Instant::now();
        self.map.retain(|_, s| s.live(now));
        while self.map.len() >= MAX_SESSIONS {
            // Evict the oldest (anonymous ones first).
            let victim = self
                .map
                .iter()
                .min_by_key(|(_, s)| (s.user.is_some(), s.created))
                .map(|(k, _)| k.clone());
            match victim {
                Some(k) => self.map.remove(&k),
                None => break,
            };
        }
        let id = random_token();
        self.map.insert(
            id.clone(),
            Session {
                user,
                csrf: random_token(),
                created: now,
                expires: now + ttl.min(SESSION_TTL),
            },
        );
        id
    }

    pub fn get(&self, id: &str) -> Option<&Session> {
        self.map.get(id).filter(|s| s.live(Instant::now()))
    }

    pub fn remove(&mut self, id: &str) {
        self.map.remove(id);
    }
}

/// 32 random bytes from the OS, hex (session ids, CSRF tokens, the local launch key).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    // The OS generator does not fail on the platforms we build for; if it ever did, a
    // predictable token would be worse than stopping.
    getrandom::fill(&mut b).expect("the OS random generator failed");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Constant-time comparison (CSRF tokens, the launch key).
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The session id in a `Cookie` header.
pub fn cookie_session(cookie_header: Option<&str>) -> Option<&str> {
    cookie_header?
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
}

/// The `Set-Cookie` value for a session (`secure` when the page is served over TLS).
pub fn set_cookie(id: &str, secure: bool) -> String {
    set_cookie_for(id, secure, SESSION_TTL)
}

/// [`set_cookie`] for a session that lasts `ttl`.
pub fn set_cookie_for(id: &str, secure: bool, ttl: Duration) -> String {
    format!(
        "{COOKIE}={id}; Path=/ui; HttpOnly; SameSite=Strict; Max-Age={}{}",
        ttl.min(SESSION_TTL).as_secs().max(1),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that clears the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// What one check asks: `verb` on approval requests (optionally a subresource / one name).
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    pub verb: &'a str,
    pub subresource: Option<&'a str>,
    pub namespace: &'a str,
    pub name: Option<&'a str>,
}

impl Access<'_> {
    fn attributes(&self) -> Value {
        let mut a = json!({
            "namespace": self.namespace,
            "verb": self.verb,
            "group": GROUP,
            "resource": PLURAL,
        });
        if let Some(s) = self.subresource {
            a["subresource"] = json!(s);
        }
        if let Some(n) = self.name {
            a["name"] = json!(n);
        }
        a
    }
}

/// Why a review could not be answered (the dashboard then denies: it fails closed).
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("{kind}: {message}")]
    Failed { kind: &'static str, message: String },
}

fn failed(kind: &'static str, code: u16, body: &Value) -> ReviewError {
    let hint = match code {
        401 | 403 => " (serve's ClusterRole needs create on tokenreviews and subjectaccessreviews)",
        _ => "",
    };
    ReviewError::Failed {
        kind,
        message: format!(
            "HTTP {code}: {}{hint}",
            body["message"].as_str().unwrap_or("")
        ),
    }
}

/// TokenReview: the user a bearer token belongs to, or `Ok(None)` when the API server does
/// not accept it.
pub async fn token_review(client: &kube::Client, token: &str) -> Result<Option<User>, ReviewError> {
    let body = json!({
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "TokenReview",
        "spec": {"token": token},
    });
    let (code, v) = crate::serve::api::request(
        client,
        http::Method::POST,
        "/apis/authentication.k8s.io/v1/tokenreviews",
        Some(&body),
    )
    .await
    .map_err(|e| ReviewError::Failed {
        kind: "TokenReview",
        message: e,
    })?;
    if !(200..300).contains(&code) {
        return Err(failed("TokenReview", code, &v));
    }
    if v.pointer("/status/authenticated") != Some(&Value::Bool(true)) {
        return Ok(None);
    }
    let name = v
        .pointer("/status/user/username")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if name.is_empty() {
        return Ok(None);
    }
    let groups = v
        .pointer("/status/user/groups")
        .and_then(Value::as_array)
        .map(|g| {
            g.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let uid = v
        .pointer("/status/user/uid")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Some(User { name, groups, uid }))
}

/// SubjectAccessReview for `user` (in the cluster), or SelfSubjectAccessReview for the
/// client's own credentials (`user: None`, local mode). True only when the API server says
/// allowed.
pub async fn access_review(
    client: &kube::Client,
    user: Option<&User>,
    access: Access<'_>,
) -> Result<bool, ReviewError> {
    let (kind, path, spec) = match user {
        Some(u) => {
            let mut spec = json!({"user": u.name, "groups": u.groups,
                "resourceAttributes": access.attributes()});
            if let Some(uid) = &u.uid {
                spec["uid"] = json!(uid);
            }
            (
                "SubjectAccessReview",
                "/apis/authorization.k8s.io/v1/subjectaccessreviews",
                spec,
            )
        }
        None => (
            "SelfSubjectAccessReview",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            json!({"resourceAttributes": access.attributes()}),
        ),
    };
    let body = json!({"apiVersion": "authorization.k8s.io/v1", "kind": kind, "spec": spec});
    let (code, v) = crate::serve::api::request(client, http::Method::POST, path, Some(&body))
        .await
        .map_err(|e| ReviewError::Failed { kind, message: e })?;
    if !(200..300).contains(&code) {
        return Err(failed(kind, code, &v));
    }
    Ok(v.pointer("/status/allowed") == Some(&Value::Bool(true))
        && v.pointer("/status/denied") != Some(&Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_flags_and_parsing() {
        let c = set_cookie("abc", false);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Secure"));
        assert!(set_cookie("abc", true).ends_with("; Secure"));
        assert_eq!(cookie_session(Some("a=1; kc_dash=xyz; b=2")), Some("xyz"));
        assert_eq!(cookie_session(Some("kc_dashx=1")), None);
        assert_eq!(cookie_session(None), None);
    }

    #[test]
    fn tokens_are_random_and_compared_exactly() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same(&a, &a[..10]));
    }

    #[test]
    fn the_sign_in_throttle_is_per_address_and_bounded() {
        let ip = |n: u8| Some(std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, n)));
        let t0 = Instant::now();
        let mut t = Throttle::new(2.0, 3);
        // One address: a burst of 4, then refused until time refills it.
        let a: Vec<bool> = (0..6).map(|_| t.take(ip(1), t0)).collect();
        assert_eq!(a, [true, true, true, true, false, false]);
        // Another address is not locked out by the first's flood.
        assert!(t.take(ip(2), t0));
        assert!(t.take(ip(1), t0 + Duration::from_millis(600)), "refilled");
        // At most 3 addresses are kept: a 4th drops the least recently seen (2).
        t.take(ip(3), t0 + Duration::from_millis(700));
        t.take(ip(4), t0 + Duration::from_millis(800));
        assert_eq!(t.buckets.len(), 3);
        assert!(!t.buckets.contains_key(&ip(2).unwrap()));
        assert!(t.buckets.contains_key(&ip(1).unwrap()));
    }

    #[test]
    fn rotating_addresses_do_not_lift_the_overall_bound() {
        let t0 = Instant::now();
        let mut t = Throttle::new(2.0, 1024);
        // Every attempt from a new address: only the overall burst (2 × 2 × factor) passes.
        let passed = (0..200u8)
            .filter(|n| {
                t.take(
                    Some(std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 1, 0, *n))),
                    t0,
                )
            })
            .count();
        assert_eq!(passed, (2.0 * 2.0 * SIGN_IN_OVERALL_FACTOR) as usize);
        // Addresses of one IPv6 /64 share a bucket.
        let mut t = Throttle::new(2.0, 1024);
        let v6 = |last: u16| {
            Some(std::net::IpAddr::V6(std::net::Ipv6Addr::new(
                0x2001, 0xdb8, 1, 2, 0, 0, 0, last,
            )))
        };
        let a: Vec<bool> = (1..=6).map(|n| t.take(v6(n), t0)).collect();
        assert_eq!(a, [true, true, true, true, false, false]);
        // IPv4-mapped addresses are IPv4 clients, each with its own bucket.
        let mapped = |n: u8| {
            Some(std::net::IpAddr::V6(
                std::net::Ipv4Addr::new(192, 0, 2, n).to_ipv6_mapped(),
            ))
        };
        let a: Vec<bool> = (1..=6).map(|n| t.take(mapped(n), t0)).collect();
        assert_eq!(a, [true; 6]);
    }

    #[test]
    fn the_launch_key_signs_in_once_and_only_while_fresh() {
        let t0 = Instant::now();
        let mut k = LaunchKey::new("k3y".into(), t0);
        assert_eq!(k.redeem("nope", t0), Err(KeyRefused::Wrong));
        assert_eq!(k.redeem("k3y", t0 + Duration::from_secs(5)), Ok(()));
        assert_eq!(
            k.redeem("k3y", t0 + Duration::from_secs(6)),
            Err(KeyRefused::Spent)
        );
        let mut stale = LaunchKey::new("k3y".into(), t0);
        assert_eq!(
            stale.redeem("k3y", t0 + LAUNCH_KEY_TTL + Duration::from_secs(1)),
            Err(KeyRefused::Expired)
        );
        assert_eq!(
            stale.redeem("k3y", t0),
            Ok(()),
            "a refused stale try did not spend it"
        );
    }

    #[test]
    fn a_jwt_expiry_is_read_and_other_tokens_have_none() {
        use base64::Engine as _;
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let jwt = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"RS256"}"#),
            b64(r#"{"sub":"system:serviceaccount:a:b","exp":1795000000}"#)
        );
        assert_eq!(
            token_expiry(&jwt),
            Some(jiff::Timestamp::from_second(1795000000).unwrap())
        );
        assert_eq!(token_expiry("alice-token-0123"), None);
        assert_eq!(
            token_expiry(&format!("a.{}.c", b64(r#"{"sub":"x"}"#))),
            None
        );
        assert_eq!(token_expiry("a.!!!.c"), None);
        assert_eq!(token_expiry(&format!("{jwt}.extra")), None);
    }

    #[test]
    fn a_session_ends_at_its_own_ttl() {
        let mut s = Sessions::default();
        let short = s.create_for(None, Duration::from_millis(50));
        let long = s.create(None);
        assert!(s.get(&short).is_some());
        std::thread::sleep(Duration::from_millis(80));
        assert!(s.get(&short).is_none(), "ended with its token");
        assert!(s.get(&long).is_some());
        assert!(set_cookie_for("x", false, Duration::from_secs(42)).contains("Max-Age=42"));
    }

    #[test]
    fn the_session_table_is_bounded() {
        let mut s = Sessions::default();
        let first = s.create(None);
        for _ in 0..MAX_SESSIONS + 10 {
            s.create(None);
        }
        assert!(s.map.len() <= MAX_SESSIONS);
        assert!(s.get(&first).is_none(), "the oldest was evicted");
    }
}
