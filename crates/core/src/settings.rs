//! The desktop app's preferences: their defaults, their bounds, and the file they are kept in
//! (`settings.json` in the app's config folder). Read once at start; every change is checked
//! and written at once (temp file + rename).

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::{ErrorKind, Kind};
use crate::otp::SystemClock;

/// Every field is required over IPC (the UI always has them all); a settings file from an older
/// version may lack some, see [`Settings::from_file`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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
    /// A system-wide shortcut that shows Tweestap, e.g. `Ctrl+Alt+T`; empty: none. Its form
    /// is checked by the app, which knows the desktop's keys.
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
            clock_check_url: crate::clock_check::DEFAULT_URL.to_string(),
            clock_correction_s: 0,
            start_minimised: false,
            global_shortcut: String::new(),
            language: String::new(),
        }
    }
}

#[derive(Debug, Error)]
pub enum SettingsError {
    #[error("{what} is out of range")]
    Invalid { what: &'static str },
    #[error("the settings could not be saved: {source}")]
    Io {
        #[from]
        source: std::io::Error,
    },
}

impl ErrorKind for SettingsError {
    fn kind(&self) -> Kind {
        match self {
            SettingsError::Invalid { .. } => Kind::InvalidSetting,
            SettingsError::Io { .. } => Kind::Io,
        }
    }
}

impl Settings {
    /// Settings saved by this or an older version: keys the file lacks keep their defaults
    /// (a struct-wide `#[serde(default)]` would make every field optional in the bindings).
    pub fn from_file(bytes: &[u8]) -> Option<Settings> {
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

    /// Every rule but the shortcut's form (see [`Settings::global_shortcut`]).
    pub fn validate(&self) -> Result<(), SettingsError> {
        let bad = |what| Err(SettingsError::Invalid { what });
        let limits = SETTING_LIMITS;
        if self.clipboard_clear_s > limits.clipboard_clear_s {
            return bad("the clipboard time");
        }
        if self.next_code_threshold_s > limits.next_code_threshold_s {
            return bad("the next-code time");
        }
        if self.auto_lock_min > limits.auto_lock_min {
            return bad("the auto-lock time");
        }
        if self.clock_correction_s.unsigned_abs() > u64::from(limits.clock_correction_s) {
            return bad("the clock correction");
        }
        if !(self.clock_check_url.starts_with("https://")
            || self.clock_check_url.starts_with("http://"))
        {
            return bad("the clock check address (it must start with https://)");
        }
        if !matches!(self.language.as_str(), "" | "nl" | "en") {
            return bad("the language");
        }
        Ok(())
    }
}

/// How long the vault may stay unlocked without activity; `None` for never.
pub fn auto_lock_after(minutes: u32, override_seconds: Option<&str>) -> Option<Duration> {
    let setting = (minutes > 0).then(|| Duration::from_secs(u64::from(minutes) * 60));
    let shorter = override_seconds
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map(Duration::from_secs);
    match (setting, shorter) {
        (Some(setting), Some(shorter)) => Some(setting.min(shorter)),
        (setting, _) => setting,
    }
}

/// The settings and where they live (`None`: no config folder, kept in memory only).
pub struct SettingsStore {
    path: Option<PathBuf>,
    current: Mutex<Settings>,
}

impl SettingsStore {
    /// Reads the file at `path`; a missing or unreadable file, or settings that break a rule
    /// (or `accept`, the caller's own rules), give the defaults. A damaged file is left alone
    /// until the person saves new settings.
    pub fn load(path: Option<PathBuf>, accept: impl Fn(&Settings) -> bool) -> Self {
        let current = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| Settings::from_file(&bytes))
            .filter(|s| s.validate().is_ok() && accept(s))
            .unwrap_or_default();
        SettingsStore {
            path,
            current: Mutex::new(current),
        }
    }

    pub fn get(&self) -> Settings {
        self.current.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// The one place time enters the app: the system clock plus the person's clock correction.
    pub fn clock(&self) -> SystemClock {
        SystemClock {
            offset_s: self.get().clock_correction_s,
        }
    }

    /// Checks `settings` and writes them (temp file + rename), then makes them current.
    pub fn save(&self, settings: Settings) -> Result<Settings, SettingsError> {
        settings.validate()?;
        if let Some(path) = &self.path {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = path.with_extension("json.tmp");
            std::fs::write(
                &tmp,
                serde_json::to_vec_pretty(&settings).map_err(std::io::Error::from)?,
            )?;
            std::fs::rename(&tmp, path)?;
        }
        if let Ok(mut current) = self.current.lock() {
            *current = settings.clone();
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn auto_lock_time_from_the_setting_and_the_shorter_test_override() {
        assert_eq!(auto_lock_after(0, None), None);
        assert_eq!(auto_lock_after(5, None), Some(Duration::from_secs(300)));
        assert_eq!(auto_lock_after(5, Some("3")), Some(Duration::from_secs(3)));
        // The override never makes it later, nor switches on a lock the person switched off.
        assert_eq!(
            auto_lock_after(1, Some("600")),
            Some(Duration::from_secs(60))
        );
        assert_eq!(auto_lock_after(0, Some("3")), None);
        assert_eq!(
            auto_lock_after(5, Some("x")),
            Some(Duration::from_secs(300))
        );
    }
}
