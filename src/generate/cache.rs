//! The content-addressed cache: the same input never calls a model twice.
//!
//! The key hashes provider, model, prompt version, instructions, parameters and namespace.
//! Entries are written atomically (temp file + rename in the same directory), so concurrent
//! runs and crashes never leave a half-written entry; a corrupt entry is a miss.
//!
//! Single flight: concurrent renders of one key (100 CMP renders of one app at once) wait for
//! one model call. The first takes `<key>.lock` beside the entry (created exclusively), the
//! others poll until it is gone and then read the entry it wrote. A lock whose holder died
//! (no such process) or that is older than [`STALE_AFTER`] is taken over; a waiter that
//! waits past its timeout makes its own call rather than fail the render.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What identifies one generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyInput<'a> {
    pub provider: &'a str,
    pub model: &'a str,
    pub prompt_version: &'a str,
    pub instructions: &'a str,
    pub params: &'a BTreeMap<String, String>,
    pub namespace: Option<&'a str>,
}

pub use crate::hash::sha256_hex;

/// The cache key for an input.
pub fn key(input: &KeyInput<'_>) -> String {
    // serde_json with sorted params (BTreeMap) is a stable encoding.
    let encoded = serde_json::to_string(input).unwrap_or_default();
    // v2: entries before it could hold a CMP destination namespace the key does not cover.
    sha256_hex(&format!("kubectl-claude/v2\n{encoded}"))
}

/// A cache entry on disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub v: u32,
    pub key: String,
    pub provider: String,
    pub model: String,
    pub created: String,
    pub objects: Vec<Value>,
    /// The offline generator's notes, so a hit reports (and `--strict` judges) the same.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defaults: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_understood: Vec<String>,
}

/// The cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.join("generate"),
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        let shard = key.get(..2).unwrap_or("00");
        self.dir.join(shard).join(format!("{key}.json"))
    }

    /// The entry for a key; unreadable or mismatched entries are misses.
    pub fn get(&self, key: &str) -> Option<Entry> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let e: Entry = serde_json::from_slice(&bytes).ok()?;
        (e.key == key && e.v == 1 && !e.objects.is_empty()).then_some(e)
    }

    /// Stores an entry atomically.
    pub fn put(&self, entry: &Entry) -> std::io::Result<()> {
        let path = self.path(&entry.key);
        let dir = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(dir)?;
        let bytes = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        write_atomic(&path, &bytes)
    }
}

/// A lock older than this is abandoned whatever its holder: no model call takes this long.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// A lock file with no holder written in it is abandoned after this.
pub const UNWRITTEN_STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a render waits for another render of the same key by default.
pub const WAIT_FOR_FLIGHT: std::time::Duration = std::time::Duration::from_secs(300);

/// Holding the lock of one key; dropping it releases the lock (removes the file if it is
/// still ours).
#[derive(Debug)]
pub struct Flight {
    path: Option<PathBuf>,
    token: String,
}

