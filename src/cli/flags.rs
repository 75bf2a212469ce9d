//! Flag values several commands share, and how they are parsed: the flag groups flattened
//! into each command that takes them (one spelling, one help text), and `-o`.

use clap::Args;

use crate::llm::ProviderKind;

/// Which model a command asks: `generate`, `diff` (for instructions) and `diagnose --explain`.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Model")]
pub struct ModelFlags {
    /// The model provider (default: $KCLAUDE_PROVIDER, the config, then anthropic when an API
    /// key is set, else offline; instructions may name one with `provider:`)
    #[arg(long, value_enum)]
    pub provider: Option<ProviderKind>,
    /// Model id (default: the instructions' `model:`, the config, else the provider's own)
    #[arg(long)]
    pub model: Option<String>,
}

impl ModelFlags {
    /// True when either flag was given.
    pub fn any(&self) -> bool {
        self.provider.is_some() || self.model.is_some()
    }

    /// For a command whose only model call is `--explain` (`diagnose`, `upgrades`): the flags
    /// choose what it asks, and the offline generator cannot explain, so a flag that would do
    /// nothing is refused, as a parse error would be.
    pub fn check_for_explain(&self, explain: bool) -> crate::error::Result<()> {
        use crate::error::Error;
        if self.any() && !explain {
            return Err(Error::usage_hint(
                "--provider and --model choose the model --explain asks; without --explain they do nothing",
                "add --explain, or drop them",
            ));
        }
        if self.provider == Some(ProviderKind::Offline) {
            return Err(Error::usage_hint(
                "--explain needs a model; the offline provider has none",
                "use --provider anthropic or --provider openai",
            ));
        }
        Ok(())
    }
}

/// How instructions become manifests: the model, `--set` and `--no-cache` (`generate`, and
/// `diff` when a -f names instructions).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Generation")]
pub struct InstructionFlags {
    /// Set a parameter substituted into {{ name }} / {{ .Values.name }} (repeatable)
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Bypass the cache and any lock; always generate
    #[arg(long)]
    pub no_cache: bool,
    // Last: a flattened group's heading carries on to the arguments after it.
    #[command(flatten)]
    pub model: ModelFlags,
}

/// An `-o` output format. The flag itself stays a string (`snapshot -o DIR` names a
/// directory); each command accepts its own subset through [`super::Ctx::format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Text,
    Json,
    Yaml,
}

impl OutputFormat {
    /// The name `-o` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Text => "text",
            OutputFormat::Json => "json",
            OutputFormat::Yaml => "yaml",
        }
    }

    /// True for the machine formats (json, yaml).
    pub fn is_data(self) -> bool {
        matches!(self, OutputFormat::Json | OutputFormat::Yaml)
    }
}

/// Parses `--since` relative to `now`.
pub fn parse_since(s: &str, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t);
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return d
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    let n: i64 = n.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        "w" => n.checked_mul(7 * 86_400)?,
        _ => return None,
    };
    now.checked_sub(jiff::SignedDuration::from_secs(secs)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_formats_are_named_as_clap_names_them() {
        use clap::ValueEnum;
        for f in OutputFormat::value_variants() {
            assert_eq!(f.to_possible_value().unwrap().get_name(), f.as_str());
        }
        assert!(OutputFormat::Yaml.is_data() && !OutputFormat::Table.is_data());
    }

    #[test]
    fn provider_kinds_are_named_as_clap_names_them() {
        use clap::ValueEnum;
        for k in ProviderKind::value_variants() {
            let name = k.to_possible_value().unwrap().get_name().to_string();
            assert_eq!(name, k.as_str());
            assert_eq!(ProviderKind::parse(&name), Some(*k));
        }
    }

    #[test]
    fn since_accepts_dates_times_and_durations() {
        let now: jiff::Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        assert_eq!(
            parse_since("24h", now).unwrap().to_string(),
            "2026-11-21T10:00:00Z"
        );
        assert_eq!(
            parse_since("2026-11-20", now).unwrap().to_string(),
            "2026-11-20T00:00:00Z"
        );
        assert!(parse_since("2026-11-20T08:00:00Z", now).is_some());
        assert!(parse_since("yesterday", now).is_none());
        assert!(parse_since("99999999999999d", now).is_none());
    }
}
