//! NetworkPolicy recipe: a policy that isolates a Service's pods from the clients that call
//! it (k8s.networkpolicy-blocks-clients).
//!
//! Evidence is two-sided: a client's log shows timeouts or refused connections to the
//! Service (by DNS name or ClusterIP), and the policies selecting the Service's pods admit no
//! ingress rule matching the client's labels and namespace. The client is reported as a
//! symptom (k8s.client-connection-failing). The same holds for the client's own egress
//! policies (k8s.networkpolicy-blocks-egress), including DNS lookups that time out because port
//! 53 to the cluster DNS is not admitted. The proposal admits exactly that client on exactly that
//! port, at confirm tier: opening a policy is a security decision.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Recipe;
use super::common::{Propose, controller_of, describe, gitops_of_ref, merge_patch, trunc};
use crate::action::Action;
use crate::cluster::{Inventory, Obj, ObjRef, string_map};
use crate::finding::{Finding, Severity};

pub struct NetPol;

const ID: &str = "netpol";

impl Recipe for NetPol {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "NetworkPolicies that isolate a Service's pods from clients whose logs show timeouts to it"
    }
    fn reads(&self) -> &'static [&'static str] {
        &[
            "NetworkPolicy",
            "Service",
            "Pod",
            "Namespace",
            "ReplicaSet",
            "Deployment",
        ]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        super::common::served(inv, "NetworkPolicy")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        // policy → (finding, clients already named)
        let mut roots: BTreeMap<ObjRef, Finding> = BTreeMap::new();
        let mut symptoms: BTreeMap<ObjRef, Finding> = BTreeMap::new();
        for client in inv.of_kind("Pod") {
            let ns = client.namespace().unwrap_or("");
            let Some(log) = inv.logs_for(ns, client.name(), None) else {
                continue;
            };
            for line in log.lines().filter(|l| is_connection_failure(l)) {
                // A DNS lookup that times out is a connection to the cluster DNS, whatever
                // name it was for.
                let dns = is_dns_failure(line);
                let Some(svc) = (if dns {
                    dns_service(inv)
                } else {
                    service_in_line(inv, ns, line)
                }) else {
                    continue;
                };
                let owner = controller_of(inv, &client);
                let (policy, root) = if let Some((policy, port)) =
                    blocking_policy(inv, &svc, &client).filter(|_| !dns)
                {
                    let f = root_finding(inv, &policy, &svc, &client, &owner, port, line);
                    (policy, f)
                } else if let Some((policy, ports)) = blocking_egress(inv, &svc, &client, dns) {
                    let f = egress_finding(inv, &policy, &svc, &client, &owner, &ports, line);
                    (policy, f)
                } else {
                    continue;
                };
                let pr = policy.obj_ref();
                roots.entry(pr.clone()).or_insert(root);
                symptoms.entry(owner.clone()).or_insert_with(|| {
                    Finding::new(
                        ID,
                        "k8s.client-connection-failing",
                        Severity::Warning,
                        owner.clone(),
                        format!(
                            "cannot reach Service {}/{}: NetworkPolicy {} does not admit it",
                            svc.namespace().unwrap_or(""),
                            svc.name(),
                            policy.name()
                        ),
                    )
                    .evidence(format!("pod {}: log: {}", client.name(), trunc(line, 200)))
                    .caused_by(pr.clone())
                });
                break;
            }
        }
        roots.into_values().chain(symptoms.into_values()).collect()
    }
}

