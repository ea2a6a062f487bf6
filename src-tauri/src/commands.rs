//! The app's IPC commands: thin adapters over `tweestap-core`. Nothing here returns a
//! secret; passwords arriving from the UI are wiped once used.

use serde::Serialize;
use tauri::State;
use tweestap_core::Account;
use tweestap_core::otp::Clock;
use tweestap_core::uri;
use tweestap_core::vault::{CreateOptions, KdfParams, Unlock, VaultStore};
use zeroize::Zeroizing;

use crate::error::UiError;
use crate::state::{AppState, with_vault};

#[derive(Serialize)]
pub struct AppInfo {
    pub version: &'static str,
    /// BCP 47 tag of the system locale (e.g. `nl-NL`), used to choose the UI language.
    pub locale: Option<String>,
}

#[tauri::command]
pub fn app_info() -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        locale: sys_locale::get_locale(),
    }
}

/// Which screen the UI shows: first-run setup (`missing`), the unlock screen (`locked`), the
/// code list (`unlocked`), or a vault that cannot be read (`damaged`, with the error and
/// whether a backup can be restored).
#[derive(Serialize)]
pub struct VaultStatus {
    pub state: &'static str,
    pub path: Option<String>,
    pub has_keyring_slot: bool,
    pub has_password_slot: bool,
    /// Why the vault is locked or damaged (e.g. `keyring_missing`, `integrity_error`).
    pub error: Option<UiError>,
    pub backup_available: bool,
}

impl VaultStatus {
    fn new(state: &'static str, store: Option<&VaultStore>) -> Self {
        VaultStatus {
            state,
            path: store.map(|s| s.path().display().to_string()),
            has_keyring_slot: false,
            has_password_slot: false,
            error: None,
            backup_available: store.is_some_and(|s| s.backup_path().exists()),
        }
    }
}

/// Reports the vault's state; a vault with a keyring key is opened with it on the way, so
/// people without a password never see an unlock screen.
#[tauri::command]
pub fn vault_status(state: State<'_, AppState>) -> Result<VaultStatus, UiError> {
    let mut slot = state.slot()?;
    let store = match state.store() {
        Ok(store) => store,
        Err(e) => {
            let mut status = VaultStatus::new("damaged", None);
            status.error = Some(e);
            return Ok(status);
        }
    };
    if let Some(vault) = slot.as_mut() {
        // The file may have changed under the open vault (deleted, replaced, damaged): then
        // close it and report what is there now.
        match vault.refresh() {
            Ok(()) => {
                let info = vault.info();
                let mut status = VaultStatus::new("unlocked", Some(store));
                status.has_keyring_slot = info.has_keyring_slot;
                status.has_password_slot = info.has_password_slot;
                return Ok(status);
            }
            Err(_) => {
                if let Some(v) = slot.take() {
                    v.lock();
                }
            }
        }
    }
    if !store.exists() {
        return Ok(VaultStatus::new("missing", Some(store)));
    }
    let info = match store.info() {
        Ok(info) => info,
        Err(e) => {
            let mut status = VaultStatus::new("damaged", Some(store));
            status.error = Some(e.into());
            return Ok(status);
        }
    };
    let mut status = VaultStatus::new("locked", Some(store));
    status.has_keyring_slot = info.has_keyring_slot;
    status.has_password_slot = info.has_password_slot;
    let locked_by_person = state
        .locked_by_person
        .load(std::sync::atomic::Ordering::SeqCst);
    if info.has_keyring_slot && !(locked_by_person && info.has_password_slot) {
        match store.unlock(Unlock::Keyring) {
            Ok(vault) => {
                *slot = Some(vault);
                status.state = "unlocked";
            }
            Err(e) => {
                let e = UiError::from(e);
                if e.kind == "integrity_error" {
                    status.state = "damaged";
                }
                status.error = Some(e);
            }
        }
    }
    Ok(status)
}

/// First run: creates the vault with its key in the OS keyring (`use_keyring`) and/or
/// wrapped by `password`.
#[tauri::command]
pub fn create_vault(
    use_keyring: bool,
    password: Option<String>,
    state: State<'_, AppState>,
) -> Result<VaultStatus, UiError> {
    let password = password.filter(|p| !p.is_empty()).map(Zeroizing::new);
    {
        let mut slot = state.slot()?;
        let vault = state.store()?.create(CreateOptions {
            keyring: use_keyring,
            password: password.as_ref().map(|p| p.as_str()),
            kdf: KdfParams::DEFAULT,
        })?;
        *slot = Some(vault);
    }
    vault_status(state)
}

#[tauri::command]
pub fn unlock_vault(password: String, state: State<'_, AppState>) -> Result<VaultStatus, UiError> {
    let password = Zeroizing::new(password);
    {
        let mut slot = state.slot()?;
        *slot = Some(state.store()?.unlock(Unlock::Password(&password))?);
        state
            .locked_by_person
            .store(false, std::sync::atomic::Ordering::SeqCst);
    }
    vault_status(state)
}

/// Wipes the key and every secret from memory; codes need an unlock again.
#[tauri::command]
pub fn lock_vault(app: tauri::AppHandle, state: State<'_, AppState>) -> Result<(), UiError> {
    state.lock_by_person();
    crate::tray::update_accounts(&app, Vec::new());
    Ok(())
}

/// After an integrity error: puts the previous generation back (the damaged file is kept
/// beside it), then reports the state again.
#[tauri::command]
pub fn restore_vault_backup(state: State<'_, AppState>) -> Result<VaultStatus, UiError> {
    state.store()?.restore_backup()?;
    vault_status(state)
}

