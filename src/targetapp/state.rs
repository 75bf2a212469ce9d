//! GraphQL states as data: flattening to dotted paths, the field-level diff, condition
//! evaluation and the size-bounded summary the TargetApp status carries. Pure.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Condition;

/// One field that changed between two polls.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Dotted path (`daemonStatus.peers.0.peerId`).
    pub path: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// Every leaf of `v` by dotted path (array items by index; empty objects and arrays are
/// leaves too, so `peers: []` is seen).
pub fn flatten(v: &Value) -> BTreeMap<String, Value> {
    fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, Value>) {
        let join = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, c) in m {
                    walk(&join(k), c, out);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for (i, c) in a.iter().enumerate() {
                    walk(&join(&i.to_string()), c, out);
                }
            }
            other => {
                out.insert(prefix.to_string(), other.clone());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk("", v, &mut out);
    out
}

/// The fields that differ between two states, in path order.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let (a, b) = (flatten(old), flatten(new));
    let mut out = Vec::new();
    for (k, v) in &a {
        match b.get(k) {
            Some(n) if n == v => {}
            n => out.push(Change {
                path: k.clone(),
                old: Some(v.clone()),
                new: n.cloned(),
            }),
        }
    }
    for (k, v) in &b {
        if !a.contains_key(k) {
            out.push(Change {
                path: k.clone(),
                old: None,
                new: Some(v.clone()),
            });
        }
    }
    out.sort_by(|x, y| x.path.cmp(&y.path));
    out
}

/// The value at a dotted path (array items by index).
pub fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |cur, seg| match cur {
        Value::Object(m) => m.get(seg),
        Value::Array(a) => seg.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// A number, from a JSON number or a numeric string (GraphQL often sends lengths as strings).
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Loose equality: numbers by value, otherwise the text of both (`"3"` equals `3`,
/// `"true"` equals `true`).
fn same(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return x == y;
    }
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        o => o.to_string(),
    };
    text(a) == text(b)
}

/// True when `cond` holds for `cur` against `expected` (an absent field holds nothing but
/// `not_equals`).
pub fn holds(cond: Condition, cur: Option<&Value>, expected: Option<&Value>) -> bool {
    let Some(cur) = cur else {
        return cond == Condition::NotEquals;
    };
    let Some(exp) = expected else {
        return false;
    };
    match cond {
        Condition::Equals => same(cur, exp),
        Condition::NotEquals => !same(cur, exp),
        Condition::GreaterThan => number(cur).zip(number(exp)).is_some_and(|(a, b)| a > b),
        Condition::LessThan => number(cur).zip(number(exp)).is_some_and(|(a, b)| a < b),
        Condition::Contains => match cur {
            Value::String(s) => s.contains(&*match exp {
                Value::String(e) => e.clone(),
                o => o.to_string(),
            }),
            Value::Array(a) => a.iter().any(|x| same(x, exp)),
            Value::Object(m) => exp.as_str().is_some_and(|k| m.contains_key(k)),
            _ => false,
        },
        Condition::Changed => false,
    }
}

/// At most `max` characters of `s`, with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A summary of `state` whose JSON is at most about `max_bytes`: the state itself when it
/// fits, else its leaves by dotted path (long strings clipped) until the budget is used,
/// with `"…truncated": N` counting the leaves left out.
pub fn summarize(state: &Value, max_bytes: usize) -> Value {
    let whole = state.to_string();
    if whole.len() <= max_bytes {
        return state.clone();
    }
    let mut out = Map::new();
    let mut used = 2;
    let mut left = 0usize;
    for (k, v) in flatten(state) {
        let v = match v {
            Value::String(s) => Value::String(clip(&s, 128)),
            o => o,
        };
        let cost = k.len() + v.to_string().len() + 4;
        if used + cost + 24 > max_bytes {
            left += 1;
            continue;
        }
        used += cost;
        out.insert(k, v);
    }
    if left > 0 {
        out.insert("…truncated".into(), Value::from(left));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_changed_added_and_removed_fields_by_dotted_path() {
        let a = json!({"daemonStatus": {"syncStatus": "SYNCED", "blockchainLength": 10,
            "peers": [{"peerId": "p1"}, {"peerId": "p2"}]}});
        let b = json!({"daemonStatus": {"syncStatus": "CATCHUP", "blockchainLength": 10,
            "peers": [{"peerId": "p1"}]}, "application": {"health": "ok"}});
        let d = diff(&a, &b);
        let paths: Vec<&str> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "application.health",
                "daemonStatus.peers.1.peerId",
                "daemonStatus.syncStatus"
            ]
        );
        assert_eq!(d[1].new, None);
        assert_eq!(d[2].old, Some(json!("SYNCED")));
        assert!(diff(&a, &a).is_empty());
        // An emptied list is a change of its own.
        let e =
            json!({"daemonStatus": {"syncStatus": "SYNCED", "blockchainLength": 10, "peers": []}});
        assert!(
            diff(&a, &e)
                .iter()
                .any(|c| c.path == "daemonStatus.peers" && c.new == Some(json!([])))
        );
    }

    #[test]
    fn lookup_and_conditions() {
        let s = json!({"daemonStatus": {"blockchainLength": "42", "peers": [{"peerId": "p1"}],
            "syncStatus": "SYNCED"}});
        assert_eq!(
            lookup(&s, "daemonStatus.peers.0.peerId"),
            Some(&json!("p1"))
        );
        assert_eq!(lookup(&s, "daemonStatus.nope"), None);
        let l = lookup(&s, "daemonStatus.blockchainLength");
        assert!(holds(Condition::GreaterThan, l, Some(&json!(41))));
        assert!(holds(Condition::Equals, l, Some(&json!(42))));
        assert!(!holds(Condition::LessThan, l, Some(&json!("4"))));
        assert!(holds(
            Condition::Contains,
            lookup(&s, "daemonStatus.syncStatus"),
            Some(&json!("SYNC"))
        ));
        assert!(holds(
            Condition::Contains,
            lookup(&s, "daemonStatus.peers"),
            Some(&json!({"peerId": "p1"}))
        ));
        assert!(holds(Condition::NotEquals, None, Some(&json!("x"))));
        assert!(!holds(Condition::Equals, None, Some(&json!("x"))));
    }

    #[test]
    fn summaries_are_bounded() {
        let big: Map<String, Value> = (0..500)
            .map(|i| (format!("field{i}"), Value::String("x".repeat(300))))
            .collect();
        let s = summarize(&Value::Object(big), 4096);
        assert!(s.to_string().len() <= 4096 + 64, "{}", s.to_string().len());
        assert!(s["…truncated"].as_u64().unwrap() > 400);
        let small = json!({"a": {"b": 1}});
        assert_eq!(summarize(&small, 4096), small);
        assert_eq!(clip("héllo", 3), "hé…");
    }
}
