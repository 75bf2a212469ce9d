//! Test support shared by every integration test: a hermetic environment for running the
//! built binary, and loopback fakes of the Kubernetes API server and of LLM endpoints.

// Not every test uses every helper.
#[allow(dead_code)]
pub mod env;
#[allow(dead_code)]
pub mod fake_apiserver;
