//! The URI mechanics shared by the `otpauth://` and `otpauth-migration://` parsers: splitting
//! `scheme://host/path?query#fragment`, strict percent-decoding and percent-encoding.

use zeroize::Zeroizing;

use crate::hex;

/// The parts of a `scheme://host/path?query` URI, still percent-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawUri<'a> {
    pub host: &'a str,
    /// Everything between `host/` and the first `?` (empty when absent).
    pub path: &'a str,
    /// Everything after the first `?` (empty when absent).
    pub query: &'a str,
}

/// True when `input` starts with `scheme:` (any letter case).
pub(crate) fn has_scheme(input: &str, scheme: &str) -> bool {
    input
        .get(..scheme.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        && input[scheme.len()..].starts_with(':')
}

/// Splits `input` if it is `scheme://…` (scheme in any letter case). The fragment (from the
/// first `#`) is dropped; the host ends at the first `/` or `?`.
pub(crate) fn split_uri<'a>(input: &'a str, scheme: &str) -> Option<RawUri<'a>> {
    if !has_scheme(input, scheme) {
        return None;
    }
    let rest = input[scheme.len() + 1..].strip_prefix("//")?;
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (host, path) = before_query.split_once('/').unwrap_or((before_query, ""));
    Some(RawUri { host, path, query })
}

/// Query segments as raw `(name, value)` pairs: split on `&`, empty segments skipped, each
/// split at its first `=` (no `=` means an empty value).
pub(crate) fn query_pairs(query: &str) -> impl Iterator<Item = (&str, &str)> {
    query
        .split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| segment.split_once('=').unwrap_or((segment, "")))
}

/// A malformed `%` escape, or bytes that are not UTF-8 once decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecodeError;

/// Decodes `%XX` escapes (hex in either case) and requires the result to be UTF-8. With
/// `plus_is_space`, `+` becomes a space (form encoding, for query names and values); otherwise
/// it stays literal (paths, base64 data). Raw non-ASCII text passes through unchanged. The
/// output is zeroized on drop since it may be a key.
pub(crate) fn decode(input: &str, plus_is_space: bool) -> Result<Zeroizing<String>, DecodeError> {
    let bytes = input.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|&b| hex::nibble(b));
                let lo = bytes.get(i + 2).and_then(|&b| hex::nibble(b));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err(DecodeError),
                }
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    let text = std::str::from_utf8(&out).map_err(|_| DecodeError)?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// Percent-encodes UTF-8 text for a URI path or query value: everything except RFC 3986
/// unreserved characters (`A-Z a-z 0-9 - . _ ~`) and `@` becomes `%XX` (upper-case hex), so
/// `:`, `+`, `&`, `#`, `%`, `/`, `?`, `=` and spaces are always escaped.
///
/// The output is sized exactly before it is written, so it never reallocates: encoding a key
/// (base64 data of an export link) leaves no unwiped copy behind.
pub(crate) fn encode(text: &str) -> String {
    const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
    let kept =
        |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'@');
    let escaped = text.bytes().filter(|&b| !kept(b)).count();
    let mut out = String::with_capacity(text.len() + 2 * escaped);
    for &byte in text.as_bytes() {
        if kept(byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
            out.push(char::from(HEX_UPPER[usize::from(byte & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_parts() {
        let raw = split_uri("OTPAUTH://TOTP/a:b?x=1&y#frag?z", "otpauth").unwrap();
        assert_eq!(
            raw,
            RawUri {
                host: "TOTP",
                path: "a:b",
                query: "x=1&y"
            }
        );
        let raw = split_uri("otpauth://totp", "otpauth").unwrap();
        assert_eq!(
            raw,
            RawUri {
                host: "totp",
                path: "",
                query: ""
            }
        );
        let raw = split_uri("otpauth-migration://offline?data=a/b", "otpauth-migration").unwrap();
        assert_eq!(
            raw,
            RawUri {
                host: "offline",
                path: "",
                query: "data=a/b"
            }
        );
        assert!(split_uri("otpauth:/totp/x", "otpauth").is_none());
        assert!(split_uri("otpauth-migration://offline", "otpauth").is_none());
        assert!(split_uri("otp", "otpauth").is_none());
        assert!(split_uri("otpaut€://", "otpauth").is_none());
    }

    #[test]
    fn query_segments() {
        let pairs: Vec<_> = query_pairs("a=1&&b&c=x=y&").collect();
        assert_eq!(pairs, [("a", "1"), ("b", ""), ("c", "x=y")]);
    }

    #[test]
    fn decoding() {
        assert_eq!(decode("a%20b+c", true).unwrap().as_str(), "a b c");
        assert_eq!(decode("a%20b+c", false).unwrap().as_str(), "a b+c");
        assert_eq!(decode("Caf%C3%a9", false).unwrap().as_str(), "Café");
        assert_eq!(decode("Café", false).unwrap().as_str(), "Café");
        for bad in ["Caf%E9", "%ZZ", "%4", "%", "100%"] {
            assert_eq!(decode(bad, true), Err(DecodeError), "{bad}");
        }
    }

    #[test]
    fn encoding_round_trips() {
        let text = "Café: a+b & c#d %e/f?g=h ~i@j 🚀";
        let encoded = encode(text);
        assert!(!encoded.contains([':', '+', '&', '#', ' ', '/', '?', '=']));
        assert_eq!(decode(&encoded, true).unwrap().as_str(), text);
        assert_eq!(decode(&encoded, false).unwrap().as_str(), text);
    }
}
