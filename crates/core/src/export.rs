//! Exporting the vault's accounts: an encrypted Tweestap backup, Aegis-compatible JSON (plain
//! or scrypt-encrypted like Aegis's own, so Aegis opens it), a plain list of `otpauth://`
//! links, and Google Authenticator export links / QR codes (at most ten accounts each).
//!
//! Every format is read back by [`crate::import`] to the same accounts (round-trip tests in
//! `tests/import_export.rs`). Plain formats hold every key in clear: the doors warn.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::wiping::WipingBuf;

use crate::account::{Account, OtpKind};
use crate::crypto::{self, KEY_LEN};
use crate::error::ErrorKind;
use crate::import::{NewAccount, ScryptCost, Skipped};
use crate::migration::{BatchInfo, encode_migration};
use crate::uri::format_otpauth;
use crate::vault::{Vault, VaultError};
use crate::{base32, base64, hex};

/// Google Authenticator's own limit: at most ten accounts per QR code.
pub const GOOGLE_ACCOUNTS_PER_CODE: usize = 10;
/// Links longer than this are split further, so every QR code stays scannable.
const GOOGLE_MAX_LINK: usize = 1800;

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
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl ErrorKind for ExportError {
    fn kind(&self) -> &'static str {
        match self {
            ExportError::NothingToExport(_) => "nothing_to_export",
            ExportError::PasswordRequired => "password_required",
            ExportError::InvalidScryptCost(_) => "invalid_kdf_params",
            ExportError::FileExists { .. } => "file_exists",
            ExportError::Write { source, .. } => match source.kind() {
                io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => "disk_full",
                io::ErrorKind::ReadOnlyFilesystem => "read_only",
                io::ErrorKind::PermissionDenied => "permission_denied",
                _ => "io",
            },
            ExportError::Vault(e) => e.kind(),
        }
    }

    fn is_bad_input(&self) -> bool {
        match self {
            ExportError::NothingToExport(_)
            | ExportError::PasswordRequired
            | ExportError::InvalidScryptCost(_)
            | ExportError::FileExists { .. } => true,
            ExportError::Write { .. } => false,
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

/// Google Authenticator export links and the accounts the format cannot carry. The links
/// (every key in them) are wiped on drop and never shown by `Debug`.
#[derive(Default)]
pub struct GoogleLinks {
    /// `otpauth-migration://offline?data=…`, in order; one QR code each.
    pub links: Vec<Zeroizing<String>>,
    /// Steam accounts, 7-digit codes and periods other than 30 s.
    pub skipped: Vec<Skipped>,
}

/// Every link is a `Zeroizing` string; `skipped` holds no key.
impl zeroize::ZeroizeOnDrop for GoogleLinks {}

impl std::fmt::Debug for GoogleLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleLinks")
            .field("links", &format_args!("<{} redacted>", self.links.len()))
            .field("skipped", &self.skipped)
            .finish()
    }
}

