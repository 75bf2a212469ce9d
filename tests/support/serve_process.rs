//! One `kubectl claude serve` child for the serve, dashboard and TargetApp tests: spawned
//! with stderr captured, its JSON log collected, and the address it announced in its
//! `serving` line.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// The flags every test's serve runs with: any free port, fast debounce and lease timing.
pub const FAST: &[&str] = &[
    "serve",
    "--listen",
    "127.0.0.1:0",
    "--debounce",
    "100ms",
    "--renew-every",
    "200ms",
    "--lease-duration",
    "2s",
];

/// Spawns `c` (already holding its arguments) and waits up to 30 s for its `serving` line.
/// Returns the child, the address it listens on and its log so far (still growing).
pub fn spawn(mut c: Command) -> (Child, String, Arc<Mutex<String>>) {
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn serve");
    let stderr = child.stderr.take().expect("serve's stderr");
    let log = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let l2 = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str::<Value>(&line)
                && v["msg"] == "serving"
            {
                let _ = tx.send(v["listen"].as_str().unwrap_or("").to_string());
            }
            l2.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("serve did not start: {}", log.lock().unwrap()));
    (child, addr, log)
}
