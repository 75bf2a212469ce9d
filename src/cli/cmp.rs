//! `argocd-cmp-claude`: the ArgoCD Config Management Plugin (v2 sidecar) commands.
//!
//! - `generate` runs in the application's source directory and prints ONLY the manifest
//!   stream on stdout; every log line goes to stderr. It never prints an empty stream with
//!   exit 0 (with `prune: true` ArgoCD would delete the app), finishes or fails before
//!   `ARGOCD_EXEC_TIMEOUT`, and on SIGTERM stops without partial output.
//! - Modes: `locked` (default when `claudernetes.lock.yaml` exists) renders from the lock and
//!   calls no model; `live` generates in the sidecar with the cache on its volume.
//! - `discover` exits 0 (and names the file) when the directory holds instructions, else 1.
//! - `parameters` prints the parameter announcement; `init` validates early.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::time::Duration;

use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use super::instructions::{PrepareArgs, prepare, read_lock};
use super::{Ctx, Env, GlobalArgs};
use crate::error::{EXIT_OK, EXIT_USAGE, Error, Result};
use crate::generate::{self, Instructions, Source, cache, input};
use crate::persona::Persona;

/// ArgoCD Config Management Plugin for claudernetes.yaml / claudernetes.md
///
/// Configure it in plugin.yaml (see plugins/argocd/). Parameters (Application
/// spec.source.plugin.parameters): provider, model, mode (locked|live), namespace,
/// allowed-kinds (array), values (map, substituted into {{ name }}). Plugin env
/// (spec.source.plugin.env) arrives as ARGOCD_ENV_PROVIDER, ARGOCD_ENV_MODEL,
/// ARGOCD_ENV_MODE.
#[derive(Debug, Parser)]
#[command(name = "argocd-cmp-claude", version, disable_version_flag = true, after_help = CMP_EXIT_CODES)]
pub struct CmpCli {
    #[command(subcommand)]
    pub command: CmpCommand,
}

#[derive(Debug, Subcommand)]
pub enum CmpCommand {
    /// Validate the instructions (and lock) before generate
    Init,
    /// Print the manifests for the application in the current directory
    Generate,
    /// Exit 0 when the directory holds claudernetes.yaml or claudernetes.md (for discover.find.command)
    Discover,
    /// Print the parameter announcement JSON
    Parameters,
}

/// What the plugin's exit codes mean (ArgoCD shows the one-line stderr on failure).
const CMP_EXIT_CODES: &str = "\
Exit codes:
  0  manifests printed on stdout (never an empty stream)
  1  discover: no claudernetes.yaml or claudernetes.md here
  2  bad instructions, parameters or lock (e.g. the lock no longer matches)
  5  the model failed, its output was unusable, or a deny rule / allowed-kinds rejected it
  6  I/O failure
  143  stopped by SIGTERM (nothing printed)";

/// The resolved plugin settings: parameters > plugin env > claudernetes.yaml > sidecar config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CmpSettings {
    pub provider: Option<String>,
    pub model: Option<String>,
    pub mode: Option<String>,
    pub namespace: Option<String>,
    pub allowed_kinds: Vec<String>,
    pub values: BTreeMap<String, String>,
}

