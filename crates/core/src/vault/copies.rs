//! The copies a vault can be restored from (automatic backups and the previous generation),
//! what each holds, and putting one back.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::error::Result;
use super::format::{self};
use super::fsio::{self};
use super::record::Record;
use super::{Vault, VaultError, VaultStore};

/// A copy of the vault that [`VaultStore::restore_from`] can put back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackupCopy {
    pub path: PathBuf,
    /// When it was made (Unix milliseconds), when known.
    pub made_unix_ms: Option<u64>,
    pub kind: BackupKind,
}

/// What [`VaultStore::backup_listing`] found.
#[derive(Debug)]
pub struct BackupListing {
    /// False when the vault is damaged or missing: the copies were read with another copy's key.
    pub vault_opens: bool,
    /// Oldest first, `.bak` last, as [`VaultStore::backup_copies`].
    pub copies: Vec<ListedCopy>,
}

/// One backup copy and its accounts, or why it cannot be read.
#[derive(Debug)]
pub struct ListedCopy {
    pub copy: BackupCopy,
    pub accounts: Result<Vec<BackupAccount>>,
}

/// What [`VaultStore::health`] found.
#[derive(Debug)]
pub enum VaultHealth {
    /// It opens: there is nothing to repair.
    Opens,
    /// It is missing, is not a vault file, or fails its integrity check: what a restore is for.
    Damaged,
    /// It could not be opened with what was given (no password, no keyring key), so whether it
    /// is damaged is unknown: why.
    Unchecked(VaultError),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// One of the rotating automatic backups (the last 10 generations).
    Automatic,
    /// A generation kept at least 30 days because it holds a key the vault no longer has.
    OldKey,
    /// `<vault>.bak`, the generation before the current one.
    Previous,
}

/// One account of a backup copy, by name (never its key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackupAccount {
    pub issuer: String,
    pub account: String,
    /// False when the vault no longer holds this account's key (replaced or gone): restoring
    /// this copy brings it back. Unknown (`None`) when the vault itself cannot be read.
    pub key_in_vault: Option<bool>,
}

/// SHA-256 of a record's key: enough to tell keys apart without holding a second copy of
/// the key itself.
pub(super) fn key_fingerprint(record: &Record) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(record.secret.expose()).into()
}

/// [`key_fingerprint`] of every record: which keys a change removes.
pub(super) fn key_fingerprints(records: &[Record]) -> std::collections::HashSet<[u8; 32]> {
    records.iter().map(key_fingerprint).collect()
}

