//! The plaintext inside the vault: account records, and what is shown of them without secrets.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::account::{Account, Algorithm, OtpKind, Secret};
use crate::hex;

/// Deleted accounts stay recoverable this long (30 days), then the next write purges them.
pub const DELETED_RETENTION_SECS: i64 = 30 * 24 * 60 * 60;

/// One stored account. The secret is a [`Secret`], zeroized when the record is dropped.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Record {
    pub id: String,
    pub created: i64,
    pub updated: i64,
    pub issuer: String,
    pub account: String,
    pub kind: OtpKind,
    pub algorithm: Algorithm,
    pub digits: u8,
    #[serde(serialize_with = "ser_secret", deserialize_with = "de_secret")]
    pub secret: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default)]
    pub favourite: bool,
    #[serde(default)]
    pub order: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<i64>,
}

impl Record {
    pub fn new(id: String, new: Account, order: i64, now: i64) -> Self {
        Record {
            id,
            created: now,
            updated: now,
            issuer: new.issuer,
            account: new.account,
            kind: new.kind,
            algorithm: new.algorithm,
            digits: new.digits,
            secret: new.secret,
            icon: None,
            group: None,
            favourite: false,
            order,
            deleted_at: None,
        }
    }

    pub fn to_account(&self) -> Account {
        Account {
            kind: self.kind,
            issuer: self.issuer.clone(),
            account: self.account.clone(),
            secret: self.secret.clone(),
            algorithm: self.algorithm,
            digits: self.digits,
        }
    }

    /// Takes the OTP fields of `account` (re-enrollment), keeping id, creation time, order and
    /// the person's choices (icon, group, favourite).
    pub fn replace_with(&mut self, account: Account, now: i64) {
        self.issuer = account.issuer;
        self.account = account.account;
        self.kind = account.kind;
        self.algorithm = account.algorithm;
        self.digits = account.digits;
        self.secret = account.secret;
        self.updated = now;
    }

    pub fn same_login(&self, account: &Account) -> bool {
        self.issuer == account.issuer && self.account == account.account
    }

    pub fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// True for a deleted record whose 30 days have passed at `now`.
    pub fn is_expired(&self, now: i64) -> bool {
        self.deleted_at
            .is_some_and(|d| now >= d.saturating_add(DELETED_RETENTION_SECS))
    }

    pub fn summary(&self) -> AccountSummary {
        AccountSummary {
            id: self.id.clone(),
            issuer: self.issuer.clone(),
            account: self.account.clone(),
            otp_type: self.kind.type_name(),
            algorithm: self.algorithm,
            digits: self.digits,
            period: self.kind.period(),
            favourite: self.favourite,
            group: self.group.clone(),
            icon: self.icon.clone(),
            order: self.order,
            created: self.created,
            updated: self.updated,
            deleted_at: self.deleted_at,
        }
    }
}

/// What the CLI and the app may show of an account: everything but the secret (and the HOTP
/// counter, which is as sensitive as a code).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountSummary {
    pub id: String,
    pub issuer: String,
    pub account: String,
    /// `"totp"`, `"hotp"` or `"steam"`.
    #[serde(rename = "type")]
    pub otp_type: &'static str,
    pub algorithm: Algorithm,
    pub digits: u8,
    /// Seconds per code; `None` for HOTP.
    pub period: Option<u32>,
    pub favourite: bool,
    pub group: Option<String>,
    pub icon: Option<String>,
    /// Position in the person's list (ascending).
    pub order: i64,
    /// Unix seconds.
    pub created: i64,
    pub updated: i64,
    /// Unix seconds of the (soft) deletion; `None` for live accounts.
    pub deleted_at: Option<i64>,
}

impl AccountSummary {
    /// When a deleted account is purged for good (unix seconds); `None` for live accounts.
    pub fn purge_at(&self) -> Option<i64> {
        self.deleted_at
            .map(|d| d.saturating_add(DELETED_RETENTION_SECS))
    }

    /// Display label: `Issuer (account)`, or whichever part exists.
    pub fn label(&self) -> String {
        crate::account::display_label(&self.issuer, &self.account)
    }
}

/// The encrypted part of the file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Content {
    pub records: Vec<Record>,
}

fn ser_secret<S: Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode_wiped(secret.expose()))
}

fn de_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
    struct SecretVisitor;
    impl Visitor<'_> for SecretVisitor {
        type Value = Secret;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a hex-encoded secret")
        }
        // Hex never needs JSON escapes, so serde_json lends the string straight from the
        // (zeroized) plaintext buffer: no unwiped copy of the secret is made on the way.
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Secret, E> {
            let mut bytes = hex::decode(v).ok_or_else(|| E::custom("secret is not hex"))?;
            Ok(Secret::new(std::mem::take(&mut *bytes)))
        }
    }
    d.deserialize_str(SecretVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_json_round_trip_keeps_every_field() {
        let mut r = Record::new(
            "00112233445566778899aabbccddeeff".into(),
            Account::totp(
                "BLk",
                "jan@example.nl",
                Secret::new(b"12345678901234567890".to_vec()),
            ),
            3,
            1_700_000_000,
        );
        r.group = Some("werk".into());
        r.favourite = true;
        r.deleted_at = Some(1_700_000_500);
        let json = serde_json::to_string(&r).unwrap();
        assert!(
            json.contains("3132333435363738393031323334353637383930"),
            "{json}"
        );
        let back: Record = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_account(), r.to_account());
        assert_eq!(back.group.as_deref(), Some("werk"));
        assert!(back.favourite);
        assert_eq!(back.order, 3);
        assert_eq!(back.deleted_at, Some(1_700_000_500));
    }

    #[test]
    fn expiry_after_thirty_days() {
        let mut r = Record::new(
            "id".into(),
            Account::totp("a", "b", Secret::new(vec![1; 10])),
            0,
            0,
        );
        assert!(!r.is_expired(i64::MAX));
        r.deleted_at = Some(100);
        assert!(!r.is_expired(100 + DELETED_RETENTION_SECS - 1));
        assert!(r.is_expired(100 + DELETED_RETENTION_SECS));
    }
}
