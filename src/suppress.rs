//! Suppression: silencing a known issue everywhere (`diagnose`, `serve`'s findings and its
//! notifications). Two sources, both optional:
//!
//! - an ignore file (`.kubectl-claude-ignore` in the working directory, and `ignore.yaml` in
//!   the config directory): a YAML list of rules `{id, object?, until?, reason?}`; `id` and
//!   `object` are globs (`*`, `?`), `object` matched against `Kind/namespace/name` (cluster-
//!   scoped: `Kind/name`), case-insensitively; `until` is a date (`2027-01-31`, through that
//!   day, UTC) or an RFC 3339 time;
//! - annotations on the finding's object: `kubectl-claude.io/ignore: "<id>[,<id>…]"` and
//!   optionally `kubectl-claude.io/ignore-until: <RFC 3339>`.
//!
//! An expired suppression does not apply (the finding shows again, and the rule is reported as
//! expired). The symptoms of a suppressed root cause are suppressed with it. Pure logic: the
//! front-ends read the files and pass `now`.

use serde::{Deserialize, Serialize};

use crate::cluster::Inventory;
use crate::finding::LinkedFinding;

pub const ANNOTATION: &str = "kubectl-claude.io/ignore";
pub const ANNOTATION_UNTIL: &str = "kubectl-claude.io/ignore-until";
/// The ignore file looked up in the working directory.
pub const LOCAL_FILE: &str = ".kubectl-claude-ignore";
/// The ignore file looked up in the config directory.
pub const CONFIG_FILE: &str = "ignore.yaml";

/// One rule of an ignore file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A finding id or a glob of ids (`flux.*`).
    pub id: String,
    /// A glob over `Kind/namespace/name` (`Kind/name` for cluster-scoped objects); every
    /// object when absent.
    #[serde(default)]
    pub object: Option<String>,
    /// Expiry: a date (through that day, UTC) or an RFC 3339 time.
    #[serde(default)]
    pub until: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// Where the rule came from (set by [`parse_rules`]).
    #[serde(skip)]
    pub source: String,
}

/// A bad ignore file: names the file and what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}: {message}")]
pub struct Error {
    pub source_name: String,
    pub message: String,
}

/// Parses an ignore file (a YAML list of rules; an empty file is no rules).
pub fn parse_rules(text: &str, source: &str) -> Result<Vec<Rule>, Error> {
    let err = |message: String| Error {
        source_name: source.to_string(),
        message,
    };
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut rules: Vec<Rule> = crate::manifest::yaml::parse_one(text).map_err(|e| {
        err(format!(
            "{e} (want a list of {{id, object?, until?, reason?}})"
        ))
    })?;
    for (i, r) in rules.iter_mut().enumerate() {
        if r.id.trim().is_empty() {
            return Err(err(format!("rule {}: `id` is empty", i + 1)));
        }
        if let Some(u) = &r.until
            && parse_until(u).is_none()
        {
            return Err(err(format!(
                "rule {} ({}): until {u:?} is neither a date (2027-01-31) nor an RFC 3339 time",
                i + 1,
                r.id
            )));
        }
        r.source = source.to_string();
    }
    Ok(rules)
}

/// The rules of every ignore file in `files` that exists (in order; a missing file is no
/// rules, an unreadable or invalid one an error naming it).
pub fn load(files: &[std::path::PathBuf]) -> Result<Vec<Rule>, Error> {
    let mut out = Vec::new();
    for f in files {
        let name = f.display().to_string();
        match std::fs::read_to_string(f) {
            Ok(text) => out.extend(parse_rules(&text, &name)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error {
                    source_name: name,
                    message: format!("cannot read the ignore file: {e}"),
                });
            }
        }
    }
    Ok(out)
}

/// The instant a suppression ends: a date lasts through its day (UTC).
fn parse_until(s: &str) -> Option<jiff::Timestamp> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t);
    }
    let d: jiff::civil::Date = s.parse().ok()?;
    d.tomorrow()
        .ok()?
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// `*` any run, `?` one character; case-insensitive.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The text an `object` glob is matched against.
pub fn object_key(o: &crate::object::ObjRef) -> String {
    match &o.namespace {
        Some(ns) => format!("{}/{ns}/{}", o.kind, o.name),
        None => format!("{}/{}", o.kind, o.name),
    }
}

/// A finding that was silenced, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suppressed {
    #[serde(flatten)]
    pub finding: LinkedFinding,
    /// `ignore file <path>: …`, `annotation kubectl-claude.io/ignore on …`, or `symptom of …`.
    pub reason: String,
}

