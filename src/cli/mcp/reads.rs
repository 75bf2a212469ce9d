//! The read tools: diagnose, status, list, get, describe, events, lint, workflow_list,
//! audit, diff and generate — the `-o json` documents of the matching commands, every result
//! scrubbed before it leaves the process.

use super::*;

pub(super) async fn diagnose(ctx: &Ctx, a: &DiagnoseIn) -> Result<Value> {
    let chosen: Vec<&dyn crate::recipes::Recipe> = if a.recipes.is_empty() {
        crate::recipes::RECIPES.to_vec()
    } else {
        let mut v = Vec::new();
        for id in &a.recipes {
            v.push(crate::recipes::by_id(id).ok_or_else(|| {
                Error::usage_hint(
                    format!("unknown recipe `{id}`"),
                    "kubectl claude diagnose --list names the recipes",
                )
            })?);
        }
        v
    };
    let min = match a.severity.as_deref() {
        None => None,
        Some(s) => Some(
            serde_json::from_value::<crate::finding::Severity>(json!(s)).map_err(|_| {
                Error::usage(format!(
                    "severity `{s}` is not one of info, warning, error, critical"
                ))
            })?,
        ),
    };
    let (_view, inv) = crate::cli::gather::gather_for(ctx, &chosen, true).await?;
    let outcome = crate::recipes::run(&chosen, &inv);
    let findings = crate::finding::link(outcome.findings, &crate::cli::gate_ui::policy(ctx)?);
    // The same suppression as `diagnose` and `serve` (ignore files, annotations).
    let silenced = crate::cli::gather::suppress(ctx, findings, &inv)?;
    let findings = silenced.kept;
    let mut fs = serde_json::to_value(&findings).unwrap_or_default();
    if let Some(arr) = fs.as_array_mut() {
        // Symptoms folded under their root cause (`caused_by` indexes the unfiltered list).
        let mut folded = vec![0usize; arr.len()];
        for f in arr.iter() {
            if let Some(j) = f["caused_by"]
                .as_u64()
                .and_then(|j| usize::try_from(j).ok())
                && j < folded.len()
            {
                folded[j] += 1;
            }
        }
        for (f, n) in arr.iter_mut().zip(&folded) {
            if let Some(o) = f.as_object_mut() {
                o.remove("recipe");
                if let Some(Value::Array(ev)) = o.get_mut("evidence") {
                    ev.truncate(EVIDENCE);
                }
                if !a.show_symptoms && *n > 0 {
                    o.insert("symptoms_folded".into(), json!(n));
                }
            }
        }
        arr.retain(|f| {
            (a.show_symptoms || f["caused_by"].is_null())
                && min.is_none_or(|min| {
                    serde_json::from_value::<crate::finding::Severity>(f["severity"].clone())
                        .is_ok_and(|s| s.rank() >= min.rank())
                })
        });
    }
    let suppressed: Vec<Value> = silenced
        .suppressed
        .iter()
        .map(|x| json!({"id": x.finding.id, "object": x.finding.object, "reason": x.reason}))
        .collect();
    let mut doc = json!({"v": 1, "findings": fs, "skipped": outcome.skipped,
        "recipes": outcome.ran, "suppressed": suppressed});
    scrub(&mut doc);
    Ok(doc)
}

pub(super) async fn status(ctx: &Ctx) -> Result<Value> {
    let recipes = crate::recipes::RECIPES.to_vec();
    let (_view, inv) = crate::cli::gather::gather_for(ctx, &recipes, false).await?;
    let outcome = crate::recipes::run(&recipes, &inv);
    let findings = crate::finding::link(outcome.findings, &crate::cli::gate_ui::policy(ctx)?);
    let findings = crate::cli::gather::suppress(ctx, findings, &inv)?.kept;
    let mut v = serde_json::to_value(crate::status::build(&inv, &findings, 10)).unwrap_or_default();
    scrub(&mut v);
    Ok(v)
}

pub(super) fn kind_of(name: &str) -> Result<&'static crate::cluster::kinds::KindInfo> {
    crate::cluster::kinds::lookup(name).ok_or_else(|| {
        Error::usage_hint(
            format!("unknown kind `{name}`"),
            "use a built-in kind or a kubectl short name (pods, deploy, hr, ks, app…)",
        )
    })
}

pub(super) async fn gather_kinds(
    ctx: &Ctx,
    kinds: &[&str],
    ns: Option<String>,
) -> Result<crate::cluster::Inventory> {
    let view = crate::cli::cluster_view(ctx).await?;
    let scope = ns
        .map(crate::cluster::Scope::namespace)
        .unwrap_or_else(crate::cluster::Scope::all);
    Ok(view
        .gather(kinds, &scope, false, &crate::cluster::NoProgress)
        .await?)
}

