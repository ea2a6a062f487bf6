//! Lowercase hex, as the JSON contracts print keys (`secret_hex`).

use zeroize::Zeroizing;

use crate::radix;

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    radix::encode(bytes, 4, b"0123456789abcdef", 0)
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
