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

/// What [`write`] produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteSummary {
    pub files: usize,
    pub objects: usize,
    pub logs: usize,
}

/// The value secrets are replaced with (owned by [`crate::redact`]).
pub use crate::redact::REDACTED;

/// Writes an inventory as a snapshot directory [`SnapshotCluster::load`] reads back: one
/// `<kind>.json` List per kind, `served-kinds.txt`, `skipped-kinds.txt` and
/// `<ns>/<pod>/<container>.log`. Objects are [`redact`]ed first. Every file is written to a
/// temporary name and renamed, so an interrupted run never leaves a half-written file.
pub fn write(dir: &Path, inv: &Inventory) -> Result<WriteSummary, Error> {
    let err = |path: &Path, e: &dyn std::fmt::Display| Error::Snapshot {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| err(dir, &e))?;
    let mut summary = WriteSummary::default();
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Value>> = Default::default();
    for o in inv.all() {
        let mut v = o.value().clone();
        redact(&mut v);
        by_kind.entry(o.kind()).or_default().push(v);
    }
    for (kind, mut items) in by_kind {
        items.sort_by(|a, b| {
            let (a, b) = (super::Obj(a), super::Obj(b));
            (a.namespace(), a.name()).cmp(&(b.namespace(), b.name()))
        });
        summary.objects += items.len();
        let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": items});
        // JSON, as `kubectl cluster-info dump` writes: it is YAML too, and 10,000 pods load
        // through serde_json in ~0.15 s against ~0.65 s through the YAML parser
        // (benches/cluster.rs).
        let path = dir.join(format!(
            "{}.json",
            safe_component(&kind.to_ascii_lowercase())
        ));
        let text = serde_json::to_string_pretty(&list).map_err(|e| err(&path, &e))?;
        atomic_write(&path, text.as_bytes()).map_err(|e| err(&path, &e))?;
        summary.files += 1;
    }
    let served: Vec<&str> = inv.served_kinds().collect();
    let path = dir.join("served-kinds.txt");
    let text = format!(
        "# kinds the cluster serves (even with no objects)\n{}\n",
        served.join("\n")
    );
    atomic_write(&path, text.as_bytes()).map_err(|e| err(&path, &e))?;
    let path = dir.join("skipped-kinds.txt");
    let mut text = String::from("# kinds that could not be read: `Kind: reason`\n");
    for s in &inv.skipped {
        let reason = crate::redact::redact(&s.reason.to_string().replace('\n', " "));
        text.push_str(&format!("{}: {reason}\n", s.kind));
    }
    atomic_write(&path, text.as_bytes()).map_err(|e| err(&path, &e))?;
    let path = dir.join("README.md");
    atomic_write(&path, README.as_bytes()).map_err(|e| err(&path, &e))?;
    summary.files += 3;
    for ((ns, pod, container), log) in &inv.logs {
        let file = if container.is_empty() {
            "logs.txt".to_string()
        } else {
            format!("{}.log", safe_component(container))
        };
        let path = dir
            .join(safe_component(ns))
            .join(safe_component(pod))
            .join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| err(parent, &e))?;
        }
        let log = crate::redact::redact(log);
        atomic_write(&path, log.as_bytes()).map_err(|e| err(&path, &e))?;
        summary.logs += 1;
        summary.files += 1;
    }
    Ok(summary)
}

/// A name from the cluster as one safe path component: no separators, no `..`.
fn safe_component(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.chars().all(|c| c == '.') {
        "_".into()
    } else {
        out
    }
}

