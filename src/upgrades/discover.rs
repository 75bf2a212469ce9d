//! Finding HelmReleases, their sources and their values in a Flux repository (or in objects
//! read from a cluster).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::fetch::Repo;
use crate::cluster::Obj;

/// One parsed document and where it lives (`file` is `None` for live objects).
#[derive(Debug, Clone)]
pub struct Doc {
    pub value: Value,
    pub file: Option<PathBuf>,
    /// 0-based index among the file's non-empty documents.
    pub doc: usize,
}

/// Where a release's version string lives, so it can be bumped.
#[derive(Debug, Clone, PartialEq)]
pub struct Pin {
    pub file: Option<PathBuf>,
    pub doc: usize,
    pub path: Vec<String>,
    /// `HelmRelease spec.chart.spec.version`, `OCIRepository flux-system/grafana spec.ref.tag`.
    pub describe: String,
}

/// A HelmRelease resolved to a chart, a version and a source.
#[derive(Debug, Clone)]
pub struct Release {
    pub namespace: String,
    pub name: String,
    pub file: Option<PathBuf>,
    pub doc: usize,
    pub chart: String,
    /// The version as written: exact (`8.5.1`) or a range (`8.x`).
    pub version: String,
    pub pin: Pin,
    pub repo: Repo,
    /// `HelmRepository flux-system/grafana`.
    pub source: String,
    /// `valuesFrom` (found ones, in order) merged under `spec.values`.
    pub values: Value,
    /// `spec.values` alone (what `--write` can migrate in place).
    pub inline_values: Value,
    pub notes: Vec<String>,
    /// The source's `spec.secretRef`: (namespace, name).
    pub secret_ref: Option<(String, String)>,
    /// Credentials for the source, when the user passed the Secret (see [`super::auth`]).
    pub auth: Option<super::auth::Basic>,
}

/// A HelmRelease that could not be resolved, with why.
#[derive(Debug, Clone)]
pub struct Unresolved {
    pub namespace: String,
    pub name: String,
    pub file: Option<PathBuf>,
    pub error: super::Error,
}

/// Reads every YAML document under `dir` (unparseable files are errors naming the file).
pub fn read_dir(
    dir: &Path,
) -> Result<(Vec<Doc>, BTreeMap<PathBuf, String>), crate::manifest::Error> {
    let mut docs = Vec::new();
    let mut texts = BTreeMap::new();
    for f in crate::manifest::walk(dir)? {
        let text = std::fs::read_to_string(&f).map_err(|source| crate::manifest::Error::Read {
            path: f.clone(),
            source,
        })?;
        // Only files that may hold Flux objects are parsed: a chart's templates or a SOPS file
        // elsewhere in the repo must not stop the walk.
        if !text.contains("kind:") && !text.contains("\"kind\"") {
            continue;
        }
        let values = match crate::manifest::parse_stream(&text) {
            Ok(v) => v,
            Err(error) if mentions_flux(&text) => {
                return Err(crate::manifest::Error::Parse { path: f, error });
            }
            Err(_) => continue,
        };
        for (i, value) in values.into_iter().enumerate() {
            docs.push(Doc {
                value,
                file: Some(f.clone()),
                doc: i,
            });
        }
        texts.insert(f, text);
    }
    Ok((docs, texts))
}

fn mentions_flux(text: &str) -> bool {
    [
        "HelmRelease",
        "HelmRepository",
        "OCIRepository",
        "HelmChart",
    ]
    .iter()
    .any(|k| text.contains(k))
}

/// The namespace an object lands in: its own, else the repo layout's
/// (`…/apps/<ns>/<app>/…`, where Flux's Kustomization sets `targetNamespace`), else `default`.
fn namespace_of(d: &Doc, fallback: Option<&str>) -> String {
    if let Some(ns) = Obj(&d.value).namespace() {
        return ns.to_string();
    }
    if let Some(f) = &d.file {
        let parts: Vec<_> = f.iter().filter_map(|p| p.to_str()).collect();
        if let Some(i) = parts.iter().position(|p| *p == "apps")
            && i + 2 < parts.len()
        {
            return parts[i + 1].to_string();
        }
    }
    fallback.unwrap_or("default").to_string()
}

