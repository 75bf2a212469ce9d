//! The quick health overview behind `kubectl claude status` (the team's `/cluster-status`):
//! nodes (ready, pressure, requested vs allocatable), active problems (top root causes),
//! Flux and Argo CD sync tables, and recommendations. Pure: built from an inventory and the
//! linked findings.

use serde::Serialize;
use serde_json::Value;

use crate::cluster::{Inventory, Obj};
use crate::finding::LinkedFinding;

/// One node row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeRow {
    pub name: String,
    pub ready: String,
    pub pressure: Vec<String>,
    pub cpu_requested_millis: u64,
    pub cpu_allocatable_millis: u64,
    pub memory_requested_bytes: u64,
    pub memory_allocatable_bytes: u64,
    pub version: String,
    pub unschedulable: bool,
}

/// One Flux object row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FluxRow {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub ready: String,
    pub reason: String,
    pub revision: String,
    pub suspended: bool,
}

/// One Argo CD Application row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppRow {
    pub namespace: String,
    pub name: String,
    pub sync: String,
    pub health: String,
    pub revision: String,
}

/// One active problem (a root cause).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub severity: String,
    pub id: String,
    pub object: String,
    pub title: String,
    pub symptoms: usize,
}

/// The overview (`-o json` contract `v: 1`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub v: u32,
    pub nodes: Vec<NodeRow>,
    pub problems: Vec<Problem>,
    pub flux: Vec<FluxRow>,
    pub argocd: Vec<AppRow>,
    /// `[tier] command — rationale`, one per root cause with an action.
    pub recommendations: Vec<String>,
    /// Kinds that could not be read.
    pub not_checked: Vec<String>,
}

/// CPU quantity in millicores (`100m`, `2`, `1.5`).
pub fn cpu_millis(q: &str) -> u64 {
    let q = q.trim();
    if let Some(m) = q.strip_suffix('m') {
        return m.parse::<f64>().map(|v| v.max(0.0) as u64).unwrap_or(0);
    }
    q.parse::<f64>()
        .map(|v| (v.max(0.0) * 1000.0) as u64)
        .unwrap_or(0)
}

