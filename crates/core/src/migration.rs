//! Google Authenticator exports (`otpauth-migration://offline?data=…`): decoding by the
//! fixture rules (`shared/fixtures/README.md`, "migration rules") and encoding, so Tweestap
//! can also show its accounts as Google-export QR codes.
//!
//! The payload is base64 of this protobuf (never published by Google; matches Aegis's
//! `google_auth.proto`), read and written with prost:
//!
//! ```text
//! MigrationPayload { repeated OtpParameters otp_parameters = 1; int32 version = 2;
//!                    int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5; }
//! OtpParameters    { bytes secret = 1; string name = 2; string issuer = 3;
//!                    Algorithm algorithm = 4; DigitCount digits = 5; OtpType type = 6;
//!                    int64 counter = 7; }
//! Algorithm  { UNSPECIFIED=0, SHA1=1, SHA256=2, SHA512=3, MD5=4 }
//! DigitCount { UNSPECIFIED=0, SIX=1, EIGHT=2 }
//! OtpType    { UNSPECIFIED=0, HOTP=1, TOTP=2 }
//! ```
//!
//! A broken payload fails as a whole ([`MigrationError`]); a bad entry only fails itself
//! ([`MigrationEntryError`]) and the other entries are still imported.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::account::{Account, Algorithm, DEFAULT_PERIOD, OtpKind, Secret};
use crate::base64::{decode as base64_decode, encode as base64_encode};
use crate::error::{ErrorKind, Kind};
use crate::percent;
use crate::uri::{compose_label, resolve_label};

/// Why a whole export link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum MigrationError {
    #[error("this is not a Google Authenticator export: it must start with otpauth-migration://")]
    InvalidScheme,
    #[error("this export link is not an offline export (otpauth-migration://offline?data=…)")]
    InvalidHost,
    #[error("the export link has no data=… part: scan the QR code again")]
    MissingData,
    #[error("the export data is damaged (not valid base64): scan the QR code again")]
    InvalidBase64,
    #[error("the export data is damaged or truncated: scan the QR code again")]
    InvalidProtobuf,
    #[error(
        "this export link is longer than any QR code can hold (at most 16384 bytes): scan the QR code again"
    )]
    TooLong,
}

impl ErrorKind for MigrationError {
    fn kind(&self) -> Kind {
        match self {
            MigrationError::InvalidScheme => Kind::InvalidScheme,
            MigrationError::InvalidHost => Kind::InvalidHost,
            MigrationError::MissingData => Kind::MissingData,
            MigrationError::InvalidBase64 => Kind::InvalidBase64,
            MigrationError::InvalidProtobuf => Kind::InvalidProtobuf,
            MigrationError::TooLong => Kind::LinkTooLong,
        }
    }
}

/// Why one entry of an otherwise readable export was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum MigrationEntryError {
    #[error("this entry has no secret key and cannot be imported")]
    MissingSecret,
    #[error("this entry uses MD5, which no authenticator supports: set up 2FA again for it")]
    UnsupportedAlgorithm,
    #[error(
        "this entry has an unknown algorithm (value {0}): export it again or set it up by hand"
    )]
    InvalidAlgorithm(i32),
    #[error(
        "this entry has an unknown digit count (value {0}): export it again or set it up by hand"
    )]
    InvalidDigits(i32),
    #[error(
        "this entry has an unknown code type (value {0}): export it again or set it up by hand"
    )]
    InvalidType(i32),
}

impl ErrorKind for MigrationEntryError {
    fn kind(&self) -> Kind {
        match self {
            MigrationEntryError::MissingSecret => Kind::MissingSecret,
            MigrationEntryError::UnsupportedAlgorithm => Kind::UnsupportedAlgorithm,
            MigrationEntryError::InvalidAlgorithm(_) => Kind::InvalidAlgorithm,
            MigrationEntryError::InvalidDigits(_) => Kind::InvalidDigits,
            MigrationEntryError::InvalidType(_) => Kind::InvalidType,
        }
    }
}

/// An account that a Google Authenticator export cannot carry.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("account {index} cannot be written as a Google Authenticator export: {reason}")]
pub struct MigrationEncodeError {
    /// Position in the slice given to [`encode_migration`].
    pub index: usize,
    pub reason: &'static str,
}

impl ErrorKind for MigrationEncodeError {
    fn kind(&self) -> Kind {
        Kind::UnsupportedAccount
    }
}

