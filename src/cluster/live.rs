//! The live ClusterView: a kube client configured like kubectl, API discovery once per run,
//! paginated concurrent LISTs, bounded log tails and object reads. The executor for typed
//! actions (and the server-side-apply dry run) is the child module `execute`.
//!
//! Requests are built by hand over [`kube::Client`] (auth, TLS, retries come from kube) and
//! answered as plain JSON: the inventory keeps objects exactly as the server sent them, and a
//! patch of any type needs no typed model. Nothing here prints or reads the environment.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use http::Method;
use kube::config::KubeConfigOptions;
use serde_json::Value;

use super::kinds::{self, KindInfo};
pub use super::kubeconfig::ConnectOptions;
use super::kubeconfig::{self, Source, error_chain};
use super::{Error, Inventory, ObjRef, Progress, Scope, SkippedKind};
use crate::recipes::logs;

mod exec;
mod execute;
pub use exec::{EXEC_OUTPUT_LIMIT, ExecOutput};

/// The field manager for every write (defined with the writes, in [`crate::plan`]).
pub use crate::plan::FIELD_MANAGER;
/// LIST page size; the API server's own default chunk size in kubectl.
const PAGE_SIZE: usize = 500;
/// Concurrent requests in flight (LISTs, discovery, logs).
const CONCURRENCY: usize = 8;
/// Lines of log tail per container.
const LOG_TAIL_LINES: u32 = 200;
/// Bytes of log per container, so one chatty container cannot fill memory.
const LOG_LIMIT_BYTES: u32 = 256 * 1024;
/// At most this many containers' logs per run.
const MAX_LOG_CONTAINERS: usize = 40;

/// One resource as discovery describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRes {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
}

