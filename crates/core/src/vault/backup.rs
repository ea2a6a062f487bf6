//! Tweestap backup files: an encrypted copy of the accounts that opens on any computer with
//! its own password (see `docs/VAULT.md`, "Backup files").
//!
//! A backup file *is* a vault file (same format, same crypto): a fresh random data key and
//! `vault_id`, a single password slot (Argon2id), and the live records. So it can also be
//! opened in place (`tweestap --vault backup.tweestap list --password-file …`), and nothing
//! new had to be invented or reviewed for it.

use super::error::Result;
use super::format::{self, DataKey, Header, ParseError, Slot};
use super::record::{Content, Record};
use super::slots::empty_password;
use super::{NewAccount, Vault};
use crate::crypto::KdfParams;

impl Vault {
    /// Writes the live accounts (with their group, favourite, icon and order) as a Tweestap
    /// backup that opens with `password` only. Runs the KDF once ([`KdfParams::DEFAULT`]: about
    /// half a second). Reads this handle's copy of the accounts ([`Vault::refresh`] first to
    /// include another process's latest changes).
    pub fn export_backup(&self, password: &str, kdf: KdfParams) -> Result<Vec<u8>> {
        if password.is_empty() {
            return Err(empty_password());
        }
        let key = DataKey::random();
        let vault_id = format::random_id();
        let slot = Slot::password(&key, &vault_id, password.as_bytes(), kdf)?;
        let mut header = Header {
            vault_id,
            nonce: String::new(),
            slots: vec![slot],
        };
        let mut records: Vec<Record> = self
            .records
            .iter()
            .filter(|r| r.is_live())
            .cloned()
            .collect();
        records.sort_by(|a, b| (a.order, a.created, &a.id).cmp(&(b.order, b.created, &b.id)));
        log::info!("backup written: {} accounts ({kdf:?})", records.len());
        Ok(format::encode(&mut header, &Content { records }, &key))
    }
}

/// Why a Tweestap backup (or vault) file could not be read. Turned into import errors by
/// `import::backup`.
#[derive(Debug)]
pub(crate) enum BackupReadError {
    /// The header is damaged (reason), or the content failed authentication (`None`).
    Corrupt(Option<&'static str>),
    /// Written by a newer Tweestap.
    NewerVersion(u16),
    /// A vault file without a password slot: it opens only with its keyring key.
    NoPassword,
    WrongPassword,
    /// The KDF could not run (parameters out of range).
    Kdf,
    /// The KDF asks for more work than an import runs (why).
    KdfTooCostly(String),
}

/// True when `bytes` start like a Tweestap vault or backup file.
pub(crate) fn is_vault_file(bytes: &[u8]) -> bool {
    bytes.starts_with(format::MAGIC)
}

/// Opens a Tweestap backup (or any vault file with a password slot) with `password` and
/// returns its live accounts in the person's order.
pub(crate) fn read_backup(
    bytes: &[u8],
    password: &str,
) -> std::result::Result<Vec<NewAccount>, BackupReadError> {
    let parsed = format::parse(bytes).map_err(|e| match e {
        ParseError::Corrupt(reason) => BackupReadError::Corrupt(Some(reason)),
        ParseError::NewerVersion(v) => BackupReadError::NewerVersion(v),
    })?;
    let slot = parsed
        .header
        .password_slot()
        .ok_or(BackupReadError::NoPassword)?;
    if let Some(why) = slot.kdf_params().and_then(|p| p.import_too_costly()) {
        return Err(BackupReadError::KdfTooCostly(why));
    }
    let key = slot
        .unwrap_password(&parsed.header.vault_id, password.as_bytes())
        .map_err(|_| BackupReadError::Kdf)?
        .ok_or(BackupReadError::WrongPassword)?;
    let content = format::decrypt(&parsed, &key).ok_or(BackupReadError::Corrupt(None))?;
    let mut live: Vec<Record> = content
        .records
        .into_iter()
        .filter(|r| r.is_live())
        .collect();
    live.sort_by(|a, b| (a.order, a.created, &a.id).cmp(&(b.order, b.created, &b.id)));
    Ok(live
        .into_iter()
        .map(|r| NewAccount {
            account: r.to_account(),
            group: r.group.clone(),
            favourite: r.favourite,
            icon: r.icon.clone(),
        })
        .collect())
}