/// Reads `ARGOCD_APP_PARAMETERS` (JSON) and falls back to `PARAM_*` and `ARGOCD_ENV_*`.
pub fn settings(env: &Env) -> Result<CmpSettings> {
    let mut s = CmpSettings::default();
    if let Some(raw) = env.get("ARGOCD_APP_PARAMETERS") {
        let params: Vec<Value> = serde_json::from_str(raw).map_err(|e| {
            Error::usage(format!(
                "ARGOCD_APP_PARAMETERS is not a JSON list of parameters: {e}"
            ))
        })?;
        for p in params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let string = p
                .get("string")
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_string);
            match name {
                "provider" => s.provider = string,
                "model" => s.model = string,
                "mode" => s.mode = string,
                "namespace" => s.namespace = string,
                "allowed-kinds" => {
                    s.allowed_kinds = p
                        .get("array")
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .or_else(|| {
                            string.map(|v| {
                                v.split(',')
                                    .map(|k| k.trim().to_string())
                                    .filter(|k| !k.is_empty())
                                    .collect()
                            })
                        })
                        .unwrap_or_default();
                }
                "values" => {
                    if let Some(m) = p.get("map").and_then(Value::as_object) {
                        s.values = m
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.clone(),
                                    v.as_str()
                                        .map(str::to_string)
                                        .unwrap_or_else(|| v.to_string()),
                                )
                            })
                            .collect();
                    }
                }
                _ => {}
            }
        }
    } else {
        s.provider = env.get("PARAM_PROVIDER").map(str::to_string);
        s.model = env.get("PARAM_MODEL").map(str::to_string);
        s.mode = env.get("PARAM_MODE").map(str::to_string);
        s.namespace = env.get("PARAM_NAMESPACE").map(str::to_string);
        s.allowed_kinds = env
            .with_prefix("PARAM_ALLOWED_KINDS_")
            .map(|(_, v)| v.to_string())
            .collect();
    }
    let fill = |slot: &mut Option<String>, key: &str| {
        if slot.is_none() {
            *slot = env.get(key).map(str::to_string);
        }
    };
    fill(&mut s.provider, "ARGOCD_ENV_PROVIDER");
    fill(&mut s.model, "ARGOCD_ENV_MODEL");
    fill(&mut s.mode, "ARGOCD_ENV_MODE");
    if s.allowed_kinds.is_empty()
        && let Some(k) = env.get("ARGOCD_ENV_ALLOWED_KINDS")
    {
        s.allowed_kinds = k
            .split(',')
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect();
    }
    if let Some(m) = &s.mode
        && !matches!(m.as_str(), "locked" | "live")
    {
        return Err(Error::usage(format!(
            "unknown mode `{m}` (expected locked or live)"
        )));
    }
    Ok(s)
}

/// The announcement printed by `parameters`.
pub fn announcement() -> Value {
    json!([
        {"name": "provider", "title": "Model provider", "tooltip": "offline, anthropic or openai (default: anthropic when the sidecar has a key, else offline)", "string": ""},
        {"name": "model", "title": "Model", "tooltip": "model id, e.g. claude-sonnet-4-6", "string": ""},
        {"name": "mode", "title": "Mode", "tooltip": "locked: render from claudernetes.lock.yaml, call no model (default when the lock exists); live: generate in the sidecar (cached)", "string": ""},
        {"name": "namespace", "title": "Default namespace", "tooltip": "for namespaced objects without one (default: the Application's destination namespace)", "string": ""},
        {"name": "allowed-kinds", "title": "Allowed kinds", "tooltip": "only these kinds may be rendered (empty: any kind that passes the deny rules)", "collectionType": "array", "array": []},
        {"name": "values", "title": "Values", "tooltip": "substituted into {{ name }} / {{ .Values.name }} in the instructions", "collectionType": "map", "map": {}},
    ])
}

/// Parses a Go duration (`90s`, `2m30s`, `1h`) as ArgoCD's `ARGOCD_EXEC_TIMEOUT` uses.
pub fn go_duration(s: &str) -> Option<Duration> {
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.trim().chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push(chars.next()?);
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        any = true;
    }
    if !num.is_empty() {
        // A bare number: seconds.
        total += num.parse::<f64>().ok()?;
        any = true;
    }
    // Absurd values (overflow, NaN) are not a duration: the default applies.
    any.then(|| Duration::try_from_secs_f64(total).ok())
        .flatten()
}

/// Entry point for the persona. Errors are rendered on one line (ArgoCD shows stderr).
pub fn main(args: &[OsString], env: &Env) -> Result<u8> {
    let cli = match CmpCli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return Ok(code);
        }
    };
    match cli.command {
        CmpCommand::Discover => Ok(discover(env)),
        CmpCommand::Parameters => {
            println!("{}", announcement());
            Ok(0)
        }
        CmpCommand::Init => one_line(init(env)),
        CmpCommand::Generate => one_line(generate_with_deadline(env)),
    }
}

