//! A full disk and a read-only folder give `disk_full` / `read_only`, and leave the vault and
//! its backup exactly as they were.
//!
//! Tests run as root in CI, where permission bits do not stop writes, so these tests use real
//! mounts: a small tmpfs for the full disk and a read-only bind mount for the read-only
//! folder. Mounting needs root (CAP_SYS_ADMIN); without it each test prints why it is skipped.

mod vault_support;

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use tweestap_core::ErrorKind;
use tweestap_core::vault::Unlock;
use vault_support::*;

/// A mount that is undone when dropped (also when the test panics).
struct Mount(PathBuf);

impl Mount {
    fn run(args: &[&str]) -> Result<(), String> {
        let out = Command::new("mount")
            .args(args)
            .output()
            .map_err(|e| format!("mount not runnable: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    fn tmpfs(at: &Path, size: &str) -> Result<Mount, String> {
        Self::run(&[
            "-t",
            "tmpfs",
            "-o",
            &format!("size={size}"),
            "tmpfs",
            at.to_str().unwrap(),
        ])?;
        Ok(Mount(at.to_path_buf()))
    }

    /// Makes `dir` read-only in place (a read-only bind mount of itself).
    fn read_only(dir: &Path) -> Result<Mount, String> {
        let d = dir.to_str().unwrap();
        Self::run(&["--bind", d, d])?;
        let m = Mount(dir.to_path_buf());
        Self::run(&["-o", "remount,bind,ro", d])?;
        Ok(m)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn skip(test: &str, why: &str) {
    eprintln!("SKIPPED {test}: {why}");
}

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
    let mut filler = OpenOptions::new()
        .create_new(true)
        .write(true)
        .open(dir.0.join("filler"))
        .unwrap();
    let block = vec![0u8; 4096];
    while filler.write_all(&block).is_ok() {}
    while filler.write_all(&[0]).is_ok() {}
    let _ = filler.sync_all();

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
    drop(filler);
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
