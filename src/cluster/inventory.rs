//! The gathered cluster state every read-only engine works on.
//!
//! An [`Inventory`] is a flat set of objects (plain JSON, exactly as the API server or a
//! snapshot file gave them), container logs, and a record of what could *not* be read. It is
//! built by `cluster::live` or `cluster::snapshot`; recipes cannot tell which, and that is the
//! point. Nothing here does I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::object::{Condition, Obj, ObjRef, string_map};

/// Why a kind was not read. Written as text (`-o json`'s `skipped[].reason`, a snapshot's
/// `skipped-kinds.txt`): `not served`, or what kept it from being read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum SkipReason {
    /// The cluster does not serve the kind: nothing of it can exist, so it is not a blind spot
    /// (unlike a Forbidden kind).
    NotServed,
    /// The kind could not be read (forbidden, an API error, not captured): a blind spot, so no
    /// report may call what it holds healthy.
    Unreadable(String),
}

impl SkipReason {
    /// The text [`SkipReason::NotServed`] is written as.
    pub const NOT_SERVED_TEXT: &'static str = "not served";

    /// True for a kind the cluster does not serve (not a gap).
    pub fn is_not_served(&self) -> bool {
        matches!(self, SkipReason::NotServed)
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::NotServed => f.write_str(Self::NOT_SERVED_TEXT),
            SkipReason::Unreadable(why) => f.write_str(why),
        }
    }
}

/// Compares the written text (`reason == "not served"`).
impl PartialEq<&str> for SkipReason {
    fn eq(&self, other: &&str) -> bool {
        match self {
            SkipReason::NotServed => *other == Self::NOT_SERVED_TEXT,
            SkipReason::Unreadable(why) => why == other,
        }
    }
}

impl From<String> for SkipReason {
    fn from(s: String) -> Self {
        if s == Self::NOT_SERVED_TEXT {
            SkipReason::NotServed
        } else {
            SkipReason::Unreadable(s)
        }
    }
}

impl From<&str> for SkipReason {
    fn from(s: &str) -> Self {
        s.to_string().into()
    }
}

impl From<SkipReason> for String {
    fn from(r: SkipReason) -> Self {
        r.to_string()
    }
}

/// Why a kind could not be read, so reports never claim "healthy" for what was not seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedKind {
    pub kind: String,
    pub reason: SkipReason,
}

/// Key for container logs: namespace, pod, container (empty when the source did not say).
pub type LogKey = (String, String, String);

/// Everything gathered for one run.
#[derive(Debug, Default, Clone)]
pub struct Inventory {
    /// Shared, so that narrowing a loaded snapshot to the kinds and namespaces a run asks for
    /// costs a pointer per object, not a second copy of a large dump.
    objects: Vec<Arc<Value>>,
    /// kind → (namespace, name) → index. Lookups and duplicate checks without a scan (a scan
    /// made loading 10,000 pods quadratic), and iteration in a stable order whatever order
    /// the objects arrived in, so live and snapshot runs report identically.
    by_kind: BTreeMap<String, BTreeMap<(Option<String>, String), usize>>,
    /// Kinds known to exist in the cluster (served by discovery, or present in the snapshot,
    /// or declared by a CRD object) even when no object of the kind exists.
    served: BTreeSet<String>,
    /// Kinds actually read: listed without error (live), or present in the snapshot. A run
    /// that read none of the kinds it asked for has seen nothing and must not say "healthy".
    read: BTreeSet<String>,
    pub logs: BTreeMap<LogKey, String>,
    pub skipped: Vec<SkippedKind>,
    /// Files or sources that could not be read, with the reason (snapshot mode).
    pub unreadable: Vec<(String, String)>,
}