fn find<'a>(docs: &'a [Doc], kind: &str, name: &str, ns: &str) -> Option<&'a Doc> {
    let same: Vec<&Doc> = docs
        .iter()
        .filter(|d| Obj(&d.value).kind() == kind && Obj(&d.value).name() == name)
        .collect();
    // Sources under flux/meta have their namespace set by a Kustomization, not in the file;
    // a unique name match is then the one.
    same.iter()
        .find(|d| namespace_of(d, None) == ns || Obj(&d.value).namespace() == Some(ns))
        .or_else(|| (same.len() == 1).then(|| &same[0]))
        .copied()
}

fn src_err(message: String) -> super::Error {
    super::Error::Source { message }
}

fn repo_of(src: &Doc, chart: &str) -> Result<Repo, super::Error> {
    let o = Obj(&src.value);
    let url = o
        .str_at("/spec/url")
        .ok_or_else(|| src_err(format!("{} {} has no spec.url", o.kind(), o.name())))?;
    let insecure = o.bool_at("/spec/insecure").unwrap_or(false);
    let oci = url.starts_with("oci://") || o.str_at("/spec/type") == Some("oci");
    Ok(match (o.kind(), oci) {
        ("OCIRepository", _) => Repo::Oci {
            url: url.to_string(),
            insecure,
        },
        (_, true) => Repo::Oci {
            url: format!("{}/{chart}", url.trim_end_matches('/')),
            insecure,
        },
        _ => Repo::Http {
            url: url.to_string(),
        },
    })
}

fn path(s: &str) -> Vec<String> {
    s.split('.').map(str::to_string).collect()
}

/// Resolves every HelmRelease in `docs`.
pub fn releases(docs: &[Doc]) -> (Vec<Release>, Vec<Unresolved>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for d in docs
        .iter()
        .filter(|d| Obj(&d.value).kind() == "HelmRelease")
    {
        let ns = namespace_of(d, None);
        let name = Obj(&d.value).name().to_string();
        match resolve(docs, d, &ns) {
            Ok(r) => ok.push(r),
            Err(error) => bad.push(Unresolved {
                namespace: ns,
                name,
                file: d.file.clone(),
                error,
            }),
        }
    }
    ok.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    (ok, bad)
}

