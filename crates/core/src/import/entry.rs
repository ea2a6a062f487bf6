//! One entry of a structured export (Aegis, 2FAS, andOTP, Bitwarden) checked into an account
//! by the same rules everywhere, or into a [`Skipped`] with its reason.
//!
//! Checking order: type, secret, algorithm, digits, then period (TOTP) or counter (HOTP).
//! Steam entries ignore algorithm, digits and period (Steam Guard is always SHA1, 30 s, five
//! characters).

use serde::Deserialize;
use zeroize::Zeroizing;

use super::Skipped;
use crate::account::{Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, OtpKind};
use crate::error::{ErrorKind, Kind};
use crate::otp::STEAM_DIGITS;
use crate::uri::{UriError, parse_secret};

/// A string that holds a key: wiped when dropped.
#[derive(Default)]
pub(crate) struct SecretText(pub Zeroizing<String>);

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| SecretText(Zeroizing::new(s)))
    }
}

impl SecretText {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A number as JSON gives it (any of integer, negative, fraction, or absent).
pub(crate) type Number = Option<serde_json::Number>;

/// The number fields that formats name alike (`digits`, `period`, `counter`), for a format's
/// entry to take in with `#[serde(flatten)]`.
#[derive(Deserialize, Default)]
pub(crate) struct Numbers {
    #[serde(default)]
    pub digits: Number,
    #[serde(default)]
    pub period: Number,
    #[serde(default)]
    pub counter: Number,
}

/// The fields of an entry, as the format gave them.
#[derive(Default)]
pub(crate) struct RawEntry<'a> {
    /// Lower case: `totp`, `hotp`, `steam`, or another type (skipped).
    pub kind: &'a str,
    pub issuer: String,
    pub account: String,
    /// Base32.
    pub secret: Option<&'a str>,
    pub algorithm: Option<&'a str>,
    pub digits: Option<&'a serde_json::Number>,
    pub period: Option<&'a serde_json::Number>,
    pub counter: Option<&'a serde_json::Number>,
}

impl RawEntry<'_> {
    /// The account, or why the entry is skipped.
    pub fn check(self) -> Result<Account, Skipped> {
        let skip = |reason: Kind, message: String| Skipped {
            reason,
            issuer: self.issuer.clone(),
            account: self.account.clone(),
            message,
        };
        let kind = self.kind.to_ascii_lowercase();
        if !matches!(kind.as_str(), "totp" | "hotp" | "steam") {
            return Err(skip(
                Kind::UnsupportedType,
                format!(
                    "this entry uses the code type {:?}, which Tweestap does not support; set it up again as a TOTP account if the service allows",
                    shown(self.kind)
                ),
            ));
        }
        let secret = match self.secret.map(|s| parse_secret(s.trim())) {
            None | Some(Err(UriError::MissingSecret)) => {
                return Err(skip(
                    Kind::MissingSecret,
                    "this entry has no secret key and cannot be imported".to_string(),
                ));
            }
            Some(Err(e)) => return Err(skip(e.kind(), e.to_string())),
            Some(Ok(secret)) => secret,
        };
        if kind == "steam" {
            return Ok(Account {
                kind: OtpKind::Steam,
                issuer: self.issuer,
                account: self.account,
                secret,
                algorithm: Algorithm::Sha1,
                digits: STEAM_DIGITS,
            });
        }
        let algorithm = match self.algorithm.map(str::trim) {
            None | Some("") => Algorithm::Sha1,
            Some(name) => match Algorithm::parse(name) {
                Some(a) => a,
                None if name.eq_ignore_ascii_case("md5") => {
                    return Err(skip(
                        Kind::UnsupportedAlgorithm,
                        "this entry uses MD5, which no authenticator supports: set up 2FA again for it"
                            .to_string(),
                    ));
                }
                None => {
                    let e = UriError::InvalidAlgorithm(shown(name));
                    return Err(skip(e.kind(), e.to_string()));
                }
            },
        };
        let digits = match self.digits {
            None => DEFAULT_DIGITS,
            Some(n) => match n.as_u64() {
                Some(d @ 6..=8) => d as u8,
                _ => {
                    let e = UriError::InvalidDigits(n.to_string());
                    return Err(skip(e.kind(), e.to_string()));
                }
            },
        };
        let kind = if kind == "totp" {
            let period = match self.period {
                None => DEFAULT_PERIOD,
                Some(n) => match n.as_u64().and_then(|p| u32::try_from(p).ok()) {
                    Some(p) if (1..=crate::account::MAX_PERIOD).contains(&p) => p,
                    _ => {
                        let e = UriError::InvalidPeriod(n.to_string());
                        return Err(skip(e.kind(), e.to_string()));
                    }
                },
            };
            OtpKind::Totp { period }
        } else {
            let Some(n) = self.counter else {
                let e = UriError::MissingCounter;
                return Err(skip(e.kind(), e.to_string()));
            };
            let Some(counter) = n.as_u64() else {
                let e = UriError::InvalidCounter(n.to_string());
                return Err(skip(e.kind(), e.to_string()));
            };
            OtpKind::Hotp { counter }
        };
        Ok(Account {
            kind,
            issuer: self.issuer,
            account: self.account,
            secret,
            algorithm,
            digits,
        })
    }
}

/// A value from a file quoted in a message, cut short.
fn shown(value: &str) -> String {
    if value.chars().count() <= 24 {
        value.to_string()
    } else {
        let mut cut: String = value.chars().take(24).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: i64) -> serde_json::Number {
        v.into()
    }

    #[test]
    fn reasons_in_order() {
        let check = |e: RawEntry<'_>| e.check().map_err(|s| s.reason.as_str());
        let base = || RawEntry {
            kind: "totp",
            secret: Some("JBSWY3DPEHPK3PXP"),
            ..RawEntry::default()
        };
        assert!(check(base()).is_ok());
        assert_eq!(
            check(RawEntry {
                kind: "motp",
                secret: None,
                ..base()
            }),
            Err("unsupported_type")
        );
        assert_eq!(
            check(RawEntry {
                secret: None,
                ..base()
            }),
            Err("missing_secret")
        );
        assert_eq!(
            check(RawEntry {
                secret: Some(""),
                ..base()
            }),
            Err("missing_secret")
        );
        assert_eq!(
            check(RawEntry {
                secret: Some("1"),
                ..base()
            }),
            Err("invalid_secret")
        );
        assert_eq!(
            check(RawEntry {
                algorithm: Some("MD5"),
                ..base()
            }),
            Err("unsupported_algorithm")
        );
        assert_eq!(
            check(RawEntry {
                algorithm: Some("SHA224"),
                ..base()
            }),
            Err("invalid_algorithm")
        );
        let ten = n(10);
        assert_eq!(
            check(RawEntry {
                digits: Some(&ten),
                ..base()
            }),
            Err("invalid_digits")
        );
        let zero = n(0);
        assert_eq!(
            check(RawEntry {
                period: Some(&zero),
                ..base()
            }),
            Err("invalid_period")
        );
        assert_eq!(
            check(RawEntry {
                kind: "HOTP",
                ..base()
            }),
            Err("missing_counter")
        );
        let minus = n(-1);
        assert_eq!(
            check(RawEntry {
                kind: "hotp",
                counter: Some(&minus),
                ..base()
            }),
            Err("invalid_counter")
        );
        // Steam ignores the rest.
        let steam = check(RawEntry {
            kind: "STEAM",
            digits: Some(&ten),
            algorithm: Some("MD5"),
            ..base()
        })
        .unwrap();
        assert_eq!((steam.kind, steam.digits), (OtpKind::Steam, 5));
    }
}
