//! The generate pipeline, the same for every provider:
//! instructions → (lock | cache | provider) → extraction → namespace defaulting → validation
//! → lint/deny → output. Engines never print: notes come back in [`Outcome`].

pub mod cache;
pub mod extract;
pub mod input;
pub mod layout;
pub mod lock;
pub mod offline;
pub mod prompt;
pub mod secrets;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

pub use input::Instructions;

use crate::llm::{self, Completion, Provider};
use crate::manifest::lint::{Issue, Level, LintOptions};

/// Errors of the generate pipeline.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file or text is not usable.
    #[error("{0}")]
    Input(String),
    /// The instructions contain what looks like a credential.
    #[error("the instructions look like they contain {}; instructions are sent to model providers as written and end up in generated manifests", what.join(", "))]
    SecretsInInstructions { what: Vec<String> },
    /// The offline generator could not understand some requirements (with `--strict`).
    #[error("the offline generator did not understand: {}", .0.join(" | "))]
    NotUnderstood(Vec<String>),
    /// The offline generator rendered nothing (no workload and image in the text); carries
    /// what it did not understand.
    #[error("the offline generator rendered nothing: {}", .0.join(" | "))]
    NothingRendered(Vec<String>),
    /// The result has validation errors or violates deny rules.
    #[error("the generated manifests were rejected: {}", summarize(.0))]
    Rejected(Vec<Issue>),
    /// The lock does not match the instructions (CMP locked mode).
    #[error("{0}")]
    StaleLock(String),
    /// The model call failed.
    #[error(transparent)]
    Llm(#[from] llm::Error),
    /// The model answered, but what it answered was rejected: carries the call's usage so the
    /// call log records the tokens that were spent.
    #[error("{inner}")]
    AfterCall {
        #[source]
        inner: Box<Error>,
        completion: Box<Completion>,
    },
}

fn summarize(issues: &[Issue]) -> String {
    let mut s: Vec<String> = issues
        .iter()
        .filter(|i| i.level == Level::Error)
        .take(3)
        .map(|i| format!("{}: {} ({})", i.object, i.message, i.rule))
        .collect();
    let more = issues
        .iter()
        .filter(|i| i.level == Level::Error)
        .count()
        .saturating_sub(3);
    if more > 0 {
        s.push(format!("and {more} more"));
    }
    s.join("; ")
}

impl Error {
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::SecretsInInstructions { .. } => vec![
                "reference a Secret by name instead of pasting its value, or pass --allow-secrets if this is intended".into(),
            ],
            // Only --strict fails on what was not understood, so only this hint names it.
            Error::NotUnderstood(_) => vec![
                "rephrase those requirements, or drop --strict to render the rest anyway; a model provider understands more: --provider anthropic".into(),
            ],
            Error::NothingRendered(_) => vec![
                "name what to run, e.g. \"Deploy nginx\" or \"Image: myorg/app:1.0\"; or use a model provider (set ANTHROPIC_API_KEY)".into(),
            ],
            Error::Rejected(_) => vec![
                "run again with --no-cache to regenerate, or fix the instructions; `kubectl claude lint` shows every issue".into(),
            ],
            Error::StaleLock(_) => vec!["run `kubectl claude generate --lock` and commit the lock".into()],
            Error::Llm(e) => e.hints(),
            Error::AfterCall { inner, .. } => inner.hints(),
            Error::Input(_) => vec![],
        }
    }
}

/// Where manifests come from.
#[derive(Debug, Clone)]
pub enum Backend {
    Offline,
    Model(Provider),
}

impl Backend {
    pub fn name(&self) -> &str {
        match self {
            Backend::Offline => "offline",
            Backend::Model(p) => p.name(),
        }
    }
    pub fn model(&self) -> &str {
        match self {
            Backend::Offline => offline::OFFLINE_GENERATOR_VERSION,
            Backend::Model(p) => p.model(),
        }
    }
}

/// One generation request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// Instructions after parameter substitution.
    pub instructions: &'a str,
    pub params: &'a BTreeMap<String, String>,
    /// The namespace asked for (`-n`, the file, a CMP parameter): part of the prompt and key.
    pub namespace: Option<&'a str>,
    /// Applied to namespaced objects without one after generation, and not part of the key
    /// (the CMP's destination namespace), so a lock made without it still matches.
    pub default_namespace: Option<&'a str>,
    pub app_name: &'a str,
    pub backend: &'a Backend,
    /// `None` bypasses the cache.
    pub cache: Option<&'a cache::Cache>,
    /// A lock to use when it matches.
    pub lock: Option<&'a lock::Lock>,
    pub allow_secrets: bool,
    pub strict: bool,
    pub max_tokens: u32,
    pub lint: &'a LintOptions,
    /// The time, RFC 3339 (cache entries record it).
    pub now: &'a str,
}

/// Where the manifests came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Lock,
    CacheHit,
    Generated,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Lock => "lock",
            Source::CacheHit => "hit",
            Source::Generated => "miss",
        }
    }
}

/// The result of a successful run.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub objects: Vec<Value>,
    pub source: Source,
    pub key: String,
    /// Values the offline generator chose without being asked.
    pub defaults: Vec<String>,
    /// Requirements the offline generator did not understand.
    pub not_understood: Vec<String>,
    /// Lint warnings and infos (errors reject the run).
    pub issues: Vec<Issue>,
    pub completion: Option<Completion>,
    pub duration: Duration,
    pub prompt_sha256: String,
}

/// The sha256 of the prompt a request sends (what the call log records instead of the prompt).
pub fn prompt_sha256(req: &Request<'_>) -> String {
    let p = prompt::build(req.instructions, req.params, req.namespace, req.max_tokens);
    p.sha256()
}

