//! andOTP backups: the plain JSON array (`otp_accounts.json`) and the encrypted
//! `otp_accounts.json.aes`.
//!
//! ```text
//! [{"secret" (base32), "issuer", "label", "digits", "type": "TOTP"|"HOTP"|"STEAM"|"MOTP",
//!   "algorithm", "period" (TOTP), "counter" (HOTP), "tags": [..], "thumbnail", …}]
//! ```
//!
//! Encrypted, andOTP ≥ 0.6.3: `iterations (u32, big-endian) ‖ salt (12) ‖ IV (12) ‖
//! ciphertext ‖ tag (16)`, key = PBKDF2-HMAC-SHA1(password, salt, iterations, 32 bytes).
//! Older versions: `IV (12) ‖ ciphertext ‖ tag (16)`, key = SHA-256(password). AES-256-GCM
//! either way, one layer, so a wrong password and a damaged file cannot be told apart: both
//! are `wrong_password`.
//!
//! The account name is `label` without an `Issuer:` prefix; backups without `issuer` (older
//! versions) take the issuer from that prefix, which the oldest wrote twice
//! (`Issuer - Issuer:account`). The first tag becomes the group. mOTP entries
//! are skipped (`unsupported_type`).

use serde::Deserialize;

use super::detect::Content;
use super::entry::{Number, RawEntry, SecretText};
use super::{Format, ImportError, ImportPreview, NewAccount};
use crate::crypto::{self, MAX_PBKDF2_ITERATIONS, NONCE_LEN, TAG_LEN};
use crate::uri::resolve_label;

const FORMAT: Format = Format::AndOtp;
const SALT_LEN: usize = 12;
const HEADER_LEN: usize = 4 + SALT_LEN + NONCE_LEN;
/// Iteration counts that mark the new layout when detecting (andOTP uses 140 000–160 000);
/// wider than what is run ([`MAX_PBKDF2_ITERATIONS`]), so that a file asking for more is
/// recognised and refused as such. (An old-layout file's first bytes are a random nonce: one
/// in about 480 falls in this range above what is run; with a wrong password it then gets
/// the "too costly" answer, which says so.)
const PLAUSIBLE_ITERATIONS: std::ops::RangeInclusive<u32> = 1_000..=10_000_000;

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    secret: Option<SecretText>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    algorithm: Option<String>,
    #[serde(default)]
    digits: Number,
    #[serde(default)]
    period: Number,
    #[serde(default)]
    counter: Number,
    #[serde(default)]
    tags: Vec<String>,
}

fn iterations(bytes: &[u8]) -> Option<u32> {
    let head: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    Some(u32::from_be_bytes(head))
}

/// Binary data in the new encrypted layout (a plausible iteration count, room for the rest).
pub(crate) fn looks_encrypted(bytes: &[u8]) -> bool {
    bytes.len() > HEADER_LEN + TAG_LEN
        && iterations(bytes).is_some_and(|n| PLAUSIBLE_ITERATIONS.contains(&n))
}

pub(crate) fn read(
    bytes: &[u8],
    content: &Content<'_>,
    password: Option<&str>,
) -> Result<ImportPreview, ImportError> {
    match content {
        Content::Text(text) if text.trim_start().starts_with('[') => {
            let entries: Vec<Entry> =
                serde_json::from_str(text).map_err(|e| ImportError::bad_json(FORMAT, &e))?;
            Ok(preview(&entries))
        }
        Content::Text(_) | Content::Binary(_) => {
            let password = password.ok_or(ImportError::PasswordRequired { format: FORMAT })?;
            let plain = decrypt(bytes, password)?;
            let entries: Vec<Entry> =
                serde_json::from_slice(&plain).map_err(|e| ImportError::bad_json(FORMAT, &e))?;
            Ok(preview(&entries))
        }
        Content::Image(_) => Err(ImportError::UnknownFormat {
            source_name: String::new(),
            detail: "an image is not an andOTP backup",
        }),
    }
}

/// Tries the new layout (when its header is plausible), then the old one.
fn decrypt(bytes: &[u8], password: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    let new_layout = looks_encrypted(bytes);
    let n = iterations(bytes).unwrap_or(0);
    if new_layout && n <= MAX_PBKDF2_ITERATIONS {
        let salt = &bytes[4..4 + SALT_LEN];
        let iv = &bytes[4 + SALT_LEN..HEADER_LEN];
        let key = crypto::pbkdf2_sha1(password.as_bytes(), salt, n);
        if let Some(plain) = crypto::open_appended(&key, iv, &bytes[HEADER_LEN..]) {
            return Ok(plain);
        }
    }
    // The old layout starts with a random nonce, which can look like a large iteration count:
    // it is tried (it costs one hash) before refusing the count.
    if bytes.len() > NONCE_LEN + TAG_LEN {
        let key = crypto::sha256(password.as_bytes());
        if let Some(plain) = crypto::open_appended(&key, &bytes[..NONCE_LEN], &bytes[NONCE_LEN..]) {
            return Ok(plain);
        }
        if new_layout && n > MAX_PBKDF2_ITERATIONS {
            return Err(ImportError::kdf_too_costly(
                FORMAT,
                format!(
                    "{n} PBKDF2 iterations; andOTP uses about 150 000 and at most {MAX_PBKDF2_ITERATIONS} are accepted. If this is an andOTP backup from before 2020, the password is wrong instead"
                ),
            ));
        }
        return Err(ImportError::WrongPassword { format: FORMAT });
    }
    Err(ImportError::integrity(FORMAT, "it is too short"))
}

/// andOTP's oldest backups (no `issuer` field) wrote the label as `Issuer - Issuer:account`:
/// the issuer once. The halves are compared around the middle, so an issuer with ` - ` in it
/// (`A - B - A - B`) is found too.
fn undoubled(issuer: String) -> String {
    let half = issuer.len().saturating_sub(3) / 2;
    match (issuer.get(..half), issuer.get(half..)) {
        (Some(first), Some(rest))
            if !first.is_empty() && rest.strip_prefix(" - ") == Some(first) =>
        {
            first.to_owned()
        }
        _ => issuer,
    }
}

fn preview(entries: &[Entry]) -> ImportPreview {
    let mut out = ImportPreview::new(FORMAT);
    for entry in entries {
        let label = entry.label.as_deref().unwrap_or("");
        let (issuer, account) = match entry.issuer.as_deref().map(str::trim) {
            Some(issuer) if !issuer.is_empty() => {
                let account = label
                    .strip_prefix(issuer)
                    .and_then(|rest| rest.strip_prefix(':'))
                    .unwrap_or(label);
                (issuer.to_string(), account.trim().to_string())
            }
            _ => {
                let (issuer, account) = resolve_label(label, None);
                (undoubled(issuer), account)
            }
        };
        let raw = RawEntry {
            kind: entry.kind.as_deref().unwrap_or("TOTP"),
            issuer,
            account,
            secret: entry.secret.as_ref().map(SecretText::as_str),
            algorithm: entry.algorithm.as_deref(),
            digits: entry.digits.as_ref(),
            period: entry.period.as_ref(),
            counter: entry.counter.as_ref(),
        };
        match raw.check() {
            Ok(account) => out.accounts.push(NewAccount {
                account,
                group: entry.tags.first().cloned(),
                favourite: false,
                icon: None,
            }),
            Err(skipped) => out.skipped.push(skipped),
        }
    }
    out
}
