//! The Pending view: the approval queue, one request's page, and the approve / reject
//! decision (the same status write as `kubectl claude approvals approve|reject`).

use super::*;

pub(super) async fn list_requests(d: &Dashboard) -> Result<Vec<Value>, String> {
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

pub(super) fn secs_between(a: jiff::Timestamp, b: &str) -> Option<i64> {
    let t: jiff::Timestamp = b.parse().ok()?;
    Some(a.as_second() - t.as_second())
}

/// One request as a card: what, why, from where, when, the diff, and (if allowed) buttons.
pub(super) fn request_card(
    d: &Dashboard,
    who: &Who,
    o: &Value,
    can_decide: bool,
    open: bool,
) -> String {
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

pub(super) async fn may_decide(
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

pub(super) async fn pending_view(d: &Dashboard, who: &Who, q: &BTreeMap<String, String>) -> Out {
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

pub(super) async fn get_request(
    d: &Dashboard,
    ns: &str,
    name: &str,
) -> Result<Option<Value>, String> {
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

pub(super) async fn request_view(d: &Dashboard, who: &Who, ns: &str, name: &str) -> Out {
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
pub(super) async fn decide(d: &Dashboard, who: &Who, ns: &str, name: &str, approve: bool) -> Out {
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
    use crate::serve::approvals::DecideError;
    match approvals::decide(&d.client, ns, name, approve, &who.user.name, d.now()).await {
        Ok(()) => Out::redirect(&format!(
            "/ui/pending?done={}&id={}",
            if approve { "approved" } else { "rejected" },
            url_part(name)
        )),
        Err(e @ DecideError::NotFound { .. }) => Out::html(
            404,
            page_of(
                who,
                "Not found",
                "pending",
                &views::problem("Not found", &e.to_string()),
            ),
        ),
        Err(
            e @ (DecideError::AlreadyDecided { .. }
            | DecideError::Expired { .. }
            | DecideError::Status(approvals::StatusError::Conflict { .. })),
        ) => Out::html(
            409,
            page_of(
                who,
                "Not decided",
                "pending",
                &views::problem("Not decided", &e.to_string()),
            ),
        ),
        Err(e) => review_failed(who, &e.to_string()),
    }
}
