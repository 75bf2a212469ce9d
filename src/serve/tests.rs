use super::*;

fn shared() -> Rc<Shared> {
    Shared::new(Settings {
        hook_token: None,
        max_body: 1024,
        hook_rate: 1.0,
        debounce: Duration::from_millis(1),
        workflows: Vec::new(),
        notifier: notify::Notifier::new(Vec::new(), Vec::new(), Duration::from_secs(1)),
        ignore: Vec::new(),
        external_url: None,
    })
}

fn pod(ns: &str, name: &str, app: &str) -> ((Option<String>, String), std::sync::Arc<Value>) {
    (
        (Some(ns.to_string()), name.to_string()),
        std::sync::Arc::new(json!({"metadata": {"namespace": ns, "name": name,
            "labels": {"app": app}}})),
    )
}

#[test]
fn select_filters_by_namespace_and_predicate_and_shares_the_objects() {
    let sh = shared();
    let pods: ByName = [
        pod("a", "x-1", "web"),
        pod("a", "x-2", "db"),
        pod("ab", "y-1", "web"),
        pod("b", "z-1", "web"),
    ]
    .into_iter()
    .collect();
    sh.objects.borrow_mut().insert("Pod".into(), pods);
    let web = |o: &Value| o.pointer("/metadata/labels/app") == Some(&json!("web"));
    let names = |v: Vec<std::sync::Arc<Value>>| -> Vec<String> {
        v.iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    // "ab" sorts right after "a": the namespace range must stop before it.
    assert_eq!(names(sh.select("Pod", Some("a"), web)), ["x-1"]);
    assert_eq!(names(sh.select("Pod", Some("a"), |_| true)), ["x-1", "x-2"]);
    assert_eq!(names(sh.select("Pod", None, web)), ["x-1", "y-1", "z-1"]);
    assert!(sh.select("Pod", Some("c"), |_| true).is_empty());
    assert!(sh.select("Service", None, |_| true).is_empty());
    // Pointers to the stored objects, not copies.
    let got = sh.select("Pod", Some("b"), web);
    let stored = sh.object("Pod", Some("b"), "z-1").unwrap();
    assert!(std::sync::Arc::ptr_eq(&got[0], &stored));
    assert_eq!(sh.keys_of("Pod").len(), 4);
    assert!(!sh.is_synced("Pod"));
}

#[test]
fn runs_keep_the_most_recent_and_finish_the_right_one() {
    let sh = shared();
    let run = |i: usize| Run {
        workflow: format!("wf-{i}"),
        trigger: "alert".into(),
        params: BTreeMap::new(),
        outcome: "running".into(),
        started_by: None,
    };
    let first = sh.record_run(run(0));
    let mut ids = vec![first];
    for i in 1..MAX_RUNS + 50 {
        ids.push(sh.record_run(run(i)));
    }
    assert_eq!(sh.runs.borrow().len(), MAX_RUNS);
    assert_eq!(sh.runs.borrow()[0].workflow, "wf-50");
    // A run that finishes after it was dropped changes nothing; a kept one is found.
    sh.finish_run(first, "ok".into());
    sh.finish_run(ids[120], "refused".into());
    let runs = sh.runs.borrow();
    assert!(runs.iter().filter(|r| r.outcome != "running").count() == 1);
    assert_eq!(runs[120 - 50].workflow, "wf-120");
    assert_eq!(runs[120 - 50].outcome, "refused");
}
