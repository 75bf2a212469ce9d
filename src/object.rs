//! The object types every layer shares: [`ObjRef`] (what findings, actions, plans and the
//! audit log point at), [`Obj`] (typed reads over an object's JSON) and [`Condition`]. A leaf:
//! it imports nothing of the crate, so manifests, the cluster view, actions and plans can all
//! use it without depending on each other.

use std::collections::BTreeMap;

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