impl Flight {
    /// True when this render holds the lock (false: it waited past the timeout, or the cache
    /// directory cannot hold a lock, and proceeds on its own).
    pub fn held(&self) -> bool {
        self.path.is_some()
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        if let Some(p) = &self.path
            && std::fs::read_to_string(p).is_ok_and(|t| t == self.token)
        {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// What a lock file says about its holder.
fn lock_is_stale(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let old = meta
        .modified()
        .ok()
        .and_then(|m| m.elapsed().ok())
        .is_some_and(|age| age > STALE_AFTER);
    if old {
        return true;
    }
    // `pid:nonce`; a holder that no longer exists left it behind (kill -9, OOM).
    let holder = std::fs::read_to_string(path).unwrap_or_default();
    match holder.split(':').next().and_then(|p| p.parse::<u32>().ok()) {
        Some(pid) if Path::new("/proc").is_dir() => !Path::new(&format!("/proc/{pid}")).exists(),
        Some(_) => false,
        // No holder written: its process died between creating the file and writing it (or
        // the write was lost with the node). Its holder writes at once, so once the file is
        // a few seconds old nobody owns it; waiting STALE_AFTER would outlast the CMP deadline.
        None => meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > UNWRITTEN_STALE_AFTER),
    }
}

impl Cache {
    fn lock_path(&self, key: &str) -> PathBuf {
        self.path(key).with_extension("lock")
    }

    /// Waits (up to `wait`) to be the one render of `key` that calls the model. Check the
    /// cache again after this returns: the render that held the lock may have filled it.
    pub async fn single_flight(&self, key: &str, wait: std::time::Duration) -> Flight {
        let path = self.lock_path(key);
        let nonce = sha256_hex(&format!(
            "{}:{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        let token = format!("{}:{}", std::process::id(), &nonce[..16]);
        let none = || Flight {
            path: None,
            token: String::new(),
        };
        if let Some(dir) = path.parent()
            && std::fs::create_dir_all(dir).is_err()
        {
            return none();
        }
        let started = std::time::Instant::now();
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    use std::io::Write;
                    if f.write_all(token.as_bytes()).is_err() {
                        let _ = std::fs::remove_file(&path);
                        return none();
                    }
                    return Flight {
                        path: Some(path),
                        token,
                    };
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if lock_is_stale(&path) {
                        // Take it over: remove and race for it again (create_new decides).
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if started.elapsed() >= wait {
                        return none();
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                // A read-only or odd cache directory: no lock, as without a cache.
                Err(_) => return none(),
            }
        }
    }
}

/// Writes a file atomically: a temp file in the same directory, fsync, rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_data()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(p: &'a BTreeMap<String, String>, text: &'a str) -> KeyInput<'a> {
        KeyInput {
            provider: "anthropic",
            model: "m",
            prompt_version: "p1",
            instructions: text,
            params: p,
            namespace: None,
        }
    }

    #[test]
    fn key_changes_with_every_input() {
        let p = BTreeMap::new();
        let a = key(&input(&p, "x"));
        assert_eq!(a, key(&input(&p, "x")));
        assert_ne!(a, key(&input(&p, "y")));
        let mut q = BTreeMap::new();
        q.insert("k".to_string(), "v".to_string());
        assert_ne!(a, key(&input(&q, "x")));
        let mut i = input(&p, "x");
        i.model = "other";
        assert_ne!(a, key(&i));
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
    }

    #[test]
    fn one_flight_per_key_with_timeout_and_stale_recovery() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::new(d.path());
        let short = std::time::Duration::from_millis(200);
        rt().block_on(async {
            let a = c.single_flight("ab12", short).await;
            assert!(a.held());
            // A second render of the same key waits, then gives up and goes alone.
            let t = std::time::Instant::now();
            let b = c.single_flight("ab12", short).await;
            assert!(!b.held() && t.elapsed() >= short);
            // Another key is not held up.
            assert!(c.single_flight("cd34", short).await.held());
            drop(a);
            assert!(!c.lock_path("ab12").exists(), "released on drop");
            assert!(c.single_flight("ab12", short).await.held());
        });
        // A lock left by a process that no longer exists is taken over at once.
        let p = c.lock_path("ef56");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, "4194999:dead").unwrap();
        let t = std::time::Instant::now();
        let f = rt().block_on(c.single_flight("ef56", std::time::Duration::from_secs(5)));
        assert!(f.held() && t.elapsed() < std::time::Duration::from_secs(1));
        // An empty lock (its holder died before writing itself) is taken over once it is a
        // few seconds old, not after STALE_AFTER.
        let p = c.lock_path("gh78");
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, "").unwrap();
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(30);
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(past)
            .unwrap();
        let t = std::time::Instant::now();
        let f = rt().block_on(c.single_flight("gh78", std::time::Duration::from_secs(5)));
        assert!(f.held() && t.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn round_trip_and_corrupt_entries_miss() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::new(d.path());
        let e = Entry {
            v: 1,
            key: "ab12".into(),
            provider: "p".into(),
            model: "m".into(),
            created: "t".into(),
            objects: vec![serde_json::json!({"kind": "X"})],
            defaults: vec![],
            not_understood: vec!["x".into()],
        };
        c.put(&e).unwrap();
        assert_eq!(c.get("ab12"), Some(e));
        std::fs::write(c.path("ab12"), b"{half").unwrap();
        assert_eq!(c.get("ab12"), None);
    }
}
