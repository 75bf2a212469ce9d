//! The config file (`~/.config/kubectl-claude/config.yaml`) and the XDG paths.
//!
//! The CLI layer reads the environment and hands [`Paths`] and the parsed [`Config`] to the
//! engines; nothing here reads the environment.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::autonomy::AutonomyConfig;
use crate::manifest::yaml;

/// Where the product keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub cache_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// XDG paths from the given environment values (`HOME`, `XDG_*`).
    pub fn from_env(
        home: Option<&Path>,
        xdg_config: Option<&Path>,
        xdg_cache: Option<&Path>,
        xdg_state: Option<&Path>,
    ) -> Self {
        let home = home
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let pick = |xdg: Option<&Path>, fallback: &str| {
            xdg.filter(|p| p.is_absolute())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| home.join(fallback))
                .join("kubectl-claude")
        };
        Self {
            config_dir: pick(xdg_config, ".config"),
            cache_dir: pick(xdg_cache, ".cache"),
            state_dir: pick(xdg_state, ".local/state"),
        }
    }
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.yaml")
    }
    pub fn audit_dir(&self) -> PathBuf {
        self.state_dir.join("actions")
    }
    pub fn usage_dir(&self) -> PathBuf {
        self.state_dir.join("llm-calls")
    }
    pub fn workflows_dir(&self) -> PathBuf {
        self.config_dir.join("workflows")
    }
}

/// Errors in a config file: they name the file, the line and the key.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid config {}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("cannot read config {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn hints(&self) -> Vec<String> {
        vec!["fix that line (the README's Configuration section lists every key), or move the file aside to run with the defaults".into()]
    }
}

/// Settings for the Anthropic provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnthropicConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// A file holding the API key (e.g. a mounted Secret); the env var wins when both exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
}

/// Settings for an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp, OpenAI).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenAiConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Context window to ask Ollama for (`options.num_ctx`); its default is too small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_ctx: Option<u32>,
}

/// The whole config file. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `anthropic`, `openai` or `offline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Total deadline for one model call including retries, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u64>,
    #[serde(default)]
    pub anthropic: AnthropicConfig,
    #[serde(default)]
    pub openai: OpenAiConfig,
    #[serde(default)]
    pub autonomy: AutonomyConfig,
    /// A team `settings.json` whose `autonomy` block is merged into ours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autonomy_file: Option<PathBuf>,
    /// When set, generated and linted manifests may only contain these kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_kinds: Vec<String>,
}

impl Config {
    /// Loads the file if it exists; a missing file is the default config.
    pub fn load(path: &Path, home: Option<&Path>) -> Result<Self, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            // A missing file, or a HOME that is not a directory (read-only sidecars), is no config.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(Self::default());
            }
            Err(source) => {
                return Err(Error::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Self::parse_with_home(&text, path, home)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        Self::parse_with_home(text, path, None)
    }

    /// Like [`Config::parse`], expanding a leading `~/` in paths against `home`.
    pub fn parse_with_home(text: &str, path: &Path, home: Option<&Path>) -> Result<Self, Error> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let mut cfg: Config = yaml::parse_one(text).map_err(|e| Error::Invalid {
            path: path.to_path_buf(),
            message: describe_yaml_error(text, &e),
        })?;
        if let Some(p) = &cfg.provider
            && crate::llm::ProviderKind::parse(p).is_none()
        {
            let line = text
                .lines()
                .position(|l| l.trim_start().starts_with("provider:"))
                .map(|i| i + 1);
            return Err(Error::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "{}key `provider`: unknown provider `{p}` (expected anthropic, openai or offline)",
                    line.map(|l| format!("line {l}: ")).unwrap_or_default()
                ),
            });
        }
        let expand = |p: &Path| match (p.strip_prefix("~"), home) {
            (Ok(rest), Some(h)) => h.join(rest),
            _ => p.to_path_buf(),
        };
        cfg.autonomy_file = cfg.autonomy_file.as_deref().map(expand);
        cfg.anthropic.api_key_file = cfg.anthropic.api_key_file.as_deref().map(expand);
        if let Some(f) = cfg.autonomy_file.clone() {
            let merged = load_settings_json(&f).map_err(|e| Error::Invalid {
                path: path.to_path_buf(),
                message: match e {
                    Error::Read { path, source } => {
                        format!(
                            "key `autonomy_file`: cannot read {}: {source}",
                            path.display()
                        )
                    }
                    other => format!("key `autonomy_file`: {other}"),
                },
            })?;
            cfg.autonomy.safe_actions.extend(merged.safe_actions);
            cfg.autonomy.confirm_actions.extend(merged.confirm_actions);
            cfg.autonomy
                .forbidden_actions
                .extend(merged.forbidden_actions);
        }
        Ok(cfg)
    }

    /// The config as YAML with secrets masked, for `config view`.
    pub fn masked(&self) -> Config {
        let mut c = self.clone();
        if c.anthropic.api_key.is_some() {
            c.anthropic.api_key = Some(crate::redact::REDACTED.into());
        }
        if c.openai.api_key.is_some() {
            c.openai.api_key = Some(crate::redact::REDACTED.into());
        }
        c
    }
}

