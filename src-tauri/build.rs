fn main() {
    // Declaring the app's commands makes each one a permission, so capabilities/*.json can grant
    // a window exactly the commands it needs (and nothing is callable by default).
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&["app_info", "add_account_uri", "list_codes"]),
    ))
    .expect("tauri-build failed");
}
