//! Steam Desktop Authenticator's `.maFile` (one Steam Guard account per file, unencrypted):
//!
//! ```text
//! {"shared_secret" (base64), "account_name", "serial_number", "revocation_code",
//!  "identity_secret", "uri", "server_time", "token_gid", "Session": {…}, …}
//! ```
//!
//! Older and newer files differ in the fields beside these two (`Session`'s keys, `uri`,
//! `fully_enrolled`); the code comes from `shared_secret` alone. Issuer `Steam`, the account
//! name `account_name`. An encrypted maFile (SDA's passkey) is not JSON and is not read.

use serde::Deserialize;

use super::entry::SecretText;
use super::{Format, ImportError, ImportPreview, NewAccount, Skipped};
use crate::account::{Account, Algorithm, OtpKind, Secret};
use crate::base64;
use crate::error::Kind;
use crate::otp::STEAM_DIGITS;

const FORMAT: Format = Format::Steam;

#[derive(Deserialize)]
struct MaFile {
    #[serde(default)]
    shared_secret: Option<SecretText>,
    #[serde(default)]
    account_name: Option<String>,
}

pub(crate) fn read(text: &str) -> Result<ImportPreview, ImportError> {
    let file: MaFile = serde_json::from_str(text).map_err(|e| ImportError::bad_json(FORMAT, &e))?;
    let mut out = ImportPreview::new(FORMAT);
    let account = file.account_name.unwrap_or_default().trim().to_owned();
    let skip = |reason, message: &str| Skipped {
        reason,
        issuer: "Steam".to_owned(),
        account: account.clone(),
        message: message.to_owned(),
    };
    let text = file.shared_secret.as_ref().map(|s| s.as_str().trim());
    match text.filter(|t| !t.is_empty()).map(base64::decode) {
        None => out.skipped.push(skip(
            Kind::MissingSecret,
            "this maFile has no shared_secret, so it holds no Steam Guard key",
        )),
        Some(None) => out.skipped.push(skip(
            Kind::InvalidSecret,
            "this maFile's shared_secret is not base64",
        )),
        Some(Some(key)) if key.is_empty() => out.skipped.push(skip(
            Kind::MissingSecret,
            "this maFile's shared_secret is empty",
        )),
        Some(Some(key)) => out.accounts.push(NewAccount::from(Account {
            kind: OtpKind::Steam,
            issuer: "Steam".to_owned(),
            account,
            secret: Secret::new(key.to_vec()),
            algorithm: Algorithm::Sha1,
            digits: STEAM_DIGITS,
        })),
    }
    Ok(out)
}
