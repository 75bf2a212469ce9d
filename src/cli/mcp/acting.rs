//! The tools that go through the acting session: `act`, `workflow_run` and the audited
//! `logs` read — the gate decides, a confirm-tier change asks the human by elicitation.

use super::*;

/// The human behind an MCP client, asked through elicitation: the client shows the target,
/// the rationale and the exact object diff ([`crate::cli::gate_ui::render_ask`]). Accept runs the
/// change once; decline, cancel, no answer in time or a client error is a "no".
pub(super) struct ElicitingHuman {
    pub(super) peer: Peer<RoleServer>,
    pub(super) client: String,
}

impl Interaction for ElicitingHuman {
    async fn confirm(&self, ask: &Ask<'_>) -> std::io::Result<Answer> {
        let message = format!(
            "kubectl-claude asks for approval (tier {}):\n\n{}\nApprove to run this change once.",
            ask.tier.as_str(),
            crate::cli::gate_ui::render_ask(&crate::ui::Ui::plain(), ask)
        );
        let answer = self
            .peer
            .elicit_with_timeout::<Approve>(message, Some(ELICIT_TIMEOUT))
            .await;
        Ok(match answer {
            Ok(Some(Approve { approve: true })) => Answer::Approved {
                via: Via::McpElicitation,
                by: Some(format!("mcp:{}", self.client)),
            },
            _ => Answer::Declined,
        })
    }
}

/// The client's name from its `initialize`, as audit records carry it (`mcp:<name>`):
/// printable characters only, at most 64.
pub(super) fn client_name(peer: &Peer<RoleServer>) -> String {
    let name: String = peer
        .peer_info()
        .map(|i| i.client_info.name.clone())
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect();
    if name.trim().is_empty() {
        "unknown".into()
    } else {
        name
    }
}

/// True when the client declared form elicitation (a human can be asked).
/// The gate's input for an MCP call: no flag approves confirm-tier from MCP; only asking the
/// person through elicitation does, when the client can.
fn gate_input(dry_run: bool, read_only: bool, can_ask: bool) -> GateInput {
    GateInput {
        yes: false,
        dry_run,
        read_only,
        suggest_only: false,
        interactive: can_ask,
    }
}

pub(super) fn can_elicit(peer: &Peer<RoleServer>) -> bool {
    peer.supported_elicitation_modes()
        .contains(&ElicitationMode::Form)
}

/// The namespace for targets that name none: the server's (or the tool's) `-n`, else the
/// context's; a snapshot has no current namespace (`default`, as `act` uses).
pub(super) fn default_namespace(ctx: &Ctx, view: &ClusterView) -> String {
    ctx.global.namespace.clone().unwrap_or_else(|| match view {
        ClusterView::Live(l) => l.default_namespace().to_string(),
        ClusterView::Snapshot(_) => "default".into(),
    })
}

