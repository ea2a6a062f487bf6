//! The app's IPC commands: thin adapters over `tweestap-core`. Nothing here returns a
//! secret; passwords arriving from the UI are wiped once used.

use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager};
use tweestap_core::Account;
use tweestap_core::display_label;
use tweestap_core::otp::Clock;
use tweestap_core::settings::SettingsStore;
use tweestap_core::uri;
use tweestap_core::vault::{
    AddStatus, CodeRow, CreateOptions, KdfParams, Status, Unlock, Vault, VaultHealth, VaultState,
    VaultStore,
};
use zeroize::Zeroizing;

use crate::error::AppError;
use crate::state::{AppState, blocking_with_state, with_vault};

#[derive(Serialize, Type)]
pub struct AppInfo {
    pub version: &'static str,
    /// BCP 47 tag of the system locale (e.g. `nl-NL`), used to choose the UI language.
    pub locale: Option<String>,
    /// Tweestap can set a system-wide shortcut itself (not in Wayland sessions).
    pub global_shortcuts: bool,
}

#[tauri::command]
#[specta::specta]
pub fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        locale: sys_locale::get_locale(),
        global_shortcuts: crate::desktop::global_shortcuts_available(),
    }
}

/// The vault's state (see [`Status`]), where it is, and why it is locked or damaged.
#[derive(Serialize, Type)]
pub struct VaultStatus {
    pub state: VaultState,
    pub path: Option<String>,
    pub has_keyring_slot: bool,
    pub has_password_slot: bool,
    /// Why the vault is locked or damaged (e.g. `keyring_missing`, `integrity_error`).
    pub error: Option<AppError>,
    pub backup_available: bool,
}

impl VaultStatus {
    fn new(status: Status, store: &VaultStore) -> Self {
        VaultStatus {
            state: status.state,
            path: Some(store.path().display().to_string()),
            has_keyring_slot: status.has_keyring_slot,
            has_password_slot: status.has_password_slot,
            error: status.problem.map(AppError::from),
            backup_available: status.backup_available,
        }
    }
}

/// Reports the vault's state; a vault with a keyring key is opened with it on the way (see
/// [`VaultStore::status_when_closed`]). Runs off the window's thread: the keyring may take a
/// while (or ask for its own password).
#[tauri::command]
#[specta::specta]
pub async fn vault_status(app: AppHandle) -> Result<VaultStatus, AppError> {
    blocking_with_state(&app, status_now).await
}

fn status_now(state: &AppState) -> Result<VaultStatus, AppError> {
    let _opening = state.opening()?;
    let store = match state.store() {
        Ok(store) => store,
        Err(e) => {
            return Ok(VaultStatus {
                state: VaultState::Damaged,
                path: None,
                has_keyring_slot: false,
                has_password_slot: false,
                error: Some(e),
                backup_available: false,
            });
        }
    };
    {
        let mut slot = state.slot()?;
        if let Some(vault) = slot.as_mut() {
            // The file may have changed under the open vault (deleted, replaced, damaged): then
            // close it and report what is there now.
            if vault.refresh().is_ok() {
                return Ok(VaultStatus::new(Status::open(store, vault), store));
            }
            if let Some(v) = slot.take() {
                v.lock();
            }
        }
    }
    let epoch = state.lock_epoch();
    let (mut status, opened) = store.status_when_closed(state.locked_by_person());
    if let Some(vault) = opened
        && !state.install(vault, epoch)?
    {
        // Locked by the person while the keyring opened it.
        status.state = VaultState::Locked;
    }
    Ok(VaultStatus::new(status, store))
}

