//! `kubectl claude upgrades`: newer chart versions for a Flux repo's HelmReleases, their
//! impact, and the exact YAML change (applied in place with `--write`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use futures::StreamExt;
use serde_json::json;

use super::Ctx;
use super::flags::{ModelFlags, OutputFormat};
use crate::error::{EXIT_OK, EXIT_REPORT, Error, ExitCode, Result};
use crate::manifest::{self, lint::Level};
use crate::upgrades::{self, Options, Report, To, discover};

/// Find chart upgrades for HelmReleases, judge their impact, and write the exact change
///
/// Walks a Flux repository (HelmReleases anywhere, e.g. kubernetes/apps/<ns>/<app>/app/,
/// sources anywhere, e.g. kubernetes/flux/meta/repos/), or the cluster with --live. For each
/// pinned release it lists the newest patch, minor and major chart versions (HTTP Helm
/// repositories and OCI registries), and for the target version compares the charts'
/// values.yaml (added, removed, renamed keys, changed defaults), checks the release's values
/// against the new chart's keys and values.schema.json, and shows appVersion, image and
/// changelog changes. Impact is patch, minor or major, raised to breaking when a custom value
/// is gone or fails the schema. The edit (version bump plus renamed keys) is shown as a diff;
/// --write applies it in place, keeping comments and formatting, after linting the result.
/// Breaking upgrades are never written. Exit 1 when any shown upgrade is breaking.
///
/// Examples:
///   kubectl claude upgrades -f ~/home-ops
///   kubectl claude upgrades -f . --app grafana --to minor
///   kubectl claude upgrades -f . --app grafana --write && git diff
///   kubectl claude upgrades -f . -o json | jq '.releases[] | select(.impact == "breaking")'
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct UpgradesArgs {
    /// The Flux repository to walk
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "REPO_DIR",
        default_value = ".",
        conflicts_with = "live"
    )]
    pub repo: PathBuf,
    /// Only this HelmRelease (by name)
    #[arg(long, value_name = "NAME")]
    pub app: Option<String>,
    /// Target: the newest patch (default), minor or major, or an exact version
    #[arg(long, value_name = "patch|minor|major|X.Y.Z", default_value = "patch", value_parser = parse_to,
          add = clap_complete::engine::ArgValueCompleter::new(super::completers::complete_upgrade_targets))]
    pub to: To,
    /// Consider pre-release versions
    #[arg(long)]
    pub pre: bool,
    /// Apply the edits to the files in place (never for breaking upgrades)
    #[arg(long, conflicts_with = "live")]
    pub write: bool,
    /// Read HelmReleases and their sources from the cluster (or --snapshot) instead of files
    #[arg(long)]
    pub live: bool,
    /// Secret manifests (plain, e.g. `sops -d` output) with credentials for sources whose
    /// spec.secretRef names them; read only when given, never shown
    #[arg(long, value_name = "FILE|DIR")]
    pub credentials: Option<PathBuf>,
    /// Ask a model for a short review of the upgrades (--provider anthropic|openai and --model
    /// choose it; versions, changelogs, key paths and impact are sent, never the release's values)
    #[arg(long)]
    pub explain: bool,
    /// Network timeout per request, in seconds (0: no limit)
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
    // The model --explain asks (only with --explain, never offline: `check_for_explain`).
    // Last: a flattened group's heading carries on to the arguments after it.
    #[command(flatten)]
    pub model: ModelFlags,
}

/// Releases analysed at once.
const CONCURRENCY: usize = 8;

fn parse_to(s: &str) -> std::result::Result<To, String> {
    s.parse()
}