/// `line N, key `k`: message` for a YAML error: the key is read from the offending line, and
/// the parser's own trailing position is dropped so it is not said twice.
fn describe_yaml_error(text: &str, e: &yaml::YamlError) -> String {
    let mut msg = e.message.clone();
    if let Some(i) = msg.find(" at line ") {
        msg.truncate(i);
    }
    let Some(line) = e.line else { return msg };
    let key = text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .and_then(|l| l.trim_start().trim_start_matches("- ").split_once(':'))
        .map(|(k, _)| k.trim().to_string())
        .filter(|k| !k.is_empty() && !k.contains(' '));
    match key {
        Some(k) if !msg.contains(&format!("`{k}`")) => format!("line {line}, key `{k}`: {msg}"),
        _ => format!("line {line}: {msg}"),
    }
}

/// Reads the `autonomy` block from a team `settings.json`.
pub fn load_settings_json(path: &Path) -> Result<AutonomyConfig, Error> {
    #[derive(Deserialize)]
    struct Settings {
        #[serde(default)]
        autonomy: AutonomyConfig,
    }
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let s: Settings = serde_json::from_str(&text).map_err(|e| Error::Invalid {
        path: path.to_path_buf(),
        message: format!("line {}, column {}: {e}", e.line(), e.column()),
    })?;
    Ok(s.autonomy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let e = Config::parse("provider: offline\nmodle: x\n", Path::new("/c.yaml")).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("/c.yaml"), "{s}");
        assert!(s.contains("modle"), "{s}");
        assert!(s.contains("line 2") || s.contains("2:"), "{s}");
    }

    #[test]
    fn bad_provider_names_line() {
        let e = Config::parse("model: m\nprovider: gpt\n", Path::new("/c.yaml")).unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn tilde_paths_expand_against_home() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join(".claude")).unwrap();
        std::fs::write(
            d.path().join(".claude/settings.json"),
            r#"{"autonomy": {"forbidden_actions": ["scale"]}}"#,
        )
        .unwrap();
        let c = Config::parse_with_home(
            "autonomy_file: ~/.claude/settings.json\n",
            Path::new("/c.yaml"),
            Some(d.path()),
        )
        .unwrap();
        assert_eq!(c.autonomy.forbidden_actions, vec!["scale"]);
    }

    #[test]
    fn xdg_paths() {
        let p = Paths::from_env(Some(Path::new("/h")), None, Some(Path::new("/xc")), None);
        assert_eq!(
            p.config_file(),
            PathBuf::from("/h/.config/kubectl-claude/config.yaml")
        );
        assert_eq!(p.cache_dir, PathBuf::from("/xc/kubectl-claude"));
        assert_eq!(
            p.audit_dir(),
            PathBuf::from("/h/.local/state/kubectl-claude/actions")
        );
    }
}