/// First run: creates the vault with its key in the OS keyring (`use_keyring`) and/or
/// wrapped by `password`.
#[tauri::command]
#[specta::specta]
pub async fn create_vault(
    use_keyring: bool,
    password: Option<String>,
    app: AppHandle,
) -> Result<VaultStatus, AppError> {
    let password = password.filter(|p| !p.is_empty()).map(Zeroizing::new);
    blocking_with_state(&app, move |state| {
        {
            let _opening = state.opening()?;
            let epoch = state.lock_epoch();
            let vault = state.store()?.create(CreateOptions {
                keyring: use_keyring,
                password: password.as_ref().map(|p| p.as_str()),
                kdf: KdfParams::DEFAULT,
            })?;
            log::info!(
                "vault created (keyring: {use_keyring}, password: {})",
                password.is_some()
            );
            state.install(vault, epoch)?;
        }
        status_now(state)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn unlock_vault(password: String, app: AppHandle) -> Result<VaultStatus, AppError> {
    let password = Zeroizing::new(password);
    let activity = app.clone();
    blocking_with_state(&app, move |state| {
        {
            let _opening = state.opening()?;
            let epoch = state.lock_epoch();
            let vault = state.store()?.unlock(Unlock::Password(&password))?;
            log::info!("vault unlocked with the password");
            if state.install(vault, epoch)? {
                state
                    .locked_by_person
                    .store(false, std::sync::atomic::Ordering::SeqCst);
                // The auto-lock time counts from the unlock.
                activity.state::<crate::session::Session>().touch();
            }
        }
        status_now(state)
    })
    .await
}

/// Wipes the key and every secret from memory; codes need an unlock again.
#[tauri::command]
#[specta::specta]
pub fn lock_vault(app: AppHandle) -> Result<(), AppError> {
    crate::session::lock(&app, "by the person");
    Ok(())
}

/// After an integrity error: puts the previous generation back (the damaged file is kept
/// beside it), then reports the state again. Only a vault found damaged now is replaced: no
/// front end can have one that opens replaced by older data (`vault_healthy`).
#[tauri::command]
#[specta::specta]
pub async fn restore_vault_backup(app: AppHandle) -> Result<VaultStatus, AppError> {
    blocking_with_state(&app, |state| {
        restore_if_damaged(state.store()?)?;
        status_now(state)
    })
    .await
}

fn restore_if_damaged(store: &VaultStore) -> Result<(), AppError> {
    match store.health(None) {
        VaultHealth::Damaged => {
            store.restore_backup()?;
            Ok(())
        }
        VaultHealth::Opens => Err(AppError::vault_healthy()),
        // Not readable for another reason (a newer format, a read error): that reason, not
        // a claim that it opens.
        VaultHealth::Unchecked(e) => Err(e.into()),
    }
}

/// Current codes of every account, computed at one instant (see [`CodeRow`]). Re-reads the
/// vault first, so changes made meanwhile with the `tweestap` command show up.
#[tauri::command]
#[specta::specta]
pub async fn list_codes(app: AppHandle) -> Result<Vec<CodeRow>, AppError> {
    let tray = app.clone();
    blocking_with_state(&app, move |state| {
        let at_ms = tray.state::<SettingsStore>().clock().now_unix_ms();
        let rows = with_vault(state, |vault| {
            vault.refresh()?;
            Ok(vault.codes(at_ms)?)
        });
        let names = rows.as_ref().map_or_else(
            |_| Vec::new(),
            |rows| {
                rows.iter()
                    .map(|r| (r.id.clone(), display_label(&r.issuer, &r.account)))
                    .collect()
            },
        );
        crate::tray::update_accounts(&tray, names);
        rows
    })
    .await
}

/// What adding did: `added`; `unchanged` (already there with the same key); `conflict`
/// (the same issuer and account exist with another key: ask, then call again with
/// `replace`); `replaced`.
#[derive(Serialize, Type)]
pub struct AddedAccount {
    pub id: String,
    pub status: AddStatus,
    pub issuer: String,
    pub account: String,
}

#[tauri::command]
#[specta::specta]
pub async fn add_account_uri(
    uri: String,
    replace: Option<bool>,
    app: AppHandle,
) -> Result<AddedAccount, AppError> {
    let uri = Zeroizing::new(uri);
    let account = uri::parse_otpauth(uri.trim())?;
    blocking_with_state(&app, move |state| {
        add_account(state, account, replace == Some(true))
    })
    .await
}

/// Adds `account`; when its login exists with another key, replaces it only if `replace`.
pub fn add_account(
    state: &AppState,
    account: Account,
    replace: bool,
) -> Result<AddedAccount, AppError> {
    let (issuer, name) = (account.issuer.clone(), account.account.clone());
    with_vault(state, |vault| {
        let (id, status) = vault.add_or_replace_all(vec![account], replace)?.remove(0);
        log::info!("account {id}: {}", status.as_str());
        Ok(AddedAccount {
            id,
            status,
            issuer,
            account: name,
        })
    })
}

/// Adds an account typed in by hand (see [`uri::ManualForm`]): the key in base32 and, under
/// "advanced", the algorithm, digits, period or HOTP counter (empty means the usual default).
#[tauri::command]
#[specta::specta]
pub async fn add_account_manual(
    entry: uri::ManualForm,
    replace: bool,
    app: AppHandle,
) -> Result<AddedAccount, AppError> {
    let built = entry.account()?;
    blocking_with_state(&app, move |state| add_account(state, built, replace)).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_favourite(id: String, favourite: bool, app: AppHandle) -> Result<(), AppError> {
    edit_vault(&app, move |vault| vault.set_favourite(&id, favourite)).await
}

/// The person's new order of the list (every live id, top first).
#[tauri::command]
#[specta::specta]
pub async fn reorder_accounts(ids: Vec<String>, app: AppHandle) -> Result<(), AppError> {
    edit_vault(&app, move |vault| {
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        vault.reorder(&ids)
    })
    .await
}

/// Soft delete: recoverable with `restore_account` for 30 days (the UI's undo).
#[tauri::command]
#[specta::specta]
pub async fn remove_account(id: String, app: AppHandle) -> Result<(), AppError> {
    edit_vault(&app, move |vault| vault.delete(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn restore_account(id: String, app: AppHandle) -> Result<(), AppError> {
    edit_vault(&app, move |vault| vault.restore(&id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn rename_account(
    id: String,
    issuer: String,
    account: String,
    app: AppHandle,
) -> Result<(), AppError> {
    edit_vault(&app, move |vault| vault.rename(&id, &issuer, &account)).await
}

/// One change to the open vault (written to disk at once), off the window's thread.
async fn edit_vault<E: Into<AppError>>(
    app: &AppHandle,
    edit: impl FnOnce(&mut Vault) -> Result<(), E> + Send + 'static,
) -> Result<(), AppError> {
    blocking_with_state(app, move |state| {
        with_vault(state, |vault| edit(vault).map_err(Into::into))
    })
    .await
}