pub async fn run(ctx: &Ctx, args: &UpgradesArgs) -> Result<u8> {
    args.model.check_for_explain(args.explain)?;
    let format = ctx.format(
        &[OutputFormat::Table, OutputFormat::Json, OutputFormat::Yaml],
        OutputFormat::Table,
    )?;
    // Fail before any network work when --explain has no model to ask.
    let explainer = if args.explain {
        Some(super::model::explain_model(ctx, &args.model)?)
    } else {
        None
    };
    let root = ctx.env.cwd.join(&args.repo);
    let from_cluster = args.live || ctx.global.snapshot.is_some();
    let (docs, texts, what) = if from_cluster {
        let view = super::cluster_view(ctx).await?;
        let scope = super::cluster_view::scope(ctx, &view);
        let inv = view
            .gather(
                &[
                    "HelmRelease",
                    "HelmRepository",
                    "OCIRepository",
                    "HelmChart",
                    "ConfigMap",
                ],
                &scope,
                false,
                &crate::cluster::NoProgress,
            )
            .await?;
        let objs = inv.all().map(|o| o.value().clone()).collect::<Vec<_>>();
        (
            upgrades::docs_from_values(objs),
            BTreeMap::new(),
            view.describe(),
        )
    } else {
        if !root.is_dir() {
            let why = if root.exists() {
                "is not a directory"
            } else {
                "does not exist"
            };
            return Err(Error::usage_hint(
                format!("{} {why}", args.repo.display()),
                "pass -f REPO_DIR, the root of a Flux repository (or --live)",
            ));
        }
        let (docs, texts) = discover::read_dir(&root)?;
        (docs, texts, args.repo.display().to_string())
    };
    let (releases, unresolved) = discover::releases(&docs);
    let wanted = |ns: &str, name: &str| {
        args.app.as_deref().is_none_or(|a| a == name)
            && ctx.global.namespace.as_deref().is_none_or(|n| n == ns)
    };
    let mut releases: Vec<_> = releases
        .into_iter()
        .filter(|r| wanted(&r.namespace, &r.name))
        .collect();
    let creds = match &args.credentials {
        Some(p) => Some(load_credentials(&ctx.env.cwd.join(p))?),
        None => None,
    };
    for r in &mut releases {
        let Some((ns, name)) = r.secret_ref.clone() else {
            continue;
        };
        let host = upgrades::fetch::host_of(r.repo.url()).unwrap_or("");
        match creds.as_ref().map(|c| c.lookup(&ns, &name, host)) {
            Some(Some(b)) => r.auth = Some(b),
            Some(None) => r.notes.push(format!(
                "the source's Secret {ns}/{name} is not among --credentials (or has no username/password or .dockerconfigjson entry for {host}); trying without credentials"
            )),
            None => r.notes.push(format!(
                "the source names Secret {ns}/{name}; pass --credentials FILE|DIR with it to authenticate (trying without)"
            )),
        }
    }
    let unresolved: Vec<_> = unresolved
        .into_iter()
        .filter(|u| wanted(&u.namespace, &u.name))
        .collect();
    if releases.is_empty() && unresolved.is_empty() {
        return Err(match &args.app {
            Some(a) => Error::usage_hint(
                format!("no HelmRelease named `{a}` in {what}"),
                "run without --app to list every release",
            ),
            None if from_cluster => Error::usage_hint(
                format!("no HelmReleases found in {what}"),
                "to read a Flux repository instead, drop --live/--snapshot and pass -f REPO_DIR",
            ),
            None => Error::usage_hint(
                format!("no HelmReleases found in {what}"),
                "pass -f REPO_DIR, the root of a Flux repository",
            ),
        });
    }
    let fetcher =
        upgrades::Fetcher::new((args.timeout > 0).then(|| Duration::from_secs(args.timeout)))?;
    let opts = Options {
        to: args.to.clone(),
        pre: args.pre,
    };
    let mut reports: Vec<Report> = unresolved
        .iter()
        .map(|u| Report::failed(u, &root))
        .collect();
    // A few releases at a time: each is a handful of small requests, mostly to different
    // registries, so waiting on them one by one is what makes a big repo slow.
    ctx.ui
        .status(&format!("checking {} release(s)", releases.len()));
    let analysed: Vec<Report> = futures::stream::iter(&releases)
        .map(|r| upgrades::analyze(r, &fetcher, &texts, &root, &opts))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    reports.extend(analysed);
    reports.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    let failures: Vec<&upgrades::Error> =
        reports.iter().filter_map(|r| r.failure.as_ref()).collect();
    if failures.len() == reports.len() {
        // Nothing to show: the error is the answer (and stdout stays empty).
        return Err(Error::Upgrades(failures[0].clone()));
    }
    let explanation = match &explainer {
        Some(p) => {
            let prompt = crate::llm::Prompt {
                system: upgrades::explain::SYSTEM.into(),
                user: upgrades::explain::prompt(&reports),
                max_tokens: 1500,
            };
            let c = super::model::complete_logged(ctx, p, &prompt, "upgrades --explain").await?;
            Some(json!({"provider": p.name(), "model": p.model(), "text": c.text}))
        }
        None => None,
    };
    // After the model call: a failed --explain leaves the files as they were.
    let mut code = EXIT_OK;
    if args.write {
        code = write(ctx, &reports, &texts)?;
    }
    let mut doc = document(&reports);
    if let Some(e) = &explanation {
        doc["explanation"] = e.clone();
    }
    match format {
        OutputFormat::Json => ctx.ui.out(&format!("{doc:#}\n"))?,
        OutputFormat::Yaml => ctx.ui.out(&manifest::to_yaml(&doc))?,
        _ => {
            let mut out = table(ctx, &reports);
            if let Some(e) = &explanation {
                out.push_str(&format!(
                    "\nexplanation ({} {}):\n{}\n",
                    e["provider"].as_str().unwrap_or(""),
                    e["model"].as_str().unwrap_or(""),
                    e["text"].as_str().unwrap_or("").trim_end()
                ));
            }
            ctx.ui.out(&out)?
        }
    }
    // Newer levels than the one asked for exist: say how to see them.
    let beyond = |r: &&Report| match args.to {
        To::Patch => r.latest.minor.is_some() || r.latest.major.is_some(),
        To::Minor => r.latest.major.is_some(),
        _ => false,
    };
    let more = reports.iter().filter(beyond).count();
    if more > 0 && format == OutputFormat::Table {
        ctx.ui.status(&format!(
            "{more} release(s) have newer minor/major versions than --to {}; pass --to minor or --to major to see their impact",
            match args.to { To::Minor => "minor", _ => "patch" }
        ));
    }
    for r in &reports {
        if let Some(e) = &r.failure {
            ctx.ui
                .error_line("error:", &format!("{}/{}: {e}", r.namespace, r.name));
            for h in e.hints() {
                ctx.ui.hint(&h);
            }
        }
    }
    if let Some(e) = failures.first() {
        return Ok(e.exit_code());
    }
    if reports.iter().any(Report::is_breaking) {
        code = EXIT_REPORT;
    }
    Ok(code)
}

