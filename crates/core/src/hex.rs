//! Lowercase hex, as the JSON contracts print keys (`secret_hex`).

use zeroize::Zeroizing;

use crate::radix;

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    radix::encode(bytes, 4, b"0123456789abcdef", 0)
}

/// As [`encode`], in a buffer wiped when dropped (a key's hex). The text is sized exactly up
/// front, so it never reallocates and leaves no unwiped copy.
pub fn encode_wiped(bytes: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(encode(bytes))
}

/// The value of one hex digit, either case.
pub fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Decodes hex (either case, even length); zeroized on drop.
pub fn decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    radix::decode(text, 4, nibble)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let h = encode_wiped(&[0x00, 0x7f, 0xff, 0x10]);
        assert_eq!(h.as_str(), "007fff10");
        assert_eq!(&**decode(&h).unwrap(), &[0x00, 0x7f, 0xff, 0x10]);
        assert_eq!(&**decode("ABcd").unwrap(), &[0xab, 0xcd]);
        assert!(decode("abc").is_none());
        assert!(decode("zz").is_none());
    }

    #[test]
    fn round_trip() {
        assert_eq!(encode(&[0x00, 0x48, 0xde, 0xff]), "0048deff");
        assert_eq!(
            decode("0048DEff").unwrap().as_slice(),
            [0x00, 0x48, 0xde, 0xff]
        );
        assert_eq!(decode("abc"), None);
        assert_eq!(decode("zz"), None);
        assert_eq!(decode("").unwrap().as_slice(), [] as [u8; 0]);
    }
}
