//! Comparing two charts' `values.yaml` and checking a release's own values against the new one.
//!
//! Paths are lists of mapping keys; lists are leaves (charts document list items, not keys).

use serde::Serialize;
use serde_json::{Map, Value};

pub type Path = Vec<String>;

/// Dotted form for messages and JSON (`image.tag`).
pub fn dotted(p: &[String]) -> String {
    p.join(".")
}

/// What changed between two `values.yaml` files.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ValuesDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub renamed: Vec<Rename>,
    pub defaults_changed: Vec<DefaultChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rename {
    pub from: String,
    pub to: String,
    #[serde(skip)]
    pub from_path: Path,
    #[serde(skip)]
    pub to_path: Path,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DefaultChange {
    pub path: String,
    pub from: Value,
    pub to: Value,
}

/// Compares two values trees key by key. A key that vanished next to one that appeared under
/// the same parent is a rename when the names are close or the value is the same distinctive
/// value (`storageClass` → `storageClassName`, `replicas: 3` → `replicaCount: 3`).
pub fn diff(old: &Value, new: &Value) -> ValuesDiff {
    let mut d = ValuesDiff::default();
    walk(&mut d, &mut Vec::new(), old, new);
    d
}

fn walk(d: &mut ValuesDiff, at: &mut Path, old: &Value, new: &Value) {
    let (Value::Object(o), Value::Object(n)) = (old, new) else {
        if old != new {
            d.defaults_changed.push(DefaultChange {
                path: dotted(at),
                from: old.clone(),
                to: new.clone(),
            });
        }
        return;
    };
    let removed: Vec<&String> = o.keys().filter(|k| !n.contains_key(*k)).collect();
    let mut added: Vec<&String> = n.keys().filter(|k| !o.contains_key(*k)).collect();
    let mut pairs: Vec<(&String, &String)> = Vec::new();
    for r in &removed {
        let best = added
            .iter()
            .enumerate()
            .filter_map(|(i, a)| rename_score(r, &o[*r], a, &n[*a]).map(|s| (s, i)))
            .max_by(|x, y| x.0.total_cmp(&y.0));
        if let Some((_, i)) = best {
            pairs.push((r, added.remove(i)));
        }
    }
    for r in &removed {
        if !pairs.iter().any(|(f, _)| f == r) {
            d.removed.push(dotted(&child(at, r)));
        }
    }
    for a in &added {
        d.added.push(dotted(&child(at, a)));
    }
    for (f, t) in &pairs {
        let (fp, tp) = (child(at, f), child(at, t));
        d.renamed.push(Rename {
            from: dotted(&fp),
            to: dotted(&tp),
            from_path: fp,
            to_path: tp.clone(),
        });
        // Inside a renamed subtree, compare as if it had kept its name.
        let mut inner = tp;
        walk(d, &mut inner, &o[*f], &n[*t]);
    }
    for (k, ov) in o {
        if let Some(nv) = n.get(k) {
            at.push(k.clone());
            walk(d, at, ov, nv);
            at.pop();
        }
    }
}

fn child(at: &[String], k: &str) -> Path {
    let mut p = at.to_vec();
    p.push(k.to_string());
    p
}

fn shape(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

/// A value rare enough that finding it under a new name is evidence of a rename.
fn distinctive(v: &Value) -> bool {
    match v {
        Value::String(s) => s.len() >= 3,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && f != 1.0),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
        _ => false,
    }
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// 1 − (edit distance / longer length), over lower-cased alphanumerics.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (norm(a).chars().collect(), norm(b).chars().collect());
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    1.0 - prev[b.len()] as f64 / longest as f64
}

/// How sure we are that `rk` became `ak` (None: not a rename). A rename rewrites the user's
/// values under `--write`, so it needs the same kind of value and either the same distinctive
/// value, or a close name plus an equal default (or, for maps, mostly the same keys).
fn rename_score(rk: &str, rv: &Value, ak: &str, av: &Value) -> Option<f64> {
    if shape(rv) != shape(av) {
        return None;
    }
    let sim = similarity(rk, ak);
    let same = rv == av;
    if same && distinctive(rv) {
        return Some(1.0 + sim);
    }
    let alike = same
        || match (rv, av) {
            (Value::Object(a), Value::Object(b)) => {
                let shared = a.keys().filter(|k| b.contains_key(*k)).count();
                shared * 2 >= a.len().max(b.len())
            }
            _ => false,
        };
    (sim >= 0.6 && alike).then_some(sim)
}

/// Every leaf path of a values tree (maps are walked; lists, scalars and empty maps are leaves).
pub fn leaves(v: &Value) -> Vec<Path> {
    fn go(v: &Value, at: &mut Path, out: &mut Vec<Path>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, c) in m {
                    at.push(k.clone());
                    go(c, at, out);
                    at.pop();
                }
            }
            _ => out.push(at.clone()),
        }
    }
    let mut out = Vec::new();
    go(v, &mut Vec::new(), &mut out);
    out.retain(|p| !p.is_empty());
    out
}