/// Secrets from a file or a directory of manifests.
fn load_credentials(path: &std::path::Path) -> Result<upgrades::auth::Credentials> {
    let docs = if path.is_dir() {
        discover::read_dir(path)?.0
    } else {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        manifest::from_text(&text, path)?
            .into_iter()
            .map(|m| upgrades::Doc {
                value: m.value,
                ..Default::default()
            })
            .collect()
    };
    let c = upgrades::auth::Credentials::from_docs(docs);
    if c.is_empty() {
        return Err(Error::usage_hint(
            format!("no Secret manifests in {}", path.display()),
            "pass the decrypted Secret(s) the sources' spec.secretRef names (e.g. `sops -d secret.sops.yaml > /tmp/s.yaml`)",
        ));
    }
    Ok(c)
}

/// The `-o json` document (see README, Contracts).
fn document(reports: &[Report]) -> serde_json::Value {
    json!({"v": 1, "releases": reports})
}

/// Applies the non-breaking edits, all files planned together, each linted before it is
/// written (a write that adds lint errors is refused).
fn write(ctx: &Ctx, reports: &[Report], texts: &BTreeMap<PathBuf, String>) -> Result<u8> {
    let mut code = EXIT_OK;
    let mut ops = Vec::new();
    for r in reports
        .iter()
        .filter(|r| r.target.is_some() && r.failure.is_none())
    {
        if r.is_breaking() {
            ctx.ui.warn(&format!(
                "{}/{}: not written: the upgrade to {} is breaking ({}); migrate by hand",
                r.namespace,
                r.name,
                r.target.as_deref().unwrap_or(""),
                r.reasons.join("; ")
            ));
            code = EXIT_REPORT;
            continue;
        }
        ops.extend(r.ops.iter().cloned());
    }
    let planned = upgrades::plan(texts, &ops)?;
    let allowed = ctx.config()?.allowed_kinds.clone();
    for (path, (old, new)) in &planned {
        let before = lint_errors(old, path, &allowed);
        let after = lint_errors(new, path, &allowed);
        if after.len() > before.len() {
            ctx.ui.warn(&format!(
                "{}: not written: the edit adds lint errors: {}",
                path.display(),
                after.join("; ")
            ));
            code = EXIT_REPORT;
            continue;
        }
        upgrades::write_atomic(path, new).map_err(|e| Error::io("write", path, e))?;
        ctx.ui.status(&format!(
            "wrote {} (lint: {} error(s))",
            path.display(),
            after.len()
        ));
    }
    if planned.is_empty() {
        ctx.ui.status("nothing to write");
    }
    Ok(code)
}

