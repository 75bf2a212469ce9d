//! Text scanning: splitting instructions into requirement units and clauses, tokenising them,
//! and the small value parsers (numbers, quantities, durations, hostnames) the matchers share.
//!
//! Matching is ASCII-case-insensitive on purpose: lower-casing only ASCII keeps byte offsets of
//! the original text valid, so every clause reported back to the user is a verbatim slice.

use std::ops::Range;

/// Phrases naming things the offline provider cannot render. A clause containing one is reported
/// as not understood and hidden from the matchers, so e.g. "blue-green deployment" never turns
/// into a plain Deployment silently.
const UNSUPPORTED: &[&str] = &[
    "blue-green",
    "blue/green",
    "canary",
    "argo rollout",
    "rollouts",
    "istio",
    "linkerd",
    "service mesh",
    "helm",
    "kustomize",
    "vault",
    "sidecar",
    "operator",
    "keda",
    "cert-manager",
    "letsencrypt",
    "let's encrypt",
    "vpa",
    "vertical pod",
    "serviceaccount",
    "service account",
    "rbac",
    "init container",
    "initcontainer",
];

/// One whitespace-separated word of a unit, with surrounding punctuation trimmed.
#[derive(Debug, Clone)]
pub struct Token {
    /// Byte range of the trimmed word in the unit text.
    pub start: usize,
    pub end: usize,
    /// The word as written (case preserved), e.g. `myregistry/app:v1`.
    pub raw: String,
    /// ASCII-lower-cased `raw`, used for keyword comparisons.
    pub low: String,
}

/// A top-level clause of a unit (split on ", ", "; ", " and " outside brackets and quotes).
#[derive(Debug, Clone)]
pub struct Clause {
    pub start: usize,
    pub end: usize,
    /// Names something unsupported: always reported, never parsed.
    pub unsupported: bool,
}

/// One requirement: a line, bullet or sentence of the instructions.
#[derive(Debug, Clone)]
pub struct Unit {
    pub text: String,
    pub tokens: Vec<Token>,
    /// Parallel to `tokens`: the token was used by some matcher.
    pub hit: Vec<bool>,
    pub clauses: Vec<Clause>,
}

impl Unit {
    pub fn new(text: &str) -> Unit {
        let text = text.trim().to_string();
        let lower = text.to_ascii_lowercase();
        let clauses: Vec<Clause> = split_clauses(&text)
            .into_iter()
            .flat_map(|(start, end)| narrow_unsupported(&lower, start, end))
            .collect();
        let tokens: Vec<Token> = tokenize(&text)
            .into_iter()
            .filter(|t| {
                !clauses
                    .iter()
                    .any(|c| c.unsupported && t.start >= c.start && t.end <= c.end)
            })
            .collect();
        let hit = vec![false; tokens.len()];
        Unit {
            text,
            tokens,
            hit,
            clauses,
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn low(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.low.as_str())
    }

    pub fn raw(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.raw.as_str())
    }

    pub fn mark(&mut self, i: usize) {
        if let Some(h) = self.hit.get_mut(i) {
            *h = true;
        }
    }

    /// Index of the first token equal to any of `words` (no marking).
    pub fn pos(&self, words: &[&str]) -> Option<usize> {
        self.tokens
            .iter()
            .position(|t| words.contains(&t.low.as_str()))
    }

    /// Whether any token equals one of `words` (no marking).
    pub fn has(&self, words: &[&str]) -> bool {
        self.pos(words).is_some()
    }

