//! A loopback fake Kubernetes API server for end-to-end tests.
//!
//! Plain HTTP/1.1 on `127.0.0.1:0`, one thread per connection, `Connection: close` on every
//! answer (kube's hyper client then never reuses a socket the fake has closed). It serves
//! discovery for the kinds it holds, GET/LIST (namespaced and all-namespaces, `limit` and
//! `continue`, `labelSelector`), PATCH (merge, strategic as merge, JSON patch basics,
//! server-side apply with or without `dryRun=All`), DELETE, `pods/{name}/log` and the scale
//! subresource, and records every request so tests can assert what was (not) sent.
//! It answers 503 only for groups a test marks unavailable (`unavailable_group`), like an
//! aggregated APIService whose backend is down.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: Option<String>,
    pub body: String,
}

/// A test's callback on each change request.
type WriteHook = Arc<dyn Fn(&Recorded) + Send + Sync>;

#[derive(Default)]
struct State {
    objects: Vec<Value>,
    /// (apiVersion, kind) served even without objects.
    served: BTreeSet<(String, String)>,
    /// Kinds that answer 403 to everything.
    forbidden: BTreeSet<String>,
    /// When set, every request on a resource (not discovery) answers this code: a server
    /// that answered discovery and was then lost (etcd down, apiserver overloaded).
    fail_resources: Option<u16>,
    token: Option<String>,
    requests: Vec<Recorded>,
    /// (namespace, pod, container) → log text.
    logs: BTreeMap<(String, String, String), String>,
    resource_version: u64,
    /// Called (outside the lock) when a change that is not a dry run arrives, before routing.
    on_write: Option<WriteHook>,
    /// (path substring, status): changes whose path contains it fail with that status.
    fail_writes: Vec<(String, u16)>,
    /// API groups whose discovery (and everything else) answers 503.
    unavailable: BTreeSet<String>,
    /// API groups that answer only after this long (a hung aggregated API).
    hanging: BTreeMap<String, std::time::Duration>,
    /// Exact request paths (no query) that answer only after this long: a slow LIST of one
    /// kind (a big cluster's pods) while the rest of the API answers at once.
    hanging_paths: BTreeMap<String, std::time::Duration>,
    /// Every change as a watch event: (resourceVersion, type, object).
    events: Vec<(u64, &'static str, Value)>,
    /// TokenReview / SubjectAccessReview answers (see "authn/authz" below).
    identities: Identities,
    /// The authenticated user a SelfSubjectReview returns (none: the API is not served).
    user: Option<String>,
    /// (namespace, pod) → what an exec there answers (default: exit 0, no output).
    exec_replies: BTreeMap<(String, String), ExecReply>,
    /// Every exec that reached a pod, in order.
    execs: Vec<ExecRecorded>,
}

/// What an exec in one pod answers, scripted by a test.
#[derive(Debug, Clone, Default)]
pub struct ExecReply {
    pub stdout: String,
    pub stderr: String,
    /// 0: `{"status":"Success"}`; otherwise `NonZeroExitCode` with this `ExitCode` cause.
    pub exit_code: i32,
    /// Waited after the upgrade, before any frame (a slow command).
    pub delay: std::time::Duration,
}

/// One exec request as the fake saw it (after the websocket upgrade was asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecRecorded {
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    /// The repeated `command=` parameters, in order.
    pub command: Vec<String>,
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
    pub tty: bool,
    /// The subprotocol the fake chose from the client's offer.
    pub protocol: String,
}

/// Configures a fake before it starts.
#[derive(Default)]
pub struct Builder {
    state: State,
}

