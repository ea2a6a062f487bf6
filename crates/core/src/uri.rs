//! `otpauth://` links (Google's Key Uri Format) as the fixture rules read them
//! (`shared/fixtures/README.md`, "otpauth URI rules"), and writing them back.
//!
//! Checking order: length ([`MAX_LINK_LEN`]), scheme, type, label decoding, query decoding, secret, algorithm, digits,
//! then period (totp) or counter (hotp). [`build_account`] is the second half on its own, so
//! a key typed with flags (CLI `--secret --digits …`) is validated by exactly the same rules.

use serde::Deserialize;
use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::account::{Account, Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, OtpKind, Secret};
use crate::base32::{self, Base32Error};
use crate::error::{ErrorKind, Kind};
use crate::otp::{STEAM_DIGITS, STEAM_PERIOD};
use crate::percent;

/// Longest link read, in bytes: more than five times what the largest QR code holds (2953
/// bytes), so no real link comes near it. A longer text is refused before any decoding, so a
/// megabyte pasted by mistake (or by malice) never becomes a megabyte account name.
pub const MAX_LINK_LEN: usize = 16 * 1024;

/// Why an `otpauth://` link (or a key given with flags) was refused. One variant per stable
/// category; messages never contain the key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UriError {
    #[error(
        "this is not an otpauth:// link: it must start with otpauth://totp/ or otpauth://hotp/"
    )]
    InvalidScheme,
    #[error("unknown code type {0:?}: the link must say otpauth://totp/… or otpauth://hotp/…")]
    InvalidType(String),
    #[error(
        "the link is damaged: it has a broken %-escape or text that is not UTF-8; scan or copy it again"
    )]
    InvalidUri,
    #[error("the link has no secret key (secret=…): ask the service for a new QR code or key")]
    MissingSecret,
    #[error(
        "the key contains characters that are not base32 (A–Z, 2–7) or has an impossible length: check that it was copied completely"
    )]
    InvalidSecret,
    #[error("unsupported algorithm {0:?}: use SHA1, SHA256 or SHA512")]
    InvalidAlgorithm(String),
    #[error("unsupported number of digits {0:?}: use 6, 7 or 8")]
    InvalidDigits(String),
    #[error("invalid period {0:?}: use a whole number of seconds from 1 to 86400 (usually 30)")]
    InvalidPeriod(String),
    #[error("a counter-based (hotp) link needs a counter=… value")]
    MissingCounter,
    #[error("invalid counter {0:?}: use a whole number from 0 to 18446744073709551615")]
    InvalidCounter(String),
    #[error(
        "this text is {0} bytes long, far longer than any authenticator link (at most 16384): copy just the otpauth:// link"
    )]
    TooLong(usize),
    #[error(
        "the names in this link are too long: written back as a link it would be {0} bytes (at most 16384); shorten the issuer or account name"
    )]
    NamesTooLong(usize),
    #[error("give the account a name: a service or an account name")]
    NameRequired,
}

impl ErrorKind for UriError {
    fn kind(&self) -> Kind {
        match self {
            UriError::InvalidScheme => Kind::InvalidScheme,
            UriError::InvalidType(_) => Kind::InvalidType,
            UriError::InvalidUri => Kind::InvalidUri,
            UriError::MissingSecret => Kind::MissingSecret,
            UriError::InvalidSecret => Kind::InvalidSecret,
            UriError::InvalidAlgorithm(_) => Kind::InvalidAlgorithm,
            UriError::InvalidDigits(_) => Kind::InvalidDigits,
            UriError::InvalidPeriod(_) => Kind::InvalidPeriod,
            UriError::MissingCounter => Kind::MissingCounter,
            UriError::InvalidCounter(_) => Kind::InvalidCounter,
            UriError::TooLong(_) | UriError::NamesTooLong(_) => Kind::LinkTooLong,
            UriError::NameRequired => Kind::NameRequired,
        }
    }
}

/// A user-supplied value quoted in an error message, cut short so a 16 KB parameter cannot
/// flood a terminal.
fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 24;
    if value.chars().count() <= MAX_CHARS {
        value.to_owned()
    } else {
        let mut cut: String = value.chars().take(MAX_CHARS).collect();
        cut.push('…');
        cut
    }
}

