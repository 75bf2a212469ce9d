//! Liveness, readiness and startup probes ("health check on /healthz every 10s").

use super::{Probe, Spec};
use crate::generate::offline::text::{Unit, parse_duration_seconds, parse_port, parse_u64};
use std::ops::Range;

pub(super) fn is_probe_unit(u: &Unit) -> bool {
    // "Health: /healthz"
    let health_path =
        u.has(&["health", "healthz"]) && u.tokens.iter().any(|t| t.low.starts_with('/'));
    health_path
        || u.has_prefix("liveness")
        || u.has_prefix("readiness")
        || u.has_prefix("startup")
        || u.has_prefix("healthcheck")
        || u.has_prefix("health-check")
        || u.phrase("health check").is_some()
        || u.phrase("health checks").is_some()
        || u.has(&["probe", "probes"])
}

pub(super) fn probes(u: &mut Unit, spec: &mut Spec) {
    if !is_probe_unit(u) {
        return;
    }
    u.take_prefix("healthcheck");
    u.take_prefix("health-check");
    // Each clause that names a probe describes that probe ("liveness probe /livez and readiness
    // probe /readyz"), and only those clauses do: "..., port 80 to 8080, liveness on /livez"
    // must not give the probe the Service's port. A clause naming probes without details
    // ("Add readiness and liveness probes on /health") takes the first details given.
    let mut described: Vec<([bool; 3], Probe)> = Vec::new();
    for scope in u.clause_tokens() {
        let mentions = scope.clone().any(|i| {
            ["liveness", "readiness", "startup", "health", "probe"]
                .iter()
                .any(|p| u.low(i).starts_with(p))
        });
        if !mentions {
            continue;
        }
        let mut kinds = [false; 3];
        for (k, prefix) in ["liveness", "readiness", "startup"].iter().enumerate() {
            for i in scope.clone() {
                if u.low(i).starts_with(prefix) {
                    u.mark(i);
                    kinds[k] = true;
                }
            }
        }
        u.take_in(
            &[
                "health", "check", "checks", "probe", "probes", "http", "get", "httpget",
                "endpoint", "on", "with", "tcp", "initial", "seconds", "second", "s", "hit",
                "hits", "hitting", "at", "path", "using", "via", "calling", "checking",
            ],
            scope.clone(),
        );
        let mut probe = Probe::default();
        if let Some(i) = scope.clone().find(|&i| u.low(i).starts_with('/')) {
            u.mark(i);
            probe.path = Some(u.raw(i).to_string());
        }
        if let Some(i) = u.free_in(&["port"], scope.clone()) {
            u.mark(i);
            probe.port = u
                .next_value(i)
                .and_then(|k| parse_port(u.low(k)).inspect(|_| u.mark(k)));
        }
        probe.period = duration_after(
            u,
            &["every", "period", "periodseconds", "interval"],
            scope.clone(),
        );
        probe.initial_delay =
            duration_after(u, &["after", "delay", "initialdelayseconds"], scope.clone());
        // "a 10 second readiness probe", "a 20 second initial delay": the value can come first.
        if let Some(k) = scope.clone().find(|&k| {
            !u.hit[k]
                && parse_u64(u.low(k)).is_some()
                && matches!(u.low(k + 1), "second" | "seconds" | "s" | "sec")
        }) {
            let delay = matches!(u.low(k + 2), "initial" | "delay");
            let slot = if delay {
                &mut probe.initial_delay
            } else {
                &mut probe.period
            };
            if slot.is_none() {
                *slot = parse_duration_seconds(u.low(k));
                u.mark(k);
                u.mark(k + 1);
                if delay {
                    u.take_in(&["initial", "delay"], scope.clone());
                }
            }
        }
        described.push((kinds, probe));
    }
    // "…, both every 5 seconds": a clause about all of them.
    if described.len() > 1
        && let Some(scope) = u
            .clause_tokens()
            .into_iter()
            .find(|r| r.clone().any(|i| matches!(u.low(i), "both" | "all")))
        && let Some(period) = duration_after(u, &["every", "period", "interval"], scope.clone())
    {
        u.take_in(&["both", "all", "of", "them"], scope);
        for (_, p) in &mut described {
            p.period.get_or_insert(period);
        }
    }
    let first = described
        .iter()
        .map(|(_, p)| p)
        .find(|p| **p != Probe::default())
        .cloned()
        .unwrap_or_default();
    for (kinds, probe) in described {
        let probe = if probe == Probe::default() {
            first.clone()
        } else {
            probe
        };
        let both = kinds == [false; 3];
        for (wanted, slot) in [
            (kinds[0] || both, &mut spec.liveness),
            (kinds[1] || both, &mut spec.readiness),
            (kinds[2], &mut spec.startup),
        ] {
            if wanted {
                *slot = Some(probe.clone());
            }
        }
    }
}

/// A duration following one of `keys` ("every 10s", "period 5 seconds").
fn duration_after(u: &mut Unit, keys: &[&str], scope: Range<usize>) -> Option<u64> {
    let i = u.free_in(keys, scope)?;
    let k = u.next_value(i)?;
    let mut text = u.low(k).to_string();
    let unit_word = matches!(
        u.low(k + 1),
        "s" | "sec" | "secs" | "second" | "seconds" | "m" | "min" | "minutes"
    );
    if unit_word {
        text.push_str(u.low(k + 1));
    }
    let secs = parse_duration_seconds(&text)?;
    u.mark(i);
    u.mark(k);
    if unit_word {
        u.mark(k + 1);
    }
    Some(secs)
}