pub(super) async fn act(
    server: &Server,
    a: &ActIn,
    peer: Peer<RoleServer>,
) -> Result<CallToolResult> {
    let ctx = server.ctx(a.namespace.clone());
    let verb = <Verb as clap::ValueEnum>::from_str(&a.verb, true).map_err(|_| {
        Error::usage_hint(
            format!("unknown verb `{}`", a.verb),
            "kubectl claude act --help lists the typed verbs",
        )
    })?;
    let params: action::Params = serde_json::from_value(json!({
        "replicas": a.replicas, "patch": a.patch, "type": a.patch_type.as_deref().unwrap_or("strategic"),
        "to_revision": a.to_revision, "history_id": a.history_id, "with_source": a.with_source,
        "command": a.command, "container": a.container,
        "grace_period_seconds": a.grace_period_seconds,
    }))
    .map_err(|e| Error::usage(format!("bad act parameters: {e}")))?;
    let policy = crate::cli::gate_ui::policy(&ctx)?;
    let opts = crate::cli::cluster_view::connect_options(&ctx);
    let guess_ns = crate::cluster::kubeconfig::context_namespace(&opts);
    let client = client_name(&peer);
    let origin = Origin::McpClient(client.clone());
    let can_ask = can_elicit(&peer);
    let input = gate_input(a.dry_run, server.read_only, can_ask);
    let human = ElicitingHuman { peer, client };
    let now = ctx.env.now();

    // A forbidden action is refused without connecting, as `act` does.
    let ns0 = ctx.global.namespace.clone().unwrap_or(guess_ns);
    if let Ok(built) =
        action::parse_target(verb, &a.target, &ns0).and_then(|t| action::build(verb, t, &params))
        && policy.tier(&built) == Tier::Forbidden
    {
        let context = crate::cluster::kubeconfig::context_name(&opts)
            .unwrap_or_else(|| "(no kubeconfig)".into());
        let exec = crate::gate::Unconnected {
            context: context.clone(),
        };
        let audit = crate::cli::gate_ui::audit_log(&ctx, &context);
        let gate = Gate {
            policy: &policy,
            input,
            audit: &audit,
            now,
        };
        let session = Session::new(gate, &exec, &human, origin.clone())?;
        let mut p = Proposed::new(built, origin);
        p.rationale = a.reason.clone();
        let attempt = session.run(&p).await?;
        return Ok(act_result(&p, &attempt, can_ask, false));
    }
    // A snapshot answers reads and previews changes (the session's snapshot rule).
    let view = crate::cli::cluster_view(&ctx).await?;
    let default_ns = default_namespace(&ctx, &view);
    let audit = crate::cli::gate_ui::audit_log(&ctx, &crate::cli::gate_ui::view_context(&view));
    let gate = Gate {
        policy: &policy,
        input,
        audit: &audit,
        now,
    };
    let session = Session::new(gate, &view, &human, origin)?;
    let resolved = session
        .resolve_target(verb, &a.target, &default_ns, false)
        .await?;
    let built = action::build(verb, resolved.target, &params).map_err(Error::usage)?;
    let mut p = session.propose(built).await?;
    p.rationale = a.reason.clone().or(p.rationale);
    // A client that cannot ask still gets the exact change, for a human to make by hand.
    let offline_preview = if session.gate().tier(&p) == Tier::Confirm && !can_ask && !a.dry_run {
        session.gate().preview(&p.action, &view).await.ok()
    } else {
        None
    };
    let mut attempt = session.run(&p).await?;
    if attempt.preview.is_none() {
        attempt.preview = offline_preview;
    }
    let previewed = session.snapshot_preview() && !p.action.is_read();
    Ok(act_result(&p, &attempt, can_ask, previewed))
}

/// One attempt as the `act` tool reports it (also each action of `workflow_run`), and whether
/// it was refused or declined.
pub(super) fn attempt_doc(
    p: &Proposed,
    a: &crate::gate::Attempt,
    can_ask: bool,
    snapshot: bool,
) -> (Value, bool) {
    let asked = p.requested.as_ref().unwrap_or(&p.action);
    let command = crate::cli::gate_ui::shown_command(asked);
    let mut doc = json!({
        "v": 1, "id": a.id, "verb": asked.verb(), "target": crate::cli::gate_ui::target_label(asked),
        "tier": a.tier.as_str(), "approval": crate::cli::gate_ui::approval_str(a.approval),
        "outcome": a.outcome.as_str(), "origin": p.origin, "command": command,
    });
    if snapshot {
        doc["snapshot"] = json!("previewed only: a snapshot cannot be changed");
    }
    if let Some(r) = &p.rationale {
        doc["rationale"] = json!(crate::redact::redact(r));
    }
    if let Some(pv) = &a.preview {
        doc["diff"] = json!(crate::redact::redact(&pv.diff));
        if let Some(n) = &pv.note {
            doc["note"] = json!(crate::redact::redact(n));
        }
    }
    // A failed exec still says what the command printed (masked like every result).
    let exec_output = a.error.as_ref().and_then(|e| e.exec_output());
    if let Some(r) = a.result.as_ref().or(exec_output) {
        let mut r = r.clone();
        scrub(&mut r);
        doc["result"] = r;
    }
    if let Some(e) = &a.error {
        doc["error"] = json!(crate::redact::redact(&e.to_string()));
    }
    let refused = a.refusal.is_some() || a.approval == crate::autonomy::Approval::Declined;
    if refused {
        let (mut message, mut hints) = crate::cli::gate_ui::refusal(p, a);
        if a.refusal == Some(crate::autonomy::Refusal::NoTty) && !can_ask {
            message = format!(
                "refused: {} {} needs a human's confirmation (tier {}) and this MCP client cannot ask (no elicitation capability)",
                asked.verb(),
                crate::cli::gate_ui::target_label(asked),
                a.tier.as_str()
            );
            hints = vec![format!(
                "the exact change is in `diff`; a human can make it by hand: {command}"
            )];
        }
        doc["message"] = json!(message);
        doc["hints"] = json!(hints);
    }
    (doc, refused)
}

