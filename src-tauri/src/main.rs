// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// The one `unsafe` in Tweestap's own code (src-tauri/Cargo.toml explains the lint).
#[allow(unsafe_code)]
fn main() {
    for (name, value) in tweestap_app::web_engine_environment(|name| std::env::var_os(name)) {
        // SAFETY: the first thing main does, before Tauri, GTK or any thread starts, so nothing
        // can read the environment while it changes. WebKit's processes inherit it.
        unsafe { std::env::set_var(name, value) };
    }
    tweestap_app::run();
}
