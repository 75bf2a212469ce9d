//! Where pods may run: nodeSelector and tolerations.

use super::{Spec, Toleration, is_label_key, push_unique};
use crate::generate::offline::text::{Unit, split_pair};

/// nodeSelector (architecture words, `key=value` after "node selector") and tolerations.
pub(super) fn scheduling(u: &mut Unit, spec: &mut Spec) {
    for (words, arch) in [
        (&["arm64", "aarch64", "arm"][..], "arm64"),
        (&["amd64", "x86_64", "x86"][..], "amd64"),
    ] {
        if u.take(words) {
            push_unique(
                &mut spec.node_selector,
                ("kubernetes.io/arch".into(), arch.into()),
            );
            u.take(&[
                "node",
                "nodes",
                "only",
                "architecture",
                "arch",
                "cpu",
                "cpus",
                "machines",
            ]);
        }
    }
    let selector = u.has(&["nodeselector"])
        || u.phrase("node selector").is_some()
        || u.phrase("nodes labelled").is_some()
        || u.phrase("nodes labeled").is_some();
    let tolerate = u.has_prefix("tolerat") || u.has(&["taint", "tainted", "taints"]);
    if !selector && !tolerate {
        return;
    }
    let tolerations_before = spec.tolerations.len();
    u.take_prefix("tolerat");
    // "tolerates all taints", "tolerate everything": one key-less Exists toleration.
    let everything = tolerate
        && (u.phrase("all taints").is_some()
            || u.phrase("any taint").is_some()
            || u.phrase("every taint").is_some()
            || u.has(&["everything"]));
    if everything {
        u.take(&["all", "any", "every", "everything"]);
    }
    u.take(&[
        "taint",
        "tainted",
        "taints",
        "nodeselector",
        "node",
        "nodes",
        "selector",
        "labelled",
        "labeled",
        "with",
        "label",
    ]);
    for i in 0..u.len() {
        if u.hit[i] {
            continue;
        }
        let raw = u.raw(i).to_string();
        if tolerate && let Some(t) = parse_toleration(&raw, u.low(i + 1)) {
            if t.effect.is_some() && !raw.contains(':') {
                u.mark(i + 1);
            }
            spec.tolerations.push(t);
            u.mark(i);
            continue;
        }
        if selector && let Some(pair) = split_pair(&raw).filter(|(k, _)| is_label_key(k)) {
            push_unique(&mut spec.node_selector, pair);
            u.mark(i);
        }
    }
    if everything && spec.tolerations.len() == tolerations_before {
        spec.tolerations.push(Toleration {
            key: String::new(),
            value: None,
            effect: None,
        });
    }
}

/// `key=value:Effect`, `key:Effect`, or `key=value` followed by an effect word.
pub(super) fn parse_toleration(raw: &str, next: &str) -> Option<Toleration> {
    let effect_of = |s: &str| match s.to_ascii_lowercase().as_str() {
        "noschedule" => Some("NoSchedule"),
        "prefernoschedule" => Some("PreferNoSchedule"),
        "noexecute" => Some("NoExecute"),
        _ => None,
    };
    let (body, effect) = match raw.rsplit_once(':') {
        Some((b, e)) => (b, Some(effect_of(e)?)),
        None => (raw, effect_of(next)),
    };
    let (key, value) = match body.split_once('=') {
        Some((k, v)) => (k, Some(v.to_string())),
        None if effect.is_some() => (body, None),
        None => return None,
    };
    is_label_key(key).then(|| Toleration {
        key: key.to_string(),
        value,
        effect,
    })
}
