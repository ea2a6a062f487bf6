//! 2FAS Authenticator backups (`.2fas`, schema version 4; older versions read alike).
//!
//! ```text
//! {"services": [Service…], "groups": [{"id","name"}…], "schemaVersion": 4, …,
//!  "servicesEncrypted": "b64(ct‖tag):b64(salt):b64(iv)",   (encrypted backups only;
//!  "reference":         "b64(ct‖tag):b64(salt):b64(iv)"}    services is then [])
//! Service: {"name", "secret" (base32), "groupId"?,
//!           "otp": {"account", "issuer", "label", "digits", "period", "counter",
//!                   "algorithm", "tokenType": "TOTP"|"HOTP"|"STEAM"}}
//! ```
//!
//! Encryption: key = PBKDF2-HMAC-SHA256(password, salt, 10 000 iterations, 32 bytes);
//! AES-256-GCM, the 16-byte tag appended to the ciphertext; the plaintext of
//! `servicesEncrypted` is the JSON array of services. `reference` is a fixed text encrypted
//! the same way: when it opens and the services do not, the file is damaged
//! (`integrity_error`) rather than the password wrong.
//!
//! Issuer: `otp.issuer`, else the service `name`. Account: `otp.account`, else `otp.label`
//! without an `Issuer:` prefix.

use serde::Deserialize;

use super::entry::{Number, RawEntry, SecretText};
use super::{Format, ImportError, ImportPreview, NewAccount};
use crate::base64;
use crate::crypto;
use crate::uri::resolve_label;

const FORMAT: Format = Format::TwoFas;
/// 2FAS's PBKDF2 iteration count.
pub(crate) const ITERATIONS: u32 = 10_000;

#[derive(Deserialize)]
struct Backup {
    #[serde(default)]
    services: Vec<Service>,
    #[serde(rename = "servicesEncrypted", default)]
    services_encrypted: Option<String>,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct Service {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    secret: Option<SecretText>,
    #[serde(rename = "groupId", default)]
    group_id: Option<String>,
    #[serde(default)]
    otp: Otp,
}

#[derive(Deserialize, Default)]
struct Otp {
    account: Option<String>,
    issuer: Option<String>,
    label: Option<String>,
    digits: Number,
    period: Number,
    counter: Number,
    algorithm: Option<String>,
    #[serde(rename = "tokenType")]
    token_type: Option<String>,
}

/// `b64(ct‖tag):b64(salt):b64(iv)`.
struct Sealed {
    ciphertext: zeroize::Zeroizing<Vec<u8>>,
    salt: zeroize::Zeroizing<Vec<u8>>,
    iv: zeroize::Zeroizing<Vec<u8>>,
}

fn split(text: &str, what: &str) -> Result<Sealed, ImportError> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    let bad = || ImportError::integrity(FORMAT, format!("its {what} is not in the 2FAS layout"));
    let [ct, salt, iv] = parts.as_slice() else {
        return Err(bad());
    };
    Ok(Sealed {
        ciphertext: base64::decode(ct).ok_or_else(bad)?,
        salt: base64::decode(salt).ok_or_else(bad)?,
        iv: base64::decode(iv).ok_or_else(bad)?,
    })
}

pub(crate) fn read(text: &str, password: Option<&str>) -> Result<ImportPreview, ImportError> {
    let backup: Backup =
        serde_json::from_str(text).map_err(|e| ImportError::bad_json(FORMAT, &e))?;
    let services = match backup.services_encrypted.as_deref().map(str::trim) {
        Some(sealed) if !sealed.is_empty() => {
            let password = password.ok_or(ImportError::PasswordRequired { format: FORMAT })?;
            let sealed = split(sealed, "servicesEncrypted")?;
            let key = crypto::pbkdf2_sha256(password.as_bytes(), &sealed.salt, ITERATIONS);
            match crypto::open_appended(&key, &sealed.iv, &sealed.ciphertext) {
                Some(plain) => serde_json::from_slice::<Vec<Service>>(&plain)
                    .map_err(|e| ImportError::bad_json(FORMAT, &e))?,
                None => {
                    // Tell a wrong password from damage with the reference, when there is one.
                    let reference_opens = match backup.reference.as_deref() {
                        Some(r) if !r.trim().is_empty() => {
                            let r = split(r, "reference")?;
                            let key = if r.salt == sealed.salt {
                                key
                            } else {
                                crypto::pbkdf2_sha256(password.as_bytes(), &r.salt, ITERATIONS)
                            };
                            crypto::open_appended(&key, &r.iv, &r.ciphertext).is_some()
                        }
                        _ => false,
                    };
                    return Err(if reference_opens {
                        ImportError::integrity(FORMAT, "its services failed authentication")
                    } else {
                        ImportError::WrongPassword { format: FORMAT }
                    });
                }
            }
        }
        _ => backup.services,
    };
    let mut out = ImportPreview::new(FORMAT);
    let zero = serde_json::Number::from(0u8);
    for service in &services {
        let name = service.name.clone().unwrap_or_default();
        let issuer = match service.otp.issuer.as_deref().map(str::trim) {
            Some(issuer) if !issuer.is_empty() => issuer.to_string(),
            _ => name.trim().to_string(),
        };
        let account = match (&service.otp.account, &service.otp.label) {
            (Some(account), _) if !account.trim().is_empty() => account.trim().to_string(),
            (_, Some(label)) => resolve_label(label, None).1,
            _ => String::new(),
        };
        let kind = service.otp.token_type.as_deref().unwrap_or("TOTP");
        let raw = RawEntry {
            kind,
            issuer,
            account,
            secret: service.secret.as_ref().map(SecretText::as_str),
            algorithm: service.otp.algorithm.as_deref(),
            digits: service.otp.digits.as_ref(),
            period: service.otp.period.as_ref(),
            counter: if kind.eq_ignore_ascii_case("hotp") {
                // 2FAS writes no counter for a fresh HOTP entry: it starts at 0.
                Some(service.otp.counter.as_ref().unwrap_or(&zero))
            } else {
                None
            },
        };
        match raw.check() {
            Ok(account) => out.accounts.push(NewAccount {
                account,
                group: service.group_id.as_ref().and_then(|id| {
                    backup
                        .groups
                        .iter()
                        .find(|g| &g.id == id)
                        .map(|g| g.name.clone())
                }),
                favourite: false,
                icon: None,
            }),
            Err(skipped) => out.skipped.push(skipped),
        }
    }
    Ok(out)
}
