//! Exporting the vault's accounts: an encrypted Tweestap backup, Aegis-compatible JSON (plain
//! or scrypt-encrypted like Aegis's own, so Aegis opens it), a plain list of `otpauth://`
//! links, and Google Authenticator export links / QR codes (at most ten accounts each).
//!
//! Every format is read back by [`crate::import`] to the same accounts (round-trip tests in
//! `tests/import_export/round_trips.rs`). Plain formats hold every key in clear: the doors warn.
//!
//! One file per concern: `aegis` and `google` write their formats; `policy` holds the rules
//! the CLI and the app share (which formats are encrypted, what each file is called, how a
//! person confirms that the keys may leave the vault); this module the errors, the accounts
//! every export writes and the private, never half-written file.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;
use zeroize::Zeroizing;

use crate::error::{ErrorKind, Kind};
use crate::import::{NewAccount, ScryptCost};
use crate::uri::format_otpauth;
use crate::vault::{Vault, VaultError};

mod aegis;
mod google;
mod policy;

pub use aegis::{AegisEncryption, aegis};
pub use google::{
    GOOGLE_ACCOUNTS_PER_CODE, GoogleLinks, GoogleQrView, google_export, google_links,
    google_qr_codes, google_qr_view,
};
pub use policy::{Confirmation, Consent, FileExport, FileFormat};

#[derive(Debug, Error)]
pub enum ExportError {
    #[error("there is nothing to export: {0}")]
    NothingToExport(&'static str),
    #[error("an encrypted export needs a password, and it cannot be empty")]
    PasswordRequired,
    #[error("scrypt settings out of range (N={}, r={}, p={}): N must be a power of two and the cost at most 256 MiB", .0.n, .0.r, .0.p)]
    InvalidScryptCost(ScryptCost),
    #[error("{} already exists; choose another name (nothing was written)", path.display())]
    FileExists { path: PathBuf },
    #[error("could not write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A window's export of a vault with a password was not confirmed by it.
    #[error("give the vault's password to confirm the export")]
    VaultPasswordRequired,
    /// A window's export of a keyring-only vault was not confirmed.
    #[error("confirm that you want to export your keys")]
    ConfirmationRequired,
    /// The person answered no in the native confirmation.
    #[error("the export was not confirmed; nothing was exported")]
    Declined,
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl ErrorKind for ExportError {
    fn kind(&self) -> Kind {
        match self {
            ExportError::NothingToExport(_) => Kind::NothingToExport,
            ExportError::PasswordRequired => Kind::PasswordRequired,
            ExportError::InvalidScryptCost(_) => Kind::InvalidKdfParams,
            ExportError::FileExists { .. } => Kind::FileExists,
            ExportError::Write { source, .. } => match source.kind() {
                io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => Kind::DiskFull,
                io::ErrorKind::ReadOnlyFilesystem => Kind::ReadOnly,
                io::ErrorKind::PermissionDenied => Kind::PermissionDenied,
                _ => Kind::Io,
            },
            ExportError::VaultPasswordRequired => Kind::VaultPasswordRequired,
            ExportError::ConfirmationRequired => Kind::ConfirmationRequired,
            ExportError::Declined => Kind::ExportDeclined,
            ExportError::Vault(e) => e.kind(),
        }
    }

    fn is_bad_input(&self) -> bool {
        match self {
            ExportError::NothingToExport(_)
            | ExportError::PasswordRequired
            | ExportError::InvalidScryptCost(_)
            | ExportError::FileExists { .. }
            | ExportError::VaultPasswordRequired
            | ExportError::ConfirmationRequired => true,
            ExportError::Write { .. } | ExportError::Declined => false,
            ExportError::Vault(e) => e.is_bad_input(),
        }
    }
}

/// The vault's live accounts in the person's order, with group, favourite and icon: what
/// every export writes.
pub fn items(vault: &Vault) -> Vec<NewAccount> {
    vault
        .live_accounts()
        .into_iter()
        .map(|(s, account)| NewAccount {
            account,
            group: s.group,
            favourite: s.favourite,
            icon: s.icon,
        })
        .collect()
}

/// Writes an exported file: readable by its owner only (mode 0600 on Unix), through a
/// temporary file beside it that is renamed into place, so `path` is never half-written.
/// An existing `path` is replaced only when `overwrite` is set (`file_exists` else; a save
/// dialog has asked already).
pub fn write_private(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), ExportError> {
    if !overwrite && path.exists() {
        return Err(ExportError::FileExists {
            path: path.to_path_buf(),
        });
    }
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let _ = fs::remove_file(&tmp);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&tmp, path));
    written.map_err(|source| {
        let _ = fs::remove_file(&tmp);
        ExportError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// One `otpauth://` link per line (Steam accounts as `otpauth://steam/…`), ending with a
/// newline. Holds every key in clear.
pub fn uris(items: &[NewAccount]) -> Zeroizing<String> {
    let links: Vec<Zeroizing<String>> = items.iter().map(|i| format_otpauth(&i.account)).collect();
    // Sized up front: growing would leave unwiped copies of earlier links behind.
    let mut out = Zeroizing::new(String::with_capacity(
        links.iter().map(|l| l.len() + 1).sum(),
    ));
    for link in &links {
        out.push_str(link);
        out.push('\n');
    }
    log::info!(
        "export: {} accounts as otpauth:// links (plain)",
        items.len()
    );
    out
}
