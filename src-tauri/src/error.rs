use serde::Serialize;
use tweestap_core::{ErrorKind, Kind};

/// What a failed command hands the UI: a stable `kind` (the generated TypeScript union
/// `ErrorKind`, which the UI switches on and translates from its nl/en catalogs) and the
/// core's English message as a fallback. Never carries a secret.
#[derive(Debug, Clone, Serialize, specta::Type, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct AppError {
    pub kind: Kind,
    pub message: String,
}

impl AppError {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        let failed = Self {
            kind,
            message: message.into(),
        };
        log::debug!("command failed: {failed}");
        failed
    }

    pub fn from_kind<E: ErrorKind>(error: &E) -> Self {
        Self::new(error.kind(), error.to_string())
    }

    pub fn internal(message: impl Into<String>) -> Self {
        let failed = Self {
            kind: Kind::Internal,
            message: message.into(),
        };
        log::error!("{failed}");
        failed
    }

    /// A restore was asked for while the vault is not shown to be damaged.
    pub fn vault_healthy() -> Self {
        Self::new(
            Kind::VaultHealthy,
            "the vault is not damaged, so it was not replaced by its backup",
        )
    }

    /// A command that needs the open vault was called while it is locked.
    pub fn locked() -> Self {
        Self::new(Kind::Locked, "the vault is locked; unlock it first")
    }
}

/// Lets commands use `?` on core results.
impl<E: ErrorKind> From<E> for AppError {
    fn from(error: E) -> Self {
        Self::from_kind(&error)
    }
}
