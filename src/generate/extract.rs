//! Extracting Kubernetes objects from a model's reply: markdown fences, prose before and
//! after, `---` separators. Anything that is not an object with `apiVersion` and `kind` is
//! not a manifest; a reply with none is unusable.

use serde_json::Value;

use crate::llm::Error;
use crate::manifest::{parse_stream, unpack_lists};

/// The YAML text inside fenced blocks (```yaml, ```yml, ```json or bare ```), joined with
/// `---`; `None` when the reply has none. Other languages (```bash) are skipped, and an
/// unclosed fence (a truncated reply) still yields what it holds.
fn fenced(reply: &str) -> Option<String> {
    let mut blocks = Vec::new();
    let mut in_block: Option<bool> = None; // Some(keep)
    let mut buf = Vec::new();
    for line in reply.lines() {
        let t = line.trim_start();
        if let Some(lang) = t.strip_prefix("```") {
            match in_block.take() {
                Some(keep) => {
                    if keep {
                        blocks.push(buf.join("\n"));
                    }
                    buf.clear();
                }
                None => {
                    let lang = lang.trim().to_ascii_lowercase();
                    in_block =
                        Some(lang.is_empty() || matches!(lang.as_str(), "yaml" | "yml" | "json"));
                }
            }
        } else if in_block.is_some() {
            buf.push(line);
        }
    }
    if in_block == Some(true) {
        blocks.push(buf.join("\n"));
    }
    if blocks.is_empty() {
        None
    } else {
        Some(blocks.join("\n---\n"))
    }
}

/// True for a line that starts a manifest.
fn starts_manifest(line: &str) -> bool {
    line == "---" || line.starts_with("apiVersion:") || line.starts_with("kind:")
}

/// True for a line that can belong to YAML (indented, a key, a list item, a comment, …).
fn looks_like_yaml(line: &str) -> bool {
    line.is_empty()
        || line.starts_with([' ', '\t', '-', '#', '{', '}', '[', ']', '"', '\''])
        || line.starts_with("...")
        || line
            .split_once(':')
            .is_some_and(|(k, _)| !k.is_empty() && !k.contains(' '))
}

/// Without fences: from the first line that starts a manifest to the last line that still
/// looks like YAML; prose before and after is dropped.
fn unfenced(reply: &str) -> String {
    let lines: Vec<&str> = reply.lines().collect();
    let Some(start) = lines.iter().position(|l| starts_manifest(l.trim_end())) else {
        return String::new();
    };
    let mut end = start;
    for (i, l) in lines.iter().enumerate().skip(start) {
        if looks_like_yaml(l.trim_end()) {
            end = i;
        } else {
            break;
        }
    }
    lines[start..=end].join("\n")
}

/// Extracts the objects of a reply. Errors when the reply is empty, is not YAML, or holds no
/// Kubernetes object.
pub fn objects(reply: &str) -> Result<Vec<Value>, Error> {
    if reply.trim().is_empty() {
        return Err(Error::Unusable {
            reason: "the reply is empty".into(),
        });
    }
    let text = fenced(reply).unwrap_or_else(|| unfenced(reply));
    if text.trim().is_empty() {
        return Err(Error::Unusable {
            reason: "the reply contains no Kubernetes object (it looks like prose)".into(),
        });
    }
    let docs = parse_stream(&text).map_err(|e| Error::Unusable {
        reason: format!("the reply is not valid YAML ({e})"),
    })?;
    let mut out = Vec::new();
    for d in docs.into_iter().flat_map(unpack_lists) {
        let is_obj = d.get("apiVersion").and_then(Value::as_str).is_some()
            && d.get("kind").and_then(Value::as_str).is_some();
        if is_obj {
            out.push(d);
        } else if !d.is_string() {
            return Err(Error::Unusable {
                reason: "the reply contains a YAML document that is not a Kubernetes object (no apiVersion/kind)".into(),
            });
        }
    }
    if out.is_empty() {
        return Err(Error::Unusable {
            reason: "the reply contains no Kubernetes object".into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n";

    #[test]
    fn fenced_with_prose_around() {
        let r =
            format!("Here you go:\n\n```yaml\n{CM}```\n\nAnd a service:\n```yml\n{CM}```\nEnjoy!");
        assert_eq!(objects(&r).unwrap().len(), 2);
    }

    #[test]
    fn unfenced_with_prose_before_and_after() {
        let r = format!(
            "Sure! Below are the manifests.\n{CM}---\n{CM}\nThese follow best practices.\n"
        );
        assert_eq!(objects(&r).unwrap().len(), 2);
    }

    #[test]
    fn bash_fences_are_skipped() {
        let r = format!("```bash\nkubectl apply -f x\n```\n```yaml\n{CM}```\n");
        assert_eq!(objects(&r).unwrap().len(), 1);
    }

    #[test]
    fn prose_only_empty_and_non_objects_fail() {
        assert!(objects("I cannot help with that.").is_err());
        assert!(objects("   ").is_err());
        assert!(objects("```yaml\nfoo: bar\n```").is_err());
    }

    proptest! {
        #[test]
        fn never_panics_and_yields_only_objects(s in "\\PC{0,400}") {
            if let Ok(objs) = objects(&s) {
                prop_assert!(!objs.is_empty());
                for o in objs {
                    prop_assert!(o.get("apiVersion").is_some() && o.get("kind").is_some());
                }
            }
        }

        #[test]
        fn never_panics_on_yamlish_noise(lines in prop::collection::vec(
            prop_oneof![Just("---".to_string()), Just("```yaml".to_string()), Just("```".to_string()),
                        Just("apiVersion: v1".to_string()), Just("kind: Pod".to_string()),
                        Just("metadata: {name: x}".to_string()), "[a-z: -]{0,20}"], 0..30)) {
            let _ = objects(&lines.join("\n"));
        }
    }
}
