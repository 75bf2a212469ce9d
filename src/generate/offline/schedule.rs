//! Turns schedule phrases ("every night at 2am", "every 5 minutes", "daily at 03:30",
//! "every monday at 9am", a literal cron in quotes) into a five-field cron expression.

use super::text::{Unit, extract_quoted, parse_u64};

/// A parsed schedule; `assumed` says what we filled in (e.g. the time of day) for `defaults`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub cron: String,
    pub assumed: Option<String>,
}

const WEEKDAYS: &[(&str, u8)] = &[
    ("sunday", 0),
    ("monday", 1),
    ("tuesday", 2),
    ("wednesday", 3),
    ("thursday", 4),
    ("friday", 5),
    ("saturday", 6),
    ("sundays", 0),
    ("mondays", 1),
    ("tuesdays", 2),
    ("wednesdays", 3),
    ("thursdays", 4),
    ("fridays", 5),
    ("saturdays", 6),
];

/// Words that make a unit worth scanning for a schedule at all.
pub fn mentions_schedule(u: &Unit) -> bool {
    WEEKDAYS.iter().any(|(d, _)| u.has(&[d]))
        || u.has(&[
            "every",
            "each",
            "hourly",
            "daily",
            "nightly",
            "weekly",
            "monthly",
            "cron",
            "schedule",
            "scheduled",
            "midnight",
            "noon",
            "weekdays",
            "weekday",
        ])
}

/// Parses the schedule of a unit, marking the tokens it used.
pub fn parse_schedule(u: &mut Unit) -> Option<Schedule> {
    if let Some(cron) = literal_cron(u) {
        return Some(Schedule {
            cron,
            assumed: None,
        });
    }
    if let Some(cron) = interval(u) {
        return Some(Schedule {
            cron,
            assumed: None,
        });
    }
    let time = time_of_day(u);
    let (dom, dow, what) = day_pattern(u)?;
    let (hour, minute) = time.unwrap_or((0, 0));
    let assumed = time
        .is_none()
        .then(|| format!("schedule: '{what}' gave no time of day; chose 00:00"));
    Some(Schedule {
        cron: format!("{minute} {hour} {dom} * {dow}"),
        assumed,
    })
}

/// A cron expression written literally, quoted or as five bare fields after "cron"/"schedule".
fn literal_cron(u: &mut Unit) -> Option<String> {
    if let Some(q) = extract_quoted(&u.text).filter(|q| is_cron(q)) {
        let start = u.text.find(q.as_str()).unwrap_or(0);
        u.mark_bytes(start, start + q.len());
        u.take(&["cron", "schedule", "expression"]);
        return Some(q);
    }
    // Any "cron"/"schedule" may be the one followed by the five fields ("schedule x with cron
    // 0 */2 * * *").
    let keyword = (0..u.len()).find(|&k| {
        matches!(u.low(k), "cron" | "schedule")
            && is_cron(
                &(k + 1..k + 6)
                    .map(|i| u.raw(i).to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
            )
    })?;
    let cron = (keyword + 1..keyword + 6)
        .map(|i| u.raw(i).to_string())
        .collect::<Vec<_>>()
        .join(" ");
    (keyword..keyword + 6).for_each(|i| u.mark(i));
    u.take(&["cron", "schedule", "with"]);
    Some(cron)
}

fn is_cron(s: &str) -> bool {
    let fields: Vec<&str> = s.split_whitespace().collect();
    fields.len() == 5
        && fields.iter().all(|f| {
            f.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"*/,-?".contains(&b))
                && f.bytes()
                    .any(|b| b.is_ascii_digit() || b == b'*' || b == b'?')
        })
}

/// "every 5 minutes", "every minute", "every 2 hours", "hourly".
fn interval(u: &mut Unit) -> Option<String> {
    if let Some(i) = u.pos(&["hourly"]).or_else(|| u.phrase("every hour")) {
        u.mark(i);
        u.take(&["every", "hour"]);
        return Some("0 * * * *".into());
    }
    if let Some(i) = u.phrase("every minute") {
        (i..i + 2).for_each(|k| u.mark(k));
        return Some("* * * * *".into());
    }
    let every = u.pos(&["every", "each"])?;
    let (n, unit_word) = number_with_unit(u, every + 1)?;
    let cron = match unit_word {
        Step::Minutes if (1..60).contains(&n) => format!("*/{n} * * * *"),
        Step::Minutes if n == 60 => "0 * * * *".into(),
        Step::Hours if (1..24).contains(&n) => format!("0 */{n} * * *"),
        _ => return None,
    };
    u.mark(every);
    Some(cron)
}

#[derive(Clone, Copy)]
enum Step {
    Minutes,
    Hours,
}

/// Reads "5 minutes" / "5min" / "2 hours" / "2h" starting at token `i`; marks what it used.
fn number_with_unit(u: &mut Unit, i: usize) -> Option<(u64, Step)> {
    let classify = |s: &str| match s {
        "m" | "min" | "mins" | "minute" | "minutes" => Some(Step::Minutes),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(Step::Hours),
        _ => None,
    };
    let tok = u.low(i).to_string();
    if let Some(n) = parse_u64(&tok) {
        let unit = classify(u.low(i + 1))?;
        u.mark(i);
        u.mark(i + 1);
        return Some((n, unit));
    }
    let split = tok.find(|c: char| !c.is_ascii_digit())?;
    let n = parse_u64(&tok[..split])?;
    let unit = classify(&tok[split..])?;
    u.mark(i);
    Some((n, unit))
}