/// ArgoCD shows stderr in the UI: keep failures to one line, hint included.
fn one_line(r: Result<u8>) -> Result<u8> {
    match r {
        Ok(c) => Ok(c),
        Err(e) if e.is_broken_pipe() => Ok(0),
        Err(e) => {
            let hints = cmp_hints(&e);
            let msg = e.to_string().replace('\n', " ");
            if hints.is_empty() {
                eprintln!("argocd-cmp-claude: {msg}");
            } else {
                eprintln!("argocd-cmp-claude: {msg} (hint: {})", hints.join("; "));
            }
            Ok(e.exit_code())
        }
    }
}

fn discover(env: &Env) -> u8 {
    match input::find_in_dir(&env.cwd) {
        Some(f) => {
            // discover.find.command needs exit 0 AND non-empty stdout.
            println!(
                "{}",
                f.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            0
        }
        None => 1,
    }
}

fn ctx_for(env: &Env, s: &CmpSettings) -> Result<Ctx> {
    // Only an explicit namespace parameter is part of the key; ARGOCD_APP_NAMESPACE is a
    // default applied afterwards, so a lock made on a laptop matches in the sidecar.
    let global = GlobalArgs {
        namespace: s.namespace.clone(),
        ..GlobalArgs::default()
    };
    let mut ctx = Ctx::new(Persona::ArgoCmp, global, env.clone())?;
    // The sidecar keeps its cache on its own volume when told to.
    // Its only writable volume holds the call log too, unless KCLAUDE_STATE_DIR says otherwise.
    if let Some(dir) = env.path("KCLAUDE_CACHE_DIR") {
        ctx.paths.state_dir = dir.join("state");
        ctx.paths.cache_dir = dir;
    }
    if let Some(dir) = env.path("KCLAUDE_STATE_DIR") {
        ctx.paths.state_dir = dir;
    }
    ctx.ui = crate::ui::Ui::plain();
    Ok(ctx)
}

fn load(env: &Env) -> Result<Instructions> {
    let f = input::find_in_dir(&env.cwd).ok_or_else(|| {
        Error::usage(format!(
            "no claudernetes.yaml or claudernetes.md in {} (ARGOCD_APP_SOURCE_PATH={})",
            env.cwd.display(),
            env.get("ARGOCD_APP_SOURCE_PATH").unwrap_or("?")
        ))
    })?;
    Ok(Instructions::from_path(&f)?)
}

fn init(env: &Env) -> Result<u8> {
    let s = settings(env)?;
    let instructions = load(env)?;
    let lock = read_lock(&instructions)?;
    if s.mode.as_deref() == Some("locked") && lock.is_none() {
        return Err(Error::usage(
            "mode is locked but there is no claudernetes.lock.yaml",
        ));
    }
    eprintln!(
        "argocd-cmp-claude: instructions ok ({})",
        instructions
            .source
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    );
    Ok(0)
}

/// Argo CD's default repo-server request deadline (`server.repo.server.timeout.seconds` and
/// `controller.repo.server.timeout.seconds`, 60 s). When it passes, the CMP server kills our
/// whole process group; it cannot be read from inside the sidecar.
pub const ARGOCD_REPO_SERVER_TIMEOUT: Duration = Duration::from_secs(60);
/// The default budget: inside that deadline, with room for the tarball, `init` and our error.
pub const DEFAULT_CMP_BUDGET: Duration = Duration::from_secs(50);

/// How long `generate` may take: `KCLAUDE_CMP_TIMEOUT` (a Go duration; raise it together
/// with Argo CD's repo-server timeouts), default [`DEFAULT_CMP_BUDGET`], and never past
/// `ARGOCD_EXEC_TIMEOUT` (default 90 s) minus 2 s — whichever ends first, so we fail with our
/// own clear error before anything kills us.
pub fn budget(env: &Env) -> Result<Duration> {
    let parse = |key: &str| -> Result<Option<Duration>> {
        match env.get(key) {
            None => Ok(None),
            Some(v) => go_duration(v)
                .filter(|d| !d.is_zero())
                .map(Some)
                .ok_or_else(|| {
                    Error::usage(format!(
                        "{key}=`{v}` is not a duration (e.g. 50s, 2m, 1m30s)"
                    ))
                }),
        }
    };
    let wanted = parse("KCLAUDE_CMP_TIMEOUT")?.unwrap_or(DEFAULT_CMP_BUDGET);
    let exec_timeout = env
        .get("ARGOCD_EXEC_TIMEOUT")
        .and_then(go_duration)
        .unwrap_or(Duration::from_secs(90));
    // Leave room to report: fail a little before the exec timeout kills us.
    let exec_budget = exec_timeout.saturating_sub(Duration::from_secs(2));
    Ok(wanted.min(exec_budget).max(Duration::from_secs(1)))
}

fn generate_with_deadline(env: &Env) -> Result<u8> {
    let budget = budget(env)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("start the async runtime", "<runtime>", e))?;
    rt.block_on(async {
        let work = generate(env, budget);
        tokio::select! {
            r = tokio::time::timeout(budget, work) => match r {
                Ok(r) => r,
                Err(_) => Err(Error::Generate(generate::Error::Llm(crate::llm::Error::Timeout {
                    provider: "generate",
                    seconds: budget.as_secs(),
                }))),
            },
            _ = sigterm() => {
                eprintln!("argocd-cmp-claude: terminated (SIGTERM); no manifests were written");
                Ok(143)
            }
        }
    })
}

