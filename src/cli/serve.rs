//! `kubectl claude serve`: the in-cluster half. Watches the cluster (reflectors), keeps the
//! findings current, takes Alertmanager and Flux webhooks that start workflows, and elects one
//! leader on a Lease. The engine is `crate::serve`; this file wires flags, the environment,
//! JSON logs and how a workflow run is launched (the same `workflow run` as the CLI, as a
//! child process, so a run's memory is returned when it ends).

use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use clap::Args;

use super::Ctx;
use crate::error::{Error, Result};
use crate::serve::{self, Launcher, Settings, Shared, lease::LeaseConfig};

/// Run the in-cluster agent: watches, findings, alert and Flux hooks, leader election
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
  kubectl claude serve --listen 127.0.0.1:8080 --hook-token-file token.txt\n  \
  curl -s localhost:8080/api/findings\n  \
  curl -s -H \"Authorization: Bearer $(cat token.txt)\" -d @alert.json localhost:8080/hooks/alertmanager")]
pub struct ServeArgs {
    /// Address to serve HTTP on (hooks, /metrics, /healthz, /readyz, /api/findings)
    #[arg(long, default_value = "0.0.0.0:8080", value_name = "ADDR")]
    pub listen: String,
    /// File holding the bearer token the hooks require (a mounted Secret); hooks are off without it
    #[arg(long, value_name = "FILE")]
    pub hook_token_file: Option<std::path::PathBuf>,
    /// Largest hook request body, in bytes
    #[arg(long, default_value_t = 256 * 1024, value_name = "BYTES")]
    pub max_body: usize,
    /// Hook requests allowed per second (burst of twice that)
    #[arg(long, default_value_t = 5.0, value_name = "N")]
    pub hook_rate: f64,
    /// Quiet time after a change before diagnosis re-runs
    #[arg(long, default_value = "2s", value_name = "DURATION", value_parser = parse_duration)]
    pub debounce: Duration,
    /// Slack incoming-webhook URL to notify (repeatable)
    #[arg(long, value_name = "URL")]
    pub notify_slack: Vec<String>,
    /// Generic JSON webhook URL to notify (repeatable)
    #[arg(long, value_name = "URL")]
    pub notify_webhook: Vec<String>,
    /// The URL users reach this serve at (an Ingress); approval messages link to
    /// URL/ui/pending/NS/ID
    #[arg(long, value_name = "URL")]
    pub external_url: Option<String>,
    /// A root cause is not announced again within this long
    #[arg(long, default_value = "10m", value_name = "DURATION", value_parser = parse_duration)]
    pub quiet_period: Duration,
    /// Namespace of the leader Lease (default: the context's namespace)
    #[arg(long, value_name = "NS")]
    pub lease_namespace: Option<String>,
    /// Name of the leader Lease
    #[arg(long, default_value = "kubectl-claude", value_name = "NAME")]
    pub lease_name: String,
    /// This replica's identity in the Lease (default: $POD_NAME, else $HOSTNAME)
    #[arg(long, value_name = "ID")]
    pub identity: Option<String>,
    /// How long a Lease holds without renewal
    #[arg(long, default_value = "15s", value_name = "DURATION", value_parser = parse_duration)]
    pub lease_duration: Duration,
    /// How often the leader renews (and followers retry)
    #[arg(long, default_value = "5s", value_name = "DURATION", value_parser = parse_duration)]
    pub renew_every: Duration,
    /// GraphQL polls per second per TargetApp (token bucket, burst of twice that)
    #[arg(long, default_value_t = 5.0, value_name = "N")]
    pub targetapp_poll_rate: f64,
}

fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = n
        .parse()
        .map_err(|_| format!("{s:?}: want e.g. 500ms, 2s, 1m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" | "" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!("{s:?}: want e.g. 500ms, 2s, 1m")),
    }
}

fn log(event: &str, fields: serde_json::Value) {
    let mut v = serde_json::json!({"ts": jiff::Timestamp::now().to_string(), "level": "info", "msg": event});
    if let (Some(m), serde_json::Value::Object(f)) = (v.as_object_mut(), fields) {
        m.extend(f);
    }
    eprintln!("{v}");
}

