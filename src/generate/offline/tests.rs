//! Behaviour tests: one per shipped example (asserting concrete fields), the not-understood
//! reporting, determinism, and a property test that arbitrary input never panics.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{OfflineOutput, OfflineRequest, generate};

const NGINX: &str = "Deploy nginx with 2 replicas and a LoadBalancer service\n";

const FASTAPI: &str = "Create a production deployment for my FastAPI application:

- Image: myregistry/fastapi-app:v1.0.0
- 3 replicas
- Expose on port 8000
- Add health checks on /health endpoint
- Set resource limits appropriately
- Include a Service and Ingress with TLS
";

const USER_SERVICE: &str = r#"Deploy my microservice with these exact specs:

Deployment:
- Name: user-service
- Image: myregistry/user-service:sha-abc123
- Replicas: 5
- Strategy: RollingUpdate (maxSurge: 1, maxUnavailable: 0)
- Container port: 3000
- Environment variables from ConfigMap "user-service-config"
- Secret "user-service-secrets" for DB credentials
- Resources: requests 100m/128Mi, limits 500m/512Mi
- Liveness probe: HTTP GET /health every 10s
- Readiness probe: HTTP GET /ready every 5s

Service:
- Type: ClusterIP
- Port 80 -> 3000

Also include appropriate labels and annotations for monitoring.
"#;

const REDIS: &str = "Create a complete setup for Redis:
- StatefulSet with 3 replicas
- Persistent storage (1Gi per pod)
- ConfigMap for redis.conf
- Headless service for cluster
- Regular service for clients
- PodDisruptionBudget
- NetworkPolicy to allow only app pods
";

const NIGHTLY_BACKUP: &str = r#"Create a CronJob called db-backup in namespace ops that runs every night at 2am.
- Image: myregistry/pg-backup:2.3.1
- Command: /usr/local/bin/backup --target s3
- Set LOG_LEVEL to debug
- BACKUP_BUCKET=nightly-dumps
- Secret "backup-credentials" for S3 credentials
- cpu 250m memory 256Mi
"#;

const GATEWAY_WEB: &str = r#"Deploy a web app named shop-web in namespace shop.
- Image: ghcr.io/acme/shop-web:1.8.0
- 2 replicas, container port 8080
- Expose it through an HTTPRoute attached to the Gateway "public-gw" in namespace gateway-infra
- Put the route in namespace edge
- Hostname shop.example.com with path prefix /store
- Autoscale between 2 and 10 replicas at 70% CPU
- Readiness probe on /ready every 5 seconds
"#;

const ARM_WORKER: &str =
    "Deploy a queue worker called thumbnailer using image myregistry/thumbnailer:0.9.2.
Run it on arm64 nodes and tolerate the dedicated=gpu:NoSchedule taint.
It needs a 10Gi persistent volume mounted at /data using the fast-ssd storage class.
Environment: QUEUE_URL=amqp://rabbitmq:5672 and WORKERS=4.
Use the Recreate strategy.
";

const LOG_AGENT: &str =
    "Run a DaemonSet named log-agent in namespace logging with image fluent/fluent-bit:3.1.9.
Expose metrics on port 2020 at /api/v1/metrics/prometheus for Prometheus scraping.
Tolerate the node-role.kubernetes.io/control-plane:NoSchedule taint.
Resources: requests 50m/64Mi, limits 200m/128Mi.
";

const DB_MIGRATE: &str = r#"Create a Job named db-migrate with image myregistry/migrations:4.2.0
that runs `migrate up --all` and loads its environment from Secret "db-url".
Use blue-green deployment with Argo Rollouts and make it fast.
"#;

fn run(text: &str) -> OfflineOutput {
    generate(&OfflineRequest {
        instructions: text,
        namespace: None,
        app_name: None,
    })
}

