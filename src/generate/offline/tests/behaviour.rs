//! What holds for any input: not-understood reporting, request hints, image pinning, phrasing
//! variants, determinism, and that arbitrary input never panics.

use super::{
    FASTAPI, GATEWAY_WEB, NGINX, REDIS, USER_SERVICE, container, find, has_default, kinds, run,
};
use crate::generate::offline::{OfflineRequest, generate};
use proptest::prelude::*;
use serde_json::json;

#[test]
fn unmapped_requirements_are_reported_verbatim() {
    let out = run(
        "Deploy nginx with 3 replicas\n- Use blue-green deployment with Argo Rollouts\n- make it fast\n- spread pods across zones",
    );
    assert_eq!(
        out.not_understood,
        [
            "Use blue-green deployment with Argo Rollouts",
            "make it fast",
            "spread pods across zones"
        ]
    );
    assert_eq!(find(&out, "Deployment", "nginx")["spec"]["replicas"], 3);
    // A clause the matchers only partly used is reported, the rest of the sentence is not.
    let out = run("Deploy redis with 2 replicas and encrypt everything at rest");
    assert_eq!(out.not_understood, ["encrypt everything at rest"]);
}

#[test]
fn nothing_renderable_gives_no_objects() {
    for text in [
        "",
        "   \n\n",
        "make it fast",
        "Create a Deployment with 3 replicas",
    ] {
        let out = run(text);
        assert!(
            out.objects.is_empty(),
            "{text:?} rendered {:?}",
            kinds(&out)
        );
    }
    assert_eq!(run("make it fast").not_understood, ["make it fast"]);
}

#[test]
fn request_hints_apply_when_text_is_silent() {
    let req = OfflineRequest {
        instructions: "Image: myregistry/api:2.0.1 on port 9000",
        namespace: Some("team-a"),
        app_name: Some("Billing API"),
    };
    let out = generate(&req);
    let d = find(&out, "Deployment", "api");
    assert_eq!(d["metadata"]["namespace"], "team-a");
    let req = OfflineRequest {
        instructions: "Deploy image myregistry/api:2.0.1 named billing in namespace money",
        ..req
    };
    let out = generate(&req);
    assert_eq!(
        find(&out, "Deployment", "billing")["metadata"]["namespace"],
        "money"
    );
}

#[test]
fn untagged_images_are_pinned_or_flagged() {
    let out = run("Deploy image postgres:latest");
    assert_eq!(container(&out.objects[0])["image"], "postgres:17");
    let out = run("Deploy image myregistry/thing");
    assert_eq!(container(&out.objects[0])["image"], "myregistry/thing");
    assert!(has_default(&out, "has no version tag"));
}

#[test]
fn schedules_ports_and_probes_variants() {
    let out = run("Job image busybox:1.36 every 5 minutes");
    assert_eq!(
        find(&out, "CronJob", "busybox")["spec"]["schedule"],
        "*/5 * * * *"
    );
    let out = run(
        "Deploy myregistry/web:1.2.3 with a NodePort service, port 80 to 8080, liveness probe on /livez period 15 seconds",
    );
    let s = find(&out, "Service", "web");
    assert_eq!(s["spec"]["type"], "NodePort");
    assert_eq!(s["spec"]["ports"][0]["port"], 80);
    let c = container(find(&out, "Deployment", "web"));
    assert_eq!(c["ports"][0]["containerPort"], 8080);
    assert_eq!(
        c["livenessProbe"],
        json!({ "httpGet": { "path": "/livez", "port": "http" }, "periodSeconds": 15 })
    );
}

