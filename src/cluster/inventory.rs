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

/// A reference to one object: what findings, actions and the audit log point at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjRef {
    pub api_version: String,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjRef {
    pub fn new(api_version: &str, kind: &str, namespace: Option<&str>, name: &str) -> Self {
        Self {
            api_version: api_version.to_string(),
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
        }
    }

    /// `kind/name` or `kind/namespace/name`, the form humans read in tables and evidence.
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{}/{}", self.kind, ns, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }

    /// True when both name the same object, ignoring the API version (v1beta2 vs v1 of a kind).
    pub fn same_object(&self, other: &ObjRef) -> bool {
        self.kind.eq_ignore_ascii_case(&other.kind)
            && self.namespace == other.namespace
            && self.name == other.name
    }
}

/// One condition in the common `status.conditions[]` shape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Condition {
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
}

impl Condition {
    pub fn is_true(&self) -> bool {
        self.status == "True"
    }
    pub fn is_false(&self) -> bool {
        self.status == "False"
    }
}

/// A borrowed view of one object with typed accessors for the fields every recipe reads.
#[derive(Debug, Clone, Copy)]
pub struct Obj<'a>(pub &'a Value);

impl<'a> Obj<'a> {
    pub fn value(&self) -> &'a Value {
        self.0
    }
    pub fn kind(&self) -> &'a str {
        self.str_at("/kind").unwrap_or("")
    }
    pub fn api_version(&self) -> &'a str {
        self.str_at("/apiVersion").unwrap_or("")
    }
    pub fn name(&self) -> &'a str {
        self.str_at("/metadata/name").unwrap_or("")
    }
    pub fn namespace(&self) -> Option<&'a str> {
        self.str_at("/metadata/namespace").filter(|s| !s.is_empty())
    }
    pub fn obj_ref(&self) -> ObjRef {
        ObjRef::new(
            self.api_version(),
            self.kind(),
            self.namespace(),
            self.name(),
        )
    }
    /// The string at a JSON pointer (`/spec/sourceRef/name`), if present and a string.
    pub fn str_at(&self, pointer: &str) -> Option<&'a str> {
        self.0.pointer(pointer).and_then(Value::as_str)
    }
    pub fn i64_at(&self, pointer: &str) -> Option<i64> {
        self.0.pointer(pointer).and_then(Value::as_i64)
    }
    pub fn bool_at(&self, pointer: &str) -> Option<bool> {
        self.0.pointer(pointer).and_then(Value::as_bool)
    }
    pub fn at(&self, pointer: &str) -> Option<&'a Value> {
        self.0.pointer(pointer)
    }
    /// The array at a pointer, or an empty slice.
    pub fn array_at(&self, pointer: &str) -> &'a [Value] {
        self.0
            .pointer(pointer)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
    pub fn label(&self, key: &str) -> Option<&'a str> {
        self.0
            .pointer("/metadata/labels")
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
    }
    pub fn annotation(&self, key: &str) -> Option<&'a str> {
        self.0
            .pointer("/metadata/annotations")
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
    }
    pub fn labels(&self) -> BTreeMap<&'a str, &'a str> {
        string_map(self.0.pointer("/metadata/labels"))
    }
    /// All `status.conditions[]`, in order.
    pub fn conditions(&self) -> Vec<Condition> {
        self.array_at("/status/conditions")
            .iter()
            .map(|c| Condition {
                type_: str_field(c, "type"),
                status: str_field(c, "status"),
                reason: str_field(c, "reason"),
                message: str_field(c, "message"),
            })
            .collect()
    }
    pub fn condition(&self, type_: &str) -> Option<Condition> {
        self.conditions().into_iter().find(|c| c.type_ == type_)
    }
    /// True when `metadata.generation` is ahead of `status.observedGeneration`.
    pub fn status_is_stale(&self) -> bool {
        match (
            self.i64_at("/metadata/generation"),
            self.i64_at("/status/observedGeneration"),
        ) {
            (Some(generation), Some(observed)) => observed < generation,
            _ => false,
        }
    }
    pub fn owner_refs(&self) -> Vec<(&'a str, &'a str)> {
        self.array_at("/metadata/ownerReferences")
            .iter()
            .filter_map(|o| Some((o.get("kind")?.as_str()?, o.get("name")?.as_str()?)))
            .collect()
    }
}

fn str_field(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// A `{string: string}` JSON map as a sorted map (labels, selectors, annotations).
pub fn string_map(v: Option<&Value>) -> BTreeMap<&str, &str> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
                .collect()
        })
        .unwrap_or_default()
}

/// The reason recorded for a kind the cluster does not serve: nothing of it can exist, so it
/// is not a blind spot (unlike a Forbidden kind).
pub const NOT_SERVED: &str = "not served";

/// Why a kind could not be read, so reports never claim "healthy" for what was not seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedKind {
    pub kind: String,
    pub reason: String,
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
