//! An image on the clipboard (a copied screenshot region or QR image).

use tweestap_core::qr::{self, image::RgbaImage};

use crate::{CaptureError, Scan};

fn map_err(e: arboard::Error) -> CaptureError {
    match e {
        arboard::Error::ContentNotAvailable => CaptureError::ClipboardNoImage,
        other => CaptureError::ClipboardUnavailable {
            detail: other.to_string(),
        },
    }
}

/// The clipboard's image, if it holds one.
pub fn image() -> Result<RgbaImage, CaptureError> {
    let mut cb = arboard::Clipboard::new().map_err(map_err)?;
    let data = cb.get_image().map_err(map_err)?;
    let (w, h) = (data.width as u32, data.height as u32);
    if u64::from(w) * u64::from(h) > qr::MAX_PIXELS {
        return Err(qr::QrError::ImageTooLarge {
            width: w,
            height: h,
            max_megapixels: (qr::MAX_PIXELS / 1_000_000) as u32,
        }
        .into());
    }
    RgbaImage::from_raw(w, h, data.bytes.into_owned()).ok_or_else(|| {
        CaptureError::ClipboardUnavailable {
            detail: "the clipboard image has an unexpected size".to_string(),
        }
    })
}

/// Decodes the clipboard's image.
pub fn scan() -> Result<Scan, CaptureError> {
    let img = qr::image::DynamicImage::ImageRgba8(image()?);
    Ok(Scan {
        source: "clipboard".to_string(),
        codes: qr::decode_image(&img)?,
    })
}
