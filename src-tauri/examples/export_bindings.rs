//! Writes the UI's TypeScript bindings (ui/src/lib/bindings.ts, or the path given) from the
//! Rust commands. `make bindings` runs it; `make lint` runs it to a temporary file and compares.
//!
//!   cargo run -p tweestap-app --example export_bindings [-- <path>]

use std::path::PathBuf;

fn main() {
    let path = std::env::args_os().nth(1).map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join(tweestap_app::bindings::BINDINGS_FILE)
        },
        PathBuf::from,
    );
    if let Err(e) = tweestap_app::bindings::export(&path) {
        eprintln!("export_bindings: {}: {e}", path.display());
        std::process::exit(1);
    }
}
