//! Errors and requests: how a kube error is classified, and the bounded JSON and text calls
//! every read and write goes through.

use super::{LiveCluster, enc};
use crate::cluster::Error;
use crate::cluster::kubeconfig::error_chain;
use http::Method;
use serde_json::Value;

impl LiveCluster {
    // ------------------------------------------------------------------ errors and requests

    /// Maps a kube error: no answer → Unreachable, 401 → Unauthorized, else an API failure.
    pub(super) fn classify(&self, what: &str, e: kube::Error) -> Error {
        let message = error_chain(&e);
        match &e {
            kube::Error::Api(s) if s.code == 401 => Error::Unauthorized {
                context: self.context.clone(),
                server: self.server.clone(),
                kubeconfig: self.kubeconfig.clone(),
                message: if s.message.is_empty() {
                    "401 Unauthorized".into()
                } else {
                    s.message.clone()
                },
            },
            kube::Error::Auth(_) => Error::Unauthorized {
                context: self.context.clone(),
                server: self.server.clone(),
                kubeconfig: self.kubeconfig.clone(),
                message,
            },
            kube::Error::HyperError(_) | kube::Error::Service(_) | kube::Error::RustlsTls(_) => {
                Error::Unreachable {
                    context: self.context.clone(),
                    server: self.server.clone(),
                    kubeconfig: self.kubeconfig.clone(),
                    message,
                }
            }
            kube::Error::Api(s) => Error::Api {
                what: what.to_string(),
                message: format!("{} ({})", s.message, s.code),
            },
            _ => Error::Api {
                what: what.to_string(),
                message,
            },
        }
    }

    pub(super) fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<http::Request<Vec<u8>>, kube::Error> {
        let mut uri = path.to_string();
        for (i, (k, v)) in query.iter().enumerate() {
            uri.push(if i == 0 { '?' } else { '&' });
            uri.push_str(k);
            uri.push('=');
            uri.push_str(&enc(v));
        }
        let mut b = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("Accept", "application/json");
        let data = match body {
            Some((ct, data)) => {
                b = b.header("Content-Type", ct);
                data
            }
            None => Vec::new(),
        };
        b.body(data).map_err(kube::Error::HttpError)
    }

    pub(super) async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Value, kube::Error> {
        let req = self.request(method, path, query, body)?;
        self.bounded(self.client.request::<Value>(req)).await
    }

    pub(super) async fn call_text(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<String, kube::Error> {
        let req = self.request(Method::GET, path, query, None)?;
        self.bounded(self.client.request_text(req)).await
    }
}
