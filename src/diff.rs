//! Desired objects vs live objects: normalization, projection, Secret masking, unified diffs.
//!
//! The pure core ([`diff_pair`]) turns one desired object and its live counterpart into a
//! status and an uncoloured unified diff; [`diff_objects`] fetches the live side (or the
//! server-side-apply dry run) and adds `--prune-preview` candidates. Rendering (colour,
//! tables) belongs to the CLI. Nothing here prints.

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::cluster::live::LiveCluster;
use crate::cluster::{Error, Obj, ObjRef};
use crate::manifest::{Manifest, to_yaml};

/// What the caller asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions {
    /// Compare live with the server-side-apply dry run of desired (as `kubectl diff`).
    pub server_side: bool,
    /// Also list live objects with the desired objects' instance label that desired lacks.
    pub prune_preview: bool,
}

/// How one object compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    New,
    Changed,
    Unchanged,
    LiveOnly,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::LiveOnly => "live-only",
        }
    }
}

/// One object's result.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectDiff {
    pub object: ObjRef,
    pub status: Status,
    /// Unified diff, live → desired; empty when unchanged.
    pub diff: String,
}

/// Counts per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub live_only: usize,
}

/// Every object's result, in input order (live-only objects last).
#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    pub objects: Vec<ObjectDiff>,
    /// Things the user should know that are not differences (unserved kinds…).
    pub warnings: Vec<String>,
}

impl DiffReport {
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for o in &self.objects {
            match o.status {
                Status::New => s.new += 1,
                Status::Changed => s.changed += 1,
                Status::Unchanged => s.unchanged += 1,
                Status::LiveOnly => s.live_only += 1,
            }
        }
        s
    }

    pub fn has_differences(&self) -> bool {
        self.objects.iter().any(|o| o.status != Status::Unchanged)
    }

    /// The `-o json` document (`"v": 1`).
    pub fn to_json(&self) -> Value {
        json!({
            "v": 1,
            "objects": self.objects,
            "summary": self.summary(),
            "warnings": self.warnings,
        })
    }
}

/// Metadata the server owns; never drift.
const SERVER_METADATA: &[&str] = &[
    "managedFields",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "selfLink",
];
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// What a masked Secret value reads as (owned by [`crate::redact`]).
use crate::redact::REDACTED;

/// Drops status and server-set metadata, and sorts keys so output is stable.
pub fn normalize(v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("status");
        if let Some(Value::Object(meta)) = m.get_mut("metadata") {
            for k in SERVER_METADATA {
                meta.remove(*k);
            }
            let empty = match meta.get_mut("annotations") {
                Some(Value::Object(a)) => {
                    a.remove(LAST_APPLIED);
                    a.is_empty()
                }
                _ => false,
            };
            if empty {
                meta.remove("annotations");
            }
        }
    }
    sort_keys(v)
}

fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sort_keys(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

fn item_name(v: &Value) -> Option<&str> {
    v.get("name").and_then(Value::as_str)
}

/// Live projected onto desired's shape: only the keys desired declares, recursively, so
/// fields the server defaulted are not drift. Lists whose items all have a `name` are
/// matched by name (desired order first; live items desired lacks are kept, since applying
/// would remove them); other lists of equal length item by item; otherwise live as is.
pub fn project(live: &Value, desired: &Value) -> Value {
    project_in(live, desired, false)
}

/// Maps whose values are resource quantities; the API server canonicalizes them.
const QUANTITY_MAPS: &[&str] = &["requests", "limits", "capacity", "hard", "allocatable"];

/// A Kubernetes quantity's value (`500m`, `0.5`, `1Gi`, `1e3`), for comparing the forms the
/// API server rewrites (`cpu: 0.5` comes back as `500m`, `1024Mi` as `1Gi`).
pub fn quantity(v: &Value) -> Option<f64> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("Pi", 1125899906842624.0),
        ("Ei", 1152921504606846976.0),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    let (num, mult) = SUFFIXES
        .iter()
        .find_map(|(suf, m)| s.strip_suffix(suf).map(|n| (n, *m)))
        .unwrap_or((s.as_str(), 1.0));
    let n: f64 = num.parse().ok()?;
    n.is_finite().then_some(n * mult)
}

