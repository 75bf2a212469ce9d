//! Labels, annotations, monitoring, and configuration: ConfigMaps, Secrets and env vars.

use super::{Monitoring, Spec, is_filler, is_label_key, push_unique, push_unique_str};
use crate::generate::offline::text::{
    Unit, is_dns_name, is_env_name, is_filename, parse_port, split_pair,
};

pub(super) fn labels_and_monitoring(u: &mut Unit, spec: &mut Spec) {
    // "labelled team=x" (node selectors and policy peers took theirs already).
    let labelled = u.free(&["labelled", "labeled", "tagged"]).is_some()
        && (0..u.len()).any(|i| !u.hit[i] && split_pair(u.raw(i)).is_some());
    if labelled {
        u.take(&["labelled", "labeled", "tagged"]);
    }
    if u.take(&["label", "labels"]) || labelled {
        u.take(&[
            "appropriate",
            "standard",
            "recommended",
            "proper",
            "sensible",
            "kubernetes",
            "common",
            "with",
        ]);
        for i in 0..u.len() {
            if let Some(pair) = split_pair(u.raw(i))
                .filter(|(k, _)| !u.hit[i] && is_label_key(k) && !is_env_name(k))
            {
                push_unique(&mut spec.labels, pair);
                u.mark(i);
            }
        }
    }
    let annotate = u.take(&["annotation", "annotations", "annotate"]);
    if annotate {
        for i in 0..u.len() {
            if let Some(pair) = split_pair(u.raw(i)).filter(|(k, _)| !u.hit[i] && is_label_key(k)) {
                push_unique(&mut spec.annotations, pair);
                u.mark(i);
            }
        }
    }
    if u.take(&[
        "monitoring",
        "prometheus",
        "metrics",
        "scrape",
        "scraping",
        "scraped",
        "observability",
    ]) {
        let m = spec.monitoring.get_or_insert_with(Monitoring::default);
        if let Some(i) = u.free(&["port"]) {
            u.mark(i);
            m.port = u
                .next_value(i)
                .and_then(|k| parse_port(u.low(k)).inspect(|_| u.mark(k)));
        }
        if let Some(i) = (0..u.len()).find(|&i| !u.hit[i] && u.low(i).starts_with('/')) {
            u.mark(i);
            m.path = Some(u.raw(i).to_string());
        }
        u.take(&["for", "on", "at", "path", "enable", "enabled", "by"]);
    }
}

pub(super) fn config_and_env(u: &mut Unit, spec: &mut Spec) {
    // KEY=value and "set KEY to value".
    for i in 0..u.len() {
        if u.hit[i] {
            continue;
        }
        if let Some(pair) = split_pair(u.raw(i)).filter(|(k, _)| is_env_name(k)) {
            push_unique(&mut spec.env, pair);
            u.mark(i);
        } else if is_env_name(u.raw(i)) && matches!(u.low(i + 1), "to" | "=") && u.len() > i + 2 {
            let name = u.raw(i).to_string();
            u.mark(i);
            u.mark(i + 1);
            if let Some(v) = u.value_after(i + 1) {
                push_unique(&mut spec.env, (name, v));
            }
        } else if is_env_name(u.raw(i))
            && u.raw(i).len() > 1
            && u.low(i + 1) == "set"
            && u.low(i + 2) == "to"
            && u.len() > i + 3
        {
            // "QUEUE_NAME set to emails"
            let name = u.raw(i).to_string();
            (i..i + 3).for_each(|k| u.mark(k));
            if let Some(v) = u.value_after(i + 2) {
                push_unique(&mut spec.env, (name, v));
            }
            if i > 0 && u.low(i - 1) == "set" {
                u.mark(i - 1);
            }
        }
    }
    if !spec.env.is_empty() {
        u.take(&["env", "environment", "variable", "variables", "var", "vars"]);
    }
    let configmap = u
        .free(&["configmap", "configmaps"])
        .or_else(|| u.phrase("config map"));
    if let Some(i) = configmap {
        u.mark(i);
        if u.low(i) == "config" {
            u.mark(i + 1);
        }
        let files: Vec<usize> = (0..u.len()).filter(|&k| is_filename(u.raw(k))).collect();
        if files.is_empty() {
            // "from the api-config configmap": the name may come before the word.
            let before = i
                .checked_sub(1)
                .filter(|&p| !u.hit[p] && is_dns_name(u.low(p)) && !is_filler(u.low(p)))
                .filter(|&p| {
                    ![
                        "the",
                        "a",
                        "an",
                        "from",
                        "my",
                        "our",
                        "env",
                        "envfrom",
                        "environment",
                        "vars",
                        "variables",
                        "load",
                        "loads",
                        "with",
                        "using",
                        "use",
                        "mount",
                        "mounted",
                    ]
                    .contains(&u.low(p))
                });
            let name = match before {
                Some(p) => {
                    u.mark(p);
                    Some(u.raw(p).to_string())
                }
                None => u.value_after(i).filter(|v| is_dns_name(v) && !is_filler(v)),
            };
            if let Some(name) = name {
                push_unique_str(&mut spec.env_configmaps, name);
                u.take(&[
                    "env",
                    "envfrom",
                    "environment",
                    "variables",
                    "variable",
                    "vars",
                    "var",
                    "from",
                    "load",
                    "loads",
                    "all",
                ]);
            }
        } else {
            for k in files {
                u.mark(k);
                push_unique_str(&mut spec.config_files, u.raw(k).to_string());
            }
            u.take(&["for", "with", "file", "mounted", "config", "configuration"]);
        }
    }
    if let Some(i) = u.free(&["secret", "secrets"]) {
        let tls = u.has(&["tls", "https", "certificate"]);
        // "the DATABASE_URL env var from secret api-db": the variable comes with the Secret.
        let vars: Vec<usize> = (0..u.len())
            .filter(|&k| {
                !u.hit[k]
                    && is_env_name(u.raw(k))
                    && (u.raw(k).contains('_')
                        || matches!(u.low(k + 1), "env" | "var" | "variable" | "environment"))
            })
            .collect();
        u.mark(i);
        let name = u.value_after(i).filter(|v| is_dns_name(v) && !is_filler(v));
        if let Some(n) = name.as_ref().filter(|_| !tls) {
            for k in vars {
                u.mark(k);
                spec.secret_vars.push((u.raw(k).to_string(), n.clone()));
            }
        }
        match (name, tls) {
            (Some(n), true) => spec.tls_secret = Some(n),
            (Some(n), false) => push_unique_str(&mut spec.env_secrets, n),
            (None, true) => {}
            (None, false) => spec.unnamed_secret = true,
        }
        u.take(&[
            "db",
            "database",
            "credentials",
            "credential",
            "password",
            "passwords",
            "api",
            "key",
            "keys",
            "token",
            "tokens",
            "from",
            "env",
            "environment",
            "variables",
            "mounted",
            "as",
            "containing",
            "root",
            "admin",
            "user",
            "username",
            "load",
            "loads",
            "loaded",
            "vars",
            "var",
            "variable",
        ]);
        // "... for S3 credentials": what the secret is for is description, not a requirement.
        if let Some(f) = (i..u.len()).find(|&k| u.low(k) == "for") {
            let clause_end = u
                .clauses
                .iter()
                .find(|c| c.start <= u.tokens[f].start && u.tokens[f].end <= c.end)
                .map_or(0, |c| c.end);
            let purpose: Vec<usize> = (f..u.len())
                .filter(|&k| u.tokens[k].end <= clause_end)
                .collect();
            purpose.into_iter().for_each(|k| u.mark(k));
        }
    }
}
