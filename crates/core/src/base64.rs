//! Standard-alphabet base64 (RFC 4648 §4): Google Authenticator export payloads, Aegis and
//! 2FAS ciphertexts, and the Aegis export writer.

use zeroize::Zeroizing;

use crate::radix;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Strict standard-alphabet base64 with optional trailing padding: any other character, a
/// `=` before the end, or a length mod 4 of 1 is refused. Non-zero trailing bits are ignored.
/// The output is zeroized on drop (it is often a key or a ciphertext's plaintext source).
pub fn decode(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    radix::decode(text, 6, |byte| match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    })
}

/// Standard base64 with `=` padding, in a string sized for it exactly (padding never
/// reallocates, which would leave an unwiped copy of an encoded key).
pub fn encode(bytes: &[u8]) -> String {
    let unpadded = (bytes.len() * 8).div_ceil(6);
    let mut out = radix::encode(bytes, 6, ALPHABET, unpadded.next_multiple_of(4) - unpadded);
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}
