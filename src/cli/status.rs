//! `kubectl claude status`: the quick health overview.

use clap::Args;

use super::Ctx;
use super::flags::OutputFormat;
use crate::autonomy::Policy;
use crate::error::Result;
use crate::ui::Style;

/// Show a quick health overview: nodes, active problems, Flux and Argo CD sync, recommendations
///
/// Works live or on a snapshot (--snapshot DIR). Problems are the root causes `diagnose`
/// finds; run `kubectl claude diagnose` for the evidence and `kubectl claude fix` to act.
///
/// Examples:
///   kubectl claude status
///   kubectl claude status --snapshot examples/snapshots/homelab-mixed
///   kubectl claude status -o json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {
    /// How many problems and recommendations to show
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
}

fn gib(b: u64) -> String {
    format!("{:.1}Gi", b as f64 / 1073741824.0)
}

fn pct(a: u64, b: u64) -> String {
    (a * 100)
        .checked_div(b)
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "-".into())
}

pub async fn run(ctx: &Ctx, args: &StatusArgs) -> Result<u8> {
    let format = ctx.format(
        &[OutputFormat::Table, OutputFormat::Json, OutputFormat::Yaml],
        OutputFormat::Table,
    )?;
    let recipes = crate::recipes::RECIPES.to_vec();
    let (view, inv) = super::gather::gather_for(ctx, &recipes, false).await?;
    let outcome = crate::recipes::run(&recipes, &inv);
    let findings = crate::finding::link(
        outcome.findings,
        &Policy::new(ctx.config()?.autonomy.clone()),
    );
    // What `diagnose` and `serve` suppress, `status` does not count as a problem either.
    let silenced = super::gather::suppress(ctx, findings, &inv)?;
    for p in &silenced.problems {
        ctx.ui.warn(p);
    }
    let status = crate::status::build(&inv, &silenced.kept, args.limit);
    match format {
        OutputFormat::Json => ctx.ui.out(&format!(
            "{:#}\n",
            serde_json::to_value(&status).unwrap_or_default()
        ))?,
        OutputFormat::Yaml => ctx.ui.out(&crate::manifest::to_yaml(&status))?,
        _ => ctx.ui.out(&render(ctx, &status, &view.describe()))?,
    }
    Ok(0)
}

fn render(ctx: &Ctx, s: &crate::status::Status, source: &str) -> String {
    let bold = |t: &str| ctx.ui.paint(true, Style::Bold, t);
    let mut out = format!("{} ({source})\n", bold("Nodes"));
    let mut t = crate::ui::table([
        "NODE",
        "READY",
        "PRESSURE",
        "CPU REQ/ALLOC",
        "MEM REQ/ALLOC",
        "VERSION",
    ]);
    for n in &s.nodes {
        let ready = if n.ready == "Ready" {
            ctx.ui.paint(true, Style::Green, &n.ready)
        } else {
            ctx.ui.paint(true, Style::Red, &n.ready)
        };
        let ready = if n.unschedulable {
            format!("{ready},SchedulingDisabled")
        } else {
            ready
        };
        t.add_row([
            n.name.clone(),
            ready,
            if n.pressure.is_empty() {
                "-".into()
            } else {
                ctx.ui.paint(true, Style::Yellow, &n.pressure.join(","))
            },
            format!(
                "{}m/{}m ({})",
                n.cpu_requested_millis,
                n.cpu_allocatable_millis,
                pct(n.cpu_requested_millis, n.cpu_allocatable_millis)
            ),
            format!(
                "{}/{} ({})",
                gib(n.memory_requested_bytes),
                gib(n.memory_allocatable_bytes),
                pct(n.memory_requested_bytes, n.memory_allocatable_bytes)
            ),
            n.version.clone(),
        ]);
    }
    if s.nodes.is_empty() {
        // Not "healthy": nothing was seen (a snapshot without nodes, or no permission).
        out.push_str("  no nodes in view: node health was not checked\n");
    } else {
        out.push_str(&format!("{t}\n"));
    }
    out.push_str(&format!("\n{}\n", bold("Active problems")));
    if s.problems.is_empty() && s.not_checked.is_empty() {
        out.push_str("  none found\n");
    } else if s.problems.is_empty() {
        out.push_str("  none found in what could be read — not everything was checked (below)\n");
    }
    for p in &s.problems {
        let sev = match p.severity.as_str() {
            "critical" | "error" => ctx.ui.paint(true, Style::Red, &p.severity.to_uppercase()),
            "warning" => ctx
                .ui
                .paint(true, Style::Yellow, &p.severity.to_uppercase()),
            _ => p.severity.to_uppercase(),
        };
        let sym = if p.symptoms > 0 {
            format!(" (+{} symptom(s))", p.symptoms)
        } else {
            String::new()
        };
        out.push_str(&format!("  {sev} {}: {}{sym}\n", p.object, p.title));
    }
    if !s.flux.is_empty() {
        out.push_str(&format!("\n{}\n", bold("Flux")));
        let mut t = crate::ui::table([
            "KIND",
            "NAMESPACE",
            "NAME",
            "READY",
            "REASON",
            "REVISION",
            "SUSPENDED",
        ]);
        for f in &s.flux {
            t.add_row([
                f.kind.clone(),
                f.namespace.clone(),
                f.name.clone(),
                f.ready.clone(),
                f.reason.clone(),
                f.revision.clone(),
                f.suspended.to_string(),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    if !s.argocd.is_empty() {
        out.push_str(&format!("\n{}\n", bold("Argo CD")));
        let mut t = crate::ui::table(["NAMESPACE", "APPLICATION", "SYNC", "HEALTH", "REVISION"]);
        for a in &s.argocd {
            t.add_row([
                a.namespace.clone(),
                a.name.clone(),
                a.sync.clone(),
                a.health.clone(),
                a.revision.clone(),
            ]);
        }
        out.push_str(&format!("{t}\n"));
    }
    if !s.recommendations.is_empty() {
        out.push_str(&format!("\n{}\n", bold("Recommendations")));
        for r in &s.recommendations {
            out.push_str(&format!("  → {r}\n"));
        }
    }
    if !s.not_checked.is_empty() {
        out.push_str(&format!("\nNot checked: {}\n", s.not_checked.join("; ")));
    }
    out
}
