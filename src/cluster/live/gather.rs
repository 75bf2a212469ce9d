//! Reading: paginated concurrent LISTs into an inventory, custom resources, bounded log tails
//! of failing containers, and single-object reads.

use super::{
    ApiRes, CONCURRENCY, LOG_LIMIT_BYTES, LiveCluster, MAX_LOG_CONTAINERS, PAGE_SIZE, enc,
    first_line, list_items,
};
use crate::cluster::kinds::{self, KindInfo};
use crate::cluster::{Error, Inventory, ObjRef, Progress, Scope, SkippedKind};
use crate::recipes::logs;
use futures::StreamExt;
use http::Method;
use serde_json::Value;

impl LiveCluster {
    // ------------------------------------------------------------------ reading

    /// LISTs every page of a collection; items get their `apiVersion` and `kind` back.
    pub(super) async fn list_all(
        &self,
        res: &ApiRes,
        ns: Option<&str>,
    ) -> Result<Vec<Value>, kube::Error> {
        let path = res.collection(ns);
        let limit = PAGE_SIZE.to_string();
        let mut items = Vec::new();
        let mut cont: Option<String> = None;
        // A server that keeps answering `continue` would loop forever; 100k pages is plenty.
        for _ in 0..100_000 {
            let mut q = vec![("limit", limit.as_str())];
            if let Some(c) = &cont {
                q.push(("continue", c.as_str()));
            }
            // Recipes only ask whether a Secret exists: Helm's release Secrets (the bulk of
            // most clusters' Secret bytes) are never what a pod or Ingress references.
            if res.kind == "Secret" && res.group.is_empty() {
                q.push(("fieldSelector", "type!=helm.sh/release.v1"));
            }
            let page = self.call(Method::GET, &path, &q, None).await?;
            cont = page
                .pointer("/metadata/continue")
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            let mut page_items = list_items(page, res);
            if res.kind == "Secret" && res.group.is_empty() {
                // Keep the keys (a missing key is evidence), drop the values at once.
                for it in &mut page_items {
                    for field in ["data", "stringData"] {
                        if let Some(m) = it.get_mut(field).and_then(Value::as_object_mut) {
                            for v in m.values_mut() {
                                *v = Value::String(String::new());
                            }
                        }
                    }
                }
            }
            items.extend(page_items);
            if cont.is_none() {
                break;
            }
        }
        Ok(items)
    }