#[cfg(unix)]
async fn sigterm() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut s) => {
            s.recv().await;
        }
        Err(_) => std::future::pending::<()>().await,
    }
}

#[cfg(not(unix))]
async fn sigterm() {
    let _ = tokio::signal::ctrl_c().await;
}

async fn generate(env: &Env, budget: Duration) -> Result<u8> {
    let s = settings(env)?;
    let ctx = ctx_for(env, &s)?;
    let instructions = load(env)?;
    let has_lock = read_lock(&instructions)?.is_some();
    let mode = s.mode.clone().unwrap_or_else(|| {
        if has_lock {
            "locked".into()
        } else {
            "live".into()
        }
    });
    let app = env
        .get("ARGOCD_APP_NAME")
        .map(str::to_string)
        .unwrap_or_else(|| instructions.app_name());
    let args = PrepareArgs {
        provider: if mode == "locked" {
            Some(crate::llm::ProviderKind::Offline)
        } else {
            s.provider
                .as_deref()
                .map(super::model::parse_provider)
                .transpose()?
        },
        model: s.model.clone(),
        set: s.values.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        allowed_kinds: s.allowed_kinds.clone(),
        timeout: Some(budget.as_secs().max(1)),
    };
    let dest = env.get("ARGOCD_APP_NAMESPACE").map(str::to_string);
    let mut prepared = prepare(&ctx, instructions, &args)?;
    prepared.default_namespace = dest.clone();
    if mode == "locked" {
        let lock = prepared
            .lock
            .clone()
            .ok_or_else(|| Error::usage("mode is locked but there is no claudernetes.lock.yaml"))?;
        let now = ctx.env.now().to_string();
        let matches = |p: &super::instructions::Prepared| {
            generate::lock_matches(&p.request(None, false, false, 0, &now, &app), &lock)
        };
        if !matches(&prepared) {
            // A lock made for the destination itself (`generate --lock -n <dest>`) is the
            // natural thing to commit: accept it as if the namespace parameter said so.
            let explicit = prepared.namespace.take();
            prepared.namespace = explicit.clone().or(dest.clone());
            if explicit.is_some() || dest.is_none() || !matches(&prepared) {
                prepared.namespace = explicit;
                // Only the values a placeholder reads are in the key (and in the hint).
                let mut s = s.clone();
                s.values.retain(|k, _| prepared.params.contains_key(k));
                return Err(stale_lock(env, &s, dest.as_deref()));
            }
        }
    }
    let cache_dir = cache::Cache::new(&ctx.paths.cache_dir);
    let now = ctx.env.now().to_string();
    let max_tokens = ctx.config()?.anthropic.max_tokens.unwrap_or(8192);
    let mut req = prepared.request(Some(&cache_dir), false, false, max_tokens, &now, &app);
    if mode == "live" {
        // Live mode generates; a lock is only honoured in locked mode.
        req.lock = None;
    }
    let started = std::time::Instant::now();
    let result = generate::run(&req).await;
    let meta = super::model::CallMeta {
        provider: prepared.backend.name(),
        model: prepared.backend.model(),
        app: &app,
    };
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            if mode == "live" && !matches!(prepared.backend, generate::Backend::Offline) {
                let short: String = e.to_string().chars().take(120).collect();
                let spent = match &e {
                    generate::Error::AfterCall { completion, .. } => Some(completion.as_ref()),
                    _ => None,
                };
                super::model::log_call(
                    &ctx,
                    &meta,
                    "miss",
                    &format!("error: {short}"),
                    spent,
                    &generate::prompt_sha256(&req),
                    started.elapsed(),
                );
            }
            return Err(e.into());
        }
    };
    if mode == "live" {
        super::model::log_call(
            &ctx,
            &meta,
            outcome.source.as_str(),
            "ok",
            outcome.completion.as_ref(),
            &outcome.prompt_sha256,
            outcome.duration,
        );
    }
    if outcome.objects.is_empty() {
        // Never an empty stream with exit 0: ArgoCD would prune the whole app.
        return Err(Error::usage(
            "the render produced no objects; refusing to print an empty stream",
        ));
    }
    let source = match outcome.source {
        Source::Lock => "lock",
        Source::CacheHit => "cache",
        Source::Generated => "model",
    };
    eprintln!(
        "argocd-cmp-claude: {} object(s) for {app} from {source} (mode {mode}, revision {})",
        outcome.objects.len(),
        env.get("ARGOCD_APP_REVISION").unwrap_or("?")
    );
    for w in outcome
        .issues
        .iter()
        .filter(|i| i.level >= crate::manifest::lint::Level::Warning)
    {
        eprintln!(
            "argocd-cmp-claude: warning: {}: {} [{}]",
            w.object, w.message, w.rule
        );
    }
    let out = crate::manifest::to_yaml_stream(&outcome.objects);
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(0)
}

