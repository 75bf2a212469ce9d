//! Snapshot directories: the offline ClusterView.
//!
//! Reads a tree of `*.yaml|*.yml|*.json` files: single objects, multi-document streams,
//! `kind: List` / `*List` (what `kubectl get -o yaml` writes) and the layout of
//! `kubectl cluster-info dump --output-directory` (JSON lists per kind, and
//! `<ns>/<pod>/logs.txt` — also `<ns>/<pod>/<container>.log` as our `snapshot` writes).
//! A bad file is reported by path and skipped; it never aborts the load — but a directory
//! in which nothing could be read is an error, never an empty (healthy-looking) cluster.
//!
//! Memory is bounded: JSON is parsed straight from the file (no text copy), `managedFields`
//! (often a third of a dump, read by nothing) are dropped on load, narrowing to a run's
//! kinds shares objects instead of copying them, and files past [`MAX_JSON_FILE_BYTES`] /
//! [`MAX_YAML_FILE_BYTES`] or a tree past [`MAX_TOTAL_BYTES`] are refused.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Error, Inventory, Scope};
use crate::manifest;

/// The largest JSON file read. A `cluster-info dump` list (indented JSON) costs ~6× its size
/// in memory, compact JSON ~16×.
pub const MAX_JSON_FILE_BYTES: u64 = 128 << 20;
/// The largest YAML file read: the YAML parser costs ~15× the file's size in memory.
pub const MAX_YAML_FILE_BYTES: u64 = 32 << 20;
/// The most bytes of objects read from one snapshot directory.
pub const MAX_TOTAL_BYTES: u64 = 256 << 20;
/// The tail of each log file kept (recipes read the last lines).
pub const MAX_LOG_BYTES: u64 = 1 << 20;

/// A loaded snapshot.
#[derive(Debug, Clone)]
pub struct SnapshotCluster {
    root: PathBuf,
    inventory: Inventory,
}

/// What a load saw, for the error when nothing was usable.
#[derive(Default)]
struct Seen {
    manifests: usize,
    ignored: usize,
    logs: usize,
    bytes: u64,
}