/// Memory quantity in bytes (`128Mi`, `1Gi`, `500M`, `1024`).
pub fn memory_bytes(q: &str) -> u64 {
    let q = q.trim();
    const UNITS: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("k", 1e3),
        ("K", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    for (suffix, mult) in UNITS {
        if let Some(n) = q.strip_suffix(suffix) {
            return n
                .parse::<f64>()
                .map(|v| (v.max(0.0) * mult) as u64)
                .unwrap_or(0);
        }
    }
    q.parse::<f64>().map(|v| v.max(0.0) as u64).unwrap_or(0)
}

fn requests_of(pod: &Obj, key: &str) -> Vec<String> {
    pod.array_at("/spec/containers")
        .iter()
        .filter_map(|c| {
            c.pointer(&format!("/resources/requests/{key}"))
                .and_then(Value::as_str)
        })
        .map(str::to_string)
        .collect()
}

fn nodes(inv: &Inventory) -> Vec<NodeRow> {
    let mut rows: Vec<NodeRow> = inv
        .of_kind("Node")
        .map(|n| {
            let name = n.name().to_string();
            let pods: Vec<Obj> = inv
                .of_kind("Pod")
                .filter(|p| p.str_at("/spec/nodeName") == Some(name.as_str()))
                .filter(|p| !matches!(p.str_at("/status/phase"), Some("Succeeded" | "Failed")))
                .collect();
            let cpu_req = pods
                .iter()
                .flat_map(|p| requests_of(p, "cpu"))
                .map(|q| cpu_millis(&q))
                .sum();
            let mem_req = pods
                .iter()
                .flat_map(|p| requests_of(p, "memory"))
                .map(|q| memory_bytes(&q))
                .sum();
            NodeRow {
                ready: n
                    .condition("Ready")
                    .map(|c| {
                        if c.is_true() {
                            "Ready".to_string()
                        } else {
                            format!(
                                "NotReady ({})",
                                if c.status == "Unknown" {
                                    "Unknown"
                                } else {
                                    &c.reason
                                }
                            )
                        }
                    })
                    .unwrap_or_else(|| "Unknown".into()),
                pressure: ["MemoryPressure", "DiskPressure", "PIDPressure"]
                    .into_iter()
                    .filter(|t| n.condition(t).is_some_and(|c| c.is_true()))
                    .map(str::to_string)
                    .collect(),
                cpu_requested_millis: cpu_req,
                cpu_allocatable_millis: n
                    .str_at("/status/allocatable/cpu")
                    .map(cpu_millis)
                    .unwrap_or(0),
                memory_requested_bytes: mem_req,
                memory_allocatable_bytes: n
                    .str_at("/status/allocatable/memory")
                    .map(memory_bytes)
                    .unwrap_or(0),
                version: n
                    .str_at("/status/nodeInfo/kubeletVersion")
                    .unwrap_or("")
                    .to_string(),
                unschedulable: n.bool_at("/spec/unschedulable").unwrap_or(false),
                name,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    rows
}

const FLUX_KINDS: &[&str] = &[
    "GitRepository",
    "OCIRepository",
    "HelmRepository",
    "Bucket",
    "Kustomization",
    "HelmRelease",
];

fn flux(inv: &Inventory) -> Vec<FluxRow> {
    let mut rows = Vec::new();
    for kind in FLUX_KINDS {
        for o in inv.of_kind(kind) {
            let ready = o.condition("Ready");
            rows.push(FluxRow {
                kind: kind.to_string(),
                namespace: o.namespace().unwrap_or("").to_string(),
                name: o.name().to_string(),
                ready: ready
                    .as_ref()
                    .map(|c| c.status.clone())
                    .unwrap_or_else(|| "Unknown".into()),
                reason: ready.map(|c| c.reason).unwrap_or_default(),
                revision: o
                    .str_at("/status/lastAppliedRevision")
                    .or_else(|| o.str_at("/status/artifact/revision"))
                    .or_else(|| o.str_at("/status/history/0/chartVersion"))
                    .unwrap_or("")
                    .to_string(),
                suspended: o.bool_at("/spec/suspend").unwrap_or(false),
            });
        }
    }
    rows
}

fn argocd(inv: &Inventory) -> Vec<AppRow> {
    let mut rows: Vec<AppRow> = inv
        .of_kind("Application")
        .filter(|a| a.api_version().starts_with("argoproj.io"))
        .map(|a| AppRow {
            namespace: a.namespace().unwrap_or("").to_string(),
            name: a.name().to_string(),
            sync: a
                .str_at("/status/sync/status")
                .unwrap_or("Unknown")
                .to_string(),
            health: a
                .str_at("/status/health/status")
                .unwrap_or("Unknown")
                .to_string(),
            revision: a
                .str_at("/status/sync/revision")
                .map(|r| r.chars().take(12).collect())
                .unwrap_or_default(),
        })
        .collect();
    rows.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    rows
}

/// Builds the overview.
pub fn build(inv: &Inventory, findings: &[LinkedFinding], limit: usize) -> Status {
    let roots: Vec<(usize, &LinkedFinding)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.root_cause)
        .collect();
    Status {
        v: 1,
        nodes: nodes(inv),
        problems: roots
            .iter()
            .take(limit)
            .map(|(i, f)| Problem {
                severity: f.severity.as_str().to_string(),
                id: f.id.clone(),
                object: f.object.display(),
                title: f.title.clone(),
                symptoms: findings.iter().filter(|s| s.caused_by == Some(*i)).count(),
            })
            .collect(),
        flux: flux(inv),
        argocd: argocd(inv),
        recommendations: roots
            .iter()
            .take(limit)
            .filter_map(|(_, f)| {
                // The first change that can be made (confirm tier), else the first safe
                // look; never a forbidden one (`cordon` is refused whatever the flags).
                use crate::autonomy::Tier;
                let a = f
                    .actions
                    .iter()
                    .find(|a| a.tier == Tier::Confirm)
                    .or_else(|| f.actions.iter().find(|a| a.tier == Tier::Safe))?;
                Some(format!(
                    "[{}] {} — {}",
                    a.tier.as_str(),
                    a.command,
                    a.rationale
                ))
            })
            .collect(),
        // Kinds not served hold nothing to check; unreadable files might have held anything.
        not_checked: inv
            .skipped
            .iter()
            .filter(|s| !s.reason.is_not_served())
            .map(|s| format!("{} ({})", s.kind, s.reason))
            .chain(inv.unreadable.iter().map(|(f, why)| format!("{f} ({why})")))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(cpu_millis("100m"), 100);
        assert_eq!(cpu_millis("2"), 2000);
        assert_eq!(cpu_millis("1.5"), 1500);
        assert_eq!(memory_bytes("128Mi"), 134217728);
        assert_eq!(memory_bytes("1G"), 1_000_000_000);
        assert_eq!(memory_bytes("nonsense"), 0);
    }
}
