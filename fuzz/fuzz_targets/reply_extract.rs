//! A model reply through extraction, then validate and lint: any reply is objects or a typed
//! error, and whatever is extracted validates and lints without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

use kubectl_claude::manifest::lint::{LintOptions, lint};
use kubectl_claude::manifest::validate::validate;

fuzz_target!(|data: &[u8]| {
    let reply = String::from_utf8_lossy(data);
    if let Ok(objects) = kubectl_claude::generate::extract::objects(&reply) {
        let origins: Vec<String> = (1..=objects.len()).map(|i| format!("reply#{i}")).collect();
        let _ = validate(&objects, &origins);
        let _ = lint(&objects, &origins, &LintOptions::default());
        let _ = kubectl_claude::manifest::to_yaml_stream(&objects);
    }
});
