//! API discovery, once per run: groups, the resources of each group/version (cached), and
//! resolving a kind by apiVersion, by the name a user typed, or from the built-in table.

use super::{ApiRes, Groups, LiveCluster, is_401, is_timeout, split_api_version, str_list};
use crate::cluster::Error;
use crate::cluster::kinds::KindInfo;
use http::Method;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

impl LiveCluster {
    // ------------------------------------------------------------------ discovery

    pub(super) async fn groups(&self) -> Result<&Groups, Error> {
        self.groups
            .get_or_try_init(|| async {
                let core = self
                    .call(Method::GET, "/api", &[], None)
                    .await
                    .map_err(|e| self.classify("discover the core API", e))?;
                let mut groups = Groups::new();
                let core_versions: Vec<String> = str_list(core.get("versions"));
                if let Some(first) = core_versions.first() {
                    groups.insert(String::new(), (core_versions.clone(), first.clone()));
                }
                let apis = self
                    .call(Method::GET, "/apis", &[], None)
                    .await
                    .map_err(|e| self.classify("discover API groups", e))?;
                for g in apis
                    .get("groups")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                {
                    let Some(name) = g.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    let versions: Vec<String> = g
                        .get("versions")
                        .and_then(Value::as_array)
                        .map(Vec::as_slice)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(|v| v.get("version")?.as_str().map(str::to_string))
                        .collect();
                    let preferred = g
                        .pointer("/preferredVersion/version")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .or_else(|| versions.first().cloned());
                    if let Some(p) = preferred {
                        groups.insert(name.to_string(), (versions, p));
                    }
                }
                Ok(groups)
            })
            .await
    }

    /// The resources of one group/version (cached). Unserved → empty.
    pub(super) async fn gv_resources(
        &self,
        group: &str,
        version: &str,
    ) -> Result<Arc<Vec<ApiRes>>, Error> {
        let key = format!("{group}/{version}");
        if let Some(r) = self.cache().get(&key) {
            return Ok(r.clone());
        }
        let path = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        let list = match self.call(Method::GET, &path, &[], None).await {
            Ok(v) => v,
            // An aggregated API that is down (metrics-server…) or hangs must not break the
            // rest; the core group is not aggregated, so its failure is the server's.
            Err(e @ kube::Error::Api(_)) if !is_401(&e) => {
                self.note_skipped_group(&key, &e);
                Value::Null
            }
            Err(e) if !group.is_empty() && is_timeout(&e) => {
                self.note_skipped_group(&key, &e);
                Value::Null
            }
            Err(e) => return Err(self.classify(&format!("discover {key}"), e)),
        };
        let res: Vec<ApiRes> = list
            .get("resources")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter_map(|r| {
                let plural = r.get("name")?.as_str()?;
                if plural.contains('/') {
                    return None; // subresource
                }
                Some(ApiRes {
                    group: group.to_string(),
                    version: version.to_string(),
                    kind: r.get("kind")?.as_str()?.to_string(),
                    plural: plural.to_string(),
                    namespaced: r.get("namespaced").and_then(Value::as_bool).unwrap_or(true),
                })
            })
            .collect();
        let res = Arc::new(res);
        self.cache().insert(key, res.clone());
        Ok(res)
    }

    pub(super) fn cache(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Arc<Vec<ApiRes>>>> {
        // A poisoned cache only means another task panicked mid-insert; the map is still valid.
        self.resources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The resource for an exact `apiVersion` + kind, or None when the server does not serve it.
    pub async fn resolve(&self, api_version: &str, kind: &str) -> Result<Option<ApiRes>, Error> {
        let (group, version) = split_api_version(api_version);
        let groups = self.groups().await?;
        match groups.get(group) {
            Some((versions, _)) if versions.iter().any(|v| v == version) => {}
            _ => return Ok(None),
        }
        let res = self.gv_resources(group, version).await?;
        Ok(res.iter().find(|r| r.kind == kind).cloned())
    }

    /// A kind by the name a user typed — kind, plural, singular or short name, optionally
    /// `name.group` — across every served group at its preferred version (core first). For
    /// kinds outside the built-in table (any CRD); `None` when nothing matches.
    pub async fn find_kind(&self, typed: &str) -> Result<Option<ApiRes>, Error> {
        let (name, want_group) = match typed.split_once('.') {
            Some((n, g)) => (n, Some(g)),
            None => (typed, None),
        };
        let name = name.to_ascii_lowercase();
        let groups = self.groups().await?.clone();
        // kubectl's preference: the core group, then Kubernetes' own groups, then the rest.
        let mut order: Vec<(&String, &String)> = groups
            .iter()
            .filter(|(g, _)| want_group.is_none_or(|w| w == g.as_str()))
            .map(|(g, (_, preferred))| (g, preferred))
            .collect();
        order.sort_by_key(|(g, _)| {
            let kubernetes_own = g.ends_with(".k8s.io") || !g.contains('.');
            (!g.is_empty(), !kubernetes_own)
        });
        let mut by_short = None;
        for (group, preferred) in order {
            let path = if group.is_empty() {
                format!("/api/{preferred}")
            } else {
                format!("/apis/{group}/{preferred}")
            };
            // A group whose discovery fails (an aggregated API that is down) is skipped.
            let list = match self.call(Method::GET, &path, &[], None).await {
                Ok(l) => l,
                Err(e) => {
                    self.note_skipped_group(&format!("{group}/{preferred}"), &e);
                    continue;
                }
            };
            for r in list
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let plural = r.get("name").and_then(Value::as_str).unwrap_or("");
                let kind = r.get("kind").and_then(Value::as_str).unwrap_or("");
                if plural.is_empty() || plural.contains('/') || kind.is_empty() {
                    continue;
                }
                let res = || ApiRes {
                    group: group.clone(),
                    version: preferred.clone(),
                    kind: kind.to_string(),
                    plural: plural.to_string(),
                    namespaced: r.get("namespaced").and_then(Value::as_bool).unwrap_or(true),
                };
                let singular = r.get("singularName").and_then(Value::as_str).unwrap_or("");
                // An exact kind, plural or singular wins over any short name.
                if kind.eq_ignore_ascii_case(&name) || plural == name || singular == name {
                    return Ok(Some(res()));
                }
                if by_short.is_none() && str_list(r.get("shortNames")).contains(&name) {
                    by_short = Some(res());
                }
            }
        }
        Ok(by_short)
    }

    /// A known kind at the server's preferred version, else any version that serves it.
    pub async fn resolve_kind(&self, k: &KindInfo) -> Result<Option<ApiRes>, Error> {
        let groups = self.groups().await?;
        let Some((versions, preferred)) = groups.get(k.group) else {
            return Ok(None);
        };
        let mut order = vec![preferred.clone()];
        order.extend(versions.iter().filter(|v| *v != preferred).cloned());
        for v in order {
            let res = self.gv_resources(k.group, &v).await?;
            if let Some(r) = res.iter().find(|r| r.kind == k.kind) {
                return Ok(Some(r.clone()));
            }
        }
        Ok(None)
    }
}
