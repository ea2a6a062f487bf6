//! Capture errors, with stable kinds for the doors.

use tweestap_core::qr::QrError;
use tweestap_core::{ErrorKind, Kind};

/// Why a screen, camera, clipboard or file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    /// No monitor was reported by the system.
    #[error("no screen was found to capture")]
    NoScreen,
    /// The screen could not be captured.
    #[error("the screen could not be captured: {detail}")]
    ScreenCaptureFailed { detail: String },
    /// The desktop (Wayland portal or macOS privacy settings) refused the screenshot, or the
    /// person cancelled the dialog.
    #[error(
        "taking a screenshot was not allowed{detail}; allow Tweestap to take screenshots when asked (or in the system's privacy settings) and try again"
    )]
    ScreenPermissionDenied { detail: String },
    /// On Wayland without the xdg-desktop-portal Screenshot interface (no portal, or no
    /// backend for this desktop). `desktop` is [`crate::desktop::Desktop::name`], so a door can
    /// translate the remedy.
    #[error(
        "this desktop offers no way to take a screenshot ({detail}); {remedy}. Until then, use an image file, the clipboard or the webcam"
    )]
    PortalUnavailable {
        detail: String,
        desktop: &'static str,
        remedy: &'static str,
    },
    /// The Wayland desktop's screenshot portal refused: the person chose Deny (GNOME keeps
    /// that answer) or cancelled.
    #[error(
        "the desktop did not allow Tweestap to take a screenshot{detail}; {}",
        refusal_remedy(desktop)
    )]
    ScreenshotRefused {
        detail: String,
        desktop: &'static str,
    },
    /// The desktop did not answer the screenshot request in time (a permission dialog left
    /// open).
    #[error(
        "the desktop did not answer the screenshot request within {seconds} s; if it asks whether applications may take screenshots, choose Allow, then scan again"
    )]
    ScreenshotTimeout { seconds: u64 },

    /// No camera is connected (or none is visible to Tweestap).
    #[error("no camera was found; connect a webcam, or scan from the screen or an image file")]
    NoCamera,
    /// The camera index does not exist.
    #[error("there is no camera number {index}; {count} camera(s) were found")]
    CameraNotFound { index: u32, count: usize },
    /// Another program is using the camera.
    #[error(
        "the camera is in use by another program; close it (video calls, camera apps) and try again"
    )]
    CameraBusy,
    /// The OS refused access to the camera.
    #[error(
        "Tweestap is not allowed to use the camera; allow camera access in the system's privacy settings{hint}"
    )]
    CameraPermissionDenied { hint: &'static str },
    /// Any other camera failure.
    #[error("the camera could not be used: {detail}")]
    CameraFailed { detail: String },

    /// The clipboard holds no image.
    #[error("the clipboard holds no image; copy the QR code image (or the otpauth:// link) first")]
    ClipboardNoImage,
    /// The clipboard could not be read or written.
    #[error("the clipboard could not be used: {detail}")]
    ClipboardUnavailable { detail: String },

    /// Reading or decoding an image failed (files, and captured pixels that broke a limit).
    #[error(transparent)]
    Qr(#[from] QrError),
}

fn refusal_remedy(desktop: &str) -> &'static str {
    if desktop == "gnome" {
        "to be asked again, choose \"Ask again\" in Tweestap (or run `tweestap scan --screen --ask-again`) and answer Allow"
    } else {
        "allow Tweestap to take screenshots in your desktop's privacy settings and try again"
    }
}

impl ErrorKind for CaptureError {
    fn kind(&self) -> Kind {
        match self {
            CaptureError::NoScreen => Kind::NoScreen,
            CaptureError::ScreenCaptureFailed { .. } => Kind::ScreenCaptureFailed,
            CaptureError::ScreenPermissionDenied { .. } => Kind::ScreenPermissionDenied,
            CaptureError::PortalUnavailable { .. } => Kind::PortalUnavailable,
            CaptureError::ScreenshotRefused { .. } => Kind::PermissionDenied,
            CaptureError::ScreenshotTimeout { .. } => Kind::Timeout,
            CaptureError::NoCamera => Kind::NoCamera,
            CaptureError::CameraNotFound { .. } => Kind::CameraNotFound,
            CaptureError::CameraBusy => Kind::CameraBusy,
            CaptureError::CameraPermissionDenied { .. } => Kind::CameraPermissionDenied,
            CaptureError::CameraFailed { .. } => Kind::CameraFailed,
            CaptureError::ClipboardNoImage => Kind::ClipboardNoImage,
            CaptureError::ClipboardUnavailable { .. } => Kind::ClipboardUnavailable,
            CaptureError::Qr(e) => e.kind(),
        }
    }

    /// Only files (and a bad camera number) are the caller's input; the rest is the
    /// environment.
    fn is_bad_input(&self) -> bool {
        match self {
            CaptureError::Qr(e) => e.is_bad_input(),
            CaptureError::CameraNotFound { .. } => true,
            _ => false,
        }
    }
}