/// The header of one export QR code. A multi-code export shares `batch_id`; `batch_index`
/// counts from 0 to `batch_size - 1`. Absent fields are 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchInfo {
    pub version: i32,
    pub batch_size: i32,
    pub batch_index: i32,
    pub batch_id: i32,
}

/// One decoded export QR code: its header and its entries in order (an error in place of
/// each entry that cannot be imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationBatch {
    pub batch: BatchInfo,
    pub entries: Vec<Result<Account, MigrationEntryError>>,
}

/// Decodes an `otpauth-migration://offline?data=…` link.
pub fn parse_migration(input: &str) -> Result<MigrationBatch, MigrationError> {
    parse_migration_labeled(input).map(|(batch, _)| batch)
}

/// As [`parse_migration`], also giving each entry's `(issuer, account name)` as the label
/// rules read them — for the entries that cannot be imported too, so a report can name them.
pub fn parse_migration_labeled(input: &str) -> Result<LabeledBatch, MigrationError> {
    if input.len() > crate::uri::MAX_LINK_LEN {
        return Err(MigrationError::TooLong);
    }
    let raw =
        percent::split_uri(input, "otpauth-migration").ok_or(MigrationError::InvalidScheme)?;
    if !raw.host.eq_ignore_ascii_case("offline") {
        return Err(MigrationError::InvalidHost);
    }
    // First `data` wins. In its value a raw `+` is a base64 character, not a space.
    let data = percent::query_pairs(raw.query)
        .find(|(name, _)| percent::decode(name, true).is_ok_and(|n| n.as_str() == "data"))
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
        .ok_or(MigrationError::MissingData)?;
    let data = percent::decode(data, false).map_err(|_| MigrationError::InvalidBase64)?;
    let payload = base64_decode(&data).ok_or(MigrationError::InvalidBase64)?;
    decode_payload(&payload).map_err(|Malformed| MigrationError::InvalidProtobuf)
}

/// A decoded export link and, per entry, its `(issuer, account name)`.
pub type LabeledBatch = (MigrationBatch, Vec<(String, String)>);

/// Decodes the protobuf payload itself (the bytes the `data` parameter carries in base64).
pub fn decode_migration_payload(payload: &[u8]) -> Result<MigrationBatch, MigrationError> {
    decode_payload(payload)
        .map(|(batch, _)| batch)
        .map_err(|Malformed| MigrationError::InvalidProtobuf)
}

/// Writes `accounts` as one export link with header `batch`, the way Google Authenticator
/// does (algorithm, digits and type always explicit, `Issuer:account` in `name`).
/// [`parse_migration`] reads it back to the same accounts and header. Fails for what the
/// format cannot carry: Steam, 7 digits, a period other than 30 s.
///
/// The payload, its base64 text and the link hold the keys, so each is built in a buffer
/// sized up front (it never reallocates and leaves an unwiped copy behind) and wiped on drop.
pub fn encode_migration(
    accounts: &[Account],
    batch: &BatchInfo,
) -> Result<Zeroizing<String>, MigrationEncodeError> {
    let message = Payload {
        otp_parameters: accounts
            .iter()
            .enumerate()
            .map(|(index, account)| {
                parameters(account).map_err(|reason| MigrationEncodeError { index, reason })
            })
            .collect::<Result<Vec<_>, _>>()?,
        version: Some(batch.version),
        batch_size: Some(batch.batch_size),
        batch_index: Some(batch.batch_index),
        batch_id: Some(batch.batch_id),
    };
    // prost sizes the buffer from `encoded_len` before it writes.
    let payload = Zeroizing::new(prost::Message::encode_to_vec(&message));
    let data = Zeroizing::new(base64_encode(&payload));
    let data = Zeroizing::new(percent::encode(&data));
    const PREFIX: &str = "otpauth-migration://offline?data=";
    let mut link = Zeroizing::new(String::with_capacity(PREFIX.len() + data.len()));
    link.push_str(PREFIX);
    link.push_str(&data);
    Ok(link)
}

fn parameters(account: &Account) -> Result<OtpParameters, &'static str> {
    let (otp_type, counter) = match account.kind {
        OtpKind::Totp {
            period: DEFAULT_PERIOD,
        } => (2, None),
        OtpKind::Totp { .. } => return Err("the export format only has 30-second codes"),
        // int64 on the wire, its 64 bits kept (a real counter is never negative).
        OtpKind::Hotp { counter } => (1, Some(counter as i64)),
        OtpKind::Steam => return Err("the export format has no Steam Guard codes"),
    };
    let digits = match account.digits {
        6 => 1,
        8 => 2,
        _ => return Err("the export format only has 6- or 8-digit codes"),
    };
    let algorithm = match account.algorithm {
        Algorithm::Sha1 => 1,
        Algorithm::Sha256 => 2,
        Algorithm::Sha512 => 3,
    };
    Ok(OtpParameters {
        secret: wiped_bytes(account.secret.expose()),
        name: Some(compose_label(
            &account.issuer,
            &account.account,
            str::to_owned,
        )),
        issuer: account.issuer.clone(),
        algorithm,
        digits,
        otp_type,
        counter,
    })
}

