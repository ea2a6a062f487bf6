//! Telling the formats apart by content, never by file name.
//!
//! - images (PNG, JPEG, GIF, BMP, WebP by their magic bytes) are scanned for QR codes, whose
//!   texts are then a link list;
//! - `TWEESTAP` magic: a Tweestap backup;
//! - a JSON object with `header` and `db`: Aegis; with `services` or `servicesEncrypted`:
//!   2FAS; with `items` or `encrypted`: Bitwarden; with `tokens` and `tokenOrder`: FreeOTP+;
//!   with `shared_secret`: a Steam maFile. A JSON array of objects with
//!   `otpGenerator`: Duo; any other array of objects (or an empty one): andOTP, unless no
//!   object has a key andOTP writes;
//! - text whose lines are `otpauth-migration://` links (or `…://…?data=…` export-like links):
//!   Google Authenticator; text with `otpauth://` lines: a link list;
//! - other binary data starting with a plausible PBKDF2 iteration count (andOTP's
//!   `iterations ‖ salt ‖ IV ‖ ciphertext ‖ tag` layout): an encrypted andOTP backup. The old
//!   andOTP layout (no header) cannot be recognised: name the format for it.

use serde::Deserialize;
use serde::de::IgnoredAny;
use zeroize::Zeroizing;

use super::{Format, ImportError, Source, andotp};
use crate::percent;

/// A source's bytes, classified.
pub(crate) enum Content<'a> {
    /// UTF-8 text, byte-order mark removed.
    Text(&'a str),
    /// The QR codes found in an image (at least one).
    Image(Vec<Zeroizing<String>>),
    /// Anything else (including a Tweestap backup).
    Binary(&'a [u8]),
}

const IMAGE_MAGIC: [&[u8]; 6] = [
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"RIFF",
];

fn is_image(bytes: &[u8]) -> bool {
    IMAGE_MAGIC.iter().any(|m| bytes.starts_with(m))
        && (!bytes.starts_with(b"RIFF") || bytes.get(8..12) == Some(b"WEBP"))
}

impl<'a> Content<'a> {
    pub fn of(source: &'a Source) -> Result<Self, ImportError> {
        let bytes: &[u8] = &source.bytes;
        if is_image(bytes) {
            let texts = crate::qr::decode_bytes(bytes).map_err(|error| ImportError::Image {
                source_name: source.name.clone(),
                error,
            })?;
            if texts.is_empty() {
                return Err(ImportError::NoQrCode {
                    source_name: source.name.clone(),
                });
            }
            return Ok(Content::Image(
                texts.into_iter().map(Zeroizing::new).collect(),
            ));
        }
        if crate::vault::is_vault_file(bytes) {
            return Ok(Content::Binary(bytes));
        }
        match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\0') => {
                Ok(Content::Text(text.strip_prefix('\u{feff}').unwrap_or(text)))
            }
            _ => Ok(Content::Binary(bytes)),
        }
    }

    /// The text of a text format, or `unknown_format` naming what was expected.
    pub fn text(&self, source: &Source, format: Format) -> Result<&str, ImportError> {
        match self {
            Content::Text(text) => Ok(text),
            _ => Err(ImportError::UnknownFormat {
                source_name: source.name.clone(),
                detail: not_expected(format),
            }),
        }
    }

    /// The links of a link list: non-empty lines (trimmed; `#` comments skipped) of a text,
    /// or the QR codes of an image.
    pub fn texts(&self, source: &Source, format: Format) -> Result<Vec<&str>, ImportError> {
        match self {
            Content::Text(text) => Ok(lines(text).collect()),
            Content::Image(codes) => Ok(codes.iter().map(|c| c.trim()).collect()),
            Content::Binary(_) => Err(ImportError::UnknownFormat {
                source_name: source.name.clone(),
                detail: not_expected(format),
            }),
        }
    }

    /// What the content is, for diagnostics: `text`, `image with N QR codes`, `binary`.
    pub fn describe(&self) -> String {
        match self {
            Content::Text(_) => "text".into(),
            Content::Image(codes) => format!("image with {} QR code(s)", codes.len()),
            Content::Binary(_) => "binary".into(),
        }
    }

    /// Why detection found nothing, for the `unknown_format` message.
    pub fn unknown_detail(&self) -> &'static str {
        match self {
            Content::Text(text) if text.trim().is_empty() => "the file is empty",
            Content::Text(text) if text.trim_start().starts_with(['{', '[']) => {
                "this JSON file is not an export Tweestap recognises"
            }
            Content::Text(_) => "this text holds no otpauth:// or otpauth-migration:// links",
            Content::Image(_) => "the QR code holds no authenticator link or export",
            Content::Binary(_) => "this file is not an export Tweestap recognises",
        }
    }
}

