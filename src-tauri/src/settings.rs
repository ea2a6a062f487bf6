//! The person's preferences (core's `settings`: defaults, bounds, the file), their commands,
//! and the clock check they switch on.

use serde::Serialize;
use tauri::{Manager, State};
use tweestap_core::Kind;
use tweestap_core::settings::SettingsStore;

pub use tweestap_core::settings::{SETTING_LIMITS, Settings};

use crate::error::AppError;

/// Core's rules, and the shortcut's form (a shortcut the desktop can register).
fn validate(settings: &Settings) -> Result<(), AppError> {
    settings.validate()?;
    crate::desktop::parse_shortcut(&settings.global_shortcut)?;
    Ok(())
}

/// Reads `settings.json` from the app's config folder (see [`SettingsStore::load`]).
pub fn load(app: &tauri::AppHandle) -> SettingsStore {
    let path = app
        .path()
        .app_config_dir()
        .ok()
        .map(|d| d.join("settings.json"));
    SettingsStore::load(path, |s| validate(s).is_ok())
}

#[tauri::command]
#[specta::specta]
pub fn get_settings(settings: State<'_, SettingsStore>) -> Settings {
    settings.get()
}

/// Validates and saves the settings, then applies what takes effect at once: the global
/// shortcut (registered before saving, so a shortcut another program holds is refused and the
/// old one kept) and the tray's language.
#[tauri::command]
#[specta::specta]
pub fn set_settings(
    settings: Settings,
    app: tauri::AppHandle,
    store: State<'_, SettingsStore>,
) -> Result<Settings, AppError> {
    validate(&settings)?;
    let before = store.get();
    let shortcut = settings.global_shortcut.clone();
    crate::desktop::replace_shortcut(&app, &before.global_shortcut, &shortcut)?;
    let saved = store.save(settings).inspect_err(|_| {
        let _ = crate::desktop::replace_shortcut(&app, &shortcut, &before.global_shortcut);
    })?;
    if saved.language != before.language {
        crate::tray::refresh_language(&app);
    }
    Ok(saved)
}

#[derive(Serialize, specta::Type)]
pub struct ClockView {
    /// Server time minus this computer's time (positive: this computer is behind).
    pub offset_s: i64,
    pub rtt_ms: u64,
    pub server: String,
    /// More than 10 s off: worth telling the person.
    pub needs_attention: bool,
}

/// Compares this computer's clock with the configured server's `Date` header (only when the
/// person switched the check on).
#[tauri::command]
#[specta::specta]
pub async fn check_clock(store: State<'_, SettingsStore>) -> Result<ClockView, AppError> {
    let settings = store.get();
    if !settings.clock_check_enabled {
        return Err(AppError::new(
            Kind::ClockCheckOff,
            "the clock check is switched off",
        ));
    }
    let url = settings.clock_check_url;
    let check = crate::state::blocking(move || {
        tweestap_core::clock_check::measure(&url, tweestap_core::clock_check::DEFAULT_TIMEOUT)
    })
    .await?;
    Ok(ClockView {
        offset_s: check.offset_s,
        rtt_ms: check.rtt_ms,
        needs_attention: check.needs_attention(),
        server: check.server,
    })
}