// ---------------------------------------------------------------------------------------
// The protobuf schema (see the module's documentation).

/// The header fields, the name and an HOTP counter are written even when they are 0 or empty,
/// as Google Authenticator writes them (proto3 would leave them out), so the bytes are those
/// of the hand-written writer before prost and a payload is never empty.
#[derive(prost::Message)]
#[prost(skip_debug)]
struct Payload {
    #[prost(message, repeated, tag = "1")]
    otp_parameters: Vec<OtpParameters>,
    #[prost(int32, optional, tag = "2")]
    version: Option<i32>,
    #[prost(int32, optional, tag = "3")]
    batch_size: Option<i32>,
    #[prost(int32, optional, tag = "4")]
    batch_index: Option<i32>,
    #[prost(int32, optional, tag = "5")]
    batch_id: Option<i32>,
}

/// One account. Its key is a slice of a buffer that wipes itself (see [`wiped_bytes`]).
#[derive(prost::Message)]
#[prost(skip_debug)]
struct OtpParameters {
    #[prost(bytes = "bytes", tag = "1")]
    secret: Bytes,
    #[prost(string, optional, tag = "2")]
    name: Option<String>,
    #[prost(string, tag = "3")]
    issuer: String,
    #[prost(int32, tag = "4")]
    algorithm: i32,
    #[prost(int32, tag = "5")]
    digits: i32,
    #[prost(int32, tag = "6")]
    otp_type: i32,
    #[prost(int64, optional, tag = "7")]
    counter: Option<i64>,
}

/// A buffer that is wiped when the last `Bytes` pointing into it is dropped.
struct Wiped(Zeroizing<Vec<u8>>);

