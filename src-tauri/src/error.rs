use serde::Serialize;
use tweestap_core::ErrorKind;

/// What a failed command hands the UI: a stable `kind` that the UI translates from its
/// nl/en catalogs, and the core's English message as a fallback. Never carries a secret.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct UiError {
    pub kind: String,
    pub message: String,
}

impl UiError {
    pub fn from_kind<E: ErrorKind>(error: &E) -> Self {
        Self {
            kind: error.kind().to_owned(),
            message: error.to_string(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            kind: "internal".to_owned(),
            message: message.into(),
        }
    }
}
