//! Desktop integration that follows the settings: showing the window at start (or not, when
//! the person chose to start minimised), the system-wide shortcut that brings Tweestap
//! forward, and the language of the texts Rust shows itself (the tray menu), taken from the
//! same nl/en catalogs as the UI.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Wry};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

use crate::error::AppError;
use tweestap_core::settings::SettingsStore;

use crate::session::Session;
use tweestap_core::Kind;

/// The window starts hidden (tauri.conf.json) so that "start minimised" never flashes it.
pub fn show_window_at_start(app: &AppHandle) {
    let settings = app.state::<SettingsStore>().get();
    if settings.start_minimised {
        log::info!("starting minimised to the tray");
        return;
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.show();
    }
}

/// Brings the main window forward (a second launch, the tray, the shortcut, an opened link).
pub fn show_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The global-shortcut plugin, handling whichever shortcut the settings register.
fn shortcut_plugin() -> TauriPlugin<Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, shortcut, event| {
            if event.state == ShortcutState::Pressed {
                app.state::<Session>().touch();
                summon_main_window(app, &shortcut.to_string());
            }
        })
        .build()
}

/// The shortcut brings the window forward; pressed again while Tweestap is in front, it hides it.
fn summon_main_window(app: &AppHandle, shortcut: &str) {
    if let Some(window) = app.get_webview_window("main") {
        let visible = window.is_visible().unwrap_or(false);
        let focused = window.is_focused().unwrap_or(false);
        log::debug!(
            "global shortcut {shortcut} pressed (window visible: {visible}, focused: {focused})"
        );
        if visible && focused {
            let _ = window.hide();
        } else {
            show_main_window(app);
        }
    }
}

/// `Ok(None)` for the empty setting (no shortcut).
pub fn parse_shortcut(text: &str) -> Result<Option<Shortcut>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let shortcut = Shortcut::from_str(text).map_err(|e| {
        AppError::new(
            Kind::InvalidShortcut,
            format!("{text} is not a keyboard shortcut: {e}"),
        )
    })?;
    // A bare key (or Shift+key) would swallow ordinary typing in every other program.
    let modifiers = shortcut
        .mods
        .difference(tauri_plugin_global_shortcut::Modifiers::SHIFT);
    if modifiers.is_empty() {
        return Err(AppError::new(
            Kind::InvalidShortcut,
            format!("{text} needs Ctrl, Alt or Super"),
        ));
    }
    Ok(Some(shortcut))
}

/// Whether this session lets an app claim a system-wide shortcut itself. In a Wayland session
/// the plugin's X11 key grab (through XWayland) fires only while an XWayland window has the
/// keyboard, so a shortcut would look set and never work: the setting says so instead, and
/// the person sets one in the desktop's keyboard settings (the command `tweestap-app` brings
/// the running Tweestap forward, as a second start hands over to the first).
pub fn global_shortcuts_available() -> bool {
    !tweestap_capture::desktop::is_wayland_session()
}

/// Swaps the registered shortcut `old` for `new`. When `new` cannot be registered (another
/// program holds it), `old` stays registered and the error says so.
pub fn replace_shortcut(app: &AppHandle, old: &str, new: &str) -> Result<(), AppError> {
    let old = parse_shortcut(old).ok().flatten();
    let new_text = new.trim().to_owned();
    let new = parse_shortcut(new)?;
    if old.is_none() && new.is_none() {
        return Ok(());
    }
    if !global_shortcuts_available() {
        // A shortcut saved in an X11 session stays stored for the next one; only a new claim
        // is refused, or every settings save on Wayland would fail over it.
        if new.is_none() || new == old {
            return Ok(());
        }
        return Err(AppError::new(
            Kind::ShortcutNotOnWayland,
            format!(
                "{new_text} was not set: on Wayland desktops an app cannot claim a system-wide \
                 shortcut; set one in the desktop's keyboard settings with the command tweestap-app"
            ),
        ));
    }
    load_shortcut_plugin(app)?;
    let shortcuts = app.global_shortcut();
    // The same shortcut again: make sure it is really in place (it may have failed at start).
    if old == new && new.is_none_or(|s| shortcuts.is_registered(s)) {
        return Ok(());
    }
    if let Some(old) = old {
        let _ = shortcuts.unregister(old);
    }
    if let Some(new) = new {
        if let Err(e) = shortcuts.register(new) {
            if let Some(old) = old {
                let _ = shortcuts.register(old);
            }
            return Err(AppError::new(
                Kind::ShortcutUnavailable,
                format!(
                    "{new_text} could not be registered ({e}): another program may use it, or \
                     the desktop does not allow global shortcuts (Wayland)"
                ),
            ));
        }
        log::info!("global shortcut {new_text} registered");
    }
    Ok(())
}

