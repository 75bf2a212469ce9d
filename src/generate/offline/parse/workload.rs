//! What runs: replicas, image, names and namespace, workload kind, command, restarts, and
//! the words that only describe the app.

use super::scheduling::parse_toleration;
use super::{Kind, Section, Spec, is_filler};
use crate::generate::offline::conventions::known_image;
use crate::generate::offline::is_content;
use crate::generate::offline::text::{
    Unit, extract_quoted, is_dns_name, parse_count, parse_quantity, parse_u64,
};

pub(super) fn replicas(u: &mut Unit, spec: &mut Spec) {
    const WORDS: &[&str] = &[
        "replicas",
        "replica",
        "instances",
        "instance",
        "copies",
        "copy",
        "pods",
        "pod",
    ];
    let mut from = 0;
    while let Some(i) = (from..u.len()).find(|&i| !u.hit[i] && WORDS.contains(&u.low(i))) {
        from = i + 1;
        // "3 replicas", "three instances", "a single replica", "Replicas: 5"; a count word
        // without a number ("spread pods across zones") is left for the report.
        let before = i.checked_sub(1).filter(|&k| !u.hit[k]);
        let n = before
            .and_then(|k| parse_count(u.low(k)).map(|n| (k, n)))
            .or_else(|| {
                let mut k = u.next_value(i)?;
                // "replicas set to 4", "replica count of 4", "number of replicas: 4".
                let mut skipped = Vec::new();
                while matches!(u.low(k), "set" | "count" | "total") {
                    skipped.push(k);
                    k = u.next_value(k)?;
                }
                let n = (matches!(u.low(i), "replicas" | "replica") && !u.hit[k])
                    .then(|| parse_count(u.low(k)))
                    .flatten()?;
                skipped.into_iter().for_each(|s| u.mark(s));
                Some((k, n))
            });
        if let Some((k, n)) = n.filter(|&(_, n)| n <= i32::MAX as u64) {
            u.mark(i);
            u.mark(k);
            // "at least 2 pods running"
            if k + 1 == i && k >= 2 && u.low(k - 2) == "at" && u.low(k - 1) == "least" {
                u.mark(k - 2);
                u.mark(k - 1);
            }
            spec.replicas = Some(n);
        }
    }
    // "a statefulset for cassandra with 3 nodes": the members of a clustered StatefulSet.
    if u.has(&["statefulset", "statefulsets", "sts"])
        && let Some(i) = (1..u.len()).find(|&i| {
            !u.hit[i] && matches!(u.low(i), "nodes" | "members" | "brokers") && !u.hit[i - 1]
        })
        && let Some(n) = parse_count(u.low(i - 1))
    {
        u.mark(i - 1);
        u.mark(i);
        spec.replicas = Some(n);
    }
    // "as user 1000", "runAsUser 1000", "uid 1000".
    if let Some(i) = (0..u.len()).find(|&i| {
        matches!(u.low(i), "user" | "uid" | "runasuser")
            && parse_u64(u.low(i + 1)).is_some_and(|n| n <= i32::MAX as u64)
    }) {
        spec.run_as_user = parse_u64(u.low(i + 1)).map(|n| n as i64);
        u.mark(i);
        u.mark(i + 1);
        u.take(&["as", "runs", "run"]);
    }
    // "scale it to 6", "scaled to 4 replicas" (the count word was taken above).
    if let Some(i) = u.free(&["scale", "scaled"])
        && let Some(t) = (i + 1..u.len().min(i + 4)).find(|&t| u.low(t) == "to")
        && let Some(n) = u.tokens.get(t + 1).and_then(|_| parse_count(u.low(t + 1)))
        && !u.hit[t + 1]
    {
        [i, t, t + 1].into_iter().for_each(|k| u.mark(k));
        spec.replicas = Some(n);
    }
}

pub(super) fn image(u: &mut Unit, spec: &mut Spec) {
    if let Some(i) = u.free(&["image", "img"]) {
        u.mark(i);
        u.take(&["container", "docker", "using", "use", "from", "with"]);
        if let Some(v) = u
            .value_after(i)
            .filter(|v| looks_like_image(v) || known_image(v).is_some())
        {
            spec.image = Some(v);
            return;
        }
    }
    if spec.image.is_none()
        && let Some(i) = (0..u.len()).find(|&i| !u.hit[i] && looks_like_tagged_image(u.raw(i)))
    {
        spec.image = Some(u.raw(i).to_string());
        u.mark(i);
    }
}

fn looks_like_image(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['/', '.', '-', ':'])
        && !s.contains("://")
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"./_:-@".contains(&b))
        && s.bytes().any(|b| b.is_ascii_alphabetic())
}