fn lint_errors(text: &str, path: &std::path::Path, allowed: &[String]) -> Vec<String> {
    let Ok(ms) = manifest::from_text(text, path) else {
        return vec![format!("{}: does not parse", path.display())];
    };
    let objects: Vec<_> = ms.iter().map(|m| m.value.clone()).collect();
    let origins: Vec<_> = ms.iter().map(|m| m.origin.clone()).collect();
    let mut issues = manifest::validate::validate(&objects, &origins);
    issues.extend(manifest::lint::lint(
        &objects,
        &origins,
        &manifest::lint::LintOptions {
            allowed_kinds: allowed.to_vec(),
        },
    ));
    issues
        .into_iter()
        .filter(|i| i.level == Level::Error)
        .map(|i| format!("{} {}", i.rule, i.message))
        .collect()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "-".into())
}

/// The summary table, then per release the details and the diff.
fn table(ctx: &Ctx, reports: &[Report]) -> String {
    use crate::ui::Style;
    let mut t = crate::ui::table([
        "NAMESPACE",
        "NAME",
        "CHART",
        "CURRENT",
        "PATCH",
        "MINOR",
        "MAJOR",
        "TARGET",
        "IMPACT",
    ]);
    for r in reports {
        let style = match r.impact.as_str() {
            "breaking" | "error" => Style::Red,
            "major" => Style::Yellow,
            "none" => Style::Dim,
            _ => Style::Green,
        };
        t.add_row([
            r.namespace.clone(),
            r.name.clone(),
            r.chart.clone(),
            r.current.clone(),
            opt(&r.latest.patch),
            opt(&r.latest.minor),
            opt(&r.latest.major),
            opt(&r.target),
            ctx.ui.paint(true, style, &r.impact),
        ]);
    }
    let mut out = format!("{t}\n");
    for r in reports.iter().filter(|r| r.impact == "skipped") {
        out.push_str(&format!(
            "\n{}/{}: skipped: {}\n",
            r.namespace,
            r.name,
            r.notes.join("; ")
        ));
    }
    for r in reports.iter().filter(|r| r.target.is_some()) {
        out.push_str(&format!(
            "\n{}/{}: {} {} → {} ({})\n",
            r.namespace,
            r.name,
            r.chart,
            r.current,
            opt(&r.target),
            r.impact
        ));
        if let Some(repo) = &r.repo {
            out.push_str(&format!("  source: {} ({})\n", r.source, repo.url()));
        }
        if let Some(a) = &r.app_version {
            out.push_str(&format!(
                "  appVersion: {} → {}\n",
                opt(&a.from),
                opt(&a.to)
            ));
        }
        for i in &r.images {
            out.push_str(&format!(
                "  image {}: {} → {}\n",
                i.name,
                opt(&i.from),
                opt(&i.to)
            ));
        }
        for c in &r.changes {
            out.push_str(&format!("  change: {c}\n"));
        }
        if let Some(v) = &r.values {
            out.push_str(&format!(
                "  values.yaml: {} added, {} removed, {} renamed, {} default(s) changed\n",
                v.added.len(),
                v.removed.len(),
                v.renamed.len(),
                v.defaults_changed.len()
            ));
            for n in &v.renamed {
                out.push_str(&format!("    renamed: {} → {}\n", n.from, n.to));
            }
            for n in &v.removed {
                out.push_str(&format!("    removed: {n}\n"));
            }
        }
        if let Some(c) = &r.custom {
            for m in &c.migrated {
                out.push_str(&format!("  migrated custom value: {} → {}\n", m.from, m.to));
            }
        }
        for reason in &r.reasons {
            out.push_str(&format!(
                "  {} {reason}\n",
                ctx.ui.paint(true, Style::Red, "reason:")
            ));
        }
        for n in &r.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        for e in &r.edits {
            out.push('\n');
            out.push_str(&e.diff);
        }
    }
    out
}
