//! Reading the audit log from its end: the newest page of attempts without reading the
//! whole log (the dashboard's History).

use super::*;

/// Lines of one file, last first, read backwards a chunk at a time: memory is one chunk plus
/// at most [`MAX_LINE`] bytes, however long the file. Empty lines are skipped; a torn last
/// line (no newline) is yielded like any other and fails to parse where it is read; a line
/// longer than the bound is yielded as [`OVERLONG`] (not a record either), never held whole.
pub struct RevLines {
    file: std::fs::File,
    /// File offset of `buf`'s first byte.
    pos: u64,
    /// Bytes read but not yet yielded (they end at the last yielded line's start).
    buf: Vec<u8>,
    chunk: usize,
    max_line: usize,
    /// Inside an overlong line: its bytes are dropped until its start is found.
    skipping: bool,
}

/// The longest audit line [`RevLines`] holds (records are a few KiB).
pub const MAX_LINE: usize = 1024 * 1024;
/// What [`RevLines`] yields in place of a line longer than its bound.
pub const OVERLONG: &[u8] = b"<line too long>";

impl RevLines {
    pub fn open(path: &Path, chunk: usize) -> std::io::Result<Self> {
        let file = std::fs::File::open(path)?;
        let pos = file.metadata()?.len();
        Ok(Self {
            file,
            pos,
            buf: Vec::new(),
            chunk: chunk.max(1),
            max_line: MAX_LINE,
            skipping: false,
        })
    }

    /// The longest line held (tests use a small one).
    pub fn with_max_line(mut self, n: usize) -> Self {
        self.max_line = n.max(1);
        self
    }
}

impl Iterator for RevLines {
    type Item = std::io::Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        use std::io::{Read, Seek, SeekFrom};
        loop {
            if let Some(i) = self.buf.iter().rposition(|b| *b == b'\n') {
                let line = self.buf.split_off(i + 1);
                self.buf.truncate(i);
                if std::mem::take(&mut self.skipping) {
                    return Some(Ok(OVERLONG.to_vec()));
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(Ok(line));
            }
            if self.buf.len() > self.max_line {
                // No line start within the bound: drop what we hold of this line.
                self.skipping = true;
                self.buf.clear();
            }
            if self.pos == 0 {
                if std::mem::take(&mut self.skipping) {
                    self.buf.clear();
                    return Some(Ok(OVERLONG.to_vec()));
                }
                if self.buf.iter().all(u8::is_ascii_whitespace) {
                    return None;
                }
                return Some(Ok(std::mem::take(&mut self.buf)));
            }
            let n = self.chunk.min(self.pos as usize);
            self.pos -= n as u64;
            let mut chunk = vec![0u8; n];
            if let Err(e) = self
                .file
                .seek(SeekFrom::Start(self.pos))
                .and_then(|_| self.file.read_exact(&mut chunk))
            {
                self.pos = 0;
                self.buf.clear();
                return Some(Err(e));
            }
            chunk.extend_from_slice(&self.buf);
            self.buf = chunk;
        }
    }
}

/// One page of attempts, newest first ([`read_newest`]).
#[derive(Debug, Default)]
pub struct Page {
    /// One record per attempt: its newest (the outcome when there is one, else the decision).
    pub attempts: Vec<Record>,
    /// True when older matching attempts exist past this page.
    pub more: bool,
    /// Lines read for this page that are not records (torn writes, edits).
    pub unreadable: usize,
}

/// The attempts `skip .. skip + limit` (newest first) for which `keep` is true, reading the
/// log from its end (newest file first, each file backwards) and stopping once the page is
/// full — not the whole log. An attempt's newest record is seen first (its outcome is written
/// after its decision), so `keep` judges the attempt as it stands.
pub fn read_newest(
    dir: &Path,
    skip: usize,
    limit: usize,
    keep: &dyn Fn(&Record) -> bool,
) -> std::io::Result<Page> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl") && p.is_file())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Page::default()),
        Err(e) => return Err(e),
    };
    files.sort();
    let mut page = Page::default();
    let mut matched = 0usize;
    // Ids whose newer record was seen and whose decision (their oldest record) was not yet:
    // only attempts in flight across the window, so this stays small.
    let mut open: std::collections::HashMap<String, Option<usize>> =
        std::collections::HashMap::new();
    for f in files.iter().rev() {
        for line in RevLines::open(f, 64 * 1024)? {
            let Ok(r) = serde_json::from_slice::<Record>(&line?) else {
                page.unreadable += 1;
                continue;
            };
            if let Some(at) = open.get(&r.id).copied() {
                if let Some(i) = at {
                    let row = &mut page.attempts[i];
                    if row.approver.is_none() {
                        row.approver = r.approver.clone();
                    }
                    if row.started_by.is_none() {
                        row.started_by = r.started_by.clone();
                    }
                }
                if r.phase == Phase::Decision {
                    open.remove(&r.id);
                }
                continue;
            }
            let id = r.id.clone();
            let is_decision = r.phase == Phase::Decision;
            let mut slot = None;
            if keep(&r) {
                if matched >= skip.saturating_add(limit) {
                    page.more = true;
                    return Ok(page);
                }
                if matched >= skip {
                    slot = Some(page.attempts.len());
                    page.attempts.push(r);
                }
                matched += 1;
            }
            if !is_decision {
                open.insert(id, slot);
            }
        }
    }
    Ok(page)
}
