use super::*;

/// The table's names are the serde tags, clap's names and what `from_name` reads back.
#[test]
fn table_names_match_serde_and_clap() {
    use clap::ValueEnum;
    assert_eq!(Verb::all().len(), 29);
    for &v in Verb::all() {
        let a = sample(v);
        let tag = serde_json::to_value(&a).unwrap()["verb"].clone();
        assert_eq!(tag, v.as_str(), "{v:?}");
        assert_eq!(Verb::of(&a), v);
        assert_eq!(a.verb(), v.as_str());
        assert_eq!(v.to_possible_value().unwrap().get_name(), v.as_str());
        assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        assert_eq!(Verb::from_name(v.as_str()), Some(v));
        let back: Action = serde_json::from_value(serde_json::to_value(&a).unwrap()).unwrap();
        assert_eq!(back, a);
    }
    assert!(Verb::parse("nope").unwrap_err().contains("rollout-restart"));
}

/// The table's required parameters are exactly what `build` refuses to go without: each
/// verb builds from only its needs, and fails without any one of them.
#[test]
fn table_needs_are_what_build_requires() {
    let full = Params {
        replicas: Some(1),
        patch: Some(serde_json::json!({})),
        history_id: Some(1),
        manifest: Some(serde_json::json!({})),
        label: Some("a=b".into()),
        taint: Some("a=b:NoSchedule".into()),
        command: Some(vec!["true".into()]),
        ..Default::default()
    };
    let only = |needs: &[Param]| {
        let mut p = Params::default();
        for n in needs {
            match n {
                Param::Replicas => p.replicas = full.replicas,
                Param::Patch => p.patch = full.patch.clone(),
                Param::HistoryId => p.history_id = full.history_id,
                Param::Manifest => p.manifest = full.manifest.clone(),
                Param::Label => p.label = full.label.clone(),
                Param::Taint => p.taint = full.taint.clone(),
                Param::Command => p.command = full.command.clone(),
            }
        }
        p
    };
    for &v in Verb::all() {
        let t = sample(v)
            .target()
            .cloned()
            .unwrap_or_else(|| ObjRef::new("apps/v1", "Deployment", Some("a"), "web"));
        let needs = v.spec().needs;
        let a = build(v, t.clone(), &only(needs)).unwrap();
        assert_eq!(Verb::of(&a), v);
        for i in 0..needs.len() {
            let mut fewer = needs.to_vec();
            let gone = fewer.remove(i);
            let e = build(v, t.clone(), &only(&fewer)).unwrap_err();
            assert!(e.contains(gone.missing()), "{v}: {e}");
        }
    }
    let t = ObjRef::new("apps/v1", "Deployment", Some("a"), "web");
    let negative = Params {
        replicas: Some(-1),
        ..Default::default()
    };
    assert!(build(Verb::Scale, t, &negative).is_err());
}

#[test]
fn every_verb_builds_with_enough_params() {
    let t = ObjRef::new("apps/v1", "Deployment", Some("a"), "web");
    let p = Params {
        replicas: Some(1),
        patch: Some(serde_json::json!({})),
        history_id: Some(1),
        manifest: Some(serde_json::json!({})),
        label: Some("a=b".into()),
        taint: Some("a=b:NoSchedule".into()),
        command: Some(vec!["true".into()]),
        ..Default::default()
    };
    for &v in Verb::all() {
        let a = build(v, t.clone(), &p).unwrap();
        assert_eq!(a.verb(), v.as_str());
    }
    assert!(build(Verb::Scale, t, &Params::default()).is_err());
    assert!(Verb::parse("nope").is_err());
}

#[test]
fn node_verbs_target_nodes_and_forbidden_ones_are_listed_in_help() {
    for &v in Verb::all() {
        let t = sample(v);
        assert_eq!(
            v.spec().node,
            t.target().is_some_and(|t| t.kind == "Node"),
            "{v}"
        );
    }
    let help = help_text();
    for &v in Verb::all() {
        assert!(help.contains(v.as_str()), "{v} missing from help:\n{help}");
    }
    assert!(help.contains("scale --replicas N"), "{help}");
    assert!(help.lines().all(|l| l.chars().count() <= 90), "{help}");
}

#[test]
fn targets_resolve_short_names_and_bare_nodes() {
    let r = parse_target(Verb::Scale, "deploy/web", "apps").unwrap();
    assert_eq!(
        (r.kind.as_str(), r.namespace.as_deref()),
        ("Deployment", Some("apps"))
    );
    let n = parse_target(Verb::Drain, "pi5-a", "apps").unwrap();
    assert_eq!((n.kind.as_str(), n.namespace), ("Node", None));
    assert!(parse_target(Verb::Scale, "web", "a").is_err());
    assert!(parse_target(Verb::Scale, "bogus/web", "a").is_err());
}

#[test]
fn delete_of_a_node_is_delete_node() {
    let t = ObjRef::new("v1", "Node", None, "pi5-a");
    assert_eq!(Action::Delete { target: t.clone() }.verb(), "delete-node");
    assert_eq!(
        build(Verb::Delete, t, &Params::default()).unwrap(),
        Action::DeleteNode {
            target: ObjRef::new("v1", "Node", None, "pi5-a")
        }
    );
}

#[test]
fn the_exec_command_line_quotes_words_for_a_shell() {
    let a = Action::Exec {
        target: ObjRef::new("v1", "Pod", Some("app"), "web-1"),
        container: Some("web".into()),
        command: vec![
            "sh".into(),
            "-c".into(),
            "echo 'hi' there".into(),
            "".into(),
        ],
        timeout_seconds: None,
    };
    assert_eq!(
        a.manual_command(),
        r#"kubectl exec web-1 -n app -c web -- sh -c 'echo '\''hi'\'' there' ''"#
    );
}