impl Builder {
    pub fn objects(mut self, objects: impl IntoIterator<Item = Value>) -> Self {
        self.state.objects.extend(objects);
        self
    }
    /// A kind served with no objects (`served("v1", "Secret")`).
    pub fn served(mut self, api_version: &str, kind: &str) -> Self {
        self.state
            .served
            .insert((api_version.to_string(), kind.to_string()));
        self
    }
    /// A kind that answers 403 Forbidden (still listed in discovery).
    pub fn forbid(mut self, api_version: &str, kind: &str) -> Self {
        self.state.forbidden.insert(kind.to_string());
        self.served(api_version, kind)
    }
    /// Pod logs answer 403 (RBAC without `pods/log`); pods themselves stay readable.
    pub fn forbid_logs(mut self) -> Self {
        self.state.forbidden.insert("pods/log".to_string());
        self
    }
    /// Every request on a resource answers `code` (discovery still works).
    pub fn fail_resources(mut self, code: u16) -> Self {
        self.state.fail_resources = Some(code);
        self
    }
    /// Requires `Authorization: Bearer <token>`; 401 otherwise.
    pub fn token(mut self, token: &str) -> Self {
        self.state.token = Some(token.to_string());
        self
    }
    pub fn log(mut self, ns: &str, pod: &str, container: &str, text: &str) -> Self {
        self.state.logs.insert(
            (ns.to_string(), pod.to_string(), container.to_string()),
            text.to_string(),
        );
        self
    }
    /// Runs `f` when a change (not a dry run) arrives, before it is applied.
    pub fn on_write(mut self, f: impl Fn(&Recorded) + Send + Sync + 'static) -> Self {
        self.state.on_write = Some(Arc::new(f));
        self
    }
    /// Changes whose path contains `path_part` fail with `code`.
    pub fn fail_writes(mut self, path_part: &str, code: u16) -> Self {
        self.state.fail_writes.push((path_part.to_string(), code));
        self
    }
    /// An aggregated API group whose backend is down: listed in `/apis`, 503 on discovery.
    pub fn unavailable_group(mut self, group: &str, version: &str) -> Self {
        self.state.unavailable.insert(group.to_string());
        self.served(&format!("{group}/{version}"), "Unavailable")
    }
    /// An aggregated API group that hangs: every answer waits `d` first.
    pub fn hanging_group(mut self, group: &str, version: &str, d: std::time::Duration) -> Self {
        self.state.hanging.insert(group.to_string(), d);
        self.served(&format!("{group}/{version}"), "Hanging")
    }
    /// What an exec in pod `ns/pod` answers.
    pub fn exec_reply(mut self, ns: &str, pod: &str, reply: ExecReply) -> Self {
        self.state
            .exec_replies
            .insert((ns.to_string(), pod.to_string()), reply);
        self
    }
    /// Requests on exactly `path` (e.g. `/api/v1/pods`, list and watch) wait `d` first.
    pub fn hanging_path(mut self, path: &str, d: std::time::Duration) -> Self {
        self.state.hanging_paths.insert(path.to_string(), d);
        self
    }
    /// Answers SelfSubjectReviews (`authentication.k8s.io/v1`) as this user.
    pub fn user(mut self, name: &str) -> Self {
        self.state.user = Some(name.to_string());
        self
    }
    pub fn start(self) -> FakeApiServer {
        FakeApiServer::run(self.state)
    }
    /// A bearer token TokenReview accepts as `user` in `groups` (SelfSubjectReview and
    /// SelfSubjectAccessReview sent with it answer for that user too).
    pub fn user_token(mut self, token: &str, user: &str, groups: &[&str]) -> Self {
        self.state.identities.tokens.insert(
            token.to_string(),
            (
                user.to_string(),
                groups.iter().map(|g| g.to_string()).collect(),
            ),
        );
        self
    }
    /// SubjectAccessReview allows `user` to `verb` on `resource` (`approvalrequests`,
    /// `approvalrequests/status`), in every namespace; everything else is denied.
    pub fn allow(mut self, user: &str, verb: &str, resource: &str) -> Self {
        self.state.identities.allow.insert((
            user.to_string(),
            verb.to_string(),
            resource.to_string(),
        ));
        self
    }
}

/// A running fake; it lives until the test process ends.
pub struct FakeApiServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl FakeApiServer {
    pub fn builder() -> Builder {
        Builder::default()
    }

    pub fn start(objects: Vec<Value>) -> Self {
        Self::builder().objects(objects).start()
    }

    /// Seeds from a snapshot directory, read by the product's own loader.
    pub fn from_dir(dir: &Path) -> Self {
        Self::builder_from_dir(dir).start()
    }

    /// [`FakeApiServer::from_dir`] before it starts, to serve more kinds.
    pub fn builder_from_dir(dir: &Path) -> Builder {
        let snap = kubectl_claude::cluster::snapshot::SnapshotCluster::load(dir).expect("snapshot");
        let inv = snap.inventory().clone();
        let mut b = Self::builder();
        for k in inv.served_kinds() {
            if let Some(info) = kubectl_claude::cluster::kinds::lookup(k) {
                b = b.served(&info.api_version(), info.kind);
            }
        }
        for ((ns, pod, c), text) in &inv.logs {
            b = b.log(ns, pod, c, text);
        }
        // What the snapshot could not read, the fake refuses too.
        for s in &inv.skipped {
            if let Some(info) = kubectl_claude::cluster::kinds::lookup(&s.kind) {
                b = b.forbid(&info.api_version(), info.kind);
            }
        }
        b.objects(inv.into_objects())
    }

    fn run(state: State) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(state));
        let st = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let st = st.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &st);
                });
            }
        });
        Self { addr, state }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The execs that reached a pod (a 404 for an unknown pod is not one).
    pub fn execs(&self) -> Vec<ExecRecorded> {
        self.state.lock().unwrap().execs.clone()
    }

    /// Requests other than GET (the autonomy tests assert there are none).
    pub fn writes(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }

    /// Adds or replaces an object as a client would (new resourceVersion, a watch event).
    pub fn upsert(&self, obj: Value) {
        let mut s = self.state.lock().unwrap();
        let at = s.objects.iter().position(|o| same_object(o, &obj));
        store(&mut s, at, obj);
    }

    /// The stored objects now.
    pub fn objects(&self) -> Vec<Value> {
        self.state.lock().unwrap().objects.clone()
    }

    pub fn kubeconfig_yaml(&self, context: &str, token: &str, namespace: Option<&str>) -> String {
        kubeconfig_yaml(&self.url(), context, token, namespace)
    }

    /// Writes a kubeconfig whose only context, `context`, points at this fake.
    pub fn write_kubeconfig(&self, path: &Path, context: &str) {
        let token = self
            .state
            .lock()
            .unwrap()
            .token
            .clone()
            .unwrap_or_else(|| "fake-token".into());
        std::fs::write(path, self.kubeconfig_yaml(context, &token, None)).expect("kubeconfig");
    }
}