/// The findings after suppression.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// What is still reported (`caused_by` renumbered into this list).
    pub kept: Vec<LinkedFinding>,
    pub suppressed: Vec<Suppressed>,
    /// Expired rules and unreadable annotation dates: worth a warning, never a silence.
    pub problems: Vec<String>,
}

/// Why `f` is suppressed, if it is (annotation first, then the rules in order).
fn reason_for(
    f: &LinkedFinding,
    rules: &[Rule],
    inv: &Inventory,
    now: jiff::Timestamp,
    problems: &mut Vec<String>,
) -> Option<String> {
    let key = object_key(&f.object);
    if let Some(o) = inv.get_ref(&f.object) {
        let ann = |k: &str| {
            o.value()
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(k))
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        };
        if let Some(ids) = ann(ANNOTATION)
            && ids.split(',').map(str::trim).any(|p| glob(p, &f.id))
        {
            match ann(ANNOTATION_UNTIL) {
                None => return Some(format!("annotation {ANNOTATION} on {key}")),
                Some(u) => match u.parse::<jiff::Timestamp>() {
                    Ok(t) if t > now => {
                        return Some(format!("annotation {ANNOTATION} on {key} (until {u})"));
                    }
                    Ok(_) => problems.push(format!(
                        "{key}: annotation {ANNOTATION} for {} expired at {u}; the finding is reported again",
                        f.id
                    )),
                    Err(_) => problems.push(format!(
                        "{key}: annotation {ANNOTATION_UNTIL} {u:?} is not an RFC 3339 time; {ANNOTATION} is ignored"
                    )),
                },
            }
        }
    }
    for r in rules {
        if !glob(&r.id, &f.id) || !r.object.as_deref().is_none_or(|g| glob(g, &key)) {
            continue;
        }
        let until = r.until.as_deref().and_then(parse_until);
        if until.is_some_and(|u| u <= now) {
            problems.push(format!(
                "{}: the rule for {} expired on {}; {} on {key} is reported again",
                r.source,
                r.id,
                r.until.as_deref().unwrap_or(""),
                f.id
            ));
            continue;
        }
        let mut why = format!("ignore file {}: {}", r.source, r.id);
        if let Some(o) = &r.object {
            why.push_str(&format!(" on {o}"));
        }
        if let Some(u) = &r.until {
            why.push_str(&format!(" until {u}"));
        }
        if let Some(x) = &r.reason {
            why.push_str(&format!(" ({x})"));
        }
        return Some(why);
    }
    None
}

