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
pub mod views;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::rc::Rc;

use serde_json::{Value, json};

use self::auth::{Access, Sessions, User};
use self::views::{esc, s, text, url_part};
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
    /// the link with `key` signs in; checks are SelfSubjectAccessReviews of those credentials.
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
    /// Sign-in attempts: a token bucket, so a flood of guesses cannot turn into a flood of
    /// TokenReviews against the API server.
    sign_ins: RefCell<(f64, std::time::Instant)>,
}

/// Sign-in attempts per second (burst of twice that).
const SIGN_IN_RATE: f64 = 2.0;

impl Dashboard {
    pub fn new(
        client: kube::Client,
        namespace: String,
        identity: Identity,
        audit_dir: PathBuf,
        tls: bool,
        clock: (jiff::Timestamp, std::time::Instant),
    ) -> Rc<Self> {
        Rc::new(Self {
            client,
            namespace,
            identity,
            audit_dir,
            tls,
            clock,
            sessions: RefCell::default(),
            sign_ins: RefCell::new((SIGN_IN_RATE * 2.0, std::time::Instant::now())),
        })
    }

    fn take_sign_in(&self) -> bool {
        let mut b = self.sign_ins.borrow_mut();
        let now = std::time::Instant::now();
        b.0 = (b.0 + now.duration_since(b.1).as_secs_f64() * SIGN_IN_RATE).min(SIGN_IN_RATE * 2.0);
        b.1 = now;
        if b.0 >= 1.0 {
            b.0 -= 1.0;
            true
        } else {
            false
        }
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

fn sign_in_page(
    d: &Dashboard,
    req: &HttpRequest,
    secure: bool,
    error: Option<&str>,
    status: u16,
) -> Out {
    if d.local() {
        return Out::html(status, views::sign_in_local());
    }
    // The anonymous session carries the form's CSRF token (no login CSRF).
    let cookie = req
        .headers
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok());
    // A GET changes nothing: a signed-in session is sent on, not replaced (which would
    // sign its user out).
    let signed_in = auth::cookie_session(cookie).is_some_and(|sid| {
        d.sessions
            .borrow()
            .get(sid)
            .is_some_and(|s| s.user.is_some())
    });
    if signed_in {
        return Out::redirect("/ui/status");
    }
    let existing = auth::cookie_session(cookie).and_then(|sid| {
        d.sessions
            .borrow()
            .get(sid)
            .filter(|s| s.user.is_none())
            .map(|s| s.csrf.clone())
    });
    if let Some(csrf) = existing {
        return Out::html(status, views::sign_in(&csrf, error));
    }
    let sid = d.sessions.borrow_mut().create(None);
    let csrf = d
        .sessions
        .borrow()
        .get(&sid)
        .map(|s| s.csrf.clone())
        .unwrap_or_default();
    Out::html(status, views::sign_in(&csrf, error)).cookie(auth::set_cookie(&sid, secure))
}

async fn sign_in(d: &Dashboard, req: &HttpRequest, secure: bool) -> Out {
    let f = form(&req.body);
    let cookie = req
        .headers
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok());
    let anon = auth::cookie_session(cookie).and_then(|sid| {
        d.sessions
            .borrow()
            .get(sid)
            .map(|s| (sid.to_string(), s.csrf.clone()))
    });
    let Some((old, csrf)) = anon else {
        return sign_in_page(
            d,
            req,
            secure,
            Some("your sign-in form expired; try again"),
            403,
        );
    };
    if d.local() || !f.get("csrf").is_some_and(|t| auth::same(t, &csrf)) {
        return sign_in_page(
            d,
            req,
            secure,
            Some("the form's CSRF token is missing or wrong; try again"),
            403,
        );
    }
    if !d.take_sign_in() {
        return sign_in_page(
            d,
            req,
            secure,
            Some("too many sign-in attempts; wait a few seconds and try again"),
            429,
        );
    }
    let token = f.get("token").map(|t| t.trim()).unwrap_or("");
    if token.is_empty() {
        return sign_in_page(d, req, secure, Some("paste a bearer token"), 400);
    }
    match auth::token_review(&d.client, token).await {
        Ok(Some(user)) => {
            let mut sessions = d.sessions.borrow_mut();
            sessions.remove(&old);
            // A new id on sign-in (no session fixation).
            let sid = sessions.create(Some(user));
            Out::redirect("/ui/status").cookie(auth::set_cookie(&sid, secure))
        }
        Ok(None) => sign_in_page(
            d,
            req,
            secure,
            Some("the API server did not accept this token (TokenReview: not authenticated)"),
            401,
        ),
        Err(e) => sign_in_page(
            d,
            req,
            secure,
            Some(&format!("could not check the token: {e}")),
            503,
        ),
    }
}

