//! Test support shared by every integration test: a hermetic environment for running the
//! built binary, and loopback fakes of the Kubernetes API server and of LLM endpoints.
//! Not every test module uses every helper.
#![allow(dead_code)]

pub mod acting;
pub mod env;
pub mod fake_apiserver;
pub mod fake_graphql;
pub mod fake_llm;
pub mod serve_process;
pub mod webdriver;
