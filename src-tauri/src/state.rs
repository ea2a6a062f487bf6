//! The app's vault: where it lives and, while unlocked, the open vault. Each feature keeps its
//! own state beside this one (`app.manage` in lib.rs: found scan accounts, the import being
//! previewed, the clipboard, the settings, the person's activity, the camera, the tray).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use tauri::{AppHandle, Manager};
use tweestap_core::import;
use tweestap_core::vault::{Vault, VaultStore};

use crate::error::AppError;

/// The import being previewed (see [`import::Pending`]), with the lock epoch it began in: a
/// lock since then ends it (managed state).
pub type Transfers = import::Pending<u64>;

/// The app's one vault: where it lives and, while unlocked, the open vault (its key and
/// secrets stay in this process and are wiped when it is locked or the app exits).
pub struct AppState {
    /// `Err` when no data folder exists (no home directory) and no TWEESTAP_VAULT is set.
    pub store: Result<VaultStore, AppError>,
    pub vault: Mutex<Option<Vault>>,
    /// Serializes opening the vault (keyring, Argon2id), which runs on worker threads without
    /// holding `vault`, so the window's thread never waits for it.
    pub opening: Mutex<()>,
    /// Counts the person's locks: a vault opened while one happened is not put in place, and
    /// an import or export begun before one is not kept or written after it.
    lock_epoch: AtomicU64,
    /// The person locked the vault (button, tray or auto-lock): do not reopen it from the
    /// keyring until they unlock with the password.
    pub locked_by_person: AtomicBool,
}

impl AppState {
    pub fn new() -> Self {
        Self {
            store: VaultStore::locate(None).map_err(|e| AppError::from_kind(&e)),
            vault: Mutex::new(None),
            opening: Mutex::new(()),
            lock_epoch: AtomicU64::new(0),
            locked_by_person: AtomicBool::new(false),
        }
    }

    /// Locks the vault on the person's request: wipes the key and secrets, and keeps it locked
    /// (no keyring reopening) until the password is given. `session::lock` wipes the rest.
    pub fn lock_by_person(&self) {
        self.locked_by_person.store(true, Ordering::SeqCst);
        self.lock_epoch.fetch_add(1, Ordering::SeqCst);
        if let Some(vault) = self.vault.lock().ok().and_then(|mut v| v.take()) {
            vault.lock();
        }
    }

    pub fn locked_by_person(&self) -> bool {
        self.locked_by_person.load(Ordering::SeqCst)
    }

    /// Marks the start of opening the vault; pass the mark to [`AppState::install`].
    pub fn lock_epoch(&self) -> u64 {
        self.lock_epoch.load(Ordering::SeqCst)
    }

    /// Puts a vault opened since `epoch` in place, unless the person locked meanwhile (then it
    /// is wiped at once, as if the lock had come after the opening). True when put in place.
    pub fn install(&self, vault: Vault, epoch: u64) -> Result<bool, AppError> {
        let mut slot = self.slot()?;
        if self.lock_epoch() != epoch {
            vault.lock();
            return Ok(false);
        }
        if let Some(old) = slot.replace(vault) {
            old.lock();
        }
        Ok(true)
    }

    pub fn opening(&self) -> Result<MutexGuard<'_, ()>, AppError> {
        self.opening
            .lock()
            .map_err(|_| AppError::internal("vault opening lock poisoned"))
    }

    pub fn store(&self) -> Result<&VaultStore, AppError> {
        self.store.as_ref().map_err(Clone::clone)
    }

    pub fn slot(&self) -> Result<MutexGuard<'_, Option<Vault>>, AppError> {
        self.vault
            .lock()
            .map_err(|_| AppError::internal("vault state lock poisoned"))
    }
}

/// Runs `f` on the unlocked vault, or fails with `locked`.
pub fn with_vault<T>(
    state: &AppState,
    f: impl FnOnce(&mut Vault) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let mut slot = state.slot()?;
    let vault = slot.as_mut().ok_or_else(AppError::locked)?;
    f(vault)
}

/// Runs blocking `work` (Argon2id, the keyring, file writes, capture, the network) on a worker
/// thread. Synchronous commands run on the window's thread, so anything slow goes through here.
pub async fn blocking<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, AppError>
where
    T: Send + 'static,
    E: Into<AppError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal(format!("background task failed: {e}")))?
        .map_err(Into::into)
}

/// [`blocking`] with the app state at hand.
pub async fn blocking_with_state<T: Send + 'static>(
    app: &AppHandle,
    work: impl FnOnce(&AppState) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let app = app.clone();
    blocking(move || work(&app.state::<AppState>())).await
}