/// `totp` or `hotp`: the two types an `otpauth://` link can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OtpType {
    #[default]
    Totp,
    Hotp,
}

/// The decoded parameters of a link (or the equivalent flags), not yet validated. `None`
/// means absent.
#[derive(Debug, Clone, Copy, Default)]
pub struct OtpParams<'a> {
    pub secret: Option<&'a str>,
    pub issuer: Option<&'a str>,
    pub algorithm: Option<&'a str>,
    pub digits: Option<&'a str>,
    pub period: Option<&'a str>,
    pub counter: Option<&'a str>,
}

/// An account typed in by hand (the app's form, the CLI's `--secret` flags): its names, the
/// key in base32, and settings that are the usual defaults when absent (a door that has
/// blank form fields passes them as absent).
#[derive(Clone, Copy, Default)]
pub struct ManualEntry<'a> {
    pub otp_type: OtpType,
    pub issuer: &'a str,
    pub account: &'a str,
    pub secret: &'a str,
    pub algorithm: Option<&'a str>,
    pub digits: Option<&'a str>,
    pub period: Option<&'a str>,
    pub counter: Option<&'a str>,
}

impl std::fmt::Debug for ManualEntry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualEntry")
            .field("otp_type", &self.otp_type)
            .field("issuer", &self.issuer)
            .field("account", &self.account)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Validates an account typed in by hand, as [`build_account`] does a link's parameters.
pub fn manual_account(entry: &ManualEntry<'_>) -> Result<Account, UriError> {
    let params = OtpParams {
        secret: Some(entry.secret),
        issuer: (!entry.issuer.is_empty()).then_some(entry.issuer),
        algorithm: entry.algorithm,
        digits: entry.digits,
        period: entry.period,
        counter: entry.counter,
    };
    let mut account = build_account(entry.otp_type, "", &params)?;
    account.account = entry.account.to_owned();
    Ok(account)
}

/// An account typed into a window's form. Unlike the CLI's flags (where `--digits ''` is
/// `invalid_digits`), a blank field means the usual default; a counter makes it HOTP; and it
/// needs a name (`name_required`). The key is wiped when this is dropped.
#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
// The name the app's bindings give it.
#[serde(rename = "ManualAccount")]
pub struct ManualForm {
    pub issuer: String,
    pub account: String,
    pub secret: String,
    pub algorithm: Option<String>,
    pub digits: Option<String>,
    pub period: Option<String>,
    /// Set for a counter-based (HOTP) account.
    pub counter: Option<String>,
}

impl ManualForm {
    /// The account the form describes (see [`manual_account`]).
    pub fn account(&self) -> Result<Account, UriError> {
        let (issuer, account) = (self.issuer.trim(), self.account.trim());
        if issuer.is_empty() && account.is_empty() {
            return Err(UriError::NameRequired);
        }
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        manual_account(&ManualEntry {
            otp_type: if given(&self.counter).is_some() {
                OtpType::Hotp
            } else {
                OtpType::Totp
            },
            issuer,
            account,
            secret: &self.secret,
            algorithm: given(&self.algorithm),
            digits: given(&self.digits),
            period: given(&self.period),
            counter: given(&self.counter),
        })
    }
}

/// Parses an `otpauth://` link into an [`Account`].
pub fn parse_otpauth(input: &str) -> Result<Account, UriError> {
    parse(input, false)
}

/// As [`parse_otpauth`], also accepting the `otpauth://steam/…` links that Aegis and andOTP
/// write (and [`format_otpauth`] writes for Steam accounts): a Steam Guard account, whose
/// `algorithm`, `digits` and `period` parameters are ignored (Steam is always SHA1, 30 s,
/// five characters). For importing lists of links; scanned QR codes use [`parse_otpauth`].
pub fn parse_otpauth_any(input: &str) -> Result<Account, UriError> {
    parse(input, true)
}

/// The issuer and account name a link's label and `issuer` parameter give, read as leniently
/// as possible: for naming a link that cannot be imported. `None` when even that fails.
pub(crate) fn label_of(input: &str) -> Option<(String, String)> {
    if input.len() > MAX_LINK_LEN {
        return None;
    }
    let raw = percent::split_uri(input, "otpauth")?;
    let label = percent::decode(raw.path, false).ok()?;
    let issuer = percent::query_pairs(raw.query)
        .find(|(name, _)| *name == "issuer")
        .and_then(|(_, value)| percent::decode(value, true).ok());
    Some(resolve_label(&label, issuer.as_ref().map(|i| i.as_str())))
}

