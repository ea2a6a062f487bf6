//! The rules every door follows when the keys leave the vault: which file formats are
//! encrypted and what password each needs, what a file is called, how the accounts become the
//! file's bytes, and how a person in a window confirms that the keys may go at all.

use serde::Deserialize;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{AegisEncryption, ExportError, aegis, google_export, items, uris};
use crate::crypto::{KdfParams, ScryptCost};
use crate::import::Skipped;
use crate::vault::Vault;

/// What an export writes to one file. (The Google Authenticator export as QR codes is not a
/// file of its own: [`super::google_qr_codes`].)
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum FileFormat {
    /// Encrypted Tweestap backup.
    Backup,
    /// Aegis JSON, encrypted.
    Aegis,
    /// Aegis JSON, plain: every key readable.
    AegisPlain,
    /// `otpauth://` links, one per line: every key readable.
    Uris,
    /// Google Authenticator export links (`otpauth-migration://`), one per line: every key
    /// readable.
    GoogleLinks,
}

/// An exported file's bytes (wiped when dropped) and what went into it.
pub struct FileExport {
    pub bytes: Zeroizing<Vec<u8>>,
    /// Accounts in the file.
    pub accounts: usize,
    /// Accounts the format cannot hold (Google Authenticator: Steam, 7 digits, periods other
    /// than 30 s).
    pub skipped: Vec<Skipped>,
}

impl FileFormat {
    /// Whether the file is encrypted (with the password [`FileFormat::write`] is given).
    pub fn encrypted(self) -> bool {
        matches!(self, FileFormat::Backup | FileFormat::Aegis)
    }

    /// The password rule, which a door can check before it shows any dialog: an encrypted
    /// format needs a non-empty password (`password_required`); a plain one ignores it.
    pub fn check_password(self, password: Option<&str>) -> Result<(), ExportError> {
        if self.encrypted() && password.is_none_or(str::is_empty) {
            return Err(ExportError::PasswordRequired);
        }
        Ok(())
    }

    /// The name a save dialog suggests, with today's date (`YYYY-MM-DD`).
    pub fn file_name(self, today: &str) -> String {
        match self {
            FileFormat::Backup => format!("tweestap-backup-{today}.tweestap"),
            FileFormat::Aegis => format!("aegis-export-{today}.json"),
            FileFormat::AegisPlain => format!("aegis-export-plain-{today}.json"),
            FileFormat::Uris => format!("otpauth-links-{today}.txt"),
            FileFormat::GoogleLinks => format!("google-authenticator-links-{today}.txt"),
        }
    }

    /// The vault's accounts as this format's bytes, after [`FileFormat::check_password`].
    /// Google links: at least one account Google Authenticator can hold (`nothing_to_export`).
    pub fn write(self, vault: &Vault, password: Option<&str>) -> Result<FileExport, ExportError> {
        self.check_password(password)?;
        let password = password.filter(|p| !p.is_empty());
        let all = items(vault);
        let accounts = all.len();
        let whole = |bytes| FileExport {
            bytes,
            accounts,
            skipped: Vec::new(),
        };
        Ok(match self {
            FileFormat::Backup => whole(Zeroizing::new(
                vault.export_backup(password.unwrap_or_default(), KdfParams::DEFAULT)?,
            )),
            FileFormat::Aegis => whole(aegis(
                &all,
                password.map(|password| AegisEncryption {
                    password,
                    cost: ScryptCost::AEGIS,
                }),
            )?),
            FileFormat::AegisPlain => whole(aegis(&all, None)?),
            FileFormat::Uris => whole(Zeroizing::new(uris(&all).as_bytes().to_vec())),
            FileFormat::GoogleLinks => {
                let links = google_export(&all)?;
                // Sized up front: growing would leave unwiped copies of the links.
                let mut text = Zeroizing::new(Vec::with_capacity(
                    links.links.iter().map(|l| l.len() + 1).sum(),
                ));
                for link in &links.links {
                    text.extend_from_slice(link.as_bytes());
                    text.push(b'\n');
                }
                FileExport {
                    bytes: text,
                    accounts: links.accounts,
                    skipped: links.skipped.clone(),
                }
            }
        })
    }
}

/// How a person in a window confirms that the keys may leave the vault. A vault with a
/// password: `vault_password` must be it. A vault opened by the keyring alone: `confirmed` must
/// be set (the window's own step), and the door then asks once more in a native dialog that
/// the window's script can neither show nor answer ([`Consent::ask_natively`]), so a flag
/// alone never exports a key. Encrypted files use `file_password`, else the vault password.
/// The passwords are wiped when this is dropped, on every path.
#[derive(Deserialize, Clone, Default, Zeroize, ZeroizeOnDrop)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// The name the app's bindings have always given it.
#[serde(rename = "ExportConfirm")]
pub struct Confirmation {
    pub vault_password: Option<String>,
    pub confirmed: bool,
    pub file_password: Option<String>,
}

/// What a [`Confirmation`] allows.
pub struct Consent {
    /// The password for an encrypted file, if one was given (wiped when dropped).
    pub file_password: Option<Zeroizing<String>>,
    /// The vault has no password that confirmed it: the door must still ask natively.
    pub ask_natively: bool,
}

impl std::fmt::Debug for Confirmation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let given = |p: &Option<String>| p.as_ref().map(|_| "<redacted>");
        f.debug_struct("Confirmation")
            .field("vault_password", &given(&self.vault_password))
            .field("confirmed", &self.confirmed)
            .field("file_password", &given(&self.file_password))
            .finish()
    }
}

impl Confirmation {
    /// Checks the confirmation against `vault` (runs Argon2id once for a password):
    /// `vault_password_required` when the vault has a password and none was given,
    /// `wrong_password`, or `confirmation_required` for a keyring-only vault without the
    /// window's confirmation.
    pub fn check(&self, vault: &Vault) -> Result<Consent, ExportError> {
        let given = |p: &Option<String>| {
            p.as_deref()
                .filter(|p| !p.is_empty())
                .map(|p| Zeroizing::new(p.to_string()))
        };
        let vault_password = given(&self.vault_password);
        let has_password = vault.info().has_password_slot;
        if has_password {
            let Some(pw) = &vault_password else {
                return Err(ExportError::VaultPasswordRequired);
            };
            vault.check_password(pw)?;
        } else if !self.confirmed {
            return Err(ExportError::ConfirmationRequired);
        }
        Ok(Consent {
            file_password: given(&self.file_password).or(vault_password),
            ask_natively: !has_password,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_passwords_are_wiped_on_every_path() {
        // Dropped after an early return too, not only when check() gets to the end.
        fn wiped_on_drop<T: ZeroizeOnDrop>() {}
        wiped_on_drop::<Confirmation>();
        let mut confirm = Confirmation {
            vault_password: Some("vault password".to_string()),
            confirmed: true,
            file_password: Some("file password".to_string()),
        };
        confirm.zeroize();
        assert_eq!(confirm.vault_password, None);
        assert_eq!(confirm.file_password, None);
        assert!(!confirm.confirmed);
    }
}
