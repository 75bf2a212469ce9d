//! The History view: the audit log, newest first, filterable.

use super::*;

pub(super) async fn history_view(d: &Dashboard, who: &Who, q: &BTreeMap<String, String>) -> Out {
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
