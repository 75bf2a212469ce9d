//! `kubectl claude targetapp list | status NAME`: the TargetApps (`operator.kco.local`) the
//! operator inside `serve` monitors — phase, pods, last poll, the Ready condition — and one
//! TargetApp's status in full (pods with their last poll outcome, the bounded last state).
//! Reads only.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::Ctx;
use super::flags::OutputFormat;
use crate::error::{EXIT_OK, Error, Result};
use crate::targetapp as ta;

/// List TargetApps or show one's status (the operator inside `kubectl claude serve`)
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
  kubectl claude targetapp list -A\n  \
  kubectl claude targetapp status my-application -n default\n  \
  kubectl claude targetapp status my-application -o yaml")]
pub struct TargetAppArgs {
    #[command(subcommand)]
    pub command: TargetAppCommand,
}

#[derive(Debug, Subcommand)]
pub enum TargetAppCommand {
    /// List TargetApps with their phase, pods monitored, last poll and Ready reason
    List,
    /// Show one TargetApp's status: conditions, each pod's last poll, the last state
    Status { name: String },
}

fn s<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or("")
}

fn ready(o: &Value) -> Value {
    o.pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|c| c.iter().find(|c| c["type"] == "Ready"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// The `-o json` row of one TargetApp (`targetapp list`'s items; `status` adds the rest).
fn row(o: &Value) -> Value {
    let r = ready(o);
    json!({
        "namespace": s(o, "/metadata/namespace"),
        "name": s(o, "/metadata/name"),
        "phase": o.pointer("/status/phase").cloned().unwrap_or(json!("Unknown")),
        "podsMonitored": o.pointer("/status/podsMonitored").cloned().unwrap_or(json!(0)),
        "lastPollTime": o.pointer("/status/lastPollTime"),
        "reason": r.get("reason"),
        "message": r.get("message"),
        "endpoint": o.pointer("/spec/graphqlEndpoint"),
        "actions": o.pointer("/spec/actions").and_then(Value::as_array).map(|a| a.len()).unwrap_or(0),
    })
}

async fn get(client: &kube::Client, path: &str, what: &str) -> Result<Value> {
    let (code, v) = crate::serve::api::request(client, http::Method::GET, path, None)
        .await
        .map_err(|e| Error::usage(format!("targetapp: {e}")))?;
    match code {
        200 => Ok(v),
        404 => Err(Error::usage_hint(
            format!("targetapp: {what} not found"),
            "check the name and -n; is the TargetApp CRD installed (kubectl apply -k deploy/base)?",
        )),
        c => Err(Error::usage(format!(
            "targetapp: GET {path}: HTTP {c}: {}",
            v["message"].as_str().unwrap_or("")
        ))),
    }
}

pub async fn run(ctx: &Ctx, args: &TargetAppArgs) -> Result<u8> {
    let format = ctx.format(
        &[OutputFormat::Table, OutputFormat::Json, OutputFormat::Yaml],
        OutputFormat::Table,
    )?;
    let live = super::cluster_view::live_cluster(ctx).await?;
    let ns = ctx
        .global
        .namespace
        .clone()
        .unwrap_or_else(|| live.default_namespace().to_string());
    let client = live.client().clone();
    match &args.command {
        TargetAppCommand::List => {
            let path = if ctx.global.all_namespaces {
                format!("/apis/{}/{}/{}", ta::GROUP, ta::VERSION, ta::PLURAL)
            } else {
                format!(
                    "/apis/{}/{}/namespaces/{ns}/{}",
                    ta::GROUP,
                    ta::VERSION,
                    ta::PLURAL
                )
            };
            let list = get(&client, &path, "the TargetApp resource").await?;
            let rows: Vec<Value> = list["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(row)
                .collect();
            let doc = json!({"v": 1, "targetApps": rows});
            match format {
                OutputFormat::Json => ctx.ui.out(&format!("{doc:#}\n"))?,
                OutputFormat::Yaml => ctx.ui.out(&crate::manifest::to_yaml(&doc))?,
                _ => {
                    let mut t = crate::ui::table([
                        "NAMESPACE",
                        "NAME",
                        "PHASE",
                        "PODS",
                        "LAST POLL",
                        "REASON",
                    ]);
                    for r in &rows {
                        let txt = |k: &str| match &r[k] {
                            Value::String(s) => s.clone(),
                            Value::Null => String::new(),
                            v => v.to_string(),
                        };
                        t.add_row([
                            txt("namespace"),
                            txt("name"),
                            txt("phase"),
                            txt("podsMonitored"),
                            txt("lastPollTime"),
                            txt("reason"),
                        ]);
                    }
                    ctx.ui.out(&format!("{t}\n"))?;
                }
            }
            Ok(EXIT_OK)
        }
        TargetAppCommand::Status { name } => {
            let o = get(
                &client,
                &ta::object_path(&ns, name),
                &format!("TargetApp {ns}/{name}"),
            )
            .await?;
            let mut doc = row(&o);
            doc["v"] = json!(1);
            doc["conditions"] = o
                .pointer("/status/conditions")
                .cloned()
                .unwrap_or(json!([]));
            doc["pods"] = o.pointer("/status/pods").cloned().unwrap_or(json!([]));
            doc["lastState"] = o.pointer("/status/lastState").cloned().unwrap_or(json!([]));
            match format {
                OutputFormat::Json => ctx.ui.out(&format!("{doc:#}\n"))?,
                OutputFormat::Yaml => ctx.ui.out(&crate::manifest::to_yaml(&doc))?,
                _ => {
                    let mut out = format!(
                        "TargetApp {ns}/{name}: {}\n  endpoint:   {}\n  pods:       {}\n  last poll:  {}\n  ready:      {} {}: {}\n",
                        doc["phase"].as_str().unwrap_or("Unknown"),
                        s(&o, "/spec/graphqlEndpoint"),
                        doc["podsMonitored"],
                        doc["lastPollTime"].as_str().unwrap_or("never"),
                        s(&ready(&o), "/status"),
                        s(&ready(&o), "/reason"),
                        s(&ready(&o), "/message"),
                    );
                    let mut t =
                        crate::ui::table(["POD", "OUTCOME", "LAST POLL", "ENDPOINT", "MESSAGE"]);
                    for p in doc["pods"].as_array().into_iter().flatten() {
                        t.add_row([
                            s(p, "/name").to_string(),
                            s(p, "/lastOutcome").to_string(),
                            s(p, "/lastPollTime").to_string(),
                            s(p, "/endpoint").to_string(),
                            s(p, "/message").to_string(),
                        ]);
                    }
                    out.push_str(&format!("{t}\n"));
                    ctx.ui.out(&out)?;
                }
            }
            Ok(EXIT_OK)
        }
    }
}
