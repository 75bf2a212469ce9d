//! A loopback GraphQL server in the shape of the Mina daemon's (`daemonStatus { syncStatus
//! blockchainLength peers { peerId } }`) plus the TargetApp seed's `application { status
//! health pendingTasks lastError }`, for the TargetApp controller's tests.
//!
//! It answers every POST with `{"data": <the scripted state>}` — the whole state, whatever
//! the query selects (the controller diffs what it gets) — and records each query. A test
//! scripts state changes ([`FakeGraphql::set`]) and faults ([`Fault`]): slow answers, HTTP
//! 500, GraphQL `errors` in a 200 reply, malformed JSON. Plain HTTP/1.1, `Connection:
//! close`, one thread per connection.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// How the next answers go wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    None,
    /// Answer (correctly) after this long.
    Slow(Duration),
    /// HTTP 500.
    ServerError,
    /// A 200 with GraphQL `errors` and `data: null`.
    GraphqlErrors(String),
    /// A 200 whose body is not JSON.
    Malformed,
}

struct State {
    data: Value,
    fault: Fault,
    queries: Vec<String>,
}

/// A running fake; it lives until the test process ends.
#[derive(Clone)]
pub struct FakeGraphql {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

/// A Mina-shaped state with the seed's `application` block.
pub fn mina_state(health: &str, sync: &str, length: u64, peers: &[&str]) -> Value {
    json!({
        "daemonStatus": {
            "syncStatus": sync,
            "blockchainLength": length,
            "peers": peers.iter().map(|p| json!({"peerId": p})).collect::<Vec<_>>(),
        },
        "application": {"status": "running", "health": health, "pendingTasks": 0, "lastError": null},
    })
}

impl FakeGraphql {
    pub fn start(data: Value) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State {
            data,
            fault: Fault::None,
            queries: Vec::new(),
        }));
        let st = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let st = st.clone();
                std::thread::spawn(move || {
                    let _ = answer(stream, &st);
                });
            }
        });
        Self { addr, state }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `127.0.0.1:<port>/graphql`: the seed's endpoint form (host and path, no scheme).
    pub fn endpoint(&self) -> String {
        format!("{}/graphql", self.addr)
    }

    pub fn set(&self, data: Value) {
        self.state.lock().unwrap().data = data;
    }

    pub fn fault(&self, f: Fault) {
        self.state.lock().unwrap().fault = f;
    }

    /// The queries received so far.
    pub fn queries(&self) -> Vec<String> {
        self.state.lock().unwrap().queries.clone()
    }

    pub fn polls(&self) -> usize {
        self.state.lock().unwrap().queries.len()
    }
}

fn answer(stream: std::net::TcpStream, st: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut len = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.trim().eq_ignore_ascii_case("content-length")
        {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let query = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["query"].as_str().map(str::to_string))
        .unwrap_or_default();
    let (fault, data) = {
        let mut s = st.lock().unwrap();
        s.queries.push(query.clone());
        (s.fault.clone(), s.data.clone())
    };
    let (code, text) = if !line.starts_with("POST ") {
        (
            405,
            json!({"errors": [{"message": "POST a GraphQL query"}]}).to_string(),
        )
    } else if query.trim().is_empty() {
        (
            400,
            json!({"errors": [{"message": "no query"}]}).to_string(),
        )
    } else {
        match fault {
            Fault::None => (200, json!({"data": data}).to_string()),
            Fault::Slow(d) => {
                std::thread::sleep(d);
                (200, json!({"data": data}).to_string())
            }
            Fault::ServerError => (500, "internal error".to_string()),
            Fault::GraphqlErrors(m) => (
                200,
                json!({"data": null, "errors": [{"message": m, "locations": [{"line": 1, "column": 3}]}]})
                    .to_string(),
            ),
            Fault::Malformed => (200, "{\"data\": {\"daemonStatus\": ".to_string()),
        }
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )?;
    out.flush()
}
