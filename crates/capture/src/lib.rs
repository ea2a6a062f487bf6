//! Tweestap capture: pixels from screens, webcams, the clipboard and image files, decoded by
//! `tweestap_core::qr`.
//!
//! - [`screen`]: every monitor (xcap on X11, Windows, macOS; the xdg-desktop-portal
//!   Screenshot interface in every Wayland session, chosen by [`desktop`]).
//! - [`camera`]: live webcam frames (nokhwa) behind the [`camera::FrameSource`] trait, decoded
//!   on a worker thread.
//! - [`clipboard`]: an image on the clipboard to scan, and copying codes (arboard).
//! - [`file`]: image files (PNG, JPEG, GIF, BMP, WebP) with size limits.
//! - `lock_signals` (Linux): the desktop's screen-lock and sleep signals on D-Bus.

#[cfg(target_os = "linux")]
mod app_id;
pub mod camera;
pub mod clipboard;
pub mod desktop;
mod error;
pub mod file;
#[cfg(target_os = "linux")]
pub mod lock_signals;
#[cfg(target_os = "linux")]
mod portal;
pub mod screen;

pub use error::CaptureError;
pub use tweestap_core::qr::image;

/// The QR texts found in one captured image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// What was scanned, for people: `screen:DP-1`, `camera:0`, `clipboard`, a file path.
    pub source: String,
    /// The decoded texts, without duplicates, in the order found.
    pub codes: Vec<String>,
}
