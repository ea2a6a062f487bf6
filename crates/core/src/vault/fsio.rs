//! Crash-safe file handling: the cross-process lock, atomic replacement, and the backup.
//!
//! Invariant: at every instant, `<vault>` is a complete, valid vault (old or new generation),
//! and `<vault>.bak`, when present, is a complete earlier generation. Files are never written
//! in place: each new generation is a new file renamed over the old name.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use super::error::{Result, VaultError};

/// `<vault><suffix>`, beside the vault.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

pub(crate) fn backup_path(path: &Path) -> PathBuf {
    sibling(path, ".bak")
}

fn lock_path(path: &Path) -> PathBuf {
    sibling(path, ".lock")
}

/// The folder holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Creates the vault's folder (owner-only on Unix) when it does not exist yet.
pub(crate) fn ensure_dir(path: &Path) -> Result<()> {
    let dir = parent_dir(path);
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .map_err(|e| VaultError::io("create the folder", dir, e))
}

/// Held while a process reads, changes and writes the vault. The OS releases it when the file
/// is closed — also when the process is killed — so a crash never leaves the vault locked.
/// The lock file itself is left in place: deleting it would race with a waiting process.
#[derive(Debug)]
pub(crate) struct WriteLock {
    _file: File,
}

pub(crate) fn lock(path: &Path, timeout: Duration) -> Result<WriteLock> {
    let lp = lock_path(path);
    let file = private_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lp)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => VaultError::VaultNotFound {
                path: path.to_path_buf(),
            },
            _ => VaultError::io("open the lock file", &lp, e),
        })?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(WriteLock { _file: file }),
            Err(TryLockError::WouldBlock) => {
                let waited = start.elapsed();
                if waited >= timeout {
                    return Err(VaultError::VaultBusy {
                        path: path.to_path_buf(),
                        waited: timeout,
                    });
                }
                thread::sleep(pause.min(timeout - waited));
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            Err(TryLockError::Error(e)) => return Err(VaultError::io("lock", &lp, e)),
        }
    }
}

/// Reads the whole vault file; a missing file is `vault_not_found`. (A refused read is plain
/// `io`: `read_only` would tell the person the wrong thing.)
pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => VaultError::VaultNotFound {
            path: path.to_path_buf(),
        },
        _ => VaultError::Io {
            op: "read",
            path: path.to_path_buf(),
            source: e,
        },
    })
}

/// What `replace` does with the generation it replaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Previous {
    /// There is none: the vault is being created. Fails if a vault appeared meanwhile.
    None,
    /// Keep it as `<vault>.bak` (it was read and decrypted just before, under the lock).
    KeepAsBackup,
}

/// Atomically replaces the vault with `bytes`. Must be called with the [`WriteLock`] held.
///
/// 1. write `<vault>.tmp`, fsync it;
/// 2. (KeepAsBackup) hard-link the current vault as `<vault>.bak.tmp` (copy + fsync where
///    links are not supported) and rename it over `<vault>.bak`;
/// 3. rename `<vault>.tmp` over `<vault>`;
/// 4. fsync the folder, so both renames survive a power cut.
///
/// A crash between any two steps leaves a valid vault and a valid (or no) backup; a stale
/// `.tmp` is simply overwritten by the next writer. On error every temporary file is removed
/// and the vault is unchanged.
pub(crate) fn replace(path: &Path, bytes: &[u8], previous: Previous) -> Result<()> {
    let tmp = sibling(path, ".tmp");
    let out = write_new(&tmp, bytes)
        .and_then(|()| {
            if previous == Previous::KeepAsBackup {
                rotate_backup(path)
            } else if path.exists() {
                Err(VaultError::VaultExists {
                    path: path.to_path_buf(),
                    backup: None,
                })
            } else {
                Ok(())
            }
        })
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| VaultError::io("replace", path, e)));
    if out.is_err() {
        let _ = fs::remove_file(&tmp);
        return out;
    }
    sync_dir(parent_dir(path))
}