fn resolve(docs: &[Doc], d: &Doc, ns: &str) -> Result<Release, super::Error> {
    let hr = Obj(&d.value);
    let who = format!("HelmRelease {ns}/{}", hr.name());
    let (chart, version, pin, src_doc, source) = if let Some(cs) = hr.at("/spec/chart/spec") {
        let chart = cs
            .get("chart")
            .and_then(Value::as_str)
            .ok_or_else(|| src_err(format!("{who}: spec.chart.spec.chart is missing")))?;
        let version = cs
            .get("version")
            .and_then(|v| v.as_str().map(str::to_string).or_else(|| v.as_number().map(|n| n.to_string())))
            .ok_or_else(|| super::Error::Skipped { message: format!("{who}: spec.chart.spec.version is not pinned (Flux follows the newest by itself; nothing to upgrade)") })?;
        let kind = cs
            .pointer("/sourceRef/kind")
            .and_then(Value::as_str)
            .unwrap_or("HelmRepository");
        let sname = cs
            .pointer("/sourceRef/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let sns = cs
            .pointer("/sourceRef/namespace")
            .and_then(Value::as_str)
            .unwrap_or(ns);
        if kind != "HelmRepository" {
            return Err(super::Error::Skipped {
                message: format!(
                    "{who}: its chart comes from a {kind}, which has no published versions to upgrade to"
                ),
            });
        }
        let src = find(docs, kind, sname, sns).ok_or_else(|| {
            src_err(format!("{who}: its source {kind} {sns}/{sname} is not in the repository (looked at every YAML file)"))
        })?;
        let pin = Pin {
            file: d.file.clone(),
            doc: d.doc,
            path: path("spec.chart.spec.version"),
            describe: "HelmRelease spec.chart.spec.version".into(),
        };
        (
            chart.to_string(),
            version,
            pin,
            src,
            format!("{kind} {sns}/{sname}"),
        )
    } else if let Some(cr) = hr.at("/spec/chartRef") {
        let kind = cr.get("kind").and_then(Value::as_str).unwrap_or("");
        let sname = cr.get("name").and_then(Value::as_str).unwrap_or("");
        let sns = cr.get("namespace").and_then(Value::as_str).unwrap_or(ns);
        let target = find(docs, kind, sname, sns).ok_or_else(|| {
            src_err(format!(
                "{who}: its chartRef {kind} {sns}/{sname} is not in the repository"
            ))
        })?;
        let t = Obj(&target.value);
        match kind {
            "OCIRepository" => {
                let (version, p) = match (t.str_at("/spec/ref/tag"), t.str_at("/spec/ref/semver")) {
                    (Some(tag), _) => (tag.to_string(), "spec.ref.tag"),
                    (None, Some(range)) => (range.to_string(), "spec.ref.semver"),
                    _ => {
                        return Err(src_err(format!(
                            "{who}: OCIRepository {sns}/{sname} pins no spec.ref.tag or spec.ref.semver"
                        )));
                    }
                };
                let url = t.str_at("/spec/url").unwrap_or("");
                let chart = url.rsplit('/').next().unwrap_or("").to_string();
                let pin = Pin {
                    file: target.file.clone(),
                    doc: target.doc,
                    path: path(p),
                    describe: format!("OCIRepository {sns}/{sname} {p}"),
                };
                (
                    chart,
                    version,
                    pin,
                    target,
                    format!("OCIRepository {sns}/{sname}"),
                )
            }
            "HelmChart" => {
                let chart = t.str_at("/spec/chart").unwrap_or("").to_string();
                let version = t
                    .str_at("/spec/version")
                    .ok_or_else(|| {
                        src_err(format!(
                            "{who}: HelmChart {sns}/{sname} pins no spec.version"
                        ))
                    })?
                    .to_string();
                let rk = t.str_at("/spec/sourceRef/kind").unwrap_or("HelmRepository");
                let rn = t.str_at("/spec/sourceRef/name").unwrap_or("");
                let src = find(docs, rk, rn, sns).ok_or_else(|| {
                    src_err(format!("{who}: HelmChart {sns}/{sname}'s source {rk} {sns}/{rn} is not in the repository"))
                })?;
                let pin = Pin {
                    file: target.file.clone(),
                    doc: target.doc,
                    path: path("spec.version"),
                    describe: format!("HelmChart {sns}/{sname} spec.version"),
                };
                (chart, version, pin, src, format!("{rk} {sns}/{rn}"))
            }
            other => {
                return Err(src_err(format!(
                    "{who}: chartRef kind `{other}` is not supported (OCIRepository or HelmChart)"
                )));
            }
        }
    } else {
        return Err(src_err(format!(
            "{who}: has neither spec.chart nor spec.chartRef"
        )));
    };
    let repo = repo_of(src_doc, &chart)?;
    let secret_ref = Obj(&src_doc.value)
        .str_at("/spec/secretRef/name")
        .map(|n| (namespace_of(src_doc, Some("flux-system")), n.to_string()));
    let inline_values = hr
        .at("/spec/values")
        .cloned()
        .unwrap_or(Value::Object(Default::default()));
    let mut values = Value::Object(Default::default());
    let mut notes = Vec::new();
    for vf in hr.array_at("/spec/valuesFrom") {
        let kind = vf.get("kind").and_then(Value::as_str).unwrap_or("");
        let name = vf.get("name").and_then(Value::as_str).unwrap_or("");
        let key = vf
            .get("valuesKey")
            .and_then(Value::as_str)
            .unwrap_or("values.yaml");
        if kind != "ConfigMap" {
            notes.push(format!(
                "valuesFrom {kind} {name} not checked (only ConfigMaps in the repository are read)"
            ));
            continue;
        }
        let Some(text) = find(docs, "ConfigMap", name, ns)
            .and_then(|c| {
                c.value.pointer(&format!(
                    "/data/{}",
                    key.replace('~', "~0").replace('/', "~1")
                ))
            })
            .and_then(Value::as_str)
        else {
            notes.push(format!(
                "valuesFrom ConfigMap {name} ({key}) is not in the repository; not checked"
            ));
            continue;
        };
        match crate::manifest::parse_stream(text) {
            Ok(v) => {
                let mut v = v.into_iter().next().unwrap_or(Value::Null);
                if let Some(tp) = vf.get("targetPath").and_then(Value::as_str) {
                    for k in tp.rsplit('.') {
                        v = serde_json::json!({ k: v });
                    }
                }
                values = super::values::merge(&values, &v);
            }
            Err(e) => notes.push(format!(
                "valuesFrom ConfigMap {name} ({key}) is not YAML ({e}); not checked"
            )),
        }
    }
    values = super::values::merge(&values, &inline_values);
    Ok(Release {
        namespace: ns.to_string(),
        name: hr.name().to_string(),
        file: d.file.clone(),
        doc: d.doc,
        chart,
        version,
        pin,
        repo,
        source,
        values,
        inline_values,
        notes,
        secret_ref,
        auth: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str, file: &str) -> Vec<Doc> {
        crate::manifest::parse_stream(text)
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, value)| Doc {
                value,
                file: Some(file.into()),
                doc: i,
            })
            .collect()
    }

    #[test]
    fn resolves_helm_repositories_oci_repositories_and_values_from() {
        let mut all = docs(
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web}\nspec:\n  chart:\n    spec: {chart: web, version: 1.2.3, sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}}\n  valuesFrom: [{kind: ConfigMap, name: web-values}]\n  values: {a: 1}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-values}\ndata:\n  values.yaml: \"a: 0\\nb: 2\\n\"\n",
            "repo/kubernetes/apps/media/web/app/helmrelease.yaml",
        );
        all.extend(docs(
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts}\nspec: {url: 'https://charts.example'}\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: db, namespace: flux-system}\nspec: {url: oci://ghcr.io/org/charts/db, ref: {tag: 2.0.0}}\n",
            "repo/kubernetes/flux/meta/repos/repos.yaml",
        ));
        all.extend(docs(
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: db, namespace: data}\nspec:\n  chartRef: {kind: OCIRepository, name: db, namespace: flux-system}\n",
            "repo/kubernetes/apps/data/db/app/helmrelease.yaml",
        ));
        let (ok, bad) = releases(&all);
        assert!(bad.is_empty(), "{bad:?}");
        let db = &ok[0];
        assert_eq!(
            (
                db.namespace.as_str(),
                db.chart.as_str(),
                db.version.as_str()
            ),
            ("data", "db", "2.0.0")
        );
        assert_eq!(db.pin.path, vec!["spec", "ref", "tag"]);
        assert!(db.pin.file.as_ref().unwrap().ends_with("repos.yaml"));
        let web = &ok[1];
        assert_eq!(web.namespace, "media");
        assert_eq!(
            web.repo,
            Repo::Http {
                url: "https://charts.example".into()
            }
        );
        assert_eq!(web.values, serde_json::json!({"a": 1, "b": 2}));
    }

    #[test]
    fn a_missing_source_is_a_per_release_error() {
        let all = docs(
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: x}\nspec:\n  chart:\n    spec: {chart: web, version: 1.2.3, sourceRef: {kind: HelmRepository, name: nope}}\n",
            "hr.yaml",
        );
        let (ok, bad) = releases(&all);
        assert!(ok.is_empty());
        assert!(
            bad[0]
                .error
                .to_string()
                .contains("HelmRepository x/nope is not in the repository")
        );
    }
}