/// A token that is clearly an image reference even without the word "image": it has a tag.
fn looks_like_tagged_image(s: &str) -> bool {
    let after_slash = s.rsplit('/').next().unwrap_or(s);
    looks_like_image(s)
        && after_slash.split_once(':').is_some_and(|(repo, tag)| {
            repo.bytes().any(|b| b.is_ascii_alphabetic()) && !tag.is_empty()
        })
        && parse_toleration(s, "").is_none()
}

/// A well-known image named by a bare word ("Deploy nginx", "setup for Redis").
pub(super) fn bare_image(u: &mut Unit) -> Option<String> {
    // Hit tokens qualify too: a header like "setup for Redis" marks the word as understood.
    let i = (0..u.len()).find(|&i| {
        known_image(u.low(i)).is_some()
            && !matches!(
                u.low(i.wrapping_sub(1)),
                "class" | "ingressclass" | "ingressclassname"
            )
            && u.low(i + 1) != "ingress"
    })?;
    u.mark(i);
    // "postgres 16", "redis 7.2": a version right after the word is its tag.
    let version = u.tokens.get(i + 1).filter(|_| !u.hit[i + 1]).and_then(|t| {
        let v = t.low.as_str();
        let ok = v.bytes().next().is_some_and(|b| b.is_ascii_digit())
            && v.len() <= 20
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            && parse_quantity(v).is_none();
        ok.then(|| v.to_string())
    });
    match version {
        Some(v) => {
            u.mark(i + 1);
            Some(format!("{}:{v}", u.low(i)))
        }
        None => Some(u.low(i).to_string()),
    }
}

/// What a "named x" / "in namespace x" refers to, judged from the nearest subject word before.
#[derive(PartialEq, Eq)]
enum Subject {
    App,
    Gateway,
    Route,
    Other,
}

fn subject_before(u: &Unit, i: usize) -> Subject {
    (0..i)
        .rev()
        .find_map(|k| match u.low(k) {
            "gateway" | "gateways" => Some(Subject::Gateway),
            "route" | "httproute" | "routes" => Some(Subject::Route),
            "configmap" | "secret" | "class" | "storageclass" | "label" => Some(Subject::Other),
            "deployment" | "statefulset" | "daemonset" | "job" | "cronjob" | "app"
            | "application" | "service" | "it" | "everything" => Some(Subject::App),
            _ => None,
        })
        .unwrap_or(Subject::App)
}

pub(super) fn names(u: &mut Unit, spec: &mut Spec, section: Section) {
    // "Deployment `billing-api`": a quoted name right after the kind word.
    if let Some(i) = u.pos(&["deployment", "statefulset", "daemonset", "job", "cronjob"])
        && let Some(k) = (i + 1 < u.len()).then_some(i + 1)
        && !u.hit[k]
        && u.text[..u.tokens[k].start].ends_with(['`', '"', '\''])
        && is_dns_name(u.low(k))
    {
        u.mark(k);
        spec.name = Some(u.raw(k).to_string());
    }
    // "in kube-system": namespaces that are recognisable without the word "namespace".
    if let Some(k) = (1..u.len()).find(|&k| {
        !u.hit[k]
            && matches!(u.low(k - 1), "in" | "into" | "to")
            && (matches!(u.low(k), "kube-system" | "kube-public")
                || (u.low(k).ends_with("-system") && is_dns_name(u.low(k))))
    }) {
        u.mark(k);
        spec.namespace = Some(u.raw(k).to_string());
    }
    if let Some(i) = u.free(&["name"]) {
        u.mark(i);
        if let Some(v) = u.value_after(i).filter(|v| !is_filler(v)) {
            if section == Section::Service {
                spec.service_name = Some(v);
            } else {
                spec.name = Some(v);
            }
        }
    }
    while let Some(i) = u.free(&["called", "named"]) {
        u.mark(i);
        let Some(v) = u.value_after(i) else { break };
        match subject_before(u, i) {
            Subject::App => {
                // "a queue worker called x": the words before describe what x is.
                let described: Vec<usize> = (i.saturating_sub(3)..i)
                    .filter(|&k| !is_filler(u.low(k)))
                    .collect();
                described.into_iter().for_each(|k| u.mark(k));
                spec.name = Some(v);
            }
            Subject::Gateway => spec.gateway = Some(v),
            Subject::Route | Subject::Other => {}
        }
    }
    while let Some(i) = u.free(&["namespace", "ns"]) {
        u.mark(i);
        u.take(&["in", "into", "to"]);
        // The value is in the same clause: "in the qa namespace, exposed on …".
        let after = u
            .next_value(i)
            .filter(|&k| !u.text[u.tokens[i].end..u.tokens[k].start].contains([',', ';']))
            .map(|k| u.raw(k).to_string());
        let value = match after.filter(|v| !is_filler(v)) {
            Some(_) => u.value_after(i),
            // "in the shop namespace"
            None => i
                .checked_sub(1)
                .filter(|&p| is_dns_name(u.low(p)) && !is_filler(u.low(p)))
                .map(|p| {
                    u.mark(p);
                    u.raw(p).to_string()
                }),
        };
        let Some(ns) = value.filter(|v| is_dns_name(v)) else {
            continue;
        };
        match subject_before(u, i) {
            Subject::Gateway => spec.gateway_ns = Some(ns),
            Subject::Route => {
                u.take(&["route", "routes", "httproute"]);
                spec.route_ns = Some(ns);
            }
            Subject::App | Subject::Other => spec.namespace = Some(ns),
        }
    }
}

