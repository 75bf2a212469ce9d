//! Persistent storage: size, class, mount path, access mode, or none at all.

use super::resources::spaced_quantity;
use super::{Spec, Storage, is_filler};
use crate::generate::offline::conventions::known_image;
use crate::generate::offline::text::{QuantityKind, Unit, is_dns_name, parse_quantity};

pub(super) fn storage(u: &mut Unit, spec: &mut Spec) {
    let asked = u.has(&[
        "storage",
        "persistent",
        "persistence",
        "volume",
        "pvc",
        "persistentvolumeclaim",
        "disk",
        "disks",
        "volumes",
        "volumeclaimtemplates",
        "storageclass",
        "storageclassname",
    ]);
    // "50Gi each" next to a StatefulSet or replicas: a per-pod size is storage, not memory.
    let per_pod_size = (0..u.len()).any(|i| {
        matches!(parse_quantity(u.raw(i)), Some((QuantityKind::Memory, _)))
            && (u.low(i + 1) == "each"
                || ["per pod", "per replica", "per instance"]
                    .iter()
                    .any(|p| u.phrase(p).is_some()))
            && !u.has(&[
                "memory", "mem", "ram", "limit", "limits", "request", "requests",
            ])
    });
    // "mysql with 10Gi": for an image that keeps data, a size with no memory word is storage.
    let data_image_size = u.tokens.iter().any(|t| known_image(&t.low).is_some_and(|k| k.keeps_data))
        && (0..u.len()).any(|i| {
            matches!(parse_quantity(u.raw(i)), Some((QuantityKind::Memory, q)) if q.ends_with("Gi") || q.ends_with("Ti") || q.ends_with('G'))
        })
        && !u.has(&["memory", "mem", "ram", "limit", "limits", "request", "requests", "resources"]);
    if !asked && !per_pod_size && !data_image_size {
        return;
    }
    if let Some(i) = negated_storage(u) {
        // "no persistence", "without persistent storage", "ephemeral": the data lives in the
        // pod and is lost with it, which is what was asked.
        spec.no_storage = true;
        spec.storage = None;
        (i..u.len())
            .take_while(|&k| {
                k == i
                    || [
                        "persistence",
                        "persistent",
                        "storage",
                        "volume",
                        "volumes",
                        "disk",
                        "pvc",
                        "needed",
                        "required",
                        "data",
                        "a",
                        "an",
                        "any",
                    ]
                    .contains(&u.low(k))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .for_each(|k| u.mark(k));
        return;
    }
    if spec.no_storage {
        return;
    }
    u.take(&[
        "storage",
        "persistent",
        "persistence",
        "volume",
        "pvc",
        "persistentvolumeclaim",
        "disk",
        "volumeclaimtemplates",
        "claim",
        "claims",
        "disks",
        "volumes",
        "each",
        "mounted",
        "mount",
        "at",
        "of",
        "with",
        "data",
    ]);
    for phrase in ["per pod", "per replica", "per instance", "per node"] {
        u.take_phrase(phrase);
    }
    let st = spec.storage.get_or_insert_with(Storage::default);
    for i in 0..u.len() {
        if let Some((QuantityKind::Memory, q)) = parse_quantity(u.raw(i)) {
            st.size.get_or_insert(q);
            u.mark(i);
        } else if let Some(q) = spaced_quantity(u, i) {
            st.size.get_or_insert(q);
            u.mark(i);
            u.mark(i + 1);
        }
    }
    if let Some(i) = (0..u.len()).find(|&i| !u.hit[i] && u.low(i).starts_with('/')) {
        st.mount = Some(u.raw(i).to_string());
        u.mark(i);
    }
    let class = u
        .pos(&["storageclass", "storageclassname"])
        .or_else(|| u.phrase("storage class").map(|i| i + 1));
    if let Some(i) = class {
        u.mark(i);
        u.take(&["class", "using", "use", "the"]);
        let after = u.value_after(i).filter(|v| is_dns_name(v) && !is_filler(v));
        // "the fast-ssd storage class": the name comes before.
        let before = || {
            (i >= 2)
                .then(|| u.raw(i - 2).to_string())
                .filter(|v| is_dns_name(v))
        };
        st.class = after.or_else(before);
        if let Some(k) = (i >= 2 && st.class.as_deref() == Some(u.raw(i - 2))).then(|| i - 2) {
            u.mark(k);
        }
    }
    for (words, mode) in [
        (&["readwritemany", "rwx"][..], "ReadWriteMany"),
        (&["readwriteonce", "rwo"][..], "ReadWriteOnce"),
        (&["readonlymany", "rox"][..], "ReadOnlyMany"),
    ] {
        if u.take(words) {
            st.access_mode = Some(mode);
        }
    }
}

/// Index of the word that negates storage ("no persistence", "without a volume",
/// "ephemeral"), if the unit says so.
fn negated_storage(u: &Unit) -> Option<usize> {
    if let Some(i) = u.pos(&["ephemeral", "stateless"]) {
        return Some(i);
    }
    (0..u.len()).find(|&i| {
        matches!(u.low(i), "no" | "without" | "not")
            && (i + 1..u.len().min(i + 3)).any(|k| {
                matches!(
                    u.low(k),
                    "persistence"
                        | "persistent"
                        | "storage"
                        | "volume"
                        | "volumes"
                        | "pvc"
                        | "disk"
                )
            })
    })
}
