//! The History view: the audit log, newest first, filterable.

use super::*;

/// Attempts per page.
const PAGE: usize = 100;

/// The approval as the audit log spells it (`deferred`, `refused-stale`…).
fn approval_word(a: crate::autonomy::Approval) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub(super) async fn history_view(d: &Dashboard, who: &Who, q: &BTreeMap<String, String>) -> Out {
    if let Some(o) = check_view(d, who, "list").await {
        return o;
    }
    let want = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let (f_origin, f_workflow, f_outcome) = (want("origin"), want("workflow"), want("outcome"));
    let page_no: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(0);
    let keep = |r: &crate::audit::Record| {
        let outcome = r.outcome.map(|o| o.as_str()).unwrap_or("pending");
        f_origin.is_none_or(|o| r.origin.starts_with(o))
            && f_workflow.is_none_or(|w| r.origin == format!("workflow:{w}"))
            && f_outcome.is_none_or(|o| o == outcome || o == approval_word(r.approval))
    };
    // Only what this page needs, read from the end of the log, filters applied while reading.
    let page =
        match crate::audit::read_newest(&d.audit_dir, page_no.saturating_mul(PAGE), PAGE, &keep) {
            Ok(p) => p,
            Err(e) => {
                return review_failed(
                    who,
                    &format!("reading the audit log {}: {e}", d.audit_dir.display()),
                );
            }
        };
    let mut rows = Vec::new();
    for r in &page.attempts {
        let outcome = r.outcome.map(|o| o.as_str()).unwrap_or("pending");
        let approval = approval_word(r.approval);
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
            esc(r
                .approver
                .as_deref()
                .or(r.started_by.as_deref())
                .unwrap_or("")),
            request,
            text(r.error.as_deref().unwrap_or("")),
        ]);
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
        "started",
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
    if page.unreadable > 0 {
        b.push_str(&views::notice(
            "error",
            &format!(
                "{} audit line(s) could not be read and are not shown",
                page.unreadable
            ),
        ));
    }
    b.push_str(&views::table(
        "Actions, newest first",
        &[
            "Time", "Origin", "Action", "Tier", "Approval", "Outcome", "By", "Request", "Error",
        ],
        &rows,
    ));
    // Older / newer pages keep the filters.
    let link = |n: usize| {
        let mut l = format!("/ui/history?page={n}");
        for k in ["origin", "workflow", "outcome"] {
            if let Some(v) = want(k) {
                let _ = write!(l, "&{k}={}", url_part(v));
            }
        }
        esc(&l)
    };
    b.push_str("<nav class=\"pages\" aria-label=\"Pages\">");
    if page_no > 0 {
        let _ = write!(
            b,
            "<a href=\"{}\" rel=\"prev\">Newer</a> ",
            link(page_no - 1)
        );
    }
    if page.more {
        let _ = write!(
            b,
            "<a href=\"{}\" rel=\"next\" id=\"older\">Older</a>",
            link(page_no + 1)
        );
    }
    b.push_str("</nav>");
    Out::html(200, page_of(who, "History", "history", &b))
}
