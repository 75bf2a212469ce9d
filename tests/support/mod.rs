//! Test support shared by every integration test: a hermetic environment for running the
#![allow(dead_code)] // shared helpers: not every test binary module uses every one
//! built binary, and loopback fakes of the Kubernetes API server and of LLM endpoints.

// Helpers are shared by every test module; not each uses all of them.
#[allow(dead_code)]
pub mod env;
pub mod fake_llm;