pub(super) fn act_result(
    p: &Proposed,
    a: &crate::gate::Attempt,
    can_ask: bool,
    snapshot: bool,
) -> CallToolResult {
    let (doc, refused) = attempt_doc(p, a, can_ask, snapshot);
    if refused {
        let mut text = doc["message"].as_str().unwrap_or_default().to_string();
        for h in doc["hints"].as_array().into_iter().flatten() {
            text.push_str(&format!("\nhint: {}", h.as_str().unwrap_or_default()));
        }
        if let Some(d) = doc["diff"].as_str().filter(|d| !d.is_empty()) {
            text.push_str(&format!("\n\n{d}"));
        }
        let mut r = CallToolResult::error(vec![ContentBlock::text(text)]);
        r.structured_content = Some(doc);
        return r;
    }
    if a.error.is_some() {
        let mut r = CallToolResult::error(vec![ContentBlock::text(doc.to_string())]);
        r.structured_content = Some(doc);
        return r;
    }
    ok_result(doc)
}

/// One read (`logs`) through the acting session, as `kubectl claude act logs` runs it: gated
/// (read-only: anything but a read is refused) and audited with the client as origin.
pub(super) async fn read_through_session(
    ctx: &Ctx,
    verb: Verb,
    target: &str,
    params: &action::Params,
    origin: Origin,
) -> Result<(Proposed, crate::gate::Attempt)> {
    let view = crate::cli::cluster_view(ctx).await?;
    let default_ns = default_namespace(ctx, &view);
    let policy = crate::cli::gate_ui::policy(ctx)?;
    let audit = crate::cli::gate_ui::audit_log(ctx, &crate::cli::gate_ui::view_context(&view));
    let gate = Gate {
        policy: &policy,
        input: gate_input(false, true, false),
        audit: &audit,
        now: ctx.env.now(),
    };
    let session = Session::new(gate, &view, &crate::session::Unattended, origin)?;
    let resolved = session
        .resolve_target(verb, target, &default_ns, false)
        .await?;
    let built = action::build(verb, resolved.target, params).map_err(Error::usage)?;
    let p = session.propose(built).await?;
    let mut attempt = session.run(&p).await?;
    if let Some(e) = attempt.error.take() {
        return Err(e.into());
    }
    if attempt.refusal.is_some() {
        let (message, hints) = crate::cli::gate_ui::refusal(&p, &attempt);
        return Err(Error::Refused { message, hints });
    }
    Ok((p, attempt))
}

pub(super) async fn logs(server: &Server, a: &LogsIn, peer: &Peer<RoleServer>) -> Result<Value> {
    let ctx = server.ctx(a.namespace.clone());
    let target = if a.target.contains('/') {
        a.target.clone()
    } else {
        format!("pod/{}", a.target)
    };
    let params = action::Params {
        container: a.container.clone(),
        previous: a.previous,
        ..Default::default()
    };
    let origin = Origin::McpClient(client_name(peer));
    let (p, attempt) = read_through_session(&ctx, Verb::Logs, &target, &params, origin).await?;
    let text = match attempt.result {
        Some(Value::String(s)) => s,
        Some(v) => v.to_string(),
        None => String::new(),
    };
    // The whole text at once: a credential split over lines (a PEM block) is still masked.
    let masked = crate::redact::redact(&text);
    let all: Vec<&str> = masked.lines().collect();
    let tail = a.tail.unwrap_or(LOG_LINES).clamp(1, LOG_LINES_MAX);
    let skip = all.len().saturating_sub(tail);
    let lines: Vec<String> = all[skip..].iter().map(|l| cut(l, LOG_LINE_CHARS)).collect();
    Ok(
        json!({"v": 1, "target": crate::cli::gate_ui::target_label(&p.action),
        "container": a.container, "previous": a.previous, "total_lines": all.len(),
        "lines": lines, "truncated": skip > 0}),
    )
}
/// The workflow's params from the call: declared names only, defaults filled, required ones
/// present (the messages of `workflow run --param`).
pub(super) fn workflow_params(
    wf: &crate::workflow::Workflow,
    given: &std::collections::BTreeMap<String, String>,
) -> Result<std::collections::BTreeMap<String, String>> {
    use crate::workflow::ParamError;
    wf.resolve_params(given.clone()).map_err(|e| match &e {
        ParamError::Unknown { declared, .. } => {
            Error::usage_hint(e.to_string(), format!("params: {}", declared.join(", ")))
        }
        ParamError::Missing {
            name, description, ..
        } => Error::usage_hint(
            e.to_string(),
            format!(
                "pass params: {{\"{name}\": \"…\"}}{}",
                if description.is_empty() {
                    String::new()
                } else {
                    format!(" ({description})")
                }
            ),
        ),
    })
}

