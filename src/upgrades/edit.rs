//! Surgical edits of YAML text: set one scalar, rename one key, leave every other byte alone.
//!
//! Re-serialising a HelmRelease would drop its comments, anchors and quoting, and the diff a
//! human reviews would be noise. Instead a small line scanner finds the line of a block-mapping
//! path and rewrites just the value or the key on it; the caller re-parses the result and
//! checks it equals the intended change ([`verify`]) before anything is written.

use serde_json::Value;

/// One change to a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Set the scalar at `path` to `value` (quoting kept as it was).
    Set { path: Vec<String>, value: String },
    /// Rename the last key of `path` to `to`.
    Rename { path: Vec<String>, to: String },
}

impl Op {
    pub fn path(&self) -> &[String] {
        match self {
            Op::Set { path, .. } | Op::Rename { path, .. } => path,
        }
    }

    /// The same change on a parsed document.
    pub fn apply_value(&self, doc: &mut Value) -> bool {
        match self {
            Op::Set { path, value } => match super::values::pointer_mut(doc, path) {
                Some(v) => {
                    *v = Value::String(value.clone());
                    true
                }
                None => false,
            },
            Op::Rename { path, to } => {
                let mut new = path.clone();
                if let Some(l) = new.last_mut() {
                    *l = to.clone();
                }
                super::values::rename_at(doc, path, &new)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("cannot find `{}` as a block-mapping key in document {doc}", .path.join("."))]
    NotFound { path: Vec<String>, doc: usize },
    #[error("`{}` is not a plain scalar (anchor, alias, block or flow value); edit it by hand", .path.join("."))]
    NotScalar { path: Vec<String> },
}

/// One key line found by the scanner.
struct KeyLine {
    line: usize,
    /// Byte range of the key text (quotes included) in the line.
    key: (usize, usize),
    /// Byte range of the value text (no trailing comment or spaces).
    value: (usize, usize),
    path: Vec<String>,
}

/// Scans document `doc` (0-based among documents with content, as the parser counts them)
/// and returns every block-mapping key line with its full path.
fn scan(lines: &[&str], doc: usize) -> Vec<KeyLine> {
    let mut out = Vec::new();
    let mut cur_doc = 0usize;
    let mut seen_content = false;
    // (indent, key) for mapping keys; a `None` key marks a sequence item.
    let mut stack: Vec<(usize, Option<String>)> = Vec::new();
    let mut block_scalar: Option<usize> = None;
    for (n, raw) in lines.iter().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.starts_with("---") || line.starts_with("...") {
            if seen_content {
                cur_doc += 1;
            }
            seen_content = false;
            stack.clear();
            block_scalar = None;
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut indent = line.len() - trimmed.len();
        if let Some(bi) = block_scalar {
            if indent > bi {
                continue;
            }
            block_scalar = None;
        }
        seen_content = true;
        if cur_doc != doc {
            continue;
        }
        let mut rest = trimmed;
        // Sequence items: `- key: v` puts a key one level deeper than the dash.
        while let Some(r) = rest
            .strip_prefix("- ")
            .or_else(|| (rest == "-").then_some(""))
        {
            while stack.last().is_some_and(|(i, _)| *i >= indent) {
                stack.pop();
            }
            stack.push((indent, None));
            let skipped = rest.len() - r.len();
            let r2 = r.trim_start();
            indent += skipped + (r.len() - r2.len());
            rest = r2;
        }
        let Some((key, key_len)) = parse_key(rest) else {
            continue;
        };
        while stack.last().is_some_and(|(i, _)| *i >= indent) {
            stack.pop();
        }
        stack.push((indent, Some(key)));
        let key_start = line.len() - rest.len();
        let after = &rest[key_len + 1..];
        let vstart_rel = after.len() - after.trim_start().len();
        let vtext = strip_comment(after.trim_start());
        let vstart = key_start + key_len + 1 + vstart_rel;
        if vtext.starts_with('|') || vtext.starts_with('>') {
            block_scalar = Some(indent);
        }
        // A path through a sequence is not addressable; record only pure mapping paths.
        if stack.iter().all(|(_, k)| k.is_some()) {
            out.push(KeyLine {
                line: n,
                key: (key_start, key_start + key_len),
                value: (vstart, vstart + vtext.len()),
                path: stack.iter().filter_map(|(_, k)| k.clone()).collect(),
            });
        }
    }
    out
}

/// A key at the start of `s`: `name:` followed by a space or the end, plain or quoted.
/// Returns the unquoted key and the byte length of its text.
fn parse_key(s: &str) -> Option<(String, usize)> {
    let (key, len) = if let Some(q @ ('"' | '\'')) = s.chars().next() {
        let end = s[1..].find(q)? + 1;
        (s[1..end].to_string(), end + 1)
    } else {
        let mut end = None;
        for (i, c) in s.char_indices() {
            if c == ':'
                && s[i + 1..]
                    .chars()
                    .next()
                    .is_none_or(|n| n == ' ' || n == '\t')
            {
                end = Some(i);
                break;
            }
            if i == 0 && "#{[&*!|>%@`,".contains(c) {
                return None;
            }
            if c == '#' && s[..i].ends_with(' ') {
                return None;
            }
        }
        let end = end?;
        (s[..end].trim_end().to_string(), end)
    };
    (s[len..].starts_with(':')).then_some((key, len))
}

/// The value text without a trailing ` # comment` (outside quotes) and trailing spaces.
fn strip_comment(v: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in v.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') if i == 0 => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev_space => return v[..i].trim_end(),
            _ => {}
        }
        prev_space = c == ' ' || c == '\t';
    }
    v.trim_end()
}

