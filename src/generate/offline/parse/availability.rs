//! Replicas over time: the autoscaler, the disruption budget and the rollout strategy.

use super::{Hpa, Pdb, Spec, Strategy};
use crate::generate::offline::text::{Unit, parse_percent, parse_u64};

pub(super) fn hpa(u: &mut Unit, spec: &mut Spec) {
    // "should scale between 2 and 6 pods", "scale from 2 to 10 based on cpu".
    let scales = u.has(&["scale", "scales", "scaling"])
        && (u.has(&["between"]) || u.phrase("based on").is_some() || u.has(&["from"]));
    let asked = u.has_prefix("autoscal")
        || u.has(&["hpa", "horizontalpodautoscaler"])
        || u.phrase("horizontal pod").is_some()
        || scales;
    if !asked {
        return;
    }
    u.take_prefix("autoscal");
    u.take_phrase("horizontal pod");
    // Replica words are taken only after the HPA's own bounds (below): in "4 replicas and an
    // HPA up to 12" the 4 replicas are the Deployment's.
    u.take(&[
        "hpa",
        "horizontalpodautoscaler",
        "horizontal",
        "scale",
        "scales",
        "scaling",
        "cpu",
        "target",
        "targeting",
        "utilization",
        "average",
        "usage",
        "when",
        "above",
        "based",
    ]);
    let hpa = spec.hpa.get_or_insert_with(Hpa::default);
    // The first keyword followed by a number: "add an HPA to the checkout service, min 2 max 8"
    // has its maximum after "max", not after "to".
    let bound = |u: &mut Unit, words: &[&str]| {
        let i = (0..u.len()).find(|&i| {
            words.contains(&u.low(i))
                && u.next_value(i)
                    .is_some_and(|k| !u.hit[k] && parse_u64(u.low(k)).is_some())
        })?;
        u.mark(i);
        u.number_after(i)
    };
    if let Some(n) = bound(u, &["min", "minimum", "minreplicas", "from", "between"]) {
        hpa.min = Some(n);
    }
    if let Some(n) = bound(u, &["max", "maximum", "maxreplicas", "to", "and"]) {
        hpa.max = Some(n);
    }
    // "2-10 replicas"
    if let Some(i) = (0..u.len()).find(|&i| {
        u.low(i)
            .split_once('-')
            .is_some_and(|(a, b)| parse_u64(a).is_some() && parse_u64(b).is_some())
    }) {
        let (a, b) = u.low(i).split_once('-').unwrap_or_default();
        (hpa.min, hpa.max) = (parse_u64(a), parse_u64(b));
        u.mark(i);
    }
    if let Some(i) = (0..u.len()).find(|&i| parse_percent(u.low(i), false).is_some()) {
        hpa.cpu = parse_percent(u.low(i), false);
        u.mark(i);
        u.take(&["at", "of"]);
    }
    let bounds = [hpa.min, hpa.max];
    for i in 0..u.len() {
        let own = u.low(i).split('-').all(|n| parse_u64(n).is_some())
            && u.low(i).split('-').any(|n| bounds.contains(&parse_u64(n)));
        if u.hit[i] && own && matches!(u.low(i + 1), "replicas" | "replica" | "pods" | "instances")
        {
            u.mark(i + 1);
        }
    }
}

fn is_pdb_unit(u: &Unit) -> bool {
    u.has(&[
        "poddisruptionbudget",
        "pdb",
        "disruption",
        "poddisruptionbudgets",
    ])
}

