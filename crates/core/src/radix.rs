//! Bit-group codecs (base32, base64, hex) over one accumulator loop: each symbol carries
//! `bits` bits, most significant first, and leftover bits at the end are ignored when
//! decoding and zero-filled when encoding. Alphabet checks and padding rules stay with
//! the callers, which know their format.

use zeroize::Zeroizing;

/// Decodes `text`, mapping each byte to its symbol value with `value_of` (`None` refuses the
/// whole text). The output is zeroized on drop, since it is usually a key.
pub(crate) fn decode(
    text: &str,
    bits: u32,
    value_of: impl Fn(u8) -> Option<u8>,
) -> Option<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::with_capacity(text.len() * bits as usize / 8));
    let mut buffer: u32 = 0;
    let mut pending = 0u32;
    for byte in text.bytes() {
        buffer = (buffer << bits) | u32::from(value_of(byte)?);
        pending += bits;
        if pending >= 8 {
            pending -= 8;
            out.push((buffer >> pending) as u8);
            buffer &= (1 << pending) - 1;
        }
    }
    zeroize::Zeroize::zeroize(&mut buffer);
    Some(out)
}

/// Encodes `bytes` with `alphabet` (2^`bits` symbols), unpadded, into a string with room for
/// `padding` more characters (so padding it never reallocates).
pub(crate) fn encode(bytes: &[u8], bits: u32, alphabet: &[u8], padding: usize) -> String {
    let mask = (1u32 << bits) - 1;
    let mut out = String::with_capacity((bytes.len() * 8).div_ceil(bits as usize) + padding);
    let mut buffer: u32 = 0;
    let mut pending = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        pending += 8;
        while pending >= bits {
            pending -= bits;
            out.push(char::from(alphabet[((buffer >> pending) & mask) as usize]));
        }
        buffer &= (1 << pending) - 1;
    }
    if pending > 0 {
        out.push(char::from(
            alphabet[((buffer << (bits - pending)) & mask) as usize],
        ));
    }
    out
}