pub(super) fn kind(u: &mut Unit, spec: &mut Spec) {
    let found = if u.take(&["cronjob", "cronjobs"]) || u.take_phrase("cron job").is_some() {
        Some(Kind::CronJob)
    } else if u.take(&["statefulset", "statefulsets", "sts"])
        || u.take_phrase("stateful set").is_some()
    {
        Some(Kind::StatefulSet)
    } else if u.take(&["daemonset", "daemonsets"]) || u.take_phrase("daemon set").is_some() {
        Some(Kind::DaemonSet)
    } else if u.take(&["job", "jobs"])
        || u.take(&["batch"])
        || u.take(&["one-off", "oneoff", "one-shot", "oneshot", "run-once"])
    {
        u.take(&["one-off", "oneoff", "one-shot", "oneshot", "run-once"]);
        Some(Kind::Job)
    } else if u.take(&["deployment", "deployments"]) {
        Some(Kind::Deployment)
    } else if let Some(i) = [
        "on every node",
        "on all nodes",
        "on each node",
        "one per node",
    ]
    .iter()
    .find_map(|p| u.phrase(p))
    {
        // "run the exporter on every node" is what a DaemonSet is.
        (i..i + 3).for_each(|k| u.mark(k));
        Some(Kind::DaemonSet)
    } else {
        None
    };
    // A generic "deployment" never overrides a more specific kind named elsewhere.
    match (spec.kind, found) {
        (Some(_), Some(Kind::Deployment)) | (Some(Kind::CronJob), Some(Kind::Job)) | (_, None) => {}
        (_, Some(k)) => spec.kind = Some(k),
    }
    if found.is_some() {
        u.take(&[
            "on", "every", "node", "nodes", "one", "per", "with", "that", "runs", "run", "kind",
            "workload",
        ]);
    }
}

/// "Command: python backup.py" or "runs `python backup.py`".
pub(super) fn command(u: &mut Unit, spec: &mut Spec) {
    // Not `free`: "a job that runs `x`" has its "runs" taken by the kind matcher already.
    // "command"/"cmd" take what follows; a run word only a quoted command.
    let quoted_after = |u: &Unit, i: usize| extract_quoted(&u.text[u.tokens[i].end..]).is_some();
    let Some(i) = u.pos(&["command", "cmd"]).or_else(|| {
        (0..u.len()).find(|&i| {
            ["runs", "run", "running", "execute", "executes", "executing"].contains(&u.low(i))
                && quoted_after(u, i)
        })
    }) else {
        return;
    };
    let tail_start = u.tokens[i].end;
    let tail = &u.text[tail_start..];
    let is_schedule = |q: &String| spec.schedule.as_ref().is_some_and(|s| s.cron == *q);
    let text = extract_quoted(tail)
        .filter(|q| !is_schedule(q))
        .or_else(|| {
            (u.low(i) == "command" || u.low(i) == "cmd")
                .then(|| tail.trim_start_matches([':', ' ']).trim().to_string())
                .filter(|t| !t.is_empty())
        });
    let Some(text) = text else { return };
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        return;
    }
    u.mark(i);
    let end = u.text.len();
    u.mark_bytes(tail_start, end);
    spec.command = Some(words);
}

/// "restart it if it crashes": what every long-running workload does (restartPolicy Always);
/// Jobs are given OnFailure. Understood, nothing to add.
pub(super) fn restarts(u: &mut Unit) {
    let restart = u.has(&["restart", "restarts", "restarted", "restarting"]);
    let failure = u.has(&[
        "crash", "crashes", "crashed", "fails", "dies", "failure", "fail",
    ]);
    if restart && failure {
        u.take(&[
            "restart",
            "restarts",
            "restarted",
            "restarting",
            "crash",
            "crashes",
            "crashed",
            "fails",
            "dies",
            "failure",
            "fail",
            "if",
            "when",
            "on",
            "automatically",
        ]);
    }
}