    /// Whether any token starts with `prefix` (no marking).
    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.tokens.iter().any(|t| t.low.starts_with(prefix))
    }

    /// Marks and returns every token equal to one of `words`.
    pub fn take_all(&mut self, words: &[&str]) -> Vec<usize> {
        let found: Vec<usize> = (0..self.len())
            .filter(|&i| words.contains(&self.low(i)))
            .collect();
        found.iter().for_each(|&i| self.mark(i));
        found
    }

    /// Marks every token equal to one of `words`; true when there was at least one.
    pub fn take(&mut self, words: &[&str]) -> bool {
        !self.take_all(words).is_empty()
    }

    /// Marks every token starting with `prefix`; true when there was at least one.
    pub fn take_prefix(&mut self, prefix: &str) -> bool {
        let found: Vec<usize> = (0..self.len())
            .filter(|&i| self.low(i).starts_with(prefix))
            .collect();
        found.iter().for_each(|&i| self.mark(i));
        !found.is_empty()
    }

    /// Finds a multi-word phrase (space separated, lower case); returns the first token index.
    pub fn phrase(&self, phrase: &str) -> Option<usize> {
        let words: Vec<&str> = phrase.split(' ').collect();
        (0..self.len()).find(|&i| words.iter().enumerate().all(|(k, w)| self.low(i + k) == *w))
    }

    /// Like [`Unit::phrase`] but marks the phrase's tokens.
    pub fn take_phrase(&mut self, phrase: &str) -> Option<usize> {
        let i = self.phrase(phrase)?;
        (i..i + phrase.split(' ').count()).for_each(|k| self.mark(k));
        Some(i)
    }

    /// Index of the next token after `i` that is not connective filler ("is", "of", "=", ...).
    pub fn next_value(&self, i: usize) -> Option<usize> {
        const FILLER: &[&str] = &[
            "", "is", "of", "=", "the", "a", "an", "to", "at", "on", "as", "should", "be", "-",
        ];
        (i + 1..self.len()).find(|&k| !FILLER.contains(&self.low(k)))
    }

    /// Number right after token `i` (skipping filler); marks it.
    pub fn number_after(&mut self, i: usize) -> Option<u64> {
        let k = self.next_value(i)?;
        let n = parse_u64(self.low(k))?;
        self.mark(k);
        Some(n)
    }

    /// First quoted (`"x"`, `'x'`, `` `x` ``) string of the unit after byte `from`.
    pub fn quoted_after(&self, from: usize) -> Option<String> {
        extract_quoted(self.text.get(from..)?)
    }

    /// Marks tokens overlapping byte range `start..end` (used for quoted values).
    pub fn mark_bytes(&mut self, start: usize, end: usize) {
        for i in 0..self.len() {
            if self.tokens[i].start < end && self.tokens[i].end > start {
                self.mark(i);
            }
        }
    }
}

/// Splits instructions into units: lines, bullets and sentences, with bullet markers removed.
/// Returns `(unit text, is_header)` where a header is a line ending in ':'.
pub fn split_units(text: &str) -> Vec<(String, bool)> {
    let mut units = Vec::new();
    for line in text.lines() {
        let line = strip_bullet(line.trim());
        for sentence in split_sentences(line) {
            let s = sentence.trim();
            // "Service:" sets a section; a markdown heading ("## Notifications") titles one.
            let header = s.ends_with(':') || s.starts_with('#');
            let s = s.trim_end_matches([':', '.', '!', '?']).trim();
            if s.chars().any(char::is_alphanumeric) {
                units.push((s.to_string(), header));
            }
        }
    }
    units
}

fn strip_bullet(line: &str) -> &str {
    for marker in ["- ", "* ", "• ", "+ "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    // Numbered bullets: "1. " / "2) ".
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 4 {
        let rest = &line[digits..];
        if let Some(r) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            return r.trim_start();
        }
    }
    line
}

/// Splits a line on sentence ends (". ", "! ", "? ") that are not inside quotes.
fn split_sentences(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut begin = 0;
    let mut quote: Option<u8> = None;
    for i in 0..bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'`' => quote = Some(b),
            None if matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ') => {
                out.push(&line[begin..=i]);
                begin = i + 1;
            }
            None => {}
        }
    }
    out.push(&line[begin..]);
    out
}

/// Words that open the phrase naming how something is done ("... using a canary rollout").
const PHRASE_OPENERS: &[&str] = &[
    "with",
    "using",
    "via",
    "through",
    "behind",
    "in",
    "on",
    "into",
    "by",
    "needs",
    "need",
    "requires",
    "plus",
    "alongside",
];