/// Applies `ops` to document `doc` of `text`, line by line.
pub fn apply(text: &str, doc: usize, ops: &[Op]) -> Result<String, EditError> {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    for op in ops {
        let view: Vec<&str> = lines.iter().map(String::as_str).collect();
        let found = scan(&view, doc);
        let Some(k) = found.iter().find(|k| k.path == op.path()) else {
            return Err(EditError::NotFound {
                path: op.path().to_vec(),
                doc,
            });
        };
        let line = &lines[k.line];
        let new_line = match op {
            Op::Set { value, .. } => {
                let old = &line[k.value.0..k.value.1];
                if old.is_empty() || old.starts_with(['&', '*', '|', '>', '{', '[', '!']) {
                    return Err(EditError::NotScalar {
                        path: op.path().to_vec(),
                    });
                }
                let quoted = match old.chars().next() {
                    Some(q @ ('"' | '\'')) => format!("{q}{value}{q}"),
                    _ => value.clone(),
                };
                format!("{}{quoted}{}", &line[..k.value.0], &line[k.value.1..])
            }
            Op::Rename { to, .. } => {
                let old = &line[k.key.0..k.key.1];
                let quoted = match old.chars().next() {
                    Some(q @ ('"' | '\'')) => format!("{q}{to}{q}"),
                    _ => to.clone(),
                };
                format!("{}{quoted}{}", &line[..k.key.0], &line[k.key.1..])
            }
        };
        lines[k.line] = new_line;
    }
    Ok(lines.join("\n"))
}

/// A unified diff of one file, git-style headers.
pub fn unified(rel: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{rel}"), &format!("b/{rel}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HR: &str = "\
---
# yaml-language-server: $schema=https://example/helmrelease.json
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: grafana
spec:
  chart:
    spec:
      chart: grafana
      version: \"8.5.1\"   # pinned by hand
      sourceRef: {kind: HelmRepository, name: grafana}
  values:
    # storage
    persistence:
      storageClass: fast # the SSD class
      size: 1Gi
    env:
      - name: A
        value: b
    config: |
      version: 1
      persistence:
        storageClass: not-a-key
";

    #[test]
    fn set_keeps_quotes_and_comments() {
        let path: Vec<String> = ["spec", "chart", "spec", "version"]
            .map(String::from)
            .to_vec();
        let out = apply(
            HR,
            0,
            &[Op::Set {
                path,
                value: "8.5.2".into(),
            }],
        )
        .unwrap();
        assert!(
            out.contains("      version: \"8.5.2\"   # pinned by hand\n"),
            "{out}"
        );
        assert_eq!(out.lines().count(), HR.lines().count());
        assert_eq!(unified("hr.yaml", HR, &out).matches("\n+").count(), 2); // +++ and one line
    }

    #[test]
    fn rename_touches_only_the_key_and_skips_block_scalars() {
        let path: Vec<String> = ["spec", "values", "persistence", "storageClass"]
            .map(String::from)
            .to_vec();
        let out = apply(
            HR,
            0,
            &[Op::Rename {
                path,
                to: "storageClassName".into(),
            }],
        )
        .unwrap();
        assert!(out.contains("      storageClassName: fast # the SSD class\n"));
        assert!(
            out.contains("        storageClass: not-a-key"),
            "block scalar untouched"
        );
    }

    #[test]
    fn missing_paths_and_other_documents_are_errors() {
        let path: Vec<String> = ["spec", "nope"].map(String::from).to_vec();
        assert!(matches!(
            apply(
                HR,
                0,
                &[Op::Set {
                    path: path.clone(),
                    value: "x".into()
                }]
            ),
            Err(EditError::NotFound { .. })
        ));
        let two = format!("{HR}---\napiVersion: v1\nkind: ConfigMap\nspec:\n  nope: 1\n");
        let out = apply(
            &two,
            1,
            &[Op::Set {
                path,
                value: "2".into(),
            }],
        )
        .unwrap();
        assert!(out.ends_with("  nope: 2\n"));
        let flow: Vec<String> = ["spec", "chart", "spec", "sourceRef"]
            .map(String::from)
            .to_vec();
        assert!(matches!(
            apply(
                HR,
                0,
                &[Op::Set {
                    path: flow,
                    value: "x".into()
                }]
            ),
            Err(EditError::NotScalar { .. })
        ));
    }
}
