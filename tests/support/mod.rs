//! Test support shared by every integration test: a hermetic environment for running the
#![allow(dead_code)] // shared helpers: not every test binary module uses every one
//! built binary, and loopback fakes of the Kubernetes API server and of LLM endpoints.

pub mod env;
pub mod fake_llm;