/// A clause naming something unsupported keeps what comes before the phrase that names it:
/// "Deploy nginx with 3 replicas using a canary rollout" still deploys nginx with 3 replicas
/// and reports "using a canary rollout". The unsupported part starts at the last phrase opener
/// before the unsupported words (the clause start when there is none).
fn narrow_unsupported(lower: &str, start: usize, end: usize) -> Vec<Clause> {
    let clause = &lower[start..end];
    let Some(at) = UNSUPPORTED.iter().filter_map(|p| clause.find(p)).min() else {
        return vec![Clause {
            start,
            end,
            unsupported: false,
        }];
    };
    let cut = PHRASE_OPENERS
        .iter()
        .filter_map(|w| {
            clause[..at]
                .match_indices(&format!(" {w} "))
                .map(|(i, _)| i + 1)
                .last()
        })
        .max();
    match cut {
        Some(cut) if clause[..cut].chars().any(char::is_alphanumeric) => {
            let (s, e) = trim_range(lower, start, start + cut);
            vec![
                Clause {
                    start: s,
                    end: e,
                    unsupported: false,
                },
                Clause {
                    start: start + cut,
                    end,
                    unsupported: true,
                },
            ]
        }
        _ => vec![Clause {
            start,
            end,
            unsupported: true,
        }],
    }
}

/// Byte ranges of the top-level clauses of `text`.
fn split_clauses(text: &str) -> Vec<(usize, usize)> {
    const SEPARATORS: &[&str] = &[", ", "; ", " and ", " & ", " plus ", " as well as "];
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = Vec::new();
    let (mut begin, mut depth, mut quote, mut i) = (0, 0i32, None::<u8>, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == q {
                quote = None;
            }
        } else if b == b'"' || b == b'`' {
            quote = Some(b);
        } else if b == b'(' || b == b'[' {
            depth += 1;
        } else if b == b')' || b == b']' {
            depth -= 1;
        } else if depth <= 0
            && let Some(sep) = SEPARATORS
                .iter()
                .find(|s| bytes[i..].starts_with(s.as_bytes()))
        {
            out.push((begin, i));
            i += sep.len();
            begin = i;
            continue;
        }
        i += 1;
    }
    out.push((begin, text.len()));
    out.into_iter()
        .map(|(s, e)| trim_range(text, s, e))
        .filter(|(s, e)| s < e)
        .collect()
}

fn trim_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    (start + lead, (end - trail).max(start + lead))
}

fn tokenize(text: &str) -> Vec<Token> {
    const TRIM: &[char] = &[
        ',', ';', ':', '(', ')', '[', ']', '{', '}', '"', '\'', '`', '.', '!', '?',
    ];
    let mut tokens = Vec::new();
    for word in text.split(char::is_whitespace) {
        // `split` yields sub-slices of `text`, so the pointer difference is the byte offset.
        let start = word.as_ptr() as usize - text.as_ptr() as usize;
        // Keep a leading '/' (paths) and a trailing '%' (targets); trim other punctuation.
        let trimmed_start = word.trim_start_matches(TRIM);
        let lead = word.len() - trimmed_start.len();
        let trimmed = trimmed_start.trim_end_matches(TRIM);
        if trimmed.is_empty() {
            continue;
        }
        let s = start + lead;
        // "image=myorg/api:1 replicas=2": a field written `key=value` reads as "key value".
        if let Some((key, value)) = trimmed.split_once('=')
            && FIELD_KEYS.contains(&key.to_ascii_lowercase().as_str())
            && !value.is_empty()
        {
            let v = s + key.len() + 1;
            for (at, word) in [(s, key), (v, value)] {
                tokens.push(Token {
                    start: at,
                    end: at + word.len(),
                    raw: word.to_string(),
                    low: word.to_ascii_lowercase(),
                });
            }
            continue;
        }
        tokens.push(Token {
            start: s,
            end: s + trimmed.len(),
            raw: trimmed.to_string(),
            low: trimmed.to_ascii_lowercase(),
        });
    }
    tokens
}

/// Field names that `key=value` words are split on (other pairs are labels or env).
const FIELD_KEYS: &[&str] = &[
    "image",
    "replicas",
    "port",
    "name",
    "namespace",
    "ns",
    "host",
    "hostname",
    "storage",
    "cpu",
    "memory",
    "schedule",
    "kind",
    "type",
];

/// First string in double quotes, single quotes (not apostrophes) or backticks.
pub fn extract_quoted(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let is_open = match b {
            b'"' | b'`' => true,
            // A single quote opens only at a word start, so "redis's" is not a quote.
            b'\'' => i == 0 || !bytes[i - 1].is_ascii_alphanumeric(),
            _ => false,
        };
        if is_open {
            let rest = &text[i + 1..];
            let close = rest.find(b as char)?;
            let inner = rest[..close].trim();
            return (!inner.is_empty()).then(|| inner.to_string());
        }
    }
    None
}

