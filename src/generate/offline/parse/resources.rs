//! CPU and memory requests and limits.

use super::Spec;
use crate::generate::offline::text::{QuantityKind, Unit, parse_quantity, parse_quantity_or_cores};

pub(super) fn resources(u: &mut Unit, spec: &mut Spec) {
    const KEYS: &[&str] = &[
        "resource",
        "resources",
        "requests",
        "request",
        "limits",
        "limit",
        "vcpu",
        "vcpus",
        "cores",
        "cpu",
        "memory",
        "mem",
        "ram",
    ];
    if u.free(KEYS).is_none() {
        return;
    }
    let req = u.free(&["requests", "request"]);
    let lim = u.free(&["limits", "limit"]);
    let r = &mut spec.resources;
    let mut found = false;
    match (req, lim) {
        (None, None) => found |= quantity_pair(u, 0, u.len(), &mut r.req_cpu, &mut r.req_mem),
        _ => {
            if let Some(i) = req {
                let end = lim.filter(|&l| l > i).unwrap_or(u.len());
                found |= quantity_pair(u, i + 1, end, &mut r.req_cpu, &mut r.req_mem);
            }
            if let Some(i) = lim {
                let end = req.filter(|&q| q > i).unwrap_or(u.len());
                found |= quantity_pair(u, i + 1, end, &mut r.lim_cpu, &mut r.lim_mem);
            }
            // "a 512Mi memory limit", "250m cpu request": the quantity comes first.
            for (at, other, is_req) in [(req, lim, true), (lim, req, false)] {
                let Some(i) = at else { continue };
                let none_yet = if is_req {
                    r.req_cpu.is_none() && r.req_mem.is_none()
                } else {
                    r.lim_cpu.is_none() && r.lim_mem.is_none()
                };
                if none_yet {
                    let start = other.filter(|&o| o < i).map_or(0, |o| o + 1);
                    let (cpu, mem) = if is_req {
                        (&mut r.req_cpu, &mut r.req_mem)
                    } else {
                        (&mut r.lim_cpu, &mut r.lim_mem)
                    };
                    found |= quantity_pair(u, start.max(i.saturating_sub(3)), i, cpu, mem);
                }
            }
        }
    }
    // "half a CPU", "a quarter of a core".
    for (phrase, q) in [
        ("half a cpu", "500m"),
        ("half a core", "500m"),
        ("half cpu", "500m"),
        ("quarter of a cpu", "250m"),
        ("quarter cpu", "250m"),
    ] {
        if let Some(i) = u.phrase(phrase) {
            (i..i + phrase.split(' ').count()).for_each(|k| u.mark(k));
            let limit = lim.is_some_and(|l| l < i);
            let slot = if limit {
                &mut r.lim_cpu
            } else {
                &mut r.req_cpu
            };
            slot.get_or_insert_with(|| q.to_string());
            found = true;
        }
    }
    const HINTS: &[&str] = &[
        "appropriately",
        "appropriate",
        "sensible",
        "sensibly",
        "reasonable",
        "reasonably",
        "proper",
        "properly",
        "default",
        "defaults",
        "standard",
        "production",
        "good",
    ];
    if !found {
        if let Some(i) = u.pos(HINTS) {
            spec.resources_hint = Some(u.raw(i).to_string());
            u.mark(i);
        } else if !u.has(&["resource", "resources"]) {
            return; // a bare "limit"/"memory" elsewhere is not a resources requirement
        }
    }
    u.take(KEYS);
    u.take(&["set", "and", "of", "with"]);
}

/// Reads cpu/memory quantities in tokens `from..to` ("100m/128Mi", "cpu 250m memory 256Mi",
/// "250m CPU"); true when anything was found.
fn quantity_pair(
    u: &mut Unit,
    from: usize,
    to: usize,
    cpu: &mut Option<String>,
    mem: &mut Option<String>,
) -> bool {
    let mut found = false;
    for i in from..to.min(u.len()) {
        if let Some(q) = spaced_quantity(u, i) {
            *mem = Some(q);
            u.mark(i);
            u.mark(i + 1);
            found = true;
            continue;
        }
        let raw = u.raw(i).to_string();
        let parts: Vec<&str> = raw.split('/').collect();
        // "cpu 2", "cpu limit 2", "limit cpu to 2", "2 cores".
        let cpu_word = |w: &str| matches!(w, "cpu" | "cpus" | "vcpu" | "vcpus");
        let after_keyword = cpu_word(u.low(i.wrapping_sub(1)))
            || (matches!(
                u.low(i.wrapping_sub(1)),
                "limit" | "limits" | "request" | "requests" | "to" | "of" | "="
            ) && cpu_word(u.low(i.wrapping_sub(2))))
            || matches!(
                u.low(i + 1),
                "cpu" | "cpus" | "cores" | "core" | "vcpu" | "vcpus"
            );
        for part in parts {
            let q = if after_keyword {
                parse_quantity_or_cores(part)
            } else {
                parse_quantity(part)
            };
            match q {
                Some((QuantityKind::Cpu, q)) => *cpu = Some(q),
                Some((QuantityKind::Memory, q)) => *mem = Some(q),
                None => continue,
            }
            found = true;
            u.mark(i);
        }
    }
    found
}

/// A memory size written with a unit word: "512 megs", "2 gigs", "20 GB", "1 TiB".
pub(super) fn spaced_quantity(u: &Unit, i: usize) -> Option<String> {
    let n = u.low(i);
    let number = !n.is_empty()
        && n.len() <= 12
        && n.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && n.bytes().next().is_some_and(|b| b.is_ascii_digit());
    let suffix = match u.low(i + 1) {
        "megs" | "meg" | "mib" | "mi" => "Mi",
        "gigs" | "gig" | "gib" | "gi" => "Gi",
        "tib" | "ti" => "Ti",
        "mb" | "megabytes" | "megabyte" => "M",
        "gb" | "gigabytes" | "gigabyte" => "G",
        "tb" | "terabytes" | "terabyte" => "T",
        _ => return None,
    };
    number.then(|| format!("{n}{suffix}"))
}
