//! Bitwarden JSON exports (File ▸ Export vault ▸ ".json"; unencrypted).
//!
//! ```text
//! {"encrypted": false, "folders": [{"id","name"}…],
//!  "items": [{"type": 1, "name", "folderId", "favorite",
//!             "login": {"username", "totp", …}, …}…]}
//! ```
//!
//! Only items whose `login.totp` is set are imported; other items (passwords, cards, notes)
//! are not authenticator entries and are ignored. `totp` is an `otpauth://` link, a
//! `steam://KEY` (Bitwarden's Steam form) or a bare base32 key (TOTP, SHA1, 6 digits, 30 s).
//! The issuer is the link's, else the item's `name`; the account name the link's, else the
//! login's `username`. The folder becomes the group, `favorite` the favourite.
//!
//! Encrypted exports (`"encrypted": true`: account-key or password protected) are refused
//! with advice: they use Bitwarden's own key hierarchy.

use serde::Deserialize;

use super::entry::{RawEntry, SecretText};
use super::{Format, ImportError, ImportPreview, NewAccount, Skipped};
use crate::error::ErrorKind;
use crate::percent;
use crate::uri::{label_of, parse_otpauth_any};

const FORMAT: Format = Format::Bitwarden;

#[derive(Deserialize)]
struct Export {
    #[serde(default)]
    encrypted: bool,
    #[serde(default)]
    folders: Vec<Folder>,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Folder {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "folderId", default)]
    folder_id: Option<String>,
    #[serde(default)]
    favorite: bool,
    #[serde(default)]
    login: Option<Login>,
}

#[derive(Deserialize)]
struct Login {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    totp: Option<SecretText>,
}

pub(crate) fn read(text: &str) -> Result<ImportPreview, ImportError> {
    let export: Export =
        serde_json::from_str(text).map_err(|e| ImportError::bad_json(FORMAT, &e))?;
    if export.encrypted {
        return Err(ImportError::unsupported(
            FORMAT,
            "this is an encrypted Bitwarden export, which only Bitwarden can open; export the vault again as \".json\" (not \".json (Encrypted)\"), import it, then delete that file",
        ));
    }
    let mut out = ImportPreview::new(FORMAT);
    for item in &export.items {
        let Some(login) = &item.login else { continue };
        let Some(totp) = login.totp.as_ref().map(|t| t.as_str().trim()) else {
            continue;
        };
        if totp.is_empty() {
            continue;
        }
        let name = item.name.clone().unwrap_or_default().trim().to_string();
        let username = login
            .username
            .clone()
            .unwrap_or_default()
            .trim()
            .to_string();
        let parsed = if percent::has_scheme(totp, "otpauth") {
            parse_otpauth_any(totp).map_err(|e| {
                let (issuer, account) = label_of(totp).unwrap_or_default();
                Skipped {
                    reason: e.kind(),
                    issuer: if issuer.is_empty() {
                        name.clone()
                    } else {
                        issuer
                    },
                    account: if account.is_empty() {
                        username.clone()
                    } else {
                        account
                    },
                    message: e.to_string(),
                }
            })
        } else {
            let (kind, key) = match totp.get(..8) {
                Some(p) if p.eq_ignore_ascii_case("steam://") => ("steam", &totp[8..]),
                _ => ("totp", totp),
            };
            RawEntry {
                kind,
                issuer: name.clone(),
                account: username.clone(),
                secret: Some(key),
                ..RawEntry::default()
            }
            .check()
        };
        match parsed {
            Ok(mut account) => {
                if account.issuer.is_empty() {
                    account.issuer = name;
                }
                if account.account.is_empty() {
                    account.account = username;
                }
                out.accounts.push(NewAccount {
                    account,
                    group: item.folder_id.as_ref().and_then(|id| {
                        export
                            .folders
                            .iter()
                            .find(|f| &f.id == id)
                            .map(|f| f.name.clone())
                    }),
                    favourite: item.favorite,
                    icon: None,
                });
            }
            Err(skipped) => out.skipped.push(skipped),
        }
    }
    Ok(out)
}
