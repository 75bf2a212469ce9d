//! `upgrades`: for each pinned HelmRelease in a Flux repository, the newer chart versions, the
//! impact of moving to one (values renamed or gone, schema violations, images, changelog) and
//! the exact edit of the repository's YAML that performs it.
//!
//! ```text
//!  repo dir ─► discover (HelmRelease → source → pin) ─► fetch versions (index.yaml | OCI tags)
//!      ─► candidates (patch/minor/major) ─► fetch both archives ─► values diff + custom check
//!      ─► impact ─► surgical edits (version bump, renamed keys) ─► diff | --write
//! ```
//!
//! Pure except [`fetch`] (network) and [`discover::read_dir`]/[`write_atomic`] (files); nothing
//! here prints or reads the environment.

pub mod auth;
pub mod chart;
pub mod discover;
pub mod doc;
pub mod edit;
pub mod explain;
pub mod fetch;
pub mod values;
pub mod versions;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use semver::Version;
use serde::Serialize;
use serde_json::Value;

pub use discover::{Doc, Release, Unresolved};
pub use fetch::{Fetcher, Repo};
pub use versions::To;

/// Errors of the upgrades engine; each names the release, URL or file concerned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Source { message: String },
    /// Not an error of the run: a release with nothing to check (unpinned, chart from Git).
    #[error("{message}")]
    Skipped { message: String },
    #[error("cannot reach {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("{url} answered HTTP {status}")]
    Http { url: String, status: u16 },
    #[error("malformed repository index {url}: {message}")]
    MalformedIndex { url: String, message: String },
    #[error("chart `{chart}` is not in the repository {url}")]
    ChartNotInRepo { chart: String, url: String },
    #[error("chart `{chart}` version {version} is not published in {url}")]
    MissingVersion {
        chart: String,
        version: String,
        url: String,
        available: Vec<String>,
    },
    #[error("malformed chart {what}: {message}")]
    MalformedChart { what: String, message: String },
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("cannot edit {}: {message}", file.display())]
    Edit { file: PathBuf, message: String },
}

impl Error {
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::Http { status: 401 | 403, .. } => vec![
                "the repository wants credentials: pass --credentials FILE|DIR with the (decrypted) Secret its spec.secretRef names".into(),
            ],
            Error::Unreachable { .. } | Error::Http { .. } => vec![
                "check the source's spec.url (and spec.insecure for a plain-HTTP registry) and that the repository is reachable from here".into(),
            ],
            Error::MalformedIndex { .. } => {
                vec!["check that spec.url points at a Helm repository (it serves index.yaml) or an OCI registry".into()]
            }
            Error::MissingVersion { available, .. } => {
                let newest: Vec<&str> = available.iter().rev().take(5).map(String::as_str).collect();
                vec![format!(
                    "pin a published version; newest available: {}",
                    if newest.is_empty() { "none".into() } else { newest.join(", ") }
                )]
            }
            Error::ChartNotInRepo { .. } => {
                vec!["check spec.chart.spec.chart against the repository's chart names".into()]
            }
            _ => vec![],
        }
    }
}

