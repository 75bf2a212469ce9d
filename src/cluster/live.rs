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

use kube::config::KubeConfigOptions;
use serde_json::Value;

use super::Error;
use super::kinds;
pub use super::kubeconfig::ConnectOptions;
use super::kubeconfig::{self, Source, error_chain};

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

// The client's methods by concern, one `impl LiveCluster` each; what was private to this
// module is `pub(super)` there, so it stays visible here and in every child (execute).
mod client;
mod discovery;
mod gather;

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
    /// The same connection settings without the per-read timeout, for exec's websocket: a
    /// quiet command sends nothing for minutes, and kube applies `read_timeout` to the
    /// upgraded stream too. The exec is bounded as a whole instead ([`Self::exec_in_pod`]).
    stream_client: kube::Client,
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
        let request_timeout = kubeconfig::effective_request_timeout(opts.request_timeout);
        if let Some(d) = request_timeout {
            cfg.connect_timeout = Some(d.min(Duration::from_secs(10)));
            cfg.read_timeout = Some(d);
        }
        let server = cfg.cluster_url.to_string();
        let server = server.trim_end_matches('/').to_string();
        let namespace = cfg.default_namespace.clone();
        let mut stream_cfg = cfg.clone();
        stream_cfg.read_timeout = None;
        let client = kube::Client::try_from(cfg).map_err(|e| Error::Kubeconfig {
            source_desc: description.clone(),
            message: error_chain(&e),
        })?;
        let stream_client = kube::Client::try_from(stream_cfg).map_err(|e| Error::Kubeconfig {
            source_desc: description.clone(),
            message: error_chain(&e),
        })?;
        Ok(Self {
            client,
            stream_client,
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