/// One row of the code list. Carries the code, never the secret.
#[derive(Serialize)]
pub struct CodeView {
    pub id: String,
    pub issuer: String,
    pub account: String,
    pub favourite: bool,
    pub code: String,
    pub next_code: Option<String>,
    pub period: Option<u32>,
    pub remaining_s: Option<u32>,
    /// The (clock-corrected) instant the code was computed for, in Unix milliseconds, so the
    /// UI can place the countdown ring and tests can reproduce the code.
    pub at_ms: u64,
}

/// Current codes of every account, computed at one instant. Re-reads the vault first, so
/// changes made meanwhile with the `tweestap` command show up.
#[tauri::command]
pub fn list_codes(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Vec<CodeView>, UiError> {
    let at_ms = state.clock().now_unix_ms();
    let at = at_ms / 1000;
    let rows = list_rows(&state, at, at_ms);
    let tray_accounts = rows
        .as_ref()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r.id.clone(),
                        tweestap_core::display_label(&r.issuer, &r.account),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    crate::tray::update_accounts(&app, tray_accounts);
    rows
}

fn list_rows(state: &AppState, at: u64, at_ms: u64) -> Result<Vec<CodeView>, UiError> {
    with_vault(state, |vault| {
        vault.refresh()?;
        vault
            .list()
            .into_iter()
            .map(|s| {
                let info = vault.code(&s.id, at)?;
                Ok(CodeView {
                    id: s.id,
                    issuer: s.issuer,
                    account: s.account,
                    favourite: s.favourite,
                    code: info.code,
                    next_code: info.next_code,
                    period: info.period,
                    remaining_s: info.remaining_s,
                    at_ms,
                })
            })
            .collect()
    })
}

/// What adding did: `added`; `unchanged` (already there with the same key); `conflict`
/// (the same issuer and account exist with another key: ask, then call again with
/// `replace`); `replaced`.
#[derive(Serialize)]
pub struct AddedAccount {
    pub id: String,
    pub status: &'static str,
    pub issuer: String,
    pub account: String,
}

#[tauri::command]
pub fn add_account_uri(
    uri: String,
    replace: Option<bool>,
    state: State<'_, AppState>,
) -> Result<AddedAccount, UiError> {
    let uri = Zeroizing::new(uri);
    let account = uri::parse_otpauth(uri.trim())?;
    add_account(&state, account, replace == Some(true))
}

/// Adds `account`; when its login exists with another key, replaces it only if `replace`.
pub fn add_account(
    state: &AppState,
    account: Account,
    replace: bool,
) -> Result<AddedAccount, UiError> {
    let (issuer, name) = (account.issuer.clone(), account.account.clone());
    with_vault(state, |vault| {
        let (id, status) = vault.add_or_replace_all(vec![account], replace)?.remove(0);
        Ok(AddedAccount {
            id,
            status: status.as_str(),
            issuer,
            account: name,
        })
    })
}

/// Adds an account typed in by hand: the key in base32 and, under "advanced", the
/// algorithm, digits, period or HOTP counter (empty means the usual default).
#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub fn add_account_manual(
    issuer: String,
    account: String,
    secret: String,
    algorithm: Option<String>,
    digits: Option<String>,
    period: Option<String>,
    counter: Option<String>,
    replace: bool,
    state: State<'_, AppState>,
) -> Result<AddedAccount, UiError> {
    let secret = Zeroizing::new(secret);
    let blank = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (algorithm, digits, period, counter) = (
        blank(&algorithm),
        blank(&digits),
        blank(&period),
        blank(&counter),
    );
    let otp_type = if counter.is_some() {
        uri::OtpType::Hotp
    } else {
        uri::OtpType::Totp
    };
    let issuer = issuer.trim();
    if issuer.is_empty() && account.trim().is_empty() {
        return Err(UiError {
            kind: "name_required".to_string(),
            message: "give the account a name: a service or an account name".to_string(),
        });
    }
    let params = uri::OtpParams {
        secret: Some(secret.as_str()),
        issuer: (!issuer.is_empty()).then_some(issuer),
        algorithm: algorithm.as_deref(),
        digits: digits.as_deref(),
        period: period.as_deref(),
        counter: counter.as_deref(),
    };
    let mut built = uri::build_account(otp_type, "", &params)?;
    built.account = account.trim().to_owned();
    add_account(&state, built, replace)
}

#[tauri::command]
pub fn set_favourite(
    id: String,
    favourite: bool,
    state: State<'_, AppState>,
) -> Result<(), UiError> {
    with_vault(&state, |vault| Ok(vault.set_favourite(&id, favourite)?))
}

/// The person's new order of the list (every live id, top first).
#[tauri::command]
pub fn reorder_accounts(ids: Vec<String>, state: State<'_, AppState>) -> Result<(), UiError> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    with_vault(&state, |vault| Ok(vault.reorder(&ids)?))
}

/// Soft delete: recoverable with `restore_account` for 30 days (the UI's undo).
#[tauri::command]
pub fn remove_account(id: String, state: State<'_, AppState>) -> Result<(), UiError> {
    with_vault(&state, |vault| Ok(vault.delete(&id)?))
}

#[tauri::command]
pub fn restore_account(id: String, state: State<'_, AppState>) -> Result<(), UiError> {
    with_vault(&state, |vault| Ok(vault.restore(&id)?))
}

#[tauri::command]
pub fn rename_account(
    id: String,
    issuer: String,
    account: String,
    state: State<'_, AppState>,
) -> Result<(), UiError> {
    with_vault(&state, |vault| Ok(vault.rename(&id, &issuer, &account)?))
}
