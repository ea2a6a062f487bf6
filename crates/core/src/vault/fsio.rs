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

/// Owner-only files, never opened through a symbolic link: the vault path is resolved once
/// (see `VaultStore::new`), so a link appearing later is someone else's doing.
fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    o
}

/// The path a vault really lives at: when the file itself is a symbolic link, its target, so
/// that writes replace the target (not the link) and its lock and backups sit beside it.
/// (Unix only: on Windows `canonicalize` gives `\\?\` paths, and vaults behind links are
/// rare there.)
pub(crate) fn resolve_link(path: PathBuf) -> PathBuf {
    match fs::symlink_metadata(&path) {
        Ok(m) if cfg!(unix) && m.file_type().is_symlink() => {
            fs::canonicalize(&path).unwrap_or(path)
        }
        _ => path,
    }
}

/// Takes group and other access away from the vault's own files (the vault, `.bak`, the lock
/// and the automatic backups, which carry its name) where an earlier version, a copy or an
/// unzip left them readable; the owner's own bits stay as they are. Called only once the file
/// has been read as a vault. Folders are left alone: `backups/` may be shared with other
/// files. Best effort: where the file system keeps no modes, nothing changes (and nothing
/// claims it did).
#[cfg(unix)]
pub(crate) fn tighten_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mut files = vec![path.to_path_buf(), backup_path(path), lock_path(path)];
    files.extend(list_auto_backups(path));
    for p in &files {
        let Ok(meta) = fs::symlink_metadata(p) else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o777;
        if !meta.file_type().is_file() || mode & 0o077 == 0 {
            continue;
        }
        let tight = mode & 0o700;
        let _ = fs::set_permissions(p, fs::Permissions::from_mode(tight));
        let now = fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
        if now.as_ref().is_ok_and(|m| m & 0o077 == 0) {
            log::warn!(
                "{} was readable by other users (mode {mode:o}); now {tight:o}",
                p.display()
            );
        } else {
            log::debug!(
                "{} is readable by other users and its mode cannot be changed here",
                p.display()
            );
        }
    }
}

#[cfg(not(unix))]
pub(crate) fn tighten_permissions(_path: &Path) {}

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
    let read_file = || -> io::Result<Vec<u8>> {
        let mut f = private_options().read(true).open(path)?;
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut f, &mut bytes)?;
        Ok(bytes)
    };
    read_file().map_err(|e| match e.kind() {
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
        // Never over an earlier copy (two restores in one second): `-2`, `-3`, … after it.
        let kept = (1..)
            .map(|n| match n {
                1 => sibling(path, &format!(".damaged-{stamp}")),
                n => sibling(path, &format!(".damaged-{stamp}-{n}")),
            })
            .find(|p| fs::symlink_metadata(p).is_err())
            .expect("some name is free");
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

/// The folder of automatic backups: `backups/` beside the vault.
pub(crate) fn auto_backup_dir(path: &Path) -> PathBuf {
    parent_dir(path).join("backups")
}

/// The vault's file name, which prefixes its automatic backups.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vault".to_string())
}

/// The name ending of an automatic backup kept because it holds a key the vault no longer
/// has (`<vault file name>.<stamp>.old-key`).
const OLD_KEY_SUFFIX: &str = ".old-key";
/// How long a generation holding a key no longer in the vault is kept, at least: the same
/// promise as for a removed account.
pub(crate) const OLD_KEY_KEPT_MS: u64 = 30 * 24 * 3600 * 1000;
/// Bounds on those generations together, so a vault replaced over and over cannot fill the
/// disk: beyond them the oldest go first, even within 30 days.
const OLD_KEY_MAX_COUNT: usize = 100;
const OLD_KEY_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// One automatic backup of a vault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AutoBackup {
    pub path: PathBuf,
    /// When it was made, Unix milliseconds (from its name).
    pub made_ms: u64,
    /// Kept because it holds a key the next generation no longer had.
    pub holds_old_key: bool,
}

/// The automatic backups of the vault at `path`, oldest first: the files in
/// [`auto_backup_dir`] named `<vault file name>.<UTC time stamp>`, with `.old-key` after the
/// stamp for the generations kept for a key that left the vault.
pub(crate) fn list_auto_backups(path: &Path) -> Vec<PathBuf> {
    auto_backups_of(path).into_iter().map(|b| b.path).collect()
}

