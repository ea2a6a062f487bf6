//! The encrypted vault: one file holding every account, encrypted with AES-256-GCM under a
//! random data key that is kept in the OS keyring and/or wrapped by a password (Argon2id).
//! The format is documented in `docs/VAULT.md`.
//!
//! [`VaultStore`] names a vault file and how to reach its keys; [`VaultStore::create`] and
//! [`VaultStore::unlock`] give a [`Vault`], an unlocked handle. Every change made through a
//! `Vault` takes the cross-process lock, re-reads and decrypts the latest file, applies the
//! change, writes a new generation atomically (the previous one kept as `<vault>.bak`) and
//! releases the lock — so the app and the CLI can work on one vault at once without losing
//! each other's changes. When a call fails, the files on disk are as they were.

//!
//! The module's files, one concern each: `store` (the file: reading, creating, unlocking),
//! `slots` (the keyring and password slots), `reading` and `operations` (an unlocked vault's
//! reads and changes), `search` (accounts by what a person typed), `copies` (backups and
//! restoring them); `format` and `record` (the file format and its records), `fsio` (atomic
//! writes, the lock, backup files), `keyring`, `location`.

mod backup;
mod copies;
pub mod error;
mod format;
mod fsio;
pub mod keyring;
mod location;
mod operations;
mod reading;
pub use reading::CodeRow;
mod record;
mod search;
mod slots;
mod status;
mod store;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::otp::Clock;

pub use crate::crypto::KdfParams;
pub use copies::{BackupAccount, BackupCopy, BackupKind, BackupListing, ListedCopy, VaultHealth};
pub use error::VaultError;
pub use format::{FORMAT_VERSION, KEYRING_SERVICE};
pub use keyring::{KeyringBackend, KeyringUnavailable, MemoryKeyring, NoKeyring, OsKeyring};
pub use location::{VAULT_ENV, VAULT_FILE_NAME, default_vault_path, resolve_vault_path};
pub use operations::{AddOutcome, AddStatus, ImportOutcome, NewAccount, Resolution};
pub use record::{AccountSummary, DELETED_RETENTION_SECS};
pub use status::{Status, VaultState};
pub use store::{CreateOptions, Unlock, VaultInfo};

pub(crate) use backup::{BackupReadError, is_vault_file, read_backup};

use format::{DataKey, Header};
use record::Record;

/// How long a writer waits for another process's change to finish before `vault_busy`.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// How many automatic backups (an encrypted copy of the vault after every change, in
/// `backups/` beside it) are kept.
pub const AUTO_BACKUPS_KEPT: usize = 10;

/// A clock a [`VaultStore`] can share between threads.
pub type SharedClock = Arc<dyn Clock + Send + Sync>;

/// A vault file and the means to reach its keys. Cheap to clone.
#[derive(Clone)]
pub struct VaultStore {
    path: PathBuf,
    keyring: Arc<dyn KeyringBackend>,
    clock: SharedClock,
    lock_timeout: Duration,
    auto_backups: usize,
}

impl fmt::Debug for VaultStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VaultStore")
            .field("path", &self.path)
            .field("keyring", &self.keyring)
            .field("lock_timeout", &self.lock_timeout)
            .field("auto_backups", &self.auto_backups)
            .finish()
    }
}

/// An unlocked vault: the data key and a decrypted copy of the records. Reads answer from that
/// copy ([`Vault::refresh`] re-reads the file); every change goes through the file under the
/// cross-process lock. Dropping it (or [`Vault::lock`]) wipes the key and every secret.
pub struct Vault {
    store: VaultStore,
    key: DataKey,
    header: Header,
    records: Vec<Record>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.store.path)
            .field("accounts", &self.records.len())
            .finish_non_exhaustive()
    }
}

pub(super) fn not_found(id: &str) -> VaultError {
    VaultError::NotFound { id: id.to_string() }
}
