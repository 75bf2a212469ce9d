//! Workflow schedules: `trigger: {schedule: "0 */6 * * *", timezone: "Europe/Paris"}` (or a
//! list of triggers holding such entries). Cron syntax is croner's (vixie-cron, with an
//! optional leading seconds field: `*/10 * * * * *`); the timezone is UTC unless the trigger
//! names one. Only the leader starts scheduled runs, at the scheduled time; a schedule whose
//! previous run is still going does not start a second one (it counts `skipped-running`).

use std::collections::BTreeMap;
use std::rc::Rc;
use std::str::FromStr as _;
use std::time::Duration;

use serde_json::Value;

use super::{Launcher, Shared};
use crate::workflow::Workflow;

/// One schedule of one workflow.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub workflow: String,
    pub pattern: String,
    pub cron: croner::Cron,
    pub tz: jiff::tz::TimeZone,
    /// Literal `params` of the trigger (the workflow's defaults fill the rest).
    pub params: BTreeMap<String, String>,
}

impl Schedule {
    /// The key that keeps two runs of one schedule from overlapping.
    pub fn key(&self) -> String {
        format!("schedule:{}:{}", self.workflow, self.pattern)
    }

    /// The first scheduled time strictly after `after`.
    pub fn next_after(&self, after: jiff::Timestamp) -> Option<jiff::Timestamp> {
        let z = after.to_zoned(self.tz.clone());
        self.cron
            .find_next_occurrence(&z, false)
            .ok()
            .map(|z| z.timestamp())
    }
}

/// Every schedule of `workflows`; an unparsable pattern or an unknown timezone is an error
/// naming the workflow.
pub fn parse_all(workflows: &[Workflow]) -> Result<Vec<Schedule>, String> {
    let mut out = Vec::new();
    for wf in workflows {
        let Some(t) = &wf.trigger else { continue };
        let all: Vec<&Value> = match t {
            Value::Array(a) => a.iter().collect(),
            v => vec![v],
        };
        for t in all {
            let Some(pattern) = t.get("schedule").and_then(Value::as_str) else {
                continue;
            };
            let cron = croner::Cron::from_str(pattern).map_err(|e| {
                format!(
                    "workflow {}: trigger schedule {pattern:?} is not a cron pattern: {e}",
                    wf.name
                )
            })?;
            let tz = match t.get("timezone").and_then(Value::as_str) {
                None | Some("UTC" | "Etc/UTC") => jiff::tz::TimeZone::UTC,
                Some(name) => jiff::tz::TimeZone::get(name).map_err(|e| {
                    format!(
                        "workflow {}: trigger timezone {name:?} is unknown here: {e}",
                        wf.name
                    )
                })?,
            };
            let params = t
                .get("params")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            let v = match v {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            };
                            (k.clone(), v)
                        })
                        .collect()
                })
                .unwrap_or_default();
            out.push(Schedule {
                workflow: wf.name.clone(),
                pattern: pattern.to_string(),
                cron,
                tz,
                params,
            });
        }
    }
    Ok(out)
}

/// The schedules' next times, advanced as they fire.
pub struct Timetable {
    pub schedules: Vec<Schedule>,
    next: Vec<Option<jiff::Timestamp>>,
}

impl Timetable {
    pub fn new(schedules: Vec<Schedule>, now: jiff::Timestamp) -> Self {
        let next = schedules.iter().map(|s| s.next_after(now)).collect();
        Self { schedules, next }
    }

    /// The earliest next time.
    pub fn earliest(&self) -> Option<jiff::Timestamp> {
        self.next.iter().flatten().min().copied()
    }

    /// Fires every schedule due at `now` (on the leader: starts its run unless the previous
    /// one is still going) and moves it to its next time. A time missed while the process
    /// slept fires once, not once per missed occurrence. Returns what happened per schedule.
    pub fn fire_due(
        &mut self,
        shared: &Rc<Shared>,
        launcher: &Rc<dyn Launcher>,
        now: jiff::Timestamp,
    ) -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for (s, next) in self.schedules.iter().zip(self.next.iter_mut()) {
            if !next.is_some_and(|n| n <= now) {
                continue;
            }
            *next = s.next_after(now);
            if !shared.is_leader() {
                continue;
            }
            let started = super::start(
                shared,
                launcher,
                &s.workflow,
                "schedule",
                s.key(),
                s.params.clone(),
            );
            if !started {
                shared.metrics.add(
                    "kubectl_claude_schedule_runs_total",
                    &[("workflow", &s.workflow), ("outcome", "skipped-running")],
                    1.0,
                );
            }
            out.push((
                s.workflow.clone(),
                if started {
                    "started"
                } else {
                    "skipped-running"
                },
            ));
        }
        out
    }
}

