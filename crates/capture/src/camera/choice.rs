//! The cameras a window offers, and starting one: the system's webcams, plus (when
//! `TWEESTAP_TEST_CAMERA_FRAMES` names image files, colon-separated) a "Test frames" camera
//! that plays them through the same live pipeline, the end-to-end tests' stand-in for a
//! webcam. Unset in normal use.

use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use tweestap_core::qr::image::{DynamicImage, ImageFormat, imageops::FilterType};

use super::{CameraDevice, FrameSource, GeneratedFrames, LiveScan, ScanOptions, list};
use crate::{CaptureError, file};

/// Names the image files of the stand-in camera.
pub const TEST_FRAMES_ENV: &str = "TWEESTAP_TEST_CAMERA_FRAMES";
/// The stand-in camera's index, which no system camera has.
pub const TEST_CAMERA_INDEX: u32 = u32::MAX;

/// The cameras to offer: the system's (a failure other than a refused permission means "none
/// here") and the stand-in when it is set; `no_camera` when there are none.
pub fn offered() -> Result<Vec<CameraDevice>, CaptureError> {
    let mut cameras = match list() {
        Ok(list) => list,
        // No camera permission is its own clear message.
        Err(e @ CaptureError::CameraPermissionDenied { .. }) => return Err(e),
        Err(_) => Vec::new(),
    };
    if std::env::var_os(TEST_FRAMES_ENV).is_some() {
        cameras.push(CameraDevice {
            index: TEST_CAMERA_INDEX,
            name: "Test frames".to_string(),
            description: TEST_FRAMES_ENV.to_string(),
        });
    }
    if cameras.is_empty() {
        return Err(CaptureError::NoCamera);
    }
    Ok(cameras)
}

/// Starts the live scan of camera `index` (one of [`offered`]).
pub fn start(index: u32, opts: ScanOptions) -> LiveScan {
    if index == TEST_CAMERA_INDEX && std::env::var_os(TEST_FRAMES_ENV).is_some() {
        LiveScan::start(test_frames, opts)
    } else {
        LiveScan::start_camera(index, opts)
    }
}

fn test_frames() -> Result<Box<dyn FrameSource>, CaptureError> {
    let paths = std::env::var(TEST_FRAMES_ENV).unwrap_or_default();
    let frames = paths
        .split(':')
        .filter(|p| !p.is_empty())
        .map(|p| file::load(Path::new(p)))
        .collect::<Result<Vec<_>, _>>()?;
    if frames.is_empty() {
        return Err(CaptureError::NoCamera);
    }
    Ok(Box::new(
        GeneratedFrames::new(frames).paced(Duration::from_millis(33)),
    ))
}

/// A frame as a small JPEG for a live preview (640 px wide at most).
pub fn preview_jpeg(frame: &DynamicImage) -> Option<Vec<u8>> {
    let small = if frame.width() > 640 {
        frame.resize(
            640,
            640 * frame.height() / frame.width().max(1),
            FilterType::Triangle,
        )
    } else {
        frame.clone()
    };
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(small.to_rgb8())
        .write_to(&mut out, ImageFormat::Jpeg)
        .ok()?;
    Some(out.into_inner())
}
