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
        let failed = Self {
            kind: error.kind().to_owned(),
            message: error.to_string(),
        };
        log::debug!("command failed: {failed}");
        failed
    }

    pub fn internal(message: impl Into<String>) -> Self {
        let failed = Self {
            kind: "internal".to_owned(),
            message: message.into(),
        };
        log::error!("{failed}");
        failed
    }

    /// A restore was asked for while the vault is not shown to be damaged.
    pub fn vault_healthy() -> Self {
        Self {
            kind: "vault_healthy".to_owned(),
            message: "the vault is not damaged, so it was not replaced by its backup".to_owned(),
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
