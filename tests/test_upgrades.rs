//! `upgrades` against real protocols on loopback: a static HTTP Helm repository (index.yaml and
//! chart archives built here) and the real distribution registry (Debian's `docker-registry`,
//! installed by scripts/ci-deps.sh) holding charts pushed through its HTTP API.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::Digest;

use crate::support::env::{TestEnv, stderr, stdout};

/// A chart archive: `<name>/Chart.yaml`, `values.yaml`, optionally `values.schema.json`.
fn chart(
    name: &str,
    version: &str,
    app_version: &str,
    values: &str,
    schema: Option<&str>,
    changes: &str,
) -> Vec<u8> {
    let meta = format!(
        "apiVersion: v2\nname: {name}\nversion: {version}\nappVersion: \"{app_version}\"\nannotations:\n  artifacthub.io/changes: |\n{}",
        changes
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    );
    let mut files = vec![
        ("Chart.yaml", meta),
        ("values.yaml", values.to_string()),
        ("templates/x.yaml", "{{ .Values }}".into()),
    ];
    if let Some(s) = schema {
        files.push(("values.schema.json", s.to_string()));
    }
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (path, body) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, format!("{name}/{path}"), body.as_bytes())
            .unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// A static HTTP server: path → body; everything else is 404. Lives as long as the test.
struct StaticHttp {
    port: u16,
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    /// When set, every request but `/token` must carry exactly this `Authorization` header
    /// (else 401 with the given `WWW-Authenticate` challenge, when not empty).
    auth: Arc<Mutex<Option<(String, String)>>>,
    /// Every path requested, in order.
    hits: Arc<Mutex<Vec<String>>>,
}

impl StaticHttp {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let files: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
        let f = files.clone();
        let auth: Arc<Mutex<Option<(String, String)>>> = Arc::default();
        let want = auth.clone();
        let hits: Arc<Mutex<Vec<String>>> = Arc::default();
        let seen = hits.clone();
        std::thread::spawn(move || {
            for mut s in listener.incoming().flatten() {
                let mut line = String::new();
                let mut r = BufReader::new(s.try_clone().unwrap());
                if r.read_line(&mut line).is_err() {
                    continue;
                }
                // Read the headers, keeping Authorization.
                let mut h = String::new();
                let mut authorization = None;
                while r.read_line(&mut h).is_ok_and(|n| n > 2) {
                    if let Some((k, v)) = h.split_once(':')
                        && k.eq_ignore_ascii_case("authorization")
                    {
                        authorization = Some(v.trim().to_string());
                    }
                    h.clear();
                }
                let target = line.split(' ').nth(1).unwrap_or("/");
                let path = target.split('?').next().unwrap_or("/").to_string();
                seen.lock().unwrap().push(path.clone());
                let required = want.lock().unwrap().clone();
                let body = f.lock().unwrap().get(&path).cloned();
                let mut extra = String::new();
                let (status, body) = match (body, required) {
                    (_, Some((want, challenge)))
                        if path != "/token" && authorization.as_deref() != Some(want.as_str()) =>
                    {
                        if !challenge.is_empty() {
                            extra = format!("WWW-Authenticate: {challenge}\r\n");
                        }
                        ("401 Unauthorized", b"who are you".to_vec())
                    }
                    (Some(b), _) => ("200 OK", b),
                    (None, _) => ("404 Not Found", b"not found".to_vec()),
                };
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(&body);
            }
        });
        Self {
            port,
            files,
            auth,
            hits,
        }
    }
    fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|p| *p == path)
            .count()
    }
    fn require(&self, authorization: &str, challenge: &str) {
        *self.auth.lock().unwrap() = Some((authorization.to_string(), challenge.to_string()));
    }
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    fn put(&self, path: &str, body: impl Into<Vec<u8>>) {
        self.files
            .lock()
            .unwrap()
            .insert(path.to_string(), body.into());
    }
}

/// A Helm repository index for (version, appVersion) entries of one chart, relative URLs.
fn index(chart: &str, versions: &[&str]) -> String {
    let mut s = format!("apiVersion: v1\nentries:\n  {chart}:\n");
    for v in versions {
        s.push_str(&format!(
            "  - name: {chart}\n    version: {v}\n    urls: [{chart}-{v}.tgz]\n"
        ));
    }
    s
}

