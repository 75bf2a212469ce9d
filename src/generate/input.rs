//! Instructions: `claudernetes.yaml` (`instructions:` plus optional `parameters`/`values`,
//! `namespace`, `provider`, `model`), `claudernetes.md` (the whole file), any text file, an
//! argument or stdin. Parameters are substituted into `{{ name }}` / `{{ .Values.name }}`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Error;
use crate::manifest::yaml;

/// The instructions file names a directory is searched for, in order.
pub const FILE_NAMES: &[&str] = &["claudernetes.yaml", "claudernetes.yml", "claudernetes.md"];

/// The lockfile name written next to the instructions.
pub const LOCK_FILE: &str = "claudernetes.lock.yaml";

/// Parsed instructions and the settings that came with them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Instructions {
    /// The raw instructions text (before parameter substitution).
    pub text: String,
    /// Parameters/values from the file; `--set` overrides them.
    pub params: BTreeMap<String, String>,
    pub namespace: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    /// An app name from the file (`name:`), used for layouts and the call log.
    pub name: Option<String>,
    /// The file the instructions came from, if any (locks are written beside it).
    pub source: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaudernetesFile {
    instructions: Option<String>,
    #[serde(default)]
    parameters: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    values: BTreeMap<String, serde_json::Value>,
    namespace: Option<String>,
    provider: Option<String>,
    model: Option<String>,
    name: Option<String>,
}

fn scalar_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Instructions {
    /// From plain text (an argument, stdin, a `.md` or `.txt` file).
    pub fn from_text(text: &str, source: Option<PathBuf>) -> Self {
        Self {
            text: text.to_string(),
            source,
            ..Self::default()
        }
    }

    /// From the contents of a `claudernetes.yaml`.
    pub fn from_yaml(text: &str, source: &Path) -> Result<Self, Error> {
        let f: ClaudernetesFile = yaml::parse_one(text).map_err(|e| {
            Error::Input(format!(
                "{}: invalid claudernetes file: {e}",
                source.display()
            ))
        })?;
        let text = f
            .instructions
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                Error::Input(format!(
                    "{}: `instructions:` is missing or empty",
                    source.display()
                ))
            })?;
        let mut params: BTreeMap<String, String> = f
            .values
            .iter()
            .map(|(k, v)| (k.clone(), scalar_string(v)))
            .collect();
        params.extend(
            f.parameters
                .iter()
                .map(|(k, v)| (k.clone(), scalar_string(v))),
        );
        Ok(Self {
            text,
            params,
            namespace: f.namespace,
            provider: f.provider,
            model: f.model,
            name: f.name,
            source: Some(source.to_path_buf()),
        })
    }

    /// From a file or a directory holding one of [`FILE_NAMES`].
    pub fn from_path(path: &Path) -> Result<Self, Error> {
        let file = if path.is_dir() {
            find_in_dir(path).ok_or_else(|| {
                Error::Input(format!(
                    "{}: no claudernetes.yaml or claudernetes.md in this directory",
                    path.display()
                ))
            })?
        } else {
            path.to_path_buf()
        };
        let text = std::fs::read_to_string(&file)
            .map_err(|e| Error::Input(format!("cannot read {}: {e}", file.display())))?;
        let is_yaml = matches!(
            file.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        );
        if is_yaml {
            Self::from_yaml(&text, &file)
        } else {
            if text.trim().is_empty() {
                return Err(Error::Input(format!(
                    "{}: the file is empty",
                    file.display()
                )));
            }
            Ok(Self::from_text(&text, Some(file)))
        }
    }

    /// The directory the instructions live in (where the lock goes).
    pub fn dir(&self) -> Option<&Path> {
        self.source.as_deref().and_then(Path::parent)
    }

    /// The lockfile path next to the instructions.
    pub fn lock_path(&self) -> Option<PathBuf> {
        self.source.as_ref().map(|s| {
            s.parent()
                .map(|d| d.join(LOCK_FILE))
                .unwrap_or_else(|| PathBuf::from(LOCK_FILE))
        })
    }

    /// A name for the app: `name:`, else the directory name, else `app`.
    pub fn app_name(&self) -> String {
        self.name
            .clone()
            .or_else(|| {
                self.dir()
                    .and_then(|d| d.canonicalize().ok())
                    .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            })
            .unwrap_or_else(|| "app".into())
    }
}

/// The instructions file in a directory, if any.
pub fn find_in_dir(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Substitutes `{{ name }}`, `{{ .Values.name }}` and `{{ .Params.name }}`. Returns the text
/// and the placeholders that had no value (left as written).
pub fn substitute(text: &str, params: &BTreeMap<String, String>) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut missing = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return (out, missing);
        };
        let inner = after[..end].trim();
        let key = inner
            .strip_prefix(".Values.")
            .or_else(|| inner.strip_prefix(".Params."))
            .unwrap_or(inner);
        match params.get(key) {
            Some(v) => out.push_str(v),
            None => {
                missing.push(inner.to_string());
                out.push_str(&rest[start..start + 2 + end + 2]);
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    (out, missing)
}

/// Parses `--set key=value` pairs.
pub fn parse_sets(sets: &[String]) -> Result<BTreeMap<String, String>, Error> {
    sets.iter()
        .map(|s| {
            s.split_once('=')
                .filter(|(k, _)| !k.trim().is_empty())
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| Error::Input(format!("--set expects key=value, got `{s}`")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_file_with_params() {
        let i = Instructions::from_yaml(
            "instructions: |\n  Deploy {{ .Values.app }} with {{ replicas }} replicas\nvalues:\n  app: web\nparameters:\n  replicas: 3\nnamespace: shop\n",
            Path::new("/x/claudernetes.yaml"),
        )
        .unwrap();
        assert_eq!(i.namespace.as_deref(), Some("shop"));
        let (t, missing) = substitute(&i.text, &i.params);
        assert_eq!(t.trim(), "Deploy web with 3 replicas");
        assert!(missing.is_empty());
        assert_eq!(
            i.lock_path().unwrap(),
            PathBuf::from("/x/claudernetes.lock.yaml")
        );
    }

    #[test]
    fn unknown_keys_and_missing_instructions_are_errors() {
        assert!(Instructions::from_yaml("instructoins: x\n", Path::new("c.yaml")).is_err());
        assert!(Instructions::from_yaml("namespace: x\n", Path::new("c.yaml")).is_err());
    }

    #[test]
    fn substitute_leaves_unknown_and_unclosed() {
        let (t, m) = substitute("a {{ x }} b {{ y", &BTreeMap::new());
        assert_eq!(t, "a {{ x }} b {{ y");
        assert_eq!(m, vec!["x"]);
    }
}
