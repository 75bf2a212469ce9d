//! House conventions from the team guides: recommended labels, selectors, security contexts,
//! default resources, and what we know about well-known images (pinned tags, ports, users).
//!
//! Kept apart from rendering so a guide change touches one file.

use serde_json::{Map, Value, json};

pub const MANAGED_BY: &str = "kubectl-claude";

/// Modest defaults used when the user gave no resources (always recorded in `defaults`).
pub const DEFAULT_REQUESTS: (&str, &str) = ("100m", "128Mi");
pub const DEFAULT_LIMITS: (&str, &str) = ("500m", "256Mi");

/// What we know about an image people name by a bare word ("deploy nginx").
#[derive(Debug)]
pub struct KnownImage {
    /// Words and repository names that refer to it.
    pub names: &'static [&'static str],
    /// Pinned replacement repository and tag.
    pub repo: &'static str,
    pub tag: &'static str,
    /// Container port and its name, if the image serves one.
    pub port: Option<(u16, &'static str)>,
    /// Numeric user the image can run as without root (needed for runAsNonRoot).
    pub run_as_user: Option<i64>,
    pub component: Option<&'static str>,
    /// Where it keeps data, used as the default mount path for persistent storage.
    pub data_dir: &'static str,
    /// Extra writable directories it needs when the root filesystem is read-only.
    pub writable_dirs: &'static [&'static str],
    /// It writes to `data_dir` (a database, a cache that saves): without persistent storage an
    /// emptyDir goes there, since the root filesystem is read-only.
    pub keeps_data: bool,
    /// Credentials the image refuses to start without (or starts wide open without): each
    /// (environment variable, Secret key), read from a Secret that is referenced, never created.
    pub secret_env: &'static [(&'static str, &'static str)],
    /// Plain environment it needs under our conventions.
    pub env: &'static [(&'static str, &'static str)],
    /// Container args it needs to do anything at all (the image's default is a help text).
    pub args: &'static [&'static str],
}

/// The fields most images share; spelled out in each entry otherwise.
const PLAIN: KnownImage = KnownImage {
    names: &[],
    repo: "",
    tag: "",
    port: None,
    run_as_user: None,
    component: None,
    data_dir: "/data",
    writable_dirs: &[],
    keeps_data: false,
    secret_env: &[],
    env: &[],
    args: &[],
};

pub const KNOWN_IMAGES: &[KnownImage] = &[
    KnownImage {
        names: &["nginx", "nginxinc/nginx-unprivileged"],
        repo: "nginxinc/nginx-unprivileged",
        tag: "1.27",
        port: Some((8080, "http")),
        run_as_user: None, // the unprivileged image already runs as uid 101
        component: Some("web"),
        data_dir: "/data",
        writable_dirs: &["/var/cache/nginx"],
        ..PLAIN
    },
    KnownImage {
        names: &["redis"],
        repo: "redis",
        tag: "7.4",
        port: Some((6379, "redis")),
        run_as_user: Some(999),
        component: Some("cache"),
        data_dir: "/data",
        writable_dirs: &[],
        keeps_data: true,
        ..PLAIN
    },
    KnownImage {
        names: &["postgres", "postgresql"],
        repo: "postgres",
        tag: "17",
        port: Some((5432, "postgres")),
        run_as_user: Some(999),
        component: Some("database"),
        data_dir: "/var/lib/postgresql/data",
        writable_dirs: &["/var/run/postgresql"],
        keeps_data: true,
        secret_env: &[("POSTGRES_PASSWORD", "password")],
        // initdb refuses a non-empty directory, and a fresh volume holds lost+found.
        env: &[("PGDATA", "/var/lib/postgresql/data/pgdata")],
        args: &[],
    },
    KnownImage {
        names: &["mysql"],
        repo: "mysql",
        tag: "8.4",
        port: Some((3306, "mysql")),
        run_as_user: Some(999),
        component: Some("database"),
        data_dir: "/var/lib/mysql",
        writable_dirs: &["/var/run/mysqld"],
        keeps_data: true,
        secret_env: &[("MYSQL_ROOT_PASSWORD", "password")],
        ..PLAIN
    },
    KnownImage {
        names: &["mariadb"],
        repo: "mariadb",
        tag: "11.4",
        port: Some((3306, "mysql")),
        run_as_user: Some(999),
        component: Some("database"),
        data_dir: "/var/lib/mysql",
        writable_dirs: &["/run/mysqld"],
        keeps_data: true,
        secret_env: &[("MARIADB_ROOT_PASSWORD", "password")],
        ..PLAIN
    },
    KnownImage {
        names: &["mongo", "mongodb"],
        repo: "mongo",
        tag: "8.0",
        port: Some((27017, "mongodb")),
        run_as_user: Some(999),
        component: Some("database"),
        data_dir: "/data/db",
        writable_dirs: &["/data/configdb"],
        keeps_data: true,
        secret_env: &[
            ("MONGO_INITDB_ROOT_USERNAME", "username"),
            ("MONGO_INITDB_ROOT_PASSWORD", "password"),
        ],
        ..PLAIN
    },
    KnownImage {
        names: &["rabbitmq"],
        repo: "rabbitmq",
        tag: "4.1",
        port: Some((5672, "amqp")),
        run_as_user: Some(999),
        component: Some("broker"),
        data_dir: "/var/lib/rabbitmq",
        writable_dirs: &[],
        keeps_data: true,
        // The stock guest user may only connect from localhost.
        secret_env: &[
            ("RABBITMQ_DEFAULT_USER", "username"),
            ("RABBITMQ_DEFAULT_PASS", "password"),
        ],
        ..PLAIN
    },
    KnownImage {
        names: &["minio", "minio/minio", "quay.io/minio/minio"],
        repo: "minio/minio",
        tag: "RELEASE.2025-04-22T22-12-26Z",
        port: Some((9000, "s3")),
        run_as_user: Some(1000),
        component: Some("storage"),
        data_dir: "/data",
        writable_dirs: &[],
        keeps_data: true,
        // Without credentials it starts with the well-known minioadmin/minioadmin.
        secret_env: &[
            ("MINIO_ROOT_USER", "username"),
            ("MINIO_ROOT_PASSWORD", "password"),
        ],
        env: &[],
        // Its certs directory defaults to $HOME/.minio, on the read-only root filesystem.
        args: &[
            "server",
            "/data",
            "--console-address",
            ":9001",
            "--certs-dir",
            "/tmp/minio-certs",
        ],
    },
    KnownImage {
        names: &["grafana", "grafana/grafana", "grafana/grafana-oss"],
        repo: "grafana/grafana",
        tag: "11.4.0",
        port: Some((3000, "http")),
        run_as_user: Some(472),
        component: Some("monitoring"),
        data_dir: "/var/lib/grafana",
        writable_dirs: &["/var/log/grafana"],
        keeps_data: true,
        // Without it the admin login is admin/admin.
        secret_env: &[("GF_SECURITY_ADMIN_PASSWORD", "password")],
        ..PLAIN
    },
    KnownImage {
        names: &["memcached"],
        repo: "memcached",
        tag: "1.6",
        port: Some((11211, "memcached")),
        run_as_user: Some(11211),
        component: Some("cache"),
        data_dir: "/data",
        writable_dirs: &[],
        ..PLAIN
    },
    KnownImage {
        names: &["busybox"],
        repo: "busybox",
        tag: "1.37",
        port: None,
        run_as_user: Some(65532),
        component: None,
        data_dir: "/data",
        writable_dirs: &[],
        ..PLAIN
    },
    KnownImage {
        names: &["alpine"],
        repo: "alpine",
        tag: "3.20",
        port: None,
        run_as_user: Some(65532),
        component: None,
        data_dir: "/data",
        writable_dirs: &[],
        ..PLAIN
    },
    KnownImage {
        names: &["python"],
        repo: "python",
        tag: "3.12-slim",
        port: None,
        run_as_user: Some(1000),
        component: None,
        data_dir: "/data",
        writable_dirs: &[],
        ..PLAIN
    },
    KnownImage {
        names: &["node", "nodejs"],
        repo: "node",
        tag: "22-alpine",
        port: None,
        run_as_user: Some(1000), // the image ships a "node" user with uid 1000
        component: None,
        data_dir: "/data",
        writable_dirs: &[],
        ..PLAIN
    },
];