fn parse(input: &str, allow_steam: bool) -> Result<Account, UriError> {
    if input.len() > MAX_LINK_LEN {
        return Err(UriError::TooLong(input.len()));
    }
    let raw = percent::split_uri(input, "otpauth").ok_or(UriError::InvalidScheme)?;
    let steam = allow_steam && raw.host.eq_ignore_ascii_case("steam");
    let otp_type = if raw.host.eq_ignore_ascii_case("totp") || steam {
        OtpType::Totp
    } else if raw.host.eq_ignore_ascii_case("hotp") {
        OtpType::Hotp
    } else {
        return Err(UriError::InvalidType(shown(raw.host)));
    };
    let label = percent::decode(raw.path, false).map_err(|_| UriError::InvalidUri)?;
    let query = percent::query_pairs(raw.query)
        .map(|(name, value)| Ok((percent::decode(name, true)?, percent::decode(value, true)?)))
        .collect::<Result<Vec<_>, percent::DecodeError>>()
        .map_err(|_| UriError::InvalidUri)?;
    // The first occurrence of a parameter wins; unknown parameters are ignored.
    let first = |wanted: &str| {
        query
            .iter()
            .find(|(name, _)| name.as_str() == wanted)
            .map(|(_, value)| value.as_str())
    };
    let mut params = OtpParams {
        secret: first("secret"),
        issuer: first("issuer"),
        algorithm: first("algorithm"),
        digits: first("digits"),
        period: first("period"),
        counter: first("counter"),
    };
    if steam {
        params.algorithm = None;
        params.digits = None;
        params.period = None;
    }
    let mut account = build_account(otp_type, &label, &params)?;
    if steam {
        account.kind = OtpKind::Steam;
        account.digits = STEAM_DIGITS;
    }
    // Every link accepted must also be one Tweestap can write back and read again (exports):
    // percent-encoding a label of raw non-ASCII text can triple its length (found by fuzzing).
    let written = format_otpauth(&account).len();
    if written > MAX_LINK_LEN {
        return Err(UriError::NamesTooLong(written));
    }
    Ok(account)
}

/// Validates decoded parameters into an account: `label` is the decoded label (`Issuer:account`
/// or `account`). Checks secret, algorithm, digits, then period (totp) or counter (hotp);
/// `period` is ignored for hotp and `counter` for totp.
pub fn build_account(
    otp_type: OtpType,
    label: &str,
    params: &OtpParams<'_>,
) -> Result<Account, UriError> {
    let secret = parse_secret(params.secret.unwrap_or(""))?;
    let algorithm = match params.algorithm {
        None => Algorithm::default(),
        Some(name) => {
            Algorithm::parse(name).ok_or_else(|| UriError::InvalidAlgorithm(shown(name)))?
        }
    };
    let digits = match params.digits {
        None => DEFAULT_DIGITS,
        Some(text) => match parse_decimal(text) {
            Some(n @ 6..=8) => n as u8,
            _ => return Err(UriError::InvalidDigits(shown(text))),
        },
    };
    let kind = match otp_type {
        OtpType::Totp => OtpKind::Totp {
            period: match params.period {
                None => DEFAULT_PERIOD,
                Some(text) => parse_decimal(text)
                    .and_then(|p| u32::try_from(p).ok())
                    .filter(|p| (1..=crate::account::MAX_PERIOD).contains(p))
                    .ok_or_else(|| UriError::InvalidPeriod(shown(text)))?,
            },
        },
        OtpType::Hotp => {
            let text = params.counter.ok_or(UriError::MissingCounter)?;
            OtpKind::Hotp {
                counter: parse_decimal(text)
                    .ok_or_else(|| UriError::InvalidCounter(shown(text)))?,
            }
        }
    };
    let (issuer, account) = resolve_label(label, params.issuer);
    Ok(Account {
        kind,
        issuer,
        account,
        secret,
        algorithm,
        digits,
    })
}