/// The accounts as Google Authenticator export links: at most ten accounts per link (fewer
/// when their names are long), one shared random `batch_id`, `batch_index` counting from 0.
pub fn google_links(items: &[NewAccount]) -> GoogleLinks {
    let mut out = GoogleLinks::default();
    let mut encodable: Vec<&Account> = Vec::new();
    for item in items {
        let a = &item.account;
        match encode_migration(std::slice::from_ref(a), &BatchInfo::default()) {
            Ok(_) => encodable.push(a),
            Err(e) => out.skipped.push(Skipped {
                reason: match a.kind {
                    OtpKind::Steam => "unsupported_type",
                    OtpKind::Totp { period } if period != 30 => "unsupported_period",
                    _ => "unsupported_digits",
                },
                issuer: a.issuer.clone(),
                account: a.account.clone(),
                message: format!(
                    "not exported: Google Authenticator cannot hold this account ({})",
                    e.reason
                ),
            }),
        }
    }
    let batch_id = i32::from_le_bytes(crypto::random_bytes::<4>()) & i32::MAX;
    // Chunks by count and by length, measured with a worst-case header.
    let probe = BatchInfo {
        version: 1,
        batch_size: 127,
        batch_index: 127,
        batch_id,
    };
    let mut chunks: Vec<Vec<Account>> = Vec::new();
    for account in encodable {
        let alone = encode_migration(std::slice::from_ref(account), &probe);
        if alone.is_ok_and(|l| l.len() > crate::qr::MAX_QR_TEXT) {
            out.skipped.push(Skipped {
                reason: "too_long",
                issuer: account.issuer.clone(),
                account: account.account.clone(),
                message: "not exported: its names are too long for a QR code".to_string(),
            });
            continue;
        }
        let fits = chunks.last().is_some_and(|chunk| {
            chunk.len() < GOOGLE_ACCOUNTS_PER_CODE && {
                let mut trial = chunk.clone();
                trial.push(account.clone());
                encode_migration(&trial, &probe).is_ok_and(|l| l.len() <= GOOGLE_MAX_LINK)
            }
        });
        if fits {
            chunks.last_mut().expect("checked").push(account.clone());
        } else {
            chunks.push(vec![account.clone()]);
        }
    }
    let size = chunks.len() as i32;
    for (index, chunk) in chunks.iter().enumerate() {
        let header = BatchInfo {
            version: 1,
            batch_size: size,
            batch_index: index as i32,
            batch_id,
        };
        let link = encode_migration(chunk, &header).expect("every account was checked");
        out.links.push(link);
    }
    log::info!(
        "export: {} accounts as {} Google Authenticator export link(s), {} left out",
        items.len() - out.skipped.len(),
        out.links.len(),
        out.skipped.len()
    );
    out
}

/// Each link of [`google_links`] as a PNG QR code (6 pixels per module), wiped on drop.
pub fn google_qr_codes(links: &GoogleLinks) -> Vec<Zeroizing<Vec<u8>>> {
    links
        .links
        .iter()
        .map(|link| crate::qr::encode_png(link, 6).expect("links are kept short enough"))
        .collect()
}

/// The encryption of an Aegis export: a password and scrypt's cost.
#[derive(Clone, Copy)]
pub struct AegisEncryption<'a> {
    pub password: &'a str,
    /// [`ScryptCost::AEGIS`] for real files.
    pub cost: ScryptCost,
}