pub(super) async fn list(ctx: &Ctx, a: &ListIn) -> Result<Value> {
    let info = kind_of(&a.kind)?;
    let inv = gather_kinds(ctx, &[info.kind], ctx.global.namespace.clone()).await?;
    let all: Vec<_> = inv.of_kind(info.kind).collect();
    let total = all.len();
    let items: Vec<Value> = all
        .iter()
        .skip(a.offset)
        .take(PAGE)
        .map(|o| {
            let ready = o.condition("Ready").map(|c| c.status.clone());
            json!({"name": o.name(), "namespace": o.namespace(), "ready": ready})
        })
        .collect();
    let next = (a.offset + PAGE < total).then_some(a.offset + PAGE);
    Ok(
        json!({"v": 1, "kind": info.kind, "total": total, "offset": a.offset, "items": items, "next_offset": next}),
    )
}

/// `KIND/NAME` of a read: the kind and name, and the namespace for a namespaced kind.
pub(super) fn read_target<'a>(
    ctx: &Ctx,
    target: &'a str,
) -> Result<(
    &'static crate::cluster::kinds::KindInfo,
    &'a str,
    Option<String>,
)> {
    let (kind, name) = target.split_once('/').ok_or_else(|| {
        Error::usage_hint(
            format!("`{target}` is not KIND/NAME"),
            "e.g. deploy/jellyfin",
        )
    })?;
    let info = kind_of(kind)?;
    let ns = info.namespaced.then(|| {
        ctx.global
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into())
    });
    Ok((info, name, ns))
}

/// The object named by a read, scrubbed, or the CLI's "not found".
pub(super) fn found_object(
    inv: &crate::cluster::Inventory,
    info: &crate::cluster::kinds::KindInfo,
    ns: Option<&str>,
    name: &str,
) -> Result<Value> {
    let obj = inv.get(info.kind, ns, name).ok_or_else(|| {
        Error::usage_hint(
            format!(
                "{} {name} not found{}",
                info.kind,
                ns.map(|n| format!(" in namespace {n}")).unwrap_or_default()
            ),
            "the `list` tool shows what exists",
        )
    })?;
    let mut v = obj.value().clone();
    scrub(&mut v);
    Ok(v)
}

/// The last 20 events about one object, newest last, and how many there were.
pub(super) fn events_about(
    inv: &crate::cluster::Inventory,
    kind: &str,
    name: &str,
) -> (usize, Vec<Value>) {
    let mut evs: Vec<Value> = inv
        .of_kind("Event")
        .filter(|e| {
            e.str_at("/involvedObject/kind") == Some(kind)
                && e.str_at("/involvedObject/name") == Some(name)
        })
        .map(|e| {
            json!({"type": e.str_at("/type"), "reason": e.str_at("/reason"),
                "message": e.str_at("/message").map(crate::redact::redact),
                "count": e.i64_at("/count"), "last": e.str_at("/lastTimestamp")})
        })
        .collect();
    let total = evs.len();
    if total > 20 {
        evs.drain(..total - 20);
    }
    (total, evs)
}

pub(super) async fn get(ctx: &Ctx, a: &GetIn, events: bool) -> Result<Value> {
    let (info, name, ns) = read_target(ctx, &a.target)?;
    let mut kinds = vec![info.kind];
    if events {
        kinds.push("Event");
    }
    let inv = gather_kinds(ctx, &kinds, ns.clone()).await?;
    if events {
        let (total, evs) = events_about(&inv, info.kind, name);
        return Ok(json!({"v": 1, "target": a.target, "total": total, "events": evs}));
    }
    found_object(&inv, info, ns.as_deref(), name)
}

/// `describe`: the object and the events about it, from one read of the cluster.
pub(super) async fn describe(ctx: &Ctx, a: &GetIn) -> Result<Value> {
    let (info, name, ns) = read_target(ctx, &a.target)?;
    let inv = gather_kinds(ctx, &[info.kind, "Event"], ns.clone()).await?;
    let object = found_object(&inv, info, ns.as_deref(), name)?;
    let (total, events) = events_about(&inv, info.kind, name);
    Ok(json!({"v": 1, "target": a.target, "object": object,
        "events_total": total, "events": events}))
}

