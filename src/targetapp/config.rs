//! The operator's settings: the seed's environment variables, validated at start.

use std::time::Duration;

/// The operator's settings (the seed's environment variables), validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub log_level: LogLevel,
    pub graphql_timeout: Duration,
    pub graphql_max_retries: u32,
    pub default_polling_interval: Duration,
    pub action_execution_timeout: Duration,
    pub metrics_port: Option<u16>,
    /// Polls per second per TargetApp (token bucket; burst of twice that).
    pub poll_rate: f64,
    /// First retry delay (doubles per retry).
    pub retry_backoff: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            log_level: LogLevel::Info,
            graphql_timeout: Duration::from_secs(10),
            graphql_max_retries: 3,
            default_polling_interval: Duration::from_secs(30),
            action_execution_timeout: Duration::from_secs(300),
            metrics_port: None,
            poll_rate: 5.0,
            retry_backoff: Duration::from_millis(200),
        }
    }
}

/// `LOG_LEVEL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
        }
    }
}

/// The environment variables [`Config::from_vars`] reads.
pub const ENV_VARS: [&str; 6] = [
    "LOG_LEVEL",
    "GRAPHQL_TIMEOUT",
    "GRAPHQL_MAX_RETRIES",
    "DEFAULT_POLLING_INTERVAL",
    "ACTION_EXECUTION_TIMEOUT",
    "METRICS_PORT",
];

impl Config {
    /// Reads the seed's variables through `get` (the front-end passes its environment).
    /// Every bad value is reported, each naming its variable and what it wants.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let mut c = Config::default();
        let mut bad = Vec::new();
        let secs = |name: &str, v: &str, min: f64, max: f64| -> Result<Duration, String> {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= min && *n <= max)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("{name}={v:?}: want seconds between {min} and {max}"))
        };
        if let Some(v) = get("LOG_LEVEL") {
            match v.trim().to_ascii_uppercase().as_str() {
                "DEBUG" => c.log_level = LogLevel::Debug,
                "INFO" => c.log_level = LogLevel::Info,
                "WARNING" | "WARN" => c.log_level = LogLevel::Warning,
                "ERROR" | "CRITICAL" => c.log_level = LogLevel::Error,
                _ => bad.push(format!(
                    "LOG_LEVEL={v:?}: want DEBUG, INFO, WARNING, ERROR or CRITICAL"
                )),
            }
        }
        if let Some(v) = get("GRAPHQL_TIMEOUT") {
            match secs("GRAPHQL_TIMEOUT", &v, 0.05, 600.0) {
                Ok(d) => c.graphql_timeout = d,
                Err(e) => bad.push(e),
            }
        }
        if let Some(v) = get("GRAPHQL_MAX_RETRIES") {
            match v.trim().parse::<u32>() {
                Ok(n) if n <= 20 => c.graphql_max_retries = n,
                _ => bad.push(format!(
                    "GRAPHQL_MAX_RETRIES={v:?}: want a whole number from 0 to 20"
                )),
            }
        }
        if let Some(v) = get("DEFAULT_POLLING_INTERVAL") {
            match secs("DEFAULT_POLLING_INTERVAL", &v, 1.0, 86_400.0) {
                Ok(d) => c.default_polling_interval = d,
                Err(e) => bad.push(e),
            }
        }
        if let Some(v) = get("ACTION_EXECUTION_TIMEOUT") {
            match secs("ACTION_EXECUTION_TIMEOUT", &v, 1.0, 86_400.0) {
                Ok(d) => c.action_execution_timeout = d,
                Err(e) => bad.push(e),
            }
        }
        if let Some(v) = get("METRICS_PORT") {
            match v.trim().parse::<u16>() {
                Ok(p) if p > 0 => c.metrics_port = Some(p),
                _ => bad.push(format!("METRICS_PORT={v:?}: want a port from 1 to 65535")),
            }
        }
        if bad.is_empty() {
            Ok(c)
        } else {
            Err(bad.join("; "))
        }
    }
}
