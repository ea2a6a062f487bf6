fn main() {
    // Declaring the app's commands makes each one a permission, so capabilities/*.json can grant
    // a window exactly the commands it needs (and nothing is callable by default).
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "app_info",
            "vault_status",
            "create_vault",
            "unlock_vault",
            "lock_vault",
            "restore_vault_backup",
            "list_codes",
            "add_account_uri",
            "remove_account",
            "restore_account",
            "rename_account",
            "add_account_manual",
            "set_favourite",
            "reorder_accounts",
            "copy_code",
            "get_settings",
            "set_settings",
            "take_opened_link",
            "open_practice_portal",
            "check_clock",
            "scan_screen",
            "scan_image",
            "scan_clipboard",
            "add_found",
            "camera_list",
            "camera_start",
            "camera_stop",
            "import_pick",
            "import_password",
            "import_commit",
            "import_cancel",
            "export_file",
            "export_google_qr",
        ]),
    ))
    .expect("tauri-build failed");
}
