//! serve's HTTP server: hyper on the listener, the built-in router and extension routes
//! ([`Handler`]), and the metrics-only listener.

use super::*;

/// A request as an extension route sees it (owned: handlers are async).
pub struct HttpRequest {
    pub method: http::Method,
    pub path: String,
    /// The raw query string (without `?`).
    pub query: String,
    pub headers: http::HeaderMap,
    pub body: hyper::body::Bytes,
    /// The connection's remote address (the proxy's, behind an Ingress).
    pub peer: Option<std::net::SocketAddr>,
}

/// An extension route's answer: any status, its own headers (Set-Cookie, Location, CSP…).
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(http::HeaderName, String)>,
    pub body: Vec<u8>,
}

/// The handler of the paths under a prefix ([`Shared::add_routes`]).
pub trait Handler {
    fn handle(
        &self,
        shared: Rc<Shared>,
        launcher: Rc<dyn Launcher>,
        req: HttpRequest,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = HttpResponse>>>;
}

fn to_hyper(r: HttpResponse) -> hyper::Response<http_body_util::Full<hyper::body::Bytes>> {
    let mut b = hyper::Response::builder().status(r.status);
    for (k, v) in r.headers {
        b = b.header(k, v);
    }
    b.body(http_body_util::Full::new(hyper::body::Bytes::from(r.body)))
        .unwrap_or_default()
}

/// Serves only `GET /metrics` on `listener` (the `METRICS_PORT` listener: scrapers reach the
/// metrics there without reaching the hooks or the dashboard); everything else is 404.
pub async fn metrics_http(shared: Rc<Shared>, listener: tokio::net::TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let io = hyper_util::rt::TokioIo::new(stream);
        let sh = shared.clone();
        tokio::task::spawn_local(async move {
            let svc =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let a = match (req.method().as_str(), req.uri().path()) {
                        ("GET", "/metrics") => Answer {
                            status: 200,
                            content_type: "text/plain; version=0.0.4",
                            body: sh.metrics.render(),
                        },
                        _ => error(404, "not found: this port serves only /metrics"),
                    };
                    let resp = hyper::Response::builder()
                        .status(a.status)
                        .header(http::header::CONTENT_TYPE, a.content_type)
                        .body(http_body_util::Full::new(hyper::body::Bytes::from(a.body)))
                        .unwrap_or_default();
                    async move { Ok::<_, std::convert::Infallible>(resp) }
                });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, svc)
                .await;
        });
    }
}

/// Serves HTTP on `listener` until the process ends.
pub async fn http(
    shared: Rc<Shared>,
    launcher: Rc<dyn Launcher>,
    listener: tokio::net::TcpListener,
) {
    use http_body_util::BodyExt;
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            continue;
        };
        let io = hyper_util::rt::TokioIo::new(stream);
        let (sh, la) = (shared.clone(), launcher.clone());
        tokio::task::spawn_local(async move {
            let svc =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let (sh, la) = (sh.clone(), la.clone());
                    async move {
                        let max = sh.settings.max_body;
                        let (parts, body) = req.into_parts();
                        let a = match http_body_util::Limited::new(body, max).collect().await {
                            Ok(b) => {
                                let bytes = b.to_bytes();
                                if let Some(h) = sh.extra_route(parts.uri.path()) {
                                    let r = HttpRequest {
                                        method: parts.method.clone(),
                                        path: parts.uri.path().to_string(),
                                        query: parts.uri.query().unwrap_or("").to_string(),
                                        headers: parts.headers.clone(),
                                        body: bytes,
                                        peer: Some(peer),
                                    };
                                    let resp = h.handle(sh.clone(), la.clone(), r).await;
                                    return Ok(to_hyper(resp));
                                }
                                let r = Request {
                                    method: parts.method.as_str(),
                                    path: parts.uri.path(),
                                    authorization: parts
                                        .headers
                                        .get(http::header::AUTHORIZATION)
                                        .and_then(|v| v.to_str().ok()),
                                    body: &bytes,
                                };
                                route(&sh, &la, &r)
                            }
                            Err(_) => error(413, &format!("body larger than {max} bytes")),
                        };
                        let resp = hyper::Response::builder()
                            .status(a.status)
                            .header(http::header::CONTENT_TYPE, a.content_type)
                            .body(http_body_util::Full::new(hyper::body::Bytes::from(a.body)))
                            .unwrap_or_default();
                        Ok::<_, std::convert::Infallible>(resp)
                    }
                });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, svc)
                .await;
        });
    }
}
