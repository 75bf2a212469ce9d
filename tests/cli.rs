//! The single integration-test binary: every end-to-end test runs the built binary.

mod support;

mod test_cluster;
mod test_foundation;