fn not_expected(format: Format) -> &'static str {
    match format {
        Format::Google | Format::Uris => "this file is neither text with links nor a QR image",
        _ => "this file is not a JSON text, so it is not the named format",
    }
}

/// Non-empty trimmed lines that are not `#` comments.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The format of a file's bytes, when it is one Tweestap recognises. Images are scanned for
/// QR codes first (a Google export or `otpauth://` QR image is `Google`/`Uris`).
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let source = Source::new("", bytes.to_vec());
    let content = Content::of(&source).ok()?;
    detect_content(&content)
}

pub(crate) fn detect_content(content: &Content<'_>) -> Option<Format> {
    match content {
        Content::Text(text) => detect_text(text),
        Content::Image(codes) => detect_links(codes.iter().map(|c| c.trim())),
        Content::Binary(bytes) => detect_binary(bytes),
    }
}

/// Binary content: a Tweestap backup or an encrypted andOTP backup.
fn detect_binary(bytes: &[u8]) -> Option<Format> {
    if crate::vault::is_vault_file(bytes) {
        Some(Format::Backup)
    } else if andotp::looks_encrypted(bytes) {
        Some(Format::AndOtp)
    } else {
        None
    }
}

fn detect_text(text: &str) -> Option<Format> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        detect_object(&serde_json::from_str(text).ok()?)
    } else if trimmed.starts_with('[') {
        detect_array(&serde_json::from_str::<Vec<EntryProbe>>(text).ok()?)
    } else {
        detect_links(lines(text))
    }
}

/// The top-level keys that tell the JSON object formats apart. Read as `IgnoredAny`: detection
/// copies no value out of the file (a key among them would be left in freed memory), and a
/// `null` counts as absent.
#[derive(Deserialize)]
struct ObjectProbe {
    header: Option<IgnoredAny>,
    db: Option<IgnoredAny>,
    services: Option<IgnoredAny>,
    #[serde(rename = "servicesEncrypted")]
    services_encrypted: Option<IgnoredAny>,
    items: Option<IgnoredAny>,
    encrypted: Option<IgnoredAny>,
    tokens: Option<IgnoredAny>,
    #[serde(rename = "tokenOrder")]
    token_order: Option<IgnoredAny>,
    shared_secret: Option<IgnoredAny>,
}

/// A JSON object, by its top-level keys, in this order: Aegis (`header` and `db`), 2FAS
/// (`services` or `servicesEncrypted`), Bitwarden (`items` or `encrypted`), FreeOTP+ (`tokens`
/// and `tokenOrder`), a Steam maFile (`shared_secret`).
fn detect_object(o: &ObjectProbe) -> Option<Format> {
    if o.header.is_some() && o.db.is_some() {
        Some(Format::Aegis)
    } else if o.services.is_some() || o.services_encrypted.is_some() {
        Some(Format::TwoFas)
    } else if o.items.is_some() || o.encrypted.is_some() {
        Some(Format::Bitwarden)
    } else if o.tokens.is_some() && o.token_order.is_some() {
        Some(Format::FreeOtpPlus)
    } else if o.shared_secret.is_some() {
        Some(Format::Steam)
    } else {
        None
    }
}

/// The keys of an entry of a JSON array format (values unread, as above): Duo's
/// `otpGenerator`, and those every andOTP entry has one of.
#[derive(Deserialize)]
struct EntryProbe {
    #[serde(rename = "otpGenerator")]
    otp_generator: Option<IgnoredAny>,
    secret: Option<IgnoredAny>,
    label: Option<IgnoredAny>,
    issuer: Option<IgnoredAny>,
    #[serde(rename = "type")]
    kind: Option<IgnoredAny>,
}

