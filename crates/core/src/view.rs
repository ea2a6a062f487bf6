//! The JSON shapes shared by every door that prints accounts (CLI `inspect`, importers, the
//! app's debug views), so they all print the same thing as the fixtures' account object:
//! `{"type","issuer","account","algorithm","digits","period","counter"[,"secret_hex"]}`.

use serde::Serialize;
use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::account::{Account, Algorithm, OtpKind};
use crate::error::ErrorKind;
use crate::hex;
use crate::link::Link;
use crate::migration::{BatchInfo, MigrationEntryError};
use crate::otp::STEAM_DIGITS;

/// One account as JSON. `period` is null for HOTP, `counter` null for TOTP/Steam;
/// `secret_hex` (lowercase hex of the key) is present only when explicitly asked for, is
/// wiped on drop and never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AccountView {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub issuer: String,
    pub account: String,
    pub algorithm: Algorithm,
    pub digits: u8,
    pub period: Option<u32>,
    pub counter: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_hex: Option<String>,
}

impl AccountView {
    pub fn new(account: &Account, show_secret: bool) -> Self {
        let (algorithm, digits) = match account.kind {
            OtpKind::Steam => (Algorithm::Sha1, STEAM_DIGITS),
            _ => (account.algorithm, account.digits),
        };
        Self {
            kind: account.kind.type_name(),
            issuer: account.issuer.clone(),
            account: account.account.clone(),
            algorithm,
            digits,
            period: account.kind.period(),
            counter: account.kind.counter(),
            secret_hex: show_secret.then(|| hex::encode(account.secret.expose())),
        }
    }
}

impl Drop for AccountView {
    fn drop(&mut self) {
        self.secret_hex.zeroize();
    }
}

/// The only secret (`secret_hex`) is wiped by `Drop` above.
impl ZeroizeOnDrop for AccountView {}

impl fmt::Debug for AccountView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountView")
            .field("kind", &self.kind)
            .field("issuer", &self.issuer)
            .field("account", &self.account)
            .field("algorithm", &self.algorithm)
            .field("digits", &self.digits)
            .field("period", &self.period)
            .field("counter", &self.counter)
            .field(
                "secret_hex",
                &self.secret_hex.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// One entry of a link: an account, or `{"error": "<category>", "index": i}` for a migration
/// entry that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum EntryView {
    Account(AccountView),
    Error { error: &'static str, index: usize },
}

impl EntryView {
    pub fn new(
        index: usize,
        entry: Result<&Account, MigrationEntryError>,
        show_secret: bool,
    ) -> Self {
        match entry {
            Ok(account) => EntryView::Account(AccountView::new(account, show_secret)),
            Err(error) => EntryView::Error {
                error: error.kind().as_str(),
                index,
            },
        }
    }
}

/// A parsed link: `{"accounts": [...], "batch": {version, batch_size, batch_index, batch_id}
/// | null}` (`batch` only for migration links).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkView {
    pub accounts: Vec<EntryView>,
    pub batch: Option<BatchInfo>,
}

impl LinkView {
    pub fn new(link: &Link, show_secret: bool) -> Self {
        Self {
            accounts: link
                .entries()
                .into_iter()
                .enumerate()
                .map(|(index, entry)| EntryView::new(index, entry, show_secret))
                .collect(),
            batch: link.batch().copied(),
        }
    }
}

/// An error as JSON: `{"error": {"kind": "<category>", "message": "…"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    pub kind: String,
    pub message: String,
}

impl ErrorView {
    pub fn new(kind: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: ErrorBody {
                kind: kind.into(),
                message: message.into(),
            },
        }
    }

    pub fn from_error(error: &dyn ErrorKind) -> Self {
        Self::new(error.kind().as_str(), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Secret;
    use serde_json::json;

    #[test]
    fn account_shapes() {
        let mut acc = Account::totp("Example", "alice", Secret::new(vec![0x48, 0xde]));
        let value = serde_json::to_value(AccountView::new(&acc, false)).unwrap();
        assert_eq!(
            value,
            json!({"type": "totp", "issuer": "Example", "account": "alice", "algorithm": "SHA1",
                   "digits": 6, "period": 30, "counter": null})
        );
        acc.kind = OtpKind::Hotp {
            counter: (1 << 53) - 1,
        };
        let value = serde_json::to_value(AccountView::new(&acc, true)).unwrap();
        assert_eq!(value["period"], json!(null));
        assert_eq!(value["counter"], json!(9_007_199_254_740_991u64));
        assert_eq!(value["secret_hex"], json!("48de"));
        acc.kind = OtpKind::Steam;
        let value = serde_json::to_value(AccountView::new(&acc, false)).unwrap();
        assert_eq!(
            (value["type"].clone(), value["digits"].clone()),
            (json!("steam"), json!(5))
        );
    }

    #[test]
    fn entry_and_error_shapes() {
        let entry = EntryView::new(3, Err(MigrationEntryError::UnsupportedAlgorithm), true);
        assert_eq!(
            serde_json::to_value(entry).unwrap(),
            json!({"error": "unsupported_algorithm", "index": 3})
        );
        let error = ErrorView::new("invalid_secret", "bad key");
        assert_eq!(
            serde_json::to_value(error).unwrap(),
            json!({"error": {"kind": "invalid_secret", "message": "bad key"}})
        );
    }
}
