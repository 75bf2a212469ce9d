//! `kubectl claude generate`: natural-language instructions to validated, linted manifests.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Value, json};

use super::Ctx;
use super::flags::{InstructionFlags, OutputFormat};
use super::instructions::{PrepareArgs, Prepared, load_instructions, prepare, report_notes};
use super::model::{CallMeta, log_call};
use crate::error::{Error, Result};
use crate::generate::layout::{Layout, LayoutOptions};
use crate::generate::{self, Backend, Outcome, cache, lock};

/// Generate Kubernetes manifests from natural-language instructions
///
/// Reads instructions from TEXT, from -f FILE (claudernetes.yaml with `instructions:`,
/// claudernetes.md, or any text file), from a directory holding one of those, from stdin
/// (-f -), or from ./claudernetes.yaml. Without an API key the offline generator is used (no
/// network); it lists every requirement it did not understand. Output is validated and
/// linted; nothing is printed when generation fails. Results are cached: the same input never
/// calls a model twice.
///
/// Examples:
///   kubectl claude generate "Deploy nginx with 2 replicas and a LoadBalancer service"
///   kubectl claude generate -f examples/fastapi/claudernetes.yaml -n web
///   kubectl claude generate -f app/ --lock                 # write app/claudernetes.lock.yaml
///   kubectl claude generate -f app/ --write out/ --layout flux
///   echo "Deploy redis with 1Gi storage" | kubectl claude generate -f - -o json
///   kubectl claude generate -f app/ --provider anthropic --model claude-sonnet-4-6
#[derive(Debug, Clone, Default, Args)]
#[command(verbatim_doc_comment)]
pub struct GenerateArgs {
    /// Instructions as text (instead of -f)
    pub text: Option<String>,
    /// Instructions file or directory, or - for stdin
    #[arg(short = 'f', long = "filename", value_name = "FILE|DIR|-")]
    pub file: Option<PathBuf>,
    /// Write one file per object into DIR (atomically) instead of stdout
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
    /// File layout for --write
    #[arg(long, value_enum, default_value = "plain")]
    pub layout: Layout,
    /// Git repository URL for the ArgoCD layout's Application
    #[arg(long, value_name = "URL")]
    pub repo_url: Option<String>,
    /// Fail (exit 5) when the offline generator did not understand a requirement
    #[arg(long)]
    pub strict: bool,
    /// Write claudernetes.lock.yaml next to the instructions (commit it for reproducible renders)
    #[arg(long)]
    pub lock: bool,
    /// (dangerous) Send instructions that look like they contain credentials
    #[arg(long)]
    pub allow_secrets: bool,
    /// Only allow these kinds in the output (comma-separated; default from config)
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    pub allowed_kinds: Vec<String>,
    /// Maximum output tokens for model providers
    #[arg(long, value_name = "N")]
    pub max_tokens: Option<u32>,
    /// Total deadline for a model call in seconds, retries included (default 60; 0: no limit)
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    #[command(flatten)]
    pub generation: InstructionFlags,
}

impl GenerateArgs {
    /// The flags [`prepare`] reads.
    fn prepare_args(&self) -> PrepareArgs {
        PrepareArgs {
            timeout: self.timeout,
            allowed_kinds: self.allowed_kinds.clone(),
            ..PrepareArgs::from_flags(&self.generation)
        }
    }
}

/// Serializes objects for stdout.
pub fn render(objects: &[Value], format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => format!(
            "{:#}\n",
            json!({"apiVersion": "v1", "kind": "List", "items": objects})
        ),
        _ => crate::manifest::to_yaml_stream(objects),
    }
}

