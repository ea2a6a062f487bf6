//! The clipboard: reading an image (a copied screenshot region or QR image) to scan, and
//! copying a code ([`CodeClipboard`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tweestap_core::qr::{self, image::RgbaImage};
use zeroize::Zeroizing;

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

/// Copying codes: each is put on the system clipboard marked as sensitive where the platform
/// allows (Linux: the KDE/GNOME password-manager hint, kept out of clipboard history; Windows:
/// excluded from history, cloud sync and clipboard monitors; macOS: the nspasteboard.org
/// concealed type), and wiped after the chosen time if the clipboard still holds it. Tauri's
/// clipboard-manager plugin cannot set those marks, hence arboard directly.
///
/// Clones share one clipboard.
#[derive(Clone, Default)]
pub struct CodeClipboard(Arc<Copies>);

#[derive(Default)]
struct Copies {
    /// On X11 the connection must live on to keep serving what was copied.
    board: Mutex<Option<arboard::Clipboard>>,
    /// Counts copies, so only the latest copy's timer clears.
    generation: AtomicU64,
    /// The code last copied, so locking and quitting can take it off the clipboard (only if
    /// the clipboard still holds it: something the person copied since is theirs).
    copied: Mutex<Option<Zeroizing<String>>>,
}

impl CodeClipboard {
    /// Copies `code`, and wipes it after `clear_after` (`None`: it stays) if it is still the
    /// clipboard's text and nothing was copied with this clipboard since.
    pub fn copy(&self, code: &str, clear_after: Option<Duration>) -> Result<(), CaptureError> {
        self.0.set(code)?;
        if let Ok(mut copied) = self.0.copied.lock() {
            *copied = Some(Zeroizing::new(code.to_owned()));
        }
        let generation = self.0.generation.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(after) = clear_after {
            let copies = Arc::clone(&self.0);
            let code = Zeroizing::new(code.to_owned());
            std::thread::spawn(move || {
                std::thread::sleep(after);
                copies.clear_if_unchanged(generation, &code);
            });
        }
        Ok(())
    }

    /// Takes the last copied code off the clipboard if it is still there (on lock and quit).
    pub fn clear_ours(&self) {
        let taken = self.0.copied.lock().ok().and_then(|mut c| c.take());
        if let Some(code) = taken {
            self.0.clear_if_holding(&code);
        }
    }
}

/// Copying failed: never "no image", whatever arboard said.
fn unavailable(e: arboard::Error) -> CaptureError {
    CaptureError::ClipboardUnavailable {
        detail: e.to_string(),
    }
}

impl Copies {
    fn set(&self, text: &str) -> Result<(), CaptureError> {
        let mut slot = self
            .board
            .lock()
            .map_err(|_| CaptureError::ClipboardUnavailable {
                detail: "its lock was poisoned".to_string(),
            })?;
        if slot.is_none() {
            *slot = Some(arboard::Clipboard::new().map_err(unavailable)?);
        }
        let board = slot.as_mut().expect("just set");
        let set = board.set();
        #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
        let set = {
            use arboard::SetExtLinux;
            set.exclude_from_history()
        };
        #[cfg(windows)]
        let set = {
            use arboard::SetExtWindows;
            set.exclude_from_history()
                .exclude_from_cloud()
                .exclude_from_monitoring()
        };
        #[cfg(target_os = "macos")]
        let set = {
            use arboard::SetExtApple;
            set.exclude_from_history()
        };
        set.text(text.to_owned()).map_err(unavailable)
    }

    /// Wipes the clipboard if it still holds `text` and no later copy happened.
    fn clear_if_unchanged(&self, generation: u64, text: &str) {
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        self.clear_if_holding(text);
        if let Ok(mut copied) = self.copied.lock()
            && copied.as_ref().is_some_and(|c| c.as_str() == text)
        {
            *copied = None;
        }
    }

    fn clear_if_holding(&self, text: &str) {
        let Ok(mut slot) = self.board.lock() else {
            return;
        };
        if let Some(board) = slot.as_mut()
            && board.get_text().is_ok_and(|now| now == text)
        {
            let _ = board.clear();
        }
    }
}
