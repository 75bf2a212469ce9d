//! Jobs recipe: Jobs that failed and CronJobs whose runs fail or that miss their schedule.
//!
//! k8s.job-failed — condition `Failed=True` (BackoffLimitExceeded, DeadlineExceeded,
//! PodFailurePolicy…), with the failed pods' exit codes and log tail. A CronJob whose newest
//! run failed is its symptom (k8s.cronjob-failing). k8s.cronjob-missed-schedule — the
//! controller gave up starting runs (TooManyMissedTimes). A completed Job, a Job that failed
//! once and then succeeded, a failed run followed by a successful one and a suspended CronJob
//! are healthy.

use serde_json::Value;

use super::Recipe;
use super::common::{Propose, age_secs, cond_line, describe, inventory_now, trunc, warning_events};
use crate::action::Action;
use crate::cluster::{Inventory, Obj};
use crate::finding::{Finding, Severity};

pub struct Jobs;

const ID: &str = "jobs";

impl Recipe for Jobs {
    fn id(&self) -> &'static str {
        ID
    }
    fn summary(&self) -> &'static str {
        "Failed Jobs (backoff limit, deadline), CronJobs whose newest run failed or that miss their schedule"
    }
    fn reads(&self) -> &'static [&'static str] {
        &["Job", "CronJob", "Pod", "Event"]
    }
    fn relevant(&self, inv: &Inventory) -> bool {
        super::common::served(inv, "Job") || super::common::served(inv, "CronJob")
    }
    fn diagnose(&self, inv: &Inventory) -> Vec<Finding> {
        let mut out = Vec::new();
        for job in inv.of_kind("Job") {
            if let Some(f) = job_failed(inv, &job) {
                out.push(f);
            }
        }
        for cj in inv.of_kind("CronJob") {
            if cj.bool_at("/spec/suspend") == Some(true) {
                continue;
            }
            let r = cj.obj_ref();
            // The newest run decides: an older failure followed by a success is history.
            let newest = inv
                .of_kind("Job")
                .filter(|j| j.namespace() == cj.namespace())
                .filter(|j| {
                    j.owner_refs()
                        .iter()
                        .any(|(k, n)| *k == "CronJob" && *n == cj.name())
                })
                .max_by(|a, b| {
                    let t = |j: &Obj| j.str_at("/status/startTime").unwrap_or("").to_string();
                    t(a).cmp(&t(b)).then(a.name().cmp(b.name()))
                });
            if let Some(j) = newest
                && j.condition("Failed").is_some_and(|c| c.is_true())
            {
                let mut f = Finding::new(
                    ID,
                    "k8s.cronjob-failing",
                    Severity::Error,
                    r.clone(),
                    format!("CronJob's newest run {} failed", j.name()),
                )
                .caused_by(j.obj_ref());
                if let Some(t) = cj.str_at("/status/lastSuccessfulTime") {
                    f = f.evidence(format!("last successful run: {t}"));
                } else {
                    f = f.evidence("no run has ever succeeded");
                }
                out.push(f);
                continue;
            }
            let missed = warning_events(inv, &cj)
                .into_iter()
                .rev()
                .find(|(reason, m)| {
                    reason == "TooManyMissedTimes"
                        || m.contains("too many missed start time")
                        || m.contains("Cannot determine if job needs to be started")
                });
            // Without the controller's event (events expire), a last run far older than the
            // schedule allows says the same.
            let missed = missed.or_else(|| {
                let period = cron_period_secs(cj.str_at("/spec/schedule")?)?;
                let age = age_secs(cj.str_at("/status/lastScheduleTime"), inventory_now(inv))?;
                (age > 3 * period && age > 3600).then(|| {
                    (
                        "NoRecentRun".to_string(),
                        format!(
                            "last run started {}h ago; the schedule runs at least every {}",
                            age / 3600,
                            human(period)
                        ),
                    )
                })
            });
            if let Some((reason, m)) = missed {
                out.push(
                    Finding::new(
                        ID,
                        "k8s.cronjob-missed-schedule",
                        Severity::Error,
                        r.clone(),
                        "CronJob misses its schedule: the controller no longer starts runs",
                    )
                    .evidence(format!("{reason}: {}", trunc(&m, 240)))
                    .evidence(format!(
                        "schedule {} — last scheduled {}",
                        cj.str_at("/spec/schedule").unwrap_or("?"),
                        cj.str_at("/status/lastScheduleTime").unwrap_or("never")
                    ))
                    .evidence(
                        "set spec.startingDeadlineSeconds so missed runs older than it are skipped, and check the controller's clock",
                    )
                    .fix(describe(r.clone()), "read the CronJob's schedule, deadline and events", None),
                );
            }
        }
        out
    }
}