/// The distribution registry on a free loopback port with its own storage; killed on drop.
struct Registry {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Registry {
    fn start() -> Self {
        let bin = ["/usr/bin/docker-registry", "/usr/local/bin/docker-registry"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .expect("docker-registry (the OCI distribution registry) is not installed: run scripts/ci-deps.sh");
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n",
                dir.path().join("data").display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(bin)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start docker-registry");
        let mut reg = Self {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while http("GET", &format!("{}/v2/", reg.url()), &[], &[]).map(|r| r.0) != Ok(200) {
            if Instant::now() > deadline || reg.child.try_wait().ok().flatten().is_some() {
                let log = std::fs::read_to_string(reg._dir.path().join("registry.log"))
                    .unwrap_or_default();
                panic!(
                    "docker-registry did not come up on port {}: {log}",
                    reg.port
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        reg
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Uploads a blob (monolithic: POST an upload, PUT it with the digest).
    fn blob(&self, repo: &str, body: &[u8]) -> String {
        let digest = format!("sha256:{:x}", sha2::Sha256::digest(body));
        let (status, headers, _) = http(
            "POST",
            &format!("{}/v2/{repo}/blobs/uploads/", self.url()),
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(status, 202, "start upload");
        let loc = headers.get("location").expect("upload location").clone();
        let loc = if loc.starts_with("http") {
            loc
        } else {
            format!("{}{loc}", self.url())
        };
        let sep = if loc.contains('?') { '&' } else { '?' };
        let (status, _, b) = http(
            "PUT",
            &format!("{loc}{sep}digest={digest}"),
            &[("Content-Type", "application/octet-stream")],
            body,
        )
        .unwrap();
        assert_eq!(status, 201, "upload blob: {}", String::from_utf8_lossy(&b));
        digest
    }

    /// Pushes a chart as Helm does: config blob, chart layer, OCI manifest under the tag.
    fn push_chart(&self, repo: &str, tag: &str, tgz: &[u8]) {
        let config = format!(
            "{{\"name\":\"{}\",\"version\":\"{tag}\"}}",
            repo.rsplit('/').next().unwrap()
        );
        let cd = self.blob(repo, config.as_bytes());
        let ld = self.blob(repo, tgz);
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": cd, "size": config.len()},
            "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": ld, "size": tgz.len()}]
        })
        .to_string();
        let (status, _, b) = http(
            "PUT",
            &format!("{}/v2/{repo}/manifests/{tag}", self.url()),
            &[("Content-Type", "application/vnd.oci.image.manifest.v1+json")],
            manifest.as_bytes(),
        )
        .unwrap();
        assert_eq!(
            status,
            201,
            "push manifest: {}",
            String::from_utf8_lossy(&b)
        );
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client (one request per connection) for driving the registry.
#[allow(clippy::type_complexity)]
fn http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<(u16, HashMap<String, String>, Vec<u8>), String> {
    let rest = url.strip_prefix("http://").ok_or("http only")?;
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let mut s = std::net::TcpStream::connect(host).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    s.write_all(body).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no header end")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or("no status")?;
    let hs = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok((status, hs, raw[split + 4..].to_vec()))
}

const WEB_V1: &str =
    "replicaCount: 1\nimage:\n  repository: example/web\n  tag: \"\"\nservice:\n  port: 80\n";
const GRAFANA_V1: &str = "persistence:\n  enabled: false\n  storageClass: \"\"\n  size: 1Gi\nadminUser: admin\ngrafana.ini: {}\n";
const GRAFANA_V2: &str = "persistence:\n  enabled: false\n  storageClassName: \"\"\n  size: 1Gi\nadminUser: admin\ngrafana.ini: {}\nsidecar:\n  enabled: false\n";
const DB_VALUES: &str = "auth:\n  mode: md5\n  username: app\nprimary:\n  resources: {}\n";
const DB_SCHEMA_V2: &str = r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
  "properties": {"auth": {"type": "object", "properties": {"mode": {"enum": ["scram-sha-256"]}}}}}"#;

const WEB_HR: &str = "\
---
# yaml-language-server: $schema=https://kubernetes-schemas.example/helmrelease_v2.json
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
spec:
  interval: 30m
  chart:
    spec:
      chart: web
      version: 1.0.0 # pinned: see the upgrade notes
      sourceRef:
        kind: HelmRepository
        name: charts
        namespace: flux-system
  install:
    remediation:
      retries: 3
  values:
    replicaCount: 2
";

const GRAFANA_HR: &str = "\
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: grafana
spec:
  interval: 1h
  chart:
    spec:
      chart: grafana
      version: \"8.5.1\"
      sourceRef:
        kind: HelmRepository
        name: grafana-oci
        namespace: flux-system
  values:
    # The SSD class; keep it on local-path for now.
    persistence:
      enabled: true
      storageClass: local-path  # was longhorn
      size: 5Gi
";

const DB_HR: &str = "\
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: db
spec:
  interval: 1h
  chartRef:
    kind: OCIRepository
    name: db
    namespace: flux-system
  values:
    auth:
      mode: md5 # legacy clients
";

/// The repo fixture in the seed's layout, pointing at the two servers.
fn fixture(t: &TestEnv, http_url: &str, oci: &str) -> PathBuf {
    let root = t.path().join("home-ops");
    t.write(
        "home-ops/kubernetes/apps/default/web/app/helmrelease.yaml",
        WEB_HR,
    );
    t.write("home-ops/kubernetes/apps/default/web/ks.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  targetNamespace: default\n  interval: 1h\n  path: ./kubernetes/apps/default/web/app\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system\n");
    t.write(
        "home-ops/kubernetes/apps/observability/grafana/app/helmrelease.yaml",
        GRAFANA_HR,
    );
    t.write(
        "home-ops/kubernetes/apps/database/db/app/helmrelease.yaml",
        DB_HR,
    );
    t.write(
        "home-ops/kubernetes/flux/meta/repos/charts.yaml",
        &format!("---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: {http_url}/charts\n"),
    );
    t.write(
        "home-ops/kubernetes/flux/meta/repos/grafana.yaml",
        &format!("---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: grafana-oci\n  namespace: flux-system\nspec:\n  type: oci\n  insecure: true\n  interval: 1h\n  url: oci://{oci}/charts\n"),
    );
    t.write(
        "home-ops/kubernetes/flux/meta/repos/db.yaml",
        &format!("---\n# db chart, pinned\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: db\n  namespace: flux-system\nspec:\n  interval: 1h\n  insecure: true\n  url: oci://{oci}/charts/db\n  ref:\n    tag: 1.4.0\n"),
    );
    root
}

/// Both servers filled with the three charts' versions.
fn servers() -> (StaticHttp, Registry) {
    let web = StaticHttp::start();
    web.put(
        "/charts/index.yaml",
        index("web", &["0.9.0", "1.0.0", "1.0.1"]),
    );
    web.put(
        "/charts/web-0.9.0.tgz",
        chart("web", "0.9.0", "0.9", WEB_V1, None, "- old"),
    );
    web.put(
        "/charts/web-1.0.0.tgz",
        chart(
            "web",
            "1.0.0",
            "1.4.2",
            WEB_V1,
            None,
            "- kind: added\n  description: first stable",
        ),
    );
    web.put(
        "/charts/web-1.0.1.tgz",
        chart(
            "web",
            "1.0.1",
            "1.4.3",
            WEB_V1,
            None,
            "- kind: fixed\n  description: probe timeout",
        ),
    );
    let reg = Registry::start();
    reg.push_chart(
        "charts/grafana",
        "8.5.1",
        &chart("grafana", "8.5.1", "11.0.0", GRAFANA_V1, None, "- initial"),
    );
    reg.push_chart("charts/grafana", "8.6.0", &chart("grafana", "8.6.0", "11.1.0", GRAFANA_V2, None, "- kind: changed\n  description: persistence.storageClass is now persistence.storageClassName"));
    reg.push_chart(
        "charts/grafana",
        "8.7.0-rc.1",
        &chart("grafana", "8.7.0-rc.1", "11.2.0", GRAFANA_V2, None, "- rc"),
    );
    reg.push_chart(
        "charts/db",
        "1.4.0",
        &chart("db", "1.4.0", "15", DB_VALUES, None, "- x"),
    );
    reg.push_chart(
        "charts/db",
        "2.0.0",
        &chart(
            "db",
            "2.0.0",
            "16",
            DB_VALUES,
            Some(DB_SCHEMA_V2),
            "- kind: changed\n  description: only scram-sha-256 auth",
        ),
    );
    (web, reg)
}

fn json(o: &std::process::Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(o), stderr(o)))
}

fn release<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {doc:#}"))
}

/// Lines that differ between two texts, as (old, new) — for "only these lines changed".
fn changed_lines(old: &str, new: &str) -> Vec<(String, String)> {
    assert_eq!(
        old.lines().count(),
        new.lines().count(),
        "line count changed:\n{new}"
    );
    old.lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn upgrades_reports_candidates_impact_and_diffs_over_http_and_oci() {
    let (web, reg) = servers();
    let t = TestEnv::new();
    let root = fixture(&t, &web.url(), &format!("127.0.0.1:{}", reg.port));

    // Default target: the newest patch.
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["v"], 1);
    let w = release(&doc, "web");
    assert_eq!(
        (
            w["namespace"].as_str(),
            w["current"].as_str(),
            w["target"].as_str()
        ),
        (Some("default"), Some("1.0.0"), Some("1.0.1"))
    );
    assert_eq!(w["impact"], "patch");
    assert_eq!(
        w["app_version"],
        serde_json::json!({"from": "1.4.2", "to": "1.4.3"})
    );
    assert_eq!(
        w["images"][0],
        serde_json::json!({"name": "values:image", "from": "example/web:1.4.2", "to": "example/web:1.4.3"})
    );
    assert_eq!(w["changes"], serde_json::json!(["fixed: probe timeout"]));
    let g = release(&doc, "grafana");
    assert_eq!(g["namespace"], "observability");
    assert_eq!(
        g["latest"],
        serde_json::json!({"patch": null, "minor": "8.6.0", "major": null}),
        "no pre-releases unless asked"
    );
    assert_eq!(
        (g["target"].clone(), g["impact"].clone()),
        (Value::Null, "none".into())
    );
    let d = release(&doc, "db");
    assert_eq!(d["latest"]["major"], "2.0.0");
    assert_eq!(d["pinned_at"], "OCIRepository flux-system/db spec.ref.tag");

    // Up to the newest major: patch, minor with a renamed key, breaking major.
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .args(["--to", "major", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "breaking → exit 1: {}",
        stderr(&o)
    );
    let doc = json(&o);
    assert_eq!(release(&doc, "web")["impact"], "patch");
    let g = release(&doc, "grafana");
    assert_eq!(
        (g["target"].as_str(), g["impact"].as_str()),
        (Some("8.6.0"), Some("minor")),
        "{g:#}"
    );
    assert_eq!(
        g["values"]["renamed"],
        serde_json::json!([{"from": "persistence.storageClass", "to": "persistence.storageClassName"}])
    );
    assert_eq!(g["values"]["added"], serde_json::json!(["sidecar"]));
    assert_eq!(
        g["custom"]["migrated"][0]["to"],
        "persistence.storageClassName"
    );
    assert_eq!(g["custom"]["gone"], serde_json::json!([]));
    let diff = g["edits"][0]["diff"].as_str().unwrap();
    assert_eq!(
        g["edits"][0]["file"],
        "kubernetes/apps/observability/grafana/app/helmrelease.yaml"
    );
    for line in [
        "-      version: \"8.5.1\"",
        "+      version: \"8.6.0\"",
        "-      storageClass: local-path  # was longhorn",
        "+      storageClassName: local-path  # was longhorn",
    ] {
        assert!(
            diff.lines().any(|l| l == line),
            "missing `{line}` in\n{diff}"
        );
    }
    assert_eq!(
        diff.lines()
            .filter(|l| l.starts_with(['+', '-']) && !l.starts_with("+++") && !l.starts_with("---"))
            .count(),
        4,
        "{diff}"
    );
    let d = release(&doc, "db");
    assert_eq!(
        (d["target"].as_str(), d["impact"].as_str()),
        (Some("2.0.0"), Some("breaking"))
    );
    assert_eq!(d["custom"]["schema_errors"][0]["path"], "auth.mode");
    assert!(
        d["reasons"].to_string().contains("major version change"),
        "{d:#}"
    );
    assert!(
        d["reasons"].to_string().contains("rejects `auth.mode`"),
        "{d:#}"
    );
    assert_eq!(
        d["edits"][0]["file"], "kubernetes/flux/meta/repos/db.yaml",
        "the tag lives in the OCIRepository"
    );

    // Pre-releases when asked; the table names every release.
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .args(["--pre", "--app", "grafana", "--to", "minor"])
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.contains("8.7.0-rc.1"), "{out}");
    assert!(
        out.contains("renamed: persistence.storageClass → persistence.storageClassName"),
        "{out}"
    );
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .output()
        .unwrap();
    let out = stdout(&o);
    for name in ["web", "grafana", "db"] {
        assert!(
            out.lines().any(|l| l.contains(name)),
            "{name} missing from\n{out}"
        );
    }
    assert!(
        out.contains("+      version: 1.0.1 # pinned: see the upgrade notes"),
        "{out}"
    );
}

#[test]
fn upgrades_write_edits_in_place_keeps_comments_and_skips_breaking() {
    let (web, reg) = servers();
    let t = TestEnv::new();
    let root = fixture(&t, &web.url(), &format!("127.0.0.1:{}", reg.port));
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    let (web_hr, graf_hr, db_src) = (
        "kubernetes/apps/default/web/app/helmrelease.yaml",
        "kubernetes/apps/observability/grafana/app/helmrelease.yaml",
        "kubernetes/flux/meta/repos/db.yaml",
    );
    let db_before = read(db_src);

    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .args(["--to", "major", "--write"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("database/db: not written: the upgrade to 2.0.0 is breaking"),
        "{err}"
    );

    assert_eq!(
        changed_lines(WEB_HR, &read(web_hr)),
        vec![(
            "      version: 1.0.0 # pinned: see the upgrade notes".into(),
            "      version: 1.0.1 # pinned: see the upgrade notes".into()
        )]
    );
    assert_eq!(
        changed_lines(GRAFANA_HR, &read(graf_hr)),
        vec![
            (
                "      version: \"8.5.1\"".into(),
                "      version: \"8.6.0\"".into()
            ),
            (
                "      storageClass: local-path  # was longhorn".into(),
                "      storageClassName: local-path  # was longhorn".into()
            ),
        ]
    );
    assert!(read(graf_hr).contains("    # The SSD class; keep it on local-path for now.\n"));
    assert_eq!(
        read(db_src),
        db_before,
        "a breaking upgrade is never written"
    );

    // The result lints clean with the project's own lint.
    for f in [web_hr, graf_hr] {
        let o = t
            .cmd()
            .args(["lint", "-f"])
            .arg(root.join(f))
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{f}: {}{}",
            stdout(&o),
            stderr(&o)
        );
    }
    // Nothing is left to do at patch level; the written version is now current.
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .args(["--app", "grafana", "-o", "json"])
        .output()
        .unwrap();
    let doc = json(&o);
    assert_eq!(release(&doc, "grafana")["current"], "8.6.0");
    assert_eq!(release(&doc, "grafana")["impact"], "none");
    // No stray temp files next to the edited ones.
    let left: Vec<_> = std::fs::read_dir(root.join("kubernetes/apps/observability/grafana/app"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn upgrades_errors_name_the_source_and_the_next_step() {
    let web = StaticHttp::start();
    web.put(
        "/charts/index.yaml",
        index("web", &["0.9.0", "1.0.0", "1.0.1"]),
    );
    web.put(
        "/charts/web-1.0.0.tgz",
        chart("web", "1.0.0", "1", WEB_V1, None, "- a"),
    );
    web.put(
        "/charts/web-1.0.1.tgz",
        chart("web", "1.0.1", "1", WEB_V1, None, "- a"),
    );
    web.put("/bad/index.yaml", "entries: [this, is: not");
    web.put("/notrepo/index.yaml", "hello: world\n");
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let t = TestEnv::new();
    let repo = |name: &str, url: &str| {
        format!(
            "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: {name}\n  namespace: flux-system\nspec:\n  url: {url}\n"
        )
    };
    t.write(
        "r/kubernetes/flux/meta/repos/all.yaml",
        &[
            repo("good", &format!("{}/charts", web.url())),
            repo("down", &format!("http://127.0.0.1:{closed}/charts")),
            repo("bad", &format!("{}/bad", web.url())),
            repo("notrepo", &format!("{}/notrepo", web.url())),
        ]
        .concat(),
    );
    for (app, src, version) in [
        ("ok", "good", "1.0.0"),
        ("missing", "good", "9.9.9"),
        ("down", "down", "1.0.0"),
        ("bad", "bad", "1.0.0"),
        ("notrepo", "notrepo", "1.0.0"),
    ] {
        t.write(
            &format!("r/kubernetes/apps/x/{app}/app/helmrelease.yaml"),
            &WEB_HR
                .replace("name: web\n", &format!("name: {app}\n"))
                .replace("name: charts", &format!("name: {src}"))
                .replace("1.0.0", version),
        );
    }
    t.write(
        "r/kubernetes/apps/x/unpinned/app/helmrelease.yaml",
        &WEB_HR
            .replace("name: web\n", "name: unpinned\n")
            .replace("      version: 1.0.0 # pinned: see the upgrade notes\n", ""),
    );
    let run = |args: &[&str]| {
        t.cmd()
            .args(["upgrades", "-f", "r"])
            .args(args)
            .output()
            .unwrap()
    };

    let o = run(&["--app", "down"]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no partial output: {}", stdout(&o));
    assert!(
        stderr(&o).contains(&format!(
            "cannot reach http://127.0.0.1:{closed}/charts/index.yaml"
        )),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("hint: check the source's spec.url"),
        "{}",
        stderr(&o)
    );

    // A server that accepts and never answers: the per-request timeout ends it.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    t.write(
        "r/kubernetes/flux/meta/repos/silent.yaml",
        &repo(
            "silent",
            &format!("http://{}/charts", silent.local_addr().unwrap()),
        ),
    );
    t.write(
        "r/kubernetes/apps/y/slow/app/helmrelease.yaml",
        &WEB_HR
            .replace("name: web\n", "name: slow\n")
            .replace("name: charts", "name: silent"),
    );
    let started = Instant::now();
    let o = run(&["--app", "slow", "--timeout", "1"]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("timed out"), "{}", stderr(&o));
    assert!(started.elapsed() < Duration::from_secs(10));
    // Closed from here on: the runs below see a refused connection, not a 30 s wait.
    drop(silent);

    let o = run(&["--app", "missing"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("chart `web` version 9.9.9 is not published in"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("newest available: 1.0.1, 1.0.0, 0.9.0"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--app", "ok", "--to", "0.9.0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--to 0.9.0 is older than the pinned 1.0.0"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--app", "ok", "--to", "7.7.7"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("version 7.7.7 is not published"),
        "{}",
        stderr(&o)
    );

    for app in ["bad", "notrepo"] {
        let o = run(&["--app", app]);
        assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "malformed repository index {}/{app}/index.yaml",
                web.url()
            )),
            "{}",
            stderr(&o)
        );
    }

    // All at once: the report covers every release, the failures are named, exit is an error's.
    let before = web.hits("/charts/index.yaml");
    let o = run(&["-o", "json"]);
    assert_eq!(
        web.hits("/charts/index.yaml") - before,
        1,
        "two releases of one repository, analysed concurrently, share one index download"
    );
    assert_ne!(o.status.code(), Some(0));
    let doc = json(&o);
    assert_eq!(release(&doc, "ok")["impact"], "patch");
    assert_eq!(release(&doc, "down")["impact"], "error");
    assert!(
        release(&doc, "bad")["error"]
            .as_str()
            .unwrap()
            .contains("malformed repository index")
    );
    assert!(
        stderr(&o).contains("error: x/down: cannot reach"),
        "{}",
        stderr(&o)
    );
    assert_eq!(release(&doc, "unpinned")["impact"], "skipped");
    assert!(
        release(&doc, "unpinned")["notes"][0]
            .as_str()
            .unwrap()
            .contains("not pinned")
    );
    assert_eq!(release(&doc, "unpinned")["error"], Value::Null);

    let o = run(&["--app", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no HelmRelease named `nope`"),
        "{}",
        stderr(&o)
    );
    let o = t.run(["upgrades", "-f", "does-not-exist"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--to", "sideways"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = Path::new(".");
}

#[test]
fn upgrades_live_reads_releases_and_sources_from_the_cluster() {
    use crate::support::fake_apiserver::FakeApiServer;
    let web = StaticHttp::start();
    web.put(
        "/charts/index.yaml",
        index("web", &["1.0.0", "1.0.1", "2.0.0"]),
    );
    for v in ["1.0.0", "1.0.1", "2.0.0"] {
        web.put(
            &format!("/charts/web-{v}.tgz"),
            chart("web", v, v, WEB_V1, None, "- a"),
        );
    }
    let hr = serde_json::json!({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
        "metadata": {"name": "web", "namespace": "apps"},
        "spec": {"chart": {"spec": {"chart": "web", "version": "1.0.0",
                 "sourceRef": {"kind": "HelmRepository", "name": "charts", "namespace": "flux-system"}}},
                 "values": {"replicaCount": 2}}});
    let repo = serde_json::json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository",
        "metadata": {"name": "charts", "namespace": "flux-system"},
        "spec": {"url": format!("{}/charts", web.url())}});
    let fake = FakeApiServer::start(vec![hr, repo]);
    let t = crate::support::env::env_for(&fake);
    let o = t.run(["upgrades", "--live", "-A", "-o", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    let w = release(&doc, "web");
    assert_eq!(
        (w["namespace"].as_str(), w["target"].as_str()),
        (Some("apps"), Some("1.0.1"))
    );
    assert_eq!(w["latest"]["major"], "2.0.0");
    assert_eq!(w["file"], Value::Null);
    assert_eq!(
        w["edits"],
        serde_json::json!([]),
        "nothing to edit without files"
    );
    let o = t.run(["upgrades", "--live", "--write"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "--write needs files: {}",
        stderr(&o)
    );
}

#[test]
fn upgrades_explain_sends_versions_and_key_paths_never_values() {
    use crate::support::fake_llm::{FakeLlm, Reply};
    let (web, reg) = servers();
    let llm = FakeLlm::start(vec![Reply::anthropic(
        "Take web now; migrate grafana; hold db.",
    )]);
    let mut t = TestEnv::new();
    let root = fixture(&t, &web.url(), &format!("127.0.0.1:{}", reg.port));
    // Without a model, --explain is refused before any network work.
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .arg("--explain")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    t.use_anthropic(&llm);
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .args(["--to", "major", "--explain", "-o", "json"])
        .args(["--provider", "anthropic", "--model", "claude-review"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(
        doc["explanation"]["text"],
        "Take web now; migrate grafana; hold db."
    );
    assert_eq!(
        doc["explanation"]["model"], "claude-review",
        "--model is asked"
    );
    assert_eq!(llm.count(), 1);
    assert_eq!(llm.requests()[0].json()["model"], "claude-review");
    // The model flags belong to --explain; offline has no model to ask.
    for extra in [
        &["--model", "m"][..],
        &["--explain", "--provider", "offline"][..],
    ] {
        let o = t.run(
            ["upgrades", "-f", &root.display().to_string()]
                .iter()
                .chain(extra),
        );
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("hint: "), "{}", stderr(&o));
    }
    assert_eq!(llm.count(), 1, "refused before any model call");
    let body = &llm.requests()[0].body;
    assert!(
        body.contains("auth.mode") && body.contains("8.5.1") && body.contains("storageClassName"),
        "{body}"
    );
    for value in ["md5", "local-path", "longhorn", "5Gi"] {
        assert!(
            !body.contains(value),
            "custom value `{value}` was sent: {body}"
        );
    }
}

#[test]
fn upgrades_credentials_come_only_from_secrets_passed_explicitly() {
    let web = StaticHttp::start();
    web.put("/charts/index.yaml", index("web", &["1.0.0", "1.0.1"]));
    for v in ["1.0.0", "1.0.1"] {
        web.put(
            &format!("/charts/web-{v}.tgz"),
            chart("web", v, v, WEB_V1, None, "- a"),
        );
    }
    // user:s3cret-pass
    web.require("Basic dXNlcjpzM2NyZXQtcGFzcw==", "");
    let t = TestEnv::new();
    t.write("r/kubernetes/apps/x/web/app/helmrelease.yaml", WEB_HR);
    t.write(
        "r/kubernetes/flux/meta/repos/charts.yaml",
        &format!("apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  url: {}/charts\n  secretRef:\n    name: charts-auth\n", web.url()),
    );
    t.write(
        "secrets/charts-auth.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: charts-auth\n  namespace: flux-system\nstringData:\n  username: user\n  password: s3cret-pass\n",
    );
    let o = t.run(["upgrades", "-f", "r"]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("answered HTTP 401"), "{}", stderr(&o));
    assert!(stderr(&o).contains("pass --credentials"), "{}", stderr(&o));

    let o = t.run([
        "upgrades",
        "-f",
        "r",
        "--credentials",
        "secrets",
        "-o",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(release(&json(&o), "web")["target"], "1.0.1");
    for out in [stdout(&o), stderr(&o)] {
        assert!(
            !out.contains("s3cret-pass") && !out.contains("dXNlcjpzM2NyZXQtcGFzcw"),
            "{out}"
        );
    }
    let o = t.run([
        "upgrades",
        "-f",
        "r",
        "--credentials",
        "r/kubernetes/flux/meta/repos/charts.yaml",
    ]);
    assert_eq!(o.status.code(), Some(2), "not a Secret: {}", stderr(&o));
}

#[test]
fn upgrades_migrates_renamed_keys_in_kustomize_generated_values_files() {
    let web = StaticHttp::start();
    web.put("/charts/index.yaml", index("grafana", &["8.5.1", "8.6.0"]));
    web.put(
        "/charts/grafana-8.5.1.tgz",
        chart("grafana", "8.5.1", "11.0.0", GRAFANA_V1, None, "- a"),
    );
    web.put(
        "/charts/grafana-8.6.0.tgz",
        chart("grafana", "8.6.0", "11.1.0", GRAFANA_V2, None, "- b"),
    );
    let t = TestEnv::new();
    let app = "r/kubernetes/apps/observability/grafana/app";
    t.write(
        &format!("{app}/helmrelease.yaml"),
        &GRAFANA_HR
            .replace("name: grafana-oci", "name: charts")
            .replace(
                "  values:\n",
                "  valuesFrom:\n    - kind: ConfigMap\n      name: grafana-values\n  values:\n",
            )
            .replace("      storageClass: local-path  # was longhorn\n", ""),
    );
    t.write(
        &format!("{app}/kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./helmrelease.yaml\nconfigMapGenerator:\n  - name: grafana-values\n    files:\n      - values.yaml=./resources/values.yaml\ngeneratorOptions:\n  disableNameSuffixHash: true\n",
    );
    let values = "# Grafana values, fed through valuesFrom\npersistence:\n  storageClass: ssd # the fast one\nadminUser: root\n";
    t.write(&format!("{app}/resources/values.yaml"), values);
    t.write(
        "r/kubernetes/flux/meta/repos/charts.yaml",
        &format!("apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  url: {}/charts\n", web.url()),
    );
    let o = t.run([
        "upgrades", "-f", "r", "--to", "minor", "--write", "-o", "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    let g = release(&doc, "grafana");
    assert_eq!(g["impact"], "minor");
    assert_eq!(
        g["custom"]["migrated"][0]["from"],
        "persistence.storageClass"
    );
    let files: Vec<&str> = g["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        vec![
            "kubernetes/apps/observability/grafana/app/helmrelease.yaml",
            "kubernetes/apps/observability/grafana/app/resources/values.yaml",
        ]
    );
    let after = std::fs::read_to_string(t.path().join(app).join("resources/values.yaml")).unwrap();
    assert_eq!(
        changed_lines(values, &after),
        vec![(
            "  storageClass: ssd # the fast one".into(),
            "  storageClassName: ssd # the fast one".into()
        )]
    );
}

#[test]
fn upgrades_follows_the_registry_bearer_token_challenge() {
    // A registry in front of a token service, as ghcr.io and Docker Hub are: every call
    // without the token gets 401 + `WWW-Authenticate: Bearer realm=…`.
    let reg = StaticHttp::start();
    let challenge = format!(
        "Bearer realm=\"{}/token\",service=\"fake\",scope=\"repository:charts/web:pull\"",
        reg.url()
    );
    reg.require("Bearer t0k3n", &challenge);
    reg.put("/token", r#"{"token": "t0k3n"}"#);
    reg.put(
        "/v2/charts/web/tags/list",
        r#"{"name": "charts/web", "tags": ["1.0.0", "1.0.1", "latest"]}"#,
    );
    for v in ["1.0.0", "1.0.1"] {
        let tgz = chart("web", v, v, WEB_V1, None, "- a");
        let digest = format!("sha256:{:x}", sha2::Sha256::digest(&tgz));
        reg.put(
            &format!("/v2/charts/web/manifests/{v}"),
            serde_json::json!({"schemaVersion": 2, "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip", "digest": digest, "size": tgz.len()}]}).to_string(),
        );
        reg.put(&format!("/v2/charts/web/blobs/{digest}"), tgz);
    }
    let t = TestEnv::new();
    t.write("r/kubernetes/apps/x/web/app/helmrelease.yaml", WEB_HR);
    let host = reg.url().replace("http://", "");
    t.write(
        "r/kubernetes/flux/meta/repos/charts.yaml",
        &format!("apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  type: oci\n  insecure: true\n  url: oci://{host}/charts\n"),
    );
    let o = t.run(["upgrades", "-f", "r", "-o", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    let w = release(&doc, "web");
    assert_eq!(
        (w["target"].as_str(), w["impact"].as_str()),
        (Some("1.0.1"), Some("patch")),
        "{w:#}"
    );
}

/// Hints point somewhere: a missing repository says it does not exist; `-f` with `--live`
/// is refused rather than ignored; a snapshot without HelmReleases does not suggest the `-f`
/// that was (or could be) passed alongside it.
#[test]
fn upgrades_usage_errors_name_what_is_wrong() {
    let t = TestEnv::new();
    let snap = t.write(
        "snap/pods.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\n",
    );
    let snap = snap.parent().unwrap().display().to_string();
    let run = |args: &[&str]| {
        let o = t.cmd().arg("upgrades").args(args).output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
            o.stdout.is_empty(),
        )
    };
    let (code, e, empty) = run(&["-f", "no/such/dir"]);
    assert_eq!(code, Some(2), "{e}");
    assert!(e.contains("no/such/dir does not exist"), "{e}");
    assert!(empty);
    let (code, e, _) = run(&["-f", ".", "--live"]);
    assert_eq!(code, Some(2), "{e}");
    assert!(e.contains("cannot be used with"), "{e}");
    let (code, e, _) = run(&["--snapshot", &snap]);
    assert_eq!(code, Some(2), "{e}");
    assert!(e.contains("no HelmReleases found in snapshot"), "{e}");
    assert!(e.contains("drop --live/--snapshot"), "{e}");
}

/// Verifier defect: one HelmRelease without `spec.chart` or `spec.chartRef` is reported as
/// not checked, with the reason, and the run goes on (before: exit 2 and `impact: error`).
#[test]
fn upgrades_a_release_without_a_chart_is_not_checked_and_the_run_goes_on() {
    let (web, reg) = servers();
    let t = TestEnv::new();
    let root = fixture(&t, &web.url(), &format!("127.0.0.1:{}", reg.port));
    t.write(
        "home-ops/kubernetes/apps/default/odd/app/helmrelease.yaml",
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: odd\n  namespace: default\nspec:\n  interval: 1h\n",
    );
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    let odd = release(&doc, "odd");
    assert_eq!(odd["impact"], "skipped", "{odd:#}");
    assert!(
        odd.to_string()
            .contains("has neither spec.chart nor spec.chartRef"),
        "{odd:#}"
    );
    // The others were checked as without it.
    assert_eq!(release(&doc, "web")["target"], "1.0.1");
    assert!(!stderr(&o).contains("error:"), "{}", stderr(&o));
}

/// Verifier defect: `upgrades --to <TAB>` offers the named targets (before: nothing, so the
/// shell fell back to other words).
#[test]
fn upgrades_to_completes_the_named_targets() {
    let t = TestEnv::new();
    let o = t
        .persona("kubectl_complete-claude")
        .args(["upgrades", "--to", ""])
        .output()
        .unwrap();
    let out = stdout(&o);
    let words: Vec<&str> = out
        .lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    assert_eq!(words, ["patch", "minor", "major", ":4"], "{out}");
}

/// Verifier defect: `--timeout 0` means no limit, as kubectl's `--request-timeout=0` (before:
/// it was read as 1 s). The chart repository answers after 1.5 s, through a slow proxy.
#[test]
fn upgrades_timeout_zero_means_no_limit() {
    let (web, reg) = servers();
    let upstream = web.port;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let slow = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(1500));
                let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", upstream)) else {
                    return;
                };
                let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let up = std::thread::spawn(move || {
                    let _ = std::io::copy(&mut c2, &mut s2);
                    let _ = s2.shutdown(std::net::Shutdown::Write);
                });
                let (mut c, mut s) = (client, server);
                let _ = std::io::copy(&mut s, &mut c);
                let _ = c.shutdown(std::net::Shutdown::Write);
                let _ = up.join();
            });
        }
    });
    let t = TestEnv::new();
    let root = fixture(
        &t,
        &format!("http://127.0.0.1:{slow}"),
        &format!("127.0.0.1:{}", reg.port),
    );
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .args(["--app", "web", "--timeout", "0", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(release(&json(&o), "web")["target"], "1.0.1");
    // A limit still limits.
    let o = t
        .cmd()
        .args(["upgrades", "-f"])
        .arg(&root)
        .args(["--app", "web", "--timeout", "1", "-o", "json"])
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0), "{}", stdout(&o));
}
