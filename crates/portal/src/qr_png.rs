//! The enrollment QR code as a PNG: black modules on white, 8 pixels each, with the standard
//! quiet zone of 4 modules, so phone apps, webcams and Tweestap's screen scan all read it.

use qrcode::{Color, EcLevel, QrCode};
use tweestap_core::qr::image::codecs::png::PngEncoder;
use tweestap_core::qr::image::{ExtendedColorType, GrayImage, ImageEncoder, Luma};

/// Pixels per module.
const SCALE: u32 = 8;
/// Light modules around the code.
const QUIET: u32 = 4;

/// Encodes `text` (an `otpauth://` link) as a PNG QR code (error correction level M).
pub fn png(text: &str) -> Result<Vec<u8>, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot encode the QR code: {e}"))?;
    let width = u32::try_from(code.width()).map_err(|e| e.to_string())?;
    let colors = code.to_colors();
    let side = (width + 2 * QUIET) * SCALE;
    let image = GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / SCALE, y / SCALE);
        let inside = (QUIET..QUIET + width).contains(&mx) && (QUIET..QUIET + width).contains(&my);
        let dark = inside && colors[((my - QUIET) * width + (mx - QUIET)) as usize] == Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(image.as_raw(), side, side, ExtendedColorType::L8)
        .map_err(|e| format!("cannot write the PNG: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn core_reads_back_what_is_drawn() {
        let uri = "otpauth://totp/BLk:jan@example.nl?secret=JBSWY3DPEHPK3PXP&issuer=BLk";
        let png = super::png(uri).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(tweestap_core::qr::decode_bytes(&png).unwrap(), [uri]);
    }
}
