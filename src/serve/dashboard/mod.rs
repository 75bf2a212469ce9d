//! The dashboard: four server-rendered views under `/ui` — **Status** (the `status` overview
//! from serve's in-memory inventory, plus recent alert/Flux/dashboard runs), **Pending** (the
//! approval queue with each request's exact diff, approve / reject), **History** (the audit
//! log, newest first, filterable), **Workflows** (their steps, a run form) — mounted on
//! serve's router ([`crate::serve::Shared::add_routes`]) and by `kubectl claude dashboard`.
//!
//! Security: every page but the sign-in page and the two static assets needs a signed-in
//! session ([`auth`]); every view is a SubjectAccessReview for `get`/`list` on
//! `approvalrequests`, approve/reject one for `patch` on `approvalrequests/status` (the verb
//! the approver ClusterRole grants), a workflow run one for `create` on `approvalrequests`
//! (its confirm steps become requests). Every POST carries the session's CSRF token; no GET
//! changes anything (the local mode's launch link only signs in). Responses carry a strict
//! Content-Security-Policy (no inline script or style; the JS is a file), `nosniff`,
//! `no-referrer`, `DENY` framing, `no-store`. A decision is written exactly like
//! `kubectl claude approvals approve` writes it (the status → `Approved` with the reviewed
//! user as approver); serve's leader executes it once after re-checking live state.

pub mod auth;
mod history;
mod pending;
mod signin;
mod status;
pub mod views;
mod workflows;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::rc::Rc;

use serde_json::Value;

use self::auth::{Access, Sessions, User};
use self::history::history_view;
use self::pending::{decide, pending_view, request_view};
use self::signin::{local_sign_in, sign_in, sign_in_page};
use self::status::{alerts_json, status_view};
use self::views::{esc, s, text, url_part};
use self::workflows::{run_workflow, workflows_view};
use crate::serve::approvals;
use crate::serve::{HttpRequest, HttpResponse, Launcher, Shared};

const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/app.js");

/// The Content-Security-Policy of every page.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// How users are identified.
pub enum Identity {
    /// In the cluster: sign in with one's own bearer token (TokenReview); every check is a
    /// SubjectAccessReview for that user, sent with serve's credentials.
    TokenReview,
    /// `kubectl claude dashboard`: the kubeconfig's user (`user`, from SelfSubjectReview);
    /// the link with `key` signs in once, within 10 minutes; checks are
    /// SelfSubjectAccessReviews of those credentials.
    Local { user: String, key: String },
}

/// One dashboard.
pub struct Dashboard {
    /// serve's client (cluster mode) or the user's (local mode).
    pub client: kube::Client,
    /// The namespace the approval requests live in.
    pub namespace: String,
    pub identity: Identity,
    /// The audit log directory History reads.
    pub audit_dir: PathBuf,
    /// Mark the cookie `Secure` (also when a proxy says `X-Forwarded-Proto: https`).
    pub tls: bool,
    /// The front-end's clock at start; now = this + time elapsed (a test clock in tests).
    pub clock: (jiff::Timestamp, std::time::Instant),
    sessions: RefCell<Sessions>,
    /// Sign-in attempts: a token bucket per client address, so a flood of guesses cannot
    /// turn into a flood of TokenReviews, nor lock everyone else out.
    sign_ins: RefCell<auth::Throttle>,
    /// Local mode: the sign-in link's key (one use, 10 minutes).
    launch_key: RefCell<Option<auth::LaunchKey>>,
}

impl Dashboard {
    pub fn new(
        client: kube::Client,
        namespace: String,
        identity: Identity,
        audit_dir: PathBuf,
        tls: bool,
        clock: (jiff::Timestamp, std::time::Instant),
    ) -> Rc<Self> {
        let launch_key = match &identity {
            Identity::Local { key, .. } => {
                Some(auth::LaunchKey::new(key.clone(), std::time::Instant::now()))
            }
            Identity::TokenReview => None,
        };
        Rc::new(Self {
            launch_key: RefCell::new(launch_key),
            client,
            namespace,
            identity,
            audit_dir,
            tls,
            clock,
            sessions: RefCell::default(),
            sign_ins: RefCell::new(auth::Throttle::new(
                auth::SIGN_IN_RATE,
                auth::SIGN_IN_CLIENTS,
            )),
        })
    }

    /// One sign-in attempt from `client` (no address: one shared bucket).
    fn take_sign_in(&self, client: Option<std::net::IpAddr>) -> bool {
        self.sign_ins
            .borrow_mut()
            .take(client, std::time::Instant::now())
    }

    fn now(&self) -> jiff::Timestamp {
        let took = jiff::SignedDuration::try_from(self.clock.1.elapsed()).unwrap_or_default();
        self.clock.0.checked_add(took).unwrap_or(self.clock.0)
    }

    fn local(&self) -> bool {
        matches!(self.identity, Identity::Local { .. })
    }
}

