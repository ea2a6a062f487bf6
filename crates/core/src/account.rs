//! The account model shared by every door (URI parser, migration decoder, importers, vault,
//! CLI and app).

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::uri::UriError;

/// Key bytes of an account. Zeroized on drop; `Debug` never shows the bytes, so a secret cannot
/// reach a log line by accident. Reading the bytes is explicit (`expose`). `Hash` lets an
/// import find identical accounts among thousands without comparing each pair.
#[derive(Clone, PartialEq, Eq, Hash, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The raw key bytes. Call sites are few and deliberate: code generation, encryption and
    /// confirmed exports.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

/// HMAC hash function of an OTP account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum Algorithm {
    #[default]
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    /// Canonical upper-case name, as in otpauth URIs and the JSON contracts.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Case-insensitive parse of `SHA1`, `SHA256`, `SHA512`; anything else is `None`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "SHA1" => Some(Algorithm::Sha1),
            "SHA256" => Some(Algorithm::Sha256),
            "SHA512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How codes are derived: time-based, counter-based, or Steam Guard (TOTP SHA1/30 s rendered
/// as five characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum OtpKind {
    Totp { period: u32 },
    Hotp { counter: u64 },
    Steam,
}

impl OtpKind {
    /// `"totp"`, `"hotp"` or `"steam"`, as in the JSON contracts.
    pub fn type_name(self) -> &'static str {
        match self {
            OtpKind::Totp { .. } => "totp",
            OtpKind::Hotp { .. } => "hotp",
            OtpKind::Steam => "steam",
        }
    }

    /// Time step in seconds; `None` for HOTP.
    pub fn period(self) -> Option<u32> {
        match self {
            OtpKind::Totp { period } => Some(period),
            OtpKind::Steam => Some(30),
            OtpKind::Hotp { .. } => None,
        }
    }

    pub fn counter(self) -> Option<u64> {
        match self {
            OtpKind::Hotp { counter } => Some(counter),
            _ => None,
        }
    }
}

pub const DEFAULT_PERIOD: u32 = 30;
/// The longest time step accepted: a day. Real services use 30 or 60 s; a step of years would
/// make a code that never changes.
pub const MAX_PERIOD: u32 = 86_400;
pub const DEFAULT_DIGITS: u8 = 6;

/// One OTP account: what an `otpauth://` URI, a migration entry or an import record describes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Account {
    pub kind: OtpKind,
    /// Service name; empty when there is none (never absent).
    pub issuer: String,
    /// Account name after label-prefix removal, fully decoded Unicode.
    pub account: String,
    pub secret: Secret,
    pub algorithm: Algorithm,
    /// 6, 7 or 8 (Steam: 5 characters, stored as 5).
    pub digits: u8,
}

impl Account {
    /// A TOTP account with the usual defaults (SHA1, 6 digits, 30 s).
    pub fn totp(issuer: impl Into<String>, account: impl Into<String>, secret: Secret) -> Self {
        Self {
            kind: OtpKind::Totp {
                period: DEFAULT_PERIOD,
            },
            issuer: issuer.into(),
            account: account.into(),
            secret,
            algorithm: Algorithm::Sha1,
            digits: DEFAULT_DIGITS,
        }
    }

    /// True when both describe the same login (same issuer and account name), whatever the
    /// secret: the portal's 2FA reset issues a new secret for the same login, which must
    /// replace the old entry rather than sit beside it.
    pub fn same_login(&self, other: &Account) -> bool {
        self.issuer == other.issuer && self.account == other.account
    }

    /// Display label: `Issuer (account)`, or whichever part exists.
    pub fn label(&self) -> String {
        display_label(&self.issuer, &self.account)
    }

    /// Checks what every parser of links and exports guarantees: a key, 6 to 8 digits (five
    /// characters for Steam) and a period from one second to a day. For accounts read from a
    /// file whose fields are not parsed from text (a Tweestap backup's records).
    pub fn check(&self) -> Result<(), UriError> {
        if self.secret.is_empty() {
            return Err(UriError::MissingSecret);
        }
        let digits_ok = match self.kind {
            OtpKind::Steam => self.digits == crate::otp::STEAM_DIGITS,
            OtpKind::Totp { .. } | OtpKind::Hotp { .. } => (6..=8).contains(&self.digits),
        };
        if !digits_ok {
            return Err(UriError::InvalidDigits(self.digits.to_string()));
        }
        match self.kind {
            OtpKind::Totp { period } if !(1..=MAX_PERIOD).contains(&period) => {
                Err(UriError::InvalidPeriod(period.to_string()))
            }
            _ => Ok(()),
        }
    }
}

/// How an account is named to people: `Issuer (account)`, or whichever part exists.
pub fn display_label(issuer: &str, account: &str) -> String {
    match (issuer.is_empty(), account.is_empty()) {
        (false, false) => format!("{issuer} ({account})"),
        (false, true) => issuer.to_owned(),
        (true, _) => account.to_owned(),
    }
}
