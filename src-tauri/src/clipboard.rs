//! Copying a code: computed here from the vault, put on the system clipboard marked as
//! sensitive where the platform allows (Linux: the KDE/GNOME password-manager hint, kept out
//! of clipboard history; Windows: excluded from history, cloud sync and clipboard monitors;
//! macOS: the nspasteboard.org concealed type), and wiped after the
//! configured time if the clipboard still holds it. The official clipboard-manager plugin
//! cannot set those marks, hence arboard directly.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use tauri::{Manager, State};
use tweestap_core::otp::Clock;
use zeroize::Zeroizing;

use crate::error::AppError;
use crate::state::{AppState, with_vault};
use tweestap_core::Kind;

/// The clipboard connection (on X11 it must live on to keep serving what was copied) and a
/// counter so only the latest copy's timer clears.
#[derive(Default)]
pub struct CodeClipboard {
    board: Mutex<Option<arboard::Clipboard>>,
    generation: AtomicU64,
    /// The code last copied, so locking and quitting can take it off the clipboard (only if
    /// the clipboard still holds it: something the person copied since is theirs).
    copied: Mutex<Option<Zeroizing<String>>>,
}

#[derive(Serialize, specta::Type)]
pub struct Copied {
    /// Seconds until the clipboard is wiped; 0 when it is kept.
    pub clear_after_s: u32,
}

fn unavailable(e: impl std::fmt::Display) -> AppError {
    AppError::new(
        Kind::ClipboardUnavailable,
        format!("the clipboard could not be used: {e}"),
    )
}

impl CodeClipboard {
    fn set(&self, text: &str) -> Result<(), AppError> {
        let mut slot = self
            .board
            .lock()
            .map_err(|_| AppError::internal("clipboard lock poisoned"))?;
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(unavailable)?);
        }
        let board = slot.as_mut().expect("just set");
        let set = board.set();
        #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
        let set = {
            use arboard::SetExtLinux;
            set.exclude_from_history()
        };
        #[cfg(windows)]
        let set = {
            use arboard::SetExtWindows;
            set.exclude_from_history()
                .exclude_from_cloud()
                .exclude_from_monitoring()
        };
        #[cfg(target_os = "macos")]
        let set = {
            use arboard::SetExtApple;
            set.exclude_from_history()
        };
        set.text(text.to_owned()).map_err(unavailable)
    }

    /// Wipes the clipboard if it still holds `text` and no later copy happened.
    fn clear_if_unchanged(&self, generation: u64, text: &str) {
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        self.clear_if_holding(text);
        if let Ok(mut copied) = self.copied.lock()
            && copied.as_ref().is_some_and(|c| c.as_str() == text)
        {
            *copied = None;
        }
    }

    fn clear_if_holding(&self, text: &str) {
        let Ok(mut slot) = self.board.lock() else {
            return;
        };
        if let Some(board) = slot.as_mut()
            && board.get_text().is_ok_and(|now| now == text)
        {
            let _ = board.clear();
        }
    }

    /// Takes the last copied code off the clipboard if it is still there (on lock and quit).
    pub fn clear_ours(&self) {
        let taken = self.copied.lock().ok().and_then(|mut c| c.take());
        if let Some(code) = taken {
            self.clear_if_holding(&code);
        }
    }
}

/// Copies the current code of account `id`.
#[tauri::command]
#[specta::specta]
pub fn copy_code(
    id: String,
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Copied, AppError> {
    let at = state.clock().now_unix();
    let code = with_vault(&state, |vault| Ok(vault.code(&id, at)?.code))?;
    state.clipboard.set(&code)?;
    if let Ok(mut copied) = state.clipboard.copied.lock() {
        *copied = Some(Zeroizing::new(code.clone()));
    }
    // A lock between reading the code and recording it found nothing to clear: clear it now.
    if state.slot().map(|slot| slot.is_none()).unwrap_or(true) {
        state.clipboard.clear_ours();
        return Err(AppError::locked());
    }
    let generation = state.clipboard.generation.fetch_add(1, Ordering::SeqCst) + 1;
    let clear_after_s = state.settings().get().clipboard_clear_s;
    log::debug!("code of account {id} copied; cleared after {clear_after_s} s");
    if clear_after_s > 0 {
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(u64::from(clear_after_s)));
            let state = app.state::<AppState>();
            state.clipboard.clear_if_unchanged(generation, &code);
        });
    }
    Ok(Copied { clear_after_s })
}
