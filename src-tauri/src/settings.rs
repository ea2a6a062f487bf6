//! The person's preferences, kept as JSON in the app's config folder. Read once at start;
//! every change is validated and written at once (temp file + rename).

use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{Manager, State};

use crate::error::AppError;
use crate::state::AppState;
use tweestap_core::Kind;

/// Every field is required over IPC (the UI always has them all); a settings file from an older
/// version may lack some, see [`Settings::from_file`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Settings {
    /// Seconds after which a copied code is wiped from the clipboard (if it is still ours);
    /// 0 keeps it.
    pub clipboard_clear_s: u32,
    /// From how many seconds before the end of a step the next code is shown.
    pub next_code_threshold_s: u32,
    /// Minutes of inactivity before a password-protected vault locks itself; 0 never.
    pub auto_lock_min: u32,
    /// Show codes only after a click (against shoulder surfing).
    pub hide_codes: bool,
    /// Compare this computer's clock with a web server's at start. Off until the person
    /// agrees: it contacts `clock_check_url`.
    pub clock_check_enabled: bool,
    pub clock_check_url: String,
    /// Seconds added to this computer's clock for every code (after a clock check, when the
    /// person chose to correct rather than fix the system clock). The one time correction.
    pub clock_correction_s: i64,
    /// Start with the window hidden (in the tray); a second launch or the tray shows it.
    pub start_minimised: bool,
    /// A system-wide shortcut that shows Tweestap, e.g. `Ctrl+Alt+T`; empty: none.
    pub global_shortcut: String,
    /// `nl` or `en`; empty follows the system language. The tray menu uses it too.
    pub language: String,
}

/// The largest values [`Settings`] accepts (the clock correction either way), exported to the
/// UI as `SETTING_LIMITS` for its fields' bounds, as [`Settings::default`] is as
/// `DEFAULT_SETTINGS`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SettingLimits {
    pub clipboard_clear_s: u32,
    pub next_code_threshold_s: u32,
    pub auto_lock_min: u32,
    pub clock_correction_s: u32,
}

pub const SETTING_LIMITS: SettingLimits = SettingLimits {
    clipboard_clear_s: 600,
    next_code_threshold_s: 30,
    auto_lock_min: 240,
    // A day either way covers any time-zone mistake; more is not a clock problem.
    clock_correction_s: 86_400,
};

impl Default for Settings {
    fn default() -> Self {
        Settings {
            clipboard_clear_s: 30,
            next_code_threshold_s: 5,
            auto_lock_min: 5,
            hide_codes: false,
            clock_check_enabled: false,
            clock_check_url: tweestap_core::clock_check::DEFAULT_URL.to_string(),
            clock_correction_s: 0,
            start_minimised: false,
            global_shortcut: String::new(),
            language: String::new(),
        }
    }
}

impl Settings {
    /// Settings saved by this or an older version: keys the file lacks keep their defaults
    /// (a struct-wide `#[serde(default)]` would make every field optional in the bindings).
    fn from_file(bytes: &[u8]) -> Option<Settings> {
        let serde_json::Value::Object(saved) = serde_json::from_slice(bytes).ok()? else {
            return None;
        };
        let serde_json::Value::Object(mut merged) =
            serde_json::to_value(Settings::default()).ok()?
        else {
            return None;
        };
        merged.extend(saved);
        serde_json::from_value(merged.into()).ok()
    }

    fn validate(&self) -> Result<(), AppError> {
        let bad =
            |what: &str| AppError::new(Kind::InvalidSetting, format!("{what} is out of range"));
        let limits = SETTING_LIMITS;
        if self.clipboard_clear_s > limits.clipboard_clear_s {
            return Err(bad("the clipboard time"));
        }
        if self.next_code_threshold_s > limits.next_code_threshold_s {
            return Err(bad("the next-code time"));
        }
        if self.auto_lock_min > limits.auto_lock_min {
            return Err(bad("the auto-lock time"));
        }
        if self.clock_correction_s.unsigned_abs() > u64::from(limits.clock_correction_s) {
            return Err(bad("the clock correction"));
        }
        if !(self.clock_check_url.starts_with("https://")
            || self.clock_check_url.starts_with("http://"))
        {
            return Err(bad("the clock check address (it must start with https://)"));
        }
        if !matches!(self.language.as_str(), "" | "nl" | "en") {
            return Err(bad("the language"));
        }
        crate::desktop::parse_shortcut(&self.global_shortcut)?;
        Ok(())
    }
}

/// The settings and where they live (`None`: no config folder, kept in memory only).
pub struct SettingsStore {
    path: Option<PathBuf>,
    current: Mutex<Settings>,
}

impl SettingsStore {
    /// Reads `settings.json` from the app's config folder; a missing or unreadable file gives
    /// the defaults (a damaged file is left alone until the person saves new settings).
    pub fn load(app: &tauri::AppHandle) -> Self {
        let path = app
            .path()
            .app_config_dir()
            .ok()
            .map(|d| d.join("settings.json"));
        let current = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| Settings::from_file(&bytes))
            .filter(|s| s.validate().is_ok())
            .unwrap_or_default();
        SettingsStore {
            path,
            current: Mutex::new(current),
        }
    }

    pub fn get(&self) -> Settings {
        self.current.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn save(&self, settings: Settings) -> Result<Settings, AppError> {
        settings.validate()?;
        if let Some(path) = &self.path {
            let write = || -> std::io::Result<()> {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let tmp = path.with_extension("json.tmp");
                std::fs::write(&tmp, serde_json::to_vec_pretty(&settings)?)?;
                std::fs::rename(&tmp, path)
            };
            write().map_err(|e| {
                AppError::new(Kind::Io, format!("the settings could not be saved: {e}"))
            })?;
        }
        *self
            .current
            .lock()
            .map_err(|_| AppError::internal("settings lock poisoned"))? = settings.clone();
        Ok(settings)
    }
}

#[tauri::command]
#[specta::specta]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings().get()
}

/// Validates and saves the settings, then applies what takes effect at once: the global
/// shortcut (registered before saving, so a shortcut another program holds is refused and the
/// old one kept) and the tray's language.
#[tauri::command]
#[specta::specta]
pub fn set_settings(
    settings: Settings,
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Settings, AppError> {
    settings.validate()?;
    let before = state.settings().get();
    let shortcut = settings.global_shortcut.clone();
    crate::desktop::replace_shortcut(&app, &before.global_shortcut, &shortcut)?;
    let saved = state.settings().save(settings).inspect_err(|_| {
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
pub async fn check_clock(state: State<'_, AppState>) -> Result<ClockView, AppError> {
    let settings = state.settings().get();
    if !settings.clock_check_enabled {
        return Err(AppError::new(
            Kind::ClockCheckOff,
            "the clock check is switched off".to_string(),
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

#[cfg(test)]
mod tests {
    use super::Settings;

    #[test]
    fn a_file_from_an_older_version_keeps_the_defaults_it_lacks() {
        let read = Settings::from_file(br#"{"hide_codes": true, "retired": 1}"#).unwrap();
        assert_eq!(
            read,
            Settings {
                hide_codes: true,
                ..Settings::default()
            }
        );
        assert_eq!(Settings::from_file(b"[1]"), None);
        assert_eq!(Settings::from_file(br#"{"auto_lock_min": "5"}"#), None);
    }
}