pub async fn run(ctx: &Ctx, args: &GenerateArgs) -> Result<u8> {
    let format = ctx.format(
        &[OutputFormat::Yaml, OutputFormat::Json],
        OutputFormat::Yaml,
    )?;
    let layout = if args.layout == Layout::Plain
        && ctx.persona == crate::persona::Persona::Flux
        && args.write.is_some()
    {
        Layout::Flux // `flux claude generate --write` lays out the Flux way
    } else {
        args.layout
    };
    if args.write.is_none() && (args.layout != Layout::Plain || args.repo_url.is_some()) {
        return Err(Error::usage_hint(
            "--layout and --repo-url shape the files --write writes; without --write they do nothing",
            "add --write DIR (e.g. --write kubernetes/apps --layout flux)",
        ));
    }
    let instructions = load_instructions(ctx, args.text.as_deref(), args.file.as_deref())?;
    let prepared = prepare(ctx, instructions, &args.prepare_args())?;
    let app = prepared.instructions.app_name();
    let cache_dir = cache::Cache::new(&ctx.paths.cache_dir);
    let cache = (!args.generation.no_cache).then_some(&cache_dir);
    let now = ctx.env.now().to_string();
    let max_tokens = args
        .max_tokens
        .or(ctx.config()?.anthropic.max_tokens)
        .unwrap_or(8192);
    let mut req = prepared.request(
        cache,
        args.strict,
        args.allow_secrets,
        max_tokens,
        &now,
        &app,
    );
    if args.generation.no_cache {
        req.lock = None;
    }
    // A committed lock that no longer matches is not silently bypassed.
    if let Some(l) = req.lock
        && !generate::lock_matches(&req, l)
        && !args.lock
    {
        let dir = prepared
            .instructions
            .source
            .as_ref()
            .and_then(|p| p.parent())
            .map(|p| p.display().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".into());
        ctx.ui.warn(&format!(
            "claudernetes.lock.yaml is stale (the instructions, values or namespace changed since it was written): generating instead; update it with `kubectl claude generate -f {dir} --lock` and commit it"
        ));
    }
    let from_lock = req.lock.is_some_and(|l| generate::lock_matches(&req, l));
    if matches!(prepared.backend, Backend::Offline) && prepared.provider_defaulted && !from_lock {
        ctx.ui.status("using the offline generator (no API key configured; set ANTHROPIC_API_KEY or pass --provider)");
    }
    let started = std::time::Instant::now();
    let result = generate::run(&req).await;
    let meta = CallMeta {
        provider: prepared.backend.name(),
        model: prepared.backend.model(),
        app: &app,
    };
    let outcome = match result {
        Ok(o) => {
            let c = o.completion.as_ref();
            log_call(
                ctx,
                &meta,
                o.source.as_str(),
                "ok",
                c,
                &o.prompt_sha256,
                o.duration,
            );
            o
        }
        Err(e) => {
            if matches!(prepared.backend, Backend::Model(_)) {
                let short: String = e.to_string().chars().take(120).collect();
                let outcome = format!("error: {short}");
                let spent = match &e {
                    generate::Error::AfterCall { completion, .. } => Some(completion.as_ref()),
                    _ => None,
                };
                let sha = generate::prompt_sha256(&req);
                log_call(ctx, &meta, "miss", &outcome, spent, &sha, started.elapsed());
            }
            return Err(e.into());
        }
    };
    report_notes(ctx, &outcome);
    match outcome.source {
        generate::Source::Lock => ctx
            .ui
            .status("rendered from claudernetes.lock.yaml (no model call)"),
        generate::Source::CacheHit => ctx.ui.status("cache hit (no model call)"),
        generate::Source::Generated => {}
    }
    if args.lock {
        write_lock(ctx, &prepared, &outcome)?;
    }
    if let Some(dir) = &args.write {
        let ns = prepared
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        if layout == Layout::Argocd && args.repo_url.is_none() {
            ctx.ui.warn("no --repo-url: the Application points at a placeholder repository; set spec.source.repoURL before committing");
        }
        if layout != Layout::Plain && prepared.namespace.is_none() {
            ctx.ui.warn(
                "no namespace (-n or `namespace:` in the instructions): laying out under `default`",
            );
        }
        let files = crate::generate::layout::lay_out(
            layout,
            &outcome.objects,
            &LayoutOptions {
                app: &app,
                namespace: &ns,
                write_dir: dir,
                repo_url: args
                    .repo_url
                    .as_deref()
                    .unwrap_or("https://example.com/your/gitops-repo.git"),
            },
        );
        write_files(ctx, dir, &files)?;
        return Ok(0);
    }
    ctx.ui.out(&render(&outcome.objects, format))?;
    Ok(0)
}

fn write_lock(ctx: &Ctx, p: &Prepared, o: &Outcome) -> Result<()> {
    let path = p.instructions.lock_path().ok_or_else(|| {
        Error::usage("--lock needs instructions from a file (-f FILE or a directory)")
    })?;
    let (provider, model, key) = match (&o.source, &p.lock) {
        (generate::Source::Lock, Some(l)) => (l.provider.clone(), l.model.clone(), l.key.clone()),
        _ => (
            p.backend.name().to_string(),
            p.backend.model().to_string(),
            o.key.clone(),
        ),
    };
    let l = lock::Lock::new(
        &key,
        &provider,
        &model,
        generate::prompt::PROMPT_VERSION,
        &ctx.env.now().to_string(),
        o.objects.clone(),
    );
    cache::write_atomic(&path, l.to_yaml().as_bytes())
        .map_err(|e| Error::io("write the lock", &path, e))?;
    ctx.ui.status(&format!("wrote {}", path.display()));
    Ok(())
}

/// Writes every file to a temp name first, then renames them all: a failure leaves no
/// half-written manifest behind.
pub fn write_files(ctx: &Ctx, dir: &Path, files: &[(PathBuf, String)]) -> Result<()> {
    let mut staged = Vec::new();
    for (rel, content) in files {
        let path = dir.join(rel);
        let parent = path.parent().unwrap_or(dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("create directory", &parent, e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&parent)
            .map_err(|e| Error::io("create a file in", &parent, e))?;
        std::io::Write::write_all(&mut tmp, content.as_bytes())
            .map_err(|e| Error::io("write", &path, e))?;
        staged.push((tmp, path));
    }
    for (tmp, path) in staged {
        tmp.persist(&path)
            .map_err(|e| Error::io("write", &path, e.error))?;
        ctx.ui.status(&format!("wrote {}", path.display()));
    }
    Ok(())
}