impl VaultStore {
    /// Every copy this vault can be restored from, oldest first: its automatic backups (those
    /// kept for a key that left the vault marked) and the previous generation (`.bak`) last.
    pub fn backup_copies(&self) -> Vec<BackupCopy> {
        let mut copies: Vec<BackupCopy> = fsio::auto_backups_of(&self.path)
            .into_iter()
            .map(|b| BackupCopy {
                path: b.path,
                made_unix_ms: Some(b.made_ms),
                kind: if b.holds_old_key {
                    BackupKind::OldKey
                } else {
                    BackupKind::Automatic
                },
            })
            .collect();
        if let Some(bak) = self.existing_backup() {
            let made = fs::metadata(&bak)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as u64);
            copies.push(BackupCopy {
                path: bak,
                made_unix_ms: made,
                kind: BackupKind::Previous,
            });
        }
        copies
    }

    /// Replaces a damaged vault with its backup (the previous generation). The damaged file is
    /// kept beside it as `<vault>.damaged-<unix time>`, whose path is returned (`None` when the
    /// vault file was missing). The backup's header is checked first; its contents can only be
    /// checked by unlocking it, so unlock right after restoring.
    pub fn restore_backup(&self) -> Result<Option<PathBuf>> {
        self.restore_from(&self.backup_path())
    }

    /// As [`VaultStore::restore_backup`], from another copy of this vault: one of
    /// [`VaultStore::auto_backups`].
    pub fn restore_from(&self, backup: &Path) -> Result<Option<PathBuf>> {
        use crate::files::{ReadError, read_regular};
        let backup = backup.to_path_buf();
        // A copy the person names may be a link (unlike the vault's own files).
        let bytes = read_regular(&backup, 64 * 1024 * 1024).map_err(|e| match e {
            ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
                VaultError::VaultNotFound {
                    path: backup.clone(),
                }
            }
            ReadError::Io(e) => VaultError::io("read", &backup, e),
            ReadError::NotAFile(_) | ReadError::TooLarge(_) => VaultError::Integrity {
                path: backup.clone(),
                reason: "it is not a vault file",
                backup: None,
            },
        })?;
        let copy = format::parse(&bytes).map_err(|e| e.into_error(&backup, None))?;
        // Another vault's file would take this one's place with keys this one never had.
        if let Ok(current) = fsio::read(&self.path)
            && let Ok(current) = format::parse(&current)
            && current.header.vault_id != copy.header.vault_id
        {
            return Err(VaultError::Integrity {
                path: backup.clone(),
                reason: "it is a copy of another vault, not of this one",
                backup: None,
            });
        }
        let _lock = fsio::lock(&self.path, self.lock_timeout)?;
        log::info!(
            "vault {}: restoring the copy {}",
            self.path.display(),
            backup.display()
        );
        fsio::restore(&self.path, &bytes, self.now())
    }

    /// Every backup copy with the accounts it holds (names, never keys), to choose one to
    /// restore. The copies are read with the vault's key when the vault opens; when it is
    /// damaged or missing, with the key of the newest copy that opens (a vault's data key never
    /// changes), and then whether each key is still in the vault is unknown.
    pub fn backup_listing(&self, password: Option<&str>) -> Result<BackupListing> {
        let copies = self.backup_copies();
        let (reader, vault_opens) = match self.open(password) {
            Ok(vault) => (vault, true),
            Err(e) if e.means_damaged() => {
                let mut newest_first: Vec<&BackupCopy> = copies.iter().collect();
                newest_first.sort_by_key(|c| std::cmp::Reverse(c.made_unix_ms));
                let opened = newest_first.into_iter().find_map(|c| {
                    VaultStore::new(&c.path)
                        .with_keyring(self.keyring.clone())
                        .open(password)
                        .ok()
                });
                (opened.ok_or(e)?, false)
            }
            Err(e) => return Err(e),
        };
        let copies = copies
            .into_iter()
            .map(|copy| ListedCopy {
                accounts: reader.copy_accounts(&copy.path, vault_opens),
                copy,
            })
            .collect();
        reader.lock();
        Ok(BackupListing {
            vault_opens,
            copies,
        })
    }

    /// Whether the vault needs repair, checked by opening it as [`VaultStore::open`] does, so
    /// that a restore never replaces a vault that opens unless the person insists.
    pub fn health(&self, password: Option<&str>) -> VaultHealth {
        match self.open(password) {
            Ok(vault) => {
                vault.lock();
                VaultHealth::Opens
            }
            Err(e) if e.means_damaged() => VaultHealth::Damaged,
            Err(e) => VaultHealth::Unchecked(e),
        }
    }
}

impl Vault {
    /// The live accounts of a backup copy of this vault, by name, and whether each one's key
    /// is still in the vault. The copy opens with this vault's data key (it never changes);
    /// a copy of another vault, or a damaged one, gives `integrity_error`.
    pub fn backup_accounts(&self, copy: &Path) -> Result<Vec<BackupAccount>> {
        self.copy_accounts(copy, true)
    }

    /// As [`Vault::backup_accounts`]; without `compare`, `key_in_vault` stays unknown (this
    /// vault is itself a copy, read because the vault is damaged).
    fn copy_accounts(&self, copy: &Path, compare: bool) -> Result<Vec<BackupAccount>> {
        let bytes = fsio::read(copy)?;
        let parsed = format::parse(&bytes).map_err(|e| e.into_error(copy, None))?;
        let corrupt = || VaultError::Integrity {
            path: copy.to_path_buf(),
            reason: "it is not a copy of this vault, or it is damaged",
            backup: None,
        };
        if parsed.header.vault_id != self.header.vault_id {
            return Err(corrupt());
        }
        let content = format::decrypt(&parsed, &self.key).ok_or_else(corrupt)?;
        let here = key_fingerprints(&self.records);
        let mut live: Vec<&Record> = content.records.iter().filter(|r| r.is_live()).collect();
        live.sort_by(|a, b| (a.order, a.created, &a.id).cmp(&(b.order, b.created, &b.id)));
        Ok(live
            .into_iter()
            .map(|r| BackupAccount {
                issuer: r.issuer.clone(),
                account: r.account.clone(),
                key_in_vault: compare.then(|| here.contains(&key_fingerprint(r))),
            })
            .collect())
    }
}
