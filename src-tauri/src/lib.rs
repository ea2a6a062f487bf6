//! The Tweestap desktop app: a thin Tauri shell. Every command is an adapter over
//! `tweestap-core`; if a handler grows past a screenful, its logic belongs in core.

pub mod bindings;
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
        .invoke_handler(bindings::invoke_handler())
        .run(tauri::generate_context!())
        .expect("Tweestap could not start its window");
}
