//! What a door that keeps the vault open shows: which screen (setup, unlock, codes, damaged),
//! and when it may open the vault with the keyring key on the way.

use serde::Serialize;

use super::{Unlock, Vault, VaultError, VaultStore};
use crate::error::{ErrorKind, Kind};

/// Which screen a window shows.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum VaultState {
    /// First run: the setup screen.
    Missing,
    /// The unlock screen.
    Locked,
    /// The code list.
    Unlocked,
    /// The vault cannot be read (see the error; maybe a backup can be restored).
    Damaged,
}

/// The vault's state, and why it is locked or damaged.
#[derive(Debug)]
pub struct Status {
    pub state: VaultState,
    pub has_keyring_slot: bool,
    pub has_password_slot: bool,
    /// Why the vault is locked (e.g. `keyring_missing`) or damaged (`integrity_error`).
    pub problem: Option<VaultError>,
    pub backup_available: bool,
}

impl Status {
    fn new(state: VaultState, store: &VaultStore) -> Self {
        Status {
            state,
            has_keyring_slot: false,
            has_password_slot: false,
            problem: None,
            backup_available: store.backup_path().exists(),
        }
    }

    /// The status of `vault`, open and re-read: unlocked.
    pub fn open(store: &VaultStore, vault: &Vault) -> Self {
        let info = vault.info();
        Status {
            has_keyring_slot: info.has_keyring_slot,
            has_password_slot: info.has_password_slot,
            ..Status::new(VaultState::Unlocked, store)
        }
    }
}

impl VaultStore {
    /// The status of the vault while it is not open, opening it with its keyring key when it
    /// has one, so people without a password never see an unlock screen. Not when the person
    /// locked it (`locked_by_person`) and it has a password: it stays locked until they give
    /// it. The vault opened on the way comes back for the door to keep (and the state says
    /// `unlocked`).
    pub fn status_when_closed(&self, locked_by_person: bool) -> (Status, Option<Vault>) {
        if !self.exists() {
            return (Status::new(VaultState::Missing, self), None);
        }
        let info = match self.info() {
            Ok(info) => info,
            Err(e) => {
                let mut status = Status::new(VaultState::Damaged, self);
                status.problem = Some(e);
                return (status, None);
            }
        };
        let mut status = Status {
            has_keyring_slot: info.has_keyring_slot,
            has_password_slot: info.has_password_slot,
            ..Status::new(VaultState::Locked, self)
        };
        if !info.has_keyring_slot || (locked_by_person && info.has_password_slot) {
            return (status, None);
        }
        match self.unlock(Unlock::Keyring) {
            Ok(vault) => {
                status.state = VaultState::Unlocked;
                (status, Some(vault))
            }
            Err(e) => {
                if e.kind() == Kind::IntegrityError {
                    status.state = VaultState::Damaged;
                }
                status.problem = Some(e);
                (status, None)
            }
        }
    }
}
