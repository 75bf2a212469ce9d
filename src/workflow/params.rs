//! A run's parameters against the workflow's declared `params`: one rule for every front-end
//! (`workflow run --param`, the MCP `workflow_run` tool); each words the error its own way.

use std::collections::BTreeMap;

use super::Workflow;

/// Why a run's parameters do not fit the workflow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("workflow {workflow} has no param `{name}`")]
    Unknown {
        workflow: String,
        name: String,
        /// The declared names, in order.
        declared: Vec<String>,
    },
    #[error("workflow {workflow} needs the param `{name}`")]
    Missing {
        workflow: String,
        name: String,
        description: String,
    },
}

impl Workflow {
    /// `given` with declared names only, defaults filled in and every required one present;
    /// an optional one without a default is the empty string.
    pub fn resolve_params(
        &self,
        given: BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, ParamError> {
        if let Some(k) = given
            .keys()
            .find(|k| !self.params.iter().any(|p| &p.name == *k))
        {
            return Err(ParamError::Unknown {
                workflow: self.name.clone(),
                name: k.clone(),
                declared: self.params.iter().map(|p| p.name.clone()).collect(),
            });
        }
        let mut out = given;
        for p in &self.params {
            if out.contains_key(&p.name) {
                continue;
            }
            match (&p.default, p.required) {
                (Some(d), _) => {
                    out.insert(p.name.clone(), d.clone());
                }
                (None, true) => {
                    return Err(ParamError::Missing {
                        workflow: self.name.clone(),
                        name: p.name.clone(),
                        description: p.description.clone(),
                    });
                }
                (None, false) => {
                    out.insert(p.name.clone(), String::new());
                }
            }
        }
        Ok(out)
    }
}
