use serde::Serialize;
use tauri::State;
use tweestap_core::otp::{self, Clock};
use tweestap_core::uri;

use crate::error::UiError;
use crate::state::AppState;

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

/// One row of the code list. Carries the code, never the secret.
#[derive(Serialize)]
pub struct CodeView {
    pub id: u64,
    pub issuer: String,
    pub account: String,
    pub code: String,
    pub next_code: Option<String>,
    pub period: Option<u32>,
    pub remaining_s: Option<u32>,
    /// The (clock-corrected) instant the code was computed for, in Unix milliseconds, so the
    /// UI can place the countdown ring and tests can reproduce the code.
    pub at_ms: u64,
}

#[derive(Serialize)]
pub struct AddedAccount {
    pub id: u64,
}

/// Parses an `otpauth://` link and keeps the account for this session.
#[tauri::command]
pub fn add_account_uri(uri: String, state: State<'_, AppState>) -> Result<AddedAccount, UiError> {
    let account = uri::parse_otpauth(uri.trim()).map_err(|e| UiError::from_kind(&e))?;
    let mut next_id = state
        .next_id
        .lock()
        .map_err(|_| UiError::internal("state lock poisoned"))?;
    let id = *next_id;
    *next_id += 1;
    state
        .accounts
        .lock()
        .map_err(|_| UiError::internal("state lock poisoned"))?
        .push((id, account));
    Ok(AddedAccount { id })
}

/// Current codes of every account, computed at one instant.
#[tauri::command]
pub fn list_codes(state: State<'_, AppState>) -> Result<Vec<CodeView>, UiError> {
    let at_ms = state.clock.now_unix_ms();
    let at = at_ms / 1000;
    let accounts = state
        .accounts
        .lock()
        .map_err(|_| UiError::internal("state lock poisoned"))?;
    Ok(accounts
        .iter()
        .map(|(id, account)| {
            let info = otp::generate(account, at);
            CodeView {
                id: *id,
                issuer: account.issuer.clone(),
                account: account.account.clone(),
                code: info.code,
                next_code: info.next_code,
                period: info.period,
                remaining_s: info.remaining_s,
                at_ms,
            }
        })
        .collect())
}