/// Day-of-month / day-of-week fields plus the phrase that set them.
fn day_pattern(u: &mut Unit) -> Option<(String, String, String)> {
    for &(name, n) in WEEKDAYS {
        if let Some(i) = u.pos(&[name]) {
            u.mark(i);
            u.take(&["every", "each", "on"]);
            return Some(("*".into(), n.to_string(), name.into()));
        }
    }
    if u.take(&["weekdays", "weekday"]) {
        u.take(&["every", "each", "on"]);
        return Some(("*".into(), "1-5".into(), "weekdays".into()));
    }
    if u.take(&["weekly"]) || u.take_phrase("every week").is_some() {
        return Some(("*".into(), "0".into(), "weekly (Sunday)".into()));
    }
    if u.take(&["monthly"]) || u.take_phrase("every month").is_some() {
        u.take(&["first", "1st", "on", "of", "the"]);
        return Some(("1".into(), "*".into(), "monthly (1st)".into()));
    }
    const DAILY: &[&str] = &[
        "daily", "nightly", "night", "day", "morning", "evening", "midnight", "noon",
    ];
    let found = u.take_all(DAILY);
    if !found.is_empty() {
        u.take(&["every", "each", "at", "per", "once", "a"]);
        let what = u.low(found[0]).to_string();
        return Some(("*".into(), "*".into(), what));
    }
    None
}

/// "2am", "2 pm", "2:30am", "03:30", "14:00", "midnight", "noon"; marks what it used.
fn time_of_day(u: &mut Unit) -> Option<(u8, u8)> {
    for i in 0..u.len() {
        let tok = u.low(i).to_string();
        let parsed = match tok.as_str() {
            "midnight" => Some((0, 0)),
            "noon" | "midday" => Some((12, 0)),
            _ => clock(&tok),
        };
        if let Some((h, m, used_next)) = parsed
            .map(|(h, m)| (h, m, false))
            .or_else(|| clock_with_suffix(&tok, u.low(i + 1)).map(|(h, m)| (h, m, true)))
        {
            u.mark(i);
            if used_next {
                u.mark(i + 1);
            }
            u.take(&["at"]);
            return Some((h, m));
        }
    }
    None
}

/// A token that is a complete time: "2am", "2:30pm", "03:30", "14:00".
fn clock(tok: &str) -> Option<(u8, u8)> {
    for (suffix, add) in [("am", 0), ("pm", 12), ("a.m", 0), ("p.m", 12)] {
        if let Some(body) = tok.strip_suffix(suffix) {
            return hour_minute(body, Some(add));
        }
    }
    tok.contains(':').then(|| hour_minute(tok, None)).flatten()
}

/// A bare number followed by "am"/"pm" as a separate word.
fn clock_with_suffix(tok: &str, next: &str) -> Option<(u8, u8)> {
    let add = match next {
        "am" | "a.m" => 0,
        "pm" | "p.m" => 12,
        _ => return None,
    };
    hour_minute(tok, Some(add))
}

/// Parses "2", "2:30", "14:00"; with `pm_offset` it is a 12-hour clock.
fn hour_minute(s: &str, pm_offset: Option<u8>) -> Option<(u8, u8)> {
    let (h, m) = match s.split_once(':') {
        Some((h, m)) if m.len() == 2 => (parse_u64(h)?, parse_u64(m)?),
        Some(_) => return None,
        None => (parse_u64(s)?, 0),
    };
    if m > 59 {
        return None;
    }
    let hour = match pm_offset {
        Some(add) if (1..=12).contains(&h) => (h % 12) as u8 + add,
        Some(_) => return None,
        None if h < 24 => h as u8,
        None => return None,
    };
    Some((hour, m as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cron(s: &str) -> Option<String> {
        parse_schedule(&mut Unit::new(s)).map(|s| s.cron)
    }

    #[test]
    fn phrases() {
        assert_eq!(cron("run every night at 2am").as_deref(), Some("0 2 * * *"));
        assert_eq!(cron("every 5 minutes").as_deref(), Some("*/5 * * * *"));
        assert_eq!(cron("hourly").as_deref(), Some("0 * * * *"));
        assert_eq!(cron("daily at 03:30").as_deref(), Some("30 3 * * *"));
        assert_eq!(cron("every monday at 9am").as_deref(), Some("0 9 * * 1"));
        assert_eq!(cron("every day at 6 pm").as_deref(), Some("0 18 * * *"));
        assert_eq!(cron("at midnight every day").as_deref(), Some("0 0 * * *"));
        assert_eq!(cron("every 2 hours").as_deref(), Some("0 */2 * * *"));
        assert_eq!(
            cron("schedule `*/15 * * * *`").as_deref(),
            Some("*/15 * * * *")
        );
        assert_eq!(cron("cron \"0 4 * * 1-5\"").as_deref(), Some("0 4 * * 1-5"));
        assert_eq!(
            cron("every weekday at 12:15pm").as_deref(),
            Some("15 12 * * 1-5")
        );
    }

    #[test]
    fn assumed_time_is_reported() {
        let s = parse_schedule(&mut Unit::new("run it daily")).unwrap();
        assert_eq!(s.cron, "0 0 * * *");
        assert!(s.assumed.unwrap().contains("00:00"));
    }

    #[test]
    fn rejects_nonsense() {
        assert_eq!(cron("every 99 minutes"), None);
        assert_eq!(cron("at 25:00"), None);
        assert_eq!(cron("make it fast"), None);
    }
}