fn project_in(live: &Value, desired: &Value, quantities: bool) -> Value {
    match (live, desired) {
        (Value::Object(l), Value::Object(d)) => {
            let mut out = Map::new();
            for (k, dv) in d {
                if let Some(lv) = l.get(k) {
                    // Inside a quantity map every value is a quantity.
                    let q = quantities || QUANTITY_MAPS.contains(&k.as_str());
                    out.insert(k.clone(), project_in(lv, dv, q));
                }
            }
            Value::Object(out)
        }
        // Quantities in their canonical form are the same value, not drift.
        (l, d) if quantities && !l.is_object() => match (quantity(l), quantity(d)) {
            (Some(a), Some(b)) if (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0) => {
                desired.clone()
            }
            _ => live.clone(),
        },
        (Value::Array(l), Value::Array(d)) => {
            let named = |a: &[Value]| !a.is_empty() && a.iter().all(|i| item_name(i).is_some());
            if named(d) && named(l) {
                let mut out = Vec::with_capacity(l.len());
                for di in d {
                    if let Some(li) = l.iter().find(|li| item_name(li) == item_name(di)) {
                        out.push(project(li, di));
                    }
                }
                let wanted: BTreeSet<&str> = d.iter().filter_map(item_name).collect();
                out.extend(
                    l.iter()
                        .filter(|li| item_name(li).is_some_and(|n| !wanted.contains(n)))
                        .cloned(),
                );
                Value::Array(out)
            } else if l.len() == d.len() {
                Value::Array(l.iter().zip(d).map(|(a, b)| project(a, b)).collect())
            } else {
                live.clone()
            }
        }
        // `port: "80"` vs `80`, `cpu: 1` vs `"1"`: the server converts; not drift.
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s))
            if *s == n.to_string() =>
        {
            desired.clone()
        }
        _ => live.clone(),
    }
}

/// The Secret's values as bytes: `data` base64-decoded, `stringData` as is (it wins).
fn secret_values(v: &Value) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(d)) = v.get("data") {
        for (k, val) in d {
            let s = val.as_str().unwrap_or("");
            out.insert(
                k.clone(),
                base64_decode(s).unwrap_or_else(|| s.as_bytes().to_vec()),
            );
        }
    }
    if let Some(Value::Object(d)) = v.get("stringData") {
        for (k, val) in d {
            out.insert(k.clone(), val.as_str().unwrap_or("").as_bytes().to_vec());
        }
    }
    out
}

/// Replaces Secret values on both sides by [`REDACTED`]; a desired value that differs from live
/// reads `<redacted> (changed)`, a key live lacks `<redacted> (new)`. With `all_live_keys` false only keys
/// desired declares are shown on the live side (projection); true shows every live key.
fn mask_secret(desired: &mut Value, live: Option<&mut Value>, all_live_keys: bool) {
    let want = secret_values(desired);
    let have = live.as_deref().map(secret_values).unwrap_or_default();
    if let Value::Object(m) = desired {
        m.remove("stringData");
        if want.is_empty() {
            m.remove("data");
        } else {
            let data: Map<String, Value> = want
                .iter()
                .map(|(k, v)| {
                    let marker = match have.get(k) {
                        Some(h) if h == v => REDACTED.to_string(),
                        Some(_) => format!("{REDACTED} (changed)"),
                        None => format!("{REDACTED} (new)"),
                    };
                    (k.clone(), Value::String(marker))
                })
                .collect();
            m.insert("data".into(), Value::Object(data));
        }
    }
    if let Some(Value::Object(m)) = live {
        m.remove("stringData");
        let data: Map<String, Value> = have
            .keys()
            .filter(|k| all_live_keys || want.contains_key(*k))
            .map(|k| (k.clone(), Value::String(REDACTED.into())))
            .collect();
        if data.is_empty() {
            m.remove("data");
        } else {
            m.insert("data".into(), Value::Object(data));
        }
    }
}

fn is_secret(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("Secret")
}

fn unified(object: &ObjRef, old: &str, new: &str) -> String {
    let name = object.display();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("live/{name}"), &format!("desired/{name}"))
        .to_string()
}