/// Reads a base32 key as the otpauth rules do: empty → `missing_secret`; otherwise spaces
/// removed, upper-cased, trailing `=` stripped, and the rest must be valid base32
/// (`invalid_secret`).
pub fn parse_secret(text: &str) -> Result<Secret, UriError> {
    match base32::decode_key(text) {
        Ok(bytes) => Ok(Secret::new(bytes.to_vec())),
        Err(Base32Error::Empty) => Err(UriError::MissingSecret),
        Err(Base32Error::Invalid) => Err(UriError::InvalidSecret),
    }
}

/// A non-empty string of ASCII decimal digits (leading zeros allowed) that fits a `u64`.
fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.bytes().try_fold(0u64, |value, digit| {
        value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })
}

/// Splits a decoded label at its first `:` into (issuer prefix, account), trims ASCII spaces
/// from both, and lets a non-blank `issuer` value (trimmed) win over the prefix. Shared by
/// otpauth labels and migration `name` fields.
pub(crate) fn resolve_label(label: &str, issuer_param: Option<&str>) -> (String, String) {
    let (prefix, account) = match label.split_once(':') {
        Some((prefix, account)) => (prefix.trim_matches(' '), account.trim_matches(' ')),
        None => ("", label.trim_matches(' ')),
    };
    let issuer = match issuer_param.map(|i| i.trim_matches(' ')) {
        Some(param) if !param.is_empty() => param,
        _ => prefix,
    };
    (issuer.to_owned(), account.to_owned())
}

/// The inverse of [`resolve_label`] for an issuer that is also written separately: the label
/// to write so that reading it back gives `account` unchanged, with each part passed through
/// `encode` (the `:` separator stays literal). The prefix is left out when the issuer itself
/// contains `:` (the separate issuer carries it); a lone leading `:` protects an account name
/// that contains `:` when there is no prefix.
pub(crate) fn compose_label(
    issuer: &str,
    account: &str,
    encode: impl Fn(&str) -> String,
) -> String {
    if !issuer.is_empty() && !issuer.contains(':') {
        format!("{}:{}", encode(issuer), encode(account))
    } else if account.contains(':') {
        format!(":{}", encode(account))
    } else {
        encode(account)
    }
}

/// Writes an account as an `otpauth://` link that [`parse_otpauth`] reads back to an equal
/// account. Every parameter is explicit (`issuer` only when non-empty). Steam accounts are
/// written in Aegis's `otpauth://steam/…` form, which `parse_otpauth` deliberately refuses
/// (`invalid_type`).
///
/// What cannot survive the trip, by the parse rules: leading/trailing spaces in the account
/// name or issuer (trimmed on reading) and an issuer of only spaces (read as absent).
///
/// The link holds the key, so it is returned in a buffer wiped on drop, sized up front so that
/// it never reallocates (which would leave an unwiped copy behind).
pub fn format_otpauth(account: &Account) -> Zeroizing<String> {
    use std::fmt::Write;
    let secret = Zeroizing::new(base32::encode(account.secret.expose()));
    let label = compose_label(&account.issuer, &account.account, percent::encode);
    let issuer = percent::encode(&account.issuer);
    // Scheme, type, the fixed parameter names and the numbers: well under 128 bytes.
    let mut uri = Zeroizing::new(String::with_capacity(
        128 + label.len() + secret.len() + issuer.len(),
    ));
    let _ = write!(
        uri,
        "otpauth://{}/{}?secret={}",
        account.kind.type_name(),
        label,
        secret.as_str()
    );
    if !account.issuer.is_empty() {
        uri.push_str("&issuer=");
        uri.push_str(&issuer);
    }
    let (algorithm, digits) = match account.kind {
        OtpKind::Steam => (Algorithm::Sha1, STEAM_DIGITS),
        _ => (account.algorithm, account.digits),
    };
    let _ = write!(uri, "&algorithm={algorithm}&digits={digits}");
    let _ = match account.kind {
        OtpKind::Totp { period } => write!(uri, "&period={period}"),
        OtpKind::Steam => write!(uri, "&period={STEAM_PERIOD}"),
        OtpKind::Hotp { counter } => write!(uri, "&counter={counter}"),
    };
    debug_assert!(uri.capacity() == 128 + label.len() + secret.len() + issuer.len());
    uri
}

#[cfg(test)]
#[path = "uri_tests.rs"]
mod tests;
