use super::*;
use crate::action::PatchType;
use crate::object::ObjRef;
use serde_json::json;

#[test]
fn exec_summaries_are_masked_and_bounded_and_exec_argv_is_masked() {
    let out = json!({"command": ["env"], "exitCode": 3,
        "stdout": format!("DB_PASSWORD=hunter2\n{}", "x".repeat(3 * EXEC_SUMMARY_LIMIT)),
        "stderr": "boom", "stdoutTruncated": false, "stderrTruncated": false});
    let s = ExecSummary::from_output(&out).unwrap();
    assert_eq!(s.exit_code, Some(3));
    assert!(!s.stdout.contains("hunter2"), "{}", &s.stdout[..40]);
    assert!(s.stdout.len() <= EXEC_SUMMARY_LIMIT && s.truncated);
    assert_eq!(s.stderr, "boom");
    assert_eq!(ExecSummary::from_output(&json!({"kind": "Pod"})), None);
    let a = Action::Exec {
        target: ObjRef::new("v1", "Pod", Some("a"), "p"),
        container: None,
        command: vec!["login".into(), "--password".into(), "hunter2".into()],
        timeout_seconds: None,
    };
    assert!(!masked_action(&a).to_string().contains("hunter2"));
    assert!(
        !mask_command(&a).contains("hunter2"),
        "{}",
        mask_command(&a)
    );
}

#[test]
fn secret_lists_and_secret_patch_annotations_are_masked() {
    let a = Action::Apply {
        manifest: json!({"apiVersion": "v1", "kind": "SecretList",
            "items": [{"metadata": {"name": "s"}, "data": {"p": "aHVudGVyMg=="}}]}),
    };
    assert!(!masked_action(&a).to_string().contains("aHVudGVyMg=="));
    let t = ObjRef::new("v1", "Secret", Some("a"), "s");
    let la = "kubectl.kubernetes.io/last-applied-configuration";
    let merge = Action::Patch {
        target: t.clone(),
        patch_type: PatchType::Merge,
        patch: json!({"metadata": {"annotations": {la: "{\"data\":{\"p\":\"aHVudGVyMg==\"}}"}}}),
    };
    assert!(!masked_action(&merge).to_string().contains("aHVudGVyMg=="));
    let json_ops = Action::Patch {
        target: t,
        patch_type: PatchType::Json,
        patch: json!([
            {"op": "add", "path": "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration", "value": "aHVudGVyMg=="},
            {"op": "replace", "path": "/metadata/annotations", "value": {la: "aHVudGVyMg=="}}
        ]),
    };
    assert!(
        !masked_action(&json_ops)
            .to_string()
            .contains("aHVudGVyMg==")
    );
}

#[test]
fn secrets_inside_lists_and_last_applied_annotations_are_masked() {
    let secret = json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "s", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"p\":\"aHVudGVyMg==\"}}"}},
        "data": {"p": "aHVudGVyMg=="}});
    let a = Action::Apply {
        manifest: json!({"apiVersion": "v1", "kind": "List", "items": [secret.clone()]}),
    };
    let s = masked_action(&a).to_string();
    assert!(!s.contains("aHVudGVyMg=="), "{s}");
    let s = masked_action(&Action::Apply { manifest: secret }).to_string();
    assert!(!s.contains("aHVudGVyMg=="), "{s}");
}

#[test]
fn secrets_are_masked_in_apply_and_patch() {
    let a = Action::Apply {
        manifest: json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "s", "namespace": "a"},
            "data": {"password": "aHVudGVyMg=="}, "stringData": {"token": "hunter2"}}),
    };
    let s = masked_action(&a).to_string();
    assert!(!s.contains("aHVudGVyMg==") && !s.contains("hunter2"), "{s}");
    assert!(s.contains("password") && s.contains("<redacted>"), "{s}");

    let t = ObjRef::new("v1", "Secret", Some("a"), "s");
    let p = Action::Patch {
        target: t.clone(),
        patch_type: PatchType::Merge,
        patch: json!({"stringData": {"token": "hunter2"}}),
    };
    assert!(!masked_action(&p).to_string().contains("hunter2"));
    assert!(!mask_command(&p).contains("hunter2"));
    let j = Action::Patch {
        target: t,
        patch_type: PatchType::Json,
        patch: json!([{"op": "replace", "path": "/data/token", "value": "aHVudGVyMg=="}]),
    };
    assert!(!masked_action(&j).to_string().contains("aHVudGVyMg=="));
}

#[test]
fn lines_are_read_backwards_across_chunk_boundaries() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("x.jsonl");
    // A record longer than the chunk, blank lines, and a torn last line.
    let long = format!("{{\"a\":\"{}\"}}", "x".repeat(50));
    std::fs::write(&p, format!("one\n\n{long}\ntwo\n\n{{torn")).unwrap();
    for chunk in [1, 3, 7, 16, 1024] {
        let got: Vec<String> = RevLines::open(&p, chunk)
            .unwrap()
            .map(|l| String::from_utf8(l.unwrap()).unwrap())
            .collect();
        assert_eq!(
            got,
            vec!["{torn", "two", long.as_str(), "one"],
            "chunk {chunk}"
        );
    }
    std::fs::write(&p, "").unwrap();
    assert_eq!(RevLines::open(&p, 4).unwrap().count(), 0);
}

