//! Behaviour tests: one per shipped example (asserting concrete fields), the not-understood
//! reporting, determinism, and a property test that arbitrary input never panics.

use serde_json::Value;

use super::{OfflineOutput, OfflineRequest, generate};

mod behaviour;
mod examples;

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