/// A kubeconfig with one cluster, user and context.
pub fn kubeconfig_yaml(
    server: &str,
    context: &str,
    token: &str,
    namespace: Option<&str>,
) -> String {
    let ns = namespace
        .map(|n| format!(", namespace: {n}"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: {context}\nclusters:\n- name: {context}\n  cluster:\n    server: {server}\ncontexts:\n- name: {context}\n  context: {{cluster: {context}, user: {context}{ns}}}\nusers:\n- name: {context}\n  user:\n    token: {token}\n"
    )
}

// ---------------------------------------------------------------------------- HTTP

struct Req {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    raw_query: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

fn serve(stream: TcpStream, st: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let (path, raw_query) = target.split_once('?').unwrap_or((&target, ""));
    let query = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let req = Req {
        method,
        path: decode(path),
        query,
        raw_query: raw_query.to_string(),
        headers,
        body,
    };
    let rec = Recorded {
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.raw_query.clone(),
        content_type: req.headers.get("content-type").cloned(),
        body: String::from_utf8_lossy(&req.body).into_owned(),
    };
    if let Some((ns, pod)) = exec_target(&req.path) {
        return serve_exec(stream, st, &req, rec, &ns, &pod);
    }
    let is_change = req.method != "GET" && !req.raw_query.contains("dryRun=All");
    let hook = st.lock().unwrap().on_write.clone();
    let hang = {
        let s = st.lock().unwrap();
        s.hanging
            .iter()
            .find(|(g, _)| req.path.starts_with(&format!("/apis/{g}/")))
            .map(|(_, d)| *d)
            .or_else(|| s.hanging_paths.get(&req.path).copied())
    };
    if let Some(d) = hang {
        std::thread::sleep(d);
    }
    if is_change && let Some(h) = hook {
        h(&rec);
    }
    let (code, ctype, body) = {
        let mut s = st.lock().unwrap();
        s.requests.push(rec);
        let failing = s
            .fail_writes
            .iter()
            .find(|(part, _)| is_change && req.path.contains(part.as_str()))
            .map(|(_, c)| *c);
        let down = s
            .unavailable
            .iter()
            .any(|g| req.path.starts_with(&format!("/apis/{g}/")));
        match failing {
            Some(c) => status(c, "InternalError", "scripted failure"),
            None if down => status(
                503,
                "ServiceUnavailable",
                "the server is currently unable to handle the request",
            ),
            None => route(&mut s, &req),
        }
    };
    if code == 0 && ctype == "watch" {
        return serve_watch(stream, st, &body);
    }
    let reason = match code {
        200 => "OK",
        201 => "Created",
        409 => "Conflict",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    out.write_all(body.as_bytes())?;
    out.flush()
}

/// A `watch=true` stream: every change after `from` to objects of the kind (and namespace),
/// one JSON event per chunk, until `timeoutSeconds` or the client goes away.
fn serve_watch(mut out: TcpStream, st: &Mutex<State>, spec: &str) -> std::io::Result<()> {
    let spec: Value = serde_json::from_str(spec).unwrap_or_default();
    let mut last = spec["from"].as_u64().unwrap_or(0);
    let deadline = std::time::Instant::now()
        + std::time::Duration::from_secs(spec["timeout"].as_u64().unwrap_or(60).min(300));
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )?;
    out.flush()?;
    while std::time::Instant::now() < deadline {
        let batch: Vec<(u64, &'static str, Value)> = {
            let s = st.lock().unwrap();
            s.events
                .iter()
                .filter(|(rv, _, o)| {
                    *rv > last
                        && o["apiVersion"] == spec["apiVersion"]
                        && o["kind"] == spec["kind"]
                        && (spec["namespace"].is_null()
                            || o.pointer("/metadata/namespace") == Some(&spec["namespace"]))
                })
                .cloned()
                .collect()
        };
        for (rv, ty, o) in batch {
            last = rv;
            let line = format!("{}\n", json!({"type": ty, "object": o}));
            write!(out, "{:x}\r\n{line}\r\n", line.len())?;
        }
        out.flush()?;
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    write!(out, "0\r\n\r\n")?;
    out.flush()
}

// ---------------------------------------------------------------------------- exec

/// `(namespace, pod)` of `/api/v1/namespaces/{ns}/pods/{pod}/exec`.
fn exec_target(path: &str) -> Option<(String, String)> {
    let rest = path.strip_prefix("/api/v1/namespaces/")?;
    let (ns, rest) = rest.split_once("/pods/")?;
    let pod = rest.strip_suffix("/exec")?;
    (!ns.contains('/') && !pod.contains('/')).then(|| (ns.to_string(), pod.to_string()))
}

/// The API server's exec: 404 before any upgrade for an unknown pod; else a websocket
/// upgrade (RFC 6455 accept key, the channel subprotocol echoed) and the scripted reply as
/// channel frames — 1 stdout, 2 stderr, 3 the final `Status` — then a close.
fn serve_exec(
    stream: TcpStream,
    st: &Mutex<State>,
    req: &Req,
    rec: Recorded,
    ns: &str,
    pod: &str,
) -> std::io::Result<()> {
    let mut out = stream;
    let flag = |k: &str| {
        req.raw_query
            .split('&')
            .any(|p| p == format!("{k}=true") || p == format!("{k}=1"))
    };
    let params: Vec<(String, String)> = req
        .raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let offered = req
        .headers
        .get("sec-websocket-protocol")
        .cloned()
        .unwrap_or_default();
    let protocol = ["v4.channel.k8s.io"]
        .into_iter()
        .find(|p| offered.split(',').any(|o| o.trim() == *p));
    let reply = {
        let mut s = st.lock().unwrap();
        s.requests.push(rec);
        let known = s.objects.iter().any(|o| {
            o["kind"] == "Pod"
                && o.pointer("/metadata/namespace").and_then(Value::as_str) == Some(ns)
                && o.pointer("/metadata/name").and_then(Value::as_str) == Some(pod)
        });
        let key = req.headers.get("sec-websocket-key");
        let answer = match (known, key, protocol) {
            (false, _, _) => Err(status(
                404,
                "NotFound",
                &format!("pods \"{pod}\" not found"),
            )),
            (true, None, _) => Err(status(400, "BadRequest", "exec needs a websocket upgrade")),
            (true, Some(_), None) => Err(status(
                400,
                "BadRequest",
                &format!("no supported subprotocol in {offered:?}"),
            )),
            (true, Some(_), Some(_)) => Ok(s
                .exec_replies
                .get(&(ns.to_string(), pod.to_string()))
                .cloned()
                .unwrap_or_default()),
        };
        if answer.is_ok() {
            s.execs.push(ExecRecorded {
                namespace: ns.to_string(),
                pod: pod.to_string(),
                container: params
                    .iter()
                    .find(|(k, _)| k == "container")
                    .map(|(_, v)| v.clone()),
                command: params
                    .iter()
                    .filter(|(k, _)| k == "command")
                    .map(|(_, v)| v.clone())
                    .collect(),
                stdin: flag("stdin"),
                stdout: flag("stdout"),
                stderr: flag("stderr"),
                tty: flag("tty"),
                protocol: protocol.unwrap_or_default().to_string(),
            });
        }
        answer
    };
    let reply = match reply {
        Ok(r) => r,
        Err((code, ctype, body)) => {
            write!(
                out,
                "HTTP/1.1 {code} Error\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )?;
            out.write_all(body.as_bytes())?;
            return out.flush();
        }
    };
    let key = req
        .headers
        .get("sec-websocket-key")
        .cloned()
        .unwrap_or_default();
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    write!(
        out,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\nSec-WebSocket-Protocol: {}\r\n\r\n",
        protocol.unwrap_or_default()
    )?;
    out.flush()?;
    std::thread::sleep(reply.delay);
    let mut ws =
        tungstenite::WebSocket::from_raw_socket(out, tungstenite::protocol::Role::Server, None);
    let frame = |channel: u8, data: &[u8]| {
        let mut f = vec![channel];
        f.extend_from_slice(data);
        tungstenite::Message::Binary(f.into())
    };
    let status = if reply.exit_code == 0 {
        json!({"metadata": {}, "status": "Success"})
    } else {
        json!({"metadata": {}, "status": "Failure",
            "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {}",
                params.iter().filter(|(k, _)| k == "command").map(|(_, v)| v.as_str()).collect::<Vec<_>>().join(" "), reply.exit_code),
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": reply.exit_code.to_string()}]}})
    };
    let send =
        |ws: &mut tungstenite::WebSocket<TcpStream>, m| ws.send(m).map_err(std::io::Error::other);
    if !reply.stdout.is_empty() {
        send(&mut ws, frame(1, reply.stdout.as_bytes()))?;
    }
    if !reply.stderr.is_empty() {
        send(&mut ws, frame(2, reply.stderr.as_bytes()))?;
    }
    send(&mut ws, frame(3, status.to_string().as_bytes()))?;
    let _ = ws.close(None);
    // Wait (briefly) for the client's close so the socket ends cleanly, not with a reset.
    let _ = ws
        .get_ref()
        .set_read_timeout(Some(std::time::Duration::from_secs(2)));
    while ws.read().is_ok() {}
    Ok(())
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("x"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

type Answer = (u16, &'static str, String);

fn json_answer(code: u16, v: &Value) -> Answer {
    (code, "application/json", v.to_string())
}

fn status(code: u16, reason: &str, message: &str) -> Answer {
    json_answer(
        code,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}),
    )
}

// ---------------------------------------------------------------------------- resources

#[derive(Clone, Debug)]
struct Res {
    group: String,
    version: String,
    kind: String,
    plural: String,
    namespaced: bool,
}

impl Res {
    fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

fn resources(s: &State) -> Vec<Res> {
    let mut pairs: BTreeMap<(String, String), bool> = BTreeMap::new();
    for o in &s.objects {
        let av = o["apiVersion"].as_str().unwrap_or("").to_string();
        let kind = o["kind"].as_str().unwrap_or("").to_string();
        let namespaced = o.pointer("/metadata/namespace").is_some();
        pairs.entry((av, kind)).or_insert(namespaced);
    }
    for (av, k) in &s.served {
        pairs.entry((av.clone(), k.clone())).or_insert(true);
    }
    pairs
        .into_iter()
        .filter(|((av, k), _)| !av.is_empty() && !k.is_empty())
        .map(|((av, kind), seen_ns)| {
            let (group, version) = av.rsplit_once('/').unwrap_or(("", &av));
            // Same kind name, other group (Crossplane's Bucket is not Flux's): not the table's.
            let info = kubectl_claude::cluster::kinds::lookup(&kind).filter(|i| i.group == group);
            Res {
                group: group.to_string(),
                version: version.to_string(),
                plural: info
                    .map(|i| i.plural.to_string())
                    .unwrap_or_else(|| format!("{}s", kind.to_ascii_lowercase())),
                namespaced: info.map(|i| i.namespaced).unwrap_or(seen_ns),
                kind,
            }
        })
        .collect()
}

fn route(s: &mut State, req: &Req) -> Answer {
    if let Some(tok) = &s.token {
        let ok = req
            .headers
            .get("authorization")
            .is_some_and(|h| h == &format!("Bearer {tok}"));
        if !ok {
            return status(401, "Unauthorized", "Unauthorized");
        }
    }
    if let Some(a) = identities_route(&s.identities, req) {
        return a;
    }
    let segs: Vec<&str> = req.path.split('/').filter(|p| !p.is_empty()).collect();
    if let (Some(user), "POST", ["apis", "authentication.k8s.io", "v1", "selfsubjectreviews"]) =
        (&s.user, req.method.as_str(), segs.as_slice())
    {
        return json_answer(
            201,
            &json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
                "status": {"userInfo": {"username": user, "groups": ["system:authenticated"]}}}),
        );
    }
    let res = resources(s);
    match segs.as_slice() {
        ["version"] => {
            return json_answer(
                200,
                &json!({"major": "1", "minor": "35", "gitVersion": "v1.35.0-fake"}),
            );
        }
        ["api"] => {
            return json_answer(200, &json!({"kind": "APIVersions", "versions": ["v1"]}));
        }
        ["apis"] => {
            let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for r in res.iter().filter(|r| !r.group.is_empty()) {
                groups
                    .entry(r.group.clone())
                    .or_default()
                    .insert(r.version.clone());
            }
            let groups: Vec<Value> = groups
                .into_iter()
                .map(|(g, vs)| {
                    let versions: Vec<Value> = vs
                        .iter()
                        .map(|v| json!({"groupVersion": format!("{g}/{v}"), "version": v}))
                        .collect();
                    let preferred = versions.last().cloned().unwrap_or(Value::Null);
                    json!({"name": g, "versions": versions, "preferredVersion": preferred})
                })
                .collect();
            return json_answer(
                200,
                &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
            );
        }
        _ => {}
    }
    // /api/v1/... or /apis/<group>/<version>/...
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => {
            return status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            );
        }
    };
    let gv_res: Vec<&Res> = res
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .collect();
    if rest.is_empty() {
        if gv_res.is_empty() {
            return status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            );
        }
        let gv = if group.is_empty() {
            version.to_string()
        } else {
            format!("{group}/{version}")
        };
        let mut list = Vec::new();
        for r in &gv_res {
            list.push(
                json!({"name": r.plural, "singularName": r.kind.to_ascii_lowercase(),
                "namespaced": r.namespaced, "kind": r.kind,
                "verbs": ["get", "list", "watch", "patch", "delete", "create", "update"]}),
            );
            if r.kind == "Pod" {
                list.push(json!({"name": "pods/log", "namespaced": true, "kind": "Pod", "verbs": ["get"]}));
            }
            if matches!(r.kind.as_str(), "Deployment" | "StatefulSet" | "ReplicaSet") {
                list.push(
                    json!({"name": format!("{}/scale", r.plural), "namespaced": true,
                    "kind": "Scale", "verbs": ["get", "patch", "update"]}),
                );
            }
        }
        return json_answer(
            200,
            &json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": list}),
        );
    }
    let (ns, plural, name, sub) = match rest {
        ["namespaces", ns, plural, more @ ..] => (
            Some(*ns),
            *plural,
            more.first().copied(),
            more.get(1).copied(),
        ),
        [plural, more @ ..] => (None, *plural, more.first().copied(), more.get(1).copied()),
        [] => unreachable!(),
    };
    let Some(r) = gv_res
        .iter()
        .find(|r| r.plural == plural)
        .map(|r| (*r).clone())
    else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    };
    if let Some(code) = s.fail_resources {
        return status(code, "InternalError", "etcdserver: request timed out");
    }
    if s.forbidden.contains(&r.kind) {
        return status(
            403,
            "Forbidden",
            &format!(
                "{plural}.{group} is forbidden: User \"tester\" cannot list resource \"{plural}\" in API group \"{group}\""
            ),
        );
    }
    let ns = if r.namespaced { ns } else { None };
    match (req.method.as_str(), name, sub) {
        ("GET", None, _)
            if req
                .query
                .get("watch")
                .is_some_and(|w| w == "true" || w == "1") =>
        {
            // Streamed by `serve_watch` outside the lock.
            let from: u64 = req
                .query
                .get("resourceVersion")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let timeout: u64 = req
                .query
                .get("timeoutSeconds")
                .and_then(|v| v.parse().ok())
                .unwrap_or(60);
            (
                0,
                "watch",
                json!({"apiVersion": r.api_version(), "kind": r.kind, "namespace": ns,
                    "from": from, "timeout": timeout})
                .to_string(),
            )
        }
        ("GET", None, _) => list(s, &r, ns, req),
        ("POST", None, _) => create(s, &r, ns, req),
        ("PUT", Some(name), None) => replace(s, &r, ns, name, req),
        ("GET", Some(_), Some("log")) if s.forbidden.contains("pods/log") => status(
            403,
            "Forbidden",
            "pods \"x\" is forbidden: cannot get resource \"pods/log\"",
        ),
        ("GET", Some(pod), Some("log")) => {
            let c = req.query.get("container").cloned().unwrap_or_default();
            let key = (ns.unwrap_or("").to_string(), pod.to_string(), c);
            // A log seeded without a container name (cluster-info dump's logs.txt) answers
            // for any container of the pod.
            let any = (key.0.clone(), key.1.clone(), String::new());
            match s.logs.get(&key).or_else(|| s.logs.get(&any)) {
                Some(t) => (200, "text/plain", t.clone()),
                None => status(404, "NotFound", "no logs"),
            }
        }
        ("GET", Some(name), sub) => match find(s, &r, ns, name) {
            Some(i) => {
                let o = s.objects[i].clone();
                if sub == Some("scale") {
                    json_answer(200, &scale_of(&o))
                } else {
                    json_answer(200, &o)
                }
            }
            None => not_found(&r, name),
        },
        ("PATCH", Some(name), sub) => patch(s, &r, ns, name, sub, req),
        ("DELETE", Some(name), None) => match find(s, &r, ns, name) {
            Some(i) => {
                let o = s.objects.remove(i);
                s.resource_version += 1;
                let rv = s.resource_version;
                s.events.push((rv, "DELETED", o.clone()));
                json_answer(200, &o)
            }
            None => not_found(&r, name),
        },
        _ => status(405, "MethodNotAllowed", "not supported by the fake"),
    }
}

fn not_found(r: &Res, name: &str) -> Answer {
    status(
        404,
        "NotFound",
        &format!("{}.{} \"{name}\" not found", r.plural, r.group),
    )
}

fn matches_res(o: &Value, r: &Res) -> bool {
    o["kind"].as_str() == Some(&r.kind) && o["apiVersion"].as_str() == Some(&r.api_version())
}

fn find(s: &State, r: &Res, ns: Option<&str>, name: &str) -> Option<usize> {
    s.objects.iter().position(|o| {
        matches_res(o, r)
            && o.pointer("/metadata/name").and_then(Value::as_str) == Some(name)
            && o.pointer("/metadata/namespace").and_then(Value::as_str) == ns
    })
}

fn selector_matches(o: &Value, selector: &str) -> bool {
    selector.split(',').filter(|t| !t.is_empty()).all(|term| {
        let labels = o.pointer("/metadata/labels");
        match term.split_once('=') {
            Some((k, v)) => {
                let k = k.trim_end_matches('=').trim_end_matches('!');
                labels.and_then(|l| l.get(k)).and_then(Value::as_str) == Some(v)
            }
            None => labels.and_then(|l| l.get(term)).is_some(),
        }
    })
}

fn list(s: &State, r: &Res, ns: Option<&str>, req: &Req) -> Answer {
    let selector = req.query.get("labelSelector").cloned().unwrap_or_default();
    let mut items: Vec<&Value> = s
        .objects
        .iter()
        .filter(|o| matches_res(o, r))
        .filter(|o| ns.is_none() || o.pointer("/metadata/namespace").and_then(Value::as_str) == ns)
        .filter(|o| selector_matches(o, &selector))
        .collect();
    items.sort_by_key(|o| {
        (
            o.pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or(""),
            o.pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or(""),
        )
    });
    let start: usize = req
        .query
        .get("continue")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let limit: usize = req
        .query
        .get("limit")
        .and_then(|c| c.parse().ok())
        .filter(|&l| l > 0)
        .unwrap_or(usize::MAX);
    let end = start.saturating_add(limit).min(items.len());
    let page: Vec<Value> = items[start.min(end)..end]
        .iter()
        .map(|o| {
            // Real typed lists omit apiVersion/kind on items.
            let mut o = (*o).clone();
            if let Value::Object(m) = &mut o {
                m.remove("apiVersion");
                m.remove("kind");
            }
            o
        })
        .collect();
    let mut meta = json!({"resourceVersion": s.resource_version.to_string()});
    if end < items.len() {
        meta["continue"] = json!(end.to_string());
    }
    json_answer(
        200,
        &json!({"apiVersion": r.api_version(), "kind": format!("{}List", r.kind),
            "metadata": meta, "items": page}),
    )
}

fn scale_of(o: &Value) -> Value {
    json!({"apiVersion": "autoscaling/v1", "kind": "Scale",
        "metadata": {"name": o.pointer("/metadata/name"), "namespace": o.pointer("/metadata/namespace")},
        "spec": {"replicas": o.pointer("/spec/replicas").cloned().unwrap_or(json!(1))}})
}

fn patch(
    s: &mut State,
    r: &Res,
    ns: Option<&str>,
    name: &str,
    sub: Option<&str>,
    req: &Req,
) -> Answer {
    let ctype = req.headers.get("content-type").cloned().unwrap_or_default();
    let dry_run = req.query.get("dryRun").is_some_and(|d| d == "All");
    let text = String::from_utf8_lossy(&req.body).into_owned();
    let body: Value = match kubectl_claude::manifest::parse_stream(&text) {
        Ok(mut d) if !d.is_empty() => d.remove(0),
        _ => return status(400, "BadRequest", "cannot parse the patch body"),
    };
    let existing = find(s, r, ns, name);
    let mut obj = match (existing, ctype.as_str()) {
        (Some(i), _) => s.objects[i].clone(),
        (None, "application/apply-patch+yaml") => {
            let mut o = json!({"apiVersion": r.api_version(), "kind": r.kind,
                "metadata": {"name": name, "uid": format!("uid-{name}"),
                    "creationTimestamp": "2026-11-22T10:00:00Z"}});
            if let Some(ns) = ns {
                o["metadata"]["namespace"] = json!(ns);
            }
            o
        }
        (None, _) => return not_found(r, name),
    };
    // A patch naming a resourceVersion is conditioned on it, as the API server does:
    // 409 when the object has moved on (optimistic locking).
    if let Some(given) = body.pointer("/metadata/resourceVersion")
        && existing.is_some()
        && Some(given) != obj.pointer("/metadata/resourceVersion")
    {
        return status(
            409,
            "Conflict",
            &format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                r.plural
            ),
        );
    }
    if sub == Some("scale") {
        let replicas = body.pointer("/spec/replicas").cloned().unwrap_or(json!(1));
        obj["spec"]["replicas"] = replicas;
    } else if ctype.starts_with("application/json-patch+json") {
        let Some(ops) = body.as_array() else {
            return status(400, "BadRequest", "json patch must be an array");
        };
        for op in ops {
            let path = op["path"].as_str().unwrap_or("");
            let (parent, last) = path.rsplit_once('/').unwrap_or(("", path));
            let last = last.replace("~1", "/").replace("~0", "~");
            let Some(p) = obj.pointer_mut(parent) else {
                return status(422, "Invalid", &format!("no path {parent}"));
            };
            match (op["op"].as_str(), p) {
                (Some("add" | "replace"), Value::Object(m)) => {
                    m.insert(last, op["value"].clone());
                }
                (Some("add"), Value::Array(a)) if last == "-" => a.push(op["value"].clone()),
                (Some("remove"), Value::Object(m)) => {
                    m.remove(&last);
                }
                _ => return status(422, "Invalid", "unsupported json patch op"),
            }
        }
    } else if ctype.starts_with("application/apply-patch") {
        apply_merge(&mut obj, &body);
    } else {
        merge(&mut obj, &body);
    }
    if sub == Some("scale") {
        if !dry_run {
            obj = store(s, existing, obj);
        }
        return json_answer(200, &scale_of(&obj));
    }
    if !dry_run {
        obj = store(s, existing, obj);
    }
    json_answer(200, &obj)
}

