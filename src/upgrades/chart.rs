//! A chart archive (`.tgz`): its `Chart.yaml`, `values.yaml` and `values.schema.json`.

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::Value;

/// What an upgrade needs from one chart version.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    pub name: String,
    pub version: String,
    pub app_version: Option<String>,
    pub values: Value,
    pub schema: Option<Value>,
    /// `artifacthub.io/changes`, one line per entry (`kind: description`).
    pub changes: Vec<String>,
    /// Images by where they come from (`values:image`, `annotation:name`) → `repo:tag`.
    pub images: BTreeMap<String, String>,
}

/// Archives larger than this (uncompressed) are refused: a chart's three files are small, and
/// a decompression bomb must not eat the memory.
const MAX_UNPACKED: u64 = 64 << 20;

/// Reads a chart archive. `what` names it in errors (`grafana 8.5.1 from URL`).
pub fn unpack(bytes: &[u8]) -> Result<Chart, String> {
    let gz = flate2::read::GzDecoder::new(bytes).take(MAX_UNPACKED);
    let mut ar = tar::Archive::new(gz);
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let entries = ar
        .entries()
        .map_err(|e| format!("not a gzip'd tar archive: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("not a gzip'd tar archive: {e}"))?;
        let path = entry
            .path()
            .map_err(|e| format!("bad path in archive: {e}"))?
            .to_string_lossy()
            .into_owned();
        // `<chart>/Chart.yaml`; subcharts live deeper, under `<chart>/charts/`.
        let mut parts = path.splitn(2, '/');
        let (_, Some(file)) = (parts.next(), parts.next()) else {
            continue;
        };
        if matches!(file, "Chart.yaml" | "values.yaml" | "values.schema.json") {
            let mut s = String::new();
            entry
                .read_to_string(&mut s)
                .map_err(|e| format!("cannot read {path}: {e}"))?;
            files.insert(file.to_string(), s);
        }
    }
    let meta_text = files
        .get("Chart.yaml")
        .ok_or("the archive has no <chart>/Chart.yaml")?;
    let meta = first_doc(meta_text).map_err(|e| format!("Chart.yaml: {e}"))?;
    let values = match files.get("values.yaml") {
        Some(t) => first_doc(t).map_err(|e| format!("values.yaml: {e}"))?,
        None => Value::Object(Default::default()),
    };
    let schema = match files.get("values.schema.json") {
        Some(t) => Some(
            serde_json::from_str(t)
                .map_err(|e| format!("values.schema.json: invalid JSON: {e}"))?,
        ),
        None => None,
    };
    let s = |k: &str| meta.get(k).and_then(Value::as_str).map(str::to_string);
    let annotations = meta.get("annotations");
    let ann = |k: &str| annotations.and_then(|a| a.get(k)).and_then(Value::as_str);
    let app_version = s("appVersion").or_else(|| {
        meta.get("appVersion")
            .filter(|v| v.is_number())
            .map(|v| v.to_string())
    });
    let mut images = BTreeMap::new();
    collect_images(
        &values,
        &mut Vec::new(),
        app_version.as_deref(),
        &mut images,
    );
    if let Some(list) = ann("artifacthub.io/images").and_then(|t| first_doc(t).ok()) {
        for item in list.as_array().into_iter().flatten() {
            if let (Some(n), Some(i)) = (
                item.get("name").and_then(Value::as_str),
                item.get("image").and_then(Value::as_str),
            ) {
                images.insert(format!("annotation:{n}"), i.to_string());
            }
        }
    }
    Ok(Chart {
        name: s("name").ok_or("Chart.yaml has no name")?,
        version: s("version").ok_or("Chart.yaml has no version")?,
        app_version,
        changes: ann("artifacthub.io/changes")
            .map(parse_changes)
            .unwrap_or_default(),
        values,
        schema,
        images,
    })
}

fn first_doc(text: &str) -> Result<Value, String> {
    let docs = crate::manifest::parse_stream(text).map_err(|e| e.to_string())?;
    Ok(docs
        .into_iter()
        .next()
        .unwrap_or(Value::Object(Default::default())))
}

/// `artifacthub.io/changes` is a YAML string: a list of strings or of `{kind, description}`.
fn parse_changes(text: &str) -> Vec<String> {
    let Ok(v) = first_doc(text) else {
        return vec![text.trim().to_string()];
    };
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| match c {
            Value::String(s) => Some(s.clone()),
            Value::Object(m) => {
                let d = m.get("description").and_then(Value::as_str)?;
                Some(match m.get("kind").and_then(Value::as_str) {
                    Some(k) => format!("{k}: {d}"),
                    None => d.to_string(),
                })
            }
            _ => None,
        })
        .collect()
}

