//! Aegis Authenticator vault exports (beemdevelopment/Aegis `docs/vault.md`), plain and
//! encrypted, content versions 1–3, read by the rules of `shared/fixtures/README.md` §5:
//!
//! - `header.slots == null`: plain, `db` is the content object;
//! - else every slot of type 1 (password) is tried in order, others skipped: the key is
//!   `scrypt(password, salt, N, r, p, 32)`, which unwraps the 32-byte master key with
//!   AES-256-GCM (`key`, `key_params.nonce/tag`). No slot opens: `wrong_password`. The master
//!   key decrypts `db` (base64, tag in `header.params`); failing that: `integrity_error`;
//! - `name` and `issuer` are taken verbatim (never split on `:`);
//! - types `totp`, `hotp` and `steam` are imported, others skipped (`unsupported_type`);
//! - groups: v3 maps `groups` UUIDs to names through `db.groups`, v2 has `group` (a name or
//!   null), v1 none. The first group becomes the account's group; `favorite` its favourite.

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::entry::{Number, RawEntry, SecretText};
use super::{Format, ImportError, ImportPreview, NewAccount};
use crate::crypto::{self, ScryptCost};
use crate::{base64, hex};

const FORMAT: Format = Format::Aegis;

#[derive(Deserialize)]
struct Probe {
    version: Option<serde_json::Number>,
    header: Header,
    /// Required; read later by [`Plain`] or [`Encrypted`] once the header says which.
    #[serde(rename = "db")]
    _db: IgnoredAny,
}

#[derive(Deserialize)]
struct Header {
    slots: Option<Vec<Slot>>,
    params: Option<Params>,
}

#[derive(Deserialize)]
struct Slot {
    #[serde(rename = "type")]
    kind: Option<serde_json::Number>,
    key: Option<String>,
    key_params: Option<Params>,
    n: Option<u64>,
    r: Option<u32>,
    p: Option<u32>,
    salt: Option<String>,
}

#[derive(Deserialize)]
struct Params {
    nonce: String,
    tag: String,
}

#[derive(Deserialize)]
struct Plain {
    db: Content,
}

#[derive(Deserialize)]
struct Encrypted {
    db: String,
}

#[derive(Deserialize)]
struct Content {
    version: Option<serde_json::Number>,
    entries: Vec<Entry>,
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    uuid: String,
    name: String,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    favorite: Option<bool>,
    info: Info,
    /// v3: group UUIDs.
    #[serde(default)]
    groups: Option<Vec<String>>,
    /// v2: a group name.
    #[serde(default)]
    group: Option<String>,
}

#[derive(Deserialize)]
struct Info {
    secret: Option<SecretText>,
    algo: Option<String>,
    digits: Number,
    period: Number,
    counter: Number,
}

/// Password slots tried at most. Aegis keeps one password slot (beside biometric ones); each
/// try runs scrypt with the file's cost (up to 256 MiB, about a second), so a crafted file
/// with thousands of slots would otherwise keep an import busy for hours.
const MAX_PASSWORD_SLOTS: usize = 8;

/// The newest content version this reader knows.
const MAX_CONTENT_VERSION: u64 = 3;

pub(crate) fn read(text: &str, password: Option<&str>) -> Result<ImportPreview, ImportError> {
    let probe: Probe = serde_json::from_str(text).map_err(|e| ImportError::bad_json(FORMAT, &e))?;
    if let Some(v) = probe.version.as_ref().and_then(|v| v.as_u64())
        && v != 1
    {
        return Err(ImportError::unsupported(
            FORMAT,
            format!(
                "this Aegis export has file version {v}, which this Tweestap cannot read yet; update Tweestap"
            ),
        ));
    }
    let content: Content = match probe.header.slots {
        None => {
            serde_json::from_str::<Plain>(text)
                .map_err(|e| ImportError::bad_json(FORMAT, &e))?
                .db
        }
        Some(slots) => {
            let password = password.ok_or(ImportError::PasswordRequired { format: FORMAT })?;
            let master = unlock(&slots, password)?;
            let params = probe
                .header
                .params
                .ok_or_else(|| ImportError::integrity(FORMAT, "its header has no params"))?;
            let db: Encrypted =
                serde_json::from_str(text).map_err(|e| ImportError::bad_json(FORMAT, &e))?;
            let ciphertext = base64::decode(db.db.trim())
                .ok_or_else(|| ImportError::integrity(FORMAT, "its db is not base64"))?;
            let nonce = hex_field(&params.nonce, "params.nonce")?;
            let tag = hex_field(&params.tag, "params.tag")?;
            let plain = crypto::open(&master, &nonce, &ciphertext, &tag).ok_or_else(|| {
                ImportError::integrity(FORMAT, "its contents failed authentication")
            })?;
            serde_json::from_slice(&plain).map_err(|e| ImportError::bad_json(FORMAT, &e))?
        }
    };
    if let Some(v) = content.version.as_ref().and_then(|v| v.as_u64())
        && v > MAX_CONTENT_VERSION
    {
        return Err(ImportError::unsupported(
            FORMAT,
            format!(
                "this Aegis export has content version {v}, which this Tweestap cannot read yet; update Tweestap"
            ),
        ));
    }
    Ok(preview(content))
}