/// "Kind/name" of every object, in output order.
fn kinds(out: &OfflineOutput) -> Vec<String> {
    out.objects
        .iter()
        .map(|o| {
            format!(
                "{}/{}",
                o["kind"].as_str().unwrap_or("?"),
                o["metadata"]["name"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

fn find<'a>(out: &'a OfflineOutput, kind: &str, name: &str) -> &'a Value {
    out.objects
        .iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{kind}/{name} missing in {:?}", kinds(out)))
}

fn container(workload: &Value) -> &Value {
    let pod = if workload["kind"] == "CronJob" {
        &workload["spec"]["jobTemplate"]["spec"]["template"]
    } else {
        &workload["spec"]["template"]
    };
    &pod["spec"]["containers"][0]
}

fn has_default(out: &OfflineOutput, needle: &str) -> bool {
    out.defaults.iter().any(|d| d.contains(needle))
}

/// House conventions every rendered object must follow.
fn assert_conventions(out: &OfflineOutput) {
    for o in &out.objects {
        let l = &o["metadata"]["labels"];
        let name = &l["app.kubernetes.io/name"];
        assert!(name.is_string(), "labels on {o}");
        assert_eq!(l["app.kubernetes.io/instance"], *name);
        assert_eq!(l["app.kubernetes.io/part-of"], *name);
        assert_eq!(l["app.kubernetes.io/managed-by"], "kubectl-claude");
    }
    let text = serde_json::to_string(&out.objects).unwrap();
    assert!(!text.contains(":latest\""), "no :latest images");
}

#[test]
fn nginx_example() {
    let out = run(NGINX);
    assert_eq!(kinds(&out), ["Deployment/nginx", "Service/nginx"]);
    let d = find(&out, "Deployment", "nginx");
    assert_eq!(d["spec"]["replicas"], 2);
    let c = container(d);
    assert_eq!(c["image"], "nginxinc/nginx-unprivileged:1.27");
    assert_eq!(
        c["ports"],
        json!([{ "name": "http", "containerPort": 8080, "protocol": "TCP" }])
    );
    assert_eq!(
        c["livenessProbe"],
        json!({ "tcpSocket": { "port": "http" } })
    );
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["securityContext"]["capabilities"]["drop"], json!(["ALL"]));
    assert_eq!(
        d["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"],
        true
    );
    assert_eq!(
        d["spec"]["template"]["spec"]["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    let mounts: Vec<&Value> = c["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["mountPath"])
        .collect();
    assert_eq!(mounts, ["/tmp", "/var/cache/nginx"]);
    assert_eq!(
        d["spec"]["selector"]["matchLabels"],
        json!({ "app.kubernetes.io/name": "nginx", "app.kubernetes.io/instance": "nginx" })
    );
    let s = find(&out, "Service", "nginx");
    assert_eq!(s["spec"]["type"], "LoadBalancer");
    assert_eq!(
        s["spec"]["ports"],
        json!([{ "name": "http", "port": 80, "targetPort": "http", "protocol": "TCP" }])
    );
    assert!(out.not_understood.is_empty(), "{:?}", out.not_understood);
    assert!(has_default(&out, "chose nginxinc/nginx-unprivileged:1.27"));
    assert!(has_default(
        &out,
        "resources: chose requests 100m/128Mi, limits 500m/256Mi"
    ));
    assert_conventions(&out);
}

#[test]
fn fastapi_example() {
    let out = run(FASTAPI);
    assert_eq!(
        kinds(&out),
        [
            "Deployment/fastapi-app",
            "Service/fastapi-app",
            "Ingress/fastapi-app"
        ]
    );
    let d = find(&out, "Deployment", "fastapi-app");
    assert_eq!(d["spec"]["replicas"], 3);
    let c = container(d);
    assert_eq!(c["image"], "myregistry/fastapi-app:v1.0.0");
    assert_eq!(c["ports"][0]["containerPort"], 8000);
    for probe in ["livenessProbe", "readinessProbe"] {
        assert_eq!(
            c[probe],
            json!({ "httpGet": { "path": "/health", "port": "http" } })
        );
    }
    assert_eq!(
        c["resources"],
        json!({ "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "cpu": "500m", "memory": "256Mi" } })
    );
    assert!(has_default(&out, "(asked 'appropriately')"));
    let s = find(&out, "Service", "fastapi-app");
    assert_eq!(s["spec"]["ports"][0]["port"], 80);
    assert_eq!(s["spec"]["ports"][0]["targetPort"], "http");
    let i = find(&out, "Ingress", "fastapi-app");
    assert_eq!(i["spec"]["ingressClassName"], "nginx");
    assert_eq!(
        i["spec"]["tls"],
        json!([{ "hosts": ["fastapi-app.example.com"], "secretName": "fastapi-app-tls" }])
    );
    assert_eq!(
        i["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"],
        json!({ "name": "fastapi-app", "port": { "name": "http" } })
    );
    assert!(has_default(&out, "ingressClassName nginx"));
    assert!(out.not_understood.is_empty(), "{:?}", out.not_understood);
    assert_conventions(&out);
}

#[test]
fn user_service_example() {
    let out = run(USER_SERVICE);
    assert_eq!(
        kinds(&out),
        ["Deployment/user-service", "Service/user-service"]
    );
    let d = find(&out, "Deployment", "user-service");
    assert_eq!(d["spec"]["replicas"], 5);
    assert_eq!(
        d["spec"]["strategy"],
        json!({ "type": "RollingUpdate", "rollingUpdate": { "maxSurge": 1, "maxUnavailable": 0 } })
    );
    let c = container(d);
    assert_eq!(c["image"], "myregistry/user-service:sha-abc123");
    assert_eq!(
        c["ports"][0],
        json!({ "name": "http", "containerPort": 3000, "protocol": "TCP" })
    );
    assert_eq!(
        c["envFrom"],
        json!([{ "configMapRef": { "name": "user-service-config" } }, { "secretRef": { "name": "user-service-secrets" } }])
    );
    assert_eq!(
        c["resources"],
        json!({ "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "cpu": "500m", "memory": "512Mi" } })
    );
    assert_eq!(
        c["livenessProbe"],
        json!({ "httpGet": { "path": "/health", "port": "http" }, "periodSeconds": 10 })
    );
    assert_eq!(
        c["readinessProbe"],
        json!({ "httpGet": { "path": "/ready", "port": "http" }, "periodSeconds": 5 })
    );
    let ann = &d["spec"]["template"]["metadata"]["annotations"];
    assert_eq!(
        *ann,
        json!({ "prometheus.io/scrape": "true", "prometheus.io/port": "3000", "prometheus.io/path": "/metrics" })
    );
    let s = find(&out, "Service", "user-service");
    assert_eq!(s["spec"]["type"], "ClusterIP");
    assert_eq!(
        s["spec"]["ports"],
        json!([{ "name": "http", "port": 80, "targetPort": "http", "protocol": "TCP" }])
    );
    assert!(out.not_understood.is_empty(), "{:?}", out.not_understood);
    assert!(
        !has_default(&out, "resources:"),
        "resources were given: {:?}",
        out.defaults
    );
    assert!(has_default(&out, "path /metrics"));
    assert_conventions(&out);
}

#[test]
fn redis_example() {
    let out = run(REDIS);
    assert_eq!(
        kinds(&out),
        [
            "ConfigMap/redis-config",
            "StatefulSet/redis",
            "Service/redis",
            "Service/redis-headless",
            "PodDisruptionBudget/redis",
            "NetworkPolicy/redis"
        ]
    );
    let cm = find(&out, "ConfigMap", "redis-config");
    assert!(
        cm["data"]["redis.conf"]
            .as_str()
            .unwrap()
            .contains("dir /data")
    );
    let sts = find(&out, "StatefulSet", "redis");
    assert_eq!(sts["spec"]["replicas"], 3);
    assert_eq!(sts["spec"]["serviceName"], "redis-headless");
    let vct = &sts["spec"]["volumeClaimTemplates"][0];
    assert_eq!(vct["metadata"]["name"], "data");
    assert_eq!(vct["spec"]["resources"]["requests"]["storage"], "1Gi");
    assert_eq!(vct["spec"]["accessModes"], json!(["ReadWriteOnce"]));
    let c = container(sts);
    assert_eq!(c["image"], "redis:7.4");
    assert_eq!(
        c["ports"][0],
        json!({ "name": "redis", "containerPort": 6379, "protocol": "TCP" })
    );
    assert_eq!(
        c["command"],
        json!(["redis-server", "/usr/local/etc/redis/redis.conf"])
    );
    let mounts = serde_json::to_string(&c["volumeMounts"]).unwrap();
    assert!(mounts.contains("\"/data\"") && mounts.contains("/usr/local/etc/redis"));
    let psc = &sts["spec"]["template"]["spec"]["securityContext"];
    assert_eq!(
        (psc["runAsUser"].as_i64(), psc["fsGroup"].as_i64()),
        (Some(999), Some(999))
    );
    assert_eq!(
        find(&out, "Service", "redis-headless")["spec"]["clusterIP"],
        "None"
    );
    assert_eq!(
        find(&out, "Service", "redis")["spec"]["ports"][0]["port"],
        6379
    );
    assert_eq!(
        find(&out, "PodDisruptionBudget", "redis")["spec"]["minAvailable"],
        1
    );
    let np = find(&out, "NetworkPolicy", "redis");
    assert_eq!(
        np["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"],
        json!({ "app.kubernetes.io/part-of": "redis" })
    );
    assert_eq!(
        np["spec"]["ingress"][0]["ports"],
        json!([{ "protocol": "TCP", "port": "redis" }])
    );
    assert!(out.not_understood.is_empty(), "{:?}", out.not_understood);
    for d in [
        "chose redis:7.4",
        "mounted at /data",
        "podDisruptionBudget: minAvailable 1",
        "part-of=redis",
        "runAsUser 999",
    ] {
        assert!(
            has_default(&out, d),
            "missing default {d}: {:?}",
            out.defaults
        );
    }
    assert_conventions(&out);
}

#[test]
fn nightly_backup_example() {
    let out = run(NIGHTLY_BACKUP);
    assert_eq!(kinds(&out), ["CronJob/db-backup"]);
    let cj = find(&out, "CronJob", "db-backup");
    assert_eq!(cj["metadata"]["namespace"], "ops");
    assert_eq!(cj["spec"]["schedule"], "0 2 * * *");
    let c = container(cj);
    assert_eq!(c["image"], "myregistry/pg-backup:2.3.1");
    assert_eq!(
        c["command"],
        json!(["/usr/local/bin/backup", "--target", "s3"])
    );
    assert_eq!(
        c["env"],
        json!([{ "name": "LOG_LEVEL", "value": "debug" }, { "name": "BACKUP_BUCKET", "value": "nightly-dumps" }])
    );
    assert_eq!(
        c["envFrom"],
        json!([{ "secretRef": { "name": "backup-credentials" } }])
    );
    assert_eq!(
        c["resources"]["requests"],
        json!({ "cpu": "250m", "memory": "256Mi" })
    );
    assert!(c.get("livenessProbe").is_none(), "jobs get no probes");
    assert_eq!(
        cj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"],
        "OnFailure"
    );
    assert!(has_default(&out, "limits.cpu 250m (same as requests)"));
    assert!(out.not_understood.is_empty(), "{:?}", out.not_understood);
    assert_conventions(&out);
}

#[test]
fn gateway_web_example() {
    let out = run(GATEWAY_WEB);
    assert_eq!(
        kinds(&out),
        [
            "Deployment/shop-web",
            "Service/shop-web",
            "HTTPRoute/shop-web",
            "ReferenceGrant/shop-web-from-edge",
            "HorizontalPodAutoscaler/shop-web"
        ]
    );
    let route = find(&out, "HTTPRoute", "shop-web");
    assert_eq!(route["metadata"]["namespace"], "edge");
    assert_eq!(
        route["spec"]["parentRefs"],
        json!([{ "name": "public-gw", "namespace": "gateway-infra" }])
    );
    assert_eq!(route["spec"]["hostnames"], json!(["shop.example.com"]));
    assert_eq!(
        route["spec"]["rules"][0]["matches"][0]["path"],
        json!({ "type": "PathPrefix", "value": "/store" })
    );
    assert_eq!(
        route["spec"]["rules"][0]["backendRefs"],
        json!([{ "name": "shop-web", "port": 80, "namespace": "shop" }])
    );
    let grant = find(&out, "ReferenceGrant", "shop-web-from-edge");
    assert_eq!(grant["metadata"]["namespace"], "shop");
    assert_eq!(
        grant["spec"]["from"],
        json!([{ "group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "edge" }])
    );
    assert_eq!(
        grant["spec"]["to"],
        json!([{ "group": "", "kind": "Service", "name": "shop-web" }])
    );
    let hpa = find(&out, "HorizontalPodAutoscaler", "shop-web");
    assert_eq!(
        (
            hpa["spec"]["minReplicas"].as_u64(),
            hpa["spec"]["maxReplicas"].as_u64()
        ),
        (Some(2), Some(10))
    );
    assert_eq!(
        hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        70
    );
    let d = find(&out, "Deployment", "shop-web");
    assert_eq!(d["metadata"]["namespace"], "shop");
    assert_eq!(d["spec"]["replicas"], 2);
    let c = container(d);
    assert_eq!(
        c["readinessProbe"],
        json!({ "httpGet": { "path": "/ready", "port": "http" }, "periodSeconds": 5 })
    );
    assert_eq!(
        c["livenessProbe"],
        json!({ "tcpSocket": { "port": "http" } })
    );
    assert!(out.not_understood.is_empty(), "{:?}", out.not_understood);
    assert_conventions(&out);
}

#[test]
fn arm_worker_example() {
    let out = run(ARM_WORKER);
    assert_eq!(
        kinds(&out),
        [
            "PersistentVolumeClaim/thumbnailer-data",
            "Deployment/thumbnailer"
        ]
    );
    let pvc = find(&out, "PersistentVolumeClaim", "thumbnailer-data");
    assert_eq!(pvc["spec"]["storageClassName"], "fast-ssd");
    assert_eq!(pvc["spec"]["resources"]["requests"]["storage"], "10Gi");
    let d = find(&out, "Deployment", "thumbnailer");
    assert_eq!(d["spec"]["strategy"], json!({ "type": "Recreate" }));
    let pod = &d["spec"]["template"]["spec"];
    assert_eq!(
        pod["nodeSelector"],
        json!({ "kubernetes.io/arch": "arm64" })
    );
    assert_eq!(
        pod["tolerations"],
        json!([{ "key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule" }])
    );
    let c = container(d);
    assert_eq!(
        c["env"],
        json!([{ "name": "QUEUE_URL", "value": "amqp://rabbitmq:5672" }, { "name": "WORKERS", "value": "4" }])
    );
    assert!(
        serde_json::to_string(&c["volumeMounts"])
            .unwrap()
            .contains("{\"name\":\"data\",\"mountPath\":\"/data\"}")
    );
    assert!(out.not_understood.is_empty(), "{:?}", out.not_understood);
    assert_conventions(&out);
}

#[test]
fn log_agent_example() {
    let out = run(LOG_AGENT);
    assert_eq!(kinds(&out), ["DaemonSet/log-agent"]);
    let ds = find(&out, "DaemonSet", "log-agent");
    assert_eq!(ds["metadata"]["namespace"], "logging");
    let pod = &ds["spec"]["template"];
    assert_eq!(
        pod["metadata"]["annotations"]["prometheus.io/path"],
        "/api/v1/metrics/prometheus"
    );
    assert_eq!(pod["metadata"]["annotations"]["prometheus.io/port"], "2020");
    assert_eq!(
        pod["spec"]["tolerations"],
        json!([{ "key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule" }])
    );
    let c = container(ds);
    assert_eq!(
        c["ports"][0],
        json!({ "name": "metrics", "containerPort": 2020, "protocol": "TCP" })
    );
    assert_eq!(
        c["resources"],
        json!({ "requests": { "cpu": "50m", "memory": "64Mi" }, "limits": { "cpu": "200m", "memory": "128Mi" } })
    );
    assert!(out.not_understood.is_empty(), "{:?}", out.not_understood);
    assert_conventions(&out);
}

#[test]
fn db_migrate_example_reports_what_it_cannot_do() {
    let out = run(DB_MIGRATE);
    assert_eq!(kinds(&out), ["Job/db-migrate"]);
    let c = container(find(&out, "Job", "db-migrate"));
    assert_eq!(c["command"], json!(["migrate", "up", "--all"]));
    assert_eq!(c["envFrom"], json!([{ "secretRef": { "name": "db-url" } }]));
    assert_eq!(
        out.not_understood,
        [
            "Use blue-green deployment with Argo Rollouts",
            "make it fast"
        ]
    );
}

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
