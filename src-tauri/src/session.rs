//! The unlocked session: one place that locks the vault — on the person's request (button,
//! tray), after the auto-lock time without activity, and when the screen locks or the system
//! goes to sleep — and wipes what the lock must not leave behind (the key and secrets, found
//! and importing accounts, a copied code still on the clipboard).
//!
//! The idle timer runs here, in Rust, not in the window: a hidden, minimised or throttled web
//! view (or a front end that hangs) never runs its timers, and would keep the vault open.
//! Activity is what the person does: input in the window (reported by `report_activity`,
//! which the window sends at most every few seconds), the tray menu and the global shortcut.
//! The window's own periodic work (fetching codes at each step) is not activity.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Manager};

use tweestap_capture::clipboard::CodeClipboard;
use tweestap_core::scan::Pending;
use tweestap_core::settings::{SettingsStore, auto_lock_after};

use crate::state::{AppState, Transfers};

/// The event a lock sends: the window shows the unlock screen, the tray empties its menu.
pub const LOCKED_EVENT: &str = "vault-locked";

/// When the person was last active (managed state).
pub struct Session {
    last_activity: Mutex<Instant>,
}

impl Default for Session {
    fn default() -> Self {
        Self {
            last_activity: Mutex::new(Instant::now()),
        }
    }
}

/// The test suite's shorter auto-lock time (seconds), which replaces the setting's minutes.
/// It can only be used to lock sooner: it is ignored when longer than the setting.
const AUTO_LOCK_SECONDS_ENV: &str = "TWEESTAP_AUTO_LOCK_S";

impl Session {
    /// The person did something.
    pub fn touch(&self) {
        if let Ok(mut last) = self.last_activity.lock() {
            *last = Instant::now();
        }
    }

    fn idle_for(&self) -> Duration {
        self.last_activity
            .lock()
            .map(|last| last.elapsed())
            .unwrap_or_default()
    }
}

/// Locks the vault now and tells the window. `why` is for the log.
pub fn lock(app: &AppHandle, why: &str) {
    let state = app.state::<AppState>();
    let was_open = state.slot().map(|slot| slot.is_some()).unwrap_or(false);
    state.lock_by_person();
    app.state::<Pending>().clear();
    app.state::<Transfers>().clear();
    app.state::<CodeClipboard>().clear_ours();
    let _ = app.emit(LOCKED_EVENT, ());
    if was_open {
        log::info!("vault locked ({why})");
    }
}

/// Whether the open vault should lock itself now: only a vault with a password locks by
/// itself (a keyring-only vault would reopen at once, from the same login).
fn idle_lock_due(app: &AppHandle) -> bool {
    let state = app.state::<AppState>();
    let minutes = app.state::<SettingsStore>().get().auto_lock_min;
    let Some(after) = auto_lock_after(
        minutes,
        std::env::var(AUTO_LOCK_SECONDS_ENV).ok().as_deref(),
    ) else {
        return false;
    };
    if app.state::<Session>().idle_for() < after {
        return false;
    }
    state
        .slot()
        .map(|slot| slot.as_ref().is_some_and(|v| v.info().has_password_slot))
        .unwrap_or(false)
}

/// Starts the idle timer and, on Linux, the watch for screen locks and suspend.
pub fn start(app: &AppHandle) {
    let timer = app.clone();
    let spawned = std::thread::Builder::new()
        .name("auto-lock".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                if idle_lock_due(&timer) {
                    lock(&timer, "no activity for the auto-lock time");
                }
            }
        });
    if let Err(e) = spawned {
        log::error!("the auto-lock timer could not start: {e}");
    }
    #[cfg(target_os = "linux")]
    {
        let app = app.clone();
        tweestap_capture::lock_signals::watch(move |why| lock(&app, why));
    }
}

/// The window reports the person's input (at most every few seconds).
#[tauri::command]
#[specta::specta]
pub fn report_activity(session: tauri::State<'_, Session>) {
    session.touch();
}
