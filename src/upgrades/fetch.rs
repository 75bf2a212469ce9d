//! Chart sources over the network: HTTP Helm repositories (`index.yaml` + `.tgz`) and OCI
//! registries (distribution API v2: tags list, manifest, the chart layer blob).
//!
//! One [`Fetcher`] per run caches indexes and tag lists, so ten releases from one repository
//! cost one index download.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use sha2::Digest;

use super::Error;
use super::auth::Basic;

/// Where a chart's versions live.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Repo {
    /// An HTTP(S) Helm repository: `<url>/index.yaml`.
    Http { url: String },
    /// An OCI repository holding one chart: `oci://host/path/chart`.
    Oci { url: String, insecure: bool },
}

impl Repo {
    pub fn url(&self) -> &str {
        match self {
            Repo::Http { url } | Repo::Oci { url, .. } => url,
        }
    }
}

pub const HELM_LAYER: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
const MANIFEST_TYPES: &str = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// One published version and where its archive is.
#[derive(Debug, Clone)]
pub struct Published {
    pub version: String,
    /// HTTP: the archive URL; OCI: the tag.
    pub locator: String,
}

/// A value computed once per run, shared by the releases analysed concurrently (ten releases
/// from one repository download its index once, even in parallel). Errors are kept too.
type Once<T> = Arc<tokio::sync::OnceCell<Result<T, Error>>>;

pub struct Fetcher {
    client: reqwest::Client,
    listed: Mutex<HashMap<String, Once<Vec<Published>>>>,
    indexes: Mutex<HashMap<String, Once<Arc<Value>>>>,
    /// Bearer tokens by OCI repository (ghcr.io, docker.io hand out anonymous ones).
    tokens: Mutex<HashMap<String, String>>,
}

fn cell<T>(map: &Mutex<HashMap<String, Once<T>>>, key: &str) -> Once<T> {
    map.lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key.to_string())
        .or_default()
        .clone()
}

