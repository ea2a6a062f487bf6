//! The Tweestap desktop app: a thin Tauri shell. Every command is an adapter over
//! `tweestap-core`; if a handler grows past a screenful, its logic belongs in core.

pub mod bindings;
mod clipboard;
mod commands;
mod desktop;
mod error;
mod links;
mod portal;
mod scan;
mod session;
mod settings;
mod state;
mod transfer;
mod tray;

pub use error::AppError;

/// Variables for the environment of the WebKit processes the window runs in, which inherit the
/// app's (main.rs sets them before anything starts). `lookup` reads the current environment.
///
/// On Linux, WebKitGTK's JavaScript JIT is switched off (`JavaScriptCoreUseJIT=0`): the window's
/// scripts are small and run a few times a minute, so the interpreter draws the list as fast as
/// anyone can see, while the JIT's compilers cost some 11 MB in the web process (as much as
/// the whole list of 50 accounts; docs/PERFORMANCE.md), and a JIT is where most exploits of a
/// JavaScript engine aim (docs/SECURITY.md). Someone who set either JIT variable keeps theirs.
pub fn web_engine_environment(
    lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
) -> Vec<(&'static str, &'static str)> {
    const WEBKITGTK_JIT: &str = "JavaScriptCoreUseJIT";
    const JSC_JIT_OPTION: &str = "JSC_useJIT";
    let chosen_by_user = [WEBKITGTK_JIT, JSC_JIT_OPTION]
        .iter()
        .any(|name| lookup(name).is_some());
    if cfg!(target_os = "linux") && !chosen_by_user {
        vec![(WEBKITGTK_JIT, "0")]
    } else {
        Vec::new()
    }
}

/// Log to stderr and to a file in the app's log folder (for the helpdesk), at the level in
/// `TWEESTAP_LOG` (`error` … `trace`; default `info`). Nothing logged may carry a secret:
/// the end-to-end suite runs at `trace` and searches every log for the keys it used.
fn logging() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
    let level = std::env::var("TWEESTAP_LOG")
        .ok()
        .and_then(|l| l.parse::<log::LevelFilter>().ok())
        .unwrap_or(log::LevelFilter::Info);
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets([
            Target::new(TargetKind::Stderr),
            Target::new(TargetKind::LogDir {
                file_name: Some("tweestap".into()),
            }),
        ])
        .level(level)
        .max_file_size(1_000_000)
        .rotation_strategy(RotationStrategy::KeepOne)
        .build()
}

/// The window shows only the bundled front end: navigating anywhere else (a link, a script
/// setting `location`) is refused, so no other page can ever appear inside Tweestap's frame.
/// Outside pages (the practice portal) open in the browser through the opener plugin.
fn navigation_guard() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let allowed = is_app_page(url);
            if !allowed {
                log::warn!(
                    "navigation to {} refused",
                    url.origin().ascii_serialization()
                );
            }
            allowed
        })
        .build()
}

fn is_app_page(url: &tauri::Url) -> bool {
    match (url.scheme(), url.host_str()) {
        ("tauri", Some("localhost")) => true,
        ("http" | "https", Some("tauri.localhost")) => true,
        // `tauri dev` serves the front end from Vite (tauri.conf.json's devUrl).
        ("http", Some("localhost")) => tauri::is_dev() && url.port() == Some(1420),
        _ => false,
    }
}

pub fn run() {
    tauri::Builder::default()
        // First, so a second launch only focuses the running window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            desktop::show_main_window(app);
        }))
        .plugin(tauri_plugin_deep_link::init())
        // Visibility is not restored: the window starts hidden and `desktop` shows it unless
        // the person chose to start minimised.
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::all()
                        - tauri_plugin_window_state::StateFlags::VISIBLE,
                )
                .build(),
        )
        // The global-shortcut plugin is added when a shortcut is set (desktop.rs).
        .plugin(logging())
        .plugin(tauri_plugin_opener::init())
        .plugin(navigation_guard())
        // Only for the Rust side's open and save dialogs (import, export); the window is granted
        // none of its commands.
        .plugin(tauri_plugin_dialog::init())
        // Each feature's state; the settings are read in `setup`, where the config folder is
        // known, before any command runs.
        .manage(state::AppState::new())
        .manage(state::Transfers::default())
        .manage(scan::Pending::default())
        .manage(scan::Camera::default())
        .manage(clipboard::CodeClipboard::default())
        .manage(session::Session::default())
        .manage(portal::PracticePortal::default())
        .setup(|app| {
            use tauri::Manager;
            app.manage(settings::load(app.handle()));
            log::info!("Tweestap {} starting", env!("CARGO_PKG_VERSION"));
            tray::install(app.handle())?;
            desktop::register_saved_shortcut(app.handle());
            desktop::show_window_at_start(app.handle());
            links::install(app.handle());
            session::start(app.handle());
            Ok(())
        })
        .invoke_handler(bindings::invoke_handler())
        .build(tauri::generate_context!())
        .expect("Tweestap could not start its window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                use tauri::Manager;
                // A copied code does not outlive Tweestap on the clipboard.
                app.state::<clipboard::CodeClipboard>().clear_ours();
            }
        });
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_bundled_front_end_may_load() {
        let page = |u: &str| super::is_app_page(&tauri::Url::parse(u).unwrap());
        assert!(page("tauri://localhost/"));
        assert!(page("http://tauri.localhost/index.html"));
        assert!(!page("https://example.com/"));
        assert!(!page("http://127.0.0.1:8080/"));
        assert!(!page("file:///etc/passwd"));
        assert!(!page("tauri://localhost.evil.example/"));
        // A release build never trusts the dev server's address.
        assert_eq!(page("http://localhost:1420/"), tauri::is_dev());
    }

    #[test]
    fn the_web_engine_runs_without_jit_unless_someone_chose_otherwise() {
        use std::ffi::OsString;
        let nothing_set = super::web_engine_environment(|_| None);
        if cfg!(target_os = "linux") {
            assert_eq!(nothing_set, [("JavaScriptCoreUseJIT", "0")]);
        } else {
            assert!(nothing_set.is_empty());
        }
        for chosen in ["JavaScriptCoreUseJIT", "JSC_useJIT"] {
            let set =
                super::web_engine_environment(|name| (name == chosen).then(|| OsString::from("1")));
            assert!(set.is_empty(), "{chosen} set by the user is kept");
        }
    }
}
