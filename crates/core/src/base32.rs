//! RFC 4648 base32 for OTP keys: the lenient normalisation people need when they type or
//! paste a key (spaces, lower case, padding), a strict decoder, and the canonical unpadded
//! encoding used when writing keys out.

use zeroize::Zeroizing;

use crate::radix;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Why a key could not be read as base32.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base32Error {
    /// Nothing was given at all (before normalisation).
    Empty,
    /// Something was given but it is not a usable base32 key.
    Invalid,
}

/// Normalises a typed or pasted key: removes every space, converts to upper case and strips
/// trailing `=` padding. The result may still be invalid; [`decode`] checks it. The buffer is
/// zeroized on drop, as it is as sensitive as the key itself.
pub fn normalize(input: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(input.len()));
    out.extend(
        input
            .chars()
            .filter(|&c| c != ' ')
            .map(|c| c.to_ascii_uppercase()),
    );
    let kept = out.trim_end_matches('=').len();
    out.truncate(kept);
    out
}

/// Decodes a key as the otpauth rules read it: empty input is [`Base32Error::Empty`];
/// otherwise the [normalised](normalize) text must be non-empty, use only `A-Z2-7` and have a
/// length mod 8 other than 1, 3 or 6, else [`Base32Error::Invalid`]. Non-zero trailing bits
/// are ignored.
pub fn decode_key(input: &str) -> Result<Zeroizing<Vec<u8>>, Base32Error> {
    if input.is_empty() {
        return Err(Base32Error::Empty);
    }
    decode(&normalize(input)).ok_or(Base32Error::Invalid)
}

/// Strict RFC 4648 decoding of unpadded upper-case base32. `None` for an empty string, any
/// character outside `A-Z2-7` (padding included) or an impossible length (mod 8 of 1, 3, 6).
pub fn decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if text.is_empty() || matches!(text.len() % 8, 1 | 3 | 6) {
        return None;
    }
    radix::decode(text, 5, |byte| match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'2'..=b'7' => Some(byte - b'2' + 26),
        _ => None,
    })
}

/// Canonical unpadded upper-case base32 of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    radix::encode(bytes, 5, ALPHABET, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(encode(plain.as_bytes()), encoded);
            if !plain.is_empty() {
                assert_eq!(decode(encoded).unwrap().as_slice(), plain.as_bytes());
            }
        }
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            normalize("jbsw y3dp ehpk 3pxp").as_str(),
            "JBSWY3DPEHPK3PXP"
        );
        assert_eq!(
            normalize("wfqjr6hkq3wochmmtmihtn3uya======").as_str(),
            "WFQJR6HKQ3WOCHMMTMIHTN3UYA"
        );
        assert_eq!(normalize("AB=CD=").as_str(), "AB=CD");
    }

    #[test]
    fn key_errors() {
        assert_eq!(decode_key(""), Err(Base32Error::Empty));
        assert_eq!(decode_key(" "), Err(Base32Error::Invalid));
        assert_eq!(decode_key("===="), Err(Base32Error::Invalid));
        assert_eq!(decode_key("JBSWY3DPEHPK3PX1"), Err(Base32Error::Invalid));
        assert_eq!(decode_key("JBSWY3DPE"), Err(Base32Error::Invalid));
        assert_eq!(decode_key("JBSW=Y3DPEHPK3PXP"), Err(Base32Error::Invalid));
        assert_eq!(
            decode_key("MZXW6YTBOI======").unwrap().as_slice(),
            b"foobar"
        );
        // Lengths mod 8 of 1, 3 and 6 cannot come from whole bytes.
        for text in ["A", "AAA", "AAAAAA", "AAAAAAAAA"] {
            assert_eq!(decode_key(text), Err(Base32Error::Invalid), "{text}");
        }
    }
}