#[test]
fn network_policy_and_label_variants() {
    let out = run(
        "Deploy myregistry/api:1.0 with HPA min 2 max 8 cpu 60%, deny all egress network policy, labels team=payments tier=backend",
    );
    let np = find(&out, "NetworkPolicy", "api");
    assert_eq!(np["spec"]["policyTypes"], json!(["Egress"]));
    assert_eq!(np["spec"]["egress"], json!([]));
    assert!(np["spec"].get("ingress").is_none());
    let d = find(&out, "Deployment", "api");
    assert_eq!(d["metadata"]["labels"]["team"], "payments");
    assert_eq!(
        d["spec"]["template"]["metadata"]["labels"]["tier"],
        "backend"
    );
    let hpa = find(&out, "HorizontalPodAutoscaler", "api");
    assert_eq!(
        hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        60
    );
    assert!(out.not_understood.is_empty(), "{:?}", out.not_understood);
    let out = run(
        "Deploy myregistry/api:1.0 on port 8080 with a network policy allowing traffic from namespace frontend",
    );
    let from = &find(&out, "NetworkPolicy", "api")["spec"]["ingress"][0]["from"];
    assert_eq!(
        *from,
        json!([{ "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "frontend" } } }])
    );
}

#[test]
fn probe_port_becomes_the_container_port() {
    let out = run("Deploy myregistry/api:1.0, readiness probe on port 8081 path /ready");
    let c = container(find(&out, "Deployment", "api"));
    assert_eq!(c["ports"][0]["containerPort"], 8081);
    assert_eq!(
        c["readinessProbe"],
        json!({ "httpGet": { "path": "/ready", "port": 8081 } })
    );
    assert!(has_default(&out, "probe port 8081"));
}

#[test]
fn output_is_deterministic() {
    for text in [NGINX, FASTAPI, USER_SERVICE, REDIS, GATEWAY_WEB] {
        let a = serde_json::to_string(&run(text).objects).unwrap();
        let b = serde_json::to_string(&run(text).objects).unwrap();
        assert_eq!(a, b);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*", ns in proptest::option::of("[a-z]{1,8}"), app in proptest::option::of("\\PC{0,12}")) {
        let out = generate(&OfflineRequest { instructions: &text, namespace: ns.as_deref(), app_name: app.as_deref() });
        for o in &out.objects {
            prop_assert!(o["apiVersion"].is_string() && o["kind"].is_string() && o["metadata"]["name"].is_string());
        }
        for n in &out.not_understood {
            prop_assert!(text.contains(n.as_str()), "not verbatim: {n:?}");
        }
    }

    #[test]
    fn keyword_soup_never_panics(words in proptest::collection::vec(proptest::sample::select(vec![
        "deploy", "nginx", "redis", "image:", "myregistry/app:v1", "port", "80", "->", "3000", "to",
        "replicas", "99999999999999999999", "every", "night", "at", "2am", "25:99", "service",
        "ingress", "tls", "gateway", "\"gw\"", "namespace", "route", "in", "statefulset", "cronjob",
        "pdb", "minAvailable", "50%", "hpa", "min", "max", "cpu", "0%", "requests", "100m/128Mi",
        "limits", "-", "\n", ",", "and", ".", "storage", "1Gi", "/data", "FOO=bar", "tolerate",
        "a=b:NoSchedule", "arm64", "networkpolicy", "deny", "egress", "`", "\"", "headless",
        "probe", "liveness", "/health", "every", "10s", "Name:", "called", "x", "configmap", "app.conf",
        "secret", "monitoring", "command:", "strategy", "rollingupdate", "maxsurge", "partition",
        "for", "the", "orders", "app", "scale", "three", "on", "every", "node", "no", "persistence",
        "https://a.example.com/v1", "a.example.com/v2", "postgres", "16", "image=x:1", "half",
        "canary", "using", "## Title", "unavailable", "1", "each", "per", "pod", "daily", "backups",
        "listening", "tolerates", "all", "taints", "load", "balancer", "mysql", "10Gi", "minio",
    ]), 0..40)) {
        let text = words.join(" ");
        let out = generate(&OfflineRequest { instructions: &text, namespace: None, app_name: None });
        for o in &out.objects {
            prop_assert!(o["apiVersion"].is_string() && o["kind"].is_string() && o["metadata"]["name"].is_string());
        }
        let again = generate(&OfflineRequest { instructions: &text, namespace: None, app_name: None });
        prop_assert_eq!(out, again);
    }
}

#[test]
fn an_applied_requirement_is_never_reported() {
    // The words nobody used are reported, not the clause that was applied.
    let out = run("a redis cache with 2 replicas and make it shiny");
    assert_eq!(out.not_understood, ["make it shiny"]);
    let out = run("nginx with 3 replicas spread evenly");
    assert_eq!(out.not_understood, ["spread evenly"]);
    assert_eq!(find(&out, "Deployment", "nginx")["spec"]["replicas"], 3);
    // An unsupported phrase hides only itself; what comes before it is still applied.
    let out = run("Deploy nginx with 3 replicas using a canary rollout");
    assert_eq!(out.not_understood, ["using a canary rollout"]);
    assert_eq!(find(&out, "Deployment", "nginx")["spec"]["replicas"], 3);
    // A count word with no count is not a replica requirement.
    let out = run("Deploy nginx. Spread pods across zones.");
    assert_eq!(out.not_understood, ["Spread pods across zones"]);
}

#[test]
fn well_known_images_reference_their_credentials() {
    let out = run("mongo with 5Gi storage\n- Secret mongo-auth for credentials");
    let c = container(find(&out, "Deployment", "mongo"));
    let refs: Vec<(String, String)> = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let r = &e["valueFrom"]["secretKeyRef"];
            (
                e["name"].as_str().unwrap().to_string(),
                format!(
                    "{}/{}",
                    r["name"].as_str().unwrap(),
                    r["key"].as_str().unwrap()
                ),
            )
        })
        .collect();
    assert_eq!(
        refs,
        [
            (
                "MONGO_INITDB_ROOT_USERNAME".into(),
                "mongo-auth/username".into()
            ),
            (
                "MONGO_INITDB_ROOT_PASSWORD".into(),
                "mongo-auth/password".into()
            ),
        ]
    );
    assert!(has_default(
        &out,
        "Secret 'mongo-auth' (keys username, password)"
    ));
    // A password the user set is left alone.
    let out = run("postgres with POSTGRES_PASSWORD_FILE=/run/secrets/pw and POSTGRES_PASSWORD=x");
    let c = container(find(&out, "Deployment", "postgres"));
    assert_eq!(c["env"].as_array().unwrap().len(), 2, "{c:#}");
}