pub(crate) fn auto_backups_of(path: &Path) -> Vec<AutoBackup> {
    let dir = auto_backup_dir(path);
    let prefix = format!("{}.", file_name(path));
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<AutoBackup> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| {
            let rest = n.strip_prefix(&prefix)?;
            let (stamp, holds_old_key) = match rest.strip_suffix(OLD_KEY_SUFFIX) {
                Some(stamp) => (stamp, true),
                None => (rest, false),
            };
            Some(AutoBackup {
                made_ms: parse_stamp(stamp)?,
                holds_old_key,
                path: dir.join(&n),
            })
        })
        .collect();
    found.sort_by_key(|b| b.made_ms);
    found
}

/// Writes `bytes` (the generation just written) as a new automatic backup, and before it
/// `old_key_generation` (the generation it replaced, when that held a key the new one does
/// not) as an `.old-key` backup. Then removes: ordinary backups beyond the newest `keep`, and
/// `.old-key` ones older than 30 days or beyond their count and size bounds. Must be called
/// with the [`WriteLock`] held. Each copy is a file of its own (not a hard link), so damage
/// to the vault file can never reach its backups. Returns the new backup's path.
pub(crate) fn keep_auto_backup(
    path: &Path,
    bytes: &[u8],
    old_key_generation: Option<&[u8]>,
    keep: usize,
    now_ms: u64,
) -> Result<PathBuf> {
    let dir = auto_backup_dir(path);
    if !dir.is_dir() {
        let mut b = fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(&dir)
            .map_err(|e| VaultError::io("create the backup folder", &dir, e))?;
    }
    let name = file_name(path);
    // Names sort in time order: a stamp never goes below the newest existing one (two
    // writes in one millisecond, or a clock set back).
    let mut next_ms = auto_backups_of(path)
        .last()
        .map_or(now_ms, |newest| now_ms.max(newest.made_ms + 1));
    let mut write = |suffix: &str, bytes: &[u8]| -> Result<PathBuf> {
        let target = dir.join(format!("{name}.{}{suffix}", format_stamp(next_ms)));
        next_ms += 1;
        let tmp = dir.join(format!(".{name}.tmp"));
        let out = write_new(&tmp, bytes).and_then(|()| {
            fs::rename(&tmp, &target).map_err(|e| VaultError::io("keep", &target, e))
        });
        if let Err(e) = out {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(target)
    };
    if let Some(old) = old_key_generation {
        match write(OLD_KEY_SUFFIX, old) {
            Ok(kept) => log::info!(
                "vault {}: a key left the vault; the generation that held it is kept as {}",
                path.display(),
                kept.display()
            ),
            Err(e) => log::warn!(
                "vault {}: the generation with the old key was not kept: {e}",
                path.display()
            ),
        }
    }
    let target = write("", bytes)?;
    prune_auto_backups(path, keep, now_ms);
    Ok(target)
}

fn prune_auto_backups(path: &Path, keep: usize, now_ms: u64) {
    let all = auto_backups_of(path);
    let (old_key, ordinary): (Vec<&AutoBackup>, Vec<&AutoBackup>) =
        all.iter().partition(|b| b.holds_old_key);
    let mut remove: Vec<&AutoBackup> = ordinary[..ordinary.len().saturating_sub(keep)].to_vec();
    // Newest first: within 30 days and within the bounds are kept.
    let (mut count, mut size) = (0usize, 0u64);
    for b in old_key.iter().rev() {
        let len = fs::metadata(&b.path).map(|m| m.len()).unwrap_or(0);
        let young = now_ms.saturating_sub(b.made_ms) < OLD_KEY_KEPT_MS;
        if young && count < OLD_KEY_MAX_COUNT && size + len <= OLD_KEY_MAX_BYTES {
            count += 1;
            size += len;
        } else {
            remove.push(b);
        }
    }
    for b in remove {
        let _ = fs::remove_file(&b.path);
    }
}

/// `YYYYMMDDTHHMMSS.mmmZ` (UTC) for Unix milliseconds: sortable, and valid in file names on
/// every system.
fn format_stamp(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = crate::civil::civil_from_days(days as i64);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}.{:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        unix_ms % 1000
    )
}

/// The inverse of [`format_stamp`]; `None` for anything else.
fn parse_stamp(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 20 || b[8] != b'T' || b[15] != b'.' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, m, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (hh, mm, ss, ms) = (num(9..11)?, num(11..13)?, num(13..15)?, num(16..19)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let days = crate::civil::days_from_civil(y as i64, m as u32, d as u32);
    let secs = u64::try_from(days).ok()? * 86_400 + hh * 3600 + mm * 60 + ss;
    Some(secs * 1000 + ms)
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
#[path = "fsio_tests.rs"]
mod tests;
