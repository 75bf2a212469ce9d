//! Flag values several commands share, and how they are parsed.

/// Parses `--since` relative to `now`.
pub fn parse_since(s: &str, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t);
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>() {
        return d
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp());
    }
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    let n: i64 = n.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        "w" => n.checked_mul(7 * 86_400)?,
        _ => return None,
    };
    now.checked_sub(jiff::SignedDuration::from_secs(secs)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_accepts_dates_times_and_durations() {
        let now: jiff::Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        assert_eq!(
            parse_since("24h", now).unwrap().to_string(),
            "2026-11-21T10:00:00Z"
        );
        assert_eq!(
            parse_since("2026-11-20", now).unwrap().to_string(),
            "2026-11-20T00:00:00Z"
        );
        assert!(parse_since("2026-11-20T08:00:00Z", now).is_some());
        assert!(parse_since("yesterday", now).is_none());
        assert!(parse_since("99999999999999d", now).is_none());
    }
}