fn atomic_write(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

pub use crate::redact::looks_secret;

/// Removes what a snapshot must never hold or does not need: Secret values, likely-secret
/// env and ConfigMap values (keys kept, values `<redacted>`), `managedFields` and the
/// last-applied annotation (a full copy of the object, Secret data included).
pub fn redact(v: &mut Value) {
    let kind = v
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
        if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut) {
            ann.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
    let Value::Object(m) = v else { return };
    for field in ["data", "stringData", "binaryData"] {
        if let Some(Value::Object(d)) = m.get_mut(field) {
            for (k, val) in d.iter_mut() {
                if kind == "Secret" || looks_secret(k) {
                    *val = Value::String(REDACTED.into());
                }
            }
        }
    }
    redact_env(v);
    scrub_strings(v);
}

/// Runs the text scrubber over every string of an object (env values whose names look
/// harmless, args, event and status messages, ConfigMap values, annotations): a snapshot is
/// meant to be handed to someone. Arrays of strings are read as one command line, so
/// `["--db-password", "x"]` loses `x`.
fn scrub_strings(v: &mut Value) {
    match v {
        Value::String(s) => {
            let r = crate::redact::redact(s);
            if r != *s {
                *s = r;
            }
        }
        Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_string) => {
            let scrubbed = crate::redact::redact_seq(a.iter().filter_map(Value::as_str));
            for (item, r) in a.iter_mut().zip(scrubbed) {
                *item = Value::String(r);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(scrub_strings),
        Value::Object(m) => m.values_mut().for_each(scrub_strings),
        _ => {}
    }
}

/// The `README.md` a snapshot carries, so whoever receives it knows what is not in it.
pub const README: &str = "# kubectl-claude snapshot

Captured by `kubectl claude snapshot`; read it back with
`kubectl claude diagnose --snapshot <this directory>`.

## What was redacted

Values were replaced by `<redacted>` before anything was written:

- every value of every Secret (`data`, `stringData`), and of ConfigMap keys whose names
  look secret;
- env values whose names look secret (pass, pwd, secret, token, key, credential, auth,
  cookie, session and the like);
- in every other string — env values, container `command`/`args`, ConfigMap values,
  annotations, event and status messages — and in every log file: credentials in the shapes
  they usually take (`KEY=value`, `key: value`, JSON `\"key\": \"value\"`, `--flag value`,
  `-Dprop.password=value`, passwords in URLs and connection strings, bearer and basic
  credentials, known token prefixes, JWTs, long base64 runs, PEM private keys);
- `metadata.managedFields` and the `kubectl.kubernetes.io/last-applied-configuration`
  annotation (a full earlier copy of the object) were dropped.

Redaction is pattern-based: review the files before sharing them outside your team.
";

/// Redacts `env: [{name, value}]` entries with secret-looking names anywhere in the object.
fn redact_env(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, child) in m.iter_mut() {
                if k == "env"
                    && let Value::Array(items) = child
                {
                    for it in items.iter_mut() {
                        let secret = it
                            .get("name")
                            .and_then(Value::as_str)
                            .is_some_and(looks_secret);
                        if secret && let Some(val) = it.get_mut("value") {
                            *val = Value::String(REDACTED.into());
                        }
                    }
                } else {
                    redact_env(child);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact_env),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_lists_streams_dumps_and_logs_and_skips_bad_files() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join("pods.yaml"), "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: x}\n").unwrap();
        std::fs::write(root.join("stream.yml"), "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: other}\n").unwrap();
        std::fs::create_dir_all(root.join("x/a")).unwrap();
        std::fs::write(root.join("x/events.json"), r#"{"kind":"EventList","apiVersion":"v1","items":[{"metadata":{"name":"e1","namespace":"x"},"involvedObject":{"kind":"Pod","name":"a"}}]}"#).unwrap();
        std::fs::write(root.join("x/a/logs.txt"), "boom\n").unwrap();
        std::fs::write(root.join("bad.yaml"), "a: [unclosed\n").unwrap();
        let s = SnapshotCluster::load(root).unwrap();
        let inv = s.inventory();
        assert_eq!(inv.len(), 4);
        assert_eq!(inv.of_kind("Event").count(), 1);
        assert_eq!(inv.logs_for("x", "a", None), Some("boom\n"));
        assert_eq!(inv.unreadable.len(), 1);
        assert!(inv.unreadable[0].0.ends_with("bad.yaml"));
        let scoped = s.gather(&["Pod", "Service"], &Scope::namespace("x"));
        assert_eq!(
            scoped.len(),
            1,
            "{:?}",
            scoped
                .all()
                .map(|o| o.obj_ref().display())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn missing_directory_is_an_error() {
        assert!(SnapshotCluster::load(Path::new("/nonexistent/snap")).is_err());
    }

    #[test]
    fn loads_real_kubectl_get_yaml_lists() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("deploy.yaml"),
            r#"apiVersion: v1
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    annotations:
      deployment.kubernetes.io/revision: "3"
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"}}
    creationTimestamp: "2026-05-01T10:00:00Z"
    generation: 3
    labels:
      app: web
    name: web
    namespace: shop
    resourceVersion: "123456"
    uid: 5c0e3a9e-8c1f-4a57-9b1e-0c7d2a7f4b11
  spec:
    replicas: 2
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
      spec:
        containers:
        - image: nginx:1.27
          name: web
          ports:
          - containerPort: 80
            protocol: TCP
  status:
    conditions:
    - lastTransitionTime: "2026-05-01T10:01:00Z"
      message: Deployment does not have minimum availability.
      reason: MinimumReplicasUnavailable
      status: "False"
      type: Available
    observedGeneration: 3
    replicas: 2
    unavailableReplicas: 2
kind: List
metadata:
  resourceVersion: ""
"#,
        )
        .unwrap();
        let s = SnapshotCluster::load(d.path()).unwrap();
        let inv = s.inventory();
        let web = inv.get("Deployment", Some("shop"), "web").unwrap();
        assert_eq!(
            web.condition("Available").unwrap().reason,
            "MinimumReplicasUnavailable"
        );
        assert_eq!(web.i64_at("/spec/replicas"), Some(2));
        assert!(inv.unreadable.is_empty());
    }

    #[test]
    fn loads_a_cluster_info_dump_tree() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(
            root.join("nodes.json"),
            r#"{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"99"},"items":[
              {"metadata":{"name":"pi5-a","labels":{"kubernetes.io/arch":"arm64"}},
               "status":{"conditions":[{"type":"Ready","status":"False","reason":"KubeletNotReady"}]}}]}"#,
        )
        .unwrap();
        std::fs::create_dir_all(root.join("kube-system/coredns-abc")).unwrap();
        std::fs::write(
            root.join("kube-system/pods.json"),
            r#"{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[
              {"metadata":{"name":"coredns-abc","namespace":"kube-system"},
               "status":{"phase":"Running","containerStatuses":[{"name":"coredns","ready":false,"restartCount":7}]}}]}"#,
        )
        .unwrap();
        std::fs::write(
            root.join("kube-system/events.json"),
            r#"{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[
              {"metadata":{"name":"coredns-abc.1","namespace":"kube-system"},
               "involvedObject":{"kind":"Pod","name":"coredns-abc","namespace":"kube-system"},
               "reason":"BackOff","lastTimestamp":"2026-05-01T10:00:00Z"}]}"#,
        )
        .unwrap();
        std::fs::write(
            root.join("kube-system/deployments.json"),
            r#"{"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{},"items":[]}"#,
        )
        .unwrap();
        std::fs::write(
            root.join("kube-system/coredns-abc/logs.txt"),
            "plugin/errors: 2 SERVFAIL\n",
        )
        .unwrap();
        let s = SnapshotCluster::load(root).unwrap();
        let inv = s.inventory();
        assert!(inv.unreadable.is_empty(), "{:?}", inv.unreadable);
        assert_eq!(inv.of_kind("Node").count(), 1);
        assert_eq!(inv.get("Node", None, "pi5-a").unwrap().api_version(), "v1");
        assert_eq!(
            inv.events_for("Pod", Some("kube-system"), "coredns-abc")
                .len(),
            1
        );
        assert!(
            inv.logs_for("kube-system", "coredns-abc", None)
                .unwrap()
                .contains("SERVFAIL")
        );
        assert!(inv.unreadable.is_empty(), "{:?}", inv.unreadable);
    }

    #[test]
    fn write_redacts_and_reads_back() {
        let mut inv = Inventory::new();
        inv.insert(serde_json::json!({"apiVersion":"v1","kind":"Secret",
            "metadata":{"name":"s","namespace":"x","managedFields":[{}],
                "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"k\":\"c2VjcmV0\"}}"}},
            "data":{"k":"c2VjcmV0"}}));
        inv.insert(
            serde_json::json!({"apiVersion":"apps/v1","kind":"Deployment",
            "metadata":{"name":"../../etc","namespace":"x"},
            "spec":{"template":{"spec":{"containers":[{"name":"a","env":[
                {"name":"GITHUB_TOKEN","value":"ghp_x"},{"name":"LOG_LEVEL","value":"debug"},
                {"name":"API_KEY","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}]}]}}}}),
        );
        inv.logs
            .insert(("x".into(), "..".into(), "a/b".into()), "log\n".into());
        inv.skipped.push(crate::cluster::SkippedKind {
            kind: "Node".into(),
            reason: "forbidden: no".into(),
        });
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("snap");
        let w = write(&out, &inv).unwrap();
        assert_eq!(w.objects, 2);
        let text = std::fs::read_to_string(out.join("secret.json")).unwrap();
        assert!(
            !text.contains("c2VjcmV0") && text.contains(REDACTED),
            "{text}"
        );
        assert!(
            !text.contains("managedFields") && !text.contains("last-applied"),
            "{text}"
        );
        let text = std::fs::read_to_string(out.join("deployment.json")).unwrap();
        assert!(!text.contains("ghp_x") && text.contains("debug") && text.contains("secretKeyRef"));
        let back = SnapshotCluster::load(&out).unwrap();
        let inv2 = back.inventory();
        assert_eq!(inv2.len(), 2);
        assert_eq!(inv2.skipped, inv.skipped);
        assert_eq!(
            inv2.logs.len(),
            1,
            "log written inside the snapshot: {:?}",
            inv2.logs
        );
        assert!(out.join("x/_/a_b.log").exists());
    }

    #[test]
    fn deeply_nested_input_is_reported_not_a_crash() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("deep.yaml"), "[".repeat(100_000)).unwrap();
        std::fs::write(d.path().join("deep.json"), "{\"a\":".repeat(50_000)).unwrap();
        // Nothing else: the load fails, naming both files.
        let Err(Error::Snapshot { message, .. }) = SnapshotCluster::load(d.path()) else {
            panic!("a directory of unreadable files loaded");
        };
        assert!(
            message.contains("deep.yaml") && message.contains("deep.json"),
            "{message}"
        );
        std::fs::write(
            d.path().join("ok.yaml"),
            "apiVersion: v1\nkind: Node\nmetadata: {name: node1}\n",
        )
        .unwrap();
        let s = SnapshotCluster::load(d.path()).unwrap();
        assert_eq!(s.inventory().unreadable.len(), 2);
    }

    #[test]
    fn files_past_the_size_limits_are_refused_without_reading_them_whole() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("ok.yaml"),
            "apiVersion: v1\nkind: Node\nmetadata: {name: node1}\n",
        )
        .unwrap();
        // Sparse files: the limit is checked before anything is read.
        let big = std::fs::File::create(d.path().join("big.yaml")).unwrap();
        big.set_len(MAX_YAML_FILE_BYTES + 1).unwrap();
        let huge = std::fs::File::create(d.path().join("huge.json")).unwrap();
        huge.set_len(MAX_JSON_FILE_BYTES + 1).unwrap();
        // A link to an endless device is not a regular file: never opened.
        std::os::unix::fs::symlink("/dev/zero", d.path().join("zero.json")).unwrap();
        let s = SnapshotCluster::load(d.path()).unwrap();
        let un = &s.inventory().unreadable;
        assert_eq!(un.len(), 3, "{un:?}");
        assert!(un.iter().any(|(f, why)| f.ends_with("big.yaml")
            && why.contains(&format!("{} MiB", MAX_YAML_FILE_BYTES >> 20))));
        assert!(un.iter().any(|(f, why)| f.ends_with("huge.json")
            && why.contains(&format!("{} MiB", MAX_JSON_FILE_BYTES >> 20))));
        assert!(
            un.iter()
                .any(|(f, why)| f.ends_with("zero.json") && why.contains("a device"))
        );
        assert_eq!(s.inventory().len(), 1);
    }

    #[test]
    fn served_kinds_without_objects_count_as_read_unless_skipped() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("served-kinds.txt"), "Pod\nNode\n").unwrap();
        std::fs::write(d.path().join("skipped-kinds.txt"), "Node: forbidden: no\n").unwrap();
        let s = SnapshotCluster::load(d.path()).unwrap();
        let inv = s.gather(&["Pod", "Node"], &Scope::all());
        assert!(inv.read_any(&["Pod"]) && !inv.read_any(&["Node"]));
        std::fs::write(d.path().join("served-kinds.txt"), "Node\n").unwrap();
        assert!(SnapshotCluster::load(d.path()).is_err());
    }

    #[test]
    fn managed_fields_are_dropped_on_load() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("p.json"),
            r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"x","managedFields":[{"manager":"kubectl"}],"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}","keep":"me"}}}"#,
        )
        .unwrap();
        let s = SnapshotCluster::load(d.path()).unwrap();
        let p = s.inventory().get("Pod", Some("x"), "a").unwrap();
        assert!(p.at("/metadata/managedFields").is_none());
        assert_eq!(p.annotation("keep"), Some("me"));
        assert!(
            p.annotation("kubectl.kubernetes.io/last-applied-configuration")
                .is_none()
        );
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

            /// Whatever the files hold, the loader never panics, and every file it could not
            /// use is reported by its path.
            #[test]
            fn arbitrary_files_never_panic(
                files in proptest::collection::vec(
                    (0usize..5, prop_oneof![
                        proptest::collection::vec(any::<u8>(), 0..300),
                        "[a-zA-Z0-9:{}\\[\\], \n\"'#&*!|>@%-]{0,300}".prop_map(String::into_bytes),
                    ]),
                    1..6,
                )
            ) {
                let d = tempfile::tempdir().unwrap();
                let names = ["a.yaml", "b.json", "c.yml", "x/y/z.log", "served-kinds.txt"];
                for (i, (n, bytes)) in files.iter().enumerate() {
                    let p = d.path().join(format!("{i}")).join(names[*n]);
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(&p, bytes).unwrap();
                }
                match SnapshotCluster::load(d.path()) {
                    Ok(s) => {
                        prop_assert!(s.inventory().read_any(&[]));
                        for (path, _) in &s.inventory().unreadable {
                            prop_assert!(std::path::Path::new(path).exists(), "{path}");
                        }
                    }
                    // Nothing usable: an error that says so, never an empty cluster.
                    Err(Error::Snapshot { message, .. }) => {
                        prop_assert!(message.contains("no Kubernetes object could be read"), "{message}");
                    }
                    Err(e) => prop_assert!(false, "{e}"),
                }
            }
        }
    }
}
