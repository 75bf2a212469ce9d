//! `kubectl claude config view|path`: the effective configuration, secrets masked.

use clap::{Args, Subcommand};
use serde_json::json;

use super::Ctx;
use crate::autonomy::Policy;
use crate::error::Result;

/// Show the effective configuration
///
/// Examples:
///   kubectl claude config view
///   kubectl claude config view -o json
///   kubectl claude config path
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub what: ConfigWhat,
}

#[derive(Debug, Subcommand)]
pub enum ConfigWhat {
    /// Print the effective config (file + environment), secrets masked, with the autonomy tiers
    View,
    /// Print where the config, cache and state files live
    Path,
}

pub async fn run(ctx: &Ctx, args: &ConfigArgs) -> Result<u8> {
    match args.what {
        ConfigWhat::Path => {
            let p = &ctx.paths;
            ctx.ui.out(&format!(
                "config: {}\ncache:  {}\naudit:  {}\nusage:  {}\nworkflows: {}\n",
                ctx.config_path().display(),
                p.cache_dir.display(),
                p.audit_dir().display(),
                p.usage_dir().display(),
                p.workflows_dir().display()
            ))?;
        }
        ConfigWhat::View => {
            let cfg = ctx.config()?;
            let unknown = crate::autonomy::unknown_names(
                cfg.autonomy
                    .safe_actions
                    .iter()
                    .chain(&cfg.autonomy.confirm_actions)
                    .chain(&cfg.autonomy.forbidden_actions),
            );
            for n in &unknown {
                ctx.ui.warn(&format!(
                    "autonomy: `{n}` matches no action verb; it has no effect"
                ));
            }
            let provider = super::model::resolve_provider_name(ctx, None, None)?;

            // A broken key setting is shown, not hidden: `config view` is where one looks.
            let key_source = match super::model::anthropic_key_source(ctx) {
                Ok(k) => k.map(|(_, src)| format!("******** (from {src})")),
                Err(e) => Some(format!("error: {e}")),
            };
            let path = ctx.config_path();
            let file_read = path.is_file();
            if !file_read {
                ctx.ui.warn(&format!(
                    "no config file at {}: showing the built-in defaults and the environment",
                    path.display()
                ));
            }
            let policy = Policy::new(cfg.autonomy.clone());
            let tiers: serde_json::Map<String, serde_json::Value> = policy
                .table()
                .into_iter()
                .map(|(v, t)| (v.to_string(), json!(t.as_str())))
                .collect();
            let view = json!({
                "file": path.display().to_string(),
                "fileRead": file_read,
                "config": cfg.masked(),
                "effective": {
                    "provider": provider,
                    "anthropicKey": key_source,
                    "anthropicBaseUrl": ctx.env.get("ANTHROPIC_BASE_URL").map(str::to_string)
                        .or_else(|| cfg.anthropic.base_url.clone())
                        .unwrap_or_else(|| crate::llm::anthropic::DEFAULT_BASE_URL.to_string()),
                    "unknownAutonomyNames": unknown,
                    "tiers": tiers,
                },
            });
            match ctx.output(&["yaml", "json"], "yaml")?.as_str() {
                "json" => ctx.ui.out(&format!("{view:#}\n"))?,
                _ => ctx.ui.out(&crate::manifest::to_yaml(&view))?,
            }
        }
    }
    Ok(0)
}