impl Fetcher {
    /// `timeout` bounds each request; `None` means no limit (kubectl's `--request-timeout=0`),
    /// connecting still gives up after 10 s.
    pub fn new(timeout: Option<Duration>) -> Result<Self, Error> {
        let connect = Duration::from_secs(10);
        let mut builder = reqwest::Client::builder();
        if let Some(t) = timeout {
            builder = builder.timeout(t);
        }
        let client = builder
            .connect_timeout(timeout.map_or(connect, |t| t.min(connect)))
            .user_agent(concat!("kubectl-claude/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Client(e.to_string()))?;
        Ok(Self {
            client,
            listed: Mutex::default(),
            indexes: Mutex::default(),
            tokens: Mutex::default(),
        })
    }

    /// Every published version of `chart` in `repo`.
    pub async fn versions(
        &self,
        repo: &Repo,
        chart: &str,
        auth: Option<&Basic>,
    ) -> Result<Vec<Published>, Error> {
        let key = format!("{}#{chart}", repo.url());
        cell(&self.listed, &key)
            .get_or_init(|| async {
                match repo {
                    Repo::Http { url } => self.http_versions(url, chart, auth).await,
                    Repo::Oci { url, insecure } => self.oci_tags(url, *insecure, auth).await,
                }
            })
            .await
            .clone()
    }

    /// The archive of one version.
    pub async fn archive(
        &self,
        repo: &Repo,
        p: &Published,
        auth: Option<&Basic>,
    ) -> Result<Vec<u8>, Error> {
        match repo {
            Repo::Http { url } => {
                // As Helm (without passCredentials): credentials go only to the repository's host.
                let same_host = host_of(url).is_some() && host_of(url) == host_of(&p.locator);
                self.get_bytes(&p.locator, auth.filter(|_| same_host)).await
            }
            Repo::Oci { url, insecure } => self.oci_chart(url, *insecure, &p.locator, auth).await,
        }
    }

    async fn http_versions(
        &self,
        url: &str,
        chart: &str,
        auth: Option<&Basic>,
    ) -> Result<Vec<Published>, Error> {
        let base = format!("{}/", url.trim_end_matches('/'));
        let index_url = format!("{base}index.yaml");
        let index = cell(&self.indexes, &index_url)
            .get_or_init(|| self.index(&index_url, auth))
            .await
            .clone()?;
        let Some(entries) = index["entries"].get(chart).and_then(Value::as_array) else {
            return Err(Error::ChartNotInRepo {
                chart: chart.to_string(),
                url: url.to_string(),
            });
        };
        let base_url = reqwest::Url::parse(&base).map_err(|e| Error::MalformedIndex {
            url: index_url.clone(),
            message: format!("bad repository URL: {e}"),
        })?;
        let mut out = Vec::new();
        for e in entries {
            let (Some(version), Some(first)) = (
                e.get("version").and_then(Value::as_str),
                e.get("urls")
                    .and_then(Value::as_array)
                    .and_then(|u| u.first())
                    .and_then(Value::as_str),
            ) else {
                continue;
            };
            // Chart URLs may be relative to the repository.
            let Ok(abs) = base_url.join(first) else {
                continue;
            };
            out.push(Published {
                version: version.to_string(),
                locator: abs.to_string(),
            });
        }
        Ok(out)
    }

    async fn index(&self, index_url: &str, auth: Option<&Basic>) -> Result<Arc<Value>, Error> {
        let body = self.get_bytes(index_url, auth).await?;
        let malformed = |message: String| Error::MalformedIndex {
            url: index_url.to_string(),
            message,
        };
        let text = String::from_utf8(body).map_err(|_| malformed("not UTF-8 text".into()))?;
        let doc = crate::manifest::yaml::parse_stream_large(&text)
            .map_err(|e| malformed(e.to_string()))?
            .into_iter()
            .next()
            .filter(|d| d.get("entries").is_some_and(Value::is_object))
            .ok_or_else(|| {
                malformed("no `entries` map (is this a Helm repository index?)".into())
            })?;
        Ok(Arc::new(doc))
    }

    /// `oci://host/path` → (`http(s)://host/v2/path`, `path`).
    fn oci_base(url: &str, insecure: bool) -> Result<(String, String), Error> {
        let rest = url.strip_prefix("oci://").ok_or_else(|| Error::Source {
            message: format!("`{url}` is not an oci:// URL"),
        })?;
        let (host, path) = rest.split_once('/').ok_or_else(|| Error::Source {
            message: format!("`{url}` has no repository path"),
        })?;
        let scheme = if insecure { "http" } else { "https" };
        let path = path.trim_end_matches('/');
        Ok((format!("{scheme}://{host}/v2/{path}"), path.to_string()))
    }

    async fn oci_tags(
        &self,
        url: &str,
        insecure: bool,
        auth: Option<&Basic>,
    ) -> Result<Vec<Published>, Error> {
        let (base, _) = Self::oci_base(url, insecure)?;
        let mut next = Some(format!("{base}/tags/list?n=1000"));
        let mut out = Vec::new();
        let mut pages = 0;
        while let Some(u) = next.take() {
            let resp = self.oci_get(url, &u, None, auth).await?;
            next = next_link(&resp, &u);
            let body = read(resp, &u).await?;
            let v: Value = serde_json::from_slice(&body).map_err(|e| Error::MalformedIndex {
                url: u.clone(),
                message: format!("tags list is not JSON: {e}"),
            })?;
            let tags =
                v.get("tags")
                    .and_then(Value::as_array)
                    .ok_or_else(|| Error::MalformedIndex {
                        url: u.clone(),
                        message: "no `tags` list".into(),
                    })?;
            out.extend(tags.iter().filter_map(Value::as_str).map(|t| Published {
                version: t.replace('_', "+"),
                locator: t.to_string(),
            }));
            pages += 1;
            if pages >= 50 {
                break;
            }
        }
        Ok(out)
    }

    async fn oci_chart(
        &self,
        url: &str,
        insecure: bool,
        tag: &str,
        auth: Option<&Basic>,
    ) -> Result<Vec<u8>, Error> {
        let (base, _) = Self::oci_base(url, insecure)?;
        let murl = format!("{base}/manifests/{tag}");
        let resp = self.oci_get(url, &murl, Some(MANIFEST_TYPES), auth).await?;
        let body = read(resp, &murl).await?;
        let m: Value = serde_json::from_slice(&body).map_err(|e| Error::MalformedChart {
            what: murl.clone(),
            message: format!("manifest is not JSON: {e}"),
        })?;
        let digest = m
            .get("layers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|l| l.get("mediaType").and_then(Value::as_str) == Some(HELM_LAYER))
            .and_then(|l| l.get("digest").and_then(Value::as_str))
            .ok_or_else(|| Error::MalformedChart {
                what: murl.clone(),
                message: format!("no {HELM_LAYER} layer (is this a Helm chart?)"),
            })?
            .to_string();
        let burl = format!("{base}/blobs/{digest}");
        let resp = self.oci_get(url, &burl, None, auth).await?;
        let bytes = read(resp, &burl).await?;
        // The registry is content-addressed; check we got the content we asked for.
        let got = format!("sha256:{:x}", sha2::Sha256::digest(&bytes));
        if digest.starts_with("sha256:") && got != digest {
            return Err(Error::MalformedChart {
                what: burl,
                message: format!("blob digest is {got}, expected {digest}"),
            });
        }
        Ok(bytes)
    }

    /// GET with the bearer-token dance registries use (anonymous, or with the given
    /// credentials), or plain basic auth when the registry asks for that.
    async fn oci_get(
        &self,
        repo: &str,
        url: &str,
        accept: Option<&str>,
        auth: Option<&Basic>,
    ) -> Result<reqwest::Response, Error> {
        let client = self.client.clone();
        let send = |token: Option<&String>, basic: Option<&Basic>| {
            let mut rb = client.get(url);
            if let Some(a) = accept {
                rb = rb.header(reqwest::header::ACCEPT, a);
            }
            if let Some(t) = token {
                rb = rb.bearer_auth(t);
            } else if let Some(b) = basic {
                rb = rb.basic_auth(&b.username, Some(&b.password));
            }
            rb.send()
        };
        let cached = self.token(repo);
        let resp = send(cached.as_ref(), None)
            .await
            .map_err(|e| unreachable(url, e))?;
        if resp.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        let challenge = resp
            .headers()
            .get(reqwest::header::WWW_AUTHENTICATE)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
            .to_string();
        if challenge.starts_with("Basic") {
            if auth.is_none() {
                return Ok(resp);
            }
            return send(None, auth).await.map_err(|e| unreachable(url, e));
        }
        let Some(token) = self.bearer_token(&challenge, auth).await else {
            return Ok(resp);
        };
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(repo.to_string(), token.clone());
        send(Some(&token), None)
            .await
            .map_err(|e| unreachable(url, e))
    }

    fn token(&self, repo: &str) -> Option<String> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(repo)
            .cloned()
    }

    async fn bearer_token(&self, challenge: &str, auth: Option<&Basic>) -> Option<String> {
        let params = challenge.strip_prefix("Bearer ")?;
        let mut realm = None;
        let mut query = Vec::new();
        for part in split_params(params) {
            let (k, v) = part.split_once('=')?;
            let v = v.trim_matches('"').to_string();
            match k.trim() {
                "realm" => realm = Some(v),
                k => query.push((k.to_string(), v)),
            }
        }
        let mut url = reqwest::Url::parse(&realm?).ok()?;
        url.query_pairs_mut().extend_pairs(&query);
        let mut rb = self.client.get(url);
        if let Some(b) = auth {
            rb = rb.basic_auth(&b.username, Some(&b.password));
        }
        let resp = rb.send().await.ok()?;
        let v: Value = resp.json().await.ok()?;
        v.get("token")
            .or_else(|| v.get("access_token"))
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    async fn get_bytes(&self, url: &str, auth: Option<&Basic>) -> Result<Vec<u8>, Error> {
        let mut rb = self.client.get(url);
        if let Some(b) = auth {
            rb = rb.basic_auth(&b.username, Some(&b.password));
        }
        let resp = rb.send().await.map_err(|e| unreachable(url, e))?;
        read(resp, url).await
    }
}

/// The host (and port) of a URL, `oci://` included.
pub fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    rest.split(['/', '?']).next().filter(|h| !h.is_empty())
}

/// Splits `a="x,y",b="z"` on commas outside quotes.
fn split_params(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// The `Link: <…>; rel="next"` page of a tags list, resolved against the current URL.
fn next_link(resp: &reqwest::Response, current: &str) -> Option<String> {
    let link = resp.headers().get(reqwest::header::LINK)?.to_str().ok()?;
    let target = link.split(';').next()?.trim().trim_matches(['<', '>']);
    if !link.contains("rel=\"next\"") {
        return None;
    }
    reqwest::Url::parse(current)
        .ok()?
        .join(target)
        .ok()
        .map(|u| u.to_string())
}

fn unreachable(url: &str, e: reqwest::Error) -> Error {
    // reqwest's own Display repeats the URL; the innermost cause says why.
    let mut why = None;
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        why = Some(s.to_string());
        src = s.source();
    }
    let message = if e.is_timeout() {
        "timed out (see --timeout)".to_string()
    } else {
        let why = why.unwrap_or_else(|| e.to_string());
        if e.is_connect() {
            format!("connect: {why}")
        } else {
            why
        }
    };
    Error::Unreachable {
        url: url.to_string(),
        message,
    }
}

async fn read(resp: reqwest::Response, url: &str) -> Result<Vec<u8>, Error> {
    let status = resp.status();
    if !status.is_success() {
        return Err(Error::Http {
            url: url.to_string(),
            status: status.as_u16(),
        });
    }
    resp.bytes()
        .await
        .map(|b| b.to_vec())
        .map_err(|e| unreachable(url, e))
}
