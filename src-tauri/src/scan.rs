//! Scanning in the app: the screen, image bytes (file picker, drag-and-drop, paste), the
//! clipboard and the webcam. Decoded accounts stay in this process as core's pending entries
//! (`tweestap_core::scan::Pending`); the UI sees only their names and adds them by token, so a
//! scanned secret never reaches it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;
use specta::Type;
use tauri::ipc::{Channel, InvokeBody, Request};
use tauri::{AppHandle, Manager, WebviewWindow};
use tweestap_capture::camera::{self, LiveScan, ScanEvent, ScanOptions};
use tweestap_capture::{CaptureError, file, screen};

pub use tweestap_core::scan::{Pending, ScanReport};

use crate::error::AppError;
use crate::state::{AppState, blocking, blocking_with_state, with_vault};

/// Turns decoded texts into a report (see [`Pending::report`]), keeping the accounts as
/// pending entries.
pub fn report(texts: &[String], app: &AppHandle) -> ScanReport {
    let existing =
        with_vault(&app.state::<AppState>(), |vault| Ok(vault.list())).unwrap_or_default();
    app.state::<Pending>().report(texts, &existing)
}

/// One click: hides this window (so it does not cover the portal's QR code), captures every
/// monitor, shows the window again, and decodes each monitor.
#[tauri::command]
#[specta::specta]
pub async fn scan_screen(window: WebviewWindow, app: AppHandle) -> Result<ScanReport, AppError> {
    let was_visible = window.is_visible().unwrap_or(true);
    if was_visible {
        let _ = window.hide();
        // Give the window manager a moment to uncover what was behind the window.
        tokio_sleep(Duration::from_millis(350)).await;
    }
    let captured = blocking(screen::capture_all).await;
    if was_visible {
        let _ = window.show();
        let _ = window.set_focus();
    }
    let monitors = captured?;
    let scans = blocking(move || screen::decode_all(monitors)).await?;
    let texts: Vec<String> = scans.into_iter().flat_map(|s| s.codes).collect();
    Ok(report(&texts, &app))
}

/// What the window tells the person next to "Scan screen" before the first scan: on GNOME
/// (Wayland) the desktop asks once whether Tweestap may take screenshots.
#[derive(Serialize, Type, Clone)]
pub struct ScreenCaptureView {
    /// `native` (X11, Windows, macOS) or `portal` (Wayland).
    pub backend: &'static str,
    /// The Wayland desktop family: `gnome`, `kde`, `wlroots` or `other`.
    pub desktop: &'static str,
    /// The next scan will show GNOME's "Allow Applications to Take Screenshots?" dialog.
    pub asks_first: bool,
    /// Screenshots were refused earlier; `screen_ask_again` lets the desktop ask again.
    pub refused: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn screen_capture_info() -> Result<ScreenCaptureView, AppError> {
    let info = blocking(|| Ok::<_, CaptureError>(screen::capture_info())).await?;
    Ok(ScreenCaptureView {
        backend: info.backend.name(),
        desktop: info.desktop.name(),
        asks_first: info.asks_first,
        refused: info.refused,
    })
}

/// Forgets an earlier refusal (GNOME), so that the next scan asks the person again.
#[tauri::command]
#[specta::specta]
pub async fn screen_ask_again() -> Result<bool, AppError> {
    blocking(screen::ask_again).await
}

async fn tokio_sleep(d: Duration) {
    let _ = tauri::async_runtime::spawn_blocking(move || std::thread::sleep(d)).await;
}

/// An image file's bytes (picked, dropped or pasted), sent as the raw request body. Not in the
/// generated bindings (a raw body has no type to describe): `scanImage` in ui/src/lib/ipc.ts
/// is written by hand.
#[tauri::command]
pub async fn scan_image(request: Request<'_>, app: AppHandle) -> Result<ScanReport, AppError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::internal(
            "scan_image expects the image bytes as a raw body",
        ));
    };
    let bytes = bytes.clone();
    let scan = blocking(move || file::scan_bytes("image", &bytes)).await?;
    Ok(report(&scan.codes, &app))
}

/// An image on the system clipboard.
#[tauri::command]
#[specta::specta]
pub async fn scan_clipboard(app: AppHandle) -> Result<ScanReport, AppError> {
    let scan = blocking(tweestap_capture::clipboard::scan).await?;
    Ok(report(&scan.codes, &app))
}

/// What `add_found` did per token (see `commands::AddedAccount`).
#[tauri::command]
#[specta::specta]
pub async fn add_found(
    tokens: Vec<String>,
    replace: bool,
    app: AppHandle,
) -> Result<Vec<crate::commands::AddedAccount>, AppError> {
    let pending = app.clone();
    blocking_with_state(&app, move |state| {
        let pending = pending.state::<Pending>();
        let added = pending
            .accounts(&tokens)?
            .into_iter()
            .map(|account| crate::commands::add_account(state, account, replace))
            .collect::<Result<Vec<_>, _>>()?;
        let statuses: Vec<_> = added.iter().map(|a| a.status).collect();
        pending.settle(&tokens, &statuses);
        Ok(added)
    })
    .await
}

