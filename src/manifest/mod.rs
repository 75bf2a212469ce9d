//! Manifests: reading them from files and streams, validating and linting them.
//!
//! A [`Manifest`] is one Kubernetes object as JSON plus where it came from, so every message
//! can name the file and document. `yaml.rs` is the only YAML-crate user.

pub mod lint;
pub mod validate;
pub mod yaml;

use std::path::{Path, PathBuf};

use serde_json::Value;

pub use yaml::{YamlError, parse_stream, to_yaml, to_yaml_stream};

/// Errors reading manifests.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("failed to read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid YAML/JSON.
    #[error("{}: invalid YAML: {error}", path.display())]
    Parse { path: PathBuf, error: YamlError },
    /// A document is not a Kubernetes object.
    #[error("{origin}: {message}")]
    NotAnObject { origin: String, message: String },
    /// Nothing to work on.
    #[error("no Kubernetes objects found in {what}")]
    Empty { what: String },
}

/// What to do with an input file that is not UTF-8 text.
pub const NOT_UTF8_HINT: &str =
    "the file is not UTF-8 text; convert it first (e.g. `iconv -f LATIN1 -t UTF-8`)";

impl Error {
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::Read { source, .. } if source.kind() == std::io::ErrorKind::InvalidData => {
                vec![NOT_UTF8_HINT.into()]
            }
            Error::Parse { .. } => vec!["check the indentation and quoting at that line".into()],
            Error::Empty { .. } => {
                vec!["pass -f FILE|DIR|- with YAML or JSON Kubernetes objects".into()]
            }
            _ => vec![],
        }
    }
}

/// One object and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub value: Value,
    /// `path#doc` (1-based document index) or `<stdin>#doc`.
    pub origin: String,
}

impl Manifest {
    pub fn obj(&self) -> crate::cluster::Obj<'_> {
        crate::cluster::Obj(&self.value)
    }
}

/// Splits `kind: List` and `*List` documents into their items, as `kubectl get -o yaml` writes
/// them; other documents pass through.
pub fn unpack_lists(doc: Value) -> Vec<Value> {
    let is_list = doc
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k == "List" || k.ends_with("List"))
        && doc.get("items").is_some_and(Value::is_array);
    if !is_list {
        return vec![doc];
    }
    // A typed list (`PodList`) has items without apiVersion/kind; restore them.
    let list_kind = doc.get("kind").and_then(Value::as_str).unwrap_or("List");
    let item_kind = list_kind.strip_suffix("List").unwrap_or("").to_string();
    let api_version = doc.get("apiVersion").cloned();
    let Value::Object(mut m) = doc else {
        return vec![];
    };
    let Some(Value::Array(items)) = m.remove("items") else {
        return vec![];
    };
    items
        .into_iter()
        .map(|mut it| {
            if let Value::Object(o) = &mut it {
                if !item_kind.is_empty() && !o.contains_key("kind") {
                    o.insert("kind".into(), Value::String(item_kind.clone()));
                }
                if let Some(av) = &api_version
                    && !o.contains_key("apiVersion")
                {
                    o.insert("apiVersion".into(), av.clone());
                }
            }
            it
        })
        .flat_map(unpack_lists)
        .collect()
}

/// Parses a stream of text into manifests, naming `origin` in errors.
pub fn from_text(text: &str, origin: &Path) -> Result<Vec<Manifest>, Error> {
    let docs = parse_stream(text).map_err(|error| Error::Parse {
        path: origin.to_path_buf(),
        error,
    })?;
    let mut out = Vec::new();
    for (i, doc) in docs.into_iter().enumerate() {
        for value in unpack_lists(doc) {
            out.push(Manifest {
                value,
                origin: format!("{}#{}", origin.display(), i + 1),
            });
        }
    }
    Ok(out)
}

/// True for files a manifest directory walk reads.
pub fn is_manifest_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Every regular file under `dir`, recursively and sorted; hidden entries are skipped and
/// symlinked directories are not followed (a manifest or snapshot tree is a plain tree).
/// Unreadable subdirectories are skipped; an unreadable `dir` itself is an error.
pub fn walk_tree(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut first = true;
    while let Some(d) = stack.pop() {
        let rd = match std::fs::read_dir(&d) {
            Ok(rd) => rd,
            Err(e) if first => return Err(e),
            Err(_) => continue,
        };
        first = false;
        for entry in rd.flatten() {
            let p = entry.path();
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            match entry.file_type() {
                _ if hidden => {}
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => out.push(p),
                // A symlink to a file counts; to a directory it does not.
                Ok(t) if t.is_symlink() && p.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Lists manifest files under a directory, sorted, recursively; hidden entries skipped.
pub fn walk(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let files = walk_tree(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    Ok(files.into_iter().filter(|p| is_manifest_file(p)).collect())
}

/// Reads manifests from a file, a directory (recursively) or `-` (the given stdin text).
pub fn load(
    path: &Path,
    stdin: impl FnOnce() -> std::io::Result<String>,
) -> Result<Vec<Manifest>, Error> {
    if path.as_os_str() == "-" {
        let text = stdin().map_err(|source| Error::Read {
            path: "<stdin>".into(),
            source,
        })?;
        return from_text(&text, Path::new("<stdin>"));
    }
    let files = if path.is_dir() {
        walk(path)?
    } else {
        vec![path.to_path_buf()]
    };
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|source| Error::Read {
            path: f.clone(),
            source,
        })?;
        out.extend(from_text(&text, &f)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_lists_restore_kind() {
        let items = unpack_lists(
            json!({"apiVersion":"v1","kind":"PodList","items":[{"metadata":{"name":"a"}}]}),
        );
        assert_eq!(items[0]["kind"], "Pod");
        assert_eq!(items[0]["apiVersion"], "v1");
    }

    #[test]
    fn plain_lists_keep_item_kinds() {
        let items = unpack_lists(json!({"apiVersion":"v1","kind":"List","items":[
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a"}}]}));
        assert_eq!(items[0]["kind"], "Deployment");
        assert_eq!(items[0]["apiVersion"], "apps/v1");
    }
}
