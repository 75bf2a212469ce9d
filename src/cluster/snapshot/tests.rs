use super::*;

#[test]
fn loads_lists_streams_dumps_and_logs_and_skips_bad_files() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    std::fs::write(root.join("pods.yaml"), "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a, namespace: x}\n").unwrap();
    std::fs::write(root.join("stream.yml"), "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: other}\n").unwrap();
    std::fs::create_dir_all(root.join("x/a")).unwrap();
    std::fs::write(root.join("x/events.json"), r#"{"kind":"EventList","apiVersion":"v1","items":[{"metadata":{"name":"e1","namespace":"x"},"involvedObject":{"kind":"Pod","name":"a"}}]}"#).unwrap();
    std::fs::write(root.join("x/a/logs.txt"), "boom\n").unwrap();
    std::fs::write(root.join("bad.yaml"), "a: [unclosed\n").unwrap();
    let s = SnapshotCluster::load(root).unwrap();
    let inv = s.inventory();
    assert_eq!(inv.len(), 4);
    assert_eq!(inv.of_kind("Event").count(), 1);
    assert_eq!(inv.logs_for("x", "a", None), Some("boom\n"));
    assert_eq!(inv.unreadable.len(), 1);
    assert!(inv.unreadable[0].0.ends_with("bad.yaml"));
    let scoped = s.gather(&["Pod", "Service"], &Scope::namespace("x"));
    assert_eq!(
        scoped.len(),
        1,
        "{:?}",
        scoped
            .all()
            .map(|o| o.obj_ref().display())
            .collect::<Vec<_>>()
    );
}

#[test]
fn missing_directory_is_an_error() {
    assert!(SnapshotCluster::load(Path::new("/nonexistent/snap")).is_err());
}

#[test]
fn loads_real_kubectl_get_yaml_lists() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("deploy.yaml"),
        r#"apiVersion: v1
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    annotations:
      deployment.kubernetes.io/revision: "3"
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"}}
    creationTimestamp: "2026-05-01T10:00:00Z"
    generation: 3
    labels:
      app: web
    name: web
    namespace: shop
    resourceVersion: "123456"
    uid: 5c0e3a9e-8c1f-4a57-9b1e-0c7d2a7f4b11
  spec:
    replicas: 2
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
      spec:
        containers:
        - image: nginx:1.27
          name: web
          ports:
          - containerPort: 80
            protocol: TCP
  status:
    conditions:
    - lastTransitionTime: "2026-05-01T10:01:00Z"
      message: Deployment does not have minimum availability.
      reason: MinimumReplicasUnavailable
      status: "False"
      type: Available
    observedGeneration: 3
    replicas: 2
    unavailableReplicas: 2
kind: List
metadata:
  resourceVersion: ""
"#,
    )
    .unwrap();
    let s = SnapshotCluster::load(d.path()).unwrap();
    let inv = s.inventory();
    let web = inv.get("Deployment", Some("shop"), "web").unwrap();
    assert_eq!(
        web.condition("Available").unwrap().reason,
        "MinimumReplicasUnavailable"
    );
    assert_eq!(web.i64_at("/spec/replicas"), Some(2));
    assert!(inv.unreadable.is_empty());
}