/// The MCP side of a workflow run: collects what the CLI prints (status lines, the report,
/// every gated action) into the tool result.
pub(super) struct McpHost<'a> {
    pub(super) ctx: &'a Ctx,
    pub(super) can_ask: bool,
    pub(super) snapshot: bool,
    pub(super) log: std::cell::RefCell<Vec<String>>,
    pub(super) report: std::cell::RefCell<String>,
    pub(super) actions: std::cell::RefCell<Vec<Value>>,
    /// Confirm-tier steps refused because the client cannot ask: (index in `actions`, the
    /// proposal), previewed after the run so the result carries their exact diff.
    pub(super) unasked: std::cell::RefCell<Vec<(usize, Proposed)>>,
}

/// Status lines of a workflow run kept in its result (the last ones).
pub(super) const WORKFLOW_LOG: usize = 50;

impl crate::workflow::run::Host for McpHost<'_> {
    fn status(&self, line: &str) {
        self.log.borrow_mut().push(crate::redact::redact(line));
    }
    fn print(&self, text: &str) -> std::io::Result<()> {
        self.report
            .borrow_mut()
            .push_str(&crate::redact::redact(text));
        Ok(())
    }
    fn attempt(&self, p: &Proposed, a: &crate::gate::Attempt) -> std::io::Result<()> {
        let (mut doc, _) = attempt_doc(p, a, self.can_ask, self.snapshot);
        if let Some(o) = doc.as_object_mut() {
            o.remove("v");
        }
        let mut actions = self.actions.borrow_mut();
        if a.refusal == Some(crate::autonomy::Refusal::NoTty) && a.preview.is_none() {
            self.unasked.borrow_mut().push((actions.len(), p.clone()));
        }
        actions.push(doc);
        Ok(())
    }
    fn recipes(&self, ids: &[String]) -> Vec<&'static dyn crate::recipes::Recipe> {
        crate::cli::gather::select_recipes(self.ctx, ids)
    }
    async fn complete(
        &self,
        workflow: &str,
        model: Option<&str>,
        prompt: &crate::llm::Prompt,
    ) -> crate::workflow::run::Completion {
        use crate::workflow::run::Completion;
        let provider = match crate::cli::model::resolve_provider_name(self.ctx, None, None) {
            Ok(p) => p,
            Err(e) => return Completion::Skipped(e.to_string()),
        };
        let p = match crate::cli::model::backend(self.ctx, &provider, model, None) {
            Ok(crate::generate::Backend::Model(p)) => p,
            Ok(crate::generate::Backend::Offline) => {
                return Completion::Skipped(
                    "no model configured (set ANTHROPIC_API_KEY, or provider openai with OPENAI_BASE_URL)".into(),
                );
            }
            Err(e) => return Completion::Skipped(e.to_string()),
        };
        let app = format!("workflow {workflow}");
        match crate::cli::model::complete_logged(self.ctx, &p, prompt, &app).await {
            Ok(c) => Completion::Answered {
                text: c.text,
                by: format!("{} {}", p.name(), p.model()),
            },
            Err(e) => Completion::Skipped(format!("the model call failed: {e}")),
        }
    }
}

