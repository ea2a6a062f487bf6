//! Aegis-compatible JSON: plain, or scrypt-encrypted exactly as Aegis's own exports.

use std::io::Write;

use serde::Serialize;
use zeroize::Zeroizing;

use super::ExportError;
use crate::account::OtpKind;
use crate::crypto::{self, KEY_LEN};
use crate::import::{NewAccount, ScryptCost};
use crate::wiping::WipingBuf;
use crate::{base32, base64, hex};

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
    uuid::Uuid::new_v4().to_string()
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