/// A log line that reports a failed connection.
fn is_connection_failure(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    [
        "i/o timeout",
        "connection refused",
        "timed out",
        "deadline exceeded",
        "no route to host",
        "connection reset",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// A name lookup that timed out (the resolver got no answer: port 53 is blocked).
fn is_dns_failure(line: &str) -> bool {
    let l = line.to_ascii_lowercase();
    l.contains("lookup ") && (l.contains(":53") || l.contains("i/o timeout"))
}

/// The cluster DNS Service (`kube-system/kube-dns`, CoreDNS keeps the name).
fn dns_service(inv: &Inventory) -> Option<Obj<'_>> {
    inv.get("Service", Some("kube-system"), "kube-dns")
}

/// The first egress policy in the client's namespace that selects the client and admits no
/// connection to the Service's pods, with the (protocol, port)s the client needs.
fn blocking_egress<'a>(
    inv: &'a Inventory,
    svc: &Obj,
    client: &Obj,
    dns: bool,
) -> Option<(Obj<'a>, Vec<(&'static str, i64)>)> {
    let cns = client.namespace();
    let dest_ns = svc.namespace().unwrap_or("");
    let dest_labels = string_map(svc.at("/spec/selector"));
    if dest_labels.is_empty() {
        return None;
    }
    let ports: Vec<(&'static str, i64)> = if dns {
        vec![("UDP", 53), ("TCP", 53)]
    } else {
        let backend = inv.of_kind("Pod").find(|p| {
            p.namespace() == svc.namespace()
                && dest_labels
                    .iter()
                    .all(|(k, v)| p.labels().get(k) == Some(v))
        })?;
        vec![("TCP", *target_ports(svc, &backend).first()?)]
    };
    let clabels = client.labels();
    let dns_labels = ns_labels(inv, dest_ns);
    let isolating: Vec<Obj> = inv
        .of_kind("NetworkPolicy")
        .filter(|np| np.namespace() == cns)
        .filter(|np| selects(np.at("/spec/podSelector"), &clabels))
        .filter(|np| {
            np.array_at("/spec/policyTypes")
                .iter()
                .any(|t| t == "Egress")
        })
        .collect();
    if isolating.is_empty() {
        return None;
    }
    let (_, port) = ports[0];
    let admits = |np: &Obj| {
        np.array_at("/spec/egress").iter().any(|rule| {
            let rp = Obj(rule).array_at("/ports");
            let ports_ok = rp.is_empty()
                || rp.iter().any(|p| match p.get("port") {
                    Some(Value::Number(n)) => n.as_i64() == Some(port),
                    _ => true,
                });
            let to = Obj(rule).array_at("/to");
            let peer_ok = to.is_empty()
                || to.iter().any(|peer| {
                    if peer.get("ipBlock").is_some() {
                        return true;
                    }
                    let ns_ok = match peer.get("namespaceSelector") {
                        Some(s) => selects(Some(s), &dns_labels),
                        None => cns == Some(dest_ns),
                    };
                    let pod_ok = match peer.get("podSelector") {
                        Some(s) => selects(Some(s), &dest_labels),
                        None => true,
                    };
                    ns_ok && pod_ok
                });
            ports_ok && peer_ok
        })
    };
    if isolating.iter().any(admits) {
        return None;
    }
    Some((isolating[0], ports))
}

/// k8s.networkpolicy-blocks-egress: the client's own namespace forbids the connection. The
/// proposal is a new policy admitting exactly that destination (DNS: the cluster DNS pods on
/// port 53), next to the existing ones.
fn egress_finding(
    inv: &Inventory,
    policy: &Obj,
    svc: &Obj,
    client: &Obj,
    owner: &ObjRef,
    ports: &[(&'static str, i64)],
    line: &str,
) -> Finding {
    let pr = policy.obj_ref();
    let cns = client.namespace().unwrap_or("");
    let dest_ns = svc.namespace().unwrap_or("");
    let dns = ports.iter().any(|(_, p)| *p == 53);
    let labels: serde_json::Map<String, Value> = client
        .labels()
        .into_iter()
        .filter(|(k, _)| *k != "pod-template-hash" && !k.starts_with("controller-revision"))
        .map(|(k, v)| (k.to_string(), Value::from(v)))
        .collect();
    let dest: serde_json::Map<String, Value> = string_map(svc.at("/spec/selector"))
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::from(v)))
        .collect();
    let what = if dns {
        "the cluster DNS".to_string()
    } else {
        format!("Service {dest_ns}/{}", svc.name())
    };
    let manifest = json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": format!("allow-{}-egress-{}", owner.name, if dns { "dns" } else { svc.name() }), "namespace": cns},
        "spec": {"podSelector": {"matchLabels": labels}, "policyTypes": ["Egress"],
                 "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": dest_ns}},
                                     "podSelector": {"matchLabels": dest}}],
                             "ports": ports.iter().map(|(proto, p)| json!({"protocol": proto, "port": p})).collect::<Vec<_>>()}]}});
    Finding::new(
        ID,
        "k8s.networkpolicy-blocks-egress",
        Severity::Error,
        pr.clone(),
        format!("NetworkPolicy blocks {} from reaching {what}", owner.display()),
    )
    .evidence(format!(
        "it selects {} for Egress and no egress rule admits {what}{}",
        owner.display(),
        if dns { " on port 53" } else { "" }
    ))
    .evidence(format!("client pod {cns}/{}: log: {}", client.name(), trunc(line, 200)))
    .fix(
        Action::Apply { manifest },
        format!(
            "admit exactly this egress next to the existing policies (a security decision: confirm {} should reach {what})",
            owner.display()
        ),
        gitops_of_ref(inv, &pr).as_ref(),
    )
    .fix(describe(pr), "read the policy's egress rules", None)
}

