//! The single integration-test binary: every end-to-end test runs the built binary.

mod support;

mod test_act;
mod test_cluster;
mod test_cmp;
mod test_dashboard;
mod test_diagnose;
mod test_eval;
mod test_fix;
mod test_foundation;
mod test_generate;
mod test_mcp;
mod test_modules;
mod test_phrasings;
mod test_plan;
mod test_safety;
mod test_serve;
mod test_suppress;
mod test_targetapp;
mod test_truth;
mod test_upgrades;
mod test_workflow;
