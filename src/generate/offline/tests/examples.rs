//! One test per shipped example, asserting the concrete fields it must render.

use super::{
    ARM_WORKER, DB_MIGRATE, FASTAPI, GATEWAY_WEB, LOG_AGENT, NGINX, NIGHTLY_BACKUP, REDIS,
    USER_SERVICE, assert_conventions, container, find, has_default, kinds, run,
};
use serde_json::{Value, json};

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
