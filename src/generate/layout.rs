//! GitOps layouts for `--write DIR`: plain files, the Flux app pattern of the team guide, or
//! the ArgoCD Application standard. Pure: returns (relative path, content) pairs.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::manifest::to_yaml;
use crate::object::Obj;

/// How files are laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// One file per object: `<kind>-<name>.yaml`
    #[default]
    Plain,
    /// `<ns>/<app>/ks.yaml` (Flux Kustomization) + `<ns>/<app>/app/` (kustomization.yaml + objects)
    Flux,
    /// `apps/<app>.yaml` (ArgoCD Application) + `manifests/<app>/` (objects)
    Argocd,
}

/// The file name of one object: `<kind>-<name>.yaml`, lower-case.
pub fn file_name(v: &Value) -> String {
    let o = Obj(v);
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!("{}-{}.yaml", clean(o.kind()), clean(o.name()))
}

fn object_files(objects: &[Value], dir: &Path) -> Vec<(PathBuf, String)> {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    objects
        .iter()
        .map(|v| {
            let mut name = file_name(v);
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                // Same kind and name in two namespaces: keep both.
                name = name.replace(".yaml", &format!("-{n}.yaml"));
            }
            (dir.join(name), to_yaml(v))
        })
        .collect()
}

/// Options for the GitOps layouts.
#[derive(Debug, Clone)]
pub struct LayoutOptions<'a> {
    pub app: &'a str,
    pub namespace: &'a str,
    /// The `--write` directory as the user gave it, for repo-relative paths.
    pub write_dir: &'a Path,
    pub repo_url: &'a str,
}

/// Lays out the objects. Paths are relative to the write directory.
pub fn lay_out(layout: Layout, objects: &[Value], o: &LayoutOptions<'_>) -> Vec<(PathBuf, String)> {
    match layout {
        Layout::Plain => object_files(objects, Path::new("")),
        Layout::Flux => flux(objects, o),
        Layout::Argocd => argocd(objects, o),
    }
}

fn repo_path(write_dir: &Path, rest: &Path) -> String {
    let joined = write_dir.join(rest);
    let s = joined.to_string_lossy().replace('\\', "/");
    let s = s.trim_start_matches("./").trim_end_matches('/');
    format!("./{s}")
}

fn flux(objects: &[Value], o: &LayoutOptions<'_>) -> Vec<(PathBuf, String)> {
    let base = PathBuf::from(o.namespace).join(o.app);
    let app_dir = base.join("app");
    let mut files = object_files(objects, &app_dir);
    let resources: Vec<String> = files
        .iter()
        .filter_map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    });
    files.push((app_dir.join("kustomization.yaml"), to_yaml(&kustomization)));
    let ks = json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": o.app, "namespace": "flux-system"},
        "spec": {
            "targetNamespace": o.namespace,
            "commonMetadata": {"labels": {"app.kubernetes.io/name": o.app}},
            "interval": "1h",
            "retryInterval": "2m",
            "timeout": "10m",
            "prune": true,
            "wait": true,
            "path": repo_path(o.write_dir, &app_dir),
            "sourceRef": {"kind": "GitRepository", "name": "flux-system", "namespace": "flux-system"},
        }
    });
    files.push((base.join("ks.yaml"), to_yaml(&ks)));
    files
}

fn argocd(objects: &[Value], o: &LayoutOptions<'_>) -> Vec<(PathBuf, String)> {
    let manifests = PathBuf::from("manifests").join(o.app);
    let mut files = object_files(objects, &manifests);
    let app = json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": o.app,
            "namespace": "argocd",
            "finalizers": ["resources-finalizer.argocd.argoproj.io"],
            "labels": {"app.kubernetes.io/name": o.app},
        },
        "spec": {
            "project": "default",
            "source": {
                "repoURL": o.repo_url,
                "targetRevision": "main",
                "path": repo_path(o.write_dir, &manifests).trim_start_matches("./"),
            },
            "destination": {"server": "https://kubernetes.default.svc", "namespace": o.namespace},
            "revisionHistoryLimit": 3,
            "syncPolicy": {
                "automated": {"prune": true, "selfHeal": true, "allowEmpty": false},
                "syncOptions": ["CreateNamespace=true"],
                "retry": {"limit": 5, "backoff": {"duration": "5s", "factor": 2, "maxDuration": "3m"}},
            },
        }
    });
    files.push((
        PathBuf::from("apps").join(format!("{}.yaml", o.app)),
        to_yaml(&app),
    ));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::lint::{Level, LintOptions, lint};

    fn objs() -> Vec<Value> {
        vec![
            json!({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web","labels":{"app.kubernetes.io/name":"web"}}}),
        ]
    }

    fn opts(dir: &Path) -> LayoutOptions<'_> {
        LayoutOptions {
            app: "web",
            namespace: "shop",
            write_dir: dir,
            repo_url: "https://git.example/r.git",
        }
    }

    #[test]
    fn flux_layout_follows_the_guide_and_lints_clean() {
        let files = lay_out(Layout::Flux, &objs(), &opts(Path::new("kubernetes/apps")));
        let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
        assert!(names.contains(&"shop/web/ks.yaml".to_string()), "{names:?}");
        assert!(names.contains(&"shop/web/app/kustomization.yaml".to_string()));
        assert!(names.contains(&"shop/web/app/configmap-web.yaml".to_string()));
        let ks = crate::manifest::parse_stream(
            &files
                .iter()
                .find(|(p, _)| p.ends_with("ks.yaml"))
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(ks[0]["spec"]["path"], "./kubernetes/apps/shop/web/app");
        assert_eq!(ks[0]["spec"]["sourceRef"]["namespace"], "flux-system");
        assert!(
            lint(&ks, &[], &LintOptions::default())
                .iter()
                .all(|i| i.level < Level::Warning)
        );
    }

    #[test]
    fn argocd_layout_follows_the_standard_and_lints_clean() {
        let files = lay_out(Layout::Argocd, &objs(), &opts(Path::new("k8s")));
        let app = crate::manifest::parse_stream(
            &files.iter().find(|(p, _)| p.starts_with("apps")).unwrap().1,
        )
        .unwrap();
        assert_eq!(app[0]["spec"]["source"]["path"], "k8s/manifests/web");
        assert!(
            lint(&app, &[], &LintOptions::default()).is_empty(),
            "{:?}",
            lint(&app, &[], &LintOptions::default())
        );
    }
}
