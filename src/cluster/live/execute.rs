//! The executor: carries out a typed [`Action`] on the live cluster by sending the writes of
//! its [`plan`] (the writes the preview showed) and doing its reads. The autonomy gate has
//! already decided by the time anything here runs.
//!
//! A child of `live`, so it uses the client's discovery and request primitives without
//! widening their visibility; it builds no request body of its own.

use http::Method;
use serde_json::{Value, json};

use super::super::{Error, ObjRef, kinds};
use super::LiveCluster;
use crate::action::Action;
use crate::plan::{self, Plan};

impl LiveCluster {
    /// What the object would look like after `kubectl apply --server-side` (dry run; nothing
    /// is stored). The object must carry apiVersion, kind and metadata.name.
    pub async fn server_side_apply_dry_run(&self, obj: &Value) -> Result<Value, Error> {
        self.apply(obj, true).await
    }

    async fn apply(&self, obj: &Value, dry_run: bool) -> Result<Value, Error> {
        self.send(&plan::Write::apply(obj), dry_run).await
    }

    /// Sends one planned write: the path from discovery, everything else from the plan.
    /// `dry_run` asks the server to change nothing (`dryRun=All`), for previews.
    async fn send(&self, w: &plan::Write, dry_run: bool) -> Result<Value, Error> {
        let r = &w.target;
        let res = self.res_for(&r.api_version, &r.kind).await?;
        let mut path = res.object(self.ns_for(&res, r.namespace.as_deref()), &r.name);
        if let Some(s) = w.subresource {
            path.push('/');
            path.push_str(s.as_str());
        }
        let mut query = w.query().to_vec();
        if dry_run {
            query.insert(0, ("dryRun", "All"));
        }
        let method = match w.method() {
            plan::Method::Patch => Method::PATCH,
            plan::Method::Delete => Method::DELETE,
        };
        // A JSON value always encodes; its text is the body (JSON is YAML, for apply).
        let body = w
            .content_type()
            .zip(w.body())
            .map(|(ct, b)| (ct, b.to_string().into_bytes()));
        self.call(method, &path, &query, body)
            .await
            .map_err(|e| self.classify(&w.describe(), e))
    }

    fn timestamp(&self) -> String {
        let now = self.now.unwrap_or_else(jiff::Timestamp::now);
        now.to_string()
    }

    async fn require(&self, r: &ObjRef) -> Result<Value, Error> {
        self.get(r).await?.ok_or_else(|| Error::Api {
            what: format!("get {}", r.display()),
            message: "not found".into(),
        })
    }

    // ------------------------------------------------------------------ executing

    /// Executes one action and returns the server's object (reads return what they read;
    /// several writes return the last). The writes are [`plan::plan`]'s, the ones the
    /// preview showed. The autonomy gate has already decided; forbidden verbs still have no
    /// HTTP path here, as defence in depth.
    pub async fn execute(&self, action: &Action) -> Result<Value, Error> {
        let unsupported = |why: &str| Error::Api {
            what: format!("{} {}", action.verb(), action.target_display()),
            message: format!("{why}; run it by hand: {}", action.manual_command()),
        };
        let object = match action.target() {
            Some(t) if plan::needs_object(action) => Some(self.require(t).await?),
            _ => None,
        };
        let planned =
            plan::plan(action, object.as_ref(), &self.timestamp()).map_err(|e| Error::Api {
                what: format!("{} {}", action.verb(), action.target_display()),
                message: e.to_string(),
            })?;
        match planned {
            Plan::Read(plan::Read::Object(target)) => self.require(&target).await,
            Plan::Read(plan::Read::Logs {
                target,
                container,
                previous,
            }) => {
                let ns = target.namespace.as_deref().unwrap_or(&self.namespace);
                let c = match container {
                    Some(c) => c,
                    None => {
                        let pod = self.require(&target).await?;
                        super::super::Obj(&pod)
                            .str_at("/spec/containers/0/name")
                            .unwrap_or_default()
                            .to_string()
                    }
                };
                let t = self.container_log(ns, &target.name, &c, previous).await?;
                Ok(Value::String(t))
            }
            Plan::Read(plan::Read::List { kind, namespace }) => {
                let info = kinds::lookup(&kind).ok_or_else(|| unsupported("unknown kind"))?;
                let res = self
                    .resolve_kind(info)
                    .await?
                    .ok_or_else(|| unsupported("the server does not serve this kind"))?;
                let items = self
                    .list_all(&res, namespace.as_deref())
                    .await
                    .map_err(|e| self.classify(&format!("list {}", res.plural), e))?;
                Ok(json!({"apiVersion": "v1", "kind": "List", "items": items}))
            }
            Plan::Exec(step) => self.run_exec(&step).await,
            Plan::Unsupported(why) => Err(unsupported(why)),
            Plan::Forbidden => Err(forbidden(action)),
            Plan::Write(writes) => {
                let mut last = Value::Null;
                for w in &writes {
                    if let Some(g) = w.guard {
                        g.check(object.as_ref()).map_err(|why| Error::Api {
                            what: g.what(&w.target),
                            message: why.into(),
                        })?;
                    }
                    last = self.send(w, false).await?;
                }
                Ok(last)
            }
        }
    }
}

