//! Suggested actions in a model reply: any reply parses to typed actions (or none) without a
//! panic, and every parsed action can be tiered, described, masked and shown.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let reply = String::from_utf8_lossy(data);
    for a in kubectl_claude::explain::parse_suggested_actions(&reply) {
        let _ = kubectl_claude::autonomy::builtin_tier(&a);
        let _ = kubectl_claude::gate::applies_a_node(&a);
        let _ = a.manual_command();
        let _ = a.target_display();
        let _ = kubectl_claude::audit::masked_action(&a);
        let _ = kubectl_claude::audit::mask_command(&a);
    }
});
