//! The key slots: the data key in the OS keyring and/or wrapped by a password, and changing them.

use super::error::Result;
use super::format::{DataKey, Header, Slot};
use super::{KdfParams, KeyringUnavailable, Vault, VaultError, VaultStore};

use crate::hex;

pub(super) fn empty_password() -> VaultError {
    VaultError::PasswordRequired {
        reason: "the password cannot be empty",
    }
}

impl VaultStore {
    pub(super) fn key_from_keyring(&self, header: &Header) -> Result<DataKey> {
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

    pub(super) fn key_from_password(&self, header: &Header, password: &str) -> Result<DataKey> {
        let slot = header.password_slot().ok_or(VaultError::KeyringRequired {
            reason: "this vault has no password; it opens with the key in this computer's keyring",
        })?;
        slot.unwrap_password(&header.vault_id, password.as_bytes())?
            .ok_or_else(|| VaultError::WrongPassword {
                path: self.path.clone(),
            })
    }

    pub(super) fn store_key_in_keyring(&self, slot: &Slot, key: &DataKey) -> Result<()> {
        let Slot::Keyring { service, user } = slot else {
            unreachable!("keyring slot expected")
        };
        self.keyring
            .set(service, user, &hex::encode_wiped(key.bytes()))
            .map_err(|e| VaultError::KeyringUnavailable { detail: e.0 })
    }

    pub(super) fn delete_key_from_keyring(&self, slot: &Slot) -> Result<bool, KeyringUnavailable> {
        let Slot::Keyring { service, user } = slot else {
            unreachable!("keyring slot expected")
        };
        self.keyring.delete(service, user)
    }
}

impl Vault {
    /// Checks that `password` is this vault's password (a confirmation before an export),
    /// without changing anything: `wrong_password`, or `keyring_required` when the vault has
    /// no password. Runs Argon2id once (about half a second).
    pub fn check_password(&self, password: &str) -> Result<()> {
        self.store
            .key_from_password(&self.header, password)
            .map(drop)
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
