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
///
/// A directory this creates is 0700; one that exists keeps the mode its owner gave it (a
/// read-only log directory is a decision, so writing into it fails instead). When the file
/// ends in a fragment (a crash or a full disk cut a record short), the record starts on a
/// fresh line so the fragment cannot swallow it.
pub fn append<T: Serialize>(path: &Path, record: &T) -> std::io::Result<()> {
    if let Some(dir) = path.parent()
        && !dir.is_dir()
    {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)?;
    }
    let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true).read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let existed = path.exists();
    let mut f = opts.open(path)?;
    if ends_in_fragment(&mut f)? {
        line.insert(0, b'\n');
    }
    f.write_all(&line)?;
    f.sync_data()?;
    // A new file's directory entry must be durable too, or a crash can lose the whole file.
    #[cfg(unix)]
    if !existed && let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// True when the file is not empty and its last byte is not a newline.
fn ends_in_fragment(f: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    if f.metadata()?.len() == 0 {
        return Ok(false);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// A line of a log file that is not a record (a fragment, or text someone added).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
}

/// Like [`read_dir`], and also says which lines could not be read.
pub fn read_dir_report<T: serde::de::DeserializeOwned>(
    dir: &Path,
) -> std::io::Result<(Vec<T>, Vec<Unreadable>)> {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for f in jsonl_files(dir)? {
        let bytes = std::fs::read(&f)?;
        for (i, l) in bytes.split(|b| *b == b'\n').enumerate() {
            if l.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice(l) {
                Ok(r) => out.push(r),
                Err(_) => bad.push(Unreadable {
                    file: f.clone(),
                    line: i + 1,
                }),
            }
        }
    }
    Ok((out, bad))
}

fn jsonl_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl") && p.is_file())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(e),
    };
    files.sort();
    Ok(files)
}

/// Reads every record of every `*.jsonl` file in `dir` (sorted by name), skipping lines that
/// do not parse — a torn last line from a crash must not hide the rest.
pub fn read_dir<T: serde::de::DeserializeOwned>(dir: &Path) -> std::io::Result<Vec<T>> {
    read_dir_report(dir).map(|(r, _)| r)
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
        // The next record must not land on the fragment's line.
        append(&p, &serde_json::json!({"a": 3})).unwrap();
        let (back, bad) = read_dir_report::<serde_json::Value>(p.parent().unwrap()).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(
            bad,
            vec![Unreadable {
                file: p.clone(),
                line: 3
            }]
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
