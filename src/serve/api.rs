//! One raw request to the API server through kube's client (its auth, TLS and base URL), for
//! the objects serve reads and writes as JSON without typed bindings: Leases, approval
//! requests and their status, TargetApp status and Events, access reviews.

use serde_json::Value;

/// Sends `body` (if any) as `application/json`; returns the status code and the decoded
/// reply (`Null` when it is not JSON).
pub(crate) async fn request(
    client: &kube::Client,
    method: http::Method,
    path: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    request_as(client, method, path, "application/json", body).await
}

/// [`request`] with another content type (merge patches, for instance).
pub(crate) async fn request_as(
    client: &kube::Client,
    method: http::Method,
    path: &str,
    content_type: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .header(http::header::CONTENT_TYPE, content_type)
        .body(body.map(|b| b.to_string().into_bytes()).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    let resp = client
        .send(req.map(kube::client::Body::from))
        .await
        .map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    use http_body_util::BodyExt;
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

/// Who the client's own credentials are (SelfSubjectReview), else `kubeconfig-context:<ctx>`:
/// the approver `approvals approve` and the local dashboard record.
pub async fn whoami(client: &kube::Client, context: &str) -> String {
    let body =
        serde_json::json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
    if let Ok((200 | 201, v)) = request(
        client,
        http::Method::POST,
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        Some(&body),
    )
    .await
        && let Some(u) = v
            .pointer("/status/userInfo/username")
            .and_then(Value::as_str)
    {
        return u.to_string();
    }
    format!("kubeconfig-context:{context}")
}