/// The longest gap a cron schedule allows between runs, roughly: enough to tell "stopped"
/// from "not due yet". None for forms we do not read (macros, ranges in every field).
fn cron_period_secs(schedule: &str) -> Option<i64> {
    match schedule.trim() {
        "@hourly" => return Some(3600),
        "@daily" | "@midnight" => return Some(86_400),
        "@weekly" => return Some(7 * 86_400),
        "@monthly" => return Some(31 * 86_400),
        "@yearly" | "@annually" => return Some(366 * 86_400),
        _ => {}
    }
    let f: Vec<&str> = schedule.split_whitespace().collect();
    let [min, hour, dom, month, dow] = f.as_slice() else {
        return None;
    };
    let every = |field: &str| -> Option<i64> {
        match field {
            "*" => Some(1),
            _ => field.strip_prefix("*/")?.parse().ok(),
        }
    };
    if *hour == "*" && *dom == "*" && *month == "*" && *dow == "*" {
        return Some(every(min).unwrap_or(60) * 60);
    }
    if *dom == "*" && *month == "*" && *dow == "*" {
        return Some(every(hour).unwrap_or(24) * 3600);
    }
    if *month == "*" && *dom == "*" {
        return Some(7 * 86_400);
    }
    if *month == "*" {
        return Some(31 * 86_400);
    }
    Some(366 * 86_400)
}

fn human(secs: i64) -> String {
    match secs {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s => format!("{}m", s / 60),
    }
}

fn job_failed(inv: &Inventory, job: &Obj) -> Option<Finding> {
    let c = job.condition("Failed").filter(|c| c.is_true())?;
    // A CronJob's failed run followed by a successful one is history, not a failure.
    let started = |j: &Obj| j.str_at("/status/startTime").unwrap_or("").to_string();
    let cron = job
        .owner_refs()
        .into_iter()
        .find(|(k, _)| *k == "CronJob")
        .map(|(_, n)| n);
    if let Some(cj) = cron
        && inv.of_kind("Job").any(|j| {
            j.namespace() == job.namespace()
                && j.owner_refs()
                    .iter()
                    .any(|(k, n)| *k == "CronJob" && *n == cj)
                && started(&j) > started(job)
                && j.condition("Complete").is_some_and(|c| c.is_true())
        })
    {
        return None;
    }
    let r = job.obj_ref();
    let why = match c.reason.as_str() {
        "BackoffLimitExceeded" => "its pods kept failing until the backoff limit",
        "DeadlineExceeded" => "it ran longer than activeDeadlineSeconds",
        "PodFailurePolicy" => "a pod failure policy rule failed it",
        _ => "it failed",
    };
    let mut f = Finding::new(
        ID,
        "k8s.job-failed",
        Severity::Error,
        r.clone(),
        format!("Job failed: {why}"),
    )
    .evidence(cond_line("Failed", &c.reason, &c.message));
    if c.reason == "DeadlineExceeded"
        && let Some(d) = job.i64_at("/spec/activeDeadlineSeconds")
    {
        f = f.evidence(format!("spec.activeDeadlineSeconds: {d}"));
    }
    let pods: Vec<Obj> = inv
        .of_kind("Pod")
        .filter(|p| p.namespace() == job.namespace())
        .filter(|p| {
            p.owner_refs()
                .iter()
                .any(|(k, n)| *k == "Job" && *n == job.name())
        })
        .filter(|p| p.str_at("/status/phase") == Some("Failed"))
        .collect();
    for p in pods.iter().take(3) {
        let codes: Vec<String> = p
            .array_at("/status/containerStatuses")
            .iter()
            .filter_map(|cs| {
                let t = cs.pointer("/state/terminated")?;
                Some(format!(
                    "{} exit {} ({})",
                    cs.get("name")?.as_str()?,
                    t.get("exitCode").and_then(Value::as_i64).unwrap_or(-1),
                    t.get("reason").and_then(Value::as_str).unwrap_or("")
                ))
            })
            .collect();
        if !codes.is_empty() {
            f = f.evidence(format!("pod {}: {}", p.name(), codes.join(", ")));
        }
    }
    let last = pods.last();
    if let Some(p) = last
        && let Some(log) = inv.logs_for(p.namespace().unwrap_or(""), p.name(), None)
    {
        let tail: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
        for l in &tail[tail.len().saturating_sub(2)..] {
            f = f.evidence(format!("log: {}", trunc(l, 200)));
        }
    }
    f = match last {
        Some(p) => f.fix(
            Action::Logs {
                target: p.obj_ref(),
                container: None,
                previous: None,
            },
            "the failed pod's log says why the work failed",
            None,
        ),
        None => f.fix(describe(r.clone()), "read the Job's events", None),
    };
    Some(f.evidence(
        "a Job's pod template is immutable: after fixing the cause, re-create the Job (or let the CronJob's next run start)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_periods() {
        assert_eq!(cron_period_secs("*/5 * * * *"), Some(300));
        assert_eq!(cron_period_secs("0 * * * *"), Some(3600));
        assert_eq!(cron_period_secs("0 */6 * * *"), Some(6 * 3600));
        assert_eq!(cron_period_secs("0 2 * * *"), Some(86_400));
        assert_eq!(cron_period_secs("0 2 * * 1"), Some(7 * 86_400));
        assert_eq!(cron_period_secs("@weekly"), Some(7 * 86_400));
        assert_eq!(cron_period_secs("not a schedule"), None);
    }
}