impl Inventory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an object. Objects without a kind or a name are ignored: nothing can refer to them.
    /// A later object with the same kind/namespace/name replaces the earlier one.
    pub fn insert(&mut self, obj: Value) {
        self.insert_shared(Arc::new(obj));
    }

    /// [`Inventory::insert`] for an object another inventory already holds.
    pub fn insert_shared(&mut self, obj: Arc<Value>) {
        let o = Obj(&obj);
        if o.kind().is_empty() || o.name().is_empty() {
            return;
        }
        let kind = o.kind().to_string();
        let key = (o.namespace().map(str::to_string), o.name().to_string());
        if let Some(&existing) = self.by_kind.get(&kind).and_then(|m| m.get(&key)) {
            self.objects[existing] = obj;
            return;
        }
        if kind == "CustomResourceDefinition"
            && let Some(k) = o.str_at("/spec/names/kind")
        {
            self.served.insert(k.to_string());
        }
        self.served.insert(kind.clone());
        self.read.insert(kind.clone());
        self.objects.push(obj);
        let idx = self.objects.len() - 1;
        self.by_kind.entry(kind).or_default().insert(key, idx);
    }

    /// Marks a kind as served even when no object of it exists.
    pub fn mark_served(&mut self, kind: &str) {
        self.served.insert(kind.to_string());
    }

    /// Marks a kind as read (listed without error, even when it held no object).
    pub fn mark_read(&mut self, kind: &str) {
        self.served.insert(kind.to_string());
        self.read.insert(kind.to_string());
    }

    /// The kinds that were read, sorted.
    pub fn read_kinds(&self) -> impl Iterator<Item = &str> {
        self.read.iter().map(String::as_str)
    }

    /// True when at least one of `kinds` (any kind when empty) was read.
    pub fn read_any(&self, kinds: &[&str]) -> bool {
        if kinds.is_empty() {
            !self.read.is_empty()
        } else {
            kinds.iter().any(|k| self.read.contains(*k))
        }
    }

    pub fn is_served(&self, kind: &str) -> bool {
        self.served.contains(kind)
    }

    pub fn served_kinds(&self) -> impl Iterator<Item = &str> {
        self.served.iter().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Every object, by kind, then namespace, then name.
    pub fn all(&self) -> impl Iterator<Item = Obj<'_>> {
        self.by_kind
            .values()
            .flat_map(|m| m.values())
            .map(move |&i| Obj(&self.objects[i]))
    }

    /// Every object with its shared handle, in the order of [`Inventory::all`].
    pub fn all_shared(&self) -> impl Iterator<Item = &Arc<Value>> {
        self.by_kind
            .values()
            .flat_map(|m| m.values())
            .map(move |&i| &self.objects[i])
    }

    /// All objects of a kind, by namespace then name.
    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = Obj<'a>> + 'a {
        self.by_kind
            .get(kind)
            .into_iter()
            .flat_map(|m| m.values())
            .map(move |&i| Obj(&self.objects[i]))
    }

    pub fn get(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<Obj<'_>> {
        self.find_index(kind, namespace, name)
            .map(|i| Obj(&self.objects[i]))
    }

    pub fn get_ref(&self, r: &ObjRef) -> Option<Obj<'_>> {
        self.get(&r.kind, r.namespace.as_deref(), &r.name)
    }

    fn find_index(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<usize> {
        self.by_kind
            .get(kind)?
            .get(&(namespace.map(str::to_string), name.to_string()))
            .copied()
    }

    /// Events whose `involvedObject` (or `regarding`) is the given object, oldest first.
    pub fn events_for(&self, kind: &str, namespace: Option<&str>, name: &str) -> Vec<Obj<'_>> {
        let mut evs: Vec<Obj<'_>> = self
            .of_kind("Event")
            .filter(|e| {
                let inv = e.at("/involvedObject").or_else(|| e.at("/regarding"));
                let Some(inv) = inv else { return false };
                // An ObjectReference has kind/name/namespace at the top, not under metadata.
                let field = |k: &str| inv.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
                field("kind") == Some(kind) && field("name") == Some(name) && {
                    let ns = field("namespace").or(e.namespace());
                    namespace.is_none() || ns == namespace
                }
            })
            .collect();
        evs.sort_by_key(|e| {
            e.str_at("/lastTimestamp")
                .or_else(|| e.str_at("/eventTime"))
                .unwrap_or("")
                .to_string()
        });
        evs
    }

    /// Logs for a pod (any container when `container` is None), concatenated.
    pub fn logs_for(&self, namespace: &str, pod: &str, container: Option<&str>) -> Option<&str> {
        self.logs
            .iter()
            .find(|((ns, p, c), _)| {
                ns == namespace
                    && p == pod
                    && container.is_none_or(|want| c.is_empty() || c == want)
            })
            .map(|(_, l)| l.as_str())
    }

    /// The namespaces that appear on objects, sorted.
    pub fn namespaces(&self) -> BTreeSet<&str> {
        self.all().filter_map(|o| o.namespace()).collect()
    }

    /// Consumes the inventory, returning its objects.
    pub fn into_objects(self) -> Vec<Value> {
        self.objects
            .into_iter()
            .map(|o| Arc::try_unwrap(o).unwrap_or_else(|shared| (*shared).clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn skip_reasons_are_written_as_the_text_they_always_were() {
        let s = SkippedKind {
            kind: "Kustomization".into(),
            reason: SkipReason::NotServed,
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v, json!({"kind": "Kustomization", "reason": "not served"}));
        let back: SkippedKind = serde_json::from_value(v).unwrap();
        assert!(back.reason.is_not_served());
        let f: SkippedKind =
            serde_json::from_value(json!({"kind": "Secret", "reason": "forbidden: no"})).unwrap();
        assert_eq!(f.reason, SkipReason::Unreadable("forbidden: no".into()));
        assert!(!f.reason.is_not_served());
        assert_eq!(f.reason.to_string(), "forbidden: no");
    }

    #[test]
    fn insert_indexes_and_replaces_duplicates() {
        let mut inv = Inventory::new();
        inv.insert(json!({"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"x"}}));
        inv.insert(json!({"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"x"},"spec":{"n":1}}));
        inv.insert(json!({"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"y"}}));
        inv.insert(json!({"kind":"Pod"}));
        assert_eq!(inv.len(), 2);
        let a = inv.get("Pod", Some("x"), "a").unwrap();
        assert_eq!(a.i64_at("/spec/n"), Some(1));
        assert!(inv.is_served("Pod"));
    }

    #[test]
    fn crd_objects_mark_their_kind_served() {
        let mut inv = Inventory::new();
        inv.insert(
            json!({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
            "metadata":{"name":"kustomizations.kustomize.toolkit.fluxcd.io"},
            "spec":{"names":{"kind":"Kustomization"}}}),
        );
        assert!(inv.is_served("Kustomization"));
        assert_eq!(inv.of_kind("Kustomization").count(), 0);
    }

    #[test]
    fn conditions_and_staleness() {
        let v = json!({"kind":"Kustomization","metadata":{"name":"a","generation":3},
            "status":{"observedGeneration":2,"conditions":[{"type":"Ready","status":"False","reason":"X","message":"m"}]}});
        let o = Obj(&v);
        assert!(o.status_is_stale());
        let c = o.condition("Ready").unwrap();
        assert!(c.is_false());
        assert_eq!(c.reason, "X");
    }
}
