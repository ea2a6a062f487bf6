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

mod backup;
pub mod error;
mod format;
mod fsio;
mod kdf;
pub mod keyring;
mod location;
mod record;

use serde::Serialize;
use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::account::{Account, OtpKind};
use crate::error::ErrorKind;
use crate::otp::{self, Clock, CodeInfo, SystemClock};

pub use error::VaultError;
pub use format::{FORMAT_VERSION, KEYRING_SERVICE};
pub use kdf::KdfParams;
pub use keyring::{KeyringBackend, KeyringUnavailable, MemoryKeyring, NoKeyring, OsKeyring};
pub use location::{VAULT_ENV, VAULT_FILE_NAME, default_vault_path, resolve_vault_path};
pub use record::{AccountSummary, DELETED_RETENTION_SECS};

pub(crate) use backup::{BackupReadError, is_vault_file, read_backup};

use crate::hex;
use error::Result;
use format::{DataKey, Header, Slot};
use fsio::Previous;
use record::{Content, Record};

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

/// What a new vault is protected by. At least one of the two is required.
#[derive(Clone, Debug)]
pub struct CreateOptions<'a> {
    /// Store the data key in the keyring (the store's [`KeyringBackend`]).
    pub keyring: bool,
    /// Also (or only) wrap the data key with this password.
    pub password: Option<&'a str>,
    /// Argon2id parameters for the password; [`KdfParams::DEFAULT`] unless a test says
    /// otherwise.
    pub kdf: KdfParams,
}

impl Default for CreateOptions<'_> {
    /// Keyring only, as on first run of the app.
    fn default() -> Self {
        CreateOptions {
            keyring: true,
            password: None,
            kdf: KdfParams::DEFAULT,
        }
    }
}

/// How to obtain the data key when opening a vault.
#[derive(Clone, Copy)]
pub enum Unlock<'a> {
    /// From the keyring slot.
    Keyring,
    /// From the password slot.
    Password(&'a str),
}

impl fmt::Debug for Unlock<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unlock::Keyring => f.write_str("Keyring"),
            Unlock::Password(_) => f.write_str("Password(<redacted>)"),
        }
    }
}

/// What can be known of a vault without its key: enough for a door to decide whether to try
/// the keyring or show a password prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultInfo {
    pub path: PathBuf,
    pub backup_path: PathBuf,
    pub vault_id: String,
    pub format_version: u16,
    pub has_keyring_slot: bool,
    pub has_password_slot: bool,
}

/// An account to store together with the person's choices that came with it (an import
/// carries groups and favourites; a Tweestap backup also icons).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub account: Account,
    pub group: Option<String>,
    pub favourite: bool,
    pub icon: Option<String>,
}

impl From<Account> for NewAccount {
    fn from(account: Account) -> Self {
        NewAccount {
            account,
            group: None,
            favourite: false,
            icon: None,
        }
    }
}

/// What [`Vault::import_accounts`] does with an account whose login (issuer and account name)
/// is already in the vault with another key or other code settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Give the existing account the new key and settings (re-enrollment); it keeps its id,
    /// place, group and favourite.
    Replace,
    /// Store the new one beside the existing one.
    KeepBoth,
    /// Leave the existing one as it is and do not store the new one.
    Skip,
    /// Stop: nothing at all is written.
    Cancel,
}

/// What [`Vault::import_accounts`] did with one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Stored under this new id.
    Added { id: String },
    /// Exactly this account (same login, key and settings) is already there: nothing stored.
    Unchanged { id: String },
    /// The existing account `id` got the new key and settings.
    Replaced { id: String },
    /// Stored under the new `id`, beside the existing account `existing`.
    KeptBoth { id: String, existing: String },
    /// Not stored: the existing account `existing` was kept as it was.
    Skipped { existing: String },
}

/// The result of [`Vault::add`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddOutcome {
    /// Stored under this new id.
    Added { id: String },
    /// Nothing was stored: an account with the same issuer and account name exists. When
    /// `same_secret` is false this is likely a re-enrollment: offer [`Vault::replace`].
    Exists { id: String, same_secret: bool },
}

/// What [`Vault::add_or_replace_all`] did with one account; serialized as [`AddStatus::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum AddStatus {
    Added,
    /// Already there with the same key: nothing changed.
    Unchanged,
    /// The login was there with another key, which was replaced (re-enrollment).
    Replaced,
    /// The login is there with another key and replacing was not asked for: nothing changed.
    Conflict,
}

impl AddStatus {
    /// `added`, `unchanged`, `replaced`, `conflict`: the names the CLI JSON and the UI use.
    pub fn as_str(self) -> &'static str {
        match self {
            AddStatus::Added => "added",
            AddStatus::Unchanged => "unchanged",
            AddStatus::Replaced => "replaced",
            AddStatus::Conflict => "conflict",
        }
    }
}