fn store(s: &mut State, at: Option<usize>, mut obj: Value) -> Value {
    s.resource_version += 1;
    let rv = s.resource_version;
    obj["metadata"]["resourceVersion"] = json!(rv.to_string());
    let ty = if at.is_some() { "MODIFIED" } else { "ADDED" };
    s.events.push((rv, ty, obj.clone()));
    match at {
        Some(i) => s.objects[i] = obj.clone(),
        None => s.objects.push(obj.clone()),
    }
    obj
}

fn same_object(a: &Value, b: &Value) -> bool {
    a["kind"] == b["kind"]
        && a["apiVersion"] == b["apiVersion"]
        && a.pointer("/metadata/name") == b.pointer("/metadata/name")
        && a.pointer("/metadata/namespace") == b.pointer("/metadata/namespace")
}

/// POST to a collection: creates, 409 when the object exists.
fn create(s: &mut State, r: &Res, ns: Option<&str>, req: &Req) -> Answer {
    let Ok(mut obj) = serde_json::from_slice::<Value>(&req.body) else {
        return status(400, "BadRequest", "cannot parse the body");
    };
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if find(s, r, ns, &name).is_some() {
        return status(
            409,
            "AlreadyExists",
            &format!("{} \"{name}\" already exists", r.plural),
        );
    }
    obj["apiVersion"] = json!(r.api_version());
    obj["kind"] = json!(r.kind);
    if let Some(ns) = ns {
        obj["metadata"]["namespace"] = json!(ns);
    }
    obj["metadata"]["uid"] = json!(format!("uid-{name}"));
    let stored = store(s, None, obj);
    json_answer(201, &stored)
}

