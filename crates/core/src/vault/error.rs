//! Every way a vault operation can fail, each with a message a person can act on and a stable
//! `kind()` that the app translates. No error path ever writes over a vault file.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;

use crate::error::{ErrorKind, Kind};

/// A failed vault operation. When an operation returns an error, the vault file and its backup
/// are exactly as they were before the call.
#[derive(Debug, Error)]
pub enum VaultError {
    #[error(
        "the key for the vault {} is not in your keyring — unlock with your password or restore a backup",
        path.display()
    )]
    KeyringMissing { path: PathBuf },

    #[error(
        "the system keyring cannot be used ({detail}); unlock with your password, or create the vault with a password"
    )]
    KeyringUnavailable { detail: String },

    #[error("wrong password for the vault {}", path.display())]
    WrongPassword { path: PathBuf },

    #[error(
        "the vault {} is damaged or was changed by something other than Tweestap ({reason}); it was left untouched. {}",
        path.display(),
        backup_hint(backup.as_deref())
    )]
    Integrity {
        path: PathBuf,
        reason: &'static str,
        /// The previous good generation, when one exists: offer it to the person.
        backup: Option<PathBuf>,
    },

    #[error(
        "the vault {} was written by a newer Tweestap (format {found}, this version reads up to {supported}); update Tweestap to open it",
        path.display()
    )]
    UnsupportedVersion {
        path: PathBuf,
        found: u16,
        supported: u16,
    },

    #[error("the disk holding {} is full; free some space and try again (the vault was not changed)", path.display())]
    DiskFull { path: PathBuf },

    #[error("the folder of {} is read-only; the vault cannot be changed there", path.display())]
    ReadOnly { path: PathBuf },

    #[error(
        "another Tweestap (app or command) is changing the vault {} and did not finish within {} s; try again",
        path.display(),
        waited.as_secs_f32().round()
    )]
    VaultBusy { path: PathBuf, waited: Duration },

    #[error("no vault at {}; create one first (tweestap init)", path.display())]
    VaultNotFound { path: PathBuf },

    #[error("{}", exists_message(path, backup.as_deref()))]
    VaultExists {
        path: PathBuf,
        /// Set when it is an earlier vault's backup that blocks the creation.
        backup: Option<PathBuf>,
    },

    #[error("{reason}")]
    PasswordRequired { reason: &'static str },

    #[error("{reason}")]
    KeyringRequired { reason: &'static str },

    #[error("no account with id {id} in the vault")]
    NotFound { id: String },

    #[error("no account matches \"{query}\"; `tweestap list` shows the accounts and their ids")]
    NoMatch { query: String },

    #[error(
        "\"{query}\" matches {} accounts ({}); use one of their ids",
        matches.len(),
        matches.join(", ")
    )]
    Ambiguous { query: String, matches: Vec<String> },

    #[error(
        "the vault file {} was replaced by a different vault while it was open; unlock it again",
        path.display()
    )]
    VaultChanged { path: PathBuf },

    #[error("invalid key-derivation parameters: {detail}")]
    InvalidKdfParams { detail: String },

    #[error(
        "no folder for Tweestap's data could be found (no home directory); pass --vault PATH or set TWEESTAP_VAULT"
    )]
    NoDataDir,

    #[error("could not {op} {}: {source}", path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn backup_hint(backup: Option<&Path>) -> String {
    match backup {
        Some(b) => format!(
            "The previous version is kept at {}; it can be restored by copying it over the vault.",
            b.display()
        ),
        None => "No backup of it exists.".to_string(),
    }
}

fn exists_message(path: &Path, backup: Option<&Path>) -> String {
    match backup {
        None => format!(
            "a vault already exists at {}; open it instead of creating a new one",
            path.display()
        ),
        Some(b) => format!(
            "a backup of an earlier vault exists at {}; restore it by renaming it to {}, or move it away before creating a new vault",
            b.display(),
            path.display()
        ),
    }
}