fn local_sign_in(d: &Dashboard, req: &HttpRequest, secure: bool) -> Out {
    let Identity::Local { user, key } = &d.identity else {
        return Out::redirect("/ui/sign-in");
    };
    let q = form(req.query.as_bytes());
    if !q.get("key").is_some_and(|k| auth::same(k, key)) {
        return Out::html(403, views::sign_in_local());
    }
    let sid = d.sessions.borrow_mut().create(Some(User {
        name: user.clone(),
        groups: vec![],
        uid: None,
    }));
    Out::redirect("/ui/status").cookie(auth::set_cookie(&sid, secure))
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

// ------------------------------------------------------------------------------ Status

fn runs_table(shared: &Shared, caption: &str) -> String {
    let rows: Vec<Vec<String>> = shared
        .runs
        .borrow()
        .iter()
        .rev()
        .take(20)
        .map(|r| {
            vec![
                esc(&r.workflow),
                esc(&r.trigger),
                text(
                    &r.params
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                format!("<span class=\"tag {0}\">{0}</span>", esc(&r.outcome)),
            ]
        })
        .collect();
    views::table(
        caption,
        &["Workflow", "Trigger", "Parameters", "Outcome"],
        &rows,
    )
}

async fn status_view(d: &Dashboard, shared: &Shared, who: &Who, fragment: bool) -> Out {
    if let Some(o) = check_view(d, who, "list").await {
        return o;
    }
    // The overview of serve's last diagnosis pass (computed once per change, not per view).
    let Some(st) = shared.overview.borrow().clone() else {
        let body = views::notice(
            "info",
            "the inventory is still being listed (or a kind cannot be read yet); reload in a moment",
        );
        return Out::html(
            200,
            if fragment {
                body
            } else {
                page_of(who, "Status", "status", &format!("<h1>Status</h1>{body}"))
            },
        );
    };
    let mut b = String::new();
    let nodes: Vec<Vec<String>> = st
        .nodes
        .iter()
        .map(|n| {
            vec![
                esc(&n.name),
                esc(&n.ready),
                esc(&n.pressure.join(", ")),
                format!(
                    "{}m / {}m",
                    n.cpu_requested_millis, n.cpu_allocatable_millis
                ),
                format!(
                    "{}Mi / {}Mi",
                    n.memory_requested_bytes >> 20,
                    n.memory_allocatable_bytes >> 20
                ),
            ]
        })
        .collect();
    b.push_str(&views::table(
        "Nodes",
        &[
            "Node",
            "Ready",
            "Pressure",
            "CPU requested",
            "Memory requested",
        ],
        &nodes,
    ));
    let problems: Vec<Vec<String>> = st
        .problems
        .iter()
        .map(|p| {
            vec![
                format!("<span class=\"tag {0}\">{0}</span>", esc(&p.severity)),
                esc(&p.object),
                text(&p.title),
                esc(&p.id),
                p.symptoms.to_string(),
            ]
        })
        .collect();
    b.push_str(&views::table(
        "Active problems (root causes)",
        &["Severity", "Object", "Problem", "Finding", "Symptoms"],
        &problems,
    ));
    let flux: Vec<Vec<String>> = st
        .flux
        .iter()
        .map(|f| {
            vec![
                esc(&format!("{}/{}", f.kind, f.name)),
                esc(&f.namespace),
                esc(&f.ready),
                text(&f.reason),
                esc(&f.revision),
                if f.suspended {
                    "yes".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    b.push_str(&views::table(
        "Flux",
        &[
            "Object",
            "Namespace",
            "Ready",
            "Reason",
            "Revision",
            "Suspended",
        ],
        &flux,
    ));
    let argo: Vec<Vec<String>> = st
        .argocd
        .iter()
        .map(|a| {
            vec![
                esc(&a.name),
                esc(&a.namespace),
                esc(&a.sync),
                esc(&a.health),
                esc(&a.revision),
            ]
        })
        .collect();
    b.push_str(&views::table(
        "Argo CD",
        &["Application", "Namespace", "Sync", "Health", "Revision"],
        &argo,
    ));
    let recs: Vec<Vec<String>> = st.recommendations.iter().map(|r| vec![text(r)]).collect();
    b.push_str(&views::table("Recommendations", &["Recommendation"], &recs));
    b.push_str(&runs_table(shared, "Recent alerts and runs"));
    if !st.not_checked.is_empty() {
        b.push_str(&views::notice(
            "info",
            &format!("not checked: {}", st.not_checked.join(", ")),
        ));
    }
    if fragment {
        return Out::html(200, b);
    }
    let body = format!(
        "<h1>Status</h1><p class=\"muted\">Refreshes every 15 seconds with JavaScript; reload otherwise.</p>\
         <div id=\"status-body\" data-refresh=\"/ui/status?fragment=1\">{b}</div>"
    );
    Out::html(200, page_of(who, "Status", "status", &body))
}

// ------------------------------------------------------------------------------ Pending

async fn list_requests(d: &Dashboard) -> Result<Vec<Value>, String> {
    let (code, v) = crate::serve::api::request(
        &d.client,
        http::Method::GET,
        &approvals::collection(&d.namespace),
        None,
    )
    .await?;
    if code != 200 {
        return Err(format!(
            "listing approval requests in {}: HTTP {code}: {}",
            d.namespace,
            s(&v, "/message")
        ));
    }
    let mut items = v["items"].as_array().cloned().unwrap_or_default();
    items.sort_by(|a, b| s(b, "/spec/request/at").cmp(s(a, "/spec/request/at")));
    Ok(items)
}

fn secs_between(a: jiff::Timestamp, b: &str) -> Option<i64> {
    let t: jiff::Timestamp = b.parse().ok()?;
    Some(a.as_second() - t.as_second())
}

/// One request as a card: what, why, from where, when, the diff, and (if allowed) buttons.
fn request_card(d: &Dashboard, who: &Who, o: &Value, can_decide: bool, open: bool) -> String {
    let now = d.now();
    let name = approvals::name_of(o);
    let ns = s(o, "/metadata/namespace");
    let phase = approvals::phase_of(o);
    let mut c = String::new();
    let link = format!("/ui/pending/{}/{}", url_part(ns), url_part(name));
    let _ = write!(
        c,
        "<article class=\"card\" id=\"{}\"><h2><a href=\"{}\">{}</a> <span class=\"tag {}\">{}</span></h2>",
        esc(name),
        esc(&link),
        esc(name),
        esc(&phase.to_ascii_lowercase()),
        esc(phase)
    );
    let req = approvals::request_of(o);
    let age = secs_between(now, s(o, "/spec/request/at"))
        .map(views::ago)
        .unwrap_or_default();
    let expires = s(o, "/spec/expiresAt");
    let left = secs_between(now, expires)
        .map(|x| {
            if x >= 0 {
                format!("expired {} ago", views::ago(x))
            } else {
                views::ago(x)
            }
        })
        .unwrap_or_default();
    c.push_str("<dl>");
    let mut row = |k: &str, v: String| {
        let _ = write!(c, "<dt>{}</dt><dd>{v}</dd>", esc(k));
    };
    if let Ok(r) = &req {
        let targets: Vec<String> = r
            .steps
            .iter()
            .map(|st| {
                format!(
                    "<code>{} {}</code>",
                    esc(st.proposed.action.verb()),
                    esc(&st.proposed.action.target_display())
                )
            })
            .collect();
        row("Change", targets.join("<br>"));
        row("Tier", esc(r.tier.as_str()));
        row("Context", esc(&r.context));
    }
    row("Rationale", text(s(o, "/spec/rationale")));
    row("Origin", esc(s(o, "/spec/origin")));
    row("Requested by", esc(s(o, "/spec/requester")));
    row("Age", esc(&age));
    row(
        "Expires",
        format!(
            "<time datetime=\"{}\">{}</time> ({})",
            esc(expires),
            esc(expires),
            esc(&left)
        ),
    );
    if let Some(a) = o.pointer("/status/approver").and_then(Value::as_str) {
        row("Decided by", esc(a));
    }
    if let Some(m) = o.pointer("/status/message").and_then(Value::as_str) {
        row("Status", text(m));
    }
    c.push_str("</dl>");
    match &req {
        Ok(r) if open => {
            for st in &r.steps {
                let _ = write!(
                    c,
                    "<h3><code>{} {}</code></h3>",
                    esc(st.proposed.action.verb()),
                    esc(&st.proposed.action.target_display())
                );
                if let Some(n) = &st.preview.note {
                    c.push_str(&format!("<p>{}</p>", text(n)));
                }
                c.push_str(&views::diff(&st.preview.diff));
            }
        }
        Ok(_) => {}
        Err(e) => c.push_str(&views::notice("error", e)),
    }
    if phase == "Pending" && !approvals::expired(o, now) {
        if can_decide {
            for (verb, label, class) in [
                ("approve", "Approve", "approve"),
                ("reject", "Reject", "reject"),
            ] {
                let _ = write!(
                    c,
                    "<form method=\"post\" action=\"{}/{verb}\" class=\"inline\">\
                     <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
                     <button type=\"submit\" class=\"{class}\" id=\"{verb}-{}\">{label}</button></form>",
                    esc(&link),
                    esc(&who.csrf),
                    esc(name)
                );
            }
        } else {
            c.push_str(
                "<p class=\"muted\">You may view this request but not decide it (RBAC: patch on approvalrequests/status).</p>",
            );
        }
    }
    c.push_str("</article>");
    c
}

async fn may_decide(
    d: &Dashboard,
    who: &Who,
    ns: &str,
    name: Option<&str>,
) -> Result<bool, String> {
    may(
        d,
        who,
        Access {
            verb: "patch",
            subresource: Some("status"),
            namespace: ns,
            name,
        },
    )
    .await
}

async fn pending_view(d: &Dashboard, who: &Who, q: &BTreeMap<String, String>) -> Out {
    if let Some(o) = check_view(d, who, "list").await {
        return o;
    }
    let items = match list_requests(d).await {
        Ok(i) => i,
        Err(e) => return review_failed(who, &e),
    };
    let can = match may_decide(d, who, &d.namespace, None).await {
        Ok(c) => c,
        Err(e) => return review_failed(who, &e),
    };
    let mut b = String::from("<h1>Pending</h1>");
    if let (Some(done), Some(id)) = (q.get("done"), q.get("id")) {
        b.push_str(&views::notice(
            "ok",
            &format!(
                "{id} {done}{}",
                if done == "approved" {
                    "; serve executes it once after re-checking the live object"
                } else {
                    ""
                }
            ),
        ));
    }
    let now = d.now();
    let (pending, decided): (Vec<&Value>, Vec<&Value>) = items
        .iter()
        .partition(|o| approvals::phase_of(o) == "Pending" && !approvals::expired(o, now));
    if pending.is_empty() {
        b.push_str("<p class=\"muted\">Nothing is waiting for a decision.</p>");
    }
    for o in &pending {
        b.push_str(&request_card(d, who, o, can, true));
    }
    let rows: Vec<Vec<String>> = decided
        .iter()
        .take(50)
        .map(|o| {
            let name = approvals::name_of(o);
            let ns = s(o, "/metadata/namespace");
            vec![
                format!(
                    "<a href=\"/ui/pending/{}/{}\">{}</a>",
                    esc(&url_part(ns)),
                    esc(&url_part(name)),
                    esc(name)
                ),
                esc(approvals::phase_of(o)),
                esc(s(o, "/spec/origin")),
                esc(s(o, "/status/approver")),
                text(s(o, "/status/message")),
            ]
        })
        .collect();
    b.push_str(&views::table(
        "Decided and closed",
        &["Request", "Phase", "Origin", "Decided by", "Message"],
        &rows,
    ));
    Out::html(200, page_of(who, "Pending", "pending", &b))
}

async fn get_request(d: &Dashboard, ns: &str, name: &str) -> Result<Option<Value>, String> {
    let path = format!("{}/{}", approvals::collection(ns), url_part(name));
    let (code, v) = crate::serve::api::request(&d.client, http::Method::GET, &path, None).await?;
    match code {
        200 => Ok(Some(v)),
        404 => Ok(None),
        c => Err(format!(
            "approval request {ns}/{name}: HTTP {c}: {}",
            s(&v, "/message")
        )),
    }
}

async fn request_view(d: &Dashboard, who: &Who, ns: &str, name: &str) -> Out {
    if ns != d.namespace {
        return Out::html(
            404,
            page_of(
                who,
                "Not found",
                "pending",
                &views::problem("Not found", "this dashboard serves one namespace's queue"),
            ),
        );
    }
    if let Some(o) = check_view(d, who, "get").await {
        return o;
    }
    let o = match get_request(d, ns, name).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            return Out::html(
                404,
                page_of(
                    who,
                    "Not found",
                    "pending",
                    &views::problem(
                        "Not found",
                        &format!("approval request {ns}/{name} does not exist"),
                    ),
                ),
            );
        }
        Err(e) => return review_failed(who, &e),
    };
    let can = may_decide(d, who, ns, Some(name)).await.unwrap_or(false);
    let body = request_card(d, who, &o, can, true);
    Out::html(200, page_of(who, name, "pending", &body))
}

/// Approve / reject: the RBAC check for this user, then the same status write as
/// `kubectl claude approvals approve|reject`.
async fn decide(d: &Dashboard, who: &Who, ns: &str, name: &str, approve: bool) -> Out {
    let word = if approve { "approve" } else { "reject" };
    if ns != d.namespace {
        return Out::html(
            404,
            page_of(who, "Not found", "pending", "<h1>Not found</h1>"),
        );
    }
    match may_decide(d, who, ns, Some(name)).await {
        Ok(true) => {}
        Ok(false) => {
            return denied(
                who,
                &format!("{word} {name}"),
                "patch",
                "approvalrequests/status",
                ns,
            );
        }
        Err(e) => return review_failed(who, &e),
    }
    let o = match get_request(d, ns, name).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            return Out::html(
                404,
                page_of(
                    who,
                    "Not found",
                    "pending",
                    &views::problem(
                        "Not found",
                        &format!("approval request {ns}/{name} does not exist"),
                    ),
                ),
            );
        }
        Err(e) => return review_failed(who, &e),
    };
    let phase = approvals::phase_of(&o);
    let refuse = |msg: String| {
        Out::html(
            409,
            page_of(
                who,
                "Not decided",
                "pending",
                &views::problem("Not decided", &msg),
            ),
        )
    };
    if phase != "Pending" {
        return refuse(format!(
            "approval request {name} is {phase}, not Pending: only a pending request can be {word}d"
        ));
    }
    if approvals::expired(&o, d.now()) {
        return refuse(format!(
            "approval request {name} expired at {}; it will not run",
            s(&o, "/spec/expiresAt")
        ));
    }
    let status = json!({
        "phase": if approve { "Approved" } else { "Rejected" },
        "approver": who.user.name,
        "decidedAt": d.now().to_string(),
    });
    match approvals::set_status(&d.client, ns, name, status).await {
        Ok(()) => Out::redirect(&format!(
            "/ui/pending?done={}&id={}",
            if approve { "approved" } else { "rejected" },
            url_part(name)
        )),
        Err(e) => review_failed(who, &e),
    }
}

// ------------------------------------------------------------------------------ History

async fn history_view(d: &Dashboard, who: &Who, q: &BTreeMap<String, String>) -> Out {
    if let Some(o) = check_view(d, who, "list").await {
        return o;
    }
    let (records, unreadable) = match crate::audit::read_report(&d.audit_dir) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (vec![], vec![]),
        Err(e) => {
            return review_failed(
                who,
                &format!("reading the audit log {}: {e}", d.audit_dir.display()),
            );
        }
    };
    // One row per attempt: the outcome record when there is one, else the decision.
    let mut by_id: BTreeMap<String, crate::audit::Record> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for r in records {
        if !by_id.contains_key(&r.id) {
            order.push(r.id.clone());
        }
        let keep = by_id
            .get(&r.id)
            .is_none_or(|prev| prev.outcome.is_none() || r.outcome.is_some());
        if keep {
            let approver = by_id.get(&r.id).and_then(|p| p.approver.clone());
            let mut r = r;
            if r.approver.is_none() {
                r.approver = approver;
            }
            by_id.insert(r.id.clone(), r);
        }
    }
    let want = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let (f_origin, f_workflow, f_outcome) = (want("origin"), want("workflow"), want("outcome"));
    let mut rows = Vec::new();
    let mut rs: Vec<&crate::audit::Record> = order.iter().filter_map(|id| by_id.get(id)).collect();
    rs.sort_by(|a, b| b.at.cmp(&a.at));
    for r in rs {
        let outcome = r.outcome.map(|o| o.as_str()).unwrap_or("pending");
        let approval = serde_json::to_value(r.approval)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if f_origin.is_some_and(|o| !r.origin.starts_with(o)) {
            continue;
        }
        if f_workflow.is_some_and(|w| r.origin != format!("workflow:{w}")) {
            continue;
        }
        if f_outcome.is_some_and(|o| o != outcome && o != approval) {
            continue;
        }
        let request = r
            .request
            .as_deref()
            .map(|id| {
                format!(
                    "<a href=\"/ui/pending/{}/{}\">{}</a>",
                    esc(&url_part(&d.namespace)),
                    esc(&url_part(id)),
                    esc(id)
                )
            })
            .unwrap_or_default();
        rows.push(vec![
            format!("<time datetime=\"{0}\">{0}</time>", esc(&r.at)),
            esc(&r.origin),
            format!("<code>{}</code>", text(&format!("{} {}", r.verb, r.target))),
            esc(r.tier.as_str()),
            esc(&approval),
            format!("<span class=\"tag {0}\">{0}</span>", esc(outcome)),
            esc(r.approver.as_deref().unwrap_or("")),
            request,
            text(r.error.as_deref().unwrap_or("")),
        ]);
        if rows.len() >= 200 {
            break;
        }
    }
    let mut b = String::from("<h1>History</h1>");
    let opt = |k: &str| esc(q.get(k).map(String::as_str).unwrap_or(""));
    let _ = write!(
        b,
        "<form method=\"get\" action=\"/ui/history\" class=\"filters\">\
         <label>Origin <input name=\"origin\" value=\"{}\" placeholder=\"workflow:, user, llm\"></label>\
         <label>Workflow <input name=\"workflow\" value=\"{}\"></label>\
         <label>Outcome <select name=\"outcome\">",
        opt("origin"),
        opt("workflow")
    );
    for o in [
        "",
        "ok",
        "error",
        "skipped",
        "deferred",
        "refused-stale",
        "refused-forbidden",
    ] {
        let sel = if q.get("outcome").map(String::as_str).unwrap_or("") == o {
            " selected"
        } else {
            ""
        };
        let label = if o.is_empty() { "any" } else { o };
        let _ = write!(b, "<option value=\"{o}\"{sel}>{label}</option>");
    }
    b.push_str("</select></label><button type=\"submit\">Filter</button></form>");
    if !unreadable.is_empty() {
        b.push_str(&views::notice(
            "error",
            &format!(
                "{} audit line(s) could not be read and are not shown",
                unreadable.len()
            ),
        ));
    }
    b.push_str(&views::table(
        "Actions, newest first",
        &[
            "Time", "Origin", "Action", "Tier", "Approval", "Outcome", "Approver", "Request",
            "Error",
        ],
        &rows,
    ));
    Out::html(200, page_of(who, "History", "history", &b))
}

// ------------------------------------------------------------------------------ Workflows

async fn workflows_view(
    d: &Dashboard,
    shared: &Shared,
    who: &Who,
    q: &BTreeMap<String, String>,
) -> Out {
    if let Some(o) = check_view(d, who, "list").await {
        return o;
    }
    let mut b = String::from("<h1>Workflows</h1>");
    if let Some(w) = q.get("started") {
        b.push_str(&views::notice(
            "ok",
            &format!("{w} started; its confirm steps land in Pending"),
        ));
    }
    for wf in &shared.settings.workflows {
        let _ = write!(
            b,
            "<article class=\"card\" id=\"wf-{0}\"><h2>{0}</h2><p>{1}</p>",
            esc(&wf.name),
            text(&wf.description)
        );
        if let Some(t) = &wf.trigger {
            let _ = write!(b, "<p>Trigger: <code>{}</code></p>", text(&t.to_string()));
        }
        b.push_str("<ol class=\"steps\">");
        for (i, st) in wf.steps.iter().enumerate() {
            let what = if let Some(r) = &st.recipe {
                format!("recipe {r}")
            } else if let Some(a) = &st.action {
                format!("action {a}")
            } else if let Some(f) = &st.fix {
                format!("fix from {}", f.from)
            } else if st.task.is_some() {
                "task (model)".into()
            } else {
                "condition".into()
            };
            let _ = write!(
                b,
                "<li><strong>{}</strong> — {}</li>",
                esc(st.name.as_deref().unwrap_or(&format!("step {}", i + 1))),
                text(&what)
            );
        }
        b.push_str("</ol>");
        let _ = write!(
            b,
            "<form method=\"post\" action=\"/ui/workflows/{}/run\" class=\"run\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">",
            esc(&url_part(&wf.name)),
            esc(&who.csrf)
        );
        for p in &wf.params {
            let id = format!("{}-{}", wf.name, p.name);
            let _ = write!(
                b,
                "<label for=\"{0}\">{1}{2}</label><input id=\"{0}\" name=\"param.{1}\" value=\"{3}\"{4}>",
                esc(&id),
                esc(&p.name),
                if p.description.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", text(&p.description))
                },
                esc(p.default.as_deref().unwrap_or("")),
                if p.required { " required" } else { "" }
            );
        }
        let _ = write!(
            b,
            "<button type=\"submit\" id=\"run-{}\">Run</button></form></article>",
            esc(&wf.name)
        );
    }
    b.push_str(&runs_table(shared, "Runs"));
    Out::html(200, page_of(who, "Workflows", "workflows", &b))
}