/// The Service a log line talks to: `<svc>.<ns>.svc…`, `<svc>.<ns>:port`, or its ClusterIP.
fn service_in_line<'a>(inv: &'a Inventory, client_ns: &str, line: &str) -> Option<Obj<'a>> {
    inv.of_kind("Service").find(|s| {
        let ns = s.namespace().unwrap_or("");
        let name = s.name();
        let by_dns = [format!("{name}.{ns}.svc"), format!("{name}.{ns}:")]
            .iter()
            .any(|n| line.contains(n.as_str()))
            || (ns == client_ns && line.contains(&format!("//{name}:")));
        let by_ip = s
            .str_at("/spec/clusterIP")
            .filter(|ip| !ip.is_empty() && *ip != "None")
            .is_some_and(|ip| line.contains(&format!("{ip}:")));
        by_dns || by_ip
    })
}

/// The labels of a namespace (its name label when the Namespace was not read).
fn ns_labels<'a>(inv: &'a Inventory, ns: &'a str) -> BTreeMap<&'a str, &'a str> {
    let mut l = inv
        .get("Namespace", None, ns)
        .map(|n| n.labels())
        .unwrap_or_default();
    l.insert("kubernetes.io/metadata.name", ns);
    l
}

/// True when a label selector (`matchLabels` and `matchExpressions` In/Exists) selects `labels`.
/// An empty selector selects everything, as in NetworkPolicy semantics.
fn selects(sel: Option<&Value>, labels: &BTreeMap<&str, &str>) -> bool {
    let Some(sel) = sel else { return true };
    let ml = string_map(sel.get("matchLabels"));
    if !ml.iter().all(|(k, v)| labels.get(k) == Some(v)) {
        return false;
    }
    sel.get("matchExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .all(|e| {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            match e.get("operator").and_then(Value::as_str) {
                Some("In") => labels.get(key).is_some_and(|v| values.contains(v)),
                Some("NotIn") => labels.get(key).is_none_or(|v| !values.contains(v)),
                Some("Exists") => labels.contains_key(key),
                Some("DoesNotExist") => !labels.contains_key(key),
                _ => false,
            }
        })
}

/// The container port a Service port sends to on `pod` (numbers; named ports resolved).
fn target_ports(svc: &Obj, pod: &Obj) -> Vec<i64> {
    svc.array_at("/spec/ports")
        .iter()
        .filter_map(|p| match p.get("targetPort").or_else(|| p.get("port")) {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(name)) => pod
                .array_at("/spec/containers")
                .iter()
                .flat_map(|c| Obj(c).array_at("/ports").to_vec())
                .find(|cp| cp.get("name").and_then(Value::as_str) == Some(name))
                .and_then(|cp| cp.get("containerPort").and_then(Value::as_i64)),
            _ => None,
        })
        .collect()
}

/// The first policy that selects the Service's pods and admits none of the client's
/// connections, with the port the client needs. None when any policy admits it, when no
/// policy isolates the pods, or when a rule uses an ipBlock (pod IPs we cannot judge).
fn blocking_policy<'a>(inv: &'a Inventory, svc: &Obj, client: &Obj) -> Option<(Obj<'a>, i64)> {
    let sns = svc.namespace();
    let selector = string_map(svc.at("/spec/selector"));
    if selector.is_empty() {
        return None;
    }
    let backend = inv.of_kind("Pod").find(|p| {
        p.namespace() == sns && selector.iter().all(|(k, v)| p.labels().get(k) == Some(v))
    })?;
    let port = *target_ports(svc, &backend).first()?;
    let blabels = backend.labels();
    let clabels = client.labels();
    let cns = client.namespace().unwrap_or("");
    let cns_labels = ns_labels(inv, cns);
    let isolating: Vec<Obj> = inv
        .of_kind("NetworkPolicy")
        .filter(|np| np.namespace() == sns)
        .filter(|np| selects(np.at("/spec/podSelector"), &blabels))
        .filter(|np| {
            let types = np.array_at("/spec/policyTypes");
            types.is_empty() || types.iter().any(|t| t == "Ingress")
        })
        .collect();
    if isolating.is_empty() {
        return None;
    }
    let admits = |np: &Obj| {
        np.array_at("/spec/ingress").iter().any(|rule| {
            let ports_ok = Obj(rule).array_at("/ports").is_empty()
                || Obj(rule)
                    .array_at("/ports")
                    .iter()
                    .any(|p| match p.get("port") {
                        Some(Value::Number(n)) => n.as_i64() == Some(port),
                        None => true,
                        // Named ports: cannot be sure it is another port, so assume it admits.
                        _ => true,
                    });
            let from = Obj(rule).array_at("/from");
            let peer_ok = from.is_empty()
                || from.iter().any(|peer| {
                    if peer.get("ipBlock").is_some() {
                        return true;
                    }
                    let ns_ok = match peer.get("namespaceSelector") {
                        Some(s) => selects(Some(s), &cns_labels),
                        None => Some(cns) == sns,
                    };
                    let pod_ok = match peer.get("podSelector") {
                        Some(s) => selects(Some(s), &clabels),
                        None => true,
                    };
                    ns_ok && pod_ok
                });
            ports_ok && peer_ok
        })
    };
    if isolating.iter().any(admits) {
        return None;
    }
    Some((isolating[0], port))
}

