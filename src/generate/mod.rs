//! The generate pipeline: instructions → provider → extraction → validation → lint → output.

/// Errors of the generate pipeline.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file or text is not usable.
    #[error("{0}")]
    Input(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => crate::error::EXIT_USAGE,
        }
    }
    pub fn hints(&self) -> Vec<String> {
        vec![]
    }
}
