//! [`VaultStore`]: where a vault lives, reading and checking its file, creating and unlocking it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::error::Result;
use super::format::{self, DataKey, Header, Slot};
use super::fsio::{self, Previous};
use super::record::{Content, Record};
use super::slots::empty_password;
use super::{
    AUTO_BACKUPS_KEPT, DEFAULT_LOCK_TIMEOUT, FORMAT_VERSION, KdfParams, KeyringBackend, OsKeyring,
    SharedClock, Vault, VaultError, VaultStore, resolve_vault_path,
};
use crate::error::ErrorKind;
use crate::otp::SystemClock;

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

    /// Use another keyring: [`NoKeyring`](super::NoKeyring) for `--no-keyring`, [`MemoryKeyring`](super::MemoryKeyring) in tests.
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

    pub(super) fn now(&self) -> i64 {
        i64::try_from(self.clock.now_unix()).unwrap_or(i64::MAX)
    }

    pub(super) fn existing_backup(&self) -> Option<PathBuf> {
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
    pub(super) fn read_with_key(
        &self,
        key: &DataKey,
        vault_id: &str,
    ) -> Result<(Header, Vec<Record>)> {
        self.read_with_key_and_bytes(key, vault_id)
            .map(|(header, records, _)| (header, records))
    }

    /// As [`Self::read_with_key`], with the file's bytes (the generation a change replaces).
    pub(super) fn read_with_key_and_bytes(
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

    pub(super) fn info_from(&self, header: &Header) -> VaultInfo {
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
}
