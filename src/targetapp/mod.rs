//! The TargetApp engine (seed 004, "KCO"): the `operator.kco.local/v1alpha1` `TargetApp`
//! resource, its validation, the field-level diff of GraphQL states (dotted paths), trigger
//! conditions, the size-bounded state summary the status shows, the dedup key of the Events
//! it records, and the mapping of the seed's five actions to typed actions.
//!
//! Pure: no I/O, no printing, no environment (the controller in `serve::targetapp` polls and
//! acts; `cli/serve.rs` reads the environment into a [`Config`]).

mod config;
mod events;
mod plan;
mod spec;
pub mod state;
mod trigger;

use serde_json::{Value, json};

pub use config::*;
pub use events::*;
pub use plan::*;
pub use spec::*;
pub use state::{Change, diff, flatten, lookup, summarize};
pub use trigger::*;

pub const GROUP: &str = "operator.kco.local";
pub const VERSION: &str = "v1alpha1";
pub const KIND: &str = "TargetApp";
pub const PLURAL: &str = "targetapps";
pub const API_VERSION: &str = "operator.kco.local/v1alpha1";

/// The default `graphqlEndpoint` (a path on each pod).
pub const DEFAULT_ENDPOINT: &str = "/graphql";

/// The API path of a TargetApp (and `/status` after it for the subresource).
pub fn object_path(ns: &str, name: &str) -> String {
    format!("/apis/{GROUP}/{VERSION}/namespaces/{ns}/{PLURAL}/{name}")
}

