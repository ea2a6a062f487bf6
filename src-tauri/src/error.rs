use serde::Serialize;
use tweestap_core::ErrorKind;

/// What a failed command hands the UI: a stable `kind` that the UI translates from its
/// nl/en catalogs, and the core's English message as a fallback. Never carries a secret.
#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
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

    /// A command that needs the open vault was called while it is locked.
    pub fn locked() -> Self {
        Self {
            kind: "locked".to_owned(),
            message: "the vault is locked; unlock it first".to_owned(),
        }
    }
}

/// Lets commands use `?` on core results.
impl<E: ErrorKind> From<E> for UiError {
    fn from(error: E) -> Self {
        Self::from_kind(&error)
    }
}