impl LiveCluster {
    /// Runs a planned exec: the container resolved against the pod as read (as kubectl
    /// does), the argv sent as planned. A non-zero exit or a server-side failure is an
    /// error that still carries the output, so the audit log records what happened.
    async fn run_exec(&self, step: &plan::ExecStep) -> Result<Value, Error> {
        let pod = self.require(&step.target).await?;
        let what = format!("exec in {}", step.target.display());
        let container = step.container_in(&pod).ok_or_else(|| Error::Api {
            what: what.clone(),
            message: "the pod has no containers".into(),
        })?;
        let ns = step.target.namespace.as_deref().unwrap_or(&self.namespace);
        // Bounded by the action's own budget when it carries one (a TargetApp's
        // ACTION_EXECUTION_TIMEOUT, also after a wait in the approval queue), else by the
        // client's --request-timeout.
        let out = self
            .exec_in_pod(
                ns,
                &step.target.name,
                &container,
                &step.command,
                step.timeout,
            )
            .await?;
        // An ExecOutput is plain strings and numbers: it always encodes.
        let value = serde_json::to_value(&out).unwrap_or(Value::Null);
        if out.succeeded() {
            return Ok(value);
        }
        let mut message = match (out.exit_code, &out.failure) {
            (Some(c), _) => format!("the command exited with code {c}"),
            (None, Some(f)) => f.clone(),
            (None, None) => "the command failed".into(),
        };
        if let Some(line) = stderr_tail(&out.stderr) {
            message.push_str(&format!("; stderr: {line}"));
        }
        // The message becomes the audit outcome's `error`, an approval request's status and
        // a log line: what the command printed is masked like its output summary.
        let message = crate::redact::redact(&message);
        Err(Error::ExecFailed {
            what: format!("{what} (container {container})"),
            message,
            output: Box::new(value),
        })
    }
}

/// The last non-empty stderr line for an error message: masked, then cut to 200 bytes (masked
/// first: a credential cut in half no longer looks like one).
fn stderr_tail(stderr: &str) -> Option<String> {
    let line = stderr.lines().rev().find(|l| !l.trim().is_empty())?;
    Some(clip(&crate::redact::redact(super::first_line(line)), 200))
}

/// `s` cut to at most `max` bytes on a character boundary, with `…` when cut.
fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn forbidden(action: &Action) -> Error {
    Error::Api {
        what: format!("{} {}", action.verb(), action.target_display()),
        message: "forbidden: this verb is never executed by kubectl-claude".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stderr_tail_is_masked_before_it_is_cut() {
        // A token straddling byte 200: cut first, its head would no longer look like one.
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsImlhdCI6MTcwMDAwMDAwMH0.c2lnbmF0dXJlc2lnbmF0dXJl";
        let line = format!("{} rejected credential {token}", "x".repeat(170));
        let tail = stderr_tail(&format!("first\n{line}\n\n")).unwrap();
        assert!(!tail.contains("eyJhbGci"), "{tail}");
        assert!(tail.len() <= 200 + '…'.len_utf8(), "{}", tail.len());
        assert_eq!(stderr_tail(" \n"), None);
        assert_eq!(clip("héllo", 2), "h…");
    }
}