/// Launches `workflow run` of this same binary, with this process's cluster flags.
struct ChildLauncher {
    exe: std::path::PathBuf,
    global: Vec<String>,
    /// Where the runs queue their confirm-tier changes.
    queue_ns: String,
    /// --- observations (issue 15): each run writes its actions and model calls to a file
    /// here (`workflow run --observe`), read back into the metrics when it ends.
    observe_dir: std::path::PathBuf,
    shared: Rc<Shared>,
    runs: std::cell::Cell<u64>,
}

impl Launcher for ChildLauncher {
    fn launch(
        &self,
        workflow: &str,
        params: &BTreeMap<String, String>,
        started_by: Option<&str>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = String>>> {
        let mut args = super::launch::workflow_run_args(
            &self.global,
            workflow,
            params,
            &self.queue_ns,
            started_by,
        );
        self.runs.set(self.runs.get() + 1);
        let observe = self.observe_dir.join(format!(
            "run-{}-{}.jsonl",
            std::process::id(),
            self.runs.get()
        ));
        args.extend(["--observe".into(), observe.display().to_string()]);
        let shared = self.shared.clone();
        let exe = self.exe.clone();
        let wf = workflow.to_string();
        Box::pin(async move {
            log(
                "workflow run started",
                serde_json::json!({"workflow": wf, "args": args}),
            );
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new(exe)
                    .args(&args)
                    .stdin(std::process::Stdio::null())
                    .output()
            })
            .await;
            let outcome = match out {
                Ok(Ok(o)) => match o.status.code() {
                    Some(0) => "ok",
                    Some(1) => "findings",
                    Some(3) => "refused",
                    _ => "failed",
                },
                _ => "failed",
            };
            for o in crate::observe::read(&observe) {
                crate::observe::Observer::observe(&shared.metrics, &o);
            }
            let _ = std::fs::remove_file(&observe);
            log(
                "workflow run finished",
                serde_json::json!({"workflow": wf, "outcome": outcome}),
            );
            outcome.to_string()
        })
    }
}

