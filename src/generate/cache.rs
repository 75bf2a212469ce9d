//! The content-addressed cache: the same input never calls a model twice.
//!
//! The key hashes provider, model, prompt version, instructions, parameters and namespace.
//! Entries are written atomically (temp file + rename in the same directory), so concurrent
//! runs and crashes never leave a half-written entry; a corrupt entry is a miss.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

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

/// Hex sha256 of a string.
pub fn sha256_hex(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

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