/// The cache key for a request.
pub fn key_for(req: &Request<'_>, provider: &str, model: &str) -> String {
    cache::key(&cache::KeyInput {
        provider,
        model,
        prompt_version: prompt::PROMPT_VERSION,
        instructions: req.instructions,
        params: req.params,
        namespace: req.namespace,
    })
}

/// True when the lock was generated for exactly these instructions.
pub fn lock_matches(req: &Request<'_>, l: &lock::Lock) -> bool {
    l.prompt_version == prompt::PROMPT_VERSION && key_for(req, &l.provider, &l.model) == l.key
}

/// Runs the pipeline.
pub async fn run(req: &Request<'_>) -> Result<Outcome, Error> {
    let started = Instant::now();
    if !req.allow_secrets {
        let found = secrets::scan(req.instructions);
        if !found.is_empty() {
            return Err(Error::SecretsInInstructions {
                what: found
                    .iter()
                    .map(|s| format!("{} (line {})", s.what, s.line))
                    .collect(),
            });
        }
    }
    let prompt = prompt::build(req.instructions, req.params, req.namespace, req.max_tokens);
    let prompt_sha256 = prompt.sha256();
    let key = key_for(req, req.backend.name(), req.backend.model());
    let mut defaults = Vec::new();
    let mut not_understood = Vec::new();
    let mut completion = None;
    let locked = req.lock.filter(|l| lock_matches(req, l));
    // Single flight: concurrent renders of one key wait for one model call, then hit.
    let _flight = match (locked, req.cache, req.backend) {
        (None, Some(c), Backend::Model(_)) if c.get(&key).is_none() => {
            Some(c.single_flight(&key, cache::WAIT_FOR_FLIGHT).await)
        }
        _ => None,
    };
    let (objects, source) = if let Some(l) = locked {
        (l.manifests.clone(), Source::Lock)
    } else if let Some(e) = req.cache.and_then(|c| c.get(&key)) {
        defaults = e.defaults;
        not_understood = e.not_understood;
        (e.objects, Source::CacheHit)
    } else {
        let objects = match req.backend {
            Backend::Offline => {
                let out = offline::generate(&offline::OfflineRequest {
                    instructions: req.instructions,
                    namespace: req.namespace,
                    app_name: Some(req.app_name),
                });
                defaults = out.defaults;
                not_understood = out.not_understood;
                if out.objects.is_empty() {
                    let mut what = vec!["no workload image is named".to_string()];
                    if !not_understood.is_empty() {
                        what.push(format!("not understood: {}", not_understood.join("; ")));
                    }
                    return Err(Error::NothingRendered(what));
                }
                out.objects
            }
            Backend::Model(p) => {
                let c = p.complete(&prompt).await?;
                match extract::objects(&c.text) {
                    Ok(objs) => {
                        completion = Some(c);
                        objs
                    }
                    Err(e) => {
                        return Err(Error::AfterCall {
                            inner: Box::new(e.into()),
                            completion: Box::new(c),
                        });
                    }
                }
            }
        };
        (objects, Source::Generated)
    };
    if req.strict && !not_understood.is_empty() {
        return Err(Error::NotUnderstood(not_understood));
    }
    // What the key covers (the asked-for namespace) is what gets cached; the default
    // namespace is applied afterwards, so one app's namespace never leaks into another's.
    let keyed = finish(objects, req.namespace);
    let objects = finish(keyed.clone(), req.default_namespace);
    let origins: Vec<String> = (1..=objects.len())
        .map(|i| format!("{}#{i}", source.as_str()))
        .collect();
    let mut issues = crate::manifest::validate::validate(&objects, &origins);
    issues.extend(crate::manifest::lint::lint(&objects, &origins, req.lint));
    for i in &mut issues {
        i.origin = None;
    }
    if issues.iter().any(|i| i.level == Level::Error) {
        return Err(match completion {
            Some(c) => Error::AfterCall {
                inner: Box::new(Error::Rejected(issues)),
                completion: Box::new(c),
            },
            None => Error::Rejected(issues),
        });
    }
    if source == Source::Generated
        && let Some(c) = req.cache
    {
        // A cache write failure costs a model call next time, never correctness.
        let _ = c.put(&cache::Entry {
            v: 1,
            key: key.clone(),
            provider: req.backend.name().to_string(),
            model: req.backend.model().to_string(),
            created: req.now.to_string(),
            objects: keyed,
            defaults: defaults.clone(),
            not_understood: not_understood.clone(),
        });
    }
    Ok(Outcome {
        objects,
        source,
        key,
        defaults,
        not_understood,
        issues,
        completion,
        duration: started.elapsed(),
        prompt_sha256,
    })
}

/// Kinds that never take a namespace.
pub fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "PersistentVolume"
            | "StorageClass"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "IngressClass"
            | "GatewayClass"
            | "PriorityClass"
            | "RuntimeClass"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
            | "APIService"
            | "ClusterIssuer"
    )
}

/// Sets the default namespace on namespaced objects that have none.
fn finish(mut objects: Vec<Value>, namespace: Option<&str>) -> Vec<Value> {
    let Some(ns) = namespace else { return objects };
    for o in &mut objects {
        let kind = o
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if is_cluster_scoped(&kind) {
            continue;
        }
        if let Some(meta) = o.get_mut("metadata").and_then(Value::as_object_mut)
            && meta
                .get("namespace")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        {
            meta.insert("namespace".into(), Value::String(ns.to_string()));
        }
    }
    objects
}
