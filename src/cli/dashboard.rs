//! `kubectl claude dashboard`: the same dashboard `serve` mounts at `/ui`, run on this machine
//! on 127.0.0.1 with the kubeconfig's own credentials — no token to paste: the user is the
//! kubeconfig user (SelfSubjectReview), every view and decision is a SelfSubjectAccessReview
//! of those credentials, and the API server's RBAC applies to every write as usual. The
//! sign-in link carries a key that signs in once, within 10 minutes (it is printed on stderr
//! and handed to the browser opener, whose argv `ps` shows: spent, it is worth nothing);
//! sessions, CSRF tokens and the CSP are the same as in the cluster.
//! Only `/ui` is served (serve's reads and hooks are not).

use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use clap::Args;

use super::Ctx;
use crate::error::{Error, Result};
use crate::serve::{self, Launcher, Settings, Shared, dashboard};

/// Open the dashboard (Status, Pending, History, Workflows) locally with your kubeconfig
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
  kubectl claude dashboard\n  \
  kubectl claude dashboard -n kubectl-claude --port 8765\n  \
  kubectl claude dashboard --no-browser")]
pub struct DashboardArgs {
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0, value_name = "PORT")]
    pub port: u16,
    /// Print the link instead of opening a browser ($BROWSER, else xdg-open)
    #[arg(long)]
    pub no_browser: bool,
}

/// Runs `workflow run` of this binary with this process's cluster flags; confirm steps are
/// queued as approval requests (they land in Pending).
struct LocalLauncher {
    exe: std::path::PathBuf,
    global: Vec<String>,
    queue_ns: String,
}

impl Launcher for LocalLauncher {
    fn launch(
        &self,
        workflow: &str,
        params: &BTreeMap<String, String>,
        started_by: Option<&str>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = String>>> {
        let args = super::launch::workflow_run_args(
            &self.global,
            workflow,
            params,
            &self.queue_ns,
            started_by,
        );
        let exe = self.exe.clone();
        Box::pin(async move {
            let out = tokio::task::spawn_blocking(move || {
                std::process::Command::new(exe)
                    .args(&args)
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
            })
            .await;
            match out {
                Ok(Ok(s)) => match s.code() {
                    Some(0) => "ok",
                    Some(1) => "findings",
                    Some(3) => "refused",
                    _ => "failed",
                },
                _ => "failed",
            }
            .to_string()
        })
    }
}

/// The program that opens a URL: `$BROWSER`, else `xdg-open` when it is on `PATH`.
fn opener(ctx: &Ctx) -> Option<String> {
    if let Some(b) = ctx.env.get("BROWSER") {
        return Some(b.to_string());
    }
    let path = ctx.env.get("PATH")?;
    std::env::split_paths(path)
        .map(|d| d.join("xdg-open"))
        .find(|p| p.is_file())
        .map(|p| p.display().to_string())
}

pub async fn run(ctx: &Ctx, args: &DashboardArgs) -> Result<u8> {
    let mut workflows = Vec::new();
    for l in crate::workflow::list(&ctx.paths.workflows_dir())
        .map_err(|e| Error::usage(e.to_string()))?
    {
        let wf = crate::workflow::load_text(&l.text, std::path::Path::new(&l.source))
            .map_err(|e| Error::usage(e.to_string()))?;
        workflows.push(wf);
    }
    let live = super::cluster_view::live_cluster(ctx).await?;
    let ns = ctx
        .global
        .namespace
        .clone()
        .unwrap_or_else(|| live.default_namespace().to_string());
    let client = live.client().clone();
    let user = crate::serve::api::whoami(&client, live.context()).await;
    let listen = format!("127.0.0.1:{}", args.port);
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| Error::io("listen", &listen, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::io("listen", &listen, e))?;
    let key = dashboard::auth::random_token();
    let url = format!("http://{addr}/ui/local?key={key}");

    let global = super::launch::global_args(ctx);
    let exe = std::env::current_exe().map_err(|e| Error::io("find this binary", "<exe>", e))?;
    let launcher: Rc<dyn Launcher> = Rc::new(LocalLauncher {
        exe,
        global,
        queue_ns: ns.clone(),
    });
    let shared = Shared::new(Settings {
        hook_token: None,
        max_body: 256 * 1024,
        hook_rate: 5.0,
        debounce: Duration::from_secs(2),
        workflows,
        notifier: serve::notify::Notifier::new(vec![], vec![], Duration::from_secs(600)),
        // The same suppression as `diagnose` and `serve`: the Status view hides what they hide.
        ignore: super::gather::suppression_rules(ctx).map_err(|e| Error::usage(e.to_string()))?,
        external_url: None,
    });
    // One user, one process: its runs start here.
    shared.set_leader(true);
    dashboard::mount_alone(
        &shared,
        dashboard::Dashboard::new(
            client.clone(),
            ns.clone(),
            dashboard::Identity::Local {
                user: user.clone(),
                key,
            },
            ctx.paths.audit_dir(),
            false,
            (ctx.env.now(), std::time::Instant::now()),
        ),
    );
    let mut kinds = Vec::new();
    for k in crate::recipes::kinds_for(crate::recipes::RECIPES) {
        if let Some(info) = crate::cluster::kinds::lookup(k)
            && let Some(res) = live.resolve_kind(info).await?
        {
            kinds.push(res);
        }
    }
    ctx.ui.status(&format!(
        "dashboard for {user} on context {} (approval requests in {ns}); open:\n  {url}\n(the link signs you in once, within 10 minutes; Ctrl-C stops the dashboard)",
        live.context()
    ));
    if !args.no_browser
        && let Some(b) = opener(ctx)
    {
        // Best effort: the link is printed either way.
        let _ = std::process::Command::new(b)
            .arg(&url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
    let local = tokio::task::LocalSet::new();
    local
        .run_until(async move {
            for res in kinds {
                tokio::task::spawn_local(serve::reflect(shared.clone(), client.clone(), res));
            }
            // The Status view's overview, re-computed when the inventory changes.
            tokio::task::spawn_local(serve::diagnose_loop(shared.clone()));
            let http = serve::http(shared.clone(), launcher, listener);
            tokio::select! {
                _ = http => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        })
        .await;
    Ok(crate::error::EXIT_OK)
}