async fn run_workflow(
    d: &Dashboard,
    shared: &Rc<Shared>,
    launcher: &Rc<dyn Launcher>,
    who: &Who,
    name: &str,
    f: &BTreeMap<String, String>,
) -> Out {
    let ns = d.namespace.clone();
    match may(
        d,
        who,
        Access {
            verb: "create",
            subresource: None,
            namespace: &ns,
            name: None,
        },
    )
    .await
    {
        Ok(true) => {}
        Ok(false) => {
            return denied(
                who,
                &format!("run workflow {name}"),
                "create",
                "approvalrequests",
                &ns,
            );
        }
        Err(e) => return review_failed(who, &e),
    }
    let Some(wf) = shared.settings.workflows.iter().find(|w| w.name == name) else {
        return Out::html(
            404,
            page_of(
                who,
                "Not found",
                "workflows",
                &views::problem("Not found", &format!("no workflow named {name}")),
            ),
        );
    };
    let mut params = BTreeMap::new();
    for p in &wf.params {
        match f.get(&format!("param.{}", p.name)).map(|v| v.trim()) {
            Some(v) if !v.is_empty() => {
                params.insert(p.name.clone(), v.to_string());
            }
            _ if p.required && p.default.is_none() => {
                return Out::html(
                    400,
                    page_of(
                        who,
                        "Missing parameter",
                        "workflows",
                        &views::problem(
                            "Missing parameter",
                            &format!("workflow {name} needs parameter {}", p.name),
                        ),
                    ),
                );
            }
            _ => {}
        }
    }
    if !shared.is_leader() {
        return Out::html(
            503,
            page_of(
                who,
                "Not the leader",
                "workflows",
                &views::problem(
                    "Not the leader",
                    "this replica is not the leader; retry (the Service routes to the leader when it is ready)",
                ),
            ),
        );
    }
    let key = format!(
        "dashboard|{name}|{}",
        params
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    );
    let trigger = format!("dashboard:{}", who.user.name);
    crate::serve::start(shared, launcher, name, &trigger, key, params);
    Out::redirect(&format!("/ui/workflows?started={}", url_part(name)))
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