fn root_finding(
    inv: &Inventory,
    policy: &Obj,
    svc: &Obj,
    client: &Obj,
    owner: &ObjRef,
    port: i64,
    line: &str,
) -> Finding {
    let pr = policy.obj_ref();
    let sns = svc.namespace().unwrap_or("");
    let cns = client.namespace().unwrap_or("");
    // The client's stable labels: its pod labels without the per-revision hash.
    let labels: serde_json::Map<String, Value> = client
        .labels()
        .into_iter()
        .filter(|(k, _)| *k != "pod-template-hash" && !k.starts_with("controller-revision"))
        .map(|(k, v)| (k.to_string(), Value::from(v)))
        .collect();
    let mut peer = json!({"podSelector": {"matchLabels": labels}});
    if cns != sns {
        peer["namespaceSelector"] = json!({"matchLabels": {"kubernetes.io/metadata.name": cns}});
    }
    let rule = json!({"from": [peer], "ports": [{"protocol": "TCP", "port": port}]});
    let rules = policy.array_at("/spec/ingress");
    let summary = if rules.is_empty() {
        "no ingress rules: it denies all ingress to the pods it selects".to_string()
    } else {
        format!(
            "ingress admits only: {}",
            trunc(&Value::from(rules.to_vec()).to_string(), 200)
        )
    };
    let gitops = gitops_of_ref(inv, &pr);
    let f = Finding::new(
        ID,
        "k8s.networkpolicy-blocks-clients",
        Severity::Error,
        pr.clone(),
        format!(
            "NetworkPolicy isolates Service {sns}/{} from its client {}",
            svc.name(),
            owner.display()
        ),
    )
    .evidence(format!(
        "it selects the Service's pods ({}); {summary}",
        trunc(
            &policy
                .at("/spec/podSelector")
                .map(Value::to_string)
                .unwrap_or_default(),
            120
        )
    ))
    .evidence(format!(
        "client pod {}/{}: log: {}",
        cns,
        client.name(),
        trunc(line, 200)
    ));
    let select_all = policy.at("/spec/podSelector").is_none_or(|s| {
        s.as_object().is_none_or(|m| {
            m.values()
                .all(|v| v.as_object().is_none_or(|o| o.is_empty()))
        })
    });
    let f = if select_all {
        // A namespace-wide default deny stays as it is; a new policy admits the one client.
        let svc_sel: serde_json::Map<String, Value> = string_map(svc.at("/spec/selector"))
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::from(v)))
            .collect();
        let manifest = json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": format!("allow-{}-to-{}", owner.name, svc.name()), "namespace": sns},
            "spec": {"podSelector": {"matchLabels": svc_sel}, "policyTypes": ["Ingress"], "ingress": [rule]}});
        f.fix(
            Action::Apply { manifest },
            format!(
                "admit {} to {sns}/{} on port {port} only, next to the default deny (a security decision: confirm it is meant to talk to it)",
                owner.display(),
                svc.name()
            ),
            gitops.as_ref(),
        )
    } else {
        let mut all = rules.to_vec();
        all.push(rule);
        f.fix(
            merge_patch(pr.clone(), json!({"spec": {"ingress": all}})),
            format!(
                "add an ingress rule admitting {} on port {port} (a security decision: confirm it is meant to talk to it)",
                owner.display()
            ),
            gitops.as_ref(),
        )
    };
    f.fix(describe(pr), "read the policy's rules", None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_follow_networkpolicy_semantics() {
        let l: BTreeMap<&str, &str> = [("app", "web"), ("tier", "fe")].into();
        assert!(selects(Some(&json!({})), &l));
        assert!(selects(Some(&json!({"matchLabels": {"app": "web"}})), &l));
        assert!(!selects(Some(&json!({"matchLabels": {"app": "api"}})), &l));
        assert!(selects(
            Some(
                &json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe", "be"]}]})
            ),
            &l
        ));
        assert!(is_connection_failure("dial tcp 10.0.0.1:80: i/o timeout"));
        assert!(!is_connection_failure("GET /cart 200"));
    }
}
