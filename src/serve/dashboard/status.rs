//! The Status view: serve's last `status` overview, and the recent runs.

use super::*;

pub(super) fn runs_table(shared: &Shared, caption: &str) -> String {
    let rows: Vec<Vec<String>> = shared
        .runs
        .borrow()
        .iter()
        .rev()
        .take(20)
        .map(|r| {
            vec![
                esc(&r.workflow),
                match &r.started_by {
                    Some(who) => format!("{} ({})", esc(&r.trigger), esc(who)),
                    None => esc(&r.trigger),
                },
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

/// The alerts serve received lately, newest first, and what became of each.
fn alerts_table(shared: &Shared) -> String {
    let rows: Vec<Vec<String>> = shared
        .alerts
        .borrow()
        .iter()
        .rev()
        .map(|a| {
            let labels = a
                .labels
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "alertname" | "severity"))
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ");
            let result = if a.started.is_empty() {
                format!("<span class=\"muted\">{}</span>", esc(&a.note))
            } else {
                format!("started {}", esc(&a.started.join(", ")))
            };
            vec![
                format!("<time datetime=\"{0}\">{0}</time>", esc(&a.received_at)),
                esc(&a.name),
                format!("<span class=\"tag {0}\">{0}</span>", esc(&a.severity)),
                esc(&a.status),
                format!("<code>{}</code>", text(&labels)),
                result,
            ]
        })
        .collect();
    views::table(
        "Recent alerts",
        &[
            "Received", "Alert", "Severity", "Status", "Labels", "Result",
        ],
        &rows,
    )
}

/// `/ui/status?format=json`: the recent alerts as JSON (`{"v":1,"alerts":[…]}`).
pub(super) async fn alerts_json(d: &Dashboard, shared: &Shared, who: &Who) -> Out {
    if let Some(o) = check_view(d, who, "list").await {
        return o;
    }
    let alerts: Vec<crate::serve::ReceivedAlert> =
        shared.alerts.borrow().iter().rev().cloned().collect();
    Out {
        status: 200,
        content_type: "application/json",
        body: serde_json::json!({"v": 1, "alerts": alerts}).to_string(),
        headers: vec![],
    }
}

pub(super) async fn status_view(d: &Dashboard, shared: &Shared, who: &Who, fragment: bool) -> Out {
    if let Some(o) = check_view(d, who, "list").await {
        return o;
    }
    // The overview of serve's last diagnosis pass (computed once per change, not per view).
    let Some(st) = shared.overview.borrow().clone() else {
        let body = views::notice(
            "info",
            "the inventory is still being listed (or a kind cannot be read yet); reload in a moment",
        ) + &alerts_table(shared);
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
    b.push_str(&alerts_table(shared));
    b.push_str(&runs_table(shared, "Recent runs"));
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
