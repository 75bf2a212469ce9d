//! Trigger conditions: when an action's trigger fires on a polled state.

use serde_json::Value;

use super::state::{self, lookup};
use super::{Condition, Trigger};

/// True when `trigger` fires on `cur` after `prev` (edge-triggered: a condition fires when it
/// becomes true, not on every poll it stays true; `changed` fires when the field's value
/// differs from the previous poll's).
pub fn fires(trigger: &Trigger, prev: Option<&Value>, cur: &Value) -> bool {
    let now = lookup(cur, &trigger.field);
    let before = prev.map(|p| lookup(p, &trigger.field));
    if trigger.condition == Condition::Changed {
        return before.is_some_and(|b| b != now);
    }
    let holds = |v: Option<&Value>| state::holds(trigger.condition, v, trigger.value.as_ref());
    holds(now) && !before.is_some_and(holds)
}
