//! The tray icon: show or hide the window, lock, quick copy of a code while unlocked, quit.

use std::sync::Mutex;

use tauri::menu::{Menu, MenuBuilder, MenuItem, SubmenuBuilder};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Listener, Manager, Wry};

use crate::session::{LOCKED_EVENT, Session};
use crate::state::AppState;

const TRAY_ID: &str = "main";
const COPY_PREFIX: &str = "copy:";

/// The accounts last put in the menu, so it is rebuilt only when they change.
#[derive(Default)]
pub struct TrayAccounts(Mutex<Vec<(String, String)>>);

fn toggle_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        if window.is_visible().unwrap_or(false) {
            let _ = window.hide();
        } else {
            crate::desktop::show_main_window(app);
        }
    }
}

/// Labels come from the UI's catalogs, in the person's language (`desktop::language`).
fn build_menu(app: &AppHandle, accounts: &[(String, String)]) -> tauri::Result<Menu<Wry>> {
    let language = crate::desktop::language(app);
    let item =
        |id: String, label: &str, enabled| MenuItem::with_id(app, id, label, enabled, None::<&str>);
    let entry = |id: &str| {
        item(
            id.to_string(),
            &crate::desktop::text(language, &format!("tray.{id}")),
            true,
        )
    };
    let mut copy = SubmenuBuilder::new(app, crate::desktop::text(language, "tray.copy"));
    if accounts.is_empty() {
        copy = copy.item(&item("none".to_string(), "—", false)?);
    }
    for (id, label) in accounts {
        copy = copy.item(&item(format!("{COPY_PREFIX}{id}"), label, true)?);
    }
    MenuBuilder::new(app)
        .item(&entry("toggle")?)
        .item(&copy.build()?)
        .item(&entry("lock")?)
        .separator()
        .item(&entry("quit")?)
        .build()
}

pub fn install(app: &AppHandle) -> tauri::Result<()> {
    app.manage(TrayAccounts::default());
    // Names stay out of a locked tray.
    let handle = app.clone();
    app.listen(LOCKED_EVENT, move |_| update_accounts(&handle, Vec::new()));
    let menu = build_menu(app, &[])?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Tweestap")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| {
            let id = event.id().as_ref();
            app.state::<Session>().touch();
            match id {
                "toggle" => toggle_main_window(app),
                "lock" => crate::session::lock(app, "from the tray"),
                "quit" => app.exit(0),
                _ => {
                    if let Some(account) = id.strip_prefix(COPY_PREFIX) {
                        let _ = crate::clipboard::copy_code(
                            account.to_string(),
                            app.state(),
                            app.state(),
                            app.state(),
                        );
                    }
                }
            }
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                toggle_main_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// Rebuilds the menu after the person switched language.
pub fn refresh_language(app: &AppHandle) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || rebuild_menu(&handle));
}

fn rebuild_menu(app: &AppHandle) {
    let Some(known) = app.try_state::<TrayAccounts>() else {
        return;
    };
    let accounts = known.0.lock().map(|a| a.clone()).unwrap_or_default();
    if let (Some(tray), Ok(menu)) = (app.tray_by_id(TRAY_ID), build_menu(app, &accounts)) {
        let _ = tray.set_menu(Some(menu));
    }
}

/// Puts the unlocked vault's accounts in the quick-copy menu (empty when locked). Callable from
/// any thread: the menu is rebuilt on the window's thread (a worker building it there would wait
/// for that thread while holding `TrayAccounts`, which the tray's own Lock also takes).
pub fn update_accounts(app: &AppHandle, accounts: Vec<(String, String)>) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || set_accounts(&handle, accounts));
}

fn set_accounts(app: &AppHandle, accounts: Vec<(String, String)>) {
    // A code list read just before a lock may arrive after it: names stay out of a locked tray.
    let locked = app
        .state::<AppState>()
        .slot()
        .map(|slot| slot.is_none())
        .unwrap_or(true);
    if locked && !accounts.is_empty() {
        return;
    }
    let Some(known) = app.try_state::<TrayAccounts>() else {
        return;
    };
    let Ok(mut known) = known.0.lock() else {
        return;
    };
    if *known == accounts {
        return;
    }
    if let (Some(tray), Ok(menu)) = (app.tray_by_id(TRAY_ID), build_menu(app, &accounts)) {
        let _ = tray.set_menu(Some(menu));
        *known = accounts;
    }
}
