//! The typed IPC: every command the UI calls, collected once. tauri-specta builds the invoke
//! handler from this list and writes ui/src/lib/bindings.ts from the same Rust signatures, so
//! the TypeScript types cannot drift from the commands (`make bindings` regenerates the file;
//! `make lint` fails when the committed file differs from what this code generates).
//!
//! Commands whose arguments have no type to describe stay out of the list and keep a
//! hand-written wrapper in ui/src/lib/ipc.ts: see [`UNTYPED_COMMANDS`].

use std::path::Path;
use std::sync::LazyLock;

use tauri::Wry;
use tauri::ipc::Invoke;
use tauri_specta::{ErrorHandlingMode, collect_commands};

use crate::{clipboard, commands, links, portal, scan, session, settings, transfer};

/// Commands registered by hand, outside the generated bindings: `scan_image` takes the image
/// as the raw request body.
pub const UNTYPED_COMMANDS: &[&str] = &["scan_image"];

/// The generated file, relative to the workspace root.
pub const BINDINGS_FILE: &str = "ui/src/lib/bindings.ts";

const HEADER: &str = "// Generated from the Rust commands in src-tauri/src by tauri-specta (src-tauri/src/bindings.rs).\n// Do not edit: run `make bindings` after changing a command or a type it uses.";

/// Every typed command, and the settings' defaults and bounds as constants (defined once, in
/// Rust). Failed commands reject their promise with a `AppError` (the
/// `Throw` mode), as the hand-written bindings did, so call sites keep `try`/`catch`.
pub fn builder() -> tauri_specta::Builder<Wry> {
    tauri_specta::Builder::<Wry>::new()
        .constant("DEFAULT_SETTINGS", settings::Settings::default())
        .constant("SETTING_LIMITS", settings::SETTING_LIMITS)
        // Every `ErrorKind`, so the UI's tests can check that each has a text in both catalogs.
        .constant("ERROR_KINDS", tweestap_core::Kind::ALL)
        .commands(collect_commands![
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
            settings::check_clock,
            scan::scan_screen,
            scan::screen_capture_info,
            scan::screen_ask_again,
            session::report_activity,
            scan::scan_clipboard,
            scan::add_found,
            scan::camera_list,
            scan::camera_start,
            scan::camera_stop,
            links::take_opened_link,
            portal::open_practice_portal,
            transfer::import_pick,
            transfer::import_password,
            transfer::import_commit,
            transfer::import_cancel,
            transfer::export_file,
            transfer::export_google_qr,
        ])
        .error_handling(ErrorHandlingMode::Throw)
        // One type per Rust type, as it goes over the wire (Rust -> UI). Without this, every
        // type with an `Option` gets `_Serialize`/`_Deserialize` twins.
        .disable_serde_phases()
        // The 64-bit integers that cross IPC are Unix milliseconds, round-trip milliseconds and
        // clock offsets in seconds: all far below 2^53, so a JS number holds them exactly.
        .dangerously_cast_bigints_to_number()
}

/// The app's invoke handler: the typed commands plus [`UNTYPED_COMMANDS`].
pub fn invoke_handler() -> impl Fn(Invoke<Wry>) -> bool + Send + Sync + 'static {
    // The handler borrows its builder for as long as the app runs.
    static BUILDER: LazyLock<tauri_specta::Builder<Wry>> = LazyLock::new(builder);
    let typed = BUILDER.invoke_handler();
    let untyped = untyped_handler();
    move |invoke| {
        if UNTYPED_COMMANDS.contains(&invoke.message.command()) {
            untyped(invoke)
        } else {
            typed(invoke)
        }
    }
}

fn untyped_handler() -> impl Fn(Invoke<Wry>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![scan::scan_image]
}

/// Writes the TypeScript bindings to `path`.
pub fn export(path: &Path) -> Result<(), specta_typescript::Error> {
    builder().export(
        specta_typescript::Typescript::default().header(HEADER),
        path,
    )
}