/// Looks an image up by bare word or by repository (with or without `docker.io/library/`).
pub fn known_image(name: &str) -> Option<&'static KnownImage> {
    let low = name.to_ascii_lowercase();
    let repo = low
        .trim_start_matches("docker.io/")
        .trim_start_matches("library/");
    KNOWN_IMAGES.iter().find(|k| k.names.contains(&repo))
}

/// Splits `repo[:tag][@digest]` into repository and tag (a port in a registry host is not a tag).
pub fn split_image(image: &str) -> (&str, Option<&str>) {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    match without_digest[last_slash..].find(':') {
        Some(i) => (
            &without_digest[..last_slash + i],
            Some(&without_digest[last_slash + i + 1..]),
        ),
        None => (without_digest, None),
    }
}

/// The recommended labels for an object of application `name`.
pub fn labels(name: &str, component: Option<&str>, extra: &[(String, String)]) -> Value {
    let mut m = Map::new();
    m.insert("app.kubernetes.io/name".into(), name.into());
    m.insert("app.kubernetes.io/instance".into(), name.into());
    if let Some(c) = component {
        m.insert("app.kubernetes.io/component".into(), c.into());
    }
    m.insert("app.kubernetes.io/part-of".into(), name.into());
    m.insert("app.kubernetes.io/managed-by".into(), MANAGED_BY.into());
    for (k, v) in extra {
        m.insert(k.clone(), Value::String(v.clone()));
    }
    Value::Object(m)
}

/// Selectors use only the two stable labels, so adding labels later never orphans pods.
pub fn selector_labels(name: &str) -> Value {
    json!({ "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name })
}

pub fn pod_security_context(run_as_user: Option<i64>, fs_group: bool) -> Value {
    let mut m = Map::new();
    m.insert("runAsNonRoot".into(), true.into());
    if let Some(uid) = run_as_user {
        m.insert("runAsUser".into(), uid.into());
        m.insert("runAsGroup".into(), uid.into());
        if fs_group {
            // Lets the non-root user write to freshly provisioned volumes.
            m.insert("fsGroup".into(), uid.into());
        }
    }
    m.insert("seccompProfile".into(), json!({ "type": "RuntimeDefault" }));
    Value::Object(m)
}

pub fn container_security_context() -> Value {
    json!({
        "allowPrivilegeEscalation": false,
        "readOnlyRootFilesystem": true,
        "capabilities": { "drop": ["ALL"] },
    })
}