/// Runs the timetable forever: sleeps until the earliest next time (re-checking at least
/// every `max_sleep`, so leadership changes and clock jumps are noticed), then fires.
pub async fn schedule_loop(
    shared: Rc<Shared>,
    launcher: Rc<dyn Launcher>,
    mut table: Timetable,
    max_sleep: Duration,
) {
    if table.schedules.is_empty() {
        return;
    }
    loop {
        let now = jiff::Timestamp::now();
        let wait = table
            .earliest()
            .map(|t| {
                let d = t.duration_since(now);
                Duration::try_from(d).unwrap_or(Duration::ZERO)
            })
            .unwrap_or(max_sleep)
            .min(max_sleep);
        tokio::time::sleep(wait).await;
        table.fire_due(&shared, &launcher, jiff::Timestamp::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wf(trigger: Value) -> Workflow {
        let mut w = crate::workflow::load_text(
            "name: tick\nsteps:\n  - name: report\n    action: report\n",
            std::path::Path::new("tick.yaml"),
        )
        .unwrap();
        w.trigger = Some(trigger);
        w
    }

    /// A run that never finishes, counting launches.
    struct Never(std::cell::Cell<u32>);
    impl Launcher for Never {
        fn launch(
            &self,
            _: &str,
            _: &BTreeMap<String, String>,
            _: Option<&str>,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = String>>> {
            self.0.set(self.0.get() + 1);
            Box::pin(std::future::pending())
        }
    }

    fn shared(workflows: Vec<Workflow>) -> Rc<Shared> {
        Shared::new(super::super::Settings {
            hook_token: None,
            max_body: 1024,
            hook_rate: 1.0,
            debounce: Duration::from_millis(1),
            workflows,
            notifier: super::super::notify::Notifier::new(vec![], vec![], Duration::ZERO),
            ignore: vec![],
            external_url: None,
        })
    }

    #[test]
    fn parses_patterns_timezones_and_names_the_workflow_on_error() {
        let s = parse_all(&[wf(
            serde_json::json!([{"schedule": "0 */6 * * *"}, {"manual": true}]),
        )])
        .unwrap();
        assert_eq!(s.len(), 1);
        let t: jiff::Timestamp = "2026-12-01T01:30:00Z".parse().unwrap();
        assert_eq!(
            s[0].next_after(t).unwrap().to_string(),
            "2026-12-01T06:00:00Z"
        );
        // A seconds field is accepted.
        let s = parse_all(&[wf(serde_json::json!({"schedule": "*/10 * * * * *"}))]).unwrap();
        assert_eq!(
            s[0].next_after(t).unwrap().to_string(),
            "2026-12-01T01:30:10Z"
        );
        let e = parse_all(&[wf(serde_json::json!({"schedule": "every day"}))]).unwrap_err();
        assert!(
            e.contains("workflow tick") && e.contains("every day"),
            "{e}"
        );
        let e = parse_all(&[wf(
            serde_json::json!({"schedule": "0 3 * * *", "timezone": "Mars/Olympus"}),
        )])
        .unwrap_err();
        assert!(e.contains("Mars/Olympus"), "{e}");
    }

    #[test]
    fn only_the_leader_runs_and_a_running_schedule_does_not_start_twice() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let local = tokio::task::LocalSet::new();
        local.block_on(&rt, async {
            let w = wf(serde_json::json!({"schedule": "* * * * *"}));
            let sh = shared(vec![w.clone()]);
            let never = Rc::new(Never(std::cell::Cell::new(0)));
            let la: Rc<dyn Launcher> = never.clone();
            let t0: jiff::Timestamp = "2026-12-01T01:30:30Z".parse().unwrap();
            let mut table = Timetable::new(parse_all(&[w]).unwrap(), t0);
            assert_eq!(
                table.earliest().unwrap().to_string(),
                "2026-12-01T01:31:00Z"
            );
            // Not due yet.
            assert!(table.fire_due(&sh, &la, t0).is_empty());
            // Due, but a follower: nothing starts.
            let t1: jiff::Timestamp = "2026-12-01T01:31:00Z".parse().unwrap();
            assert!(table.fire_due(&sh, &la, t1).is_empty());
            assert_eq!(never.0.get(), 0);
            sh.set_leader(true);
            let t2: jiff::Timestamp = "2026-12-01T01:32:00Z".parse().unwrap();
            assert_eq!(
                table.fire_due(&sh, &la, t2),
                vec![("tick".to_string(), "started")]
            );
            // Three minutes later (missed ticks fire once) the first run is still going.
            let t3: jiff::Timestamp = "2026-12-01T01:35:10Z".parse().unwrap();
            assert_eq!(
                table.fire_due(&sh, &la, t3),
                vec![("tick".to_string(), "skipped-running")]
            );
            assert_eq!(never.0.get(), 1, "one launch");
            assert_eq!(
                sh.metrics.get(
                    "kubectl_claude_schedule_runs_total",
                    &[("workflow", "tick"), ("outcome", "skipped-running")]
                ),
                1.0
            );
            assert_eq!(
                table.earliest().unwrap().to_string(),
                "2026-12-01T01:36:00Z"
            );
        });
    }
}