/// The status of a TargetApp whose spec was refused.
pub fn failed_status(reason: &str, message: &str, now: &str, generation: Option<i64>) -> Value {
    json!({
        "phase": "Failed",
        "observedGeneration": generation,
        "podsMonitored": 0,
        "message": state::clip(message, 1024),
        "conditions": [{"type": "Ready", "status": "False", "reason": reason,
            "message": state::clip(message, 1024), "lastTransitionTime": now}],
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Duration;

    use super::*;
    use crate::action::{Action, PatchType};
    use crate::object::ObjRef;

    fn seed_example() -> Value {
        json!({
            "selector": {"matchLabels": {"app": "my-app"}},
            "graphqlEndpoint": "tagpp-pod.svc.namespace.cluster.local/graphql",
            "pollingInterval": 20,
            "stateQuery": "query AppState {\n  application {\n    status\n    health\n    pendingTasks\n    lastError\n  }\n}\n",
            "actions": [{"trigger": {"field": "application.health", "condition": "equals",
                "value": "unhealthy"}, "action": "restart_pod", "parameters": {"gracePeriod": 30}}]
        })
    }

    #[test]
    fn the_seed_example_validates_and_maps_to_a_restart_with_its_grace_period() {
        let spec = validate(&seed_example()).unwrap();
        assert_eq!(
            spec.endpoint(),
            Endpoint::Url("http://tagpp-pod.svc.namespace.cluster.local/graphql".into())
        );
        assert_eq!(
            spec.interval(Duration::from_secs(30)),
            Duration::from_secs(20)
        );
        let pod = json!({"metadata": {"name": "my-app-1"}});
        assert_eq!(
            plan_action(&spec.actions[0], "default", Some(&pod)).unwrap(),
            Planned::Cluster(Action::RestartPod {
                target: ObjRef::new("v1", "Pod", Some("default"), "my-app-1"),
                grace_period_seconds: Some(30)
            })
        );
        assert!(plan_action(&spec.actions[0], "default", None).is_err());
    }

    #[test]
    fn bad_specs_are_refused_naming_the_field() {
        let mut s = seed_example();
        s["selector"] = json!({"matchExpressions": [{"key": "app", "operator": "Between"}]});
        let e = validate(&s).unwrap_err();
        assert_eq!(e.reason, "InvalidSelector");
        assert!(
            e.to_string().contains("matchExpressions[0].operator"),
            "{e}"
        );
        let mut s = seed_example();
        s["selector"] = json!({"matchLabels": {"app": "my app!"}});
        assert_eq!(validate(&s).unwrap_err().reason, "InvalidSelector");
        let mut s = seed_example();
        s["actions"][0]["trigger"]["condition"] = json!("bigger");
        assert!(validate(&s).unwrap_err().to_string().contains("condition"));
        let mut s = seed_example();
        s["actions"][0]["action"] = json!("reboot_node");
        assert!(validate(&s).is_err());
        let mut s = seed_example();
        s["stateQuery"] = json!("query { application { health }");
        assert!(validate(&s).unwrap_err().to_string().contains("stateQuery"));
        let mut s = seed_example();
        s["actions"][0] = json!({"trigger": {"field": "a.b", "condition": "greater_than",
            "value": "lots"}, "action": "scale_deployment", "parameters": {}});
        let e = validate(&s).unwrap_err().to_string();
        assert!(
            e.contains("compares numbers") && e.contains("replicas"),
            "{e}"
        );
        let mut s = seed_example();
        s["pollingInterval"] = json!(0);
        assert!(
            validate(&s)
                .unwrap_err()
                .to_string()
                .contains("pollingInterval")
        );
    }

    #[test]
    fn selectors_match_like_kubernetes() {
        let sel: LabelSelector = serde_json::from_value(json!({"matchLabels": {"app": "a"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["x", "y"]},
                {"key": "canary", "operator": "DoesNotExist"}]}))
        .unwrap();
        let l = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        assert!(sel.matches(&l(&[("app", "a"), ("tier", "y")])));
        assert!(!sel.matches(&l(&[("app", "a"), ("tier", "z")])));
        assert!(!sel.matches(&l(&[("app", "a"), ("tier", "x"), ("canary", "1")])));
        assert!(!sel.matches(&l(&[("tier", "x")])));
    }

    #[test]
    fn triggers_are_edge_triggered_and_changed_needs_a_previous_state() {
        let t: Trigger = serde_json::from_value(
            json!({"field": "application.health", "condition": "equals", "value": "unhealthy"}),
        )
        .unwrap();
        let s = |h: &str| json!({"application": {"health": h}});
        assert!(fires(&t, None, &s("unhealthy")));
        assert!(fires(&t, Some(&s("healthy")), &s("unhealthy")));
        assert!(!fires(&t, Some(&s("unhealthy")), &s("unhealthy")));
        assert!(!fires(&t, Some(&s("unhealthy")), &s("healthy")));
        let c = Trigger {
            field: "daemonStatus.blockchainLength".into(),
            condition: Condition::Changed,
            value: None,
        };
        let b = |n: i64| json!({"daemonStatus": {"blockchainLength": n}});
        assert!(!fires(&c, None, &b(1)));
        assert!(!fires(&c, Some(&b(1)), &b(1)));
        assert!(fires(&c, Some(&b(1)), &b(2)));
        let g = Trigger {
            field: "daemonStatus.blockchainLength".into(),
            condition: Condition::LessThan,
            value: Some(json!("10")),
        };
        assert!(fires(&g, None, &b(3)));
        assert!(!fires(&g, None, &b(30)));
    }

    #[test]
    fn config_from_vars_validates_every_variable() {
        let c = Config::from_vars(|_| None).unwrap();
        assert_eq!(c, Config::default());
        let vars = BTreeMap::from([
            ("LOG_LEVEL", "debug"),
            ("GRAPHQL_TIMEOUT", "2.5"),
            ("GRAPHQL_MAX_RETRIES", "0"),
            ("DEFAULT_POLLING_INTERVAL", "5"),
            ("ACTION_EXECUTION_TIMEOUT", "60"),
            ("METRICS_PORT", "9090"),
        ]);
        let c = Config::from_vars(|k| vars.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(c.log_level, LogLevel::Debug);
        assert_eq!(c.graphql_timeout, Duration::from_millis(2500));
        assert_eq!(c.graphql_max_retries, 0);
        assert_eq!(c.metrics_port, Some(9090));
        let bad = BTreeMap::from([("GRAPHQL_TIMEOUT", "ten"), ("METRICS_PORT", "0")]);
        let e = Config::from_vars(|k| bad.get(k).map(|v| v.to_string())).unwrap_err();
        assert!(
            e.contains("GRAPHQL_TIMEOUT=\"ten\"") && e.contains("METRICS_PORT"),
            "{e}"
        );
    }

    #[test]
    fn event_names_are_stable_per_occurrence() {
        let a = event_name("my-application", "StateChanged", "p: a changed from 1 to 2");
        assert_eq!(
            a,
            event_name("my-application", "StateChanged", "p: a changed from 1 to 2")
        );
        assert_ne!(
            a,
            event_name("my-application", "StateChanged", "p: a changed from 2 to 1")
        );
        assert!(a.starts_with("my-application.kco."));
    }

    #[test]
    fn the_five_actions_map_to_typed_actions() {
        let pod = json!({"metadata": {"name": "web-7d4f9-abcde", "ownerReferences":
            [{"kind": "ReplicaSet", "name": "web-7d4f9"}]}});
        let a = |action: &str, params: Value| ActionSpec {
            trigger: Trigger {
                field: "a".into(),
                condition: Condition::Changed,
                value: None,
            },
            action: serde_json::from_value(json!(action)).unwrap(),
            parameters: params.as_object().cloned().unwrap_or_default(),
        };
        let Planned::Cluster(Action::Scale { target, replicas }) = plan_action(
            &a("scale_deployment", json!({"replicas": 3})),
            "ns",
            Some(&pod),
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!((target.name.as_str(), replicas), ("web", 3));
        let Planned::Cluster(Action::Patch {
            target, patch_type, ..
        }) = plan_action(
            &a(
                "patch_resource",
                json!({"kind": "ConfigMap", "name": "cfg", "patch": {"data": {"x": "1"}}}),
            ),
            "ns",
            None,
        )
        .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (target.kind.as_str(), patch_type),
            ("ConfigMap", PatchType::Merge)
        );
        assert_eq!(
            plan_action(&a("webhook", json!({"url": "http://x/y"})), "ns", None).unwrap(),
            Planned::Webhook {
                url: "http://x/y".into()
            }
        );
        let Planned::Cluster(Action::Exec { command, .. }) = plan_action(
            &a("exec_command", json!({"command": "mina client status"})),
            "ns",
            Some(&pod),
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(command, ["mina", "client", "status"]);
        assert_eq!(ActionKind::ALL.len(), 5);
        // Another namespace is refused (serve's ServiceAccount must not carry a TargetApp's
        // author outside its own namespace); its own namespace is accepted.
        let to = |ns: &str| {
            plan_action(
                &a(
                    "patch_resource",
                    json!({"kind": "ConfigMap", "name": "cfg", "namespace": ns,
                        "patch": {"data": {"x": "1"}}}),
                ),
                "ns",
                None,
            )
        };
        assert!(
            to("kube-system")
                .unwrap_err()
                .contains("its own namespace only")
        );
        assert!(to("ns").is_ok());
    }
}