/// Parses a plain non-negative integer; `None` on anything else, including overflow.
pub fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A count as people write it: digits or a number word ("3", "three", "single").
pub fn parse_count(s: &str) -> Option<u64> {
    const WORDS: &[&str] = &[
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    parse_u64(s).or_else(|| match s {
        "single" => Some(1),
        _ => WORDS.iter().position(|w| *w == s).map(|n| n as u64),
    })
}

/// A valid TCP/UDP port number.
pub fn parse_port(s: &str) -> Option<u16> {
    parse_u64(s)
        .filter(|n| (1..=65535).contains(n))
        .map(|n| n as u16)
}

/// A percentage like `70%` (or plain `70` when `allow_bare`), 1..=100.
pub fn parse_percent(s: &str, allow_bare: bool) -> Option<u64> {
    let (digits, had_sign) = match s.strip_suffix('%') {
        Some(d) => (d, true),
        None => (s, false),
    };
    parse_u64(digits).filter(|n| (had_sign || allow_bare) && (1..=100).contains(n))
}

/// What a Kubernetes quantity measures, judged from its suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityKind {
    Cpu,
    Memory,
}

/// Parses a CPU or memory quantity ("100m", "0.5", "128Mi", "1Gi", "512MB") into its canonical
/// Kubernetes spelling. Case matters for `m` (milli) versus `M` (mega).
pub fn parse_quantity(raw: &str) -> Option<(QuantityKind, String)> {
    let split = raw.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let split = if split == 0 { return None } else { split };
    parse_quantity_parts(&raw[..split], &raw[split..])
}

/// Like [`parse_quantity`] but also accepts a bare number (CPU cores).
pub fn parse_quantity_or_cores(raw: &str) -> Option<(QuantityKind, String)> {
    if raw.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return parse_quantity_parts(raw, "");
    }
    parse_quantity(raw)
}

fn parse_quantity_parts(number: &str, suffix: &str) -> Option<(QuantityKind, String)> {
    let valid_number = !number.is_empty()
        && number.len() <= 12
        && number.matches('.').count() <= 1
        && !number.starts_with('.')
        && !number.ends_with('.');
    if !valid_number {
        return None;
    }
    let (kind, canonical) = match suffix {
        "" => (QuantityKind::Cpu, ""),
        "m" => (QuantityKind::Cpu, "m"),
        _ => match suffix.to_ascii_lowercase().as_str() {
            "ki" | "kib" => (QuantityKind::Memory, "Ki"),
            "mi" | "mib" => (QuantityKind::Memory, "Mi"),
            "gi" | "gib" => (QuantityKind::Memory, "Gi"),
            "ti" | "tib" => (QuantityKind::Memory, "Ti"),
            "k" | "kb" => (QuantityKind::Memory, "k"),
            "mb" => (QuantityKind::Memory, "M"),
            "m" => (QuantityKind::Memory, "M"), // upper-case "M" (mega)
            "g" | "gb" => (QuantityKind::Memory, "G"),
            "t" | "tb" => (QuantityKind::Memory, "T"),
            _ => return None,
        },
    };
    Some((kind, format!("{number}{canonical}")))
}

/// Parses durations like "10s", "5", "30sec", "2m", "1min" into seconds (1..=86400).
pub fn parse_duration_seconds(s: &str) -> Option<u64> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n = parse_u64(&s[..split])?;
    let factor = match &s[split..] {
        "" | "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        _ => return None,
    };
    n.checked_mul(factor).filter(|n| (1..=86_400).contains(n))
}

/// A DNS hostname such as `app.example.com` (not a file name, image, version or path).
pub fn is_hostname(s: &str) -> bool {
    const FILE_EXTENSIONS: &[&str] = &[
        "conf",
        "yaml",
        "yml",
        "json",
        "toml",
        "ini",
        "properties",
        "txt",
        "sh",
        "py",
        "js",
        "xml",
        "env",
        "cfg",
        "cnf",
        "sql",
        "md",
        "pem",
        "crt",
        "key",
    ];
    let body = s.strip_prefix("*.").unwrap_or(s);
    let labels: Vec<&str> = body.split('.').collect();
    let last = labels.last().copied().unwrap_or("");
    labels.len() >= 2
        && body.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && last.len() >= 2
        && last.bytes().all(|b| b.is_ascii_alphabetic())
        && !FILE_EXTENSIONS.contains(&last.to_ascii_lowercase().as_str())
}