pub(super) fn pdb(u: &mut Unit, spec: &mut Spec) {
    if !is_pdb_unit(u) {
        return;
    }
    u.take(&[
        "poddisruptionbudget",
        "poddisruptionbudgets",
        "pdb",
        "disruption",
        "budget",
        "pod",
        "least",
        "available",
        "pods",
    ]);
    let pdb = spec.pdb.get_or_insert_with(Pdb::default);
    let min = u
        .pos(&["minavailable"])
        .or_else(|| u.phrase("min available"))
        .or_else(|| u.phrase("at least"));
    if let Some(i) = min {
        pdb.min_available = int_or_percent_after(u, i);
    }
    let max = u
        .pos(&["maxunavailable"])
        .or_else(|| u.phrase("max unavailable"));
    if let Some(i) = max {
        pdb.max_unavailable = int_or_percent_after(u, i);
    }
    // "max 1 unavailable", "at most 1 unavailable", "min 2 available", "allow 1 unavailable".
    for i in 0..u.len() {
        let n = u.low(i);
        let ok = parse_u64(n).is_some() || parse_percent(n, false).is_some();
        if u.hit[i] || !ok {
            continue;
        }
        let value = Some(n.to_string());
        let slot = match u.low(i + 1) {
            "unavailable" => &mut pdb.max_unavailable,
            "available" => &mut pdb.min_available,
            _ => continue,
        };
        *slot = value;
        u.mark(i);
        u.mark(i + 1);
        u.take(&[
            "max", "maximum", "most", "min", "minimum", "allow", "allows", "of",
        ]);
    }
}

/// An int-or-percent value after token `i` (skipping a second keyword word); marks both.
fn int_or_percent_after(u: &mut Unit, i: usize) -> Option<String> {
    u.mark(i);
    let mut k = u.next_value(i)?;
    if ["available", "unavailable", "surge"].contains(&u.low(k)) {
        u.mark(k);
        k = u.next_value(k)?;
    }
    let v = u.low(k).to_string();
    let ok =
        parse_u64(&v).is_some_and(|n| n <= i32::MAX as u64) || parse_percent(&v, false).is_some();
    ok.then(|| {
        u.mark(k);
        v
    })
}

pub(super) fn strategy(u: &mut Unit, spec: &mut Spec) {
    if is_pdb_unit(u) {
        return;
    }
    if u.take(&["recreate"]) {
        spec.strategy = Some(Strategy::Recreate);
    } else if u.take(&["ondelete"]) || u.take_phrase("on delete").is_some() {
        spec.strategy = Some(Strategy::OnDelete);
    } else if let Some(i) = u.pos(&["partition"]) {
        u.mark(i);
        spec.strategy = u.number_after(i).map(Strategy::Partition);
    } else if let Some(i) = (1..u.len()).find(|&i| {
        matches!(u.low(i - 1), "max" | "most" | "maximum")
            && (parse_u64(u.low(i)).is_some() || parse_percent(u.low(i), false).is_some())
            && u.low(i + 1) == "unavailable"
            && u.has(&[
                "update", "updates", "rollout", "rollouts", "deploys", "upgrades",
            ])
    }) {
        // "max 1 unavailable during updates"
        let v = u.low(i).to_string();
        [i - 1, i, i + 1].into_iter().for_each(|k| u.mark(k));
        u.take(&[
            "at", "during", "while", "updates", "update", "rollout", "rollouts", "deploys",
            "upgrades",
        ]);
        spec.strategy = Some(Strategy::RollingUpdate(None, Some(v)));
    } else {
        let rolling = u.take(&["rollingupdate", "rolling"]);
        let surge = u.pos(&["maxsurge"]).or_else(|| u.phrase("max surge"));
        let unavailable = u
            .pos(&["maxunavailable"])
            .or_else(|| u.phrase("max unavailable"));
        if rolling || surge.is_some() || unavailable.is_some() {
            let surge = surge.and_then(|i| int_or_percent_after(u, i));
            let unavailable = unavailable.and_then(|i| int_or_percent_after(u, i));
            spec.strategy = Some(Strategy::RollingUpdate(surge, unavailable));
            u.take(&["update", "max"]);
        }
    }
    if spec.strategy.is_some() {
        u.take(&["strategy", "update", "updates"]);
    }
}
