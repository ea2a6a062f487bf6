//! Copying a code: computed here from the vault, copied by capture's [`CodeClipboard`]
//! (marked as a password, wiped after the configured time if the clipboard still holds it).

use std::time::Duration;

use serde::Serialize;
use tauri::State;
use tweestap_core::otp::Clock;
use tweestap_core::settings::SettingsStore;

use crate::error::AppError;
use crate::state::{AppState, with_vault};

pub use tweestap_capture::clipboard::CodeClipboard;

#[derive(Serialize, specta::Type)]
pub struct Copied {
    /// Seconds until the clipboard is wiped; 0 when it is kept.
    pub clear_after_s: u32,
}

/// Copies the current code of account `id`.
#[tauri::command]
#[specta::specta]
pub fn copy_code(
    id: String,
    state: State<'_, AppState>,
    clipboard: State<'_, CodeClipboard>,
    settings: State<'_, SettingsStore>,
) -> Result<Copied, AppError> {
    let at = settings.clock().now_unix();
    let code = zeroize::Zeroizing::new(with_vault(&state, |vault| Ok(vault.code(&id, at)?.code))?);
    let clear_after_s = settings.get().clipboard_clear_s;
    let clear_after = (clear_after_s > 0).then(|| Duration::from_secs(u64::from(clear_after_s)));
    clipboard.copy(&code, clear_after)?;
    // A lock between reading the code and copying it found nothing to clear: clear it now.
    if state.slot().map(|slot| slot.is_none()).unwrap_or(true) {
        clipboard.clear_ours();
        return Err(AppError::locked());
    }
    log::debug!("code of account {id} copied; cleared after {clear_after_s} s");
    Ok(Copied { clear_after_s })
}
