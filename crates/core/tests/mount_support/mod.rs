//! Real mounts for the tests of a full disk and a read-only folder (tests run as root in CI,
//! where permission bits do not stop writes): a small tmpfs, and a read-only bind mount.
//! Mounting needs root (CAP_SYS_ADMIN); without it the tests print why they are skipped.
//! Shared by the core's and (through `#[path]`) the CLI's test suites.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A mount that is undone when dropped (also when the test panics).
pub struct Mount(PathBuf);

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

    pub fn tmpfs(at: &Path, size: &str) -> Result<Mount, String> {
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
    pub fn read_only(dir: &Path) -> Result<Mount, String> {
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

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

pub fn skip(test: &str, why: &str) {
    eprintln!("SKIPPED {test}: {why}");
}

/// A file that takes every byte left on the file system it is on: writes elsewhere on it
/// then fail with "no space left". Dropping it does not free the space; remove the file.
pub fn fill(path: &Path) {
    use std::io::Write;
    let mut filler = std::fs::OpenOptions::new()
        .create_new(true)
        .write(true)
        .open(path)
        .unwrap();
    let block = vec![0u8; 4096];
    while filler.write_all(&block).is_ok() {}
    while filler.write_all(&[0]).is_ok() {}
    let _ = filler.sync_all();
}