/// What a run asks for.
#[derive(Debug, Clone)]
pub struct Options {
    pub to: To,
    pub pre: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Latest {
    pub patch: Option<String>,
    pub minor: Option<String>,
    pub major: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageChange {
    pub name: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The edit of one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileEdit {
    /// Relative to the repository root.
    pub file: String,
    pub diff: String,
    #[serde(skip)]
    pub path: PathBuf,
    #[serde(skip)]
    pub new_text: String,
}

/// Edits planned for one document.
#[derive(Debug, Clone)]
pub struct DocOps {
    pub file: PathBuf,
    pub doc: usize,
    pub ops: Vec<edit::Op>,
}

/// The analysis of one HelmRelease.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub namespace: String,
    pub name: String,
    pub file: Option<String>,
    pub chart: String,
    pub current: String,
    pub source: String,
    pub repo: Option<Repo>,
    pub pinned_at: Option<String>,
    pub latest: Latest,
    pub target: Option<String>,
    /// `none`, `patch`, `minor`, `major` or `breaking`.
    pub impact: String,
    pub reasons: Vec<String>,
    pub app_version: Option<Change>,
    pub changes: Vec<String>,
    pub images: Vec<ImageChange>,
    pub values: Option<values::ValuesDiff>,
    pub custom: Option<values::CustomCheck>,
    pub edits: Vec<FileEdit>,
    pub notes: Vec<String>,
    pub error: Option<String>,
    #[serde(skip)]
    pub failure: Option<Error>,
    #[serde(skip)]
    pub ops: Vec<DocOps>,
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

impl Report {
    fn base(r: &Release, root: &Path) -> Self {
        Report {
            namespace: r.namespace.clone(),
            name: r.name.clone(),
            file: r.file.as_deref().map(|f| rel(root, f)),
            chart: r.chart.clone(),
            current: r.version.clone(),
            source: r.source.clone(),
            repo: Some(r.repo.clone()),
            pinned_at: Some(r.pin.describe.clone()),
            latest: Latest::default(),
            target: None,
            impact: "none".into(),
            reasons: vec![],
            app_version: None,
            changes: vec![],
            images: vec![],
            values: None,
            custom: None,
            edits: vec![],
            notes: r.notes.clone(),
            error: None,
            failure: None,
            ops: vec![],
        }
    }

    /// A release that could not be resolved or analysed (or has nothing to check: `skipped`).
    pub fn failed(u: &Unresolved, root: &Path) -> Self {
        let mut r = Report {
            namespace: u.namespace.clone(),
            name: u.name.clone(),
            file: u.file.as_deref().map(|f| rel(root, f)),
            chart: String::new(),
            current: String::new(),
            source: String::new(),
            repo: None,
            pinned_at: None,
            latest: Latest::default(),
            target: None,
            impact: "error".into(),
            reasons: vec![],
            app_version: None,
            changes: vec![],
            images: vec![],
            values: None,
            custom: None,
            edits: vec![],
            notes: vec![],
            error: Some(u.error.to_string()),
            failure: Some(u.error.clone()),
            ops: vec![],
        };
        if let Error::Skipped { message } = &u.error {
            r.impact = "skipped".into();
            r.notes.push(message.clone());
            r.error = None;
            r.failure = None;
        }
        r
    }

    pub fn is_breaking(&self) -> bool {
        self.impact == "breaking"
    }
}

/// Analyses one release: candidates, the chosen target and its impact, and the edits.
/// Failures are recorded in the report (`error`), so one bad source does not hide the rest.
pub async fn analyze(
    r: &Release,
    fetcher: &Fetcher,
    texts: &BTreeMap<PathBuf, String>,
    root: &Path,
    opts: &Options,
) -> Report {
    let mut rep = Report::base(r, root);
    if let Err(e) = analyze_into(&mut rep, r, fetcher, texts, root, opts).await {
        rep.impact = "error".into();
        rep.error = Some(e.to_string());
        rep.failure = Some(e);
    }
    rep
}

async fn analyze_into(
    rep: &mut Report,
    r: &Release,
    fetcher: &Fetcher,
    texts: &BTreeMap<PathBuf, String>,
    root: &Path,
    opts: &Options,
) -> Result<(), Error> {
    let auth = r.auth.as_ref();
    let published = fetcher.versions(&r.repo, &r.chart, auth).await?;
    let mut all: Vec<(Version, fetch::Published)> = published
        .into_iter()
        .filter_map(|p| versions::parse(&p.version).map(|v| (v, p)))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let list: Vec<Version> = all.iter().map(|(v, _)| v.clone()).collect();
    let missing = |version: String| Error::MissingVersion {
        chart: r.chart.clone(),
        version,
        url: r.repo.url().to_string(),
        available: list.iter().map(ToString::to_string).collect(),
    };
    let (current, exact) = match versions::parse(&r.version) {
        Some(v) if list.contains(&v) => (v, true),
        Some(_) => return Err(missing(r.version.clone())),
        None => {
            let req = versions::parse_range(&r.version).ok_or_else(|| Error::Source {
                message: format!(
                    "HelmRelease {}/{}: version `{}` is neither a version nor a range",
                    r.namespace, r.name, r.version
                ),
            })?;
            let v = list
                .iter()
                .rfind(|v| req.matches(v))
                .cloned()
                .ok_or_else(|| missing(r.version.clone()))?;
            rep.notes.push(format!(
                "the version is a range (`{}`, resolves to {v}); Flux follows it by itself, so --write leaves it alone",
                r.version
            ));
            (v, false)
        }
    };
    let c = versions::candidates(&current, &list, opts.pre);
    rep.latest = Latest {
        patch: c.patch.as_ref().map(ToString::to_string),
        minor: c.minor.as_ref().map(ToString::to_string),
        major: c.major.as_ref().map(ToString::to_string),
    };
    let target = match versions::choose(&c, &opts.to, &list) {
        Ok(Some(t)) if t < current => {
            return Err(Error::Source {
                message: format!(
                    "HelmRelease {}/{}: --to {t} is older than the pinned {current}; upgrades never downgrade",
                    r.namespace, r.name
                ),
            });
        }
        Ok(Some(t)) if t != current => t,
        Ok(_) => return Ok(()),
        Err(v) => return Err(missing(v.to_string())),
    };
    rep.target = Some(target.to_string());
    let level = versions::level(&current, &target);
    rep.impact = level.to_string();
    if level == "major" {
        rep.reasons
            .push(format!("major version change ({current} → {target})"));
    }
    let get = |v: &Version| all.iter().find(|(x, _)| x == v).map(|(_, p)| p.clone());
    let (Some(pc), Some(pt)) = (get(&current), get(&target)) else {
        return Err(missing(target.to_string()));
    };
    let old = load_chart(fetcher, r, &pc).await?;
    let new = load_chart(fetcher, r, &pt).await?;
    let vdiff = values::diff(&old.values, &new.values);
    let validator = match &new.schema {
        Some(s) => {
            match jsonschema::validator_for(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    rep.notes.push(format!("values.schema.json of {} {target} is not a usable schema ({e}); not checked", r.chart));
                    None
                }
            }
        }
        None => None,
    };
    let (check, _) = values::check(
        &r.values,
        &old.values,
        &new.values,
        &vdiff,
        validator.as_ref(),
    );
    for g in &check.gone {
        rep.reasons.push(format!(
            "custom value `{g}` no longer exists in {} {target}",
            r.chart
        ));
    }
    for e in &check.schema_errors {
        rep.reasons.push(format!(
            "values.schema.json of {target} rejects `{}`: {}",
            e.path, e.message
        ));
    }
    if !check.gone.is_empty() || !check.schema_errors.is_empty() {
        rep.impact = "breaking".into();
    }
    for u in &check.unknown {
        rep.notes.push(format!(
            "custom value `{u}` is not a key of either chart version (already ignored)"
        ));
    }
    if old.app_version != new.app_version {
        rep.app_version = Some(Change {
            from: old.app_version.clone(),
            to: new.app_version.clone(),
        });
    }
    rep.changes = new.changes.clone();
    for (k, to) in &new.images {
        let from = old.images.get(k);
        if from != Some(to) {
            rep.images.push(ImageChange {
                name: k.clone(),
                from: from.cloned(),
                to: Some(to.clone()),
            });
        }
    }
    for (k, from) in &old.images {
        if !new.images.contains_key(k) {
            rep.images.push(ImageChange {
                name: k.clone(),
                from: Some(from.clone()),
                to: None,
            });
        }
    }
    // The edits: the version bump where it is pinned, and renames inside spec.values.
    if exact && let Some(f) = &r.pin.file {
        push_op(
            &mut rep.ops,
            f,
            r.pin.doc,
            edit::Op::Set {
                path: r.pin.path.clone(),
                value: target.to_string(),
            },
        );
    }
    for m in &check.migrated {
        if values::pointer(&r.inline_values, &m.from_path).is_some() {
            if let (Some(f), Some(last)) = (&r.file, m.to_path.last()) {
                let mut p = vec!["spec".to_string(), "values".to_string()];
                p.extend(m.from_path.iter().cloned());
                push_op(
                    &mut rep.ops,
                    f,
                    r.doc,
                    edit::Op::Rename {
                        path: p,
                        to: last.clone(),
                    },
                );
            }
        } else if let Some((vf, rest)) = r.values_files.iter().find_map(|vf| {
            let rest = m.from_path.strip_prefix(vf.prefix.as_slice())?;
            values::pointer(&vf.value, rest).map(|_| (vf, rest.to_vec()))
        }) {
            if let Some(last) = m.to_path.last() {
                push_op(
                    &mut rep.ops,
                    &vf.file,
                    0,
                    edit::Op::Rename {
                        path: rest,
                        to: last.clone(),
                    },
                );
            }
        } else {
            rep.notes.push(format!(
                "`{}` was renamed to `{}`: migrate it by hand in the valuesFrom source",
                m.from, m.to
            ));
        }
    }
    rep.values = Some(vdiff);
    rep.custom = Some(check);
    match plan(texts, &rep.ops) {
        Ok(edits) => {
            rep.edits = edits
                .into_iter()
                .map(|(path, (old, new))| FileEdit {
                    file: rel(root, &path),
                    diff: edit::unified(&rel(root, &path), &old, &new),
                    path,
                    new_text: new,
                })
                .collect();
        }
        Err(e) => {
            rep.notes.push(e.to_string());
            rep.ops.clear();
        }
    }
    Ok(())
}

fn push_op(ops: &mut Vec<DocOps>, file: &Path, doc: usize, op: edit::Op) {
    match ops.iter_mut().find(|d| d.file == file && d.doc == doc) {
        Some(d) => d.ops.push(op),
        None => ops.push(DocOps {
            file: file.to_path_buf(),
            doc,
            ops: vec![op],
        }),
    }
}

async fn load_chart(
    fetcher: &Fetcher,
    r: &Release,
    p: &fetch::Published,
) -> Result<chart::Chart, Error> {
    let chart = &r.chart;
    let bytes = fetcher.archive(&r.repo, p, r.auth.as_ref()).await?;
    chart::unpack(&bytes).map_err(|message| Error::MalformedChart {
        what: format!("{chart} {} ({})", p.version, p.locator),
        message,
    })
}

/// Applies every planned edit to the files' text, per file, and checks each result parses to
/// exactly the intended documents. Returns file → (old text, new text).
pub fn plan(
    texts: &BTreeMap<PathBuf, String>,
    ops: &[DocOps],
) -> Result<BTreeMap<PathBuf, (String, String)>, Error> {
    let mut out: BTreeMap<PathBuf, (String, String)> = BTreeMap::new();
    for d in ops {
        let err = |message: String| Error::Edit {
            file: d.file.clone(),
            message,
        };
        let old = texts
            .get(&d.file)
            .ok_or_else(|| err("the file was not read".into()))?;
        let cur = out
            .get(&d.file)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| old.clone());
        let new = edit::apply(&cur, d.doc, &d.ops).map_err(|e| err(e.to_string()))?;
        out.insert(d.file.clone(), (old.clone(), new));
    }
    // Verify: the edited text must parse to the original documents with the ops applied.
    for (file, (old, new)) in &out {
        let err = |message: String| Error::Edit {
            file: file.clone(),
            message,
        };
        let mut want = crate::manifest::parse_stream(old).map_err(|e| err(e.to_string()))?;
        for d in ops.iter().filter(|d| &d.file == file) {
            for op in &d.ops {
                if !want.get_mut(d.doc).is_some_and(|v| op.apply_value(v)) {
                    return Err(err(format!("`{}` not found", op.path().join("."))));
                }
            }
        }
        let got = crate::manifest::parse_stream(new)
            .map_err(|e| err(format!("the edit does not parse: {e}")))?;
        if got != want {
            return Err(err(
                "the text edit did not produce the intended change; edit by hand".into(),
            ));
        }
    }
    Ok(out)
}

/// Writes a file through a temporary file in the same directory and a rename, so a crash or
/// full disk never leaves a half-written manifest.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Objects from a live cluster as documents (no files: nothing to edit).
pub fn docs_from_values(objects: impl IntoIterator<Item = Value>) -> Vec<Doc> {
    objects
        .into_iter()
        .map(|value| Doc {
            value,
            ..Doc::default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(doc: usize, path: &str, value: &str, file: &Path) -> DocOps {
        DocOps {
            file: file.to_path_buf(),
            doc,
            ops: vec![edit::Op::Set {
                path: path.split('.').map(String::from).collect(),
                value: value.into(),
            }],
        }
    }

    #[test]
    fn plan_combines_edits_of_one_file_and_verifies_them() {
        // Two OCIRepositories in one file, bumped by two releases.
        let f = PathBuf::from("repos.yaml");
        let text = "# sources\nkind: OCIRepository\nmetadata: {name: a}\nspec:\n  ref:\n    tag: 1.0.0 # a\n---\nkind: OCIRepository\nmetadata: {name: b}\nspec:\n  ref:\n    tag: \"2.0.0\"\n";
        let texts = BTreeMap::from([(f.clone(), text.to_string())]);
        let out = plan(
            &texts,
            &[
                set(0, "spec.ref.tag", "1.0.1", &f),
                set(1, "spec.ref.tag", "2.1.0", &f),
            ],
        )
        .unwrap();
        let (_, new) = &out[&f];
        assert_eq!(
            new,
            &text
                .replace("tag: 1.0.0 # a", "tag: 1.0.1 # a")
                .replace("\"2.0.0\"", "\"2.1.0\"")
        );
        // A path that is not there fails the whole plan, naming the file.
        let e = plan(&texts, &[set(1, "spec.ref.semver", "x", &f)]).unwrap_err();
        assert!(e.to_string().contains("repos.yaml"), "{e}");
    }
}