/// Mounts a dashboard on serve's router at `/ui` (and `/` redirects there).
pub fn mount(shared: &Shared, d: Rc<Dashboard>) {
    shared.add_routes("/ui", Rc::new(Mounted(d)));
}

/// Mounts a dashboard as the only thing served (`kubectl claude dashboard`): `/ui`, `/`
/// redirects there, and every other path — serve's unauthenticated reads and hooks — is 404.
pub fn mount_alone(shared: &Shared, d: Rc<Dashboard>) {
    mount(shared, d);
    shared.add_routes("", Rc::new(Nothing));
}

struct Nothing;

impl crate::serve::Handler for Nothing {
    fn handle(
        &self,
        _: Rc<Shared>,
        _: Rc<dyn Launcher>,
        req: HttpRequest,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = HttpResponse>>> {
        let out = if req.path == "/" {
            Out::redirect("/ui/status")
        } else {
            Out::html(
                404,
                views::page("Not found", "", None, "<h1>Not found</h1>"),
            )
        };
        Box::pin(async move { out.done() })
    }
}

struct Mounted(Rc<Dashboard>);

impl crate::serve::Handler for Mounted {
    fn handle(
        &self,
        shared: Rc<Shared>,
        launcher: Rc<dyn Launcher>,
        req: HttpRequest,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = HttpResponse>>> {
        let d = self.0.clone();
        Box::pin(async move { handle(&d, &shared, &launcher, &req).await })
    }
}

// ------------------------------------------------------------------------------ responses

struct Out {
    status: u16,
    content_type: &'static str,
    body: String,
    headers: Vec<(http::HeaderName, String)>,
}

impl Out {
    fn html(status: u16, body: String) -> Self {
        Self {
            status,
            content_type: "text/html; charset=utf-8",
            body,
            headers: vec![],
        }
    }
    fn redirect(to: &str) -> Self {
        let mut o = Self::html(303, String::new());
        o.headers.push((http::header::LOCATION, to.to_string()));
        o
    }
    fn cookie(mut self, c: String) -> Self {
        self.headers.push((http::header::SET_COOKIE, c));
        self
    }
    fn done(self) -> HttpResponse {
        let mut headers = vec![
            (http::header::CONTENT_TYPE, self.content_type.to_string()),
            (http::header::CONTENT_SECURITY_POLICY, CSP.to_string()),
            (http::header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (http::header::X_FRAME_OPTIONS, "DENY".to_string()),
            (http::header::REFERRER_POLICY, "no-referrer".to_string()),
            (http::header::CACHE_CONTROL, "no-store".to_string()),
        ];
        headers.extend(self.headers);
        HttpResponse {
            status: self.status,
            headers,
            body: self.body.into_bytes(),
        }
    }
}

/// `a=1&b=x+y` → map (percent-decoded, `+` is a space).
pub fn form(raw: &[u8]) -> BTreeMap<String, String> {
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    fn dec(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    String::from_utf8_lossy(raw)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (dec(k), dec(v))
        })
        .collect()
}

// ------------------------------------------------------------------------------ routing

/// A signed-in request.
struct Who {
    sid: String,
    user: User,
    csrf: String,
}

async fn handle(
    d: &Rc<Dashboard>,
    shared: &Rc<Shared>,
    launcher: &Rc<dyn Launcher>,
    req: &HttpRequest,
) -> HttpResponse {
    let secure = d.tls
        || req
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let path = req.path.trim_end_matches('/');
    let segs: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).skip(1).collect();
    let get = req.method == http::Method::GET || req.method == http::Method::HEAD;
    let post = req.method == http::Method::POST;
    // Static assets and sign-in need no session.
    match (get, segs.as_slice()) {
        (true, ["assets", "style.css"]) => {
            return Out {
                status: 200,
                content_type: "text/css; charset=utf-8",
                body: STYLE.into(),
                headers: vec![],
            }
            .done();
        }
        (true, ["assets", "app.js"]) => {
            return Out {
                status: 200,
                content_type: "text/javascript; charset=utf-8",
                body: SCRIPT.into(),
                headers: vec![],
            }
            .done();
        }
        (true, ["sign-in"]) => return sign_in_page(d, req, secure, None, 200).done(),
        (true, ["local"]) => return local_sign_in(d, req, secure).done(),
        _ => {}
    }
    if post && segs.as_slice() == ["sign-in"] {
        return sign_in(d, req, secure).await.done();
    }
    let Some(who) = signed_in(d, req) else {
        return if get {
            Out::redirect("/ui/sign-in").done()
        } else {
            Out::html(
                401,
                views::page(
                    "Not signed in",
                    "",
                    None,
                    &views::problem("Not signed in", "sign in first: this request was not sent"),
                ),
            )
            .done()
        };
    };
    if post {
        // Every POST: a form, with this session's CSRF token.
        let is_form = req
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let f = form(&req.body);
        let token_ok = f.get("csrf").is_some_and(|t| auth::same(t, &who.csrf));
        if !is_form || !token_ok {
            return Out::html(
                403,
                views::page(
                    "Forbidden",
                    "",
                    Some((&who.user, &who.csrf)),
                    &views::problem(
                        "Forbidden",
                        "the form's CSRF token is missing or wrong (reload the page and try again); nothing was changed",
                    ),
                ),
            )
            .done();
        }
        return match segs.as_slice() {
            ["sign-out"] => {
                d.sessions.borrow_mut().remove(&who.sid);
                Out::redirect("/ui/sign-in")
                    .cookie(auth::clear_cookie(secure))
                    .done()
            }
            ["pending", ns, name, verb @ ("approve" | "reject")] => {
                decide(d, &who, ns, name, *verb == "approve").await.done()
            }
            ["workflows", name, "run"] => run_workflow(d, shared, launcher, &who, name, &f)
                .await
                .done(),
            _ => Out::html(404, page_of(&who, "Not found", "", "<h1>Not found</h1>")).done(),
        };
    }
    if !get {
        return Out::html(
            405,
            page_of(
                &who,
                "Method not allowed",
                "",
                "<h1>Method not allowed</h1>",
            ),
        )
        .done();
    }
    let q = form(req.query.as_bytes());
    let out = match segs.as_slice() {
        [] => Out::redirect("/ui/status"),
        ["status"] if q.get("format").is_some_and(|f| f == "json") => {
            alerts_json(d, shared, &who).await
        }
        ["status"] => status_view(d, shared, &who, q.contains_key("fragment")).await,
        ["pending"] => pending_view(d, &who, &q).await,
        ["pending", ns, name] => request_view(d, &who, ns, name).await,
        ["history"] => history_view(d, &who, &q).await,
        ["workflows"] => workflows_view(d, shared, &who, &q).await,
        _ => Out::html(404, page_of(&who, "Not found", "", "<h1>Not found</h1>")),
    };
    out.done()
}

fn page_of(who: &Who, title: &str, current: &str, body: &str) -> String {
    views::page(title, current, Some((&who.user, &who.csrf)), body)
}

fn signed_in(d: &Dashboard, req: &HttpRequest) -> Option<Who> {
    let cookie = req
        .headers
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok());
    let sid = auth::cookie_session(cookie)?;
    let sessions = d.sessions.borrow();
    let s = sessions.get(sid)?;
    Some(Who {
        sid: sid.to_string(),
        user: s.user.clone()?,
        csrf: s.csrf.clone(),
    })
}