impl ApiRes {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    fn base(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// The collection path; `ns` is ignored for cluster-scoped kinds.
    pub fn collection(&self, ns: Option<&str>) -> String {
        match ns {
            Some(ns) if self.namespaced => {
                format!("{}/namespaces/{}/{}", self.base(), enc(ns), self.plural)
            }
            _ => format!("{}/{}", self.base(), self.plural),
        }
    }

    pub fn object(&self, ns: Option<&str>, name: &str) -> String {
        format!("{}/{}", self.collection(ns), enc(name))
    }
}

/// Groups from `/api` and `/apis`: name → (versions, preferred version).
type Groups = BTreeMap<String, (Vec<String>, String)>;

/// A connected cluster.
pub struct LiveCluster {
    client: kube::Client,
    context: String,
    server: String,
    kubeconfig: String,
    namespace: String,
    groups: tokio::sync::OnceCell<Groups>,
    /// `group/version` → its resources, fetched at most once per run.
    resources: Mutex<BTreeMap<String, Arc<Vec<ApiRes>>>>,
    /// The clock for timestamps written into annotations (tests fix it).
    now: Option<jiff::Timestamp>,
    /// Lines of log tail per container.
    log_tail: u32,
    /// The bound on one API call; `None`: unlimited.
    request_timeout: Option<Duration>,
    /// `group/version: reason` of API groups whose discovery failed and were skipped.
    skipped_groups: Mutex<Vec<String>>,
}

/// An API call that did not finish within `--request-timeout`.
#[derive(Debug, thiserror::Error)]
#[error("no answer within {}s (--request-timeout)", .0.as_secs_f64())]
pub struct RequestTimedOut(pub Duration);

impl std::fmt::Debug for LiveCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCluster")
            .field("context", &self.context)
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl LiveCluster {
    /// Builds a client from the kubeconfig (resolved like kubectl) or the in-cluster account.
    /// No request is made yet: the first one (discovery) tells whether the server answers.
    pub async fn connect(opts: ConnectOptions) -> Result<Self, Error> {
        let source = kubeconfig::resolve(&opts)?;
        let description = source.description();
        let (mut cfg, context) = match source {
            Source::InCluster => {
                let cfg = kube::Config::incluster().map_err(|e| Error::Kubeconfig {
                    source_desc: description.clone(),
                    message: error_chain(&e),
                })?;
                (cfg, "in-cluster".to_string())
            }
            Source::Files { kubeconfig, .. } => {
                let context = opts
                    .context
                    .clone()
                    .or_else(|| kubeconfig.current_context.clone())
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| Error::Kubeconfig {
                        source_desc: description.clone(),
                        message: "no current-context is set and --context was not given".into(),
                    })?;
                if !kubeconfig.contexts.iter().any(|c| c.name == context) {
                    let known: Vec<&str> = kubeconfig
                        .contexts
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect();
                    return Err(Error::Kubeconfig {
                        source_desc: description,
                        message: format!(
                            "context \"{context}\" not found (known: {})",
                            if known.is_empty() {
                                "none".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    });
                }
                let kco = KubeConfigOptions {
                    context: Some(context.clone()),
                    ..Default::default()
                };
                let cfg = kube::Config::from_custom_kubeconfig(*kubeconfig, &kco)
                    .await
                    .map_err(|e| Error::Kubeconfig {
                        source_desc: description.clone(),
                        message: error_chain(&e),
                    })?;
                (cfg, context)
            }
        };
        if let Some(ns) = &opts.namespace {
            cfg.default_namespace = ns.clone();
        }
        // kube leaves reads unbounded; a hung server must not hang the CLI forever.
        cfg.connect_timeout = Some(Duration::from_secs(10));
        cfg.read_timeout = Some(Duration::from_secs(60));
        // kube's default policy retries 429/503/504 up to 15 times with long backoff: against
        // an aggregated API that is down that is minutes per call, defeating "skip a group
        // whose discovery fails". Every call is bounded by `request_timeout` instead.
        cfg.default_retry = false;
        let request_timeout = match opts.request_timeout {
            None => Some(kubeconfig::DEFAULT_REQUEST_TIMEOUT),
            Some(d) if d.is_zero() => None,
            Some(d) => Some(d),
        };
        if let Some(d) = request_timeout {
            cfg.connect_timeout = Some(d.min(Duration::from_secs(10)));
            cfg.read_timeout = Some(d);
        }
        let server = cfg.cluster_url.to_string();
        let server = server.trim_end_matches('/').to_string();
        let namespace = cfg.default_namespace.clone();
        let client = kube::Client::try_from(cfg).map_err(|e| Error::Kubeconfig {
            source_desc: description.clone(),
            message: error_chain(&e),
        })?;
        Ok(Self {
            client,
            context,
            server,
            kubeconfig: description,
            namespace,
            groups: tokio::sync::OnceCell::new(),
            resources: Mutex::new(BTreeMap::new()),
            now: None,
            log_tail: LOG_TAIL_LINES,
            request_timeout,
            skipped_groups: Mutex::new(Vec::new()),
        })
    }

    /// API groups whose discovery failed and were skipped (`group/version: reason`), for
    /// the CLI to say so.
    pub fn skipped_groups(&self) -> Vec<String> {
        self.skipped_groups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn note_skipped_group(&self, gv: &str, e: &kube::Error) {
        let reason = match e {
            kube::Error::Api(s) => format!("{} ({})", s.message, s.code),
            other => error_chain(other),
        };
        let mut v = self
            .skipped_groups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let line = format!("{gv}: {reason}");
        if !v.contains(&line) {
            v.push(line);
        }
    }

    /// Bounds one call by `request_timeout`.
    async fn bounded<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, kube::Error>>,
    ) -> Result<T, kube::Error> {
        match self.request_timeout {
            Some(d) => tokio::time::timeout(d, fut)
                .await
                .unwrap_or_else(|_| Err(kube::Error::Service(Box::new(RequestTimedOut(d))))),
            None => fut.await,
        }
    }

    /// Fixes the clock used for `restartedAt`/`requestedAt` annotations.
    pub fn with_clock(mut self, now: jiff::Timestamp) -> Self {
        self.now = Some(now);
        self
    }

    /// Sets the lines of log tail read per container (`snapshot --log-lines`).
    pub fn with_log_tail(mut self, lines: u32) -> Self {
        self.log_tail = lines;
        self
    }

    pub fn client(&self) -> &kube::Client {
        &self.client
    }
    pub fn context(&self) -> &str {
        &self.context
    }
    pub fn server(&self) -> &str {
        &self.server
    }
    /// The kubeconfig path(s) in use, for messages.
    pub fn kubeconfig(&self) -> &str {
        &self.kubeconfig
    }
    /// `-n`, else the context's namespace, else `default`.
    pub fn default_namespace(&self) -> &str {
        &self.namespace
    }

    // ------------------------------------------------------------------ errors and requests

    /// Maps a kube error: no answer → Unreachable, 401 → Unauthorized, else an API failure.
    fn classify(&self, what: &str, e: kube::Error) -> Error {
        let message = error_chain(&e);
        match &e {
            kube::Error::Api(s) if s.code == 401 => Error::Unauthorized {
                context: self.context.clone(),
                server: self.server.clone(),
                kubeconfig: self.kubeconfig.clone(),
                message: if s.message.is_empty() {
                    "401 Unauthorized".into()
                } else {
                    s.message.clone()
                },
            },
            kube::Error::Auth(_) => Error::Unauthorized {
                context: self.context.clone(),
                server: self.server.clone(),
                kubeconfig: self.kubeconfig.clone(),
                message,
            },
            kube::Error::HyperError(_) | kube::Error::Service(_) | kube::Error::RustlsTls(_) => {
                Error::Unreachable {
                    context: self.context.clone(),
                    server: self.server.clone(),
                    kubeconfig: self.kubeconfig.clone(),
                    message,
                }
            }
            kube::Error::Api(s) => Error::Api {
                what: what.to_string(),
                message: format!("{} ({})", s.message, s.code),
            },
            _ => Error::Api {
                what: what.to_string(),
                message,
            },
        }
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<http::Request<Vec<u8>>, kube::Error> {
        let mut uri = path.to_string();
        for (i, (k, v)) in query.iter().enumerate() {
            uri.push(if i == 0 { '?' } else { '&' });
            uri.push_str(k);
            uri.push('=');
            uri.push_str(&enc(v));
        }
        let mut b = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("Accept", "application/json");
        let data = match body {
            Some((ct, data)) => {
                b = b.header("Content-Type", ct);
                data
            }
            None => Vec::new(),
        };
        b.body(data).map_err(kube::Error::HttpError)
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Value, kube::Error> {
        let req = self.request(method, path, query, body)?;
        self.bounded(self.client.request::<Value>(req)).await
    }

    async fn call_text(&self, path: &str, query: &[(&str, &str)]) -> Result<String, kube::Error> {
        let req = self.request(Method::GET, path, query, None)?;
        self.bounded(self.client.request_text(req)).await
    }

    // ------------------------------------------------------------------ discovery

    async fn groups(&self) -> Result<&Groups, Error> {
        self.groups
            .get_or_try_init(|| async {
                let core = self
                    .call(Method::GET, "/api", &[], None)
                    .await
                    .map_err(|e| self.classify("discover the core API", e))?;
                let mut groups = Groups::new();
                let core_versions: Vec<String> = str_list(core.get("versions"));
                if let Some(first) = core_versions.first() {
                    groups.insert(String::new(), (core_versions.clone(), first.clone()));
                }
                let apis = self
                    .call(Method::GET, "/apis", &[], None)
                    .await
                    .map_err(|e| self.classify("discover API groups", e))?;
                for g in apis
                    .get("groups")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    let Some(name) = g.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    let versions: Vec<String> = g
                        .get("versions")
                        .and_then(Value::as_array)
                        .map(Vec::as_slice)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(|v| v.get("version")?.as_str().map(str::to_string))
                        .collect();
                    let preferred = g
                        .pointer("/preferredVersion/version")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .or_else(|| versions.first().cloned());
                    if let Some(p) = preferred {
                        groups.insert(name.to_string(), (versions, p));
                    }
                }
                Ok(groups)
            })
            .await
    }

    /// The resources of one group/version (cached). Unserved → empty.
    async fn gv_resources(&self, group: &str, version: &str) -> Result<Arc<Vec<ApiRes>>, Error> {
        let key = format!("{group}/{version}");
        if let Some(r) = self.cache().get(&key) {
            return Ok(r.clone());
        }
        let path = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        let list = match self.call(Method::GET, &path, &[], None).await {
            Ok(v) => v,
            // An aggregated API that is down (metrics-server…) or hangs must not break the
            // rest; the core group is not aggregated, so its failure is the server's.
            Err(e @ kube::Error::Api(_)) if !is_401(&e) => {
                self.note_skipped_group(&key, &e);
                Value::Null
            }
            Err(e) if !group.is_empty() && is_timeout(&e) => {
                self.note_skipped_group(&key, &e);
                Value::Null
            }
            Err(e) => return Err(self.classify(&format!("discover {key}"), e)),
        };
        let res: Vec<ApiRes> = list
            .get("resources")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|r| {
                let plural = r.get("name")?.as_str()?;
                if plural.contains('/') {
                    return None; // subresource
                }
                Some(ApiRes {
                    group: group.to_string(),
                    version: version.to_string(),
                    kind: r.get("kind")?.as_str()?.to_string(),
                    plural: plural.to_string(),
                    namespaced: r.get("namespaced").and_then(Value::as_bool).unwrap_or(true),
                })
            })
            .collect();
        let res = Arc::new(res);
        self.cache().insert(key, res.clone());
        Ok(res)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Arc<Vec<ApiRes>>>> {
        // A poisoned cache only means another task panicked mid-insert; the map is still valid.
        self.resources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The resource for an exact `apiVersion` + kind, or None when the server does not serve it.
    pub async fn resolve(&self, api_version: &str, kind: &str) -> Result<Option<ApiRes>, Error> {
        let (group, version) = split_api_version(api_version);
        let groups = self.groups().await?;
        match groups.get(group) {
            Some((versions, _)) if versions.iter().any(|v| v == version) => {}
            _ => return Ok(None),
        }
        let res = self.gv_resources(group, version).await?;
        Ok(res.iter().find(|r| r.kind == kind).cloned())
    }

    /// A kind by the name a user typed — kind, plural, singular or short name, optionally
    /// `name.group` — across every served group at its preferred version (core first). For
    /// kinds outside the built-in table (any CRD); `None` when nothing matches.
    pub async fn find_kind(&self, typed: &str) -> Result<Option<ApiRes>, Error> {
        let (name, want_group) = match typed.split_once('.') {
            Some((n, g)) => (n, Some(g)),
            None => (typed, None),
        };
        let name = name.to_ascii_lowercase();
        let groups = self.groups().await?.clone();
        // kubectl's preference: the core group, then Kubernetes' own groups, then the rest.
        let mut order: Vec<(&String, &String)> = groups
            .iter()
            .filter(|(g, _)| want_group.is_none_or(|w| w == g.as_str()))
            .map(|(g, (_, preferred))| (g, preferred))
            .collect();
        order.sort_by_key(|(g, _)| {
            let kubernetes_own = g.ends_with(".k8s.io") || !g.contains('.');
            (!g.is_empty(), !kubernetes_own)
        });
        let mut by_short = None;
        for (group, preferred) in order {
            let path = if group.is_empty() {
                format!("/api/{preferred}")
            } else {
                format!("/apis/{group}/{preferred}")
            };
            // A group whose discovery fails (an aggregated API that is down) is skipped.
            let list = match self.call(Method::GET, &path, &[], None).await {
                Ok(l) => l,
                Err(e) => {
                    self.note_skipped_group(&format!("{group}/{preferred}"), &e);
                    continue;
                }
            };
            for r in list
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let plural = r.get("name").and_then(Value::as_str).unwrap_or("");
                let kind = r.get("kind").and_then(Value::as_str).unwrap_or("");
                if plural.is_empty() || plural.contains('/') || kind.is_empty() {
                    continue;
                }
                let res = || ApiRes {
                    group: group.clone(),
                    version: preferred.clone(),
                    kind: kind.to_string(),
                    plural: plural.to_string(),
                    namespaced: r.get("namespaced").and_then(Value::as_bool).unwrap_or(true),
                };
                let singular = r.get("singularName").and_then(Value::as_str).unwrap_or("");
                // An exact kind, plural or singular wins over any short name.
                if kind.eq_ignore_ascii_case(&name) || plural == name || singular == name {
                    return Ok(Some(res()));
                }
                if by_short.is_none() && str_list(r.get("shortNames")).contains(&name) {
                    by_short = Some(res());
                }
            }
        }
        Ok(by_short)
    }

    /// A known kind at the server's preferred version, else any version that serves it.
    pub async fn resolve_kind(&self, k: &KindInfo) -> Result<Option<ApiRes>, Error> {
        let groups = self.groups().await?;
        let Some((versions, preferred)) = groups.get(k.group) else {
            return Ok(None);
        };
        let mut order = vec![preferred.clone()];
        order.extend(versions.iter().filter(|v| *v != preferred).cloned());
        for v in order {
            let res = self.gv_resources(k.group, &v).await?;
            if let Some(r) = res.iter().find(|r| r.kind == k.kind) {
                return Ok(Some(r.clone()));
            }
        }
        Ok(None)
    }

    // ------------------------------------------------------------------ reading

    /// LISTs every page of a collection; items get their `apiVersion` and `kind` back.
    async fn list_all(&self, res: &ApiRes, ns: Option<&str>) -> Result<Vec<Value>, kube::Error> {
        let path = res.collection(ns);
        let limit = PAGE_SIZE.to_string();
        let mut items = Vec::new();
        let mut cont: Option<String> = None;
        // A server that keeps answering `continue` would loop forever; 100k pages is plenty.
        for _ in 0..100_000 {
            let mut q = vec![("limit", limit.as_str())];
            if let Some(c) = &cont {
                q.push(("continue", c.as_str()));
            }
            // Recipes only ask whether a Secret exists: Helm's release Secrets (the bulk of
            // most clusters' Secret bytes) are never what a pod or Ingress references.
            if res.kind == "Secret" && res.group.is_empty() {
                q.push(("fieldSelector", "type!=helm.sh/release.v1"));
            }
            let page = self.call(Method::GET, &path, &q, None).await?;
            cont = page
                .pointer("/metadata/continue")
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            let mut page_items = list_items(page, res);
            if res.kind == "Secret" && res.group.is_empty() {
                // Keep the keys (a missing key is evidence), drop the values at once.
                for it in &mut page_items {
                    for field in ["data", "stringData"] {
                        if let Some(m) = it.get_mut(field).and_then(Value::as_object_mut) {
                            for v in m.values_mut() {
                                *v = Value::String(String::new());
                            }
                        }
                    }
                }
            }
            items.extend(page_items);
            if cont.is_none() {
                break;
            }
        }
        Ok(items)
    }

    /// Gathers the given kinds (all known kinds when empty) in scope: discovery once, one
    /// paginated LIST per kind, at most [`CONCURRENCY`] at a time. A forbidden or unserved
    /// kind is recorded in `skipped`; only an unreachable server or bad credentials fail.
    pub async fn gather(
        &self,
        kinds: &[&str],
        scope: &Scope,
        logs: bool,
        progress: &dyn Progress,
    ) -> Result<Inventory, Error> {
        let mut inv = Inventory::new();
        let mut wanted: Vec<&'static KindInfo> = Vec::new();
        if kinds.is_empty() {
            wanted.extend(kinds::KNOWN.iter());
        } else {
            for k in kinds.iter().filter(|k| **k != kinds::CUSTOM_RESOURCES) {
                match kinds::lookup(k) {
                    Some(info) if !wanted.contains(&info) => wanted.push(info),
                    Some(_) => {}
                    None => inv.skipped.push(SkippedKind {
                        kind: (*k).to_string(),
                        reason: "unknown kind".into(),
                    }),
                }
            }
        }
        self.groups().await?;
        let resolved: Vec<(&KindInfo, Result<Option<ApiRes>, Error>)> =
            futures::stream::iter(wanted.iter().map(|k| async move {
                let r = self.resolve_kind(k).await;
                (*k, r)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut to_list = Vec::new();
        for (k, r) in resolved {
            match r? {
                Some(res) => to_list.push(res),
                None => inv.skipped.push(SkippedKind {
                    kind: k.kind.to_string(),
                    reason: super::SkipReason::NotServed,
                }),
            }
        }
        // Deterministic order whatever finished first.
        to_list.sort_by(|a, b| a.kind.cmp(&b.kind));
        progress.start(to_list.len());
        let ns = scope.namespace.as_deref();
        let lists: Vec<(ApiRes, Result<Vec<Value>, kube::Error>)> =
            futures::stream::iter(to_list.into_iter().map(|res| async move {
                let r = self.list_all(&res, ns).await;
                progress.step(&res.kind);
                (res, r)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut lists = lists;
        lists.sort_by(|a, b| a.0.kind.cmp(&b.0.kind));
        for (res, r) in lists {
            match r {
                Ok(items) => {
                    inv.mark_read(&res.kind);
                    for it in items {
                        inv.insert(it);
                    }
                }
                Err(kube::Error::Api(s)) if s.code == 403 => {
                    // Served, just not to us: recipes must not call it healthy.
                    inv.mark_served(&res.kind);
                    inv.skipped.push(SkippedKind {
                        kind: res.kind.clone(),
                        reason: format!("forbidden: {}", first_line(&s.message)).into(),
                    });
                }
                Err(kube::Error::Api(s)) if s.code == 404 => inv.skipped.push(SkippedKind {
                    kind: res.kind.clone(),
                    reason: super::SkipReason::NotServed,
                }),
                Err(e) => {
                    let err = self.classify(&format!("list {}", res.plural), e);
                    match err {
                        Error::Unreachable { .. } | Error::Unauthorized { .. } => return Err(err),
                        other => inv.skipped.push(SkippedKind {
                            kind: res.kind.clone(),
                            reason: other.to_string().into(),
                        }),
                    }
                }
            }
        }
        if kinds.contains(&kinds::CUSTOM_RESOURCES) {
            self.gather_custom_resources(&mut inv, ns).await?;
        }
        progress.finish();
        inv.skipped.sort_by(|a, b| a.kind.cmp(&b.kind));
        if logs {
            self.gather_logs(&mut inv).await?;
        }
        Ok(inv)
    }

    /// Lists the objects of every CRD-declared kind outside the built-in table, so a recipe
    /// can judge operators we have no dedicated recipe for (their Ready/Stalled conditions).
    /// Needs the CRDs in `inv`; a kind that cannot be listed is recorded in `skipped`.
    async fn gather_custom_resources(
        &self,
        inv: &mut Inventory,
        ns: Option<&str>,
    ) -> Result<(), Error> {
        let mut wanted: Vec<(String, String)> = Vec::new();
        for crd in inv.of_kind("CustomResourceDefinition") {
            let (Some(group), Some(kind)) =
                (crd.str_at("/spec/group"), crd.str_at("/spec/names/kind"))
            else {
                continue;
            };
            let version = crd
                .array_at("/spec/versions")
                .iter()
                .filter(|v| v.get("served").and_then(Value::as_bool) != Some(false))
                .max_by_key(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                .and_then(|v| v.get("name").and_then(Value::as_str));
            let Some(version) = version else { continue };
            let api_version = format!("{group}/{version}");
            if !kinds::is_known(&api_version, kind) {
                wanted.push((api_version, kind.to_string()));
            }
        }
        wanted.sort();
        wanted.dedup();
        let mut to_list = Vec::new();
        for (api_version, kind) in &wanted {
            if let Some(res) = self.resolve(api_version, kind).await? {
                to_list.push(res);
            }
        }
        let lists: Vec<(ApiRes, Result<Vec<Value>, kube::Error>)> =
            futures::stream::iter(to_list.into_iter().map(|res| async move {
                let r = self.list_all(&res, ns).await;
                (res, r)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut lists = lists;
        lists.sort_by(|a, b| {
            a.0.api_version()
                .cmp(&b.0.api_version())
                .then(a.0.kind.cmp(&b.0.kind))
        });
        for (res, r) in lists {
            match r {
                Ok(items) => {
                    inv.mark_served(&res.kind);
                    for it in items {
                        inv.insert(it);
                    }
                }
                Err(e) => {
                    let err = self.classify(&format!("list {}", res.plural), e);
                    match err {
                        Error::Unreachable { .. } | Error::Unauthorized { .. } => return Err(err),
                        other => inv.skipped.push(SkippedKind {
                            kind: res.kind.clone(),
                            reason: other.to_string().into(),
                        }),
                    }
                }
            }
        }
        Ok(())
    }

    /// Fetches bounded log tails of containers in pods that are failing.
    async fn gather_logs(&self, inv: &mut Inventory) -> Result<(), Error> {
        let mut wanted = Vec::new();
        let mut evidence = Vec::new();
        // With NetworkPolicies in play a healthy client's log is where a blocked connection
        // shows; a pod with its own ServiceAccount logs the API's Forbidden answers.
        let netpols = inv.of_kind("NetworkPolicy").next().is_some();
        for pod in inv.of_kind("Pod") {
            let Some(ns) = pod.namespace() else { continue };
            let mut containers = logs::failing_containers(pod.value());
            if containers.is_empty()
                && !logs::logs_are_evidence(&pod)
                && logs::logs_may_explain(&pod, netpols)
            {
                for (name, _) in logs::running_containers(pod.value()) {
                    evidence.push((ns.to_string(), pod.name().to_string(), name, false));
                }
            }
            if logs::logs_are_evidence(&pod) {
                for c in pod.array_at("/spec/containers") {
                    if let Some(name) = c.get("name").and_then(Value::as_str)
                        && !containers.iter().any(|(n, _)| n == name)
                    {
                        containers.push((name.to_string(), false));
                    }
                }
            }
            for (container, previous) in containers {
                wanted.push((ns.to_string(), pod.name().to_string(), container, previous));
            }
        }
        // Failing containers first: they are the likelier story when the budget runs out.
        wanted.extend(evidence);
        wanted.truncate(MAX_LOG_CONTAINERS);
        let fetched: Vec<_> =
            futures::stream::iter(wanted.into_iter().map(|(ns, pod, c, previous)| async move {
                let text = self.container_log(&ns, &pod, &c, previous).await;
                ((ns, pod, c), text)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut forbidden = Vec::new();
        for (key, text) in fetched {
            match text {
                Ok(t) => {
                    inv.logs.insert(key, t);
                }
                Err(e @ (Error::Unreachable { .. } | Error::Unauthorized { .. })) => return Err(e),
                // RBAC without pods/log: not fatal, but said (a missing log is not "no log").
                Err(Error::Api { message, .. }) if message.ends_with("(403)") => {
                    forbidden.push(format!("{}/{}/{}", key.0, key.1, key.2));
                }
                // A log that cannot be read (container never started) is not fatal.
                Err(_) => {}
            }
        }
        if !forbidden.is_empty() {
            forbidden.sort();
            inv.skipped.push(super::SkippedKind {
                kind: "pods/log".into(),
                reason: format!(
                    "forbidden: {} container log(s) could not be read ({}{})",
                    forbidden.len(),
                    forbidden
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                    if forbidden.len() > 3 { ", …" } else { "" }
                )
                .into(),
            });
        }
        Ok(())
    }

    /// The tail of one container's log; the previous instance's when it restarted, since
    /// that is the one that crashed. Falls back to the current log.
    pub async fn container_log(
        &self,
        ns: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Result<String, Error> {
        let path = format!("/api/v1/namespaces/{}/pods/{}/log", enc(ns), enc(pod));
        let tail = self.log_tail.to_string();
        let limit = LOG_LIMIT_BYTES.to_string();
        let mut q = vec![
            ("container", container),
            ("tailLines", tail.as_str()),
            ("limitBytes", limit.as_str()),
        ];
        if previous {
            let mut pq = q.clone();
            pq.push(("previous", "true"));
            if let Ok(t) = self.call_text(&path, &pq).await {
                return Ok(t);
            }
        }
        q.retain(|(k, _)| *k != "previous");
        self.call_text(&path, &q)
            .await
            .map_err(|e| self.classify(&format!("read logs of {ns}/{pod}/{container}"), e))
    }

    async fn res_for(&self, api_version: &str, kind: &str) -> Result<ApiRes, Error> {
        self.resolve(api_version, kind)
            .await?
            .ok_or_else(|| Error::Api {
                what: format!("find {kind} ({api_version})"),
                message: "the server does not serve this kind".into(),
            })
    }

    fn ns_for<'a>(&'a self, res: &ApiRes, ns: Option<&'a str>) -> Option<&'a str> {
        if res.namespaced {
            Some(ns.unwrap_or(&self.namespace))
        } else {
            None
        }
    }

    /// Reads one object; `Ok(None)` when it does not exist (or its kind is not served).
    pub async fn get(&self, r: &ObjRef) -> Result<Option<Value>, Error> {
        let Some(res) = self.resolve(&r.api_version, &r.kind).await? else {
            return Ok(None);
        };
        let path = res.object(self.ns_for(&res, r.namespace.as_deref()), &r.name);
        match self.call(Method::GET, &path, &[], None).await {
            Ok(v) => Ok(Some(v)),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(None),
            Err(e) => Err(self.classify(&format!("get {}", r.display()), e)),
        }
    }

    /// Lists objects of a resource carrying a label selector (for prune previews).
    pub async fn list_selected(
        &self,
        res: &ApiRes,
        ns: Option<&str>,
        selector: &str,
    ) -> Result<Vec<Value>, Error> {
        let path = res.collection(ns);
        let page = self
            .call(
                Method::GET,
                &path,
                &[("labelSelector", selector), ("limit", "500")],
                None,
            )
            .await
            .map_err(|e| self.classify(&format!("list {}", res.plural), e))?;
        Ok(list_items(page, res))
    }
}

/// The items of a LIST page, with the `apiVersion`/`kind` a typed list leaves off restored.
fn list_items(page: Value, res: &ApiRes) -> Vec<Value> {
    let Value::Object(mut m) = page else {
        return Vec::new();
    };
    let Some(Value::Array(list)) = m.remove("items") else {
        return Vec::new();
    };
    list.into_iter()
        .map(|mut it| {
            if let Value::Object(o) = &mut it {
                o.entry("apiVersion")
                    .or_insert_with(|| Value::String(res.api_version()));
                o.entry("kind")
                    .or_insert_with(|| Value::String(res.kind.clone()));
            }
            it
        })
        .collect()
}

fn is_401(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Api(s) if s.code == 401)
}

/// True when a call ran out of `--request-timeout`.
fn is_timeout(e: &kube::Error) -> bool {
    matches!(e, kube::Error::Service(b) if b.downcast_ref::<RequestTimedOut>().is_some())
}

/// Splits `group/version` (`v1` → core group).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters kept).
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Namespace names of the current cluster for shell completion, within a short deadline;
/// empty when no cluster answers.
///
/// Completion runs before the CLI has parsed anything, so this reads `KUBECONFIG` and `HOME`
/// itself (the one exception to "engines never read the environment").
pub fn namespaces_for_completion() -> Vec<String> {
    let opts = ConnectOptions {
        kubeconfig_env: std::env::var("KUBECONFIG").ok(),
        home: std::env::var_os("HOME").map(Into::into),
        ..Default::default()
    };
    let (tx, rx) = std::sync::mpsc::channel();
    // A thread of its own: the caller may or may not be inside a runtime, and a hung server
    // must not hold the shell; the thread is simply abandoned at the deadline.
    std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        let names = rt.block_on(async {
            let live = LiveCluster::connect(opts).await.ok()?;
            let info = kinds::lookup("Namespace")?;
            let res = ApiRes {
                group: String::new(),
                version: "v1".into(),
                kind: info.kind.into(),
                plural: info.plural.into(),
                namespaced: false,
            };
            let items = live.list_selected(&res, None, "").await.ok()?;
            Some(
                items
                    .iter()
                    .map(|o| super::Obj(o).name().to_string())
                    .filter(|n| !n.is_empty())
                    .collect::<Vec<_>>(),
            )
        });
        let _ = tx.send(names.unwrap_or_default());
    });
    rx.recv_timeout(Duration::from_millis(1500))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_values() {
        assert_eq!(enc("a b/c=d"), "a%20b%2Fc%3Dd");
        assert_eq!(enc("app.kubernetes.io-x_y~"), "app.kubernetes.io-x_y~");
    }

    #[test]
    fn paths_respect_scope() {
        let r = ApiRes {
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            plural: "deployments".into(),
            namespaced: true,
        };
        assert_eq!(r.collection(None), "/apis/apps/v1/deployments");
        assert_eq!(
            r.object(Some("x"), "web"),
            "/apis/apps/v1/namespaces/x/deployments/web"
        );
        let n = ApiRes {
            group: String::new(),
            version: "v1".into(),
            kind: "Node".into(),
            plural: "nodes".into(),
            namespaced: false,
        };
        assert_eq!(n.object(Some("x"), "a"), "/api/v1/nodes/a");
    }
}
