//! The xdg-desktop-portal Screenshot interface (Wayland).

use ashpd::desktop::ResponseError;
use ashpd::desktop::screenshot::Screenshot;
use tweestap_core::qr::{self, image::RgbaImage};

use crate::CaptureError;

fn map_err(e: ashpd::Error) -> CaptureError {
    match e {
        ashpd::Error::Response(ResponseError::Cancelled) => CaptureError::ScreenPermissionDenied {
            detail: " (the screenshot request was cancelled)".to_string(),
        },
        ashpd::Error::Response(_) => CaptureError::ScreenPermissionDenied {
            detail: String::new(),
        },
        ashpd::Error::Zbus(z) => CaptureError::PortalUnavailable {
            detail: z.to_string(),
        },
        ashpd::Error::RequiresVersion(..) | ashpd::Error::PortalNotFound(_) => {
            CaptureError::PortalUnavailable {
                detail: e.to_string(),
            }
        }
        other => CaptureError::ScreenCaptureFailed {
            detail: other.to_string(),
        },
    }
}

/// `file:///a%20b/c.png` → `/a b/c.png`.
fn file_uri_path(uri: &str) -> Option<std::path::PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    use std::os::unix::ffi::OsStringExt;
    Some(std::ffi::OsString::from_vec(out).into())
}

/// Asks the portal for a non-interactive screenshot of the whole desktop, reads it and deletes
/// the file the portal wrote (it shows the 2FA secret).
pub fn screenshot() -> Result<RgbaImage, CaptureError> {
    pollster::block_on(async {
        let shot = Screenshot::request()
            .interactive(false)
            .modal(false)
            .send()
            .await
            .map_err(map_err)?
            .response()
            .map_err(map_err)?;
        let uri = shot.uri().as_str().to_string();
        let path = file_uri_path(&uri).ok_or_else(|| CaptureError::ScreenCaptureFailed {
            detail: format!("the portal returned an unexpected location: {uri}"),
        })?;
        let img = qr::load_image_file(&path);
        let _ = std::fs::remove_file(&path);
        Ok(img?.to_rgba8())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_uris() {
        assert_eq!(
            super::file_uri_path("file:///home/a%20b/Screenshot.png").unwrap(),
            std::path::PathBuf::from("/home/a b/Screenshot.png")
        );
        assert!(super::file_uri_path("https://x").is_none());
        assert!(super::file_uri_path("file:///bad%2").is_none());
    }
}
