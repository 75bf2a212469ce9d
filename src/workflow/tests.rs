use super::*;

#[test]
fn builtins_parse_and_validate() {
    for (name, text) in BUILTIN {
        let wf = load_text(text, Path::new(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&wf.name, name);
    }
}

#[test]
fn validation_names_the_step() {
    let text = "name: x\nparams: [{name: ns}]\nsteps:\n- name: a\n  recipe: nope\n- name: b\n  condition: \"{{ steps.c.x == 'y' }}\"\n  branches: {true: a}\n- name: c\n  action: scale\n  target: deploy/{{ params.nope }}\n- name: d\n  fix: {from: c}\n";
    let wf = parse(text, Path::new("x.yaml")).unwrap();
    let p = validate(&wf);
    let msgs: Vec<String> = p
        .iter()
        .map(|p| format!("{:?}: {}", p.step, p.message))
        .collect();
    let all = msgs.join("\n");
    assert!(all.contains("Some(\"a\"): unknown recipe `nope`"), "{all}");
    assert!(all.contains("later step"), "{all}");
    assert!(all.contains("does not run before"), "{all}");
    assert!(all.contains("no param `nope`"), "{all}");
    assert!(all.contains("earlier recipe step"), "{all}");
}

#[test]
fn templates_and_conditions() {
    let mut v = Vars::default();
    v.params.insert("n".into(), "3".into());
    v.steps.insert(
        "d".into(),
        BTreeMap::from([("ids".into(), "k8s.oomkilled k8s.x".into())]),
    );
    assert_eq!(v.render("x{{ params.n }}y").unwrap(), "x3y");
    assert!(
        v.eval("{{ steps.d.ids contains 'k8s.oomkilled' }}")
            .unwrap()
    );
    assert!(!v.eval("{{ steps.d.ids contains 'k8s.crash' }}").unwrap());
    assert!(v.eval("params.n > 2 && params.n != '4'").unwrap());
    assert!(v.eval("steps.zz.out == ''").unwrap());
    assert!(!v.eval("steps.zz.out").unwrap());
    assert!(v.eval("params.n > 'x'").is_err());
    assert!(v.render("{{ nope }}").is_err());
    let r = render_value(&v, &serde_json::json!({"replicas": "{{ params.n }}"})).unwrap();
    assert_eq!(r["replicas"], 3);
}
