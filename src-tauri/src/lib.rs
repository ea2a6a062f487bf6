//! The Tweestap desktop app: a thin Tauri shell. Every command is an adapter over
//! `tweestap-core`; if a handler grows past a screenful, its logic belongs in core.

mod clipboard;
mod commands;
mod error;
mod links;
mod portal;
mod scan;
mod settings;
mod state;
mod transfer;
mod tray;

pub use error::UiError;

pub fn run() {
    tauri::Builder::default()
        // First, so a second launch only focuses the running window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main_window(app);
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        // Only for the Rust side's open and save dialogs (import, export); the window is granted
        // none of its commands.
        .plugin(tauri_plugin_dialog::init())
        .manage(portal::PracticePortal::default())
        .manage(state::AppState::new())
        .setup(|app| {
            use tauri::Manager;
            let settings = settings::SettingsStore::load(app.handle());
            let _ = app.state::<state::AppState>().settings.set(settings);
            tray::install(app.handle())?;
            links::install(app.handle());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::vault_status,
            commands::create_vault,
            commands::unlock_vault,
            commands::lock_vault,
            commands::restore_vault_backup,
            commands::list_codes,
            commands::add_account_uri,
            commands::remove_account,
            commands::restore_account,
            commands::rename_account,
            commands::add_account_manual,
            commands::set_favourite,
            commands::reorder_accounts,
            clipboard::copy_code,
            settings::get_settings,
            settings::set_settings,
            scan::scan_screen,
            scan::scan_image,
            scan::scan_clipboard,
            scan::add_found,
            scan::camera_list,
            scan::camera_start,
            scan::camera_stop,
            links::take_opened_link,
            portal::open_practice_portal,
            settings::check_clock,
            transfer::import_pick,
            transfer::import_password,
            transfer::import_commit,
            transfer::import_cancel,
            transfer::export_file,
            transfer::export_google_qr,
        ])
        .run(tauri::generate_context!())
        .expect("Tweestap could not start its window");
}