pub(super) fn lint(ctx: &Ctx, a: &LintIn) -> Result<Value> {
    use crate::manifest::lint::{Level, LintOptions};
    let manifests = crate::manifest::from_text(&a.manifests, std::path::Path::new("<manifests>"))?;
    if manifests.is_empty() {
        return Err(crate::manifest::Error::Empty {
            what: "the manifests argument".into(),
        }
        .into());
    }
    let objects: Vec<_> = manifests.iter().map(|m| m.value.clone()).collect();
    let origins: Vec<_> = manifests.iter().map(|m| m.origin.clone()).collect();
    let mut issues = crate::manifest::validate::validate(&objects, &origins);
    issues.extend(crate::manifest::lint::lint(
        &objects,
        &origins,
        &LintOptions {
            allowed_kinds: ctx.config()?.allowed_kinds.clone(),
        },
    ));
    issues.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then_with(|| a.origin.cmp(&b.origin))
            .then_with(|| a.rule.cmp(b.rule))
    });
    let errors = issues.iter().filter(|i| i.level == Level::Error).count();
    let warnings = issues.iter().filter(|i| i.level == Level::Warning).count();
    let mut v = json!({"v": 1, "objects": objects.len(), "errors": errors, "warnings": warnings, "issues": issues});
    scrub(&mut v);
    Ok(v)
}

pub(super) fn workflow_list(ctx: &Ctx) -> Result<Value> {
    let all = crate::workflow::list(&ctx.paths.workflows_dir())
        .map_err(|e| Error::usage(e.to_string()))?;
    let rows: Vec<Value> = all
        .iter()
        .map(|l| {
            let desc = crate::workflow::parse(&l.text, std::path::Path::new(&l.source))
                .map(|w| w.description)
                .unwrap_or_else(|e| format!("(invalid: {e})"));
            json!({"name": l.name, "source": l.source, "description": desc})
        })
        .collect();
    Ok(json!({"v": 1, "workflows": rows}))
}

pub(super) fn audit(ctx: &Ctx, a: &AuditIn) -> Result<Value> {
    use crate::audit::Phase;
    let dir = ctx.paths.audit_dir();
    let (records, unreadable) =
        crate::audit::read_report(&dir).map_err(|e| Error::io("read", &dir, e))?;
    let outcomes: std::collections::BTreeMap<&str, &crate::audit::Record> = records
        .iter()
        .filter(|r| r.phase == Phase::Outcome)
        .map(|r| (r.id.as_str(), r))
        .collect();
    let decisions: Vec<_> = records
        .iter()
        .filter(|r| r.phase == Phase::Decision)
        .collect();
    let limit = a.limit.unwrap_or(20);
    let skip = decisions.len().saturating_sub(limit);
    let attempts: Vec<Value> = decisions
        .iter()
        .skip(skip)
        .map(|d| crate::audit::attempt_json(d, outcomes.get(d.id.as_str()).copied()))
        .collect();
    Ok(
        json!({"v": 1, "total": decisions.len(), "attempts": attempts, "unreadable": unreadable.len()}),
    )
}

/// Masks what must never leave the process: Secret data, credential-looking values, managed
/// fields; every string through the text scrubber ([`crate::redact`]).
pub(super) fn scrub(v: &mut Value) {
    match v {
        Value::Object(m) if m.contains_key("kind") && m.contains_key("metadata") => {
            crate::cluster::snapshot::redact(v)
        }
        Value::Object(m) => m.values_mut().for_each(scrub),
        Value::Array(a) => a.iter_mut().for_each(scrub),
        Value::String(s) => *s = crate::redact::redact(s),
        _ => {}
    }
}

// ---- bounds shared with `logs`; diff and generate ----

/// Log lines returned by default, at most, and the longest line kept.
pub(super) const LOG_LINES: usize = 100;
pub(super) const LOG_LINES_MAX: usize = 1000;
pub(super) const LOG_LINE_CHARS: usize = 2000;
/// Lines of one object's diff kept in a `diff` result.
pub(super) const DIFF_LINES: usize = 200;

/// At most `n` characters of `s`, with a marker when cut.
pub(super) fn cut(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}… [cut]", &s[..i]),
        None => s.to_string(),
    }
}

