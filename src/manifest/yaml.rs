//! The only file that talks to the YAML crate (serde-saphyr; see DESIGN.md for why).
//!
//! Reading follows what the API server does with YAML 1.1 input (`0755` is octal); writing
//! quotes every string YAML 1.1 would read as a boolean or number (`"no"`, `"on"`, `"0755"`).

use serde::Serialize;
use serde_json::Value;

/// A YAML syntax or structure error with its position in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

fn options() -> serde_saphyr::Options {
    let mut o = serde_saphyr::Options::default();
    o.legacy_octal_numbers = true;
    o.with_snippet = false;
    o
}

fn to_error(e: serde_saphyr::Error) -> YamlError {
    let loc = e.location();
    let message = e.to_string();
    // The crate's Display may already end with the position; keep the first line only.
    let message = message.lines().next().unwrap_or("invalid YAML").to_string();
    YamlError {
        line: loc.as_ref().map(|l| l.line()).filter(|&l| l > 0),
        column: loc.as_ref().map(|l| l.column()).filter(|&c| c > 0),
        message,
    }
}

/// Parses a (possibly multi-document) YAML or JSON stream into values. Empty and `null`
/// documents are skipped, as `kubectl apply` does.
pub fn parse_stream(text: &str) -> Result<Vec<Value>, YamlError> {
    let docs: Vec<Value> =
        serde_saphyr::from_multiple_with_options(text, options()).map_err(to_error)?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Like [`parse_stream`], with parser budgets sized for cluster dumps: a `kubectl get -A -o
/// yaml` list of 10,000 pods is a million nodes, four times the default cap (which exists to
/// stop alias bombs in small configs). Nesting depth stays capped, so the stack is safe.
pub fn parse_stream_large(text: &str) -> Result<Vec<Value>, YamlError> {
    let mut o = options();
    let mut b = serde_saphyr::Budget::default();
    b.max_reader_input_bytes = Some(4 << 30);
    b.max_events = 500_000_000;
    b.max_nodes = 200_000_000;
    b.max_documents = 10_000_000;
    b.max_total_scalar_bytes = 4 << 30;
    o.budget = Some(b);
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, o).map_err(to_error)?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Parses one YAML document into a typed value.
pub fn parse_one<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(text, options()).map_err(to_error)
}

/// Serializes one value as YAML (no leading `---`).
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    let mut s =
        serde_saphyr::to_string(value).unwrap_or_else(|e| format!("# unserializable: {e}\n"));
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Serializes values as a `---` separated stream, every document starting with `---`.
pub fn to_yaml_stream(values: &[Value]) -> String {
    let mut out = String::new();
    for v in values {
        out.push_str("---\n");
        out.push_str(&to_yaml(v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    proptest! {
        /// Arbitrary text never panics the parser; what parses round-trips through our writer.
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,300}") {
            if let Ok(docs) = parse_stream(&s) {
                let again = parse_stream(&to_yaml_stream(&docs));
                prop_assert!(again.is_ok());
            }
        }

        /// YAML-shaped noise (indentation, lists, anchors, tags, separators) never panics.
        #[test]
        fn yamlish_noise_never_panics(lines in prop::collection::vec(
            prop_oneof![Just("---".to_string()), Just("- a".to_string()), Just("  b: [1, {c: d}]".to_string()),
                        Just("&x k: v".to_string()), Just("*x".to_string()), Just("!!binary aGk=".to_string()),
                        Just("? k".to_string()), Just("...".to_string()), "[ a-z:\\-{}\\[\\]|>'\"]{0,16}"], 0..40)) {
            let _ = parse_stream(&lines.join("\n"));
        }
    }

    #[test]
    fn quotes_yaml11_booleans_and_octal_looking_strings() {
        let v = json!({"a": "no", "b": "on", "c": "0755", "d": "yes", "e": "true", "f": "1.10", "g": "plain"});
        let y = to_yaml(&v);
        for key in ["a", "b", "c", "d", "e", "f"] {
            let line = y
                .lines()
                .find(|l| l.starts_with(&format!("{key}:")))
                .unwrap();
            assert!(
                line.contains('"') || line.contains('\''),
                "{line} must be quoted"
            );
        }
        assert!(y.contains("g: plain"));
        // and it reads back as the same strings
        assert_eq!(parse_stream(&y).unwrap()[0], v);
    }

    #[test]
    fn multi_document_streams_skip_empty_docs() {
        let docs = parse_stream("---\na: 1\n---\n---\nb: 2\n...\n").unwrap();
        assert_eq!(docs, vec![json!({"a": 1}), json!({"b": 2})]);
    }

    #[test]
    fn errors_carry_a_line() {
        let e = parse_stream("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
    }

    #[test]
    fn json_is_yaml() {
        let docs = parse_stream(r#"{"kind": "List", "items": []}"#).unwrap();
        assert_eq!(docs[0]["kind"], "List");
    }
}
