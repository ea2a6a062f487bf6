//! A full disk and a read-only folder give `disk_full` / `read_only`, and leave the vault and
//! its backup exactly as they were.
//!
//! Real mounts (`mount_support`): a small tmpfs for the full disk, a read-only bind mount for
//! the read-only folder. Unix only: the tests set Unix permission bits and links.
#![cfg(unix)]

use std::fs;

use crate::mount_support::{Mount, fill, is_root, skip};

use crate::vault_support::*;
use tweestap_core::ErrorKind;
use tweestap_core::vault::Unlock;

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

/// Issue 17: a vault path that is a symbolic link is resolved once, so saving replaces the
/// target (the link stays a link) and the lock sits beside the target; a link swapped in for
/// the file later is not followed; and files an earlier copy left readable to others are
/// made owner-only on opening.
#[cfg(unix)]
#[test]
fn links_are_resolved_once_and_loose_permissions_tightened() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let dir = TempDir::new("links");
    fs::create_dir(dir.0.join("real")).unwrap();
    let real = dir.0.join("real/vault.tweestap");
    create_password_vault(&real);
    let link = dir.0.join("vault-link.tweestap");
    symlink(&real, &link).unwrap();

    let mut vault = password_store(&link)
        .unlock(Unlock::Password(PASSWORD))
        .unwrap();
    vault
        .add(totp("BLk", "jan", b"12345678901234567890"))
        .unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    assert!(dir.0.join("real/vault.tweestap.lock").exists());
    assert!(!dir.0.join("vault-link.tweestap.lock").exists());
    assert_eq!(open_with_password(&real).list().len(), 1);
    drop(vault);

    // Loose modes from an unzip or a copy: owner-only again after opening.
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let bak = dir.0.join("real/vault.tweestap.bak");
    let auto = password_store(&real).auto_backups()[0].clone();
    let other = dir.0.join("real/backups/notes.txt");
    fs::write(&other, b"not the vault's").unwrap();
    for (p, m) in [
        (&real, 0o644),
        (&bak, 0o664),
        (&auto, 0o444),
        (&other, 0o644),
    ] {
        fs::set_permissions(p, fs::Permissions::from_mode(m)).unwrap();
    }
    open_with_password(&real);
    // Group and other bits go; the owner's stay (a read-only copy stays read-only); files
    // that are not the vault's are left alone.
    assert_eq!(
        (mode(&real), mode(&bak), mode(&auto), mode(&other)),
        (0o600, 0o600, 0o400, 0o644)
    );
    // A file that is not a vault is not touched at all.
    let notes = dir.0.join("notes.tweestap");
    fs::write(&notes, b"my notes").unwrap();
    fs::set_permissions(&notes, fs::Permissions::from_mode(0o644)).unwrap();
    assert!(
        password_store(&notes)
            .unlock(Unlock::Password(PASSWORD))
            .is_err()
    );
    assert_eq!(mode(&notes), 0o644);

    // A store made for the real file does not follow a link put in its place.
    let store = password_store(&real);
    let elsewhere = dir.0.join("elsewhere.tweestap");
    fs::rename(&real, &elsewhere).unwrap();
    symlink(&elsewhere, &real).unwrap();
    let error = store.unlock(Unlock::Password(PASSWORD)).unwrap_err();
    assert_ne!(error.kind(), "wrong_password", "{error}");
    assert!(store.unlock(Unlock::Password(PASSWORD)).is_err());
}
