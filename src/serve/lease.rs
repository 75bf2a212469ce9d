//! Leader election on a `coordination.k8s.io/v1` Lease, with the API server's optimistic
//! concurrency as the lock: a replica takes the Lease by creating it, or by replacing it (with
//! the resourceVersion it read) once the holder stopped renewing for `leaseDurationSeconds`;
//! it renews by the same replace. A conflict (409) means another replica won.

use std::rc::Rc;
use std::time::Duration;

use serde_json::{Value, json};

use super::Shared;

/// Where the Lease lives and who we are.
#[derive(Debug, Clone)]
pub struct LeaseConfig {
    pub namespace: String,
    pub name: String,
    pub identity: String,
    pub duration: Duration,
    pub renew_every: Duration,
}

fn micro_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// One round: try to take or renew; returns whether we hold the Lease now.
pub async fn try_acquire(client: &kube::Client, cfg: &LeaseConfig) -> Result<bool, String> {
    let coll = format!(
        "/apis/coordination.k8s.io/v1/namespaces/{}/leases",
        cfg.namespace
    );
    let path = format!("{coll}/{}", cfg.name);
    let now = jiff::Timestamp::now();
    let spec = |transitions: i64, acquire: &str| {
        json!({
            "holderIdentity": cfg.identity,
            "leaseDurationSeconds": cfg.duration.as_secs().max(1),
            "acquireTime": acquire,
            "renewTime": micro_time(now),
            "leaseTransitions": transitions,
        })
    };
    let (code, cur) = super::api::request(client, http::Method::GET, &path, None).await?;
    if code == 404 {
        let body = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": cfg.name, "namespace": cfg.namespace},
            "spec": spec(0, &micro_time(now))});
        let (code, _) = super::api::request(client, http::Method::POST, &coll, Some(&body)).await?;
        return match code {
            200 | 201 => Ok(true),
            409 => Ok(false),
            c => Err(format!(
                "creating Lease {}/{}: HTTP {c}",
                cfg.namespace, cfg.name
            )),
        };
    }
    if code != 200 {
        return Err(format!(
            "reading Lease {}/{}: HTTP {code}",
            cfg.namespace, cfg.name
        ));
    }
    let holder = cur.pointer("/spec/holderIdentity").and_then(Value::as_str);
    let renewed = cur
        .pointer("/spec/renewTime")
        .and_then(Value::as_str)
        .and_then(|t| t.parse::<jiff::Timestamp>().ok());
    let dur = cur
        .pointer("/spec/leaseDurationSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(15);
    let ours = holder == Some(cfg.identity.as_str());
    let lapsed = renewed.is_none_or(|r| now.duration_since(r).as_secs() >= dur) || holder.is_none();
    if !ours && !lapsed {
        return Ok(false);
    }
    let transitions = cur
        .pointer("/spec/leaseTransitions")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        + i64::from(!ours);
    let acquire = if ours {
        cur.pointer("/spec/acquireTime")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| micro_time(now))
    } else {
        micro_time(now)
    };
    let mut body = cur.clone();
    body["spec"] = spec(transitions, &acquire);
    // `metadata.resourceVersion` stays as read: the server refuses the replace with 409 when
    // someone else wrote in between.
    let (code, _) = super::api::request(client, http::Method::PUT, &path, Some(&body)).await?;
    match code {
        200 | 201 => Ok(true),
        409 => Ok(false),
        c => Err(format!(
            "updating Lease {}/{}: HTTP {c}",
            cfg.namespace, cfg.name
        )),
    }
}

/// Keeps trying to lead; flips [`Shared::set_leader`]. A renewal that fails for longer than
/// the lease duration steps down (another replica may have taken over).
pub async fn elect(shared: Rc<Shared>, client: kube::Client, cfg: LeaseConfig) {
    let mut last_ok = std::time::Instant::now();
    loop {
        match try_acquire(&client, &cfg).await {
            Ok(held) => {
                last_ok = std::time::Instant::now();
                shared.set_leader(held);
            }
            Err(_) if last_ok.elapsed() >= cfg.duration => shared.set_leader(false),
            Err(_) => {}
        }
        tokio::time::sleep(cfg.renew_every).await;
    }
}