fn hex_field(text: &str, what: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, ImportError> {
    hex::decode(text.trim())
        .ok_or_else(|| ImportError::integrity(FORMAT, format!("its {what} is not hex")))
}

/// Tries every password slot in order; the master key of the first that opens.
fn unlock(slots: &[Slot], password: &str) -> Result<crypto::Key32, ImportError> {
    let password_slots: Vec<&Slot> = slots
        .iter()
        .filter(|s| s.kind.as_ref().and_then(|k| k.as_u64()) == Some(1))
        .collect();
    if password_slots.len() > MAX_PASSWORD_SLOTS {
        return Err(ImportError::integrity(
            FORMAT,
            format!(
                "it has {} password slots where Aegis writes one (at most {MAX_PASSWORD_SLOTS} are tried)",
                password_slots.len()
            ),
        ));
    }
    if password_slots.is_empty() {
        return Err(ImportError::unsupported(
            FORMAT,
            "this Aegis export has no password slot (it opens only with biometrics on the phone that made it); export it again from Aegis with a password",
        ));
    }
    // Every slot's cost is checked, and their sum, before any slot is tried: a file cannot
    // make the import run one expensive slot after another.
    let mut total_work = 0u64;
    for slot in &password_slots {
        let (Some(n), Some(r), Some(p)) = (slot.n, slot.r, slot.p) else {
            continue;
        };
        let cost = ScryptCost { n, r, p };
        if let Some(why) = cost.too_costly() {
            return Err(ImportError::kdf_too_costly(FORMAT, why));
        }
        total_work = total_work.saturating_add(cost.work());
    }
    if total_work > crypto::MAX_SCRYPT_WORK_PER_IMPORT {
        return Err(ImportError::kdf_too_costly(
            FORMAT,
            format!(
                "its {} password slots together are {}× the work of one Aegis slot; at most {}× is accepted",
                password_slots.len(),
                total_work / ScryptCost::AEGIS.work(),
                crypto::MAX_SCRYPT_WORK_PER_IMPORT / ScryptCost::AEGIS.work()
            ),
        ));
    }
    for slot in password_slots {
        let (Some(key), Some(params), Some(n), Some(r), Some(p), Some(salt)) = (
            &slot.key,
            &slot.key_params,
            slot.n,
            slot.r,
            slot.p,
            &slot.salt,
        ) else {
            return Err(ImportError::integrity(
                FORMAT,
                "a password slot is incomplete",
            ));
        };
        let wrapped = hex_field(key, "slot key")?;
        let nonce = hex_field(&params.nonce, "slot nonce")?;
        let tag = hex_field(&params.tag, "slot tag")?;
        let salt = hex_field(salt, "slot salt")?;
        let kek = ScryptCost { n, r, p }
            .derive(password.as_bytes(), &salt)
            .ok_or_else(|| {
                ImportError::integrity(
                    FORMAT,
                    format!(
                        "a password slot has scrypt settings out of range (N={n}, r={r}, p={p})"
                    ),
                )
            })?;
        if let Some(master) = crypto::open(&kek, &nonce, &wrapped, &tag)
            && master.len() == crypto::KEY_LEN
        {
            let mut key = zeroize::Zeroizing::new([0u8; crypto::KEY_LEN]);
            key.copy_from_slice(&master);
            return Ok(key);
        }
    }
    Err(ImportError::WrongPassword { format: FORMAT })
}

fn preview(content: Content) -> ImportPreview {
    let mut out = ImportPreview::new(FORMAT);
    for entry in &content.entries {
        let raw = RawEntry {
            kind: &entry.kind,
            issuer: entry.issuer.clone().unwrap_or_default(),
            account: entry.name.clone().unwrap_or_default(),
            secret: entry.info.secret.as_ref().map(SecretText::as_str),
            algorithm: entry.info.algo.as_deref(),
            digits: entry.info.digits.as_ref(),
            period: entry.info.period.as_ref(),
            counter: entry.info.counter.as_ref(),
        };
        match raw.check() {
            Ok(account) => {
                let group = match (&entry.groups, &entry.group) {
                    (Some(uuids), _) => uuids.iter().find_map(|u| {
                        content
                            .groups
                            .iter()
                            .find(|g| &g.uuid == u)
                            .map(|g| g.name.clone())
                    }),
                    (None, Some(name)) => Some(name.clone()),
                    (None, None) => None,
                };
                out.accounts.push(NewAccount {
                    account,
                    group,
                    favourite: entry.favorite.unwrap_or(false),
                    icon: None,
                });
            }
            Err(skipped) => out.skipped.push(skipped),
        }
    }
    out
}