/// PUT of a whole object: 409 when its resourceVersion is not the stored one.
fn replace(s: &mut State, r: &Res, ns: Option<&str>, name: &str, req: &Req) -> Answer {
    let Ok(mut obj) = serde_json::from_slice::<Value>(&req.body) else {
        return status(400, "BadRequest", "cannot parse the body");
    };
    let Some(i) = find(s, r, ns, name) else {
        return not_found(r, name);
    };
    let given = obj.pointer("/metadata/resourceVersion").cloned();
    if given.is_some() && given.as_ref() != s.objects[i].pointer("/metadata/resourceVersion") {
        return status(
            409,
            "Conflict",
            &format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                r.plural
            ),
        );
    }
    obj["apiVersion"] = json!(r.api_version());
    obj["kind"] = json!(r.kind);
    let stored = store(s, Some(i), obj);
    json_answer(200, &stored)
}

/// RFC 7386 JSON merge patch.
pub fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    let Value::Object(t) = target else { return };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge(t.entry(k.clone()).or_insert(Value::Null), v);
        }
    }
}

/// Server-side apply, approximately: objects merge recursively, lists of named items merge
/// by name (so fields the server defaulted stay, as on a real server), other lists replace.
pub fn apply_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(existing) => apply_merge(existing, v),
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(p))
            if p.iter().all(|i| i.get("name").is_some())
                && t.iter().all(|i| i.get("name").is_some()) =>
        {
            let mut out = Vec::new();
            for pi in p {
                let mut item = t
                    .iter()
                    .find(|ti| ti.get("name") == pi.get("name"))
                    .cloned()
                    .unwrap_or(json!({}));
                apply_merge(&mut item, pi);
                out.push(item);
            }
            *t = out;
        }
        // Lists with other merge keys (ports…): item by item when the lengths agree.
        (Value::Array(t), Value::Array(p)) if t.len() == p.len() => {
            for (ti, pi) in t.iter_mut().zip(p) {
                apply_merge(ti, pi);
            }
        }
        (t, p) => *t = p.clone(),
    }
}

