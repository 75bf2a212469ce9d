//! Test support shared by every integration test: a hermetic environment for running the
//! built binary, and loopback fakes of the Kubernetes API server and of LLM endpoints.

pub mod env;