/// Words that describe the app rather than configure it: the name it goes by ("the orders
/// service", "Service: checkout", "a StatefulSet for kafka") and what it is for ("a redis for
/// session storage", "Postgres for the orders team"). Runs after every matcher, so only what
/// nothing else used is read here.
pub(super) fn descriptions(u: &mut Unit, spec: &mut Spec) {
    /// Words a name is written after ("Service: checkout").
    const NAME_KEYS: &[&str] = &["app", "application", "service", "microservice", "api"];
    /// Nouns a name is written before ("the orders service").
    const NAMED_NOUNS: &[&str] = &[
        "app",
        "application",
        "service",
        "microservice",
        "api",
        "server",
        "worker",
        "backend",
    ];
    /// What "for …" may describe ("a redis for …" uses known images too).
    const APP_NOUNS: &[&str] = &[
        "app",
        "application",
        "service",
        "microservice",
        "api",
        "server",
        "worker",
        "backend",
        "frontend",
        "deployment",
        "statefulset",
        "cronjob",
        "job",
        "daemonset",
        "database",
        "cache",
    ];
    const DETERMINERS: &[&str] = &["the", "our", "my", "a", "an", "this", "your"];
    let free_name = |u: &Unit, i: usize| {
        i < u.len()
            && !u.hit[i]
            && is_dns_name(u.low(i))
            && is_content(u.low(i))
            && parse_u64(u.low(i)).is_none()
            && !is_filler(u.low(i))
            && known_image(u.low(i)).is_none()
    };
    let hint = |u: &mut Unit, spec: &mut Spec, i: usize| {
        u.mark(i);
        spec.name_hint.get_or_insert_with(|| u.raw(i).to_string());
    };
    // "Service: checkout", "App: billing".
    if u.len() == 2
        && NAME_KEYS.contains(&u.low(0))
        && u.text[u.tokens[0].end..].starts_with(':')
        && free_name(u, 1)
    {
        hint(u, spec, 1);
    }
    // "the orders service", "our billing app", "a simple hello world app": up to two free
    // words before an app noun, after a determiner or a word that carries nothing.
    for i in 1..u.len() {
        if !NAMED_NOUNS.contains(&u.low(i)) {
            continue;
        }
        let first = (i.saturating_sub(2)..i).find(|&p| (p..i).all(|q| free_name(u, q)));
        if let Some(p) = first
            && (p == 0 || !is_content(u.low(p - 1)))
        {
            let name: Vec<&str> = (p..i).map(|q| u.low(q)).collect();
            let name = name.join("-");
            (p..i).for_each(|q| u.mark(q));
            spec.name_hint.get_or_insert(name);
        }
    }
    // "deploy myapp image …", "create deployment web image=…": a free word right after the
    // verb or the kind word, followed by what configures it, is its name.
    for i in 0..u.len().saturating_sub(2) {
        let opener = matches!(u.low(i), "deploy" | "create" | "launch")
            || (["deployment", "statefulset", "daemonset", "cronjob", "job"].contains(&u.low(i))
                && u.hit[i]);
        let k = i + 1;
        let w = u.low(k);
        let candidate = !u.hit[k]
            && is_dns_name(w)
            && parse_u64(w).is_none()
            && !is_filler(w)
            && !DETERMINERS.contains(&w)
            && known_image(w).is_none()
            && (is_content(w) || ["web", "api", "worker", "backend", "frontend"].contains(&w));
        let followed = u.hit[k + 1]
            || matches!(
                u.low(k + 1),
                "image" | "using" | "with" | "from" | "on" | "in"
            );
        let named = candidate && followed;
        if opener && named {
            u.mark(k);
            spec.name_hint.get_or_insert_with(|| u.raw(k).to_string());
        }
    }
    let clauses = u.clause_tokens();
    for f in 0..u.len() {
        if u.low(f) != "for" {
            continue;
        }
        let end = clauses
            .iter()
            .find(|r| r.contains(&f))
            .map_or(u.len(), |r| r.end);
        let mut k = f + 1;
        while k < end && DETERMINERS.contains(&u.low(k)) {
            k += 1;
        }
        // "a deployment for our payments-api", "a StatefulSet for kafka": one free word that
        // ends the phrase names the app.
        let ends_phrase = k + 1 >= end
            || u.hit[k + 1]
            || ["with", "in", "on", "using", "that", "which"].contains(&u.low(k + 1));
        if free_name(u, k) && ends_phrase {
            hint(u, spec, k);
            u.mark(f);
            continue;
        }
        // "a redis for session storage": after the thing itself, "for …" says what it is for.
        let before = (0..f).rev().find(|&b| !DETERMINERS.contains(&u.low(b)));
        let describes = before
            .is_some_and(|b| known_image(u.low(b)).is_some() || APP_NOUNS.contains(&u.low(b)));
        if describes {
            let words: Vec<usize> = (f + 1..end)
                .filter(|&w| !u.hit[w] && u.low(w).bytes().all(|b| b.is_ascii_alphabetic()))
                .collect();
            if !words.is_empty() {
                u.mark(f);
                words.into_iter().for_each(|w| u.mark(w));
            }
        }
    }
}