#[test]
fn an_overlong_line_is_one_unreadable_marker_not_held_whole() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("x.jsonl");
    let huge = "y".repeat(5000);
    for text in [
        format!("one\n{huge}\ntwo\n"),
        format!("{huge}\ntwo\n"),
        format!("one\n{huge}"),
    ] {
        std::fs::write(&p, &text).unwrap();
        for chunk in [7, 64, 4096] {
            let got: Vec<Vec<u8>> = RevLines::open(&p, chunk)
                .unwrap()
                .with_max_line(100)
                .map(|l| l.unwrap())
                .collect();
            let want: Vec<Vec<u8>> = text
                .lines()
                .rev()
                .map(|l| {
                    if l.len() > 100 {
                        super::tail::OVERLONG.to_vec()
                    } else {
                        l.as_bytes().to_vec()
                    }
                })
                .collect();
            assert_eq!(got, want, "chunk {chunk}: {:?}", text.len());
        }
    }
}

#[test]
fn the_newest_page_is_read_from_the_end_with_filters_and_bad_lines_counted() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("actions");
    let log = AuditLog::new(&dir, "kind-x");
    let a = Action::Scale {
        target: ObjRef::new("apps/v1", "Deployment", Some("a"), "web"),
        replicas: 3,
    };
    let day1: jiff::Timestamp = "2026-11-21T10:00:00Z".parse().unwrap();
    let day2: jiff::Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
    let mut ids = Vec::new();
    for i in 0..10 {
        let at = if i < 5 { day1 } else { day2 };
        let id = format!("id{i}");
        let origin = if i % 2 == 0 { "user" } else { "workflow:w" };
        let mut r = log.record(&id, at, origin, &a, Tier::Confirm, Approval::FlagYes);
        r.approver = Some(format!("who{i}"));
        log.write(&r, at).unwrap();
        // The last attempt has no outcome yet; the others do (without the approver,
        // which the page takes from the decision).
        if i < 9 {
            let mut o = r.outcome_of(at, Outcome::Ok, None);
            o.approver = None;
            log.write(&o, at).unwrap();
        }
        ids.push(id);
    }
    // A torn line in the newest file, mid-way.
    let f2 = crate::jsonl::daily_file(&dir, day2);
    let mut text = std::fs::read_to_string(&f2).unwrap();
    text.push_str("{\"v\":1,\"id\":\"torn\n");
    std::fs::write(&f2, text).unwrap();
    log.write(
        &log.record("id10", day2, "user", &a, Tier::Safe, Approval::Auto),
        day2,
    )
    .unwrap();

    let all = read_newest(&dir, 0, 100, &|_| true).unwrap();
    let got: Vec<&str> = all.attempts.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "id10", "id9", "id8", "id7", "id6", "id5", "id4", "id3", "id2", "id1", "id0"
        ]
    );
    assert_eq!(all.unreadable, 1);
    assert!(!all.more);
    assert_eq!(all.attempts[1].outcome, None, "id9 is still a decision");
    assert_eq!(all.attempts[2].outcome, Some(Outcome::Ok));
    assert_eq!(all.attempts[2].approver.as_deref(), Some("who8"));

    // A page of 3 after skipping 2, only the workflow's attempts.
    let wf = read_newest(&dir, 1, 3, &|r| r.origin == "workflow:w").unwrap();
    let got: Vec<&str> = wf.attempts.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(got, vec!["id7", "id5", "id3"]);
    assert!(wf.more, "id1 is older still");
    assert_eq!(wf.attempts[0].approver.as_deref(), Some("who7"));
    // One attempt: it stops at the next one (the torn line between them is counted).
    let first = read_newest(&dir, 0, 1, &|_| true).unwrap();
    assert_eq!(first.attempts.len(), 1);
    assert!(first.more);
    assert_eq!(first.unreadable, 1);
    assert!(
        read_newest(&d.path().join("none"), 0, 5, &|_| true)
            .unwrap()
            .attempts
            .is_empty()
    );
}

#[test]
fn records_round_trip_and_append_0600() {
    let d = tempfile::tempdir().unwrap();
    let log = AuditLog::new(d.path().join("actions"), "kind-x");
    let a = Action::Scale {
        target: ObjRef::new("apps/v1", "Deployment", Some("a"), "web"),
        replicas: 3,
    };
    let at: jiff::Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
    let id = log.new_id(&a);
    assert_ne!(id, log.new_id(&a));
    let r = log.record(&id, at, "user", &a, Tier::Confirm, Approval::FlagYes);
    let p = log.write(&r, at).unwrap();
    log.write(&r.outcome_of(at, Outcome::Ok, None), at).unwrap();
    assert!(p.ends_with("actions/2026-11-22.jsonl"));
    let back = read(&d.path().join("actions")).unwrap();
    assert_eq!(back.len(), 2);
    assert_eq!(back[0].id, back[1].id);
    assert_eq!(back[1].outcome, Some(Outcome::Ok));
    let line = std::fs::read_to_string(&p).unwrap();
    assert!(line.starts_with(r#"{"v":1,"id":""#), "{line}");
}