    /// Gathers the given kinds (all known kinds when empty) in scope: discovery once, one
    /// paginated LIST per kind, at most [`CONCURRENCY`] at a time. A forbidden or unserved
    /// kind is recorded in `skipped`; only an unreachable server or bad credentials fail.
    pub async fn gather(
        &self,
        kinds: &[&str],
        scope: &Scope,
        logs: bool,
        progress: &dyn Progress,
    ) -> Result<Inventory, Error> {
        let mut inv = Inventory::new();
        let mut wanted: Vec<&'static KindInfo> = Vec::new();
        if kinds.is_empty() {
            wanted.extend(kinds::KNOWN.iter());
        } else {
            for k in kinds.iter().filter(|k| **k != kinds::CUSTOM_RESOURCES) {
                match kinds::lookup(k) {
                    Some(info) if !wanted.contains(&info) => wanted.push(info),
                    Some(_) => {}
                    None => inv.skipped.push(SkippedKind {
                        kind: (*k).to_string(),
                        reason: "unknown kind".into(),
                    }),
                }
            }
        }
        self.groups().await?;
        let resolved: Vec<(&KindInfo, Result<Option<ApiRes>, Error>)> =
            futures::stream::iter(wanted.iter().map(|k| async move {
                let r = self.resolve_kind(k).await;
                (*k, r)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut to_list = Vec::new();
        for (k, r) in resolved {
            match r? {
                Some(res) => to_list.push(res),
                None => inv.skipped.push(SkippedKind {
                    kind: k.kind.to_string(),
                    reason: crate::cluster::SkipReason::NotServed,
                }),
            }
        }
        // Deterministic order whatever finished first.
        to_list.sort_by(|a, b| a.kind.cmp(&b.kind));
        progress.start(to_list.len());
        let ns = scope.namespace.as_deref();
        let lists: Vec<(ApiRes, Result<Vec<Value>, kube::Error>)> =
            futures::stream::iter(to_list.into_iter().map(|res| async move {
                let r = self.list_all(&res, ns).await;
                progress.step(&res.kind);
                (res, r)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut lists = lists;
        lists.sort_by(|a, b| a.0.kind.cmp(&b.0.kind));
        for (res, r) in lists {
            match r {
                Ok(items) => {
                    inv.mark_read(&res.kind);
                    for it in items {
                        inv.insert(it);
                    }
                }
                Err(kube::Error::Api(s)) if s.code == 403 => {
                    // Served, just not to us: recipes must not call it healthy.
                    inv.mark_served(&res.kind);
                    inv.skipped.push(SkippedKind {
                        kind: res.kind.clone(),
                        reason: format!("forbidden: {}", first_line(&s.message)).into(),
                    });
                }
                Err(kube::Error::Api(s)) if s.code == 404 => inv.skipped.push(SkippedKind {
                    kind: res.kind.clone(),
                    reason: crate::cluster::SkipReason::NotServed,
                }),
                Err(e) => {
                    let err = self.classify(&format!("list {}", res.plural), e);
                    match err {
                        Error::Unreachable { .. } | Error::Unauthorized { .. } => return Err(err),
                        other => inv.skipped.push(SkippedKind {
                            kind: res.kind.clone(),
                            reason: other.to_string().into(),
                        }),
                    }
                }
            }
        }
        if kinds.contains(&kinds::CUSTOM_RESOURCES) {
            self.gather_custom_resources(&mut inv, ns).await?;
        }
        progress.finish();
        inv.skipped.sort_by(|a, b| a.kind.cmp(&b.kind));
        if logs {
            self.gather_logs(&mut inv).await?;
        }
        Ok(inv)
    }

    /// Lists the objects of every CRD-declared kind outside the built-in table, so a recipe
    /// can judge operators we have no dedicated recipe for (their Ready/Stalled conditions).
    /// Needs the CRDs in `inv`; a kind that cannot be listed is recorded in `skipped`.
    pub(super) async fn gather_custom_resources(
        &self,
        inv: &mut Inventory,
        ns: Option<&str>,
    ) -> Result<(), Error> {
        let mut wanted: Vec<(String, String)> = Vec::new();
        for crd in inv.of_kind("CustomResourceDefinition") {
            let (Some(group), Some(kind)) =
                (crd.str_at("/spec/group"), crd.str_at("/spec/names/kind"))
            else {
                continue;
            };
            let version = crd
                .array_at("/spec/versions")
                .iter()
                .filter(|v| v.get("served").and_then(Value::as_bool) != Some(false))
                .max_by_key(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                .and_then(|v| v.get("name").and_then(Value::as_str));
            let Some(version) = version else { continue };
            let api_version = format!("{group}/{version}");
            if !kinds::is_known(&api_version, kind) {
                wanted.push((api_version, kind.to_string()));
            }
        }
        wanted.sort();
        wanted.dedup();
        let mut to_list = Vec::new();
        for (api_version, kind) in &wanted {
            if let Some(res) = self.resolve(api_version, kind).await? {
                to_list.push(res);
            }
        }
        let lists: Vec<(ApiRes, Result<Vec<Value>, kube::Error>)> =
            futures::stream::iter(to_list.into_iter().map(|res| async move {
                let r = self.list_all(&res, ns).await;
                (res, r)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut lists = lists;
        lists.sort_by(|a, b| {
            a.0.api_version()
                .cmp(&b.0.api_version())
                .then(a.0.kind.cmp(&b.0.kind))
        });
        for (res, r) in lists {
            match r {
                Ok(items) => {
                    inv.mark_served(&res.kind);
                    for it in items {
                        inv.insert(it);
                    }
                }
                Err(e) => {
                    let err = self.classify(&format!("list {}", res.plural), e);
                    match err {
                        Error::Unreachable { .. } | Error::Unauthorized { .. } => return Err(err),
                        other => inv.skipped.push(SkippedKind {
                            kind: res.kind.clone(),
                            reason: other.to_string().into(),
                        }),
                    }
                }
            }
        }
        Ok(())
    }

    /// Fetches bounded log tails of containers in pods that are failing.
    pub(super) async fn gather_logs(&self, inv: &mut Inventory) -> Result<(), Error> {
        let mut wanted = Vec::new();
        let mut evidence = Vec::new();
        // With NetworkPolicies in play a healthy client's log is where a blocked connection
        // shows; a pod with its own ServiceAccount logs the API's Forbidden answers.
        let netpols = inv.of_kind("NetworkPolicy").next().is_some();
        for pod in inv.of_kind("Pod") {
            let Some(ns) = pod.namespace() else { continue };
            let mut containers = logs::failing_containers(pod.value());
            if containers.is_empty()
                && !logs::logs_are_evidence(&pod)
                && logs::logs_may_explain(&pod, netpols)
            {
                for (name, _) in logs::running_containers(pod.value()) {
                    evidence.push((ns.to_string(), pod.name().to_string(), name, false));
                }
            }
            if logs::logs_are_evidence(&pod) {
                for c in pod.array_at("/spec/containers") {
                    if let Some(name) = c.get("name").and_then(Value::as_str)
                        && !containers.iter().any(|(n, _)| n == name)
                    {
                        containers.push((name.to_string(), false));
                    }
                }
            }
            for (container, previous) in containers {
                wanted.push((ns.to_string(), pod.name().to_string(), container, previous));
            }
        }
        // Failing containers first: they are the likelier story when the budget runs out.
        wanted.extend(evidence);
        wanted.truncate(MAX_LOG_CONTAINERS);
        let fetched: Vec<_> =
            futures::stream::iter(wanted.into_iter().map(|(ns, pod, c, previous)| async move {
                let text = self.container_log(&ns, &pod, &c, previous).await;
                ((ns, pod, c), text)
            }))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut forbidden = Vec::new();
        for (key, text) in fetched {
            match text {
                Ok(t) => {
                    inv.logs.insert(key, t);
                }
                Err(e @ (Error::Unreachable { .. } | Error::Unauthorized { .. })) => return Err(e),
                // RBAC without pods/log: not fatal, but said (a missing log is not "no log").
                Err(Error::Api { message, .. }) if message.ends_with("(403)") => {
                    forbidden.push(format!("{}/{}/{}", key.0, key.1, key.2));
                }
                // A log that cannot be read (container never started) is not fatal.
                Err(_) => {}
            }
        }
        if !forbidden.is_empty() {
            forbidden.sort();
            inv.skipped.push(SkippedKind {
                kind: "pods/log".into(),
                reason: format!(
                    "forbidden: {} container log(s) could not be read ({}{})",
                    forbidden.len(),
                    forbidden
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                    if forbidden.len() > 3 { ", …" } else { "" }
                )
                .into(),
            });
        }
        Ok(())
    }

    /// The tail of one container's log; the previous instance's when it restarted, since
    /// that is the one that crashed. Falls back to the current log.
    pub async fn container_log(
        &self,
        ns: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Result<String, Error> {
        let path = format!("/api/v1/namespaces/{}/pods/{}/log", enc(ns), enc(pod));
        let tail = self.log_tail.to_string();
        let limit = LOG_LIMIT_BYTES.to_string();
        let mut q = vec![
            ("container", container),
            ("tailLines", tail.as_str()),
            ("limitBytes", limit.as_str()),
        ];
        if previous {
            let mut pq = q.clone();
            pq.push(("previous", "true"));
            if let Ok(t) = self.call_text(&path, &pq).await {
                return Ok(t);
            }
        }
        q.retain(|(k, _)| *k != "previous");
        self.call_text(&path, &q)
            .await
            .map_err(|e| self.classify(&format!("read logs of {ns}/{pod}/{container}"), e))
    }

    pub(super) async fn res_for(&self, api_version: &str, kind: &str) -> Result<ApiRes, Error> {
        self.resolve(api_version, kind)
            .await?
            .ok_or_else(|| Error::Api {
                what: format!("find {kind} ({api_version})"),
                message: "the server does not serve this kind".into(),
            })
    }

    pub(super) fn ns_for<'a>(&'a self, res: &ApiRes, ns: Option<&'a str>) -> Option<&'a str> {
        if res.namespaced {
            Some(ns.unwrap_or(&self.namespace))
        } else {
            None
        }
    }

    /// Reads one object; `Ok(None)` when it does not exist (or its kind is not served).
    pub async fn get(&self, r: &ObjRef) -> Result<Option<Value>, Error> {
        let Some(res) = self.resolve(&r.api_version, &r.kind).await? else {
            return Ok(None);
        };
        let path = res.object(self.ns_for(&res, r.namespace.as_deref()), &r.name);
        match self.call(Method::GET, &path, &[], None).await {
            Ok(v) => Ok(Some(v)),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(None),
            Err(e) => Err(self.classify(&format!("get {}", r.display()), e)),
        }
    }

    /// Lists objects of a resource carrying a label selector (for prune previews).
    pub async fn list_selected(
        &self,
        res: &ApiRes,
        ns: Option<&str>,
        selector: &str,
    ) -> Result<Vec<Value>, Error> {
        let path = res.collection(ns);
        let page = self
            .call(
                Method::GET,
                &path,
                &[("labelSelector", selector), ("limit", "500")],
                None,
            )
            .await
            .map_err(|e| self.classify(&format!("list {}", res.plural), e))?;
        Ok(list_items(page, res))
    }
}