/// Puts `bytes` (the backup's) in place of the vault, keeping the current vault file, if any,
/// as `<vault>.damaged-<stamp>`: a restore never deletes anything. Must be called with the
/// [`WriteLock`] held. Returns where the replaced file was kept.
pub(crate) fn restore(path: &Path, bytes: &[u8], stamp: i64) -> Result<Option<PathBuf>> {
    let kept = if path.exists() {
        let kept = sibling(path, &format!(".damaged-{stamp}"));
        if fs::hard_link(path, &kept).is_err() {
            let copied = read(path).and_then(|b| write_new(&kept, &b));
            if let Err(e) = copied {
                let _ = fs::remove_file(&kept);
                return Err(e);
            }
        }
        Some(kept)
    } else {
        None
    };
    let tmp = sibling(path, ".tmp");
    let out = write_new(&tmp, bytes)
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| VaultError::io("replace", path, e)));
    if let Err(e) = out {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(parent_dir(path))?;
    Ok(kept)
}

/// Writes `bytes` to a new file at `tmp` and flushes it to the disk.
fn write_new(tmp: &Path, bytes: &[u8]) -> Result<()> {
    match fs::remove_file(tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(VaultError::io("remove the stale temporary file", tmp, e)),
    }
    let mut f = private_options()
        .write(true)
        .create_new(true)
        .open(tmp)
        .map_err(|e| VaultError::io("create", tmp, e))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| VaultError::io("write", tmp, e))
}

/// Makes `<vault>.bak` the current generation, atomically.
fn rotate_backup(path: &Path) -> Result<()> {
    let bak = backup_path(path);
    let bak_tmp = sibling(path, ".bak.tmp");
    let _ = fs::remove_file(&bak_tmp);
    if fs::hard_link(path, &bak_tmp).is_err() {
        // File systems without hard links (FAT, some network shares): copy instead.
        let copied = read(path).and_then(|b| write_new(&bak_tmp, &b));
        if let Err(e) = copied {
            let _ = fs::remove_file(&bak_tmp);
            return Err(e);
        }
    }
    fs::rename(&bak_tmp, &bak).map_err(|e| {
        let _ = fs::remove_file(&bak_tmp);
        VaultError::io("keep the backup", &bak, e)
    })
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| VaultError::io("flush the folder", dir, e))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<()> {
    // Windows cannot open a folder as a file; NTFS journals the rename itself.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir() -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "tweestap-fsio-{}-{}",
            std::process::id(),
            super::super::format::random_id()
        ));
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn replace_keeps_previous_generation_as_backup() {
        let d = tempdir();
        let v = d.join("vault.tweestap");
        let _l = lock(&v, Duration::from_secs(1)).unwrap();
        replace(&v, b"one", Previous::None).unwrap();
        assert!(!backup_path(&v).exists());
        replace(&v, b"two", Previous::KeepAsBackup).unwrap();
        replace(&v, b"three", Previous::KeepAsBackup).unwrap();
        assert_eq!(fs::read(&v).unwrap(), b"three");
        assert_eq!(fs::read(backup_path(&v)).unwrap(), b"two");
        assert!(!sibling(&v, ".tmp").exists());
        assert!(!sibling(&v, ".bak.tmp").exists());
        // Creating over an existing vault is refused and changes nothing.
        let e = replace(&v, b"new", Previous::None).unwrap_err();
        assert!(matches!(e, VaultError::VaultExists { .. }));
        assert_eq!(fs::read(&v).unwrap(), b"three");
        fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn second_lock_times_out_as_busy() {
        let d = tempdir();
        let v = d.join("vault.tweestap");
        let held = lock(&v, Duration::from_secs(1)).unwrap();
        let t = Instant::now();
        let e = lock(&v, Duration::from_millis(200)).unwrap_err();
        assert!(matches!(e, VaultError::VaultBusy { .. }), "{e:?}");
        assert!(t.elapsed() >= Duration::from_millis(200));
        drop(held);
        lock(&v, Duration::from_millis(200)).unwrap();
        fs::remove_dir_all(d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempdir();
        let v = d.join("vault.tweestap");
        let _l = lock(&v, Duration::from_secs(1)).unwrap();
        replace(&v, b"x", Previous::None).unwrap();
        let mode = fs::metadata(&v).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        fs::remove_dir_all(d).unwrap();
    }
}