/// Compares one desired object with live (client-side: live projected onto desired).
/// `object` names it in the output (namespace already defaulted).
pub fn diff_pair(object: ObjRef, desired: &Value, live: Option<&Value>) -> ObjectDiff {
    let mut d = normalize(desired);
    let Some(live) = live else {
        if is_secret(&d) {
            mask_secret(&mut d, None, false);
        }
        return ObjectDiff {
            diff: unified(&object, "", &to_yaml(&sort_keys(d))),
            object,
            status: Status::New,
        };
    };
    let mut l = normalize(live);
    let mut secret = None;
    if is_secret(&d) {
        // Mask before projecting: desired `stringData` must be compared with live `data`.
        mask_secret(&mut d, Some(&mut l), false);
        let ld = l.as_object_mut().and_then(|m| m.remove("data"));
        secret = Some(ld);
    }
    let mut projected = project(&l, &d);
    if let (Some(Some(ld)), Value::Object(m)) = (secret, &mut projected) {
        m.insert("data".into(), ld);
    }
    finish(object, &sort_keys(projected), &sort_keys(d))
}

/// Compares live with what the server says live would become (`--server-side`).
pub fn diff_server_side(object: ObjRef, live: Option<&Value>, after: &Value) -> ObjectDiff {
    let mut a = normalize(after);
    let Some(live) = live else {
        if is_secret(&a) {
            mask_secret(&mut a, None, true);
        }
        return ObjectDiff {
            diff: unified(&object, "", &to_yaml(&sort_keys(a))),
            object,
            status: Status::New,
        };
    };
    let mut l = normalize(live);
    if is_secret(&a) {
        mask_secret(&mut a, Some(&mut l), true);
    }
    finish(object, &sort_keys(l), &sort_keys(a))
}

fn finish(object: ObjRef, live: &Value, desired: &Value) -> ObjectDiff {
    if live == desired {
        return ObjectDiff {
            object,
            status: Status::Unchanged,
            diff: String::new(),
        };
    }
    let (old, new) = (to_yaml(live), to_yaml(desired));
    let status = if old == new {
        Status::Unchanged
    } else {
        Status::Changed
    };
    ObjectDiff {
        diff: if status == Status::Changed {
            unified(&object, &old, &new)
        } else {
            String::new()
        },
        object,
        status,
    }
}

/// A live object no desired object names (prune candidate): everything shows as removed.
pub fn diff_live_only(object: ObjRef, live: &Value) -> ObjectDiff {
    let mut l = normalize(live);
    if is_secret(&l) {
        let mut empty = json!({});
        mask_secret(&mut empty, Some(&mut l), true);
    }
    ObjectDiff {
        diff: unified(&object, &to_yaml(&l), ""),
        object,
        status: Status::LiveOnly,
    }
}

/// Labels that tie objects to one app, in the order they are tried for prune previews.
const INSTANCE_LABELS: &[&str] = &["app.kubernetes.io/instance", "app.kubernetes.io/name"];

/// Diffs desired manifests against the live cluster. Order follows `desired`; live-only
/// objects (with `prune_preview`) come last, sorted.
pub async fn diff_objects(
    live: &LiveCluster,
    desired: &[Manifest],
    opts: &DiffOptions,
) -> Result<DiffReport, Error> {
    let mut report = DiffReport::default();
    let results: Vec<Result<OneDiff, Error>> =
        futures::stream::iter(desired.iter().map(|m| diff_one(live, m, opts)))
            .buffered(8)
            .collect()
            .await;
    let mut seen: BTreeSet<(String, Option<String>, String)> = BTreeSet::new();
    for r in results {
        let (d, warning) = r?;
        if let Some(w) = warning {
            report.warnings.push(w);
        }
        if let Some(d) = d {
            seen.insert((
                d.object.kind.clone(),
                d.object.namespace.clone(),
                d.object.name.clone(),
            ));
            report.objects.push(d);
        }
    }
    if opts.prune_preview {
        let labelled = desired
            .iter()
            .any(|m| INSTANCE_LABELS.iter().any(|k| m.obj().label(k).is_some()));
        if !labelled {
            report.warnings.push(format!(
                "--prune-preview found nothing to compare: no manifest carries a {} label",
                INSTANCE_LABELS.join(" or ")
            ));
        }
        let mut extra = prune_candidates(live, desired, &report).await?;
        extra.retain(|o| {
            !seen.contains(&(
                o.object.kind.clone(),
                o.object.namespace.clone(),
                o.object.name.clone(),
            ))
        });
        extra.sort_by(|a, b| a.object.cmp(&b.object));
        extra.dedup_by(|a, b| a.object == b.object);
        report.objects.extend(extra);
    }
    Ok(report)
}

/// One desired object's result (None when it was not an object) and a warning.
type OneDiff = (Option<ObjectDiff>, Option<String>);

