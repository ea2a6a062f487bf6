//! The Tweestap desktop app: a thin Tauri shell. Every command is an adapter over
//! `tweestap-core`; if a handler grows past a screenful, its logic belongs in core.

mod commands;
mod error;
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
        ])
        .run(tauri::generate_context!())
        .expect("Tweestap could not start its window");
}
