//! Webcam scanning: frames from a [`FrameSource`] decoded live on a worker thread.
//!
//! The real source is [`NokhwaSource`]; [`GeneratedFrames`] feeds prepared images through the
//! exact same pipeline ([`LiveScan`]) for tests and demos.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tweestap_core::qr::{self, Effort, image::DynamicImage};

use crate::{CaptureError, Scan};

mod choice;
pub use choice::{TEST_CAMERA_INDEX, TEST_FRAMES_ENV, offered, preview_jpeg, start};

/// Where live frames come from. Implementations may block in [`FrameSource::next_frame`]
/// until the next frame is there (a camera at 30 frames/s blocks ~33 ms).
pub trait FrameSource {
    /// A short source name for results: `camera:0`, `generated`.
    fn name(&self) -> String;
    /// The next frame.
    fn next_frame(&mut self) -> Result<DynamicImage, CaptureError>;
}

// ---------------------------------------------------------------------------------------------
// Cameras (nokhwa)

/// A camera the system reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraDevice {
    /// The number to pass to [`NokhwaSource::open`] / [`LiveScan::start_camera`].
    pub index: u32,
    pub name: String,
    pub description: String,
}

#[cfg(target_os = "linux")]
const PERMISSION_HINT: &str = " (on Linux your user must be in the \"video\" group: sudo usermod -aG video $USER, then log in again)";
#[cfg(not(target_os = "linux"))]
const PERMISSION_HINT: &str = "";

fn map_nokhwa(e: nokhwa::NokhwaError) -> CaptureError {
    let detail = e.to_string();
    let lower = detail.to_lowercase();
    if lower.contains("busy") || lower.contains("os error 16") {
        CaptureError::CameraBusy
    } else if lower.contains("permission denied")
        || lower.contains("os error 13")
        || lower.contains("not authorized")
        || lower.contains("access denied")
        || lower.contains("access is denied")
    {
        CaptureError::CameraPermissionDenied {
            hint: PERMISSION_HINT,
        }
    } else if lower.contains("no such file")
        || lower.contains("no such device")
        || lower.contains("os error 2)")
        || lower.contains("os error 19")
    {
        CaptureError::NoCamera
    } else {
        CaptureError::CameraFailed { detail }
    }
}

#[cfg(target_os = "macos")]
fn ensure_permission() -> Result<(), CaptureError> {
    if nokhwa::nokhwa_check() {
        return Ok(());
    }
    let (tx, rx) = std::sync::mpsc::channel();
    nokhwa::nokhwa_initialize(move |granted| {
        let _ = tx.send(granted);
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(true) => Ok(()),
        _ => Err(CaptureError::CameraPermissionDenied { hint: "" }),
    }
}

#[cfg(not(target_os = "macos"))]
fn ensure_permission() -> Result<(), CaptureError> {
    Ok(())
}

/// The cameras the system reports; an empty list when there is none.
pub fn list() -> Result<Vec<CameraDevice>, CaptureError> {
    ensure_permission()?;
    let infos = nokhwa::query(nokhwa::utils::ApiBackend::Auto).map_err(map_nokhwa)?;
    Ok(infos
        .iter()
        .enumerate()
        .map(|(i, info)| CameraDevice {
            index: info.index().as_index().unwrap_or(i as u32),
            name: info.human_name(),
            description: info.description().to_string(),
        })
        .collect())
}

/// A webcam through nokhwa, asking for 1280×720 (the closest format the camera offers).
pub struct NokhwaSource {
    camera: nokhwa::Camera,
    index: u32,
}

impl NokhwaSource {
    /// Opens camera `index` (see [`list`]) and starts its stream.
    pub fn open(index: u32) -> Result<Self, CaptureError> {
        use nokhwa::pixel_format::RgbFormat;
        use nokhwa::utils::{
            CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
            Resolution,
        };
        let cameras = list()?;
        if cameras.is_empty() {
            return Err(CaptureError::NoCamera);
        }
        if !cameras.iter().any(|c| c.index == index) {
            return Err(CaptureError::CameraNotFound {
                index,
                count: cameras.len(),
            });
        }
        let wanted = CameraFormat::new(Resolution::new(1280, 720), FrameFormat::MJPEG, 30);
        let format = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(wanted));
        let mut camera =
            nokhwa::Camera::new(CameraIndex::Index(index), format).map_err(map_nokhwa)?;
        camera.open_stream().map_err(map_nokhwa)?;
        Ok(NokhwaSource { camera, index })
    }
}