/// Image references in values: any map with a string `repository` (and optional `registry`,
/// `tag`; an empty tag means the chart's appVersion, as most charts template it).
fn collect_images(
    v: &Value,
    at: &mut Vec<String>,
    app_version: Option<&str>,
    out: &mut BTreeMap<String, String>,
) {
    let Value::Object(m) = v else { return };
    if let Some(repo) = m.get("repository").and_then(Value::as_str) {
        let tag = match m.get("tag") {
            Some(Value::String(t)) if !t.is_empty() => t.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => app_version.unwrap_or("").to_string(),
        };
        let reg = m.get("registry").and_then(Value::as_str).unwrap_or("");
        let full = if reg.is_empty() {
            repo.to_string()
        } else {
            format!("{reg}/{repo}")
        };
        let name = if at.is_empty() {
            "image".into()
        } else {
            at.join(".")
        };
        out.insert(
            format!("values:{name}"),
            if tag.is_empty() {
                full
            } else {
                format!("{full}:{tag}")
            },
        );
        return;
    }
    for (k, c) in m {
        at.push(k.clone());
        collect_images(c, at, app_version, out);
        at.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a chart archive: `files` are paths inside `<name>/`.
    fn pack(name: &str, files: &[(&str, &str)]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut b = tar::Builder::new(gz);
        for (path, body) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(body.len() as u64);
            h.set_mode(0o644);
            h.set_mtime(0);
            h.set_cksum();
            b.append_data(&mut h, format!("{name}/{path}"), body.as_bytes())
                .expect("in-memory tar");
        }
        b.into_inner()
            .and_then(|gz| gz.finish())
            .expect("in-memory gzip")
    }

    #[test]
    fn unpacks_metadata_values_schema_changes_and_images() {
        let tgz = pack(
            "app",
            &[
                (
                    "Chart.yaml",
                    "apiVersion: v2\nname: app\nversion: 1.2.0\nappVersion: \"2.0\"\nannotations:\n  artifacthub.io/changes: |\n    - kind: changed\n      description: renamed storageClass\n    - plain note\n",
                ),
                (
                    "values.yaml",
                    "image:\n  repository: org/app\n  tag: \"\"\nsidecar:\n  image:\n    registry: quay.io\n    repository: org/side\n    tag: 0.3\n",
                ),
                ("values.schema.json", "{\"type\": \"object\"}"),
                ("charts/sub/Chart.yaml", "name: sub\nversion: 9.9.9\n"),
            ],
        );
        let c = unpack(&tgz).unwrap();
        assert_eq!((c.name.as_str(), c.version.as_str()), ("app", "1.2.0"));
        assert_eq!(c.app_version.as_deref(), Some("2.0"));
        assert_eq!(
            c.changes,
            vec!["changed: renamed storageClass", "plain note"]
        );
        assert_eq!(c.images["values:image"], "org/app:2.0");
        assert_eq!(c.images["values:sidecar.image"], "quay.io/org/side:0.3");
        assert!(c.schema.is_some());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(unpack(b"not a tarball").is_err());
        assert!(
            unpack(&pack("x", &[("values.yaml", "a: 1\n")]))
                .unwrap_err()
                .contains("Chart.yaml")
        );
    }
}