impl AsRef<[u8]> for Wiped {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// `bytes` in a buffer of their own that is wiped when dropped. prost decodes a `Bytes` field
/// from a `Bytes` input as a slice of it, without copying: a key decoded from this buffer
/// is never copied into one that is freed unwiped (as decoding into a `Vec<u8>` would).
fn wiped_bytes(bytes: &[u8]) -> Bytes {
    Bytes::from_owner(Wiped(Zeroizing::new(bytes.to_vec())))
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payload")
            .field("otp_parameters", &self.otp_parameters.len())
            .field("batch_index", &self.batch_index)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for OtpParameters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtpParameters")
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// The payload is not a valid protobuf of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Malformed;

fn decode_payload(payload: &[u8]) -> Result<LabeledBatch, Malformed> {
    let message =
        <Payload as prost::Message>::decode(wiped_bytes(payload)).map_err(|_| Malformed)?;
    let batch = BatchInfo {
        version: message.version.unwrap_or(0),
        batch_size: message.batch_size.unwrap_or(0),
        batch_index: message.batch_index.unwrap_or(0),
        batch_id: message.batch_id.unwrap_or(0),
    };
    let (entries, labels) = message
        .otp_parameters
        .iter()
        .map(|p| {
            (
                entry_account(p),
                resolve_label(p.name.as_deref().unwrap_or(""), Some(p.issuer.as_str())),
            )
        })
        .unzip();
    Ok((MigrationBatch { batch, entries }, labels))
}

/// Checks one decoded entry, in the rule order: secret, algorithm, digits, type.
fn entry_account(p: &OtpParameters) -> Result<Account, MigrationEntryError> {
    if p.secret.is_empty() {
        return Err(MigrationEntryError::MissingSecret);
    }
    let algorithm = match p.algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err(MigrationEntryError::UnsupportedAlgorithm),
        other => return Err(MigrationEntryError::InvalidAlgorithm(other)),
    };
    let digits = match p.digits {
        0 | 1 => 6,
        2 => 8,
        other => return Err(MigrationEntryError::InvalidDigits(other)),
    };
    let kind = match p.otp_type {
        0 | 2 => OtpKind::Totp {
            period: DEFAULT_PERIOD,
        },
        1 => OtpKind::Hotp {
            counter: p.counter.unwrap_or(0) as u64,
        },
        other => return Err(MigrationEntryError::InvalidType(other)),
    };
    let (issuer, account) = resolve_label(p.name.as_deref().unwrap_or(""), Some(p.issuer.as_str()));
    Ok(Account {
        kind,
        issuer,
        account,
        secret: Secret::new(p.secret.to_vec()),
        algorithm,
        digits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_rules() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
        ] {
            assert_eq!(base64_encode(plain.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).unwrap().as_slice(), plain.as_bytes());
            assert_eq!(
                base64_decode(encoded.trim_end_matches('='))
                    .unwrap()
                    .as_slice(),
                plain.as_bytes()
            );
        }
        for bad in ["Zm9vY", "Zm=9v", "Zm9v-_", "Zm 9v", "Zm9v\n"] {
            assert!(base64_decode(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn varint_limits() {
        // A batch id (field 5) as a varint: the largest 10-byte one fits 64 bits (its low 32
        // bits are the int32); one more bit, an 11th byte or a cut-off varint does not.
        let varint = |bytes: &[u8]| decode_payload(&[&[0x28][..], bytes].concat());
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(varint(&max).unwrap().0.batch.batch_id, -1);
        let too_big = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(varint(&too_big).unwrap_err(), Malformed);
        let too_long = [0x80; 11];
        assert_eq!(varint(&too_long).unwrap_err(), Malformed);
        assert_eq!(varint(&[0x80]).unwrap_err(), Malformed);
    }

    #[test]
    fn payload_errors() {
        let protobuf_error = |payload: &[u8]| decode_payload(payload).unwrap_err();
        // Wire types 3, 4, 6, 7 and field number 0.
        for key in [0x0b, 0x0c, 0x0e, 0x0f, 0x00] {
            assert_eq!(protobuf_error(&[key, 0]), Malformed, "key {key:#x}");
        }
        // A known field with the wrong wire type, a truncated length-delimited field, an
        // invalid UTF-8 name.
        assert_eq!(protobuf_error(&[0x10 | 2, 0]), Malformed);
        assert_eq!(protobuf_error(&[0x0a, 5, 0x0a]), Malformed);
        assert_eq!(protobuf_error(&[0x0a, 3, 0x12, 1, 0xff]), Malformed);
        // Unknown fields of each skippable wire type.
        let ok = [
            0xf8, 0x01, 7, 0xf9, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0x01, 0, 0, 0, 0,
        ];
        assert_eq!(decode_payload(&ok).unwrap().0.entries, vec![]);
    }

    #[test]
    fn round_trip_example() {
        let mut hotp = Account::totp("Corp", "team:bob", Secret::new(vec![1, 2, 3]));
        hotp.kind = OtpKind::Hotp { counter: u64::MAX };
        hotp.algorithm = Algorithm::Sha512;
        hotp.digits = 8;
        let accounts = vec![
            Account::totp("", "a:b", Secret::new(vec![9; 20])),
            Account::totp("Is:suer", "x", Secret::new(vec![7; 10])),
            hotp,
        ];
        let batch = BatchInfo {
            version: 1,
            batch_size: 2,
            batch_index: 1,
            batch_id: -5,
        };
        let uri = encode_migration(&accounts, &batch).unwrap();
        let decoded = parse_migration(&uri).unwrap();
        assert_eq!(decoded.batch, batch);
        let decoded: Vec<Account> = decoded.entries.into_iter().map(Result::unwrap).collect();
        assert_eq!(decoded, accounts);
    }

    #[test]
    fn an_export_of_no_accounts_reads_back() {
        // Found by the fuzz target: with every header field 0, proto3 would write nothing, and
        // an empty `data=` reads as `missing_data`.
        let uri = encode_migration(&[], &BatchInfo::default()).unwrap();
        let decoded = parse_migration(&uri).unwrap();
        assert_eq!(decoded.batch, BatchInfo::default());
        assert!(decoded.entries.is_empty());
    }

    #[test]
    fn encode_refuses_what_the_format_lacks() {
        let mut acc = Account::totp("I", "a", Secret::new(vec![1]));
        acc.digits = 7;
        let err = encode_migration(&[acc.clone()], &BatchInfo::default()).unwrap_err();
        assert_eq!((err.index, err.kind().as_str()), (0, "unsupported_account"));
        acc.digits = 6;
        acc.kind = OtpKind::Totp { period: 60 };
        assert!(encode_migration(&[acc.clone()], &BatchInfo::default()).is_err());
        acc.kind = OtpKind::Steam;
        assert!(encode_migration(&[acc], &BatchInfo::default()).is_err());
    }
}