/// True when the chart's defaults accept `path`: every key down the path exists, or the path
/// enters a free-form part (an empty map, `null`, a list or scalar the user may replace).
pub fn known(defaults: &Value, path: &[String]) -> bool {
    let mut cur = defaults;
    for k in path {
        match cur {
            Value::Object(m) if m.is_empty() => return true,
            Value::Object(m) => match m.get(k) {
                Some(c) => cur = c,
                None => return false,
            },
            _ => return true,
        }
    }
    true
}

/// Helm's merge: user values over chart defaults, maps merged recursively, `null` deletes.
pub fn merge(base: &Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            let mut m: Map<String, Value> = b.clone();
            for (k, v) in o {
                if v.is_null() {
                    m.remove(k);
                    continue;
                }
                let merged = match m.get(k) {
                    Some(bv) => merge(bv, v),
                    None => v.clone(),
                };
                m.insert(k.clone(), merged);
            }
            Value::Object(m)
        }
        (_, o) => o.clone(),
    }
}

/// Moves the subtree at `from` to `to` (a rename of its last key); false when absent.
pub fn rename_at(v: &mut Value, from: &[String], to: &[String]) -> bool {
    let Some((last, parent)) = from.split_last() else {
        return false;
    };
    let Some(Value::Object(m)) = pointer_mut(v, parent) else {
        return false;
    };
    let Some(x) = m.shift_remove(last) else {
        return false;
    };
    let Some(new_last) = to.last() else {
        return false;
    };
    m.insert(new_last.clone(), x);
    true
}

pub fn pointer<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(v, |cur, k| cur.get(k))
}

pub fn pointer_mut<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |cur, k| cur.get_mut(k))
}

/// How the release's own values fare against the new chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomCheck {
    /// Custom keys the old chart had and the new one does not, with no rename to follow.
    pub gone: Vec<String>,
    /// Custom keys that follow a rename (`from` → `to`); `--write` rewrites them.
    pub migrated: Vec<Rename>,
    /// Schema violations of the merged values (chart defaults + custom) under the new schema.
    pub schema_errors: Vec<SchemaError>,
    /// Custom keys neither chart knows (already ignored by the current version).
    pub unknown: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemaError {
    pub path: String,
    pub message: String,
}

