//! The Tweestap desktop app: a thin Tauri shell. Every command is an adapter over
//! `tweestap-core`; if a handler grows past a screenful, its logic belongs in core.

mod commands;
mod error;
mod scan;
mod state;

pub use error::UiError;

pub fn run() {
    tauri::Builder::default()
        .manage(state::AppState::new())
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
            scan::scan_screen,
            scan::scan_image,
            scan::scan_clipboard,
            scan::add_found,
            scan::camera_list,
            scan::camera_start,
            scan::camera_stop,
        ])
        .run(tauri::generate_context!())
        .expect("Tweestap could not start its window");
}