impl FrameSource for NokhwaSource {
    fn name(&self) -> String {
        format!("camera:{}", self.index)
    }

    fn next_frame(&mut self) -> Result<DynamicImage, CaptureError> {
        use nokhwa::pixel_format::RgbFormat;
        let buffer = self.camera.frame().map_err(map_nokhwa)?;
        let rgb = buffer.decode_image::<RgbFormat>().map_err(map_nokhwa)?;
        Ok(DynamicImage::ImageRgb8(rgb))
    }
}

impl Drop for NokhwaSource {
    fn drop(&mut self) {
        let _ = self.camera.stop_stream();
    }
}

// ---------------------------------------------------------------------------------------------
// Generated frames

/// Prepared frames played in a loop, optionally paced (`interval` between frames): a stand-in
/// camera for tests and demos.
pub struct GeneratedFrames {
    frames: Vec<DynamicImage>,
    next: usize,
    interval: Option<Duration>,
    last: Option<Instant>,
    alive: Option<Arc<AtomicBool>>,
}

impl GeneratedFrames {
    /// Plays `frames` in order, then again from the start. Panics on an empty list.
    pub fn new(frames: Vec<DynamicImage>) -> Self {
        assert!(
            !frames.is_empty(),
            "GeneratedFrames needs at least one frame"
        );
        GeneratedFrames {
            frames,
            next: 0,
            interval: None,
            last: None,
            alive: None,
        }
    }

    /// Delivers at most one frame per `interval` (a 30 frames/s camera: 33 ms).
    pub fn paced(mut self, interval: Duration) -> Self {
        self.interval = Some(interval);
        self
    }

    /// `flag` is set true now and false when the source is dropped (to test a clean stop).
    pub fn alive_flag(mut self, flag: Arc<AtomicBool>) -> Self {
        flag.store(true, Ordering::SeqCst);
        self.alive = Some(flag);
        self
    }
}

impl FrameSource for GeneratedFrames {
    fn name(&self) -> String {
        "generated".to_string()
    }

    fn next_frame(&mut self) -> Result<DynamicImage, CaptureError> {
        if let (Some(interval), Some(last)) = (self.interval, self.last) {
            let elapsed = last.elapsed();
            if elapsed < interval {
                std::thread::sleep(interval - elapsed);
            }
        }
        self.last = Some(Instant::now());
        let frame = self.frames[self.next].clone();
        self.next = (self.next + 1) % self.frames.len();
        Ok(frame)
    }
}

impl Drop for GeneratedFrames {
    fn drop(&mut self) {
        if let Some(flag) = &self.alive {
            flag.store(false, Ordering::SeqCst);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The live pipeline

/// What the worker reports.
#[derive(Debug)]
pub enum ScanEvent {
    /// The source is open and delivering frames.
    Started { source: String },
    /// A frame was decoded and held no code. `frame` is set when previews were asked for.
    Frame {
        index: u64,
        frame: Option<Arc<DynamicImage>>,
        decode_ms: f64,
    },
    /// Codes were found in a frame (the found-it moment).
    Found {
        index: u64,
        codes: Vec<String>,
        frame: Option<Arc<DynamicImage>>,
    },
    /// The source failed; the worker has ended.
    Error(CaptureError),
}

/// Options for [`LiveScan`].
#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    /// Send each frame along for a live preview.
    pub preview: bool,
    /// End the worker after the first frame with codes.
    pub stop_on_first: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            preview: false,
            stop_on_first: true,
        }
    }
}

/// A running live scan: a worker thread reading frames from a [`FrameSource`] and decoding
/// each one ([`Effort::Fast`]; the next frame is the retry). Events arrive on
/// [`LiveScan::recv_timeout`]. Dropping it stops it.
pub struct LiveScan {
    stop: Arc<AtomicBool>,
    events: Option<Receiver<ScanEvent>>,
    handle: Option<JoinHandle<()>>,
}

/// Sends a frame-rate event; drops it when the consumer is behind. False when the consumer
/// is gone.
fn offer(tx: &SyncSender<ScanEvent>, ev: ScanEvent) -> bool {
    !matches!(tx.try_send(ev), Err(TrySendError::Disconnected(_)))
}

