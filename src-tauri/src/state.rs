use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use tweestap_core::otp::SystemClock;
use tweestap_core::vault::{Vault, VaultStore};

use crate::clipboard::CodeClipboard;
use crate::error::UiError;
use crate::scan::Pending;
use crate::settings::SettingsStore;
use crate::transfer::Transfers;

/// The app's one vault: where it lives and, while unlocked, the open vault (its key and
/// secrets stay in this process and are wiped when it is locked or the app exits).
pub struct AppState {
    /// `Err` when no data folder exists (no home directory) and no TWEESTAP_VAULT is set.
    pub store: Result<VaultStore, UiError>,
    pub vault: Mutex<Option<Vault>>,
    /// Accounts found by scanning, waiting to be added, and the running webcam scan.
    pub pending: Pending,
    /// The import being previewed (its files and keys), until committed or cancelled.
    pub transfers: Transfers,
    pub clipboard: CodeClipboard,
    /// The person locked the vault (button, tray or auto-lock): do not reopen it from the
    /// keyring until they unlock with the password.
    pub locked_by_person: AtomicBool,
    /// Set once in `setup`, when the config folder is known.
    pub settings: OnceLock<SettingsStore>,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            store: VaultStore::locate(None).map_err(|e| UiError::from_kind(&e)),
            vault: Mutex::new(None),
            pending: Pending::default(),
            transfers: Transfers::default(),
            clipboard: CodeClipboard::default(),
            locked_by_person: AtomicBool::new(false),
            settings: OnceLock::new(),
        }
    }

    /// The one place time enters the app: the system clock plus the person's clock correction.
    pub fn clock(&self) -> SystemClock {
        SystemClock {
            offset_s: self.settings().get().clock_correction_s,
        }
    }

    /// Locks the vault on the person's request: wipes the key and secrets, and keeps it locked
    /// (no keyring reopening) until the password is given.
    pub fn lock_by_person(&self) {
        self.locked_by_person.store(true, Ordering::SeqCst);
        self.pending.clear();
        self.transfers.clear();
        if let Some(vault) = self.vault.lock().ok().and_then(|mut v| v.take()) {
            vault.lock();
        }
    }

    pub fn settings(&self) -> &SettingsStore {
        self.settings
            .get()
            .expect("settings are loaded in setup, before any command runs")
    }

    pub fn store(&self) -> Result<&VaultStore, UiError> {
        self.store.as_ref().map_err(Clone::clone)
    }

    pub fn slot(&self) -> Result<MutexGuard<'_, Option<Vault>>, UiError> {
        self.vault
            .lock()
            .map_err(|_| UiError::internal("vault state lock poisoned"))
    }
}

/// Runs `f` on the unlocked vault, or fails with `locked`.
pub fn with_vault<T>(
    state: &AppState,
    f: impl FnOnce(&mut Vault) -> Result<T, UiError>,
) -> Result<T, UiError> {
    let mut slot = state.slot()?;
    let vault = slot.as_mut().ok_or_else(UiError::locked)?;
    f(vault)
}