/// The stale-lock error, with the exact command that writes a lock this Application accepts:
/// its values (`--set`) and namespace are part of the key.
fn stale_lock(env: &Env, s: &CmpSettings, dest: Option<&str>) -> Error {
    let path = env.get("ARGOCD_APP_SOURCE_PATH").unwrap_or(".");
    let mut cmd = format!("kubectl claude generate -f {} --lock", shell_word(path));
    if let Some(ns) = s.namespace.as_deref().or(dest) {
        cmd.push_str(&format!(" -n {}", shell_word(ns)));
    }
    for (k, v) in &s.values {
        cmd.push_str(&format!(" --set {}", shell_word(&format!("{k}={v}"))));
    }
    let why = if s.values.is_empty() {
        "the instructions or the namespace changed".to_string()
    } else {
        let names: Vec<&str> = s.values.keys().map(String::as_str).collect();
        format!(
            "the instructions, the namespace or the Application's values ({}) differ from what it was made with",
            names.join(", ")
        )
    };
    Error::Usage {
        message: format!("claudernetes.lock.yaml does not match: {why}"),
        hints: vec![format!(
            "from the repository root run `{cmd}` and commit claudernetes.lock.yaml (then Hard Refresh)"
        )],
    }
}

/// A word as a POSIX shell reads it: quoted only when it needs to be.
fn shell_word(w: &str) -> String {
    if !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@%+".contains(c))
    {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

/// Hints that name what exists in the sidecar: the CMP has no flags, only Application
/// parameters, so the CLI's `--no-cache` / `--provider` advice is translated.
fn cmp_hints(e: &Error) -> Vec<String> {
    let rejected = match e {
        Error::Generate(generate::Error::Rejected(_)) => true,
        Error::Generate(generate::Error::AfterCall { inner, .. }) => {
            matches!(**inner, generate::Error::Rejected(_))
        }
        _ => false,
    };
    if matches!(
        e,
        Error::Generate(generate::Error::Llm(crate::llm::Error::Timeout { .. }))
    ) {
        return vec![
            "commit a lock (`kubectl claude generate --lock`, mode locked), or raise KCLAUDE_CMP_TIMEOUT on the sidecar together with Argo CD's server.repo.server.timeout.seconds and controller.repo.server.timeout.seconds (argocd-cmd-params-cm, default 60 s) and ARGOCD_EXEC_TIMEOUT (default 90 s)".into(),
        ];
    }
    if rejected {
        return vec![
            "fix the instructions or the Application's allowed-kinds parameter (`kubectl claude generate -f DIR --allowed-kinds …` shows every issue locally), then Hard Refresh".into(),
        ];
    }
    e.hints()
        .into_iter()
        .map(|h| {
            if h.contains("--no-cache") {
                "make the instructions more specific, or set the Application parameter provider to offline; then Hard Refresh (invalid renders are never cached)".into()
            } else {
                h.replace(
                    "use --provider offline",
                    "set the Application parameter provider to offline",
                )
                .replace("--provider offline", "the Application parameter provider=offline")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_ends_inside_argo_cds_deadlines() {
        let at = |pairs: &[(&str, &str)]| {
            budget(&Env::from_pairs(
                pairs.iter().copied(),
                std::path::Path::new("/"),
            ))
        };
        let default = at(&[]).unwrap();
        assert!(default < ARGOCD_REPO_SERVER_TIMEOUT, "{default:?}");
        assert_eq!(default, DEFAULT_CMP_BUDGET);
        assert_eq!(
            at(&[("KCLAUDE_CMP_TIMEOUT", "3m")]).unwrap(),
            Duration::from_secs(88),
            "never past ARGOCD_EXEC_TIMEOUT (90 s) - 2 s"
        );
        assert_eq!(
            at(&[("KCLAUDE_CMP_TIMEOUT", "3m"), ("ARGOCD_EXEC_TIMEOUT", "5m")]).unwrap(),
            Duration::from_secs(180)
        );
        assert_eq!(
            at(&[("ARGOCD_EXEC_TIMEOUT", "20s")]).unwrap(),
            Duration::from_secs(18)
        );
        assert!(at(&[("KCLAUDE_CMP_TIMEOUT", "soon")]).is_err());
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(go_duration("2m30s"), Some(Duration::from_secs(150)));
        assert_eq!(go_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(go_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(go_duration("45"), Some(Duration::from_secs(45)));
        assert_eq!(go_duration("abc"), None);
        assert_eq!(go_duration("99999999999999999999999h"), None);
    }

    #[test]
    fn parameters_json_then_plugin_env() {
        let env = Env::from_pairs(
            [
                (
                    "ARGOCD_APP_PARAMETERS",
                    r#"[{"name":"mode","string":"live"},{"name":"allowed-kinds","array":["Deployment","Service"]},{"name":"values","map":{"tag":"v2"}}]"#,
                ),
                ("ARGOCD_ENV_PROVIDER", "offline"),
                ("ARGOCD_ENV_MODE", "locked"),
            ],
            std::path::Path::new("/"),
        );
        let s = settings(&env).unwrap();
        assert_eq!(s.mode.as_deref(), Some("live"));
        assert_eq!(s.provider.as_deref(), Some("offline"));
        assert_eq!(s.allowed_kinds, vec!["Deployment", "Service"]);
        assert_eq!(s.values.get("tag").map(String::as_str), Some("v2"));
        let bad = Env::from_pairs([("ARGOCD_ENV_MODE", "yolo")], std::path::Path::new("/"));
        assert!(settings(&bad).is_err());
    }
}