async fn diff_one(live: &LiveCluster, m: &Manifest, opts: &DiffOptions) -> Result<OneDiff, Error> {
    let o = m.obj();
    if o.kind().is_empty() || o.name().is_empty() || o.api_version().is_empty() {
        return Ok((
            None,
            Some(format!(
                "{}: skipped: apiVersion, kind and metadata.name are required",
                m.origin
            )),
        ));
    }
    let Some(res) = live.resolve(o.api_version(), o.kind()).await? else {
        let r = o.obj_ref();
        return Ok((
            Some(diff_pair(r, &m.value, None)),
            Some(format!(
                "{}: the server does not serve {} ({}); shown as new",
                m.origin,
                o.kind(),
                o.api_version()
            )),
        ));
    };
    let ns = res.namespaced.then(|| {
        o.namespace()
            .unwrap_or(live.default_namespace())
            .to_string()
    });
    let r = ObjRef::new(o.api_version(), o.kind(), ns.as_deref(), o.name());
    let current = live.get(&r).await?;
    if opts.server_side {
        let mut body = m.value.clone();
        if let (Some(ns), Some(meta)) =
            (&ns, body.get_mut("metadata").and_then(Value::as_object_mut))
        {
            meta.entry("namespace").or_insert_with(|| json!(ns));
        }
        let after = live.server_side_apply_dry_run(&body).await?;
        return Ok((Some(diff_server_side(r, current.as_ref(), &after)), None));
    }
    Ok((Some(diff_pair(r, &m.value, current.as_ref())), None))
}

/// Kinds checked for prune candidates besides the desired kinds: kubectl's `apply --prune`
/// default allow-list, minus what controllers create (Pods, ReplicaSets, Endpoints).
const PRUNE_KINDS: &[&str] = &[
    "ConfigMap",
    "Secret",
    "Service",
    "ServiceAccount",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Ingress",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
];

/// Live objects that carry a desired instance label, in the desired namespaces, of the
/// desired kinds and [`PRUNE_KINDS`]. Objects owned by another object are skipped: their
/// controller, not the user, manages them.
async fn prune_candidates(
    live: &LiveCluster,
    desired: &[Manifest],
    report: &DiffReport,
) -> Result<Vec<ObjectDiff>, Error> {
    let mut selectors: BTreeSet<String> = BTreeSet::new();
    for m in desired {
        let o = m.obj();
        if let Some((k, v)) = INSTANCE_LABELS
            .iter()
            .find_map(|k| o.label(k).map(|v| (*k, v)))
        {
            selectors.insert(format!("{k}={v}"));
        }
    }
    if selectors.is_empty() {
        return Ok(Vec::new());
    }
    let namespaces: BTreeSet<Option<String>> = report
        .objects
        .iter()
        .map(|d| d.object.namespace.clone())
        .collect();
    let mut resources = Vec::new();
    for d in &report.objects {
        if let Some(res) = live.resolve(&d.object.api_version, &d.object.kind).await? {
            resources.push(res);
        }
    }
    for kind in PRUNE_KINDS {
        if let Some(info) = crate::cluster::kinds::lookup(kind)
            && let Some(res) = live.resolve_kind(info).await?
        {
            resources.push(res);
        }
    }
    resources.sort_by(|a, b| (&a.group, &a.kind).cmp(&(&b.group, &b.kind)));
    resources.dedup_by(|a, b| a.group == b.group && a.kind == b.kind);
    let mut out = Vec::new();
    for res in &resources {
        let scopes: Vec<Option<&str>> = if res.namespaced {
            namespaces
                .iter()
                .flatten()
                .map(|n| Some(n.as_str()))
                .collect()
        } else {
            vec![None]
        };
        for ns in scopes {
            for sel in &selectors {
                for obj in live.list_selected(res, ns, sel).await? {
                    let o = Obj(&obj);
                    if !o.owner_refs().is_empty() {
                        continue;
                    }
                    out.push(diff_live_only(o.obj_ref(), &obj));
                }
            }
        }
    }
    Ok(out)
}