/// An Aegis vault file (file version 1, content version 3) holding `items`: plain
/// (`encryption: None`, every key in clear), or encrypted exactly as Aegis does (a random
/// master key under AES-256-GCM, wrapped by a password slot with scrypt), so Aegis can import
/// it. The first group of each account becomes an Aegis group; favourites are kept.
pub fn aegis(
    items: &[NewAccount],
    encryption: Option<AegisEncryption<'_>>,
) -> Result<Zeroizing<Vec<u8>>, ExportError> {
    log::info!(
        "export: {} accounts as Aegis JSON, {}",
        items.len(),
        match &encryption {
            Some(enc) => format!("encrypted ({:?})", enc.cost),
            None => "plain".into(),
        }
    );
    if let Some(enc) = encryption {
        if enc.password.is_empty() {
            return Err(ExportError::PasswordRequired);
        }
        if !enc.cost.is_valid() {
            return Err(ExportError::InvalidScryptCost(enc.cost));
        }
    }
    let mut groups: Vec<(String, String)> = Vec::new();
    let secrets: Vec<Zeroizing<String>> = items
        .iter()
        .map(|i| Zeroizing::new(base32::encode(i.account.secret.expose())))
        .collect();
    let entries: Vec<AegisEntry<'_>> = items
        .iter()
        .zip(&secrets)
        .map(|(item, secret)| {
            let a = &item.account;
            let group_ids = match &item.group {
                Some(name) => {
                    let id = match groups.iter().find(|(_, n)| n == name) {
                        Some((id, _)) => id.clone(),
                        None => {
                            let id = uuid();
                            groups.push((id.clone(), name.clone()));
                            id
                        }
                    };
                    vec![id]
                }
                None => Vec::new(),
            };
            let (kind, digits, period, counter) = match a.kind {
                OtpKind::Totp { period } => ("totp", a.digits, Some(period), None),
                OtpKind::Hotp { counter } => ("hotp", a.digits, None, Some(counter)),
                OtpKind::Steam => ("steam", crate::otp::STEAM_DIGITS, Some(30), None),
            };
            AegisEntry {
                kind,
                uuid: uuid(),
                name: &a.account,
                issuer: &a.issuer,
                note: "",
                favorite: item.favourite,
                icon: None,
                icon_mime: None,
                icon_hash: None,
                info: AegisInfo {
                    secret,
                    algo: if kind == "steam" {
                        "SHA1"
                    } else {
                        a.algorithm.as_str()
                    },
                    digits,
                    period,
                    counter,
                },
                groups: group_ids,
            }
        })
        .collect();
    let content = AegisContent {
        version: 3,
        entries,
        groups: groups
            .iter()
            .map(|(uuid, name)| AegisGroup { uuid, name })
            .collect(),
    };
    let mut out = WipingBuf::with_capacity(4096 + items.len() * 512);
    match encryption {
        None => {
            let file = AegisFile {
                version: 1,
                header: AegisHeader {
                    slots: None,
                    params: None,
                },
                db: &content,
            };
            serde_json::to_writer_pretty(&mut out, &file).expect("serializes");
        }
        Some(enc) => {
            let mut plain = WipingBuf::with_capacity(4096 + items.len() * 512);
            serde_json::to_writer(&mut plain, &content).expect("serializes");
            let plain = plain.into_inner();
            let master = Zeroizing::new(crypto::random_bytes::<KEY_LEN>());
            let (nonce, ciphertext, tag) = crypto::seal(&master, &plain);
            let salt = crypto::random_bytes::<32>();
            let kek = enc
                .cost
                .derive(enc.password.as_bytes(), &salt)
                .ok_or(ExportError::InvalidScryptCost(enc.cost))?;
            let (key_nonce, wrapped, key_tag) = crypto::seal(&kek, master.as_ref());
            let file = AegisFile {
                version: 1,
                header: AegisHeader {
                    slots: Some(vec![AegisSlot {
                        kind: 1,
                        uuid: uuid(),
                        key: hex::encode(&wrapped),
                        key_params: AegisParams {
                            nonce: hex::encode(&key_nonce),
                            tag: hex::encode(&key_tag),
                        },
                        n: enc.cost.n,
                        r: enc.cost.r,
                        p: enc.cost.p,
                        salt: hex::encode(&salt),
                        repaired: true,
                        is_backup: false,
                    }]),
                    params: Some(AegisParams {
                        nonce: hex::encode(&nonce),
                        tag: hex::encode(&tag),
                    }),
                },
                db: base64::encode(&ciphertext),
            };
            serde_json::to_writer_pretty(&mut out, &file).expect("serializes");
        }
    }
    out.write_all(b"\n").expect("a buffer in memory");
    Ok(out.into_inner())
}

/// A random (version 4) UUID, as Aegis gives every entry, group and slot.
fn uuid() -> String {
    let mut b = crypto::random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[derive(Serialize)]
struct AegisFile<Db: Serialize> {
    version: u32,
    header: AegisHeader,
    db: Db,
}

#[derive(Serialize)]
struct AegisHeader {
    slots: Option<Vec<AegisSlot>>,
    params: Option<AegisParams>,
}

#[derive(Serialize)]
struct AegisSlot {
    #[serde(rename = "type")]
    kind: u32,
    uuid: String,
    key: String,
    key_params: AegisParams,
    n: u64,
    r: u32,
    p: u32,
    salt: String,
    repaired: bool,
    is_backup: bool,
}

#[derive(Serialize)]
struct AegisParams {
    nonce: String,
    tag: String,
}

#[derive(Serialize)]
struct AegisContent<'a> {
    version: u32,
    entries: Vec<AegisEntry<'a>>,
    groups: Vec<AegisGroup<'a>>,
}

#[derive(Serialize)]
struct AegisGroup<'a> {
    uuid: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct AegisEntry<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    uuid: String,
    name: &'a str,
    issuer: &'a str,
    note: &'static str,
    favorite: bool,
    icon: Option<&'static str>,
    icon_mime: Option<&'static str>,
    icon_hash: Option<&'static str>,
    info: AegisInfo<'a>,
    groups: Vec<String>,
}

#[derive(Serialize)]
struct AegisInfo<'a> {
    #[serde(serialize_with = "ser_secret")]
    secret: &'a Zeroizing<String>,
    algo: &'static str,
    digits: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counter: Option<u64>,
}

fn ser_secret<S: serde::Serializer>(secret: &&Zeroizing<String>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.as_str())
}