impl VaultError {
    /// Maps an I/O failure on `path` during `op` to the error a person can act on: a full disk
    /// and a read-only folder get their own kinds.
    pub(crate) fn io(op: &'static str, path: &Path, source: io::Error) -> Self {
        let path = path.to_path_buf();
        match source.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                VaultError::DiskFull { path }
            }
            io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied => {
                VaultError::ReadOnly { path }
            }
            _ => VaultError::Io { op, path, source },
        }
    }

    /// The vault file itself is the problem (missing, not a vault file, failing its integrity
    /// check), so restoring a backup is the remedy; any other error says nothing about it.
    pub fn means_damaged(&self) -> bool {
        matches!(
            self,
            VaultError::Integrity { .. } | VaultError::VaultNotFound { .. }
        )
    }
}

impl From<crate::crypto::InvalidKdf> for VaultError {
    fn from(e: crate::crypto::InvalidKdf) -> Self {
        VaultError::InvalidKdfParams { detail: e.0 }
    }
}

impl ErrorKind for VaultError {
    fn kind(&self) -> Kind {
        match self {
            VaultError::KeyringMissing { .. } => Kind::KeyringMissing,
            VaultError::KeyringUnavailable { .. } => Kind::KeyringUnavailable,
            VaultError::WrongPassword { .. } => Kind::WrongPassword,
            VaultError::Integrity { .. } => Kind::IntegrityError,
            VaultError::UnsupportedVersion { .. } => Kind::UnsupportedVersion,
            VaultError::DiskFull { .. } => Kind::DiskFull,
            VaultError::ReadOnly { .. } => Kind::ReadOnly,
            VaultError::VaultBusy { .. } => Kind::VaultBusy,
            VaultError::VaultNotFound { .. } => Kind::VaultNotFound,
            VaultError::VaultExists { .. } => Kind::VaultExists,
            VaultError::PasswordRequired { .. } => Kind::PasswordRequired,
            VaultError::KeyringRequired { .. } => Kind::KeyringRequired,
            VaultError::NotFound { .. } | VaultError::NoMatch { .. } => Kind::NotFound,
            VaultError::Ambiguous { .. } => Kind::Ambiguous,
            VaultError::VaultChanged { .. } => Kind::VaultChanged,
            VaultError::InvalidKdfParams { .. } => Kind::InvalidKdfParams,
            VaultError::NoDataDir => Kind::NoDataDir,
            VaultError::Io { .. } => Kind::Io,
        }
    }

    fn is_bad_input(&self) -> bool {
        matches!(
            self,
            VaultError::WrongPassword { .. }
                | VaultError::VaultNotFound { .. }
                | VaultError::VaultExists { .. }
                | VaultError::PasswordRequired { .. }
                | VaultError::KeyringRequired { .. }
                | VaultError::NotFound { .. }
                | VaultError::NoMatch { .. }
                | VaultError::Ambiguous { .. }
                | VaultError::InvalidKdfParams { .. }
        )
    }
}

pub type Result<T, E = VaultError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_map_to_actionable_kinds() {
        let p = Path::new("/x/vault.tweestap");
        let full = VaultError::io("write", p, io::Error::from(io::ErrorKind::StorageFull));
        assert_eq!(full.kind(), "disk_full");
        let ro = VaultError::io(
            "write",
            p,
            io::Error::from(io::ErrorKind::ReadOnlyFilesystem),
        );
        assert_eq!(ro.kind(), "read_only");
        let denied = VaultError::io("write", p, io::Error::from(io::ErrorKind::PermissionDenied));
        assert_eq!(denied.kind(), "read_only");
        let other = VaultError::io("write", p, io::Error::other("boom"));
        assert_eq!(other.kind(), "io");
        assert!(!other.is_bad_input());
    }

    #[test]
    fn keyring_missing_message_tells_what_to_do() {
        let e = VaultError::KeyringMissing {
            path: PathBuf::from("/v"),
        };
        assert!(
            e.to_string()
                .contains("is not in your keyring — unlock with your password or restore a backup")
        );
    }

    #[test]
    fn integrity_error_offers_the_backup() {
        let e = VaultError::Integrity {
            path: PathBuf::from("/d/vault.tweestap"),
            reason: "authentication failed",
            backup: Some(PathBuf::from("/d/vault.tweestap.bak")),
        };
        let msg = e.to_string();
        assert!(msg.contains("/d/vault.tweestap.bak"), "{msg}");
        assert_eq!(e.kind(), "integrity_error");
    }
}