impl SnapshotCluster {
    /// Loads every object and log under `root`.
    pub fn load(root: &Path) -> Result<Self, Error> {
        let fail = |message: String| Error::Snapshot {
            path: root.to_path_buf(),
            message,
        };
        match std::fs::metadata(root) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(fail("no such file or directory".into()));
            }
            Err(e) => return Err(fail(e.to_string())),
            Ok(m) if !m.is_dir() => {
                return Err(fail(format!(
                    "is {}, not a directory (--snapshot takes the directory a snapshot was written to)",
                    file_type_name(&m.file_type())
                )));
            }
            Ok(_) => {}
        }
        let mut inv = Inventory::new();
        let mut seen = Seen::default();
        let files = walk(root, &mut inv).map_err(|e| fail(e.to_string()))?;
        for f in files {
            let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name == "logs.txt" || name.ends_with(".log") {
                read_log(root, &f, &mut inv);
                seen.logs += 1;
                continue;
            }
            if !manifest::is_manifest_file(&f) {
                seen.ignored += 1;
                continue;
            }
            seen.manifests += 1;
            let json_ext = f.extension().is_some_and(|e| e == "json");
            match read_objects(&f, json_ext, MAX_TOTAL_BYTES.saturating_sub(seen.bytes)) {
                Ok((values, size)) => {
                    seen.bytes += size;
                    for mut v in values {
                        strip_unread(&mut v);
                        inv.insert(v);
                    }
                }
                Err(reason) => inv.unreadable.push((f.display().to_string(), reason)),
            }
        }
        // `skipped-kinds.txt` records kinds that could not be captured.
        if let Ok(text) = std::fs::read_to_string(root.join("skipped-kinds.txt")) {
            for line in text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            {
                let (kind, reason) = line.split_once(':').unwrap_or((line, "not captured"));
                inv.skipped.push(super::SkippedKind {
                    kind: kind.trim().to_string(),
                    reason: reason.trim().into(),
                });
            }
        }
        // `served-kinds.txt` records kinds the cluster serves even with no objects; those
        // not also skipped were read (listed, and empty).
        if let Ok(text) = std::fs::read_to_string(root.join("served-kinds.txt")) {
            for k in text
                .lines()
                .map(str::trim)
                .filter(|k| !k.is_empty() && !k.starts_with('#'))
            {
                if inv.skipped.iter().any(|s| s.kind == k) {
                    inv.mark_served(k);
                } else {
                    inv.mark_read(k);
                }
            }
        }
        if !inv.read_any(&[]) {
            return Err(fail(nothing_read(&seen, &inv)));
        }
        Ok(Self {
            root: root.to_path_buf(),
            inventory: inv,
        })
    }

    /// A view with nothing in it, for decisions that need no cluster (refusing a forbidden
    /// action must not depend on reaching one).
    pub fn empty(label: &str) -> Self {
        Self {
            root: PathBuf::from(label),
            inventory: Inventory::new(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The whole inventory as loaded.
    pub fn inventory(&self) -> &Inventory {
        &self.inventory
    }

    /// The objects of the given kinds in scope (all kinds when `kinds` is empty), so that a
    /// snapshot answers exactly what a live LIST of the same kinds would.
    pub fn gather(&self, kinds: &[&str], scope: &Scope) -> Inventory {
        let mut out = Inventory::new();
        for o in self.inventory.all_shared() {
            let obj = super::Obj(o);
            let kind_ok = kinds.is_empty()
                || kinds.contains(&obj.kind())
                || (kinds.contains(&super::kinds::CUSTOM_RESOURCES)
                    && !super::kinds::is_known(obj.api_version(), obj.kind()));
            if kind_ok && scope.contains(obj.namespace()) {
                out.insert_shared(o.clone());
            }
        }
        for k in self.inventory.served_kinds() {
            out.mark_served(k);
        }
        for k in self.inventory.read_kinds() {
            if kinds.is_empty() || kinds.contains(&k) {
                out.mark_read(k);
            }
        }
        for ((ns, pod, c), text) in &self.inventory.logs {
            if scope.contains(Some(ns)) {
                out.logs
                    .insert((ns.clone(), pod.clone(), c.clone()), text.clone());
            }
        }
        // Like a live gather, report only the unreadable kinds that were asked for.
        out.skipped = self
            .inventory
            .skipped
            .iter()
            .filter(|s| kinds.is_empty() || kinds.contains(&s.kind.as_str()))
            .cloned()
            .collect();
        out.unreadable = self.inventory.unreadable.clone();
        out
    }
}

fn file_type_name(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_file() {
        "a file"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_symlink() {
        "a dangling symlink"
    } else {
        "not a regular file"
    }
}

/// Every regular file under `root`, sorted; hidden entries skipped, symlinked directories not
/// followed. What cannot be used — a FIFO, a device, a dangling link, an unreadable
/// subdirectory — is recorded in `inv.unreadable` (reading a FIFO would block forever).
fn walk(root: &Path, inv: &mut Inventory) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    let mut first = true;
    while let Some(d) = stack.pop() {
        let rd = match std::fs::read_dir(&d) {
            Ok(rd) => rd,
            Err(e) if first => return Err(e),
            Err(e) => {
                inv.unreadable.push((
                    d.display().to_string(),
                    format!("cannot list directory: {e}"),
                ));
                continue;
            }
        };
        first = false;
        for entry in rd.flatten() {
            let p = entry.path();
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            let Ok(t) = entry.file_type() else { continue };
            if hidden {
                continue;
            }
            if t.is_dir() {
                stack.push(p);
                continue;
            }
            // A symlink counts when it leads to a regular file; to a directory it does not.
            let target = if t.is_symlink() {
                match std::fs::metadata(&p) {
                    Ok(m) if m.is_dir() => continue,
                    Ok(m) => m.file_type(),
                    Err(_) => t,
                }
            } else {
                t
            };
            if target.is_file() {
                out.push(p);
            } else if manifest::is_manifest_file(&p) || p.extension().is_some_and(|e| e == "log") {
                inv.unreadable.push((
                    p.display().to_string(),
                    format!("{}, not a regular file", file_type_name(&target)),
                ));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The objects in one file and the bytes it took, or why it could not be used. Never reads
/// more than the file's size limit (or `budget`, what is left of the snapshot's).
fn read_objects(f: &Path, json_ext: bool, budget: u64) -> Result<(Vec<Value>, u64), String> {
    let file = std::fs::File::open(f).map_err(|e| e.to_string())?;
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    let limit = if json_ext {
        MAX_JSON_FILE_BYTES
    } else {
        MAX_YAML_FILE_BYTES
    };
    let too_big = |what: &str, limit: u64| {
        format!(
            "larger than the {} MiB {what} limit; split it (e.g. one file per kind, as `kubectl claude snapshot` writes)",
            limit >> 20
        )
    };
    if size > limit {
        return Err(too_big(
            if json_ext {
                "per-JSON-file"
            } else {
                "per-YAML-file"
            },
            limit,
        ));
    }
    if size > budget {
        return Err(too_big("per-snapshot", MAX_TOTAL_BYTES));
    }
    // The size can change under us (a file being written): never read past the limit.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(too_big("per-file", limit));
    }
    let len = bytes.len() as u64;
    parse_file(bytes).map(|v| (v, len))
}

/// Fields no recipe reads that can dominate a dump's size: `managedFields`, and the
/// last-applied annotation (a whole copy of the object — of a Secret, its data in clear).
fn strip_unread(v: &mut Value) {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
        if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            ann.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
}

/// The error text for a directory in which nothing could be read.
fn nothing_read(seen: &Seen, inv: &Inventory) -> String {
    let mut parts = vec![format!(
        "no Kubernetes object could be read ({} manifest file(s), {} log file(s), {} other file(s) ignored)",
        seen.manifests, seen.logs, seen.ignored
    )];
    if !inv.unreadable.is_empty() {
        let list: Vec<String> = inv
            .unreadable
            .iter()
            .take(5)
            .map(|(f, why)| format!("{f}: {why}"))
            .collect();
        parts.push(format!(
            "unreadable: {}{}",
            list.join("; "),
            if inv.unreadable.len() > 5 {
                "; …"
            } else {
                ""
            }
        ));
    }
    if !inv.skipped.is_empty() {
        let list: Vec<String> = inv
            .skipped
            .iter()
            .map(|s| format!("{} ({})", s.kind, s.reason))
            .collect();
        parts.push(format!("not captured: {}", list.join("; ")));
    }
    parts.join("; ")
}

/// Objects in one file. JSON (what `cluster-info dump` writes) goes through serde_json,
/// tens of times faster than a YAML parser on a large dump and parsed from the bytes with no
/// text copy; everything else through the YAML parser with budgets sized for whole-cluster
/// lists.
fn parse_file(bytes: Vec<u8>) -> Result<Vec<Value>, String> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v) => {
                let docs = match v {
                    Value::Array(a) => a,
                    other => vec![other],
                };
                return Ok(docs.into_iter().flat_map(manifest::unpack_lists).collect());
            }
            // Past the YAML size limit, a broken JSON file is not retried as YAML (that would
            // cost the YAML parser's memory on a file we refuse as YAML).
            Err(e) if bytes.len() as u64 > MAX_YAML_FILE_BYTES => {
                return Err(format!("invalid JSON: {e}"));
            }
            Err(_) => {}
        }
    }
    if bytes.len() as u64 > MAX_YAML_FILE_BYTES {
        return Err(format!(
            "not JSON, and larger than the {} MiB per-YAML-file limit",
            MAX_YAML_FILE_BYTES >> 20
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let docs =
        manifest::yaml::parse_stream_large(&text).map_err(|e| format!("invalid YAML/JSON: {e}"))?;
    Ok(docs.into_iter().flat_map(manifest::unpack_lists).collect())
}

/// `<root>/.../<ns>/<pod>/logs.txt` or `<ns>/<pod>/<container>.log`; only the last
/// [`MAX_LOG_BYTES`] of each are kept.
fn read_log(root: &Path, f: &Path, inv: &mut Inventory) {
    let Ok(rel) = f.strip_prefix(root) else {
        return;
    };
    let parts: Vec<&str> = rel.iter().filter_map(|p| p.to_str()).collect();
    if parts.len() < 3 {
        return;
    }
    let file = parts[parts.len() - 1];
    let pod = parts[parts.len() - 2];
    let ns = parts[parts.len() - 3];
    let container = if file == "logs.txt" {
        String::new()
    } else {
        file.trim_end_matches(".log").to_string()
    };
    let tail = || -> std::io::Result<Vec<u8>> {
        use std::io::{Seek, SeekFrom};
        let mut file = std::fs::File::open(f)?;
        let size = file.metadata()?.len();
        if size > MAX_LOG_BYTES {
            file.seek(SeekFrom::Start(size - MAX_LOG_BYTES))?;
        }
        let mut bytes = Vec::new();
        file.take(MAX_LOG_BYTES).read_to_end(&mut bytes)?;
        Ok(bytes)
    };
    match tail() {
        Ok(bytes) => {
            inv.logs.insert(
                (ns.to_string(), pod.to_string(), container),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        }
        Err(e) => inv
            .unreadable
            .push((f.display().to_string(), e.to_string())),
    }
}

/// The value secrets are replaced with (owned by [`crate::redact`]).
pub use crate::redact::REDACTED;
pub use crate::redact::looks_secret;

mod dump;

pub use dump::{README, WriteSummary, redact, write};

#[cfg(test)]
mod tests;