#[test]
fn loads_a_cluster_info_dump_tree() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    std::fs::write(
        root.join("nodes.json"),
        r#"{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"99"},"items":[
              {"metadata":{"name":"pi5-a","labels":{"kubernetes.io/arch":"arm64"}},
               "status":{"conditions":[{"type":"Ready","status":"False","reason":"KubeletNotReady"}]}}]}"#,
    )
    .unwrap();
    std::fs::create_dir_all(root.join("kube-system/coredns-abc")).unwrap();
    std::fs::write(
        root.join("kube-system/pods.json"),
        r#"{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[
              {"metadata":{"name":"coredns-abc","namespace":"kube-system"},
               "status":{"phase":"Running","containerStatuses":[{"name":"coredns","ready":false,"restartCount":7}]}}]}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("kube-system/events.json"),
        r#"{"kind":"EventList","apiVersion":"v1","metadata":{},"items":[
              {"metadata":{"name":"coredns-abc.1","namespace":"kube-system"},
               "involvedObject":{"kind":"Pod","name":"coredns-abc","namespace":"kube-system"},
               "reason":"BackOff","lastTimestamp":"2026-05-01T10:00:00Z"}]}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("kube-system/deployments.json"),
        r#"{"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{},"items":[]}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("kube-system/coredns-abc/logs.txt"),
        "plugin/errors: 2 SERVFAIL\n",
    )
    .unwrap();
    let s = SnapshotCluster::load(root).unwrap();
    let inv = s.inventory();
    assert!(inv.unreadable.is_empty(), "{:?}", inv.unreadable);
    assert_eq!(inv.of_kind("Node").count(), 1);
    assert_eq!(inv.get("Node", None, "pi5-a").unwrap().api_version(), "v1");
    assert_eq!(
        inv.events_for("Pod", Some("kube-system"), "coredns-abc")
            .len(),
        1
    );
    assert!(
        inv.logs_for("kube-system", "coredns-abc", None)
            .unwrap()
            .contains("SERVFAIL")
    );
    assert!(inv.unreadable.is_empty(), "{:?}", inv.unreadable);
}

