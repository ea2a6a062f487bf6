//! Google Authenticator export links and their QR codes (at most ten accounts each).

use serde::Serialize;
use zeroize::Zeroizing;

use super::ExportError;
use crate::account::{Account, OtpKind};
use crate::crypto;
use crate::error::Kind;
use crate::import::{NewAccount, Skipped, SkippedRow};
use crate::migration::{BatchInfo, encode_migration};
use crate::vault::Vault;

/// Google Authenticator's own limit: at most ten accounts per QR code.
pub const GOOGLE_ACCOUNTS_PER_CODE: usize = 10;
/// Links longer than this are split further, so every QR code stays scannable.
const GOOGLE_MAX_LINK: usize = 1800;

/// Google Authenticator export links and the accounts the format cannot carry. The links
/// (every key in them) are wiped on drop and never shown by `Debug`.
#[derive(Default)]
pub struct GoogleLinks {
    /// `otpauth-migration://offline?data=…`, in order; one QR code each.
    pub links: Vec<Zeroizing<String>>,
    /// Steam accounts, 7-digit codes and periods other than 30 s.
    pub skipped: Vec<Skipped>,
    /// How many accounts the links carry.
    pub accounts: usize,
}

/// Every link is a `Zeroizing` string; `skipped` holds no key.
impl zeroize::ZeroizeOnDrop for GoogleLinks {}

impl std::fmt::Debug for GoogleLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleLinks")
            .field("links", &format_args!("<{} redacted>", self.links.len()))
            .field("skipped", &self.skipped)
            .field("accounts", &self.accounts)
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
                    OtpKind::Steam => Kind::UnsupportedType,
                    OtpKind::Totp { period } if period != 30 => Kind::UnsupportedPeriod,
                    _ => Kind::UnsupportedDigits,
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
                reason: Kind::TooLong,
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
    out.accounts = items.len() - out.skipped.len();
    log::info!(
        "export: {} accounts as {} Google Authenticator export link(s), {} left out",
        out.accounts,
        out.links.len(),
        out.skipped.len()
    );
    out
}

/// As [`google_links`], refusing (`nothing_to_export`) when none of the accounts fits in a
/// Google Authenticator export.
pub fn google_export(items: &[NewAccount]) -> Result<GoogleLinks, ExportError> {
    let links = google_links(items);
    if links.links.is_empty() {
        return Err(ExportError::NothingToExport(
            "the vault has no account Google Authenticator can hold",
        ));
    }
    Ok(links)
}

/// Each link of [`google_links`] as a PNG QR code (6 pixels per module), wiped on drop.
pub fn google_qr_codes(links: &GoogleLinks) -> Vec<Zeroizing<Vec<u8>>> {
    links
        .links
        .iter()
        .map(|link| crate::qr::encode_png(link, 6).expect("links are kept short enough"))
        .collect()
}

/// The Google Authenticator export as QR codes for a window, to scan with a phone one after
/// another. It carries the keys: a door shows it only after a confirmed export.
#[derive(Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GoogleQrView {
    /// `data:image/png;base64,…`, one per code, in order.
    pub qr_codes: Vec<String>,
    /// Accounts in the codes.
    pub accounts: usize,
    /// Accounts Google Authenticator cannot hold (Steam, 7 digits, periods other than 30 s).
    pub skipped: Vec<SkippedRow>,
}

/// The vault's accounts as [`GoogleQrView`] (`nothing_to_export` when it has none Google
/// Authenticator can hold).
pub fn google_qr_view(vault: &Vault) -> Result<GoogleQrView, ExportError> {
    let links = google_export(&super::items(vault))?;
    Ok(GoogleQrView {
        qr_codes: google_qr_codes(&links)
            .iter()
            .map(|png| format!("data:image/png;base64,{}", crate::base64::encode(png)))
            .collect(),
        accounts: links.accounts,
        skipped: links.skipped.iter().map(SkippedRow::from).collect(),
    })
}
