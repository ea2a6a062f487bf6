//! Tweestap backups (`tweestap export --format backup`): a vault file with one password slot,
//! opened with that password on any computer. See `docs/VAULT.md`, "Backup files".

use super::{Format, ImportError, ImportPreview, Skipped};
use crate::error::ErrorKind;
use crate::vault::{BackupReadError, read_backup};

const FORMAT: Format = Format::Backup;

pub(crate) fn read(bytes: &[u8], password: Option<&str>) -> Result<ImportPreview, ImportError> {
    if !crate::vault::is_vault_file(bytes) {
        return Err(ImportError::UnknownFormat {
            source_name: String::new(),
            detail: "this is not a Tweestap backup (it does not start with TWEESTAP)",
        });
    }
    let password = password.ok_or(ImportError::PasswordRequired { format: FORMAT })?;
    let accounts = read_backup(bytes, password).map_err(|e| match e {
        BackupReadError::Corrupt(Some(reason)) => ImportError::integrity(FORMAT, reason),
        BackupReadError::Corrupt(None) => {
            ImportError::integrity(FORMAT, "its contents failed authentication")
        }
        BackupReadError::NewerVersion(v) => ImportError::unsupported(
            FORMAT,
            format!("this backup was made by a newer Tweestap (format {v}); update Tweestap to import it"),
        ),
        BackupReadError::NoPassword => ImportError::unsupported(
            FORMAT,
            "this Tweestap vault file has no password, so it opens only with the keyring key of the computer that made it; open it there (tweestap --vault FILE …) and export a backup with a password",
        ),
        BackupReadError::WrongPassword => ImportError::WrongPassword { format: FORMAT },
        BackupReadError::KdfTooCostly(why) => ImportError::kdf_too_costly(FORMAT, why),
        BackupReadError::Kdf => ImportError::integrity(
            FORMAT,
            "its password settings are out of the range this version accepts",
        ),
    })?;
    let mut out = ImportPreview::new(FORMAT);
    // A backup's records are not parsed from text like other exports' entries, so they are
    // held to the same rules here: a crafted backup cannot bring in a 200-digit code.
    for item in accounts {
        match item.account.check() {
            Ok(()) => out.accounts.push(item),
            Err(e) => out.skipped.push(Skipped {
                reason: e.kind(),
                issuer: item.account.issuer.clone(),
                account: item.account.account.clone(),
                message: e.to_string(),
            }),
        }
    }
    Ok(out)
}