fn worker<F>(open: F, opts: ScanOptions, stop: Arc<AtomicBool>, tx: SyncSender<ScanEvent>)
where
    F: FnOnce() -> Result<Box<dyn FrameSource>, CaptureError>,
{
    let mut source = match open() {
        Ok(s) => s,
        Err(e) => {
            let _ = tx.send(ScanEvent::Error(e));
            return;
        }
    };
    if tx
        .send(ScanEvent::Started {
            source: source.name(),
        })
        .is_err()
    {
        return;
    }
    let mut index = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let frame = match source.next_frame() {
            Ok(f) => f,
            Err(e) => {
                let _ = tx.send(ScanEvent::Error(e));
                return;
            }
        };
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let t0 = Instant::now();
        let codes = qr::decode_luma_with(&qr::to_luma(&frame), Effort::Fast);
        let decode_ms = t0.elapsed().as_secs_f64() * 1000.0;
        let frame = opts.preview.then(|| Arc::new(frame));
        match codes {
            Err(e) => {
                let _ = tx.send(ScanEvent::Error(e.into()));
                return;
            }
            Ok(codes) if !codes.is_empty() => {
                if tx
                    .send(ScanEvent::Found {
                        index,
                        codes,
                        frame,
                    })
                    .is_err()
                    || opts.stop_on_first
                {
                    return;
                }
            }
            Ok(_) => {
                if !offer(
                    &tx,
                    ScanEvent::Frame {
                        index,
                        frame,
                        decode_ms,
                    },
                ) {
                    return;
                }
            }
        }
        index += 1;
    }
}

impl LiveScan {
    /// Starts a worker that opens its source with `open` (on the worker thread, so sources
    /// need not be `Send`) and decodes frames until stopped.
    pub fn start<F>(open: F, opts: ScanOptions) -> LiveScan
    where
        F: FnOnce() -> Result<Box<dyn FrameSource>, CaptureError> + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = sync_channel(4);
        let s = stop.clone();
        let handle = std::thread::Builder::new()
            .name("tweestap-live-scan".to_string())
            .spawn(move || worker(open, opts, s, tx))
            .expect("spawn the live scan thread");
        LiveScan {
            stop,
            events: Some(rx),
            handle: Some(handle),
        }
    }

    /// Starts a live scan of camera `index`.
    pub fn start_camera(index: u32, opts: ScanOptions) -> LiveScan {
        LiveScan::start(
            move || Ok(Box::new(NokhwaSource::open(index)?) as Box<dyn FrameSource>),
            opts,
        )
    }

    /// The next event, waiting at most `timeout`. `Disconnected` once the worker has ended and
    /// every event was read.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<ScanEvent, RecvTimeoutError> {
        match &self.events {
            Some(rx) => rx.recv_timeout(timeout),
            None => Err(RecvTimeoutError::Disconnected),
        }
    }

    /// Stops the worker and waits for it (it finishes the frame in hand; the source is
    /// dropped, which releases the camera).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Dropping the receiver unblocks a worker waiting to send.
        self.events = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for LiveScan {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Scans camera `index` until a frame holds codes or `timeout` passes (then `codes` is empty).
pub fn scan_camera(index: u32, timeout: Duration) -> Result<Scan, CaptureError> {
    scan_live(
        LiveScan::start_camera(index, ScanOptions::default()),
        timeout,
        format!("camera:{index}"),
    )
}

/// Runs `scan` until codes are found, the source fails, or `timeout` passes.
pub fn scan_live(
    scan: LiveScan,
    timeout: Duration,
    mut source: String,
) -> Result<Scan, CaptureError> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(Scan {
                source,
                codes: Vec::new(),
            });
        }
        match scan.recv_timeout(left) {
            Ok(ScanEvent::Started { source: s }) => source = s,
            Ok(ScanEvent::Frame { .. }) => {}
            Ok(ScanEvent::Found { codes, .. }) => return Ok(Scan { source, codes }),
            Ok(ScanEvent::Error(e)) => return Err(e),
            Err(RecvTimeoutError::Timeout) => {
                return Ok(Scan {
                    source,
                    codes: Vec::new(),
                });
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Ok(Scan {
                    source,
                    codes: Vec::new(),
                });
            }
        }
    }
}
