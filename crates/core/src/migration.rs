//! Google Authenticator exports (`otpauth-migration://offline?data=…`): decoding by the
//! fixture rules (`shared/fixtures/README.md`, "migration rules") and encoding, so Tweestap
//! can also show its accounts as Google-export QR codes.
//!
//! The payload is base64 of this protobuf (never published by Google; matches Aegis's
//! `google_auth.proto`), read and written by hand:
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
    let entries = accounts
        .iter()
        .enumerate()
        .map(|(index, account)| {
            encode_entry(account).map_err(|reason| MigrationEncodeError { index, reason })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let capacity = entries
        .iter()
        .map(|e| FIELD_OVERHEAD + e.len())
        .sum::<usize>()
        + 4 * FIELD_OVERHEAD;
    let mut payload = Zeroizing::new(Vec::with_capacity(capacity));
    let allocated = payload.capacity();
    for entry in &entries {
        write_len_field(&mut payload, 1, entry);
    }
    for (number, value) in [
        (2, batch.version),
        (3, batch.batch_size),
        (4, batch.batch_index),
        (5, batch.batch_id),
    ] {
        // int32: negative values are sign-extended to 64 bits (a 10-byte varint).
        write_varint_field(&mut payload, number, i64::from(value) as u64);
    }
    debug_assert_eq!(payload.capacity(), allocated, "the payload reallocated");
    let data = Zeroizing::new(base64_encode(&payload));
    let data = Zeroizing::new(percent::encode(&data));
    const PREFIX: &str = "otpauth-migration://offline?data=";
    let mut link = Zeroizing::new(String::with_capacity(PREFIX.len() + data.len()));
    link.push_str(PREFIX);
    link.push_str(&data);
    Ok(link)
}

/// The most a field's tag and length add to its value: a one-byte tag (field numbers below
/// 16) and a varint of at most 10 bytes.
const FIELD_OVERHEAD: usize = 11;

fn encode_entry(account: &Account) -> Result<Zeroizing<Vec<u8>>, &'static str> {
    let (otp_type, counter) = match account.kind {
        OtpKind::Totp {
            period: DEFAULT_PERIOD,
        } => (2, None),
        OtpKind::Totp { .. } => return Err("the export format only has 30-second codes"),
        OtpKind::Hotp { counter } => (1, Some(counter)),
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
    let name = compose_label(&account.issuer, &account.account, str::to_owned);
    // Three length-delimited fields and up to four varints.
    let capacity =
        account.secret.expose().len() + name.len() + account.issuer.len() + 7 * FIELD_OVERHEAD;
    let mut entry = Zeroizing::new(Vec::with_capacity(capacity));
    let allocated = entry.capacity();
    write_len_field(&mut entry, 1, account.secret.expose());
    write_len_field(&mut entry, 2, name.as_bytes());
    if !account.issuer.is_empty() {
        write_len_field(&mut entry, 3, account.issuer.as_bytes());
    }
    write_varint_field(&mut entry, 4, algorithm);
    write_varint_field(&mut entry, 5, digits);
    write_varint_field(&mut entry, 6, otp_type);
    if let Some(counter) = counter {
        write_varint_field(&mut entry, 7, counter);
    }
    debug_assert_eq!(entry.capacity(), allocated, "the entry reallocated");
    Ok(entry)
}

// ---------------------------------------------------------------------------------------
// Protobuf (proto3 wire format), just what this schema needs.

/// The payload is not a valid protobuf of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Malformed;

/// One field value as found on the wire.
enum Value<'a> {
    Varint(u64),
    Len(&'a [u8]),
    /// Fixed 32- or 64-bit values: only ever skipped here.
    Fixed,
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if n > self.buf.len() {
            return Err(Malformed);
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// A base-128 varint of at most 10 bytes whose value fits 64 bits.
    fn varint(&mut self) -> Result<u64, Malformed> {
        let mut value = 0u64;
        for index in 0..10 {
            let byte = self.take(1)?[0];
            if index == 9 && byte > 1 {
                return Err(Malformed);
            }
            value |= u64::from(byte & 0x7f) << (7 * index);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Malformed)
    }

    /// The next `(field number, value)`, or `None` at the end of the buffer.
    fn next_field(&mut self) -> Result<Option<(u64, Value<'a>)>, Malformed> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let number = key >> 3;
        if number == 0 {
            return Err(Malformed);
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| Malformed)?;
                Value::Len(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            _ => return Err(Malformed), // 3, 4 (groups), 6, 7
        };
        Ok(Some((number, value)))
    }
}

/// Iterates the fields of a message, calling `on_field` for each known one.
fn for_each_field<'a>(
    buf: &'a [u8],
    mut on_field: impl FnMut(u64, Value<'a>) -> Result<(), Malformed>,
) -> Result<(), Malformed> {
    let mut reader = Reader { buf };
    while let Some((number, value)) = reader.next_field()? {
        on_field(number, value)?;
    }
    Ok(())
}

fn as_varint(value: Value<'_>) -> Result<u64, Malformed> {
    match value {
        Value::Varint(v) => Ok(v),
        _ => Err(Malformed),
    }
}

fn as_bytes(value: Value<'_>) -> Result<&[u8], Malformed> {
    match value {
        Value::Len(bytes) => Ok(bytes),
        _ => Err(Malformed),
    }
}

fn as_str(value: Value<'_>) -> Result<&str, Malformed> {
    std::str::from_utf8(as_bytes(value)?).map_err(|_| Malformed)
}

/// proto3 int32 (and enums): the low 32 bits as a signed value.
fn as_int32(value: Value<'_>) -> Result<i32, Malformed> {
    Ok(as_varint(value)? as u32 as i32)
}

fn decode_payload(payload: &[u8]) -> Result<LabeledBatch, Malformed> {
    let mut batch = BatchInfo::default();
    let mut entries = Vec::new();
    let mut labels = Vec::new();
    for_each_field(payload, |number, value| {
        match number {
            1 => {
                let (entry, label) = decode_entry(as_bytes(value)?)?;
                entries.push(entry);
                labels.push(label);
            }
            2 => batch.version = as_int32(value)?,
            3 => batch.batch_size = as_int32(value)?,
            4 => batch.batch_index = as_int32(value)?,
            5 => batch.batch_id = as_int32(value)?,
            _ => {} // unknown field: skipped
        }
        Ok(())
    })?;
    Ok((MigrationBatch { batch, entries }, labels))
}

type DecodedEntry = (Result<Account, MigrationEntryError>, (String, String));

fn decode_entry(message: &[u8]) -> Result<DecodedEntry, Malformed> {
    let mut secret: &[u8] = &[];
    let (mut name, mut issuer) = ("", "");
    let (mut algorithm, mut digits, mut otp_type, mut counter) = (0, 0, 0, 0u64);
    for_each_field(message, |number, value| {
        match number {
            1 => secret = as_bytes(value)?,
            2 => name = as_str(value)?,
            3 => issuer = as_str(value)?,
            4 => algorithm = as_int32(value)?,
            5 => digits = as_int32(value)?,
            6 => otp_type = as_int32(value)?,
            // int64, kept as its 64 bits (a real counter is never negative).
            7 => counter = as_varint(value)?,
            _ => {}
        }
        Ok(())
    })?;
    Ok((
        entry_account(secret, name, issuer, algorithm, digits, otp_type, counter),
        resolve_label(name, Some(issuer)),
    ))
}

/// Checks one decoded entry, in the rule order: secret, algorithm, digits, type.
fn entry_account(
    secret: &[u8],
    name: &str,
    issuer: &str,
    algorithm: i32,
    digits: i32,
    otp_type: i32,
    counter: u64,
) -> Result<Account, MigrationEntryError> {
    if secret.is_empty() {
        return Err(MigrationEntryError::MissingSecret);
    }
    let algorithm = match algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err(MigrationEntryError::UnsupportedAlgorithm),
        other => return Err(MigrationEntryError::InvalidAlgorithm(other)),
    };
    let digits = match digits {
        0 | 1 => 6,
        2 => 8,
        other => return Err(MigrationEntryError::InvalidDigits(other)),
    };
    let kind = match otp_type {
        0 | 2 => OtpKind::Totp {
            period: DEFAULT_PERIOD,
        },
        1 => OtpKind::Hotp { counter },
        other => return Err(MigrationEntryError::InvalidType(other)),
    };
    let (issuer, account) = resolve_label(name, Some(issuer));
    Ok(Account {
        kind,
        issuer,
        account,
        secret: Secret::new(secret.to_vec()),
        algorithm,
        digits,
    })
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn write_varint_field(out: &mut Vec<u8>, number: u64, value: u64) {
    write_varint(out, number << 3);
    write_varint(out, value);
}

fn write_len_field(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    write_varint(out, number << 3 | 2);
    write_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
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
        let mut out = Vec::new();
        write_varint(&mut out, u64::MAX);
        assert_eq!(out.len(), 10);
        assert_eq!(Reader { buf: &out }.varint(), Ok(u64::MAX));
        let too_big = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(Reader { buf: &too_big }.varint(), Err(Malformed));
        let too_long = [0x80; 11];
        assert_eq!(Reader { buf: &too_long }.varint(), Err(Malformed));
        assert_eq!(Reader { buf: &[0x80] }.varint(), Err(Malformed));
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
