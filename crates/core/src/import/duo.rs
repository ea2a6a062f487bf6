//! Duo Mobile's accounts file (`files/duokit/accounts.json` in the app's data, as a rooted
//! phone or a device backup gives it):
//!
//! ```text
//! [{"name", "otpGenerator": {"otpSecret" (base32), "counter" (HOTP only)},
//!   "accountType", "logoUri", "pkey", …}]
//! ```
//!
//! An entry with a `counter` is HOTP (Duo's own accounts, whose codes count up), one without
//! is TOTP (third-party accounts); both with Duo's fixed SHA1, 6 digits and 30 s. The name is
//! read as a label (`Issuer:account`, or a bare name that becomes the account name).

use serde::Deserialize;

use super::entry::{Number, RawEntry, SecretText};
use super::{Format, ImportError, ImportPreview, NewAccount};
use crate::uri::resolve_label;

const FORMAT: Format = Format::Duo;

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    name: Option<String>,
    #[serde(rename = "otpGenerator", default)]
    generator: Option<Generator>,
}

#[derive(Deserialize)]
struct Generator {
    #[serde(rename = "otpSecret", default)]
    secret: Option<SecretText>,
    #[serde(default)]
    counter: Number,
}

pub(crate) fn read(text: &str) -> Result<ImportPreview, ImportError> {
    let entries: Vec<Entry> =
        serde_json::from_str(text).map_err(|e| ImportError::bad_json(FORMAT, &e))?;
    let mut out = ImportPreview::new(FORMAT);
    for entry in &entries {
        let (issuer, account) = resolve_label(entry.name.as_deref().unwrap_or(""), None);
        let generator = entry.generator.as_ref();
        let counter = generator.and_then(|g| g.counter.as_ref());
        let raw = RawEntry {
            kind: if counter.is_some() { "hotp" } else { "totp" },
            issuer,
            account,
            secret: generator
                .and_then(|g| g.secret.as_ref())
                .map(SecretText::as_str),
            counter,
            ..RawEntry::default()
        };
        match raw.check() {
            Ok(account) => out.accounts.push(NewAccount::from(account)),
            Err(skipped) => out.skipped.push(skipped),
        }
    }
    Ok(out)
}
