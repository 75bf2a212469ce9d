//! Signing in: the sign-in page (cluster mode: a bearer token form with the anonymous
//! session's CSRF token), the TokenReview of a pasted token, and the local mode's launch link.

use super::*;

pub(super) fn sign_in_page(
    d: &Dashboard,
    req: &HttpRequest,
    secure: bool,
    error: Option<&str>,
    status: u16,
) -> Out {
    if d.local() {
        return Out::html(status, views::sign_in_local(None));
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

pub(super) async fn sign_in(d: &Dashboard, req: &HttpRequest, secure: bool) -> Out {
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
    if !d.take_sign_in(req.peer.map(|p| p.ip())) {
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
            // The session never outlives the token (a JWT's `exp`).
            let ttl = match auth::token_expiry(token) {
                Some(exp) => {
                    let left = exp.as_second() - d.now().as_second();
                    if left <= 0 {
                        return sign_in_page(
                            d,
                            req,
                            secure,
                            Some(
                                "this token has expired (its exp claim is in the past); create a new one",
                            ),
                            401,
                        );
                    }
                    std::time::Duration::from_secs(left as u64).min(auth::SESSION_TTL)
                }
                None => auth::SESSION_TTL,
            };
            let mut sessions = d.sessions.borrow_mut();
            sessions.remove(&old);
            // A new id on sign-in (no session fixation).
            let sid = sessions.create_for(Some(user), ttl);
            Out::redirect("/ui/status").cookie(auth::set_cookie_for(&sid, secure, ttl))
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

pub(super) fn local_sign_in(d: &Dashboard, req: &HttpRequest, secure: bool) -> Out {
    let Identity::Local { user, .. } = &d.identity else {
        return Out::redirect("/ui/sign-in");
    };
    let q = form(req.query.as_bytes());
    let given = q.get("key").map(String::as_str).unwrap_or("");
    let redeemed = match d.launch_key.borrow_mut().as_mut() {
        Some(k) => k.redeem(given, std::time::Instant::now()),
        None => Err(auth::KeyRefused::Wrong),
    };
    if let Err(why) = redeemed {
        let msg = match why {
            auth::KeyRefused::Wrong => "this link's key is not this dashboard's",
            auth::KeyRefused::Spent => {
                "this sign-in link was already used (it works once); restart kubectl claude dashboard for a new one"
            }
            auth::KeyRefused::Expired => {
                "this sign-in link expired (it works for 10 minutes); restart kubectl claude dashboard for a new one"
            }
        };
        return Out::html(403, views::sign_in_local(Some(msg)));
    }
    let sid = d.sessions.borrow_mut().create(Some(User {
        name: user.clone(),
        groups: vec![],
        uid: None,
    }));
    // Sent on to a URL without the key.
    Out::redirect("/ui/status").cookie(auth::set_cookie(&sid, secure))
}
