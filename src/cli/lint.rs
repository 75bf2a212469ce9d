//! `kubectl claude lint`: validation, house conventions and deny rules on existing manifests.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use super::Ctx;
use super::flags::OutputFormat;
use crate::error::{EXIT_OK, EXIT_REPORT, Result};
use crate::manifest::{
    self,
    lint::{Level, LintOptions},
};

/// Validate and lint manifests against house conventions and deny rules
///
/// Checks that every document is a Kubernetes object, that built-in kinds match their schema
/// (unknown fields are errors), and the house rules: resources, probes, securityContext,
/// pinned images, finite HelmRelease retries, Flux sourceRef namespaces, ingress class, and
/// deny rules (privileged, host namespaces, hostPath, cluster-admin bindings, kinds outside
/// the allow-list). Exit 1 when any error-level rule fails.
///
/// Examples:
///   kubectl claude lint -f clusters/
///   kubectl claude lint -f deployment.yaml -o json
///   kustomize build apps/web | kubectl claude lint -f -
///   kubectl claude lint -f apps/ --allowed-kinds Deployment,Service,ConfigMap
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct LintArgs {
    /// Manifest file or directory (recursive), or - for stdin
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "FILE|DIR|-",
        default_value = "."
    )]
    pub file: PathBuf,
    /// Only allow these kinds (comma-separated; default from config)
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    pub allowed_kinds: Vec<String>,
    /// Also show info-level suggestions
    #[arg(long)]
    pub all: bool,
}

/// True for `claudernetes.yaml` instructions and `claudernetes.lock.yaml` files: they hold
/// instructions (or a lock), not manifests, and lint them as objects would only report noise.
fn is_instruction_file(p: &std::path::Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with("claudernetes.")
        && matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

/// The manifests to lint: a directory's manifest files except instruction and lock files
/// (said on stderr), one named file, or stdin.
fn load(ctx: &Ctx, path: &std::path::Path) -> Result<Vec<manifest::Manifest>> {
    if path.as_os_str() == "-" {
        return Ok(manifest::load(path, || ctx.read_stdin())?);
    }
    if is_instruction_file(path) {
        return Err(crate::error::Error::usage_hint(
            format!(
                "{} holds generate instructions (or a lock), not manifests",
                path.display()
            ),
            format!(
                "lint what it generates: kubectl claude generate -f {} | kubectl claude lint -f -",
                path.display()
            ),
        ));
    }
    if !path.is_dir() {
        return Ok(manifest::load(path, || ctx.read_stdin())?);
    }
    let (skipped, files): (Vec<_>, Vec<_>) = manifest::walk(path)?
        .into_iter()
        .partition(|f| is_instruction_file(f));
    if !skipped.is_empty() {
        ctx.ui.status(&format!(
            "skipped {} claudernetes instruction/lock file(s); lint their output with `kubectl claude generate -f DIR | kubectl claude lint -f -`",
            skipped.len()
        ));
    }
    let mut out = Vec::new();
    for f in files {
        out.extend(manifest::load(&f, || ctx.read_stdin())?);
    }
    Ok(out)
}

pub async fn run(ctx: &Ctx, args: &LintArgs) -> Result<u8> {
    let format = ctx.format(
        &[OutputFormat::Table, OutputFormat::Json],
        OutputFormat::Table,
    )?;
    let path = if args.file.is_relative() && args.file.as_os_str() != "-" {
        ctx.env.cwd.join(&args.file)
    } else {
        args.file.clone()
    };
    let manifests = load(ctx, &path)?;
    if manifests.is_empty() {
        return Err(manifest::Error::Empty {
            what: args.file.display().to_string(),
        }
        .into());
    }
    let objects: Vec<_> = manifests.iter().map(|m| m.value.clone()).collect();
    let origins: Vec<_> = manifests.iter().map(|m| m.origin.clone()).collect();
    let mut allowed = args.allowed_kinds.clone();
    if allowed.is_empty() {
        allowed = ctx.config()?.allowed_kinds.clone();
    }
    let mut issues = manifest::validate::validate(&objects, &origins);
    issues.extend(manifest::lint::lint(
        &objects,
        &origins,
        &LintOptions {
            allowed_kinds: allowed,
        },
    ));
    // Name an unnamed document by its number in its own file, as its origin does — not by
    // its position among every file read.
    for i in &mut issues {
        if i.object.starts_with("document ")
            && let Some(n) = i.origin.as_deref().and_then(|o| o.rsplit_once('#'))
        {
            i.object = format!("document {}", n.1);
        }
    }
    issues.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.origin.cmp(&b.origin))
            .then_with(|| a.rule.cmp(b.rule))
    });
    let errors = issues.iter().filter(|i| i.level == Level::Error).count();
    let warnings = issues.iter().filter(|i| i.level == Level::Warning).count();
    let shown: Vec<_> = issues
        .iter()
        .filter(|i| args.all || format == OutputFormat::Json || i.level >= Level::Warning)
        .collect();
    if format == OutputFormat::Json {
        let v = json!({"v": 1, "objects": objects.len(), "errors": errors, "warnings": warnings, "issues": shown});
        ctx.ui.out(&format!("{v:#}\n"))?;
    } else {
        if !shown.is_empty() {
            let mut t = crate::ui::table(["LEVEL", "RULE", "OBJECT", "WHERE", "MESSAGE"]);
            for i in &shown {
                let style = match i.level {
                    Level::Error => crate::ui::Style::Red,
                    Level::Warning => crate::ui::Style::Yellow,
                    Level::Info => crate::ui::Style::Dim,
                };
                t.add_row([
                    ctx.ui.paint(true, style, i.level.as_str()),
                    i.rule.to_string(),
                    i.object.clone(),
                    i.origin.clone().unwrap_or_default(),
                    i.message.clone(),
                ]);
            }
            ctx.ui.out(&format!("{t}\n"))?;
        }
        ctx.ui.status(&format!(
            "{} object(s): {errors} error(s), {warnings} warning(s)",
            objects.len()
        ));
    }
    Ok(if errors > 0 { EXIT_REPORT } else { EXIT_OK })
}
