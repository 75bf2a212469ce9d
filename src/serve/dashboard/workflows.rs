//! The Workflows view: each workflow's steps and a run form; starting a run.

use super::status::runs_table;
use super::*;

pub(super) async fn workflows_view(
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

pub(super) async fn run_workflow(
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
    // The trigger is a bounded metric label; who started the run is kept on the run and
    // recorded by the run in the audit log.
    crate::serve::start_by(
        shared,
        launcher,
        name,
        "dashboard",
        key,
        params,
        Some(&who.user.name),
    );
    Out::redirect(&format!("/ui/workflows?started={}", url_part(name)))
}