/// Standard base64 (with or without padding); None when it is not base64.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalized_quantities_are_not_drift() {
        let live = serde_json::json!({"resources": {"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "2"}}});
        let desired = serde_json::json!({"resources": {"limits": {"cpu": 0.5, "memory": "1024Mi"}, "requests": {"cpu": "2000m"}}});
        assert_eq!(project(&live, &desired), desired);
        let drifted = serde_json::json!({"resources": {"limits": {"cpu": "500m", "memory": "2Gi"}, "requests": {"cpu": "2"}}});
        assert_eq!(
            project(&drifted, &desired)["resources"]["limits"]["memory"],
            "2Gi"
        );
        // Outside quantity maps, "1" and "1.0" stay different.
        let l = serde_json::json!({"metadata": {"annotations": {"v": "1.0"}}});
        let d = serde_json::json!({"metadata": {"annotations": {"v": "1"}}});
        assert_eq!(project(&l, &d), l);
    }

    fn r() -> ObjRef {
        ObjRef::new("apps/v1", "Deployment", Some("x"), "web")
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGk").unwrap(), b"hi");
        assert!(base64_decode("not base64!").is_none());
    }

    #[test]
    fn defaulted_fields_and_server_metadata_are_not_drift() {
        let desired = json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"x"},
            "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}});
        let live = json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"x",
            "uid":"u","resourceVersion":"9","generation":3,"creationTimestamp":"t","managedFields":[{}],
            "annotations":{"deployment.kubernetes.io/revision":"3"}},
            "spec":{"replicas":2,"progressDeadlineSeconds":600,"template":{"spec":{"containers":[
                {"name":"app","image":"nginx:1.27","imagePullPolicy":"IfNotPresent","terminationMessagePath":"/dev/termination-log"}],
                "restartPolicy":"Always"}}},"status":{"replicas":2}});
        let d = diff_pair(r(), &desired, Some(&live));
        assert_eq!(d.status, Status::Unchanged, "{}", d.diff);
    }

    #[test]
    fn a_changed_field_shows_exactly_that_field() {
        let desired = json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
            "spec":{"replicas":3}});
        let live = json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"x"},
            "spec":{"replicas":2,"paused":false}});
        let d = diff_pair(r(), &desired, Some(&live));
        assert_eq!(d.status, Status::Changed);
        let changed: Vec<&str> = d
            .diff
            .lines()
            .filter(|l| {
                (l.starts_with('+') || l.starts_with('-'))
                    && !l.starts_with("+++")
                    && !l.starts_with("---")
            })
            .collect();
        assert_eq!(
            changed,
            vec!["-  replicas: 2", "+  replicas: 3"],
            "{}",
            d.diff
        );
    }

    #[test]
    fn named_lists_match_by_name_and_extras_are_drift() {
        let desired = json!({"containers":[{"name":"b","image":"2"},{"name":"a","image":"1"}]});
        let live = json!({"containers":[{"name":"a","image":"1","x":1},{"name":"b","image":"2"},{"name":"c","image":"3"}]});
        let p = project(&live, &desired);
        assert_eq!(
            p,
            json!({"containers":[{"name":"b","image":"2"},{"name":"a","image":"1"},{"name":"c","image":"3"}]})
        );
    }

    #[test]
    fn secrets_are_masked_but_changes_reported() {
        let sref = ObjRef::new("v1", "Secret", Some("x"), "s");
        let live = json!({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"x"},
            "data":{"user":"YWRtaW4=","pass":"b2xk"},"type":"Opaque"});
        let same = json!({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"x"},
            "stringData":{"user":"admin"}});
        assert_eq!(
            diff_pair(sref.clone(), &same, Some(&live)).status,
            Status::Unchanged
        );
        let changed = json!({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"x"},
            "stringData":{"user":"admin","pass":"new-secret-value"}});
        let d = diff_pair(sref, &changed, Some(&live));
        assert_eq!(d.status, Status::Changed);
        assert!(d.diff.contains("<redacted> (changed)"), "{}", d.diff);
        for secret in ["new-secret-value", "b2xk", "old", "admin", "YWRtaW4="] {
            assert!(!d.diff.contains(secret), "{secret} leaked: {}", d.diff);
        }
    }

    #[test]
    fn report_json_shape() {
        let rep = DiffReport {
            objects: vec![diff_pair(
                r(),
                &json!({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}),
                None,
            )],
            warnings: vec![],
        };
        let j = rep.to_json();
        assert_eq!(j["v"], 1);
        assert_eq!(j["objects"][0]["status"], "new");
        assert_eq!(j["objects"][0]["object"]["kind"], "Deployment");
        assert_eq!(j["summary"]["new"], 1);
        assert!(rep.has_differences());
    }
}
