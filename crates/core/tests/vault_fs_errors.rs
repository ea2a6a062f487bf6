//! A full disk and a read-only folder give `disk_full` / `read_only`, and leave the vault and
//! its backup exactly as they were.
//!
//! Real mounts (`mount_support`): a small tmpfs for the full disk, a read-only bind mount for
//! the read-only folder.

mod mount_support;
mod vault_support;

use std::fs;

use mount_support::{Mount, fill, is_root, skip};

use tweestap_core::ErrorKind;
use tweestap_core::vault::Unlock;
use vault_support::*;

#[test]
fn full_disk_is_reported_and_changes_nothing() {
    if !cfg!(target_os = "linux") || !is_root() {
        return skip("full disk", "needs root on Linux to mount a small tmpfs");
    }
    let dir = TempDir::new("diskfull");
    let _mount = match Mount::tmpfs(&dir.0, "256k") {
        Ok(m) => m,
        Err(e) => return skip("full disk", &format!("cannot mount tmpfs: {e}")),
    };
    let mut v = create_password_vault(&dir.vault());
    for n in 0..5 {
        v.add(totp(&format!("A{n}"), "a", b"aaaaaaaaaa")).unwrap();
    }
    let vault_before = fs::read(dir.vault()).unwrap();
    let backup_before = fs::read(v.store().backup_path()).unwrap();

    // Fill the file system to the last byte.
    fill(&dir.0.join("filler"));

    let e = v.add(totp("B", "b", &[7u8; 4000])).unwrap_err();
    assert_eq!(e.kind(), "disk_full", "{e}");
    assert!(e.to_string().contains("full"), "{e}");
    assert_eq!(fs::read(dir.vault()).unwrap(), vault_before);
    assert_eq!(fs::read(v.store().backup_path()).unwrap(), backup_before);
    assert!(
        !dir.0.join("vault.tweestap.tmp").exists(),
        "temporary file left behind"
    );
    assert_eq!(open_with_password(&dir.vault()).list().len(), 5);

    // Space freed: the same change now succeeds.
    fs::remove_file(dir.0.join("filler")).unwrap();
    v.add(totp("B", "b", &[7u8; 4000])).unwrap();
    assert_eq!(open_with_password(&dir.vault()).list().len(), 6);
}

#[test]
fn read_only_folder_is_reported_and_changes_nothing() {
    if !cfg!(target_os = "linux") {
        return skip("read-only folder", "bind mounts are Linux-only");
    }
    let dir = TempDir::new("readonly");
    let mut v = create_password_vault(&dir.vault());
    v.add(totp("A", "a", b"aaaaaaaaaa")).unwrap();
    let vault_before = fs::read(dir.vault()).unwrap();
    let backup_before = fs::read(v.store().backup_path()).unwrap();

    let _mount = if is_root() {
        match Mount::read_only(&dir.0) {
            Ok(m) => Some(m),
            Err(e) => return skip("read-only folder", &format!("cannot bind-mount: {e}")),
        }
    } else {
        // Not root: permission bits do stop this user.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&dir.0, fs::Permissions::from_mode(0o500)).unwrap();
        fs::set_permissions(
            dir.0.join("vault.tweestap.lock"),
            fs::Permissions::from_mode(0o400),
        )
        .unwrap();
        None
    };

    let e = v.add(totp("B", "b", b"bbbbbbbbbb")).unwrap_err();
    assert_eq!(e.kind(), "read_only", "{e}");
    assert!(e.to_string().contains("read-only"), "{e}");
    // Reading still works.
    let reader = password_store(&dir.vault())
        .unlock(Unlock::Password(PASSWORD))
        .unwrap();
    assert_eq!(reader.list().len(), 1);
    assert_eq!(fs::read(dir.vault()).unwrap(), vault_before);
    assert_eq!(fs::read(v.store().backup_path()).unwrap(), backup_before);

    if _mount.is_none() {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&dir.0, fs::Permissions::from_mode(0o700)).unwrap();
    }
}