#[test]
fn write_redacts_and_reads_back() {
    let mut inv = Inventory::new();
    inv.insert(serde_json::json!({"apiVersion":"v1","kind":"Secret",
        "metadata":{"name":"s","namespace":"x","managedFields":[{}],
            "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"k\":\"c2VjcmV0\"}}"}},
        "data":{"k":"c2VjcmV0"}}));
    inv.insert(
        serde_json::json!({"apiVersion":"apps/v1","kind":"Deployment",
        "metadata":{"name":"../../etc","namespace":"x"},
        "spec":{"template":{"spec":{"containers":[{"name":"a","env":[
            {"name":"GITHUB_TOKEN","value":"ghp_x"},{"name":"LOG_LEVEL","value":"debug"},
            {"name":"API_KEY","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}]}]}}}}),
    );
    inv.logs
        .insert(("x".into(), "..".into(), "a/b".into()), "log\n".into());
    inv.skipped.push(crate::cluster::SkippedKind {
        kind: "Node".into(),
        reason: "forbidden: no".into(),
    });
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("snap");
    let w = write(&out, &inv).unwrap();
    assert_eq!(w.objects, 2);
    let text = std::fs::read_to_string(out.join("secret.json")).unwrap();
    assert!(
        !text.contains("c2VjcmV0") && text.contains(REDACTED),
        "{text}"
    );
    assert!(
        !text.contains("managedFields") && !text.contains("last-applied"),
        "{text}"
    );
    let text = std::fs::read_to_string(out.join("deployment.json")).unwrap();
    assert!(!text.contains("ghp_x") && text.contains("debug") && text.contains("secretKeyRef"));
    let back = SnapshotCluster::load(&out).unwrap();
    let inv2 = back.inventory();
    assert_eq!(inv2.len(), 2);
    assert_eq!(inv2.skipped, inv.skipped);
    assert_eq!(
        inv2.logs.len(),
        1,
        "log written inside the snapshot: {:?}",
        inv2.logs
    );
    assert!(out.join("x/_/a_b.log").exists());
}

#[test]
fn deeply_nested_input_is_reported_not_a_crash() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("deep.yaml"), "[".repeat(100_000)).unwrap();
    std::fs::write(d.path().join("deep.json"), "{\"a\":".repeat(50_000)).unwrap();
    // Nothing else: the load fails, naming both files.
    let Err(Error::Snapshot { message, .. }) = SnapshotCluster::load(d.path()) else {
        panic!("a directory of unreadable files loaded");
    };
    assert!(
        message.contains("deep.yaml") && message.contains("deep.json"),
        "{message}"
    );
    std::fs::write(
        d.path().join("ok.yaml"),
        "apiVersion: v1\nkind: Node\nmetadata: {name: node1}\n",
    )
    .unwrap();
    let s = SnapshotCluster::load(d.path()).unwrap();
    assert_eq!(s.inventory().unreadable.len(), 2);
}

#[test]
fn files_past_the_size_limits_are_refused_without_reading_them_whole() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("ok.yaml"),
        "apiVersion: v1\nkind: Node\nmetadata: {name: node1}\n",
    )
    .unwrap();
    // Sparse files: the limit is checked before anything is read.
    let big = std::fs::File::create(d.path().join("big.yaml")).unwrap();
    big.set_len(MAX_YAML_FILE_BYTES + 1).unwrap();
    let huge = std::fs::File::create(d.path().join("huge.json")).unwrap();
    huge.set_len(MAX_JSON_FILE_BYTES + 1).unwrap();
    // A link to an endless device is not a regular file: never opened.
    std::os::unix::fs::symlink("/dev/zero", d.path().join("zero.json")).unwrap();
    let s = SnapshotCluster::load(d.path()).unwrap();
    let un = &s.inventory().unreadable;
    assert_eq!(un.len(), 3, "{un:?}");
    assert!(un.iter().any(|(f, why)| f.ends_with("big.yaml")
        && why.contains(&format!("{} MiB", MAX_YAML_FILE_BYTES >> 20))));
    assert!(un.iter().any(|(f, why)| f.ends_with("huge.json")
        && why.contains(&format!("{} MiB", MAX_JSON_FILE_BYTES >> 20))));
    assert!(
        un.iter()
            .any(|(f, why)| f.ends_with("zero.json") && why.contains("a device"))
    );
    assert_eq!(s.inventory().len(), 1);
}

#[test]
fn served_kinds_without_objects_count_as_read_unless_skipped() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("served-kinds.txt"), "Pod\nNode\n").unwrap();
    std::fs::write(d.path().join("skipped-kinds.txt"), "Node: forbidden: no\n").unwrap();
    let s = SnapshotCluster::load(d.path()).unwrap();
    let inv = s.gather(&["Pod", "Node"], &Scope::all());
    assert!(inv.read_any(&["Pod"]) && !inv.read_any(&["Node"]));
    std::fs::write(d.path().join("served-kinds.txt"), "Node\n").unwrap();
    assert!(SnapshotCluster::load(d.path()).is_err());
}

#[test]
fn managed_fields_are_dropped_on_load() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("p.json"),
        r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","namespace":"x","managedFields":[{"manager":"kubectl"}],"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}","keep":"me"}}}"#,
    )
    .unwrap();
    let s = SnapshotCluster::load(d.path()).unwrap();
    let p = s.inventory().get("Pod", Some("x"), "a").unwrap();
    assert!(p.at("/metadata/managedFields").is_none());
    assert_eq!(p.annotation("keep"), Some("me"));
    assert!(
        p.annotation("kubectl.kubernetes.io/last-applied-configuration")
            .is_none()
    );
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Whatever the files hold, the loader never panics, and every file it could not
        /// use is reported by its path.
        #[test]
        fn arbitrary_files_never_panic(
            files in proptest::collection::vec(
                (0usize..5, prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..300),
                    "[a-zA-Z0-9:{}\\[\\], \n\"'#&*!|>@%-]{0,300}".prop_map(String::into_bytes),
                ]),
                1..6,
            )
        ) {
            let d = tempfile::tempdir().unwrap();
            let names = ["a.yaml", "b.json", "c.yml", "x/y/z.log", "served-kinds.txt"];
            for (i, (n, bytes)) in files.iter().enumerate() {
                let p = d.path().join(format!("{i}")).join(names[*n]);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, bytes).unwrap();
            }
            match SnapshotCluster::load(d.path()) {
                Ok(s) => {
                    prop_assert!(s.inventory().read_any(&[]));
                    for (path, _) in &s.inventory().unreadable {
                        prop_assert!(std::path::Path::new(path).exists(), "{path}");
                    }
                }
                // Nothing usable: an error that says so, never an empty cluster.
                Err(Error::Snapshot { message, .. }) => {
                    prop_assert!(message.contains("no Kubernetes object could be read"), "{message}");
                }
                Err(e) => prop_assert!(false, "{e}"),
            }
        }
    }
}
