//! Image files (PNG, JPEG, GIF, BMP, WebP) and dropped or pasted image bytes.

use std::path::Path;

use tweestap_core::qr;

use crate::{CaptureError, Scan};

/// Reads an image file, with the size limits of [`tweestap_core::qr::load_image`].
pub fn load(path: &Path) -> Result<qr::image::DynamicImage, CaptureError> {
    Ok(qr::load_image_file(path)?)
}

/// Reads and decodes an image file.
pub fn scan_file(path: &Path) -> Result<Scan, CaptureError> {
    let codes = qr::decode_file(path)?;
    Ok(Scan {
        source: path.display().to_string(),
        codes,
    })
}

/// Decodes image bytes (a drag-and-drop payload, a pasted file); `source` names it.
pub fn scan_bytes(source: &str, bytes: &[u8]) -> Result<Scan, CaptureError> {
    let codes = qr::decode_bytes(bytes)?;
    Ok(Scan {
        source: source.to_string(),
        codes,
    })
}