/// Splits linked findings into kept and suppressed. A symptom whose root cause is suppressed
/// is suppressed with it.
pub fn apply(
    findings: Vec<LinkedFinding>,
    rules: &[Rule],
    inv: &Inventory,
    now: jiff::Timestamp,
) -> Outcome {
    let mut problems = Vec::new();
    let direct: Vec<Option<String>> = findings
        .iter()
        .map(|f| reason_for(f, rules, inv, now, &mut problems))
        .collect();
    let why: Vec<Option<String>> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            direct[i].clone().or_else(|| {
                let root = f.caused_by?;
                direct.get(root)?.as_ref()?;
                let r = &findings[root];
                Some(format!(
                    "symptom of suppressed {} on {}",
                    r.id,
                    object_key(&r.object)
                ))
            })
        })
        .collect();
    // New positions of the kept findings, for `caused_by`.
    let mut new_index = vec![None; findings.len()];
    let mut n = 0;
    for (i, w) in why.iter().enumerate() {
        if w.is_none() {
            new_index[i] = Some(n);
            n += 1;
        }
    }
    let mut out = Outcome {
        problems,
        ..Default::default()
    };
    for (f, w) in findings.into_iter().zip(why) {
        match w {
            None => {
                let mut f = f;
                f.caused_by = f.caused_by.and_then(|c| new_index[c]);
                out.kept.push(f);
            }
            Some(reason) => {
                let mut f = f;
                f.caused_by = None;
                out.suppressed.push(Suppressed { finding: f, reason });
            }
        }
    }
    out.problems.sort();
    out.problems.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, Severity, link};
    use crate::object::ObjRef;
    use serde_json::json;

    fn now() -> jiff::Timestamp {
        "2026-12-01T12:00:00Z".parse().unwrap()
    }

    fn findings() -> Vec<LinkedFinding> {
        let ks = |n: &str| {
            ObjRef::new(
                "kustomize.toolkit.fluxcd.io/v1",
                "Kustomization",
                Some("flux-system"),
                n,
            )
        };
        let repo = ObjRef::new(
            "source.toolkit.fluxcd.io/v1",
            "GitRepository",
            Some("flux-system"),
            "infra",
        );
        link(
            vec![
                Finding::new(
                    "t",
                    "flux.source-not-ready",
                    Severity::Error,
                    repo.clone(),
                    "auth",
                ),
                Finding::new(
                    "t",
                    "flux.kustomization-not-ready",
                    Severity::Error,
                    ks("apps"),
                    "x",
                )
                .caused_by(repo),
                Finding::new(
                    "t",
                    "k8s.crashloopbackoff",
                    Severity::Error,
                    ObjRef::new("apps/v1", "Deployment", Some("shop"), "legacy-web"),
                    "crash",
                ),
            ],
            &Default::default(),
        )
    }

    #[test]
    fn globs() {
        assert!(glob("flux.*", "flux.source-not-ready"));
        assert!(glob(
            "Deployment/shop/legacy-*",
            "deployment/shop/legacy-web"
        ));
        assert!(!glob("Deployment/shop/legacy-*", "Deployment/shop/web"));
        assert!(glob("k8s.?om*", "k8s.oomkilled"));
        assert!(glob("*", ""));
    }

    #[test]
    fn rules_suppress_a_root_and_its_symptoms_and_expire() {
        let rules = parse_rules(
            "- id: flux.source-not-ready\n  object: GitRepository/flux-system/*\n  until: 2026-12-01\n  reason: rotating the deploy key\n",
            ".kubectl-claude-ignore",
        )
        .unwrap();
        let out = apply(findings(), &rules, &Inventory::new(), now());
        assert_eq!(out.kept.len(), 1);
        assert_eq!(out.kept[0].id, "k8s.crashloopbackoff");
        assert_eq!(out.suppressed.len(), 2);
        let reasons: Vec<&str> = out.suppressed.iter().map(|s| s.reason.as_str()).collect();
        assert!(
            reasons[0].contains("rotating the deploy key"),
            "{reasons:?}"
        );
        assert!(
            reasons[1].starts_with("symptom of suppressed flux.source-not-ready"),
            "{reasons:?}"
        );
        // The next day the rule has expired: nothing is suppressed, and it is said.
        let later: jiff::Timestamp = "2026-12-02T00:00:00Z".parse().unwrap();
        let out = apply(findings(), &rules, &Inventory::new(), later);
        assert_eq!(out.kept.len(), 3);
        assert!(out.suppressed.is_empty());
        assert!(out.problems[0].contains("expired"), "{:?}", out.problems);
        // The symptom is still linked to its root after renumbering.
        let kept = apply(
            findings(),
            &parse_rules("- id: k8s.*\n", "f").unwrap(),
            &Inventory::new(),
            now(),
        )
        .kept;
        let sym = kept.iter().find(|f| !f.root_cause).unwrap();
        assert_eq!(kept[sym.caused_by.unwrap()].id, "flux.source-not-ready");
    }

    #[test]
    fn annotation_suppresses_until_its_expiry() {
        let mut inv = Inventory::new();
        let dep = |until: Option<&str>| {
            let mut a = json!({ANNOTATION: "k8s.oomkilled, k8s.crashloopbackoff"});
            if let Some(u) = until {
                a[ANNOTATION_UNTIL] = json!(u);
            }
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "legacy-web", "namespace": "shop", "annotations": a}})
        };
        inv.insert(dep(None));
        let out = apply(findings(), &[], &inv, now());
        assert_eq!(out.suppressed.len(), 1);
        assert_eq!(
            out.suppressed[0].reason,
            "annotation kubectl-claude.io/ignore on Deployment/shop/legacy-web"
        );
        inv.insert(dep(Some("2026-11-30T00:00:00Z")));
        let out = apply(findings(), &[], &inv, now());
        assert!(out.suppressed.is_empty());
        assert!(out.problems[0].contains("expired"));
        inv.insert(dep(Some("tomorrow")));
        let out = apply(findings(), &[], &inv, now());
        assert!(
            out.suppressed.is_empty(),
            "an unreadable expiry never silences"
        );
        assert!(out.problems[0].contains("RFC 3339"));
    }

    #[test]
    fn bad_files_name_themselves() {
        let e = parse_rules("- id: x\n  until: soon\n", "/cfg/ignore.yaml").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("/cfg/ignore.yaml: rule 1 (x): until"),
            "{e}"
        );
        let e = parse_rules("- idd: x\n", "/cfg/ignore.yaml").unwrap_err();
        assert!(e.to_string().starts_with("/cfg/ignore.yaml:"), "{e}");
        assert!(parse_rules("\n", "f").unwrap().is_empty());
    }
}
