//! `tweestap export`: the vault's accounts as an encrypted Tweestap backup, Aegis JSON,
//! otpauth:// links or Google Authenticator export QR codes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;
use tweestap_core::account::display_label;
use tweestap_core::export::{self, FileFormat};
use tweestap_core::import::SkippedRow;

use super::vault_opts::{FileVaultOpts, read_password_file};
use crate::output::{CliError, CmdResult, Output};

pub const FORMATS: [&str; 5] = ["backup", "aegis", "uris", "google-qr", "google"];

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Formats:
  backup     Tweestap backup, encrypted (Argon2id + AES-256-GCM) with the password from
             --password-file (required); restore it anywhere with
             tweestap import FILE --password-file F
  aegis      Aegis vault JSON; encrypted like Aegis's own (scrypt + AES-256-GCM) with
             --password-file, else PLAIN (every key readable)
  uris       otpauth:// links, one per line: PLAIN (every key readable)
  google-qr  Google Authenticator export QR codes as PNG files in the folder --out (at most
             10 accounts per code; Steam, 7-digit and non-30-second accounts are left out)
  google     the same export as otpauth-migration:// links, one per line: PLAIN

Passwords: --password-file is the password of the EXPORTED FILE. The vault opens with its
keyring key, or with --vault-password-file.

--out is never overwritten unless --force is given; files are written readable by you only.

With --json: {\"format\",\"files\":[...],\"accounts\":n,\"skipped\":[{\"reason\",\"issuer\",\"account\"}]}.")]
pub struct Args {
    /// What to write.
    #[arg(long, value_name = "FORMAT", value_parser = FORMATS)]
    pub format: String,

    /// The file to write (for google-qr: a folder for the PNG files).
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,

    /// Encrypt the exported file with the password on the first line of FILE (backup, aegis).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub vault: FileVaultOpts,
}

#[derive(Serialize)]
struct Report {
    format: String,
    files: Vec<String>,
    accounts: usize,
    skipped: Vec<SkippedRow>,
}

pub fn run(args: Args, out: &Output) -> CmdResult {
    let password = args
        .password_file
        .as_deref()
        .map(read_password_file)
        .transpose()?;
    let encrypted = matches!(args.format.as_str(), "backup" | "aegis");
    if password.is_some() && !encrypted {
        return Err(CliError::bad_input(
            "usage",
            format!(
                "--format {} cannot be encrypted; --password-file applies to backup and aegis",
                args.format
            ),
        ));
    }
    if args.format == "backup" && password.is_none() {
        return Err(CliError::bad_input(
            "password_required",
            "a backup is always encrypted: pass --password-file FILE with its password (keep it safe: it is needed to restore)",
        ));
    }
    if args.format != "google-qr" && !args.force && args.out.exists() {
        return Err(exists(&args.out));
    }
    let vault = args.vault.open()?;
    let pw = password.as_ref().map(|p| p.as_str());
    let file_format = match args.format.as_str() {
        "backup" => Some(FileFormat::Backup),
        "aegis" if pw.is_some() => Some(FileFormat::Aegis),
        "aegis" => Some(FileFormat::AegisPlain),
        "uris" => Some(FileFormat::Uris),
        "google" => Some(FileFormat::GoogleLinks),
        _ => None,
    };
    let (files, exported, skipped) = match file_format {
        Some(format) => {
            let file = format.write(&vault, pw)?;
            write_file(&args.out, &file.bytes, args.force)?;
            (vec![args.out.clone()], file.accounts, file.skipped)
        }
        None => {
            let items = export::items(&vault);
            let links = export::google_export(&items)?;
            let files = write_qr_codes(&args.out, &links, args.force)?;
            (files, links.accounts, links.skipped.clone())
        }
    };
    let report = Report {
        format: args.format.clone(),
        files: files.iter().map(|f| f.display().to_string()).collect(),
        accounts: exported,
        skipped: skipped.iter().map(SkippedRow::from).collect(),
    };
    let plain = !encrypted || password.is_none();
    if out.json {
        out.json_line(&report)?;
    } else {
        out.line(&format!(
            "exported {exported} account{} to {}",
            if exported == 1 { "" } else { "s" },
            report.files.join(", ")
        ));
        for s in &skipped {
            out.line(&format!(
                "  {}",
                s.message.replace(
                    "not exported",
                    &format!("{} not exported", display_label(&s.issuer, &s.account)),
                )
            ));
        }
    }
    if plain {
        eprintln!(
            "warning: {} holds every key in plain text: keep it private and delete it when done",
            if files.len() == 1 {
                files[0].display().to_string()
            } else {
                args.out.display().to_string()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn exists(path: &Path) -> CliError {
    CliError::bad_input(
        "file_exists",
        format!(
            "{} already exists; choose another --out or pass --force to overwrite it",
            path.display()
        ),
    )
}

/// Writes `bytes` to `path`, readable by you only, never half-written (core's rules).
fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), CliError> {
    export::write_private(path, bytes, force).map_err(|e| match e {
        export::ExportError::FileExists { path } => exists(&path),
        other => other.into(),
    })
}

/// A failed write of an export file, with the kinds the vault uses for the same situations.
fn write_error(path: &Path, e: &std::io::Error) -> CliError {
    use std::io::ErrorKind as Io;
    match e.kind() {
        Io::StorageFull | Io::QuotaExceeded => CliError::failure(
            "disk_full",
            format!(
                "the disk holding {} is full; free some space and export again (nothing was written)",
                path.display()
            ),
        ),
        Io::ReadOnlyFilesystem | Io::PermissionDenied => CliError::failure(
            "read_only",
            format!(
                "cannot write {}: its folder is read-only; choose another --out",
                path.display()
            ),
        ),
        _ => CliError::failure("io", format!("cannot write {}: {e}", path.display())),
    }
}

/// `tweestap-google-<n>-of-<total>.png` in the folder `dir` (created when missing).
fn write_qr_codes(
    dir: &Path,
    links: &export::GoogleLinks,
    force: bool,
) -> Result<Vec<PathBuf>, CliError> {
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::bad_input(
            "usage",
            format!(
                "{} is a file; google-qr writes PNG files into a folder: give --out a folder",
                dir.display()
            ),
        ));
    }
    fs::create_dir_all(dir).map_err(|e| write_error(dir, &e))?;
    let total = links.links.len();
    let paths: Vec<PathBuf> = (1..=total)
        .map(|n| dir.join(format!("tweestap-google-{n}-of-{total}.png")))
        .collect();
    if !force && let Some(p) = paths.iter().find(|p| p.exists()) {
        return Err(exists(p));
    }
    for (png, path) in export::google_qr_codes(links).iter().zip(&paths) {
        write_file(path, png, true)?;
    }
    Ok(paths)
}
