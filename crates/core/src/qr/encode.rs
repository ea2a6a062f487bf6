//! Drawing QR codes (exports as Google Authenticator QR codes, or any link to show on
//! screen): byte mode, error correction M, black modules on white, a 4-module quiet zone.

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, GrayImage, ImageEncoder, Luma};
use qrcode::{Color, EcLevel, QrCode};
use zeroize::Zeroizing;

use crate::wiping::WipingBuf;

/// The longest text [`encode_png`] is asked to draw: a version-40 code at level M holds 2331
/// bytes; longer texts make codes too dense for phone cameras anyway.
pub const MAX_QR_TEXT: usize = 2331;

/// The QR code of `text` as a grey-scale image, `scale` pixels per module (at least 1).
/// `None` when the text does not fit in a QR code.
pub fn encode_image(text: &str, scale: u32) -> Option<GrayImage> {
    encode_bytes_image(text.as_bytes(), scale)
}

/// As [`encode_image`], for any bytes (text in another character set, binary data).
pub fn encode_bytes_image(bytes: &[u8], scale: u32) -> Option<GrayImage> {
    let code = QrCode::with_error_correction_level(bytes, EcLevel::M).ok()?;
    let scale = scale.max(1);
    let quiet = 4u32;
    let width = u32::try_from(code.width()).ok()?;
    let side = (width + 2 * quiet) * scale;
    let colors = code.to_colors();
    Some(GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / scale, y / scale);
        let dark = mx >= quiet
            && my >= quiet
            && mx < quiet + width
            && my < quiet + width
            && colors[((my - quiet) * width + (mx - quiet)) as usize] == Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    }))
}

/// The QR code of `text` as PNG bytes (see [`encode_image`]).
///
/// The code may carry a key (an export link), so the drawn image is wiped after encoding and
/// the PNG grows in a buffer that wipes what it leaves behind, and is wiped on drop. The QR
/// and PNG encoders' own working buffers are not reachable from here (docs/SECURITY.md).
pub fn encode_png(text: &str, scale: u32) -> Option<Zeroizing<Vec<u8>>> {
    let img = encode_image(text, scale)?;
    let (width, height) = img.dimensions();
    let pixels = Zeroizing::new(img.into_raw());
    let mut out = WipingBuf::with_capacity(pixels.len() / 8 + 1024);
    PngEncoder::new(&mut out)
        .write_image(&pixels, width, height, ExtendedColorType::L8)
        .ok()?;
    Some(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_codes_decode_to_their_text() {
        let text = "otpauth://totp/BLk:jan%40example.nl?secret=JBSWY3DPEHPK3PXP&issuer=BLk";
        let png = encode_png(text, 4).unwrap();
        assert_eq!(
            super::super::decode_bytes(&png).unwrap(),
            vec![text.to_string()]
        );
        assert!(encode_png(&"x".repeat(5000), 4).is_none());
    }
}
