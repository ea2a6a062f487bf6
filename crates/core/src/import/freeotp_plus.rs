//! FreeOTP+ exports (Settings ▸ Export ▸ "JSON format"):
//!
//! ```text
//! {"tokenOrder": ["issuer:label"…],
//!  "tokens": [{"type": "TOTP"|"HOTP", "algo", "digits", "period", "counter",
//!              "secret": [signed bytes], "issuerExt", "issuerInt", "label",
//!              "issuerAlt", "labelAlt", "imageAlt"}…]}
//! ```
//!
//! The key is a JSON array of signed bytes (Java's `byte[]`). The names shown in the app are
//! `issuerAlt`/`labelAlt` when the person edited them, else `issuerExt` (or `issuerInt`) and
//! `label`. FreeOTP writes Steam Guard as a TOTP token whose `issuerExt` is `Steam`: it
//! becomes a Steam account, as in FreeOTP (a rename does not change what the token is).

use serde::Deserialize;
use zeroize::Zeroizing;

use super::entry::{Numbers, RawEntry};
use super::{Format, ImportError, ImportPreview, NewAccount, Skipped};
use crate::base32;
use crate::error::Kind;

const FORMAT: Format = Format::FreeOtpPlus;

#[derive(Deserialize)]
struct Export {
    tokens: Vec<Token>,
}

#[derive(Deserialize)]
struct Token {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    algo: Option<String>,
    #[serde(flatten)]
    numbers: Numbers,
    #[serde(default)]
    secret: Option<SignedBytes>,
    #[serde(rename = "issuerExt", default)]
    issuer_ext: Option<String>,
    #[serde(rename = "issuerInt", default)]
    issuer_int: Option<String>,
    #[serde(rename = "issuerAlt", default)]
    issuer_alt: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(rename = "labelAlt", default)]
    label_alt: Option<String>,
}

/// A key as Java's signed bytes (`-128..=127`, or `0..=255`), wiped when dropped.
struct SignedBytes(Zeroizing<Vec<i64>>);

impl<'de> Deserialize<'de> for SignedBytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(SignedBytesVisitor)
    }
}

struct SignedBytesVisitor;

impl<'de> serde::de::Visitor<'de> for SignedBytesVisitor {
    type Value = SignedBytes;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key as an array of bytes")
    }

    /// Grows by hand: a `Vec` growing by itself would free its earlier, unwiped buffers,
    /// each holding the start of the key.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<SignedBytes, A::Error> {
        let mut values = Zeroizing::new(Vec::with_capacity(64));
        while let Some(value) = seq.next_element::<i64>()? {
            if values.len() == values.capacity() {
                let mut larger = Zeroizing::new(Vec::with_capacity(values.capacity() * 2));
                larger.extend_from_slice(&values);
                values = larger;
            }
            values.push(value);
        }
        Ok(SignedBytes(values))
    }
}

impl SignedBytes {
    /// The key in base32 (wiped when dropped), or `None` when a value is not a byte.
    fn base32(&self) -> Option<Zeroizing<String>> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(self.0.len()));
        for &value in self.0.iter() {
            bytes.push(match value {
                -128..=-1 => (value + 256) as u8,
                0..=255 => value as u8,
                _ => return None,
            });
        }
        Some(Zeroizing::new(base32::encode(&bytes)))
    }
}

/// The first name that is set and not blank.
fn first_named(names: [&Option<String>; 3]) -> String {
    names
        .into_iter()
        .flatten()
        .map(|n| n.trim())
        .find(|n| !n.is_empty())
        .unwrap_or("")
        .to_owned()
}

pub(crate) fn read(text: &str) -> Result<ImportPreview, ImportError> {
    let export: Export =
        serde_json::from_str(text).map_err(|e| ImportError::bad_json(FORMAT, &e))?;
    let mut out = ImportPreview::new(FORMAT);
    for token in &export.tokens {
        let issuer = first_named([&token.issuer_alt, &token.issuer_ext, &token.issuer_int]);
        let account = first_named([&token.label_alt, &token.label, &None]);
        let secret = match token.secret.as_ref().map(SignedBytes::base32) {
            Some(Some(text)) => Some(text),
            Some(None) => {
                out.skipped.push(Skipped {
                    reason: Kind::InvalidSecret,
                    issuer,
                    account,
                    message: "this entry's key holds a value that is not a byte".to_string(),
                });
                continue;
            }
            None => None,
        };
        let kind = token.kind.as_deref().unwrap_or("TOTP");
        // FreeOTP tells Steam by the issuer of the link it was enrolled with, not by a rename.
        let steam = kind.eq_ignore_ascii_case("totp")
            && token.issuer_ext.as_deref().map(str::trim) == Some("Steam");
        let raw = RawEntry {
            kind: if steam { "steam" } else { kind },
            issuer,
            account,
            secret: secret.as_deref().map(String::as_str),
            algorithm: token.algo.as_deref(),
            digits: token.numbers.digits.as_ref(),
            period: token.numbers.period.as_ref(),
            counter: token.numbers.counter.as_ref(),
        };
        match raw.check() {
            Ok(account) => out.accounts.push(NewAccount::from(account)),
            Err(skipped) => out.skipped.push(skipped),
        }
    }
    Ok(out)
}