pub(super) async fn workflow_run(
    server: &Server,
    a: &WorkflowRunIn,
    peer: Peer<RoleServer>,
) -> Result<CallToolResult> {
    let ctx = server.ctx(a.namespace.clone());
    let all = crate::workflow::list(&ctx.paths.workflows_dir())
        .map_err(|e| Error::usage(e.to_string()))?;
    let names: Vec<String> = all.iter().map(|l| l.name.clone()).collect();
    let listed = all.into_iter().find(|l| l.name == a.name).ok_or_else(|| {
        Error::usage_hint(
            format!("no workflow named `{}`", a.name),
            format!("known: {}", names.join(", ")),
        )
    })?;
    let wf = crate::workflow::load_text(&listed.text, std::path::Path::new(&listed.source))
        .map_err(|e| Error::usage(e.to_string()))?;
    let params = workflow_params(&wf, &a.params)?;
    let client = client_name(&peer);
    let can_ask = can_elicit(&peer);
    let input = gate_input(a.dry_run, server.read_only, can_ask);
    let view = crate::cli::cluster_view(&ctx).await?;
    let mut policy = crate::cli::gate_ui::policy(&ctx)?;
    if let Some(au) = &wf.autonomy {
        policy = policy.with_workflow(au.clone());
    }
    let audit = crate::cli::gate_ui::audit_log(&ctx, &crate::cli::gate_ui::view_context(&view));
    let gate = Gate {
        policy: &policy,
        input,
        audit: &audit,
        now: ctx.env.now(),
    };
    let human = ElicitingHuman {
        peer,
        client: client.clone(),
    };
    // Every step's record says who asked: the MCP client, not the workflow.
    let origin = Origin::McpClient(client);
    let session = Session::new(gate, &view, &human, origin.clone())?;
    let host = McpHost {
        ctx: &ctx,
        can_ask,
        snapshot: session.snapshot_preview(),
        log: Default::default(),
        report: Default::default(),
        actions: Default::default(),
        unasked: Default::default(),
    };
    let opts = crate::workflow::run::Options {
        namespace: ctx.global.namespace.clone(),
    };
    let tally = crate::workflow::run::run(&wf, params, &session, &host, &opts).await?;
    // A client that cannot ask still gets each refused change's exact diff, for a human.
    let mut actions = host.actions.take();
    for (i, p) in host.unasked.take() {
        if let (Ok(pv), Some(doc)) = (
            session.gate().preview(&p.action, &view).await,
            actions.get_mut(i),
        ) {
            doc["diff"] = json!(crate::redact::redact(&pv.diff));
            if let Some(n) = &pv.note {
                doc["note"] = json!(crate::redact::redact(n));
            }
        }
    }
    let mut log = host.log.take();
    let log_cut = log.len().saturating_sub(WORKFLOW_LOG);
    log.drain(..log_cut);
    let mut doc = json!({"v": 1, "workflow": wf.name, "origin": origin,
        "snapshot": session.snapshot_preview(), "dry_run": session.gate().input.dry_run,
        "summary": tally.summary(),
        "tally": {"ran": tally.ran, "declined": tally.declined, "refused": tally.refused,
            "failed": tally.failed, "not_run": tally.not_run, "shown": tally.shown,
            "waiting": tally.waiting},
        "actions": actions, "report": host.report.take(), "log": log});
    scrub(&mut doc);
    if crate::cli::gate_ui::exit_code(&tally) == crate::error::EXIT_OK {
        return Ok(ok_result(doc));
    }
    // Something failed or was refused: say what, with each refusal's message and diff.
    let mut text = format!("workflow {}: {}", wf.name, tally.summary());
    for act in doc["actions"].as_array().into_iter().flatten() {
        if let Some(m) = act["message"].as_str().or(act["error"].as_str()) {
            text.push_str(&format!("\n- {m}"));
        }
        if let Some(d) = act["diff"].as_str().filter(|d| !d.is_empty()) {
            text.push_str(&format!("\n{d}"));
        }
    }
    let mut r = CallToolResult::error(vec![ContentBlock::text(text)]);
    r.structured_content = Some(doc);
    Ok(r)
}