/// A JSON array of objects: Duo when an entry has `otpGenerator`, andOTP when one has an
/// andOTP key (or the array is empty, andOTP's backup of no accounts), else nothing (so
/// another app's array is `unknown_format`, not an andOTP backup of nothing).
fn detect_array(entries: &[EntryProbe]) -> Option<Format> {
    let andotp = |e: &EntryProbe| {
        e.secret.is_some() || e.label.is_some() || e.issuer.is_some() || e.kind.is_some()
    };
    if entries.iter().any(|e| e.otp_generator.is_some()) {
        Some(Format::Duo)
    } else if entries.is_empty() || entries.iter().any(andotp) {
        Some(Format::AndOtp)
    } else {
        None
    }
}

/// `Google` when every link is an export link, `Uris` when there are `otpauth://` links.
fn detect_links<'a>(texts: impl Iterator<Item = &'a str>) -> Option<Format> {
    let (mut exports, mut links) = (0, 0);
    for text in texts {
        if looks_like_export(text) {
            exports += 1;
        } else if percent::has_scheme(text, "otpauth") {
            links += 1;
        }
    }
    match (exports, links) {
        (0, 0) => None,
        (_, 0) => Some(Format::Google),
        _ => Some(Format::Uris),
    }
}

/// An `otpauth-migration:` link, or something shaped like an export link with another scheme
/// or host (`…://offline?data=…`), so that its error names the real problem.
pub(crate) fn looks_like_export(text: &str) -> bool {
    if percent::has_scheme(text, "otpauth-migration") {
        return true;
    }
    let Some((_, rest)) = text.split_once("://") else {
        return false;
    };
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    percent::query_pairs(query).any(|(name, _)| name == "data")
        && !percent::query_pairs(query).any(|(name, _)| name == "secret")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_content() {
        let cases: [(&[u8], Option<Format>); 17] = [
            (
                br#"{"tokenOrder":[],"tokens":[]}"#,
                Some(Format::FreeOtpPlus),
            ),
            (
                br#"{"shared_secret":"AAAA","account_name":"gamer"}"#,
                Some(Format::Steam),
            ),
            (
                br#"[{"name":"GitHub","otpGenerator":{"otpSecret":"JBSWY3DPEHPK3PXP"}}]"#,
                Some(Format::Duo),
            ),
            (
                br#"[{"secret":"JBSWY3DPEHPK3PXP","label":"a","type":"TOTP"}]"#,
                Some(Format::AndOtp),
            ),
            (br#"[{"title":"not an authenticator"}]"#, None),
            (
                br#"{"version":1,"header":{"slots":null,"params":null},"db":{}}"#,
                Some(Format::Aegis),
            ),
            (
                br#"{"services":[],"schemaVersion":4}"#,
                Some(Format::TwoFas),
            ),
            (br#"{"servicesEncrypted":"a:b:c"}"#, Some(Format::TwoFas)),
            (
                br#"{"encrypted":false,"items":[]}"#,
                Some(Format::Bitwarden),
            ),
            (b"[]", Some(Format::AndOtp)),
            (
                b"\xef\xbb\xbfotpauth://totp/a?secret=JBSWY3DPEHPK3PXP\n",
                Some(Format::Uris),
            ),
            (
                b"otpauth-migration://offline?data=x\n# c\notpauth-migration://offline?data=y",
                Some(Format::Google),
            ),
            (b"https://offline?data=abc", Some(Format::Google)),
            (
                b"otpauth-migration://offline?data=x\notpauth://totp/a?secret=B",
                Some(Format::Uris),
            ),
            (b"{\"hello\":1}", None),
            (b"just text", None),
            (b"TWEESTAP\x01\x00", Some(Format::Backup)),
        ];
        for (bytes, want) in cases {
            assert_eq!(detect(bytes), want, "{}", String::from_utf8_lossy(bytes));
        }
    }
}