/// Adds the global-shortcut plugin the first time a shortcut is set, rather than at start: on
/// X11 its listener thread (global-hotkey) polls the X connection 20 times a second from the
/// moment it exists, CPU spent all day by everyone who never sets a shortcut
/// (docs/PERFORMANCE.md). Once added it stays until Tweestap quits, even if the shortcut is
/// cleared. The plugin is loaded when the state it manages exists. Called on the main thread
/// only (at start, and from the synchronous `set_settings`), so two calls never race.
fn load_shortcut_plugin(app: &AppHandle) -> Result<(), AppError> {
    if app
        .try_state::<tauri_plugin_global_shortcut::GlobalShortcut<Wry>>()
        .is_none()
    {
        app.plugin(shortcut_plugin()).map_err(|e| {
            AppError::new(
                Kind::ShortcutUnavailable,
                format!("global shortcuts are not available here: {e}"),
            )
        })?;
        log::debug!("global-shortcut plugin loaded");
    }
    Ok(())
}

/// Registers the saved shortcut at start; a failure is logged, not fatal (the settings show
/// the error again when the person saves another one).
pub fn register_saved_shortcut(app: &AppHandle) {
    let saved = app.state::<SettingsStore>().get().global_shortcut;
    if let Err(e) = replace_shortcut(app, "", &saved) {
        log::warn!("the saved global shortcut was not registered: {e}");
    }
}

/// `nl` or `en`: the person's choice, else the system's language (Dutch on Dutch systems).
pub fn language(app: &AppHandle) -> &'static str {
    let chosen = app.state::<SettingsStore>().get().language;
    match chosen.as_str() {
        "nl" => "nl",
        "en" => "en",
        _ => match sys_locale::get_locale() {
            Some(tag) if tag.to_ascii_lowercase().starts_with("nl") => "nl",
            _ => "en",
        },
    }
}

/// A text from the UI's catalogs (ui/src/i18n), which Rust embeds at build time.
pub fn text(language: &str, key: &str) -> String {
    static CATALOGS: OnceLock<HashMap<&'static str, HashMap<String, String>>> = OnceLock::new();
    let catalogs = CATALOGS.get_or_init(|| {
        let parse = |json: &str| serde_json::from_str(json).unwrap_or_default();
        HashMap::from([
            ("nl", parse(include_str!("../../ui/src/i18n/nl.json"))),
            ("en", parse(include_str!("../../ui/src/i18n/en.json"))),
        ])
    });
    catalogs
        .get(language)
        .and_then(|c| c.get(key))
        .or_else(|| catalogs.get("en").and_then(|c| c.get(key)))
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_need_a_modifier_other_than_shift() {
        assert!(parse_shortcut("").unwrap().is_none());
        assert!(parse_shortcut("Ctrl+Alt+T").unwrap().is_some());
        assert!(parse_shortcut("Super+Shift+2").unwrap().is_some());
        assert_eq!(parse_shortcut("T").unwrap_err().kind, "invalid_shortcut");
        assert_eq!(
            parse_shortcut("Shift+T").unwrap_err().kind,
            "invalid_shortcut"
        );
        assert_eq!(
            parse_shortcut("Ctrl+Nonsense").unwrap_err().kind,
            "invalid_shortcut"
        );
    }

    #[test]
    fn tray_texts_come_from_both_catalogs() {
        for key in ["tray.toggle", "tray.copy", "tray.lock", "tray.quit"] {
            let nl = text("nl", key);
            let en = text("en", key);
            assert_ne!(nl, key, "{key} missing from nl.json");
            assert_ne!(en, key, "{key} missing from en.json");
            assert_ne!(nl, en, "{key} is not translated");
        }
    }
}