// ---------------------------------------------------------------------------- authn/authz

/// What TokenReview and SubjectAccessReview answer: tokens → (user, groups), and an allow
/// table user × verb × resource (`resource` or `resource/subresource`), set by the test.
#[derive(Default)]
struct Identities {
    tokens: BTreeMap<String, (String, Vec<String>)>,
    allow: BTreeSet<(String, String, String)>,
}

impl Identities {
    fn allowed(&self, user: &str, attrs: &Value) -> bool {
        let verb = attrs["verb"].as_str().unwrap_or("");
        let mut resource = attrs["resource"].as_str().unwrap_or("").to_string();
        if let Some(sub) = attrs["subresource"].as_str().filter(|s| !s.is_empty()) {
            resource = format!("{resource}/{sub}");
        }
        self.allow
            .contains(&(user.to_string(), verb.to_string(), resource))
    }
}

/// `authentication.k8s.io/v1` TokenReview and SelfSubjectReview, `authorization.k8s.io/v1`
/// SubjectAccessReview and SelfSubjectAccessReview (POST only, answered with the reviewed
/// object and its status, as the API server does). `None`: not one of these paths.
fn identities_route(ids: &Identities, req: &Req) -> Option<Answer> {
    let kind = match req.path.as_str() {
        "/apis/authentication.k8s.io/v1/tokenreviews" => "TokenReview",
        "/apis/authentication.k8s.io/v1/selfsubjectreviews" => "SelfSubjectReview",
        "/apis/authorization.k8s.io/v1/subjectaccessreviews" => "SubjectAccessReview",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews" => "SelfSubjectAccessReview",
        _ => return None,
    };
    if req.method != "POST" {
        return Some(status(405, "MethodNotAllowed", "only POST is supported"));
    }
    let Ok(mut body) = serde_json::from_slice::<Value>(&req.body) else {
        return Some(status(400, "BadRequest", "the body is not JSON"));
    };
    let caller = req
        .headers
        .get("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .and_then(|t| ids.tokens.get(t));
    let user_info = |(u, g): &(String, Vec<String>)| json!({"username": u, "groups": g});
    match kind {
        "TokenReview" => {
            let token = body
                .pointer("/spec/token")
                .and_then(Value::as_str)
                .unwrap_or("");
            body["status"] = match ids.tokens.get(token) {
                Some(u) => json!({"authenticated": true, "user": user_info(u)}),
                None => json!({"authenticated": false, "error": "invalid bearer token"}),
            };
        }
        "SelfSubjectReview" => {
            // Answered only for tokens a test registered; other callers get 404 as before.
            body["status"] = json!({"userInfo": user_info(caller?)});
        }
        "SubjectAccessReview" => {
            let user = body
                .pointer("/spec/user")
                .and_then(Value::as_str)
                .unwrap_or("");
            let attrs = body
                .pointer("/spec/resourceAttributes")
                .cloned()
                .unwrap_or_default();
            let ok = ids.allowed(user, &attrs);
            body["status"] = json!({"allowed": ok, "reason": if ok { "allowed by the test's table" } else { "" }});
        }
        _ => {
            let user = caller.map(|(u, _)| u.as_str()).unwrap_or("");
            let attrs = body
                .pointer("/spec/resourceAttributes")
                .cloned()
                .unwrap_or_default();
            body["status"] = json!({"allowed": ids.allowed(user, &attrs)});
        }
    }
    Some(json_answer(201, &body))
}