pub(super) async fn diff(ctx: &Ctx, a: &DiffIn) -> Result<Value> {
    use crate::diff::{DiffOptions, DiffReport};
    let desired = crate::manifest::from_text(&a.manifests, std::path::Path::new("<manifests>"))?;
    if desired.is_empty() {
        return Err(crate::manifest::Error::Empty {
            what: "the manifests argument".into(),
        }
        .into());
    }
    let report = if let Some(dir) = &ctx.global.snapshot {
        if a.server_side || a.prune_preview {
            return Err(Error::usage_hint(
                "server_side and prune_preview ask a live cluster and this server reads a snapshot",
                "leave them out, or start the server without --snapshot",
            ));
        }
        let snap = crate::cluster::snapshot::SnapshotCluster::load(dir)?;
        let default_ns = ctx
            .global
            .namespace
            .clone()
            .unwrap_or_else(|| "default".into());
        let mut report = DiffReport::default();
        report.warnings.push(format!(
            "compared with the snapshot {}, not a live cluster",
            dir.display()
        ));
        for m in &desired {
            let o = m.obj();
            if o.kind().is_empty() || o.name().is_empty() || o.api_version().is_empty() {
                report.warnings.push(format!(
                    "{}: skipped: apiVersion, kind and metadata.name are required",
                    m.origin
                ));
                continue;
            }
            let namespaced = crate::cluster::kinds::lookup(o.kind())
                .map_or(o.namespace().is_some(), |i| i.namespaced);
            let ns = namespaced.then(|| o.namespace().unwrap_or(&default_ns).to_string());
            let r = crate::object::ObjRef::new(o.api_version(), o.kind(), ns.as_deref(), o.name());
            let current = snap.inventory().get_ref(&r).map(|x| x.value().clone());
            report
                .objects
                .push(crate::diff::diff_pair(r, &m.value, current.as_ref()));
        }
        report
    } else {
        let live = crate::cli::cluster_view::live_cluster(ctx).await?;
        let opts = DiffOptions {
            server_side: a.server_side,
            prune_preview: a.prune_preview,
        };
        crate::diff::diff_objects(&live, &desired, &opts).await?
    };
    let mut v = report.to_json();
    v["differs"] = json!(report.has_differences());
    for o in v["objects"].as_array_mut().into_iter().flatten() {
        let Some(d) = o["diff"].as_str() else {
            continue;
        };
        let n = d.lines().count();
        if n > DIFF_LINES {
            let kept: Vec<&str> = d.lines().take(DIFF_LINES).collect();
            o["diff"] = json!(format!("{}\n", kept.join("\n")));
            o["diff_lines_cut"] = json!(n - DIFF_LINES);
        }
    }
    scrub(&mut v);
    Ok(v)
}

pub(super) async fn generate(ctx: &Ctx, a: &GenerateIn) -> Result<Value> {
    if a.instructions.trim().is_empty() {
        return Err(Error::usage_hint(
            "the instructions are empty",
            "say what to deploy, e.g. \"nginx with 2 replicas and a LoadBalancer service\"",
        ));
    }
    let instructions = crate::generate::Instructions::from_text(&a.instructions, None);
    let args = crate::cli::instructions::PrepareArgs {
        provider: a
            .provider
            .as_deref()
            .map(crate::cli::model::parse_provider)
            .transpose()?,
        model: a.model.clone(),
        set: a.set.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        ..Default::default()
    };
    // The front-end resolves the provider (flag, config, key → anthropic, else offline).
    let prepared = crate::cli::instructions::prepare(ctx, instructions, &args)?;
    let app = prepared.instructions.app_name();
    let cache = crate::generate::cache::Cache::new(&ctx.paths.cache_dir);
    let now = ctx.env.now().to_string();
    let max_tokens = ctx.config()?.anthropic.max_tokens.unwrap_or(8192);
    // Instructions that look like they hold credentials are refused, never sent.
    let req = prepared.request(Some(&cache), false, false, max_tokens, &now, &app);
    let started = std::time::Instant::now();
    let meta = crate::cli::model::CallMeta {
        provider: prepared.backend.name(),
        model: prepared.backend.model(),
        app: &app,
    };
    let outcome = match crate::generate::run(&req).await {
        Ok(o) => {
            crate::cli::model::log_call(
                ctx,
                &meta,
                o.source.as_str(),
                "ok",
                o.completion.as_ref(),
                &o.prompt_sha256,
                o.duration,
            );
            o
        }
        Err(e) => {
            if matches!(prepared.backend, crate::generate::Backend::Model(_)) {
                let short: String = e.to_string().chars().take(120).collect();
                let spent = match &e {
                    crate::generate::Error::AfterCall { completion, .. } => {
                        Some(completion.as_ref())
                    }
                    _ => None,
                };
                let sha = crate::generate::prompt_sha256(&req);
                crate::cli::model::log_call(
                    ctx,
                    &meta,
                    "miss",
                    &format!("error: {short}"),
                    spent,
                    &sha,
                    started.elapsed(),
                );
            }
            return Err(e.into());
        }
    };
    let mut v = json!({"apiVersion": "v1", "kind": "List", "items": outcome.objects,
        "generation": {"provider": prepared.backend.name(), "model": prepared.backend.model(),
            "source": outcome.source.as_str(), "defaults": outcome.defaults,
            "not_understood": outcome.not_understood, "issues": outcome.issues}});
    scrub(&mut v);
    Ok(v)
}
