//! Append-only JSON Lines files (audit log, model call log): mode 0600, `O_APPEND`, one
//! `write` per record so concurrent writers never interleave inside a line, and an fsync so a
//! record written before an action survives a crash.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// The daily file `<dir>/YYYY-MM-DD.jsonl` for a timestamp.
pub fn daily_file(dir: &Path, at: jiff::Timestamp) -> PathBuf {
    let date = at.to_zoned(jiff::tz::TimeZone::UTC).date();
    dir.join(format!("{date}.jsonl"))
}

/// Appends one record as a line and flushes it to disk.
pub fn append<T: Serialize>(path: &Path, record: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let existed = path.exists();
    let mut f = opts.open(path)?;
    f.write_all(&line)?;
    f.sync_data()?;
    // A new file's directory entry must be durable too, or a crash can lose the whole file.
    #[cfg(unix)]
    if !existed && let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Reads every record of every `*.jsonl` file in `dir` (sorted by name), skipping lines that
/// do not parse — a torn last line from a crash must not hide the rest.
pub fn read_dir<T: serde::de::DeserializeOwned>(dir: &Path) -> std::io::Result<Vec<T>> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f)?;
        out.extend(text.lines().filter_map(|l| serde_json::from_str(l).ok()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_with_0600_and_reads_back() {
        let d = tempfile::tempdir().unwrap();
        let p = daily_file(&d.path().join("x"), "2026-11-22T10:00:00Z".parse().unwrap());
        assert!(p.ends_with("x/2026-11-22.jsonl"));
        append(&p, &serde_json::json!({"a": 1})).unwrap();
        append(&p, &serde_json::json!({"a": 2})).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"{torn")
            .unwrap();
        let back: Vec<serde_json::Value> = read_dir(p.parent().unwrap()).unwrap();
        assert_eq!(back.len(), 2);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
