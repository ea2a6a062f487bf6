//! The baseline for scripts/bench-app: an empty Tauri window (same Tauri, WebKitGTK and build
//! profile as the app, no front end of ours), so the app's memory can be compared with what
//! any Tauri window costs.
//!
//!   cargo build --release -p tweestap-app --example empty_window

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!(
            "examples/empty_window/tauri.conf.json"
        ))
        .expect("the empty window could not start");
}