/// Checks `custom` (the release's values) against the new chart, following renames found in
/// `diff`. Returns the check and the custom values after migration.
pub fn check(
    custom: &Value,
    old_defaults: &Value,
    new_defaults: &Value,
    diff: &ValuesDiff,
    schema: Option<&jsonschema::Validator>,
) -> (CustomCheck, Value) {
    let mut c = CustomCheck::default();
    let mut migrated = custom.clone();
    for p in leaves(custom) {
        if known(new_defaults, &p) {
            continue;
        }
        if !known(old_defaults, &p) {
            c.unknown.push(dotted(&p));
            continue;
        }
        // The longest renamed prefix of this path.
        let rename = diff
            .renamed
            .iter()
            .filter(|r| p.starts_with(&r.from_path))
            .max_by_key(|r| r.from_path.len());
        match rename {
            Some(r) => {
                let rest = &p[r.from_path.len()..];
                let target: Path = r.to_path.iter().chain(rest).cloned().collect();
                if known(new_defaults, &target) {
                    if !c.migrated.iter().any(|m| m.from_path == r.from_path) {
                        c.migrated.push(r.clone());
                    }
                } else {
                    c.gone.push(dotted(&p));
                }
            }
            None => c.gone.push(dotted(&p)),
        }
    }
    // Deepest renames first, so a parent's rename does not move a child out of reach.
    let mut renames = c.migrated.clone();
    renames.sort_by_key(|r| std::cmp::Reverse(r.from_path.len()));
    for r in &renames {
        rename_at(&mut migrated, &r.from_path, &r.to_path);
    }
    if let Some(v) = schema {
        let merged = merge(new_defaults, &migrated);
        for e in v.iter_errors(&merged) {
            let ptr = e.instance_path().to_string();
            let path = ptr.trim_start_matches('/').replace('/', ".");
            c.schema_errors.push(SchemaError {
                path: if path.is_empty() {
                    "(root)".into()
                } else {
                    path
                },
                message: e.to_string(),
            });
        }
    }
    (c, migrated)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_finds_added_removed_renamed_and_changed_defaults() {
        let old = json!({"image": {"repository": "x/app", "tag": "1.0"},
                         "persistence": {"storageClass": "", "size": "1Gi"},
                         "legacy": true, "replicas": 1});
        let new = json!({"image": {"repository": "x/app", "tag": "1.1"},
                         "persistence": {"storageClassName": "", "size": "1Gi"},
                         "replicas": 1, "metrics": {"enabled": false}});
        let d = diff(&old, &new);
        assert_eq!(d.removed, vec!["legacy"]);
        assert_eq!(d.added, vec!["metrics"]);
        assert_eq!(d.renamed.len(), 1);
        assert_eq!(d.renamed[0].from, "persistence.storageClass");
        assert_eq!(d.renamed[0].to, "persistence.storageClassName");
        assert_eq!(d.defaults_changed[0].path, "image.tag");
    }

    #[test]
    fn a_same_valued_key_under_a_new_name_is_a_rename_but_booleans_are_not() {
        let d = diff(&json!({"replicas": 3}), &json!({"replicaCount": 3}));
        assert_eq!(d.renamed[0].to, "replicaCount");
        let d = diff(&json!({"debug": false}), &json!({"metrics": false}));
        assert!(d.renamed.is_empty());
        assert_eq!((d.removed.len(), d.added.len()), (1, 1));
    }

    #[test]
    fn a_close_name_alone_is_not_a_rename() {
        // Different defaults under similar names: two keys, not one renamed.
        let d = diff(&json!({"timeout": 30}), &json!({"timeouts": {"read": 5}}));
        assert!(d.renamed.is_empty());
        let d = diff(&json!({"port": 80}), &json!({"ports": 8080}));
        assert!(d.renamed.is_empty(), "{d:?}");
        // A renamed map that kept most of its keys is a rename.
        let d = diff(
            &json!({"ingress": {"enabled": false, "hosts": [], "tls": []}}),
            &json!({"ingres": {"enabled": false, "hosts": [], "className": ""}}),
        );
        assert_eq!(d.renamed[0].to, "ingres");
    }

    #[test]
    fn free_form_maps_accept_any_key() {
        let defaults = json!({"podAnnotations": {}, "env": null, "image": {"tag": "1"}});
        assert!(known(&defaults, &["podAnnotations".into(), "a/b".into()]));
        assert!(known(&defaults, &["env".into(), "X".into()]));
        assert!(!known(&defaults, &["image".into(), "digest".into()]));
        assert!(!known(&defaults, &["nope".into()]));
    }

    #[test]
    fn check_migrates_renamed_keys_and_flags_gone_ones() {
        let old = json!({"persistence": {"storageClass": "", "size": "1Gi"}, "oldFlag": false});
        let new = json!({"persistence": {"storageClassName": "", "size": "1Gi"}});
        let d = diff(&old, &new);
        let custom = json!({"persistence": {"storageClass": "fast"}, "oldFlag": true, "typo": 1});
        let (c, migrated) = check(&custom, &old, &new, &d, None);
        assert_eq!(c.migrated[0].to, "persistence.storageClassName");
        assert_eq!(c.gone, vec!["oldFlag"]);
        assert_eq!(c.unknown, vec!["typo"]);
        assert_eq!(migrated["persistence"]["storageClassName"], "fast");
    }

    #[test]
    fn schema_errors_name_the_path() {
        let schema = json!({"type": "object", "properties": {"service": {"type": "object",
            "properties": {"type": {"enum": ["ClusterIP", "NodePort"]}}}}});
        let v = jsonschema::validator_for(&schema).unwrap();
        let defaults = json!({"service": {"type": "ClusterIP"}});
        let custom = json!({"service": {"type": "LoadBalancer"}});
        let (c, _) = check(
            &custom,
            &defaults,
            &defaults,
            &diff(&defaults, &defaults),
            Some(&v),
        );
        assert_eq!(c.schema_errors.len(), 1);
        assert_eq!(c.schema_errors[0].path, "service.type");
    }

    #[test]
    fn merge_is_helm_merge() {
        let m = merge(
            &json!({"a": {"b": 1, "c": 2}, "d": 1}),
            &json!({"a": {"b": 9}, "d": null}),
        );
        assert_eq!(m, json!({"a": {"b": 9, "c": 2}}));
    }
}