impl AddOutcome {
    pub fn id(&self) -> &str {
        match self {
            AddOutcome::Added { id } | AddOutcome::Exists { id, .. } => id,
        }
    }
}

impl VaultStore {
    /// The vault at `path`, with its key in the OS keyring, the system clock and a 10 s lock
    /// timeout.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        VaultStore {
            path: fsio::resolve_link(path.into()),
            keyring: Arc::new(OsKeyring::new()),
            clock: Arc::new(SystemClock::default()),
            lock_timeout: DEFAULT_LOCK_TIMEOUT,
            auto_backups: AUTO_BACKUPS_KEPT,
        }
    }

    /// The vault at `explicit`, else `$TWEESTAP_VAULT`, else the per-user data folder.
    pub fn locate(explicit: Option<&Path>) -> Result<Self> {
        Ok(Self::new(resolve_vault_path(explicit)?))
    }

    /// Use another keyring: [`NoKeyring`] for `--no-keyring`, [`MemoryKeyring`] in tests.
    pub fn with_keyring(mut self, keyring: Arc<dyn KeyringBackend>) -> Self {
        self.keyring = keyring;
        self
    }

    /// Use another clock (tests fast-forward through the 30 days of soft deletion).
    pub fn with_clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// How long a change waits for another process's change before `vault_busy`.
    pub fn with_lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How many automatic backups to keep ([`AUTO_BACKUPS_KEPT`] by default; 0 turns them
    /// off). After every change the new generation is also copied to
    /// `backups/<vault file name>.<UTC time>` beside the vault, and the oldest copies beyond
    /// this number are removed. A copy that cannot be written does not fail the change.
    pub fn with_auto_backups(mut self, keep: usize) -> Self {
        self.auto_backups = keep;
        self
    }

    /// The folder of automatic backups (`backups/` beside the vault).
    pub fn auto_backup_dir(&self) -> PathBuf {
        fsio::auto_backup_dir(&self.path)
    }

    /// The automatic backups of this vault, oldest first. Each is a complete vault file of
    /// that moment, opened with the keys the vault had then.
    pub fn auto_backups(&self) -> Vec<PathBuf> {
        fsio::list_auto_backups(&self.path)
    }

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

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the previous generation is kept (`<vault>.bak`).
    pub fn backup_path(&self) -> PathBuf {
        fsio::backup_path(&self.path)
    }

    pub fn exists(&self) -> bool {
        self.path.exists()
    }

    fn now(&self) -> i64 {
        i64::try_from(self.clock.now_unix()).unwrap_or(i64::MAX)
    }

    fn existing_backup(&self) -> Option<PathBuf> {
        let b = self.backup_path();
        b.exists().then_some(b)
    }

    /// Reads the file and checks its header; no key involved.
    fn read_header(&self) -> Result<(Vec<u8>, Header)> {
        let bytes = fsio::read(&self.path)?;
        let header = format::parse(&bytes)
            .map_err(|e| e.into_error(&self.path, self.existing_backup()))
            .inspect_err(|e| log::warn!("vault {}: {}", self.path.display(), e.kind()))?
            .header;
        fsio::tighten_permissions(&self.path);
        log::trace!(
            "vault {}: header read ({} bytes, {} slots)",
            self.path.display(),
            bytes.len(),
            header.slots.len()
        );
        Ok((bytes, header))
    }

    /// Reads, checks and decrypts the current file with `key`.
    fn read_with_key(&self, key: &DataKey, vault_id: &str) -> Result<(Header, Vec<Record>)> {
        self.read_with_key_and_bytes(key, vault_id)
            .map(|(header, records, _)| (header, records))
    }

    /// As [`Self::read_with_key`], with the file's bytes (the generation a change replaces).
    fn read_with_key_and_bytes(
        &self,
        key: &DataKey,
        vault_id: &str,
    ) -> Result<(Header, Vec<Record>, Vec<u8>)> {
        let (bytes, header) = self.read_header()?;
        if header.vault_id != vault_id {
            return Err(VaultError::VaultChanged {
                path: self.path.clone(),
            });
        }
        let (header, records) = self.decrypt(&bytes, key)?;
        Ok((header, records, bytes))
    }

    fn decrypt(&self, bytes: &[u8], key: &DataKey) -> Result<(Header, Vec<Record>)> {
        let parsed =
            format::parse(bytes).map_err(|e| e.into_error(&self.path, self.existing_backup()))?;
        let content = format::decrypt(&parsed, key).ok_or_else(|| {
            log::warn!(
                "vault {}: contents failed authentication",
                self.path.display()
            );
            VaultError::Integrity {
                path: self.path.clone(),
                reason: "its contents failed authentication",
                backup: self.existing_backup(),
            }
        })?;
        Ok((parsed.header, content.records))
    }

    /// Describes the vault without unlocking it.
    pub fn info(&self) -> Result<VaultInfo> {
        let (_, header) = self.read_header()?;
        Ok(self.info_from(&header))
    }

    fn info_from(&self, header: &Header) -> VaultInfo {
        VaultInfo {
            path: self.path.clone(),
            backup_path: self.backup_path(),
            vault_id: header.vault_id.clone(),
            format_version: FORMAT_VERSION,
            has_keyring_slot: header.keyring_slot().is_some(),
            has_password_slot: header.password_slot().is_some(),
        }
    }

    fn check_creatable(&self) -> Result<()> {
        if self.path.exists() {
            return Err(VaultError::VaultExists {
                path: self.path.clone(),
                backup: None,
            });
        }
        if let Some(backup) = self.existing_backup() {
            // Creating would, on the first change, rotate an unrelated earlier vault's backup
            // away. Let the person decide.
            return Err(VaultError::VaultExists {
                path: self.path.clone(),
                backup: Some(backup),
            });
        }
        Ok(())
    }

    /// Creates a new, empty vault. Refuses (`password_required`) when neither the keyring
    /// nor a password protects it: the data key is never stored in the clear. With
    /// `keyring: true` the key goes to the keyring first; an unreachable keyring is
    /// `keyring_unavailable` (ask for a password and create with `keyring: false`).
    pub fn create(&self, options: CreateOptions<'_>) -> Result<Vault> {
        match options.password {
            None if !options.keyring => {
                return Err(VaultError::PasswordRequired {
                    reason: "without the keyring a vault needs a password: its key is never stored unprotected",
                });
            }
            Some("") => return Err(empty_password()),
            _ => {}
        }
        fsio::ensure_dir(&self.path)?;
        self.check_creatable()?;
        let key = DataKey::random();
        let vault_id = format::random_id();
        let mut header = Header {
            vault_id: vault_id.clone(),
            nonce: String::new(),
            slots: Vec::new(),
        };
        if let Some(pw) = options.password {
            header.put_slot(Slot::password(&key, &vault_id, pw.as_bytes(), options.kdf)?);
        }
        let _lock = fsio::lock(&self.path, self.lock_timeout)?;
        self.check_creatable()?;
        let keyring_slot = Slot::keyring_for(&vault_id);
        if options.keyring {
            self.store_key_in_keyring(&keyring_slot, &key)?;
            header.put_slot(keyring_slot.clone());
        }
        let bytes = format::encode(&mut header, &Content::default(), &key);
        if let Err(e) = fsio::replace(&self.path, &bytes, Previous::None) {
            log::warn!("vault {}: not created: {}", self.path.display(), e.kind());
            if options.keyring {
                let _ = self.delete_key_from_keyring(&keyring_slot);
            }
            return Err(e);
        }
        log::info!(
            "vault {} ({vault_id}) created: keyring slot {}, password slot {}",
            self.path.display(),
            options.keyring,
            options.password.is_some()
        );
        Ok(Vault {
            store: self.clone(),
            key,
            header,
            records: Vec::new(),
        })
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

    /// Opens the vault with its keyring key or its password.
    pub fn unlock(&self, how: Unlock<'_>) -> Result<Vault> {
        log::debug!("vault {}: unlocking with {how:?}", self.path.display());
        let (bytes, header) = self.read_header()?;
        let key = match how {
            Unlock::Keyring => self.key_from_keyring(&header)?,
            Unlock::Password(pw) => self.key_from_password(&header, pw)?,
        };
        let (header, records) = self.decrypt(&bytes, &key)?;
        log::info!(
            "vault {} ({}) unlocked: {} records, {} bytes",
            self.path.display(),
            header.vault_id,
            records.len(),
            bytes.len()
        );
        Ok(Vault {
            store: self.clone(),
            key,
            header,
            records,
        })
    }

    /// Opens the vault the way a door without a prompt does: with `password` when one was
    /// given, else with the keyring key (`password_required` when the vault has none).
    pub fn open(&self, password: Option<&str>) -> Result<Vault> {
        match password {
            Some(pw) => self.unlock(Unlock::Password(pw)),
            None => self.unlock(Unlock::Keyring),
        }
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

    fn key_from_keyring(&self, header: &Header) -> Result<DataKey> {
        let Some((service, user)) = header.keyring_slot() else {
            return Err(VaultError::PasswordRequired {
                reason: "this vault has no key in the keyring; unlock it with its password",
            });
        };
        let value = self
            .keyring
            .get(service, user)
            .map_err(|e| VaultError::KeyringUnavailable { detail: e.0 })?;
        value
            .and_then(|v| hex::decode(&v))
            .and_then(|b| DataKey::from_slice(&b))
            .ok_or_else(|| VaultError::KeyringMissing {
                path: self.path.clone(),
            })
    }

    fn key_from_password(&self, header: &Header, password: &str) -> Result<DataKey> {
        let slot = header.password_slot().ok_or(VaultError::KeyringRequired {
            reason: "this vault has no password; it opens with the key in this computer's keyring",
        })?;
        slot.unwrap_password(&header.vault_id, password.as_bytes())?
            .ok_or_else(|| VaultError::WrongPassword {
                path: self.path.clone(),
            })
    }

    fn store_key_in_keyring(&self, slot: &Slot, key: &DataKey) -> Result<()> {
        let Slot::Keyring { service, user } = slot else {
            unreachable!("keyring slot expected")
        };
        self.keyring
            .set(service, user, &hex::encode_wiped(key.bytes()))
            .map_err(|e| VaultError::KeyringUnavailable { detail: e.0 })
    }

    fn delete_key_from_keyring(&self, slot: &Slot) -> Result<bool, KeyringUnavailable> {
        let Slot::Keyring { service, user } = slot else {
            unreachable!("keyring slot expected")
        };
        self.keyring.delete(service, user)
    }
}

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
fn key_fingerprint(record: &Record) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(record.secret.expose()).into()
}

/// [`key_fingerprint`] of every record: which keys a change removes.
fn key_fingerprints(records: &[Record]) -> std::collections::HashSet<[u8; 32]> {
    records.iter().map(key_fingerprint).collect()
}

fn empty_password() -> VaultError {
    VaultError::PasswordRequired {
        reason: "the password cannot be empty",
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

impl Vault {
    /// Forgets the key and every decrypted secret.
    pub fn lock(self) {
        drop(self);
    }

    pub fn store(&self) -> &VaultStore {
        &self.store
    }

    pub fn path(&self) -> &Path {
        &self.store.path
    }

    pub fn info(&self) -> VaultInfo {
        self.store.info_from(&self.header)
    }

    /// Re-reads the file, picking up changes made by another process.
    pub fn refresh(&mut self) -> Result<()> {
        let (header, records) = self.store.read_with_key(&self.key, &self.header.vault_id)?;
        self.header = header;
        self.records = records;
        Ok(())
    }

    /// Live accounts, in the person's order. No secrets.
    pub fn list(&self) -> Vec<AccountSummary> {
        self.live_records()
            .into_iter()
            .map(Record::summary)
            .collect()
    }

    /// Every live account with its summary, in the person's order, in one pass (an import's
    /// plan, an export). Holds the secrets: never for a door.
    pub(crate) fn live_accounts(&self) -> Vec<(AccountSummary, Account)> {
        self.live_records()
            .into_iter()
            .map(|r| (r.summary(), r.to_account()))
            .collect()
    }

    fn live_records(&self) -> Vec<&Record> {
        let mut live: Vec<&Record> = self.records.iter().filter(|r| r.is_live()).collect();
        live.sort_by(|a, b| (a.order, a.created, &a.id).cmp(&(b.order, b.created, &b.id)));
        live
    }

    /// A second handle on the same vault, with its own copy of the key and the accounts, as
    /// another process would have one: long work (a large import or export) runs on it
    /// without holding the door's handle. Changes go through the file's lock as usual.
    pub fn duplicate(&self) -> Vault {
        Vault {
            store: self.store.clone(),
            key: DataKey::from_slice(self.key.bytes()).expect("a data key has the key length"),
            header: self.header.clone(),
            records: self.records.clone(),
        }
    }

    /// Checks that `password` is this vault's password (a confirmation before an export),
    /// without changing anything: `wrong_password`, or `keyring_required` when the vault has
    /// no password. Runs Argon2id once (about half a second).
    pub fn check_password(&self, password: &str) -> Result<()> {
        self.store
            .key_from_password(&self.header, password)
            .map(drop)
    }

    /// Deleted accounts that can still be restored, most recently deleted first.
    pub fn list_deleted(&self) -> Vec<AccountSummary> {
        let now = self.store.now();
        let mut gone: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| !r.is_live() && !r.is_expired(now))
            .collect();
        gone.sort_by(|a, b| b.deleted_at.cmp(&a.deleted_at).then(a.id.cmp(&b.id)));
        gone.into_iter().map(Record::summary).collect()
    }

    /// Every live account by id, secrets included: for an import's plan, which compares
    /// thousands of accounts with the vault's at once.
    pub(crate) fn live_accounts_by_id(&self) -> HashMap<&str, Account> {
        self.records
            .iter()
            .filter(|r| r.is_live())
            .map(|r| (r.id.as_str(), r.to_account()))
            .collect()
    }

    fn live(&self, id: &str) -> Result<&Record> {
        self.records
            .iter()
            .find(|r| r.id == id && r.is_live())
            .ok_or_else(|| not_found(id))
    }

    /// The full account, secret included, to compute a code (`otp::generate`) or for a
    /// confirmed export. Never send it to the UI.
    pub fn account(&self, id: &str) -> Result<Account> {
        Ok(self.live(id)?.to_account())
    }

    /// The code of account `id` at `at_unix` (from a door's [`Clock`]), computed here so the
    /// secret never leaves the vault. For HOTP this shows the code of the stored counter
    /// without using it up; [`Vault::next_hotp_code`] is the "new code" button.
    pub fn code(&self, id: &str, at_unix: u64) -> Result<CodeInfo> {
        Ok(otp::generate(&self.live(id)?.to_account(), at_unix))
    }

    /// HOTP: the code of the stored counter, and the counter advanced in the file (one write),
    /// so the same code is never shown twice. Other kinds: as [`Vault::code`], without a write.
    pub fn next_hotp_code(&mut self, id: &str, at_unix: u64) -> Result<CodeInfo> {
        let account = self.advance_hotp_counter(id)?;
        Ok(otp::generate(&account, at_unix))
    }

    pub fn summary(&self, id: &str) -> Result<AccountSummary> {
        Ok(self.live(id)?.summary())
    }

    /// Live accounts matching what a person typed: an exact id; else issuer, account name,
    /// `Issuer (account)` or `issuer:account`, case-insensitively; else an id prefix of at
    /// least 4 characters. Several results mean the query is ambiguous.
    pub fn find(&self, query: &str) -> Vec<AccountSummary> {
        search(self.list(), query)
    }

    /// Exactly one live account for what a person typed ([`Vault::find`]): `not_found` when
    /// nothing matches, `ambiguous` (naming the candidates) when several do.
    pub fn resolve(&self, query: &str) -> Result<AccountSummary> {
        one_match(query, self.find(query))
    }

    /// As [`Vault::resolve`], among the deleted accounts that can still be restored.
    pub fn resolve_deleted(&self, query: &str) -> Result<AccountSummary> {
        one_match(query, search(self.list_deleted(), query))
    }

    /// Lock, re-read the latest file, apply `change`, write (when it reports a change), unlock.
    /// `change` must check everything before it modifies anything: on error nothing is
    /// written and the cached copy stays as it was.
    fn mutate<T>(
        &mut self,
        change: impl FnOnce(&mut Header, &mut Vec<Record>, i64) -> Result<(T, bool)>,
    ) -> Result<T> {
        let _lock = fsio::lock(&self.store.path, self.store.lock_timeout)?;
        let (mut header, mut records, previous) = self
            .store
            .read_with_key_and_bytes(&self.key, &self.header.vault_id)?;
        let keys_before = key_fingerprints(&records);
        let now = self.store.now();
        let (out, changed) = change(&mut header, &mut records, now)?;
        if changed {
            records.retain(|r| !r.is_expired(now));
            // A key that leaves the vault (replaced at a re-enrollment, or purged 30 days after
            // its account was removed) stays restorable: the generation that still held it is
            // kept apart from the rotating backups, for at least 30 days.
            let keys_after = key_fingerprints(&records);
            let held_an_old_key = keys_before.difference(&keys_after).next().is_some();
            let content = Content { records };
            let bytes = format::encode(&mut header, &content, &self.key);
            records = content.records;
            fsio::replace(&self.store.path, &bytes, Previous::KeepAsBackup).inspect_err(|e| {
                log::warn!(
                    "vault {}: not saved: {}",
                    self.store.path.display(),
                    e.kind()
                )
            })?;
            log::info!(
                "vault {} saved: {} records, {} bytes; previous generation kept as {}",
                self.store.path.display(),
                records.len(),
                bytes.len(),
                self.store.backup_path().display()
            );
            if self.store.auto_backups > 0 {
                // Best effort: the change itself is done and must not be reported as failed.
                let old_key_generation = held_an_old_key.then_some(previous.as_slice());
                match fsio::keep_auto_backup(
                    &self.store.path,
                    &bytes,
                    old_key_generation,
                    self.store.auto_backups,
                    self.store.clock.now_unix_ms(),
                ) {
                    Ok(copy) => log::debug!("automatic backup {}", copy.display()),
                    Err(e) => log::warn!("automatic backup not written: {e}"),
                }
            }
        } else {
            log::debug!("vault {}: nothing changed", self.store.path.display());
        }
        self.header = header;
        self.records = records;
        Ok(out)
    }

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

    /// Changes one live record (not found → `not_found`, nothing written).
    fn update(&mut self, id: &str, f: impl FnOnce(&mut Record, i64)) -> Result<()> {
        self.mutate(|_, records, now| {
            let r = records
                .iter_mut()
                .find(|r| r.id == id && r.is_live())
                .ok_or_else(|| not_found(id))?;
            f(r, now);
            r.updated = now;
            Ok(((), true))
        })
    }

    /// Adds an account at the end of the list. When a live account has the same issuer and
    /// account name, nothing is stored and [`AddOutcome::Exists`] names it.
    pub fn add(&mut self, account: Account) -> Result<AddOutcome> {
        let mut outcomes = self.add_all(vec![account])?;
        Ok(outcomes.remove(0))
    }

    /// Adds accounts as [`Vault::add_all`] does; a login that exists with another key gets the
    /// new key when `replace` is set (after a reset at the portal), else is reported as a
    /// conflict. One `(id, status)` per account, in order.
    pub fn add_or_replace_all(
        &mut self,
        accounts: Vec<Account>,
        replace: bool,
    ) -> Result<Vec<(String, AddStatus)>> {
        let outcomes = self.add_all(accounts.clone())?;
        let mut done = Vec::with_capacity(outcomes.len());
        for (outcome, account) in outcomes.into_iter().zip(accounts) {
            done.push(match outcome {
                AddOutcome::Added { id } => (id, AddStatus::Added),
                AddOutcome::Exists {
                    id,
                    same_secret: true,
                } => (id, AddStatus::Unchanged),
                AddOutcome::Exists { id, .. } if replace => {
                    self.replace(&id, account)?;
                    (id, AddStatus::Replaced)
                }
                AddOutcome::Exists { id, .. } => (id, AddStatus::Conflict),
            });
        }
        Ok(done)
    }

    /// Adds several accounts in one write (an import, a migration QR): one outcome each, in
    /// order. A login repeated within `accounts` is added once.
    pub fn add_all(&mut self, accounts: Vec<Account>) -> Result<Vec<AddOutcome>> {
        self.mutate(|_, records, now| {
            let mut outcomes = Vec::with_capacity(accounts.len());
            let mut next_order = records.iter().map(|r| r.order + 1).max().unwrap_or(0);
            for account in accounts {
                let existing = records
                    .iter()
                    .find(|r| r.is_live() && r.same_login(&account));
                if let Some(r) = existing {
                    outcomes.push(AddOutcome::Exists {
                        id: r.id.clone(),
                        same_secret: r.secret == account.secret,
                    });
                    continue;
                }
                let id = format::random_id();
                records.push(Record::new(id.clone(), account, next_order, now));
                next_order += 1;
                outcomes.push(AddOutcome::Added { id });
            }
            let changed = outcomes
                .iter()
                .any(|o| matches!(o, AddOutcome::Added { .. }));
            Ok((outcomes, changed))
        })
    }

    /// Imports accounts in one write. An account exactly like one in the vault (same login,
    /// key and settings) is [`ImportOutcome::Unchanged`]; for one whose login is there with
    /// another key or settings, `resolve(index, new, existing)` chooses. Accounts are handled
    /// in order, so one repeated within `accounts` meets its earlier copy. Returns `None`, with
    /// nothing written, when `resolve` answers [`Resolution::Cancel`]; on any error nothing is
    /// written either.
    pub fn import_accounts(
        &mut self,
        accounts: Vec<NewAccount>,
        mut resolve: impl FnMut(usize, &Account, &AccountSummary) -> Resolution,
    ) -> Result<Option<Vec<ImportOutcome>>> {
        self.mutate(|_, records, now| {
            // Work on a copy: a cancel half-way leaves the cached records as the file has them.
            let mut work = records.clone();
            let mut outcomes = Vec::with_capacity(accounts.len());
            let mut next_order = work.iter().map(|r| r.order + 1).max().unwrap_or(0);
            // Live records by account and by login (positions in file order): an import of
            // 100 000 accounts, even all of one login, must not compare each with every other.
            let mut identical: HashMap<Account, Vec<usize>> = HashMap::new();
            let mut by_login: HashMap<(String, String), usize> = HashMap::new();
            for (i, r) in work.iter().enumerate().filter(|(_, r)| r.is_live()) {
                identical.entry(r.to_account()).or_default().push(i);
                by_login
                    .entry((r.issuer.clone(), r.account.clone()))
                    .or_insert(i);
            }
            for (index, new) in accounts.into_iter().enumerate() {
                if let Some(&i) = identical.get(&new.account).and_then(|at| at.first()) {
                    outcomes.push(ImportOutcome::Unchanged {
                        id: work[i].id.clone(),
                    });
                    continue;
                }
                let login = (new.account.issuer.clone(), new.account.account.clone());
                let existing = by_login.get(&login).map(|&i| (i, work[i].summary()));
                let resolution = match &existing {
                    Some((_, summary)) => resolve(index, &new.account, summary),
                    None => Resolution::KeepBoth,
                };
                let outcome = match (resolution, existing) {
                    (Resolution::Cancel, _) => return Ok((None, false)),
                    (Resolution::Skip, Some((_, e))) => ImportOutcome::Skipped { existing: e.id },
                    (Resolution::Replace, Some((i, e))) => {
                        // Same login, so `by_login` still holds; the account itself changes.
                        let old = work[i].to_account();
                        if let Some(at) = identical.get_mut(&old) {
                            at.retain(|&p| p != i);
                        }
                        identical.entry(new.account.clone()).or_default().push(i);
                        work[i].replace_with(new.account, now);
                        ImportOutcome::Replaced { id: e.id }
                    }
                    (_, existing) => {
                        let id = format::random_id();
                        let position = work.len();
                        identical
                            .entry(new.account.clone())
                            .or_default()
                            .push(position);
                        let mut record = Record::new(id.clone(), new.account, next_order, now);
                        record.group = new.group;
                        record.favourite = new.favourite;
                        record.icon = new.icon;
                        work.push(record);
                        by_login.entry(login).or_insert(position);
                        next_order += 1;
                        match existing {
                            Some((_, e)) => ImportOutcome::KeptBoth { id, existing: e.id },
                            None => ImportOutcome::Added { id },
                        }
                    }
                };
                outcomes.push(outcome);
            }
            let changed = outcomes.iter().any(|o| {
                !matches!(
                    o,
                    ImportOutcome::Unchanged { .. } | ImportOutcome::Skipped { .. }
                )
            });
            *records = work;
            Ok((Some(outcomes), changed))
        })
    }

    /// Re-enrollment: gives the account `id` the secret and OTP settings of `account` (the
    /// portal invalidated the old secret), keeping its id, place, group and favourite.
    pub fn replace(&mut self, id: &str, account: Account) -> Result<()> {
        self.update(id, |r, now| r.replace_with(account, now))
    }

    pub fn rename(&mut self, id: &str, issuer: &str, account: &str) -> Result<()> {
        self.update(id, |r, _| {
            r.issuer = issuer.to_string();
            r.account = account.to_string();
        })
    }

    pub fn set_favourite(&mut self, id: &str, favourite: bool) -> Result<()> {
        self.update(id, |r, _| r.favourite = favourite)
    }

    pub fn set_group(&mut self, id: &str, group: Option<&str>) -> Result<()> {
        self.update(id, |r, _| r.group = group.map(str::to_string))
    }

    pub fn set_icon(&mut self, id: &str, icon: Option<&str>) -> Result<()> {
        self.update(id, |r, _| r.icon = icon.map(str::to_string))
    }

    /// Puts the accounts `ids` first, in that order; the others follow in their current
    /// order. Every id must be a live account.
    pub fn reorder(&mut self, ids: &[&str]) -> Result<()> {
        self.mutate(|_, records, _| {
            if let Some(missing) = ids
                .iter()
                .find(|id| !records.iter().any(|r| r.id == **id && r.is_live()))
            {
                return Err(not_found(missing));
            }
            let mut rest: Vec<&mut Record> = records
                .iter_mut()
                .filter(|r| r.is_live() && !ids.contains(&r.id.as_str()))
                .collect();
            rest.sort_by_key(|r| r.order);
            let rest_ids: Vec<String> = rest.iter().map(|r| r.id.clone()).collect();
            let sequence = ids
                .iter()
                .copied()
                .chain(rest_ids.iter().map(String::as_str));
            for (position, id) in sequence.enumerate() {
                if let Some(r) = records.iter_mut().find(|r| r.id == id && r.is_live()) {
                    r.order = position as i64;
                }
            }
            Ok(((), true))
        })
    }

    /// Soft delete: the account leaves the list and can be restored for 30 days.
    pub fn delete(&mut self, id: &str) -> Result<()> {
        self.update(id, |r, now| r.deleted_at = Some(now))
    }

    /// Brings back a deleted account (within its 30 days).
    pub fn restore(&mut self, id: &str) -> Result<()> {
        self.mutate(|_, records, now| {
            let r = records
                .iter_mut()
                .find(|r| r.id == id && !r.is_live() && !r.is_expired(now))
                .ok_or_else(|| not_found(id))?;
            r.deleted_at = None;
            r.updated = now;
            Ok(((), true))
        })
    }

    /// Removes for good the accounts deleted more than 30 days ago (every write does this
    /// too); returns how many.
    pub fn purge_expired(&mut self) -> Result<usize> {
        self.mutate(|_, records, now| {
            let n = records.iter().filter(|r| r.is_expired(now)).count();
            Ok((n, n > 0))
        })
    }

    /// For an HOTP account: returns the account with the counter to use now and stores the
    /// next one, so a code is never shown twice. Other accounts are returned unchanged.
    pub fn advance_hotp_counter(&mut self, id: &str) -> Result<Account> {
        self.mutate(|_, records, now| {
            let r = records
                .iter_mut()
                .find(|r| r.id == id && r.is_live())
                .ok_or_else(|| not_found(id))?;
            let account = r.to_account();
            let OtpKind::Hotp { counter } = r.kind else {
                return Ok((account, false));
            };
            r.kind = OtpKind::Hotp {
                counter: counter.saturating_add(1),
            };
            r.updated = now;
            Ok((account, true))
        })
    }

    /// Sets or changes the password (runs Argon2id with `kdf`: about half a second with
    /// [`KdfParams::DEFAULT`]).
    pub fn set_password(&mut self, password: &str, kdf: KdfParams) -> Result<()> {
        if password.is_empty() {
            return Err(empty_password());
        }
        log::info!(
            "vault {}: setting the password ({kdf:?})",
            self.path().display()
        );
        let slot = Slot::password(&self.key, &self.header.vault_id, password.as_bytes(), kdf)?;
        self.mutate(|header, _, _| {
            header.put_slot(slot);
            Ok(((), true))
        })
    }

    /// Removes the password; only when the keyring slot remains (`keyring_required` else).
    pub fn remove_password(&mut self) -> Result<()> {
        self.mutate(|header, _, _| {
            if header.keyring_slot().is_none() {
                return Err(VaultError::KeyringRequired {
                    reason: "the password is this vault's only key; add the keyring key before removing the password",
                });
            }
            header.remove_password_slot();
            Ok(((), true))
        })
    }

    /// Stores the data key in this computer's keyring (after unlocking with the password on a
    /// new machine, or to repair a `keyring_missing`). Idempotent.
    pub fn add_keyring_slot(&mut self) -> Result<()> {
        let slot = Slot::keyring_for(&self.header.vault_id);
        let had_slot = self.header.keyring_slot().is_some();
        self.store.store_key_in_keyring(&slot, &self.key)?;
        let out = self.mutate(|header, _, _| {
            let changed = header.keyring_slot().is_none();
            header.put_slot(slot.clone());
            Ok(((), changed))
        });
        if out.is_err() && !had_slot {
            let _ = self.store.delete_key_from_keyring(&slot);
        }
        out
    }

    /// Removes the keyring slot; only when a password remains (`password_required` else).
    /// The key is deleted from the keyring first; returns false when it was not there or the
    /// keyring could not be reached (its entry, if any, then stays behind on that keyring).
    pub fn remove_keyring_slot(&mut self) -> Result<bool> {
        let store = self.store.clone();
        self.mutate(|header, _, _| {
            if header.password_slot().is_none() {
                return Err(VaultError::PasswordRequired {
                    reason: "the keyring key is this vault's only key; set a password before removing it",
                });
            }
            let Some((service, user)) = header.keyring_slot() else {
                return Ok((false, false));
            };
            let deleted = store.keyring.delete(service, user).unwrap_or(false);
            header.remove_keyring_slot();
            Ok((deleted, true))
        })
    }
}

/// The rules of [`Vault::find`] over `all`.
fn search(all: Vec<AccountSummary>, query: &str) -> Vec<AccountSummary> {
    let q = query.trim();
    if let Some(exact) = all.iter().find(|s| s.id == q) {
        return vec![exact.clone()];
    }
    let ql = q.to_lowercase();
    let by_name: Vec<AccountSummary> = all
        .iter()
        .filter(|s| matches_name(s, &ql))
        .cloned()
        .collect();
    if !by_name.is_empty() || q.len() < 4 {
        return by_name;
    }
    all.into_iter().filter(|s| s.id.starts_with(&ql)).collect()
}

/// Whether `lowercase_query` names the account: issuer, account name, `Issuer (account)` or
/// `issuer:account`, ignoring case.
fn matches_name(s: &AccountSummary, lowercase_query: &str) -> bool {
    [
        s.issuer.to_lowercase(),
        s.account.to_lowercase(),
        s.label().to_lowercase(),
        format!("{}:{}", s.issuer, s.account).to_lowercase(),
    ]
    .iter()
    .any(|name| name == lowercase_query)
}

fn one_match(query: &str, mut matches: Vec<AccountSummary>) -> Result<AccountSummary> {
    match matches.len() {
        0 => Err(VaultError::NoMatch {
            query: query.trim().to_string(),
        }),
        1 => Ok(matches.remove(0)),
        _ => Err(VaultError::Ambiguous {
            query: query.trim().to_string(),
            matches: matches
                .iter()
                .map(|s| format!("{} = {}", s.id, s.label()))
                .collect(),
        }),
    }
}

fn not_found(id: &str) -> VaultError {
    VaultError::NotFound { id: id.to_string() }
}