// --- Webcam ---------------------------------------------------------------------------------

/// The running live scan, if any (one at a time), numbered so that the thread forwarding a
/// replaced scan's events stops instead of taking the new scan's.
#[derive(Default)]
pub struct Camera {
    running: Mutex<Option<(u64, LiveScan)>>,
    started: AtomicU64,
}

#[derive(Serialize, Type)]
pub struct CameraView {
    pub index: u32,
    pub name: String,
}

/// The cameras to choose from (see `camera::offered`).
#[tauri::command]
#[specta::specta]
pub async fn camera_list() -> Result<Vec<CameraView>, AppError> {
    let cameras = blocking(camera::offered).await?;
    Ok(cameras
        .into_iter()
        .map(|c| CameraView {
            index: c.index,
            name: c.name,
        })
        .collect())
}

/// What the live view receives: preview frames (small JPEGs), the found-it moment with its
/// report, or an error (the camera stopped).
#[derive(Serialize, Type, Clone)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CameraEvent {
    Started { source: String },
    Frame { jpeg_base64: String },
    Found { report: ScanReport },
    Error { error: AppError },
}

/// Starts the live scan of camera `index`; events arrive on `events` until a code is found,
/// the camera fails, or `camera_stop` is called. Off the window's thread: replacing a running
/// scan waits for its camera to close.
#[tauri::command]
#[specta::specta]
pub async fn camera_start(
    index: u32,
    events: Channel<CameraEvent>,
    app: AppHandle,
) -> Result<(), AppError> {
    blocking(move || {
        let live = camera::start(
            index,
            ScanOptions {
                preview: true,
                stop_on_first: true,
            },
        );
        let camera = app.state::<Camera>();
        // Numbered while the slot is held, so of two starts at once the later one runs.
        let mut running = camera.running.lock().map_err(|_| poisoned())?;
        let id = camera.started.fetch_add(1, Ordering::SeqCst) + 1;
        // Starting again replaces (and stops) a running scan.
        *running = Some((id, live));
        drop(running);
        std::thread::Builder::new()
            .name("tweestap-camera-events".to_string())
            .spawn(move || pump_camera_events(app, events, id))
            .map_err(|e| AppError::internal(format!("cannot start the camera thread: {e}")))?;
        Ok::<_, AppError>(())
    })
    .await
}

fn poisoned() -> AppError {
    AppError::internal("camera state lock poisoned")
}

/// Forwards live scan `id`'s events to the UI until it ends, is stopped or is replaced.
fn pump_camera_events(app: AppHandle, events: Channel<CameraEvent>, id: u64) {
    let camera = app.state::<Camera>();
    loop {
        let event = {
            let Ok(slot) = camera.running.lock() else {
                return;
            };
            let Some((_, live)) = slot.as_ref().filter(|(running, _)| *running == id) else {
                return;
            };
            live.recv_timeout(Duration::from_millis(50))
        };
        let out = match event {
            Ok(ScanEvent::Started { source }) => CameraEvent::Started { source },
            Ok(ScanEvent::Frame { frame, .. }) => {
                match frame.and_then(|f| camera::preview_jpeg(&f)) {
                    // Core's codec: about 0.6 ms for a 40 KB frame in a debug build.
                    Some(jpeg) => CameraEvent::Frame {
                        jpeg_base64: tweestap_core::base64::encode(&jpeg),
                    },
                    None => continue,
                }
            }
            Ok(ScanEvent::Found { codes, .. }) => {
                stop_camera(&camera, Some(id));
                CameraEvent::Found {
                    report: report(&codes, &app),
                }
            }
            Ok(ScanEvent::Error(e)) => {
                stop_camera(&camera, Some(id));
                CameraEvent::Error {
                    error: AppError::from_kind(&e),
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let done = matches!(out, CameraEvent::Found { .. } | CameraEvent::Error { .. });
        if events.send(out).is_err() || done {
            return;
        }
    }
}

/// Stops live scan `id` (`None`: whichever runs), waiting for its thread.
fn stop_camera(camera: &Camera, id: Option<u64>) {
    let live = camera
        .running
        .lock()
        .ok()
        .and_then(|mut slot| slot.take_if(|(running, _)| id.is_none_or(|id| id == *running)));
    if let Some((_, live)) = live {
        live.stop();
    }
}

/// Stops the live scan and releases the camera (waiting for its thread), off the window's
/// thread.
#[tauri::command]
#[specta::specta]
pub async fn camera_stop(app: AppHandle) -> Result<(), AppError> {
    blocking(move || {
        stop_camera(&app.state::<Camera>(), None);
        Ok::<_, AppError>(())
    })
    .await
}