pub async fn run(ctx: &Ctx, args: &ServeArgs) -> Result<u8> {
    // The TargetApp operator's settings (seed 004's environment), checked before anything.
    let mut ta_cfg = crate::targetapp::Config::from_vars(|k| ctx.env.get(k).map(str::to_string))
        .map_err(|e| Error::usage(format!("serve: bad TargetApp setting: {e}")))?;
    if !(args.targetapp_poll_rate > 0.0 && args.targetapp_poll_rate.is_finite()) {
        return Err(Error::usage(
            "serve: --targetapp-poll-rate must be a positive number of polls per second",
        ));
    }
    ta_cfg.poll_rate = args.targetapp_poll_rate;
    let listen = args.listen.clone();
    let hook_token = match &args.hook_token_file {
        Some(p) => {
            let t = std::fs::read_to_string(p)
                .map_err(|e| Error::io("read the hook token", p.display().to_string(), e))?;
            let t = t.trim().to_string();
            if t.is_empty() {
                return Err(Error::usage(format!(
                    "{}: the hook token file is empty; put the bearer token Alertmanager sends in it",
                    p.display()
                )));
            }
            Some(t)
        }
        None => None,
    };
    let mut workflows = Vec::new();
    for l in crate::workflow::list(&ctx.paths.workflows_dir())
        .map_err(|e| Error::usage(e.to_string()))?
    {
        let wf = crate::workflow::load_text(&l.text, std::path::Path::new(&l.source))
            .map_err(|e| Error::usage(e.to_string()))?;
        workflows.push(wf);
    }
    // --- schedules (issue 15): parsed now so a bad pattern fails at start, naming the file.
    let schedules = serve::schedule::parse_all(&workflows).map_err(Error::usage)?;
    // --- end schedules
    // --- suppression (issue 15): the same ignore files as `diagnose`.
    let ignore = super::gather::suppression_rules(ctx).map_err(|e| Error::usage(e.to_string()))?;
    // --- end suppression
    let live = super::cluster_view::live_cluster(ctx).await?;
    let identity = args
        .identity
        .clone()
        .or_else(|| ctx.env.get("POD_NAME").map(str::to_string))
        .or_else(|| ctx.env.get("HOSTNAME").map(str::to_string))
        .unwrap_or_else(|| format!("kubectl-claude-{}", std::process::id()));
    let lease = LeaseConfig {
        namespace: args
            .lease_namespace
            .clone()
            .unwrap_or_else(|| live.default_namespace().to_string()),
        name: args.lease_name.clone(),
        identity: identity.clone(),
        duration: args.lease_duration,
        renew_every: args.renew_every,
    };
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| Error::io("listen", &listen, e))?;
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    // METRICS_PORT (seed 004) is a second listener serving only /metrics; the main one keeps
    // everything, /metrics included, so probes and the Service on --listen still work. The
    // main listener's own port needs no second one (and binding it again would fail).
    let main_port = listener.local_addr().ok().map(|a| a.port());
    let metrics_listener = match ta_cfg.metrics_port {
        Some(p) if Some(p) != main_port => {
            let at = format!("0.0.0.0:{p}");
            let l = tokio::net::TcpListener::bind(&at)
                .await
                .map_err(|e| Error::io("listen (METRICS_PORT)", &at, e))?;
            Some((at, l))
        }
        _ => None,
    };
    let global = super::launch::global_args(ctx);
    let exe = std::env::current_exe().map_err(|e| Error::io("find this binary", "<exe>", e))?;
    let shared = Shared::new(Settings {
        hook_token,
        max_body: args.max_body,
        hook_rate: args.hook_rate,
        debounce: args.debounce,
        workflows,
        notifier: serve::notify::Notifier::new(
            args.notify_slack.clone(),
            args.notify_webhook.clone(),
            args.quiet_period,
        ),
        ignore,
        external_url: args.external_url.clone(),
    });
    let launcher: Rc<dyn Launcher> = Rc::new(ChildLauncher {
        exe,
        global,
        queue_ns: lease.namespace.clone(),
        observe_dir: ctx.paths.state_dir.join("runs"),
        shared: shared.clone(),
        runs: std::cell::Cell::new(0),
    });
    // The dashboard under /ui: users sign in with their own token (TokenReview); RBAC on
    // approvalrequests decides what they see and approve (SubjectAccessReview).
    serve::dashboard::mount(
        &shared,
        serve::dashboard::Dashboard::new(
            live.client().clone(),
            lease.namespace.clone(),
            serve::dashboard::Identity::TokenReview,
            ctx.paths.audit_dir(),
            false,
            (ctx.env.now(), std::time::Instant::now()),
        ),
    );
    // The kinds every recipe reads, resolved once through discovery.
    let mut kinds = Vec::new();
    let in_cluster = live.context() == "in-cluster";
    for k in crate::recipes::kinds_for(crate::recipes::RECIPES) {
        // --- Secrets in-cluster (issue 15): the ClusterRole denies them on purpose; their
        // checks are reported "not checked" instead of being attempted.
        if in_cluster && k == "Secret" {
            shared.skip_kind(
                k,
                "not read in-cluster: serve's ClusterRole grants no Secret reads",
            );
            continue;
        }
        // --- end Secrets in-cluster
        if let Some(info) = crate::cluster::kinds::lookup(k)
            && let Some(res) = live.resolve_kind(info).await?
        {
            kinds.push(res);
        }
    }
    log(
        "serving",
        serde_json::json!({"listen": addr, "identity": identity,
            "metricsListen": metrics_listener.as_ref().map(|(at, _)| at.clone()),
            "watching": kinds.iter().map(|k| k.kind.clone()).collect::<Vec<_>>()}),
    );
    kinds.push(crate::cluster::live::ApiRes {
        group: serve::approvals::GROUP.into(),
        version: serve::approvals::VERSION.into(),
        kind: serve::approvals::KIND.into(),
        plural: serve::approvals::PLURAL.into(),
        namespaced: true,
    });
    let client = live.client().clone();
    let context = live.context().to_string();
    let exec = serve::approvals::Executor {
        client: client.clone(),
        view: crate::cluster::ClusterView::Live(Box::new(live)),
        policy: super::gate_ui::policy(ctx)?,
        audit: super::gate_ui::audit_log(ctx, &context),
        clock: (ctx.env.now(), std::time::Instant::now()),
    };
    let ta_actor = serve::targetapp::Actor {
        client: client.clone(),
        view: crate::cluster::ClusterView::Live(Box::new(
            super::cluster_view::live_cluster(ctx).await?,
        )),
        policy: super::gate_ui::policy(ctx)?,
        audit: super::gate_ui::audit_log(ctx, &context),
        context: context.clone(),
        queue_namespace: lease.namespace.clone(),
        approval_ttl: Duration::from_secs(3600),
        clock: (ctx.env.now(), std::time::Instant::now()),
    };
    let min_level = ta_cfg.log_level;
    let ta_log: serve::targetapp::Log = Rc::new(move |level, msg, fields| {
        if level >= min_level {
            let mut v = serde_json::json!({"ts": jiff::Timestamp::now().to_string(),
                "level": level.as_str(), "msg": msg});
            if let (Some(m), serde_json::Value::Object(f)) = (v.as_object_mut(), fields) {
                m.extend(f);
            }
            eprintln!("{v}");
        }
    });
    let drain = ta_cfg.action_execution_timeout + Duration::from_secs(1);
    // An approved request's run is its action plus the API calls around it (the pod read,
    // Events, the final status), each up to the request timeout (the default's margin when
    // calls are unbounded).
    use crate::cluster::kubeconfig::{DEFAULT_REQUEST_TIMEOUT, effective_request_timeout};
    let request_timeout =
        effective_request_timeout(ctx.global.request_timeout).unwrap_or(DEFAULT_REQUEST_TIMEOUT);
    let executor_drain = drain + request_timeout * 3;
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async move {
            for res in kinds {
                tokio::task::spawn_local(serve::reflect(shared.clone(), client.clone(), res));
            }
            tokio::task::spawn_local(serve::diagnose_loop(shared.clone()));
            tokio::task::spawn_local(serve::approvals::execute_loop(
                shared.clone(),
                exec,
                Duration::from_millis(300),
            ));
            tokio::task::spawn_local(serve::lease::elect(shared.clone(), client.clone(), lease));
            let tapps = serve::targetapp::Controller::new(shared.clone(), ta_actor, ta_cfg, ta_log);
            tokio::task::spawn_local(tapps.clone().run());
            // --- schedules (issue 15): leader-only, at the scheduled time.
            tokio::task::spawn_local(serve::schedule::schedule_loop(
                shared.clone(),
                launcher.clone(),
                serve::schedule::Timetable::new(schedules, jiff::Timestamp::now()),
                Duration::from_secs(30),
            ));
            // --- end schedules
            if let Some((_, l)) = metrics_listener {
                tokio::task::spawn_local(serve::metrics_http(shared.clone(), l));
            }
            let http = serve::http(shared.clone(), launcher, listener);
            let term = async {
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = http => {}
                _ = tokio::signal::ctrl_c() => log("shutting down", serde_json::json!({})),
                _ = term => log("shutting down", serde_json::json!({"signal": "SIGTERM"})),
            }
            // In-flight TargetApp actions and an approved request being executed finish;
            // waiting polls are cancelled; nothing new starts.
            let executor = shared.clone();
            let (_, done) = tokio::join!(
                tapps.shutdown(drain),
                executor.stop_executing(executor_drain)
            );
            if !done {
                log(
                    "shutdown did not wait for the approved request being executed",
                    serde_json::json!({"waitedSeconds": executor_drain.as_secs()}),
                );
            }
        })
        .await;
    Ok(crate::error::EXIT_OK)
}