/// Asks the API server whether `who` may do `access`; a failed review denies.
async fn may(d: &Dashboard, who: &Who, access: Access<'_>) -> Result<bool, String> {
    let user = if d.local() { None } else { Some(&who.user) };
    auth::access_review(&d.client, user, access)
        .await
        .map_err(|e| e.to_string())
}

/// The 403 page for a view or decision RBAC does not allow.
fn denied(who: &Who, what: &str, verb: &str, resource: &str, ns: &str) -> Out {
    Out::html(
        403,
        page_of(
            who,
            "Forbidden",
            "",
            &views::problem(
                "Forbidden",
                &format!(
                    "{} may not {what}: RBAC does not allow {verb} on {resource} in namespace {ns} \
                     (bind ClusterRole kubectl-claude-approver); nothing was changed",
                    who.user.name
                ),
            ),
        ),
    )
}

fn review_failed(who: &Who, e: &str) -> Out {
    Out::html(
        503,
        page_of(
            who,
            "Unavailable",
            "",
            &views::problem("Could not check access", e),
        ),
    )
}

/// The view check (`get`/`list` on approval requests): `None` when allowed.
async fn check_view(d: &Dashboard, who: &Who, verb: &str) -> Option<Out> {
    let ns = d.namespace.as_str();
    match may(
        d,
        who,
        Access {
            verb,
            subresource: None,
            namespace: ns,
            name: None,
        },
    )
    .await
    {
        Ok(true) => None,
        Ok(false) => Some(denied(
            who,
            "view the dashboard",
            verb,
            "approvalrequests",
            ns,
        )),
        Err(e) => Some(review_failed(who, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_percent_and_plus() {
        let f = form(b"csrf=a%2Fb&token=x+y%3D&bad=%zz&end=%4");
        assert_eq!(f["csrf"], "a/b");
        assert_eq!(f["token"], "x y=");
        assert_eq!(f["bad"], "%zz");
        assert_eq!(f["end"], "%4");
    }

    #[test]
    fn the_csp_allows_no_inline_script_or_other_origins() {
        assert!(CSP.contains("script-src 'self'"));
        assert!(!CSP.contains("unsafe-inline"));
        assert!(CSP.contains("frame-ancestors 'none'"));
    }
}
