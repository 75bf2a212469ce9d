//! The `--explain` prompt: the upgrade reports reduced to public facts.
//!
//! Custom values can hold secrets (passwords inline in `values:` are common in homelabs), so
//! nothing from them is sent: key paths yes, values and schema messages (which quote the
//! value) no. Chart metadata, versions, changelogs and images are public.

use super::Report;

pub const SYSTEM: &str = "You are a senior Kubernetes and Helm engineer reviewing chart upgrades \
for a GitOps (Flux) repository. Be concise and concrete: for each release say whether to take \
the upgrade now, what to check first, and what the values migration means. Do not invent \
changelog entries.";

/// The user prompt for the reports that have a target or failed.
pub fn prompt(reports: &[Report]) -> String {
    let mut s = String::from("Chart upgrades found (impact is computed; do not recompute it):\n");
    for r in reports {
        s.push_str(&format!(
            "\n- {}/{}: chart {} {} → {} — impact {}\n",
            r.namespace,
            r.name,
            r.chart,
            r.current,
            r.target.as_deref().unwrap_or("(none newer at this level)"),
            r.impact
        ));
        if let Some(a) = &r.app_version {
            s.push_str(&format!(
                "  appVersion {} → {}\n",
                a.from.as_deref().unwrap_or("?"),
                a.to.as_deref().unwrap_or("?")
            ));
        }
        for c in &r.changes {
            s.push_str(&format!("  changelog: {c}\n"));
        }
        for i in &r.images {
            s.push_str(&format!(
                "  image {}: {} → {}\n",
                i.name,
                i.from.as_deref().unwrap_or("-"),
                i.to.as_deref().unwrap_or("-")
            ));
        }
        if let Some(v) = &r.values {
            for n in &v.renamed {
                s.push_str(&format!(
                    "  chart renamed value key {} → {}\n",
                    n.from, n.to
                ));
            }
            if !v.removed.is_empty() {
                s.push_str(&format!("  chart removed keys: {}\n", v.removed.join(", ")));
            }
        }
        if let Some(c) = &r.custom {
            for g in &c.gone {
                s.push_str(&format!(
                    "  the release sets `{g}`, which the new chart no longer has\n"
                ));
            }
            for e in &c.schema_errors {
                // The message quotes the value; only the path leaves the process.
                s.push_str(&format!(
                    "  the new values.schema.json rejects the release's `{}`\n",
                    e.path
                ));
            }
            for m in &c.migrated {
                s.push_str(&format!(
                    "  the release's `{}` is migrated to `{}`\n",
                    m.from, m.to
                ));
            }
        }
        if r.error.is_some() {
            s.push_str("  (could not be analysed)\n");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_carries_paths_but_no_values() {
        let r = Report {
            namespace: "db".into(),
            name: "pg".into(),
            file: None,
            chart: "pg".into(),
            current: "1.0.0".into(),
            source: String::new(),
            repo: None,
            pinned_at: None,
            latest: Default::default(),
            target: Some("2.0.0".into()),
            impact: "breaking".into(),
            reasons: vec![
                "values.schema.json of 2.0.0 rejects `auth.password`: \"hunter2\" is too short"
                    .into(),
            ],
            app_version: None,
            changes: vec![],
            images: vec![],
            values: None,
            custom: Some(crate::upgrades::values::CustomCheck {
                schema_errors: vec![crate::upgrades::values::SchemaError {
                    path: "auth.password".into(),
                    message: "\"hunter2\" is too short".into(),
                }],
                ..Default::default()
            }),
            edits: vec![],
            notes: vec![],
            error: None,
            failure: None,
            ops: vec![],
        };
        let p = prompt(&[r]);
        assert!(p.contains("auth.password"));
        assert!(!p.contains("hunter2"), "{p}");
    }
}
