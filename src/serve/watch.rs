//! The inventory's watches (a LIST, then a watch, per kind) and the diagnosis loop they wake.

use super::*;

// ------------------------------------------------------------------------------ reflectors

/// Watches one kind: a LIST, then a watch from its resourceVersion; every change updates the
/// in-memory objects and wakes the diagnosis. Returns when the stream ends (never, normally).
pub async fn reflect(shared: Rc<Shared>, client: kube::Client, res: crate::cluster::live::ApiRes) {
    use kube::api::{Api, ApiResource, DynamicObject};
    use kube::runtime::{WatchStreamExt, watcher};
    let ar = ApiResource {
        group: res.group.clone(),
        version: res.version.clone(),
        api_version: res.api_version(),
        kind: res.kind.clone(),
        plural: res.plural.clone(),
    };
    let api: Api<DynamicObject> = Api::all_with(client, &ar);
    let kind = res.kind.clone();
    let api_version = res.api_version();
    shared.watched.borrow_mut().push(kind.clone());
    let mut stream = watcher::watcher(api, watcher::Config::default())
        .default_backoff()
        .boxed();
    let mut buffer: ByName = BTreeMap::new();
    let mut inits = 0u64;
    let key_of = |o: &DynamicObject| {
        (
            o.metadata.namespace.clone(),
            o.metadata.name.clone().unwrap_or_default(),
        )
    };
    let to_value = |o: DynamicObject| {
        let mut v = serde_json::to_value(o).unwrap_or(Value::Null);
        v["apiVersion"] = json!(api_version);
        v["kind"] = json!(kind);
        v
    };
    while let Some(ev) = stream.next().await {
        let ev = match ev {
            Ok(ev) => ev,
            // RBAC denies the kind (the in-cluster ClusterRole on Secrets, or a narrower
            // role): stop watching it and report its checks as not checked, so the
            // replica still becomes ready and never calls unread objects healthy.
            Err(watcher::Error::InitialListFailed(kube::Error::Api(st)))
                if st.is_forbidden() && !shared.synced.borrow().contains(&kind) =>
            {
                shared.watched.borrow_mut().retain(|k| k != &kind);
                shared.skip_kind(
                    &kind,
                    &format!("forbidden: {} (RBAC denies list)", st.message),
                );
                shared.changed.notify_one();
                return;
            }
            Err(_) => continue,
        };
        match ev {
            watcher::Event::Init => {
                inits += 1;
                if inits > 1 {
                    shared.metrics.add(
                        "kubectl_claude_watch_restarts_total",
                        &[("kind", &kind)],
                        1.0,
                    );
                }
                buffer.clear();
            }
            watcher::Event::InitApply(o) => {
                let k = key_of(&o);
                buffer.insert(k, std::sync::Arc::new(to_value(o)));
            }
            watcher::Event::InitDone => {
                shared
                    .objects
                    .borrow_mut()
                    .insert(kind.clone(), std::mem::take(&mut buffer));
                shared.synced.borrow_mut().insert(kind.clone());
                shared.changed.notify_one();
            }
            watcher::Event::Apply(o) => {
                let k = key_of(&o);
                shared
                    .objects
                    .borrow_mut()
                    .entry(kind.clone())
                    .or_default()
                    .insert(k, std::sync::Arc::new(to_value(o)));
                shared.changed.notify_one();
            }
            watcher::Event::Delete(o) => {
                let k = key_of(&o);
                if let Some(m) = shared.objects.borrow_mut().get_mut(&kind) {
                    m.remove(&k);
                }
                shared.changed.notify_one();
            }
        }
        let n = shared
            .objects
            .borrow()
            .get(&kind)
            .map(BTreeMap::len)
            .unwrap_or(0);
        shared.metrics.set(
            "kubectl_claude_inventory_objects",
            &[("kind", &kind)],
            n as f64,
        );
    }
}

/// Re-runs every recipe on the inventory after changes settle (`debounce`), forever.
pub async fn diagnose_loop(shared: Rc<Shared>) {
    loop {
        shared.changed.notified().await;
        tokio::time::sleep(shared.settings.debounce).await;
        if !shared.ready() {
            continue;
        }
        let inv = shared.inventory();
        let run = crate::recipes::run(crate::recipes::RECIPES, &inv);
        let policy = crate::autonomy::Policy::new(Default::default());
        let linked = crate::finding::link(run.findings, &policy);
        let silenced = crate::suppress::apply(
            linked,
            &shared.settings.ignore,
            &inv,
            jiff::Timestamp::now(),
        );
        let linked = silenced.kept;
        shared.metrics.set(
            "kubectl_claude_findings_suppressed",
            &[],
            silenced.suppressed.len() as f64,
        );
        *shared.overview.borrow_mut() = Some(crate::status::build(&inv, &linked, 10));
        shared.metrics.clear("kubectl_claude_findings");
        let mut list = Vec::new();
        for f in &linked {
            shared.metrics.add(
                "kubectl_claude_findings",
                &[("severity", f.severity.as_str()), ("recipe", f.recipe)],
                1.0,
            );
            // Evidence quotes cluster text (URLs, log lines, event messages): it is served
            // on /api/findings and posted to webhooks, so it is scrubbed first.
            let mut evidence = json!(f.evidence);
            crate::redact::redact_json(&mut evidence);
            list.push(json!({
                "id": f.id,
                "fingerprint": fingerprint(&f.id, &f.object),
                "severity": f.severity.as_str(),
                "recipe": f.recipe,
                "rootCause": f.root_cause,
                "object": {"apiVersion": f.object.api_version, "kind": f.object.kind,
                    "namespace": f.object.namespace, "name": f.object.name},
                "title": crate::redact::redact(&f.title),
                "evidence": evidence,
            }));
        }
        shared
            .metrics
            .add("kubectl_claude_diagnose_runs_total", &[], 1.0);
        if shared.settings.notifier.enabled() && shared.is_leader() {
            let roots: Vec<Value> = list
                .iter()
                .filter(|f| f["rootCause"] == true)
                .cloned()
                .collect();
            for (event, f) in shared.settings.notifier.changes(&roots) {
                let sh = shared.clone();
                tokio::task::spawn_local(async move {
                    let failed = sh.settings.notifier.send(event, &f).await;
                    sh.metrics.add(
                        "kubectl_claude_notifications_total",
                        &[
                            ("event", event),
                            ("outcome", if failed == 0 { "ok" } else { "error" }),
                        ],
                        1.0,
                    );
                });
            }
        }
        let suppressed: Vec<Value> = silenced
            .suppressed
            .iter()
            .map(|s| {
                let f = &s.finding;
                json!({"id": f.id, "fingerprint": fingerprint(&f.id, &f.object),
                    "object": {"apiVersion": f.object.api_version, "kind": f.object.kind,
                        "namespace": f.object.namespace, "name": f.object.name},
                    "title": f.title, "reason": s.reason})
            })
            .collect();
        *shared.findings.borrow_mut() = json!({
            "synced": true,
            "objects": inv.len(),
            "findings": list,
            "suppressed": suppressed,
            "notChecked": run.skipped,
            "problems": silenced.problems,
        });
    }
}
