//! The ConfigMap of config files and the data volume's PersistentVolumeClaim.

use super::App;
use serde_json::{Map, Value, json};

pub(super) fn config_map(app: &App, d: &mut Vec<String>) -> Option<Value> {
    if app.spec.config_files.is_empty() {
        return None;
    }
    let mut data = Map::new();
    for file in &app.spec.config_files {
        let content = if file == "redis.conf" {
            d.push("configMap: redis.conf is a minimal config (bind all interfaces, protected-mode off, AOF persistence in /data); restrict access with the NetworkPolicy or add requirepass".into());
            "bind 0.0.0.0\nport 6379\nprotected-mode no\ndir /data\nappendonly yes\n".to_string()
        } else {
            d.push(format!(
                "configMap: {file} has placeholder content; fill it in"
            ));
            format!(
                "# {file} for {}: replace with the real configuration\n",
                app.name
            )
        };
        data.insert(file.clone(), Value::String(content));
    }
    Some(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": app.meta(&format!("{}-config", app.name)),
        "data": data,
    }))
}

pub(super) fn config_mount_dir(app: &App) -> String {
    if app.spec.config_files.iter().any(|f| f == "redis.conf") {
        "/usr/local/etc/redis".into()
    } else {
        format!("/etc/{}", app.name)
    }
}

/// Storage size, mount path and access mode with defaults recorded.
pub(super) fn storage_values(app: &App, d: &mut Vec<String>) -> (String, String, &'static str) {
    let st = app.spec.storage.clone().unwrap_or_default();
    let size = st.size.unwrap_or_else(|| {
        d.push("storage: no size given; chose 1Gi".into());
        "1Gi".into()
    });
    let mount = st.mount.unwrap_or_else(|| {
        let dir = app.known.map_or("/data", |k| k.data_dir);
        d.push(format!("storage: no mount path given; mounted at {dir}"));
        dir.into()
    });
    let mode = st.access_mode.unwrap_or_else(|| {
        d.push("storage: access mode ReadWriteOnce".into());
        "ReadWriteOnce"
    });
    (size, mount, mode)
}

pub(super) fn pvc_spec(app: &App, size: &str, mode: &str) -> Value {
    let mut s = json!({ "accessModes": [mode], "resources": { "requests": { "storage": size } } });
    if let Some(class) = app.spec.storage.as_ref().and_then(|s| s.class.as_deref()) {
        s["storageClassName"] = class.into();
    }
    s
}

/// Storage defaults are recorded once, where the pod template mounts the volume.
pub(super) fn persistent_volume_claim(app: &App) -> Value {
    let (size, _, mode) = storage_values(app, &mut Vec::new());
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": app.meta(&format!("{}-data", app.name)),
        "spec": pvc_spec(app, &size, mode),
    })
}
