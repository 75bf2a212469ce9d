//! The dashboard end to end: the built `serve` against the fake API server (whose TokenReview
//! and SubjectAccessReview answer from a table the test sets), driven by headless Chromium
//! over WebDriver — sign in with a token, see the pending memory patch and its diff, approve
//! it → serve executes it: exactly one PATCH, the approver is the signed-in user in History; a
//! user RBAC does not let approve sees no button; markup from the cluster renders as text —
//! and over plain HTTP for what a browser hides: CSRF, cookie flags, the CSP, 403s with no
//! write, no state-changing GET. Screenshots of the four views go to /tmp/shots/dashboard-*.png.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::acting::env_for;
use crate::support::env::TestEnv;
use crate::support::fake_apiserver::FakeApiServer;
use crate::support::webdriver::Browser;

const HOOK_TOKEN: &str = "s3cret-hook-token";
const ALICE: &str = "alice-token-0123";
const BOB: &str = "bob-token-4567";
const CAROL: &str = "carol-token-89ab";
const DAVE: &str = "dave-token-cdef";

/// A running `serve`; killed on drop.
struct Serve {
    child: std::process::Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(t: &TestEnv) -> Serve {
        t.write("token", &format!("{HOOK_TOKEN}\n"));
        let mut c = t.std_cmd_at(&crate::support::env::bin());
        c.args(crate::support::serve_process::FAST)
            .args(["--hook-token-file", "token"]);
        let (child, addr, log) = crate::support::serve_process::spawn(c);
        Serve { child, addr, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn wait(&self, secs: u64, what: &str, mut f: impl FnMut() -> bool) {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if f() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out waiting for {what}; serve log:\n{}", self.log());
    }
}

/// One HTTP/1.1 exchange: (status, headers lower-cased, body).
struct Reply {
    code: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    /// The session cookie this reply sets (`kc_dash=…`, without attributes).
    fn session(&self) -> Option<String> {
        self.header("set-cookie")
            .and_then(|c| c.split(';').next())
            .filter(|c| c.starts_with("kc_dash=") && c.len() > "kc_dash=".len())
            .map(str::to_string)
    }
    /// The CSRF token in the page's first form.
    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no CSRF field in:\n{}", self.body));
        let rest = &self.body[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let s = TcpStream::connect(addr).expect("connect serve");
    exchange(s, addr, method, path, headers, body)
}

/// [`http`] from another loopback address (`127.0.0.2`): another client, as serve sees it.
fn http_from(
    source: &str,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    let s = rt.block_on(async {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.bind(format!("{source}:0").parse().unwrap()).unwrap();
        sock.connect(addr.parse().unwrap()).await.unwrap()
    });
    let s = s.into_std().unwrap();
    s.set_nonblocking(false).unwrap();
    exchange(s, addr, method, path, headers, body)
}

fn exchange(
    mut s: TcpStream,
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let code = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply {
        code,
        headers,
        body: body.to_string(),
    }
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

/// Signs in over plain HTTP: the sign-in page's anonymous session and CSRF, then the token.
fn sign_in(addr: &str, token: &str) -> (String, String) {
    let page = http(addr, "GET", "/ui/sign-in", &[], "");
    let anon = page.session().expect("an anonymous session for the form");
    let r = http(
        addr,
        "POST",
        "/ui/sign-in",
        &[FORM, ("Cookie", &anon)],
        &format!("csrf={}&token={token}", page.csrf()),
    );
    assert_eq!(r.code, 303, "sign-in: {}", r.body);
    let cookie = r.session().expect("a signed-in session");
    assert_ne!(cookie, anon, "a new session id on sign-in");
    let pending = http(addr, "GET", "/ui/pending", &[("Cookie", &cookie)], "");
    assert_eq!(pending.code, 200, "{}", pending.body);
    (cookie, pending.csrf())
}

/// The OOM-killed checkout Deployment (namespace shop), the queue's kinds, and three users:
/// alice may view, decide and run; bob may only view; carol may do nothing.
/// dave is a second approver. A decision's status write is held for 700 ms before the fake
/// applies it, so two approvers clicking at nearly the same time both read the request as
/// Pending: only the version check can stop the second.
fn fake() -> FakeApiServer {
    FakeApiServer::builder_from_dir(
        &crate::support::env::repo().join("examples/snapshots/helmrelease-oomkilled"),
    )
    .served("coordination.k8s.io/v1", "Lease")
    .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
    .user_token(ALICE, "alice@example.com", &["approvers"])
    .user_token(BOB, "bob@example.com", &["viewers"])
    .user_token(CAROL, "carol@example.com", &[])
    .allow("alice@example.com", "list", "approvalrequests")
    .allow("alice@example.com", "get", "approvalrequests")
    .allow("alice@example.com", "create", "approvalrequests")
    .allow("alice@example.com", "patch", "approvalrequests/status")
    .allow("bob@example.com", "list", "approvalrequests")
    .allow("bob@example.com", "get", "approvalrequests")
    .user_token(DAVE, "dave@example.com", &["approvers"])
    .allow("dave@example.com", "list", "approvalrequests")
    .allow("dave@example.com", "get", "approvalrequests")
    .allow("dave@example.com", "patch", "approvalrequests/status")
    .on_write(|w| {
        if w.path.ends_with("/status") && w.body.contains("\"approver\"") {
            std::thread::sleep(Duration::from_millis(700));
        }
    })
    .start()
}

fn approval_objects(fake: &FakeApiServer) -> Vec<Value> {
    fake.objects()
        .into_iter()
        .filter(|o| o["kind"] == "ApprovalRequest")
        .collect()
}

fn patches_to_checkout(fake: &FakeApiServer) -> usize {
    fake.writes()
        .iter()
        .filter(|w| w.path == "/apis/apps/v1/namespaces/shop/deployments/checkout")
        .count()
}

fn status_writes(fake: &FakeApiServer) -> usize {
    fake.writes()
        .iter()
        .filter(|w| w.path.contains("/approvalrequests/") && w.path.ends_with("/status"))
        .count()
}

fn alert() -> String {
    json!({
        "version": "4", "groupKey": "{}:{alertname=\"KubePodCrashLooping\"}", "truncatedAlerts": 0,
        "status": "firing", "receiver": "kubectl-claude",
        "groupLabels": {"alertname": "KubePodCrashLooping"},
        "commonLabels": {"alertname": "KubePodCrashLooping", "namespace": "shop"},
        "commonAnnotations": {}, "externalURL": "http://alertmanager.monitoring:9093",
        "alerts": [{"status": "firing",
            "labels": {"alertname": "KubePodCrashLooping", "namespace": "shop", "severity": "warning"},
            "annotations": {"summary": "Pod is crash looping."},
            "startsAt": "2026-12-01T10:00:00.000Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus/graph", "fingerprint": "5c3c9a1b2d3e4f60"}]
    })
    .to_string()
}

/// serve, leader, with the crash-looping app's memory patch pending, plus a second pending
/// request whose rationale (from the cluster) carries markup. Returns the real request's id.
fn pending_setup(fake: &FakeApiServer, t: &TestEnv) -> (Serve, String) {
    let s = Serve::start(t);
    s.wait(15, "leadership", || {
        http(&s.addr, "GET", "/api/leader", &[], "")
            .body
            .contains("true")
    });
    let r = http(
        &s.addr,
        "POST",
        "/hooks/alertmanager",
        &[
            ("Authorization", &format!("Bearer {HOOK_TOKEN}")),
            ("Content-Type", "application/json"),
        ],
        &alert(),
    );
    assert_eq!(r.code, 202, "{}", r.body);
    s.wait(90, "the queued memory patch", || {
        approval_objects(fake).len() == 1
    });
    let real = approval_objects(fake)[0].clone();
    let mut xss = real.clone();
    xss["metadata"]["name"] = json!("apr-markup");
    xss["spec"]["request"]["id"] = json!("apr-markup");
    xss["spec"]["rationale"] =
        json!("<script>window.pwned=1</script><img src=x id=injected onerror=\"window.pwned=2\">");
    fake.upsert(xss);
    (s, real["metadata"]["name"].as_str().unwrap().to_string())
}

/// The browser journey, in headless Chromium.
#[test]
fn browser_sign_in_see_the_diff_approve_once_and_find_it_in_history() {
    let fake = fake();
    let t = env_for(&fake);
    let (s, id) = pending_setup(&fake, &t);
    let _ = std::fs::create_dir_all("/tmp/shots");
    let b = Browser::start();

    // No session: every view redirects to sign-in.
    b.goto(&s.url("/ui/pending"));
    assert!(b.url().ends_with("/ui/sign-in"), "{}", b.url());
    // A token TokenReview rejects: still signed out.
    b.fill("#token", "not-a-real-token");
    b.click("button[type=submit]");
    b.wait_text("did not accept this token");
    assert!(b.url().ends_with("/ui/sign-in"), "{}", b.url());
    b.fill("#token", ALICE);
    b.click("button[type=submit]");
    b.wait_url("/ui/status");
    assert!(b.text().contains("alice@example.com"), "{}", b.text());
    assert!(b.text().contains("Nodes"), "{}", b.text());
    b.screenshot("/tmp/shots/dashboard-status.png");

    // Pending: the request, its rationale, origin and the exact diff.
    b.goto(&s.url("/ui/pending"));
    let page = b.text();
    assert!(page.contains(&id), "{page}");
    assert!(
        page.contains("workflow:pod-crashloop-remediation"),
        "{page}"
    );
    let diff = b.eval(
        "return Array.from(document.querySelectorAll('pre.diff .add')).map(e => e.textContent).join('\\n')",
    );
    assert!(diff.as_str().unwrap_or("").contains("512Mi"), "{diff}");
    // Markup from the cluster is text: shown literally, never run, no element injected.
    assert!(page.contains("<script>window.pwned=1</script>"), "{page}");
    assert_eq!(b.eval("return typeof window.pwned"), json!("undefined"));
    assert_eq!(b.count("#injected"), 0);
    b.screenshot("/tmp/shots/dashboard-pending.png");
    b.resize(412, 915);
    b.screenshot("/tmp/shots/dashboard-pending-phone.png");
    b.resize(1280, 1000);

    // Approve → serve executes it once.
    assert_eq!(
        patches_to_checkout(&fake),
        0,
        "nothing written before approval"
    );
    b.click(&format!("#approve-{id}"));
    b.wait_url("/ui/pending?done=approved");
    s.wait(30, "execution", || {
        approval_objects(&fake)
            .iter()
            .any(|o| o["metadata"]["name"] == id.as_str() && o["status"]["phase"] == "Executed")
    });
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(patches_to_checkout(&fake), 1, "exactly one PATCH");
    let o = approval_objects(&fake)
        .into_iter()
        .find(|o| o["metadata"]["name"] == id.as_str())
        .unwrap();
    assert_eq!(o["status"]["approver"], "alice@example.com");

    // History: the executed change and who approved it; it links to its request.
    b.goto(&s.url("/ui/history"));
    let h = b.text();
    assert!(h.contains("alice@example.com"), "{h}");
    assert!(h.contains("checkout"), "{h}");
    assert!(b.count(&format!("a[href='/ui/pending/default/{id}']")) >= 1);
    b.goto(&s.url("/ui/history?outcome=ok"));
    assert!(b.text().contains("alice@example.com"));
    b.screenshot("/tmp/shots/dashboard-history.png");
    b.goto(&s.url("/ui/workflows"));
    assert!(b.text().contains("pod-crashloop-remediation"));
    assert!(b.count("#run-pod-crashloop-remediation") == 1);
    b.screenshot("/tmp/shots/dashboard-workflows.png");

    // bob may view but not approve: no buttons.
    b.click("form.who button");
    b.wait_url("/ui/sign-in");
    b.fill("#token", BOB);
    b.click("button[type=submit]");
    b.wait_url("/ui/status");
    b.wait_text("bob@example.com");
    b.goto(&s.url("/ui/pending"));
    assert!(b.text().contains("apr-markup"), "{}", b.text());
    assert_eq!(b.count("button.approve"), 0, "{}", b.source());
    assert_eq!(b.count("button.reject"), 0);
    assert!(b.text().contains("not decide"), "{}", b.text());
    drop(b);

    // A phone in dark mode: prefers-color-scheme is honoured.
    let dark = Browser::start_with(&["--force-dark-mode", "--window-size=412,915"]);
    dark.goto(&s.url("/ui/sign-in"));
    dark.fill("#token", ALICE);
    dark.click("button[type=submit]");
    dark.wait_url("/ui/status");
    assert_eq!(
        dark.eval("return matchMedia('(prefers-color-scheme: dark)').matches"),
        json!(true)
    );
    assert_eq!(
        dark.eval("return getComputedStyle(document.body).backgroundColor"),
        json!("rgb(20, 22, 26)")
    );
    dark.goto(&s.url("/ui/pending"));
    dark.screenshot("/tmp/shots/dashboard-pending-phone-dark.png");
    let rss = std::fs::read_to_string(format!("/proc/{}/status", s.child.id()))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .unwrap_or("")
        .to_string();
    eprintln!("serve with the dashboard in use: {rss}");
}

/// What a browser does not show: headers, cookie flags, CSRF, RBAC on a forged POST.
#[test]
fn dashboard_http_csrf_cookie_flags_csp_and_forged_posts() {
    let fake = fake();
    let t = env_for(&fake);
    let (s, id) = pending_setup(&fake, &t);
    let a = s.addr.as_str();

    // Signed out: redirected; the CSP and the other headers on every page.
    let r = http(a, "GET", "/ui/pending", &[], "");
    assert_eq!(r.code, 303);
    assert_eq!(r.header("location"), Some("/ui/sign-in"));
    let page = http(a, "GET", "/ui/sign-in", &[], "");
    let csp = page.header("content-security-policy").unwrap_or("");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(
        !page.body.contains("<script>"),
        "no inline script: {}",
        page.body
    );
    let cookie = page.header("set-cookie").unwrap();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/ui"] {
        assert!(cookie.contains(flag), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let tls = http(
        a,
        "GET",
        "/ui/sign-in",
        &[("X-Forwarded-Proto", "https")],
        "",
    );
    assert!(tls.header("set-cookie").unwrap().contains("; Secure"));

    // Sign-in without the form's CSRF token: refused, no session.
    let anon = page.session().unwrap();
    let r = http(
        a,
        "POST",
        "/ui/sign-in",
        &[FORM, ("Cookie", &anon)],
        &format!("token={ALICE}"),
    );
    assert_eq!(r.code, 403);
    assert!(r.session().is_none());
    // A wrong token: 401; the token is never echoed back.
    let r = http(
        a,
        "POST",
        "/ui/sign-in",
        &[FORM, ("Cookie", &anon)],
        &format!("csrf={}&token=wrong-token-xyz", page.csrf()),
    );
    assert_eq!(r.code, 401);
    assert!(!r.body.contains("wrong-token-xyz"));

    let before = status_writes(&fake);
    let (alice, csrf) = sign_in(a, ALICE);
    // Status lists the alerts received: the one that started the remediation, and one that
    // matched no workflow (its credential-named label masked).
    let stray = json!({
        "version": "4", "groupKey": "{}:{alertname=\"DiskAlmostFull\"}", "truncatedAlerts": 0,
        "status": "firing", "receiver": "kubectl-claude", "groupLabels": {}, "commonLabels": {},
        "commonAnnotations": {}, "externalURL": "http://alertmanager",
        "alerts": [{"status": "firing",
            "labels": {"alertname": "DiskAlmostFull", "severity": "critical", "node": "pi5-a",
                "api_token": "hunter2hunter2hunter2"},
            "annotations": {}, "startsAt": "2026-12-01T10:00:00.000Z",
            "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "", "fingerprint": "aa11"}]
    });
    let r = http(
        a,
        "POST",
        "/hooks/alertmanager",
        &[
            ("Authorization", &format!("Bearer {HOOK_TOKEN}")),
            ("Content-Type", "application/json"),
        ],
        &stray.to_string(),
    );
    assert_eq!(r.code, 202, "{}", r.body);
    let st = http(a, "GET", "/ui/status?fragment=1", &[("Cookie", &alice)], "");
    assert!(st.body.contains("Recent alerts"), "{}", st.body);
    assert!(
        st.body.contains("DiskAlmostFull") && st.body.contains("no workflow matched"),
        "{}",
        st.body
    );
    assert!(
        st.body.contains("started pod-crashloop-remediation"),
        "{}",
        st.body
    );
    assert!(!st.body.contains("hunter2hunter2"), "{}", st.body);
    let j = http(
        a,
        "GET",
        "/ui/status?format=json",
        &[("Cookie", &alice)],
        "",
    );
    assert_eq!(j.header("content-type"), Some("application/json"));
    let v: Value = serde_json::from_str(&j.body).unwrap();
    assert_eq!(
        v["alerts"][0]["name"], "DiskAlmostFull",
        "newest first: {v}"
    );
    assert_eq!(v["alerts"][0]["note"], "no workflow matched");
    assert_eq!(v["alerts"][0]["labels"]["node"], "pi5-a");
    assert_ne!(
        v["alerts"][0]["labels"]["api_token"],
        "hunter2hunter2hunter2"
    );
    assert_eq!(v["alerts"][1]["name"], "KubePodCrashLooping");
    assert_eq!(
        v["alerts"][1]["started"],
        json!(["pod-crashloop-remediation"])
    );
    assert_eq!(
        http(a, "GET", "/ui/status?format=json", &[], "").code,
        303,
        "signed in only"
    );
    // Opening the sign-in page again (a GET) keeps the session: it is sent on to Status.
    let again = http(a, "GET", "/ui/sign-in", &[("Cookie", &alice)], "");
    assert_eq!(again.code, 303, "{}", again.body);
    assert_eq!(again.header("location"), Some("/ui/status"));
    assert!(again.session().is_none(), "no new cookie on a GET");
    let still = http(a, "GET", "/ui/pending", &[("Cookie", &alice)], "");
    assert_eq!(still.code, 200, "still signed in: {}", still.body);
    let approve = format!("/ui/pending/default/{id}/approve");
    // No CSRF token, a wrong one, or not a form: 403 and nothing written.
    for (body, ctype) in [
        (String::new(), FORM),
        ("csrf=0000".to_string(), FORM),
        (format!("csrf={csrf}"), ("Content-Type", "text/plain")),
    ] {
        let r = http(a, "POST", &approve, &[ctype, ("Cookie", &alice)], &body);
        assert_eq!(r.code, 403, "{body}: {}", r.body);
    }
    // GET never changes anything.
    let r = http(a, "GET", &approve, &[("Cookie", &alice)], "");
    assert_eq!(r.code, 404);
    // No session at all: 401, nothing sent.
    let r = http(a, "POST", &approve, &[FORM], &format!("csrf={csrf}"));
    assert_eq!(r.code, 401);
    assert_eq!(status_writes(&fake), before, "no decision was written");

    // bob: views, sees no button, and a forged POST with his own valid CSRF token is 403.
    let (bob, bob_csrf) = sign_in(a, BOB);
    let p = http(a, "GET", "/ui/pending", &[("Cookie", &bob)], "");
    assert_eq!(p.code, 200);
    assert!(p.body.contains(&id));
    assert!(!p.body.contains("/approve\""), "no approve form for bob");
    let r = http(
        a,
        "POST",
        &approve,
        &[FORM, ("Cookie", &bob)],
        &format!("csrf={bob_csrf}"),
    );
    assert_eq!(r.code, 403, "{}", r.body);
    assert!(
        r.body.contains("bob@example.com may not approve"),
        "{}",
        r.body
    );
    // His run of a workflow is refused too (create on approvalrequests).
    let r = http(
        a,
        "POST",
        "/ui/workflows/pod-crashloop-remediation/run",
        &[FORM, ("Cookie", &bob)],
        &format!("csrf={bob_csrf}&param.namespace=shop"),
    );
    assert_eq!(r.code, 403, "{}", r.body);
    assert_eq!(status_writes(&fake), before, "bob wrote nothing");
    assert_eq!(patches_to_checkout(&fake), 0);
    // The SubjectAccessReviews asked for bob, about the status subresource.
    let sars: Vec<Value> = fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/subjectaccessreviews"))
        .filter_map(|r| serde_json::from_str(&r.body).ok())
        .collect();
    assert!(sars.iter().any(|v| v["spec"]["user"] == "bob@example.com"
        && v["spec"]["resourceAttributes"]["verb"] == "patch"
        && v["spec"]["resourceAttributes"]["subresource"] == "status"
        && v["spec"]["resourceAttributes"]["group"] == "kubectl-claude.io"));

    // alice and dave approve the real request at nearly the same time: both read it as
    // Pending, but the decision is conditioned on the version read, so the API server
    // refuses the second (409) and the loser is told who decided; it runs once.
    let (dave, dave_csrf) = sign_in(a, DAVE);
    let racers: Vec<_> = [(alice.clone(), csrf.clone()), (dave, dave_csrf)]
        .into_iter()
        .enumerate()
        .map(|(i, (cookie, token))| {
            let (addr, path) = (a.to_string(), approve.clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(200 * i as u64));
                http(
                    &addr,
                    "POST",
                    &path,
                    &[FORM, ("Cookie", &cookie)],
                    &format!("csrf={token}"),
                )
            })
        })
        .collect();
    let replies: Vec<Reply> = racers.into_iter().map(|h| h.join().unwrap()).collect();
    let codes: Vec<u16> = replies.iter().map(|r| r.code).collect();
    assert_eq!(codes, vec![303, 409], "alice first, dave second: {codes:?}");
    assert!(
        replies[1]
            .body
            .contains("already decided by alice@example.com"),
        "{}",
        replies[1].body
    );
    let approved_writes = fake
        .writes()
        .iter()
        .filter(|w| w.path.ends_with(&format!("/{id}/status")) && w.body.contains("Approved"))
        .count();
    assert_eq!(approved_writes, 2, "both tried");
    s.wait(30, "the one execution", || {
        approval_objects(&fake)
            .iter()
            .any(|o| o["metadata"]["name"] == id.as_str() && o["status"]["phase"] == "Executed")
    });
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(patches_to_checkout(&fake), 1, "exactly one executor write");
    let o = approval_objects(&fake)
        .into_iter()
        .find(|o| o["metadata"]["name"] == id.as_str())
        .unwrap();
    assert_eq!(o["status"]["approver"], "alice@example.com");
    // The CLI takes the same path: told who decided, nothing written.
    let n = status_writes(&fake);
    let out = t
        .cmd()
        .args(["approvals", "approve", &id, "-n", "default"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = crate::support::env::stderr(&out);
    assert!(
        err.contains("already decided by alice@example.com"),
        "{err}"
    );
    assert_eq!(status_writes(&fake), n);

    // carol is authenticated but may not even view.
    let page = http(a, "GET", "/ui/sign-in", &[], "");
    let r = http(
        a,
        "POST",
        "/ui/sign-in",
        &[FORM, ("Cookie", &page.session().unwrap())],
        &format!("csrf={}&token={CAROL}", page.csrf()),
    );
    let carol = r.session().unwrap();
    let r = http(a, "GET", "/ui/pending", &[("Cookie", &carol)], "");
    assert_eq!(r.code, 403);
    assert!(!r.body.contains(&id), "nothing of the queue shown");

    // Markup from the cluster is escaped in the HTML itself.
    let p = http(a, "GET", "/ui/pending", &[("Cookie", &alice)], "");
    assert!(
        p.body
            .contains("&lt;script&gt;window.pwned=1&lt;/script&gt;")
    );
    assert!(!p.body.contains("<script>window.pwned"));
    assert!(!p.body.contains("<img src=x"));

    // alice rejects the markup request: her name is the decider; nothing runs.
    let r = http(
        a,
        "POST",
        "/ui/pending/default/apr-markup/reject",
        &[FORM, ("Cookie", &alice)],
        &format!("csrf={csrf}"),
    );
    assert_eq!(r.code, 303, "{}", r.body);
    let o = approval_objects(&fake)
        .into_iter()
        .find(|o| o["metadata"]["name"] == "apr-markup")
        .unwrap();
    assert_eq!(o["status"]["phase"], "Rejected");
    assert_eq!(o["status"]["approver"], "alice@example.com");
    // Deciding it again: 409, no second write.
    let n = status_writes(&fake);
    let r = http(
        a,
        "POST",
        "/ui/pending/default/apr-markup/approve",
        &[FORM, ("Cookie", &alice)],
        &format!("csrf={csrf}"),
    );
    assert_eq!(r.code, 409, "{}", r.body);
    assert_eq!(status_writes(&fake), n);

    // alice runs a workflow from the form: a run with her name as its trigger.
    let r = http(
        a,
        "POST",
        "/ui/workflows/pod-crashloop-remediation/run",
        &[FORM, ("Cookie", &alice)],
        &format!("csrf={csrf}&param.namespace=shop"),
    );
    assert_eq!(r.code, 303, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some("/ui/workflows?started=pod-crashloop-remediation")
    );
    s.wait(60, "the dashboard's run to finish", || {
        let runs: Value =
            serde_json::from_str(&http(a, "GET", "/api/runs", &[], "").body).unwrap_or_default();
        runs.as_array().is_some_and(|rs| {
            rs.iter().any(|r| {
                r["trigger"] == "dashboard"
                    && r["started_by"] == "alice@example.com"
                    && r["params"]["namespace"] == "shop"
                    && r["outcome"] != "running"
            })
        })
    });
    let w = http(a, "GET", "/ui/workflows", &[("Cookie", &alice)], "");
    assert!(
        w.body.contains("dashboard (alice@example.com)"),
        "{}",
        w.body
    );
    // The run's start is in the audit log with alice as who started it, and History shows it.
    let h = http(
        a,
        "GET",
        "/ui/history?workflow=pod-crashloop-remediation&outcome=started",
        &[("Cookie", &alice)],
        "",
    );
    assert!(
        h.body
            .contains("workflow-run workflow/pod-crashloop-remediation"),
        "{}",
        h.body
    );
    assert!(h.body.contains("<td>alice@example.com</td>"), "{}", h.body);
    let audit = std::fs::read_dir(t.home().join(".local/state/kubectl-claude/actions"))
        .map(|d| {
            d.flatten()
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .collect::<String>()
        })
        .unwrap_or_default();
    assert!(
        audit.contains("\"started_by\":\"alice@example.com\""),
        "{audit}"
    );
    // The metric label stays bounded: the trigger, never the user.
    let m = http(a, "GET", "/metrics", &[], "").body;
    assert!(
        m.contains("trigger=\"dashboard\"") && !m.contains("alice@example.com"),
        "{m}"
    );

    // A flood of sign-in guesses is throttled before it reaches the API server.
    let reviews = |f: &FakeApiServer| {
        f.requests()
            .iter()
            .filter(|r| r.path.ends_with("/tokenreviews"))
            .count()
    };
    let (n0, page) = (reviews(&fake), http(a, "GET", "/ui/sign-in", &[], ""));
    let anon = page.session().unwrap();
    let codes: Vec<u16> = (0..12)
        .map(|i| {
            http(
                a,
                "POST",
                "/ui/sign-in",
                &[FORM, ("Cookie", &anon)],
                &format!("csrf={}&token=guess-{i}", page.csrf()),
            )
            .code
        })
        .collect();
    assert!(codes.contains(&429), "{codes:?}");
    assert!(reviews(&fake) - n0 < 12, "{codes:?}");
    // The flood came from 127.0.0.1: someone else (127.0.0.2) still signs in at once.
    let other = "127.0.0.2";
    let other_page = http_from(other, a, "GET", "/ui/sign-in", &[], "");
    let r = http_from(
        other,
        a,
        "POST",
        "/ui/sign-in",
        &[FORM, ("Cookie", &other_page.session().unwrap())],
        &format!("csrf={}&token={DAVE}", other_page.csrf()),
    );
    assert_eq!(
        r.code, 303,
        "not throttled by another address's flood: {}",
        r.body
    );
    // While 127.0.0.1 itself is still throttled.
    let r = http(
        a,
        "POST",
        "/ui/sign-in",
        &[FORM, ("Cookie", &anon)],
        &format!("csrf={}&token=guess-again", page.csrf()),
    );
    assert_eq!(r.code, 429, "{}", r.body);

    // Signing out ends the session.
    let r = http(
        a,
        "POST",
        "/ui/sign-out",
        &[FORM, ("Cookie", &alice)],
        &format!("csrf={csrf}"),
    );
    assert_eq!(r.code, 303);
    let r = http(a, "GET", "/ui/status", &[("Cookie", &alice)], "");
    assert_eq!(r.code, 303);
    drop(s);
}

/// A JWT-shaped token (as `kubectl create token` prints) that expires in a few seconds: the
/// session ends with it (the cookie's Max-Age too), though the TokenReview accepted it; one
/// already expired does not sign in.
#[test]
fn a_session_ends_when_its_jwt_token_expires() {
    use base64::Engine as _;
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let now: jiff::Timestamp = crate::support::env::NOW.parse().unwrap();
    let jwt = |exp: i64| {
        format!(
            "{}.{}.c2lnbmF0dXJl",
            b64(&json!({"alg": "RS256", "kid": "k"})),
            b64(&json!({"sub": "system:serviceaccount:ops:erin", "exp": now.as_second() + exp}))
        )
    };
    let (short, old) = (jwt(6), jwt(-60));
    let fake = FakeApiServer::builder_from_dir(
        &crate::support::env::repo().join("examples/snapshots/helmrelease-oomkilled"),
    )
    .served("coordination.k8s.io/v1", "Lease")
    .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
    .user_token(&short, "erin@example.com", &[])
    .user_token(&old, "erin@example.com", &[])
    .allow("erin@example.com", "list", "approvalrequests")
    .start();
    let t = env_for(&fake);
    let s = Serve::start(&t);
    let a = s.addr.as_str();
    let page = http(a, "GET", "/ui/sign-in", &[], "");
    let r = http(
        a,
        "POST",
        "/ui/sign-in",
        &[FORM, ("Cookie", &page.session().unwrap())],
        &format!("csrf={}&token={old}", page.csrf()),
    );
    assert_eq!(r.code, 401, "{}", r.body);
    assert!(r.body.contains("expired"), "{}", r.body);
    let r = http(
        a,
        "POST",
        "/ui/sign-in",
        &[FORM, ("Cookie", &page.session().unwrap())],
        &format!("csrf={}&token={short}", page.csrf()),
    );
    assert_eq!(r.code, 303, "{}", r.body);
    let max_age: u64 = r
        .header("set-cookie")
        .and_then(|c| c.split("Max-Age=").nth(1))
        .and_then(|v| v.split(';').next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(
        max_age <= 6,
        "the cookie lasts as long as the token: {max_age}"
    );
    let cookie = r.session().unwrap();
    assert_eq!(
        http(a, "GET", "/ui/pending", &[("Cookie", &cookie)], "").code,
        200
    );
    std::thread::sleep(Duration::from_secs(7));
    let r = http(a, "GET", "/ui/pending", &[("Cookie", &cookie)], "");
    assert_eq!(r.code, 303, "signed out with the token: {}", r.body);
    assert_eq!(r.header("location"), Some("/ui/sign-in"));
}

/// `kubectl claude dashboard`: 127.0.0.1, the kubeconfig's user (no token pasting), the link
/// signs in and is handed to `$BROWSER`; decisions still need CSRF and are recorded as that
/// user; serve's reads and hooks are not served.
#[test]
fn local_dashboard_signs_in_by_link_and_acts_as_the_kubeconfig_user() {
    let dev = "dev@example.com";
    let fake = FakeApiServer::builder_from_dir(
        &crate::support::env::repo().join("examples/snapshots/helmrelease-oomkilled"),
    )
    .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
    // The kubeconfig's own token (write_kubeconfig's default) is dev's.
    .user_token("fake-token", dev, &["developers"])
    .allow(dev, "list", "approvalrequests")
    .allow(dev, "get", "approvalrequests")
    .allow(dev, "patch", "approvalrequests/status")
    .allow(dev, "create", "approvalrequests")
    .start();
    let mut t = env_for(&fake);
    let o = t
        .cmd()
        .args([
            "workflow",
            "run",
            "pod-crashloop-remediation",
            "--param",
            "namespace=shop",
            "--queue-approvals",
            "default",
        ])
        .output()
        .unwrap();
    let queued = approval_objects(&fake);
    assert_eq!(queued.len(), 1, "{}", crate::support::env::stderr(&o));
    let id = queued[0]["metadata"]["name"].as_str().unwrap().to_string();
    let opened = t.path().join("opened.txt");
    let browser = t.write(
        "browser.sh",
        &format!("#!/bin/sh\necho \"$1\" > {}\n", opened.display()),
    );
    std::fs::set_permissions(
        &browser,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    t.set("BROWSER", browser.display().to_string());
    let mut c = t.std_cmd_at(&crate::support::env::bin());
    c.args(["dashboard", "--port", "0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("spawn dashboard");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let _ = tx.send(line[at..].trim().to_string());
            }
        }
    });
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _guard = Kill(child);
    let link = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the dashboard printed its link");
    assert!(link.starts_with("http://127.0.0.1:"), "{link}");
    let (addr, path) = link["http://".len()..].split_once('/').unwrap();
    let path = format!("/{path}");
    assert!(path.starts_with("/ui/local?key="), "{path}");
    // The browser was handed the link.
    let end = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&opened)
        .unwrap_or_default()
        .trim()
        .is_empty()
        && Instant::now() < end
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap_or_default().trim(),
        link
    );

    // Only the dashboard is served.
    assert_eq!(http(addr, "GET", "/api/findings", &[], "").code, 404);
    assert_eq!(
        http(addr, "GET", "/", &[], "").header("location"),
        Some("/ui/status")
    );
    let r = http(addr, "GET", "/ui/pending", &[], "");
    assert_eq!(r.header("location"), Some("/ui/sign-in"));
    assert_eq!(
        http(addr, "GET", "/ui/local?key=0123", &[], "").code,
        403,
        "a wrong key does not sign in"
    );
    let r = http(addr, "GET", &path, &[], "");
    assert_eq!(r.code, 303);
    assert_eq!(
        r.header("location"),
        Some("/ui/status"),
        "on to a URL without the key"
    );
    let cookie = r.session().expect("a session");
    // The key is spent: the same link (as anyone who read it in `ps` would use it) is refused.
    let again = http(addr, "GET", &path, &[], "");
    assert_eq!(again.code, 403);
    assert!(again.session().is_none(), "no second session");
    assert!(again.body.contains("already used"), "{}", again.body);
    let p = http(addr, "GET", "/ui/pending", &[("Cookie", &cookie)], "");
    assert_eq!(p.code, 200, "{}", p.body);
    assert!(p.body.contains(dev), "{}", p.body);
    assert!(
        p.body.contains(&format!("id=\"approve-{id}\"")),
        "{}",
        p.body
    );
    assert!(p.body.contains("512Mi"));
    let approve = format!("/ui/pending/default/{id}/approve");
    let r = http(addr, "POST", &approve, &[FORM, ("Cookie", &cookie)], "");
    assert_eq!(r.code, 403, "still CSRF");
    assert_eq!(status_writes(&fake), 0);
    let r = http(
        addr,
        "POST",
        &approve,
        &[FORM, ("Cookie", &cookie)],
        &format!("csrf={}", p.csrf()),
    );
    assert_eq!(r.code, 303, "{}", r.body);
    let o = approval_objects(&fake).remove(0);
    assert_eq!(o["status"]["phase"], "Approved");
    assert_eq!(o["status"]["approver"], dev);
    // The checks were the user's own (SelfSubjectAccessReview), not a TokenReview.
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("/selfsubjectaccessreviews"))
    );
    assert!(!paths.iter().any(|p| p.ends_with("/tokenreviews")));
    assert!(
        !paths
            .iter()
            .any(|p| p.ends_with("/subjectaccessreviews") && !p.contains("self"))
    );
    assert_eq!(
        patches_to_checkout(&fake),
        0,
        "serve executes, not the dashboard"
    );

    // A run started here records dev as who started it (the local launcher passes it on).
    let r = http(
        addr,
        "POST",
        "/ui/workflows/pod-crashloop-remediation/run",
        &[FORM, ("Cookie", &cookie)],
        &format!("csrf={}&param.namespace=shop", p.csrf()),
    );
    assert_eq!(r.code, 303, "{}", r.body);
    let end = Instant::now() + Duration::from_secs(60);
    let history = loop {
        let h = http(
            addr,
            "GET",
            "/ui/history?outcome=started",
            &[("Cookie", &cookie)],
            "",
        );
        if h.body
            .contains("workflow-run workflow/pod-crashloop-remediation")
            || Instant::now() > end
        {
            break h.body;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        history.contains("workflow-run workflow/pod-crashloop-remediation")
            && history.contains(&format!("<td>{dev}</td>")),
        "{history}"
    );
}

/// The footprint with the dashboard in use on a 50-node / 2,000-pod cluster: 50 page views
/// (Status with the whole overview, Pending, History, Workflows) add little to serve's RSS —
/// the overview is computed once per diagnosis pass, not per view.
#[test]
fn serve_rss_with_the_dashboard_in_use_on_a_50_node_2000_pod_cluster() {
    let mut objects = Vec::new();
    for n in 0..50 {
        objects.push(json!({"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": format!("node-{n}")},
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}}));
    }
    for ns in 0..20 {
        objects.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": format!("ns-{ns}")}}));
        for d in 0..10 {
            let name = format!("app-{d}");
            objects.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": name, "namespace": format!("ns-{ns}")},
                "spec": {"replicas": 10, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                        "spec": {"containers": [{"name": "app", "image": "nginx:1.27",
                            "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}}}]}}},
                "status": {"replicas": 10, "readyReplicas": 10, "availableReplicas": 10}}));
            for p in 0..10 {
                objects.push(json!({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": format!("{name}-{p}"), "namespace": format!("ns-{ns}"),
                        "labels": {"app": name}},
                    "spec": {"nodeName": format!("node-{}", (ns * 100 + d * 10 + p) % 50),
                        "containers": [{"name": "app", "image": "nginx:1.27",
                            "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}}}]},
                    "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true,
                        "restartCount": 0, "state": {"running": {"startedAt": "2026-12-01T10:00:00Z"}}}]}}));
            }
        }
    }
    let fake = FakeApiServer::builder()
        .objects(objects)
        .served("coordination.k8s.io/v1", "Lease")
        .served("kubectl-claude.io/v1alpha1", "ApprovalRequest")
        .user_token(ALICE, "alice@example.com", &[])
        .allow("alice@example.com", "list", "approvalrequests")
        .start();
    let t = env_for(&fake);
    let s = Serve::start(&t);
    s.wait(90, "the inventory", || {
        let v: Value = serde_json::from_str(&http(&s.addr, "GET", "/api/findings", &[], "").body)
            .unwrap_or_default();
        v["objects"].as_u64().unwrap_or(0) >= 2050
    });
    let kib = |k: &str| -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", s.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix(k))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    // serve alone, after its first diagnosis pass.
    s.wait(30, "a diagnosis pass", || {
        http(&s.addr, "GET", "/api/findings", &[], "")
            .body
            .contains("\"synced\":true")
    });
    let before = kib("VmHWM:");
    let (cookie, _) = sign_in(&s.addr, ALICE);
    for _ in 0..10 {
        let st = http(&s.addr, "GET", "/ui/status", &[("Cookie", &cookie)], "");
        assert_eq!(st.code, 200);
        assert!(st.body.contains("node-49"), "the overview lists every node");
        for v in [
            "/ui/pending",
            "/ui/history",
            "/ui/workflows",
            "/ui/status?fragment=1",
        ] {
            assert_eq!(
                http(&s.addr, "GET", v, &[("Cookie", &cookie)], "").code,
                200
            );
        }
    }
    let (rss, hwm) = (kib("VmRSS:"), kib("VmHWM:"));
    eprintln!(
        "serve on 50 nodes / 2,000 pods: peak RSS {before} KiB before the dashboard; after 50 page views RSS {rss} KiB, peak {hwm} KiB"
    );
    assert!(rss > 0 && before > 0);
    assert!(
        hwm < before + 8 * 1024,
        "the dashboard added {} KiB to serve's peak RSS",
        hwm - before
    );
}