/// A config file name such as `redis.conf` or `app.yaml`.
pub fn is_filename(s: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        ".conf",
        ".yaml",
        ".yml",
        ".json",
        ".toml",
        ".ini",
        ".properties",
        ".cfg",
        ".cnf",
        ".env",
        ".xml",
        ".txt",
    ];
    let low = s.to_ascii_lowercase();
    !low.contains('/')
        && EXTENSIONS
            .iter()
            .any(|e| low.ends_with(e) && low.len() > e.len())
        && low
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// A DNS-1123 label-ish name (`user-service`, `gp3`): what we accept for referenced names.
pub fn is_dns_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Turns arbitrary text into a DNS-1123 label (lower case, `-` separated, at most 63 chars).
pub fn sanitize_name(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.truncate(63);
    out.trim_matches('-').to_string()
}

/// An environment variable / label pair written `KEY=value`.
pub fn split_pair(raw: &str) -> Option<(String, String)> {
    let (k, v) = raw.split_once('=')?;
    let v = v.trim_matches(|c| c == '"' || c == '\'');
    (!k.is_empty()).then(|| (k.to_string(), v.to_string()))
}

/// An environment variable name: upper-case letters, digits and `_`, not starting with a digit.
pub fn is_env_name(s: &str) -> bool {
    s.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_uppercase() || b == b'_')
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

impl Unit {
    /// Token range spanning the first to the last clause holding a token that satisfies
    /// `keyword` (the whole unit when none does).
    pub fn scope_of(&self, keyword: impl Fn(&str) -> bool) -> Range<usize> {
        let inside = |t: &Token, c: &Clause| t.start >= c.start && t.end <= c.end;
        let matching: Vec<&Clause> = self
            .clauses
            .iter()
            .filter(|c| self.tokens.iter().any(|t| inside(t, c) && keyword(&t.low)))
            .collect();
        let (Some(first), Some(last)) = (matching.first(), matching.last()) else {
            return 0..self.len();
        };
        let start = self.tokens.iter().position(|t| t.start >= first.start);
        let end = self.tokens.iter().rposition(|t| t.end <= last.end);
        start.unwrap_or(0)..end.map_or(self.len(), |i| i + 1)
    }

    /// The token range of each clause, in order.
    pub fn clause_tokens(&self) -> Vec<Range<usize>> {
        self.clauses
            .iter()
            .map(|c| {
                let inside = |t: &Token| t.start >= c.start && t.end <= c.end;
                let start = self.tokens.iter().position(inside);
                let end = self.tokens.iter().rposition(inside);
                match (start, end) {
                    (Some(s), Some(e)) => s..e + 1,
                    _ => 0..0,
                }
            })
            .collect()
    }

    /// Like [`Unit::free`] but only within the token range `scope`.
    pub fn free_in(&self, words: &[&str], scope: Range<usize>) -> Option<usize> {
        scope
            .into_iter()
            .find(|&i| i < self.len() && !self.hit[i] && words.contains(&self.low(i)))
    }

    /// Marks the tokens in `scope` equal to one of `words`.
    pub fn take_in(&mut self, words: &[&str], scope: Range<usize>) {
        for i in scope {
            if words.contains(&self.low(i)) {
                self.mark(i);
            }
        }
    }

    /// First unmarked token equal to one of `words`: lets matchers that run later skip
    /// keywords an earlier, more specific matcher already claimed (e.g. a probe's "port").
    pub fn free(&self, words: &[&str]) -> Option<usize> {
        (0..self.len()).find(|&i| !self.hit[i] && words.contains(&self.low(i)))
    }

    /// The value after token `i`: a quoted string if one starts there, else the next raw token.
    /// Marks what it used.
    pub fn value_after(&mut self, i: usize) -> Option<String> {
        let k = self.next_value(i)?;
        let start = self.tokens[k].start;
        let opens_quote = self.text[..start].ends_with(['"', '\'', '`']);
        if opens_quote && let Some(q) = self.quoted_after(start - 1) {
            self.mark_bytes(start, start + q.len());
            return Some(q);
        }
        self.mark(k);
        Some(self.raw(k).to_string())
    }
}
