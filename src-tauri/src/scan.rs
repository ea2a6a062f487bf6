//! Scanning in the app: the screen, image bytes (file picker, drag-and-drop, paste), the
//! clipboard and the webcam. Decoded accounts stay in this process as "pending" entries; the
//! UI sees only their names and adds them by token, so a scanned secret never reaches it.

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use specta::Type;
use tauri::ipc::{Channel, InvokeBody, Request};
use tauri::{AppHandle, State, WebviewWindow};
use tweestap_capture::camera::{
    self, FrameSource, GeneratedFrames, LiveScan, ScanEvent, ScanOptions,
};
use tweestap_capture::{CaptureError, file, screen};
use tweestap_core::Account;
use tweestap_core::import::{GoogleExport, Progress};
use tweestap_core::qr::FoundProblem;
use tweestap_core::qr::image::{DynamicImage, ImageFormat, imageops::FilterType};
use tweestap_core::vault::AddStatus;

use crate::error::AppError;
use crate::state::{AppState, blocking, blocking_with_state, with_vault};
use tweestap_core::Kind;

/// Accounts found by the latest scan, by token, until added or replaced by the next scan.
#[derive(Default)]
pub struct Pending {
    accounts: Mutex<HashMap<String, Account>>,
    next: Mutex<u64>,
    camera: Mutex<Option<LiveScan>>,
    /// The codes of a Google Authenticator export scanned so far, until all are there.
    google: Mutex<GoogleExport>,
}

impl Pending {
    /// Forgets the found accounts and a half-scanned export (the vault was locked).
    pub fn clear(&self) {
        if let Ok(mut accounts) = self.accounts.lock() {
            accounts.clear();
        }
        if let Ok(mut google) = self.google.lock() {
            *google = GoogleExport::new();
        }
    }
}

/// One found account, as the UI may see it.
#[derive(Serialize, Type, Clone)]
pub struct FoundAccount {
    pub token: String,
    pub issuer: String,
    pub account: String,
    #[serde(rename = "type")]
    pub otp_type: &'static str,
    /// The vault already holds this login (adding offers to replace its key).
    pub exists: bool,
}

/// What a scan found: accounts to add, and why other codes gave none. `no_code` is set (with
/// advice in `problems`) when no QR code was seen at all.
#[derive(Serialize, Type, Clone)]
pub struct ScanReport {
    pub accounts: Vec<FoundAccount>,
    pub problems: Vec<FoundProblem>,
    pub no_code: bool,
    /// Google Authenticator exports split over several codes: "2 of 3 scanned". Their
    /// accounts are offered once every code has been scanned (in any order, over several
    /// scans).
    pub batch: Option<Progress>,
}

/// Turns decoded texts into a report (see [`GoogleExport::scan`]), keeping the accounts as
/// pending entries.
pub fn report(texts: &[String], state: &AppState) -> Result<ScanReport, AppError> {
    let scanned = state
        .pending
        .google
        .lock()
        .map_err(|_| poisoned())?
        .scan(texts);
    let mut pending = state.pending.accounts.lock().map_err(|_| poisoned())?;
    let mut next = state.pending.next.lock().map_err(|_| poisoned())?;
    pending.clear();
    let existing = with_vault(state, |vault| Ok(vault.list())).unwrap_or_default();
    let mut accounts = Vec::new();
    for account in scanned.accounts {
        *next += 1;
        let token = format!("scan-{}", *next);
        accounts.push(FoundAccount {
            token: token.clone(),
            issuer: account.issuer.clone(),
            account: account.account.clone(),
            otp_type: account.kind.type_name(),
            exists: existing
                .iter()
                .any(|s| s.issuer == account.issuer && s.account == account.account),
        });
        pending.insert(token, account);
    }
    log::info!(
        "scan: {} texts, {} accounts, problems {:?}",
        texts.len(),
        accounts.len(),
        scanned
            .problems
            .iter()
            .map(|p| p.kind.as_str())
            .collect::<Vec<_>>()
    );
    Ok(ScanReport {
        accounts,
        problems: scanned.problems,
        no_code: scanned.no_code,
        batch: scanned.batch,
    })
}

fn poisoned() -> AppError {
    AppError::internal("scan state lock poisoned")
}

/// One click: hides this window (so it does not cover the portal's QR code), captures every
/// monitor, shows the window again, and decodes each monitor.
#[tauri::command]
#[specta::specta]
pub async fn scan_screen(
    window: WebviewWindow,
    state: State<'_, AppState>,
) -> Result<ScanReport, AppError> {
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
    report(&texts, &state)
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
pub async fn scan_image(
    request: Request<'_>,
    state: State<'_, AppState>,
) -> Result<ScanReport, AppError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::internal(
            "scan_image expects the image bytes as a raw body",
        ));
    };
    let bytes = bytes.clone();
    let scan = blocking(move || file::scan_bytes("image", &bytes)).await?;
    report(&scan.codes, &state)
}

/// An image on the system clipboard.
#[tauri::command]
#[specta::specta]
pub async fn scan_clipboard(state: State<'_, AppState>) -> Result<ScanReport, AppError> {
    let scan = blocking(tweestap_capture::clipboard::scan).await?;
    report(&scan.codes, &state)
}

/// What `add_found` did per token (see `commands::AddedAccount`).
#[tauri::command]
#[specta::specta]
pub async fn add_found(
    tokens: Vec<String>,
    replace: bool,
    app: AppHandle,
) -> Result<Vec<crate::commands::AddedAccount>, AppError> {
    blocking_with_state(&app, move |state| add_found_now(&tokens, replace, state)).await
}

fn add_found_now(
    tokens: &[String],
    replace: bool,
    state: &AppState,
) -> Result<Vec<crate::commands::AddedAccount>, AppError> {
    let accounts: Vec<Account> = {
        let pending = state.pending.accounts.lock().map_err(|_| poisoned())?;
        tokens
            .iter()
            .map(|t| {
                pending.get(t).cloned().ok_or_else(|| {
                    AppError::new(
                        Kind::ScanExpired,
                        "this scan result is no longer available; scan again".to_string(),
                    )
                })
            })
            .collect::<Result<_, _>>()?
    };
    let added = accounts
        .into_iter()
        .map(|account| crate::commands::add_account(state, account, replace))
        .collect::<Result<Vec<_>, _>>()?;
    // A conflict stays pending: the person may still choose to replace.
    let mut pending = state.pending.accounts.lock().map_err(|_| poisoned())?;
    for (t, a) in tokens.iter().zip(&added) {
        if a.status != AddStatus::Conflict {
            pending.remove(t);
        }
    }
    Ok(added)
}

// --- Webcam ---------------------------------------------------------------------------------

/// Frames from image files named in `TWEESTAP_TEST_CAMERA_FRAMES` (colon-separated), offered
/// as an extra camera: the end-to-end tests' stand-in for a webcam, fed through the same
/// live pipeline. Unset in normal use.
const TEST_CAMERA_ENV: &str = "TWEESTAP_TEST_CAMERA_FRAMES";
const TEST_CAMERA_INDEX: u32 = u32::MAX;

#[derive(Serialize, Type)]
pub struct CameraView {
    pub index: u32,
    pub name: String,
}

#[tauri::command]
#[specta::specta]
pub async fn camera_list() -> Result<Vec<CameraView>, AppError> {
    let mut cameras: Vec<CameraView> = match blocking(camera::list).await {
        Ok(list) => list
            .into_iter()
            .map(|c| CameraView {
                index: c.index,
                name: c.name,
            })
            .collect(),
        // No camera permission is its own clear message; other failures mean "none here".
        Err(e) if e.kind == Kind::CameraPermissionDenied => return Err(e),
        Err(_) => Vec::new(),
    };
    if std::env::var_os(TEST_CAMERA_ENV).is_some() {
        cameras.push(CameraView {
            index: TEST_CAMERA_INDEX,
            name: "Test frames".to_string(),
        });
    }
    if cameras.is_empty() {
        return Err(AppError::from_kind(&CaptureError::NoCamera));
    }
    Ok(cameras)
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

fn test_frames() -> Result<Box<dyn FrameSource>, CaptureError> {
    let paths = std::env::var(TEST_CAMERA_ENV).unwrap_or_default();
    let frames = paths
        .split(':')
        .filter(|p| !p.is_empty())
        .map(|p| file::load(std::path::Path::new(p)))
        .collect::<Result<Vec<_>, _>>()?;
    if frames.is_empty() {
        return Err(CaptureError::NoCamera);
    }
    Ok(Box::new(
        GeneratedFrames::new(frames).paced(Duration::from_millis(33)),
    ))
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
    let pump = app.clone();
    blocking_with_state(&app, move |state| start_camera(index, events, pump, state)).await
}

fn start_camera(
    index: u32,
    events: Channel<CameraEvent>,
    app: AppHandle,
    state: &AppState,
) -> Result<(), AppError> {
    let opts = ScanOptions {
        preview: true,
        stop_on_first: true,
    };
    let live = if index == TEST_CAMERA_INDEX && std::env::var_os(TEST_CAMERA_ENV).is_some() {
        LiveScan::start(test_frames, opts)
    } else {
        LiveScan::start_camera(index, opts)
    };
    {
        let mut slot = state.pending.camera.lock().map_err(|_| poisoned())?;
        // Starting again replaces (and stops) a running scan.
        *slot = Some(live);
    }
    std::thread::Builder::new()
        .name("tweestap-camera-events".to_string())
        .spawn(move || pump_camera_events(app, events))
        .map_err(|e| AppError::internal(format!("cannot start the camera thread: {e}")))?;
    Ok(())
}

/// Forwards the live scan's events to the UI until it ends or is stopped.
fn pump_camera_events(app: tauri::AppHandle, events: Channel<CameraEvent>) {
    use tauri::Manager;
    let state = app.state::<AppState>();
    loop {
        let event = {
            let Ok(slot) = state.pending.camera.lock() else {
                return;
            };
            let Some(live) = slot.as_ref() else { return };
            live.recv_timeout(Duration::from_millis(50))
        };
        let out = match event {
            Ok(ScanEvent::Started { source }) => CameraEvent::Started { source },
            Ok(ScanEvent::Frame { frame, .. }) => match frame.and_then(|f| preview_jpeg(&f)) {
                Some(jpeg_base64) => CameraEvent::Frame { jpeg_base64 },
                None => continue,
            },
            Ok(ScanEvent::Found { codes, .. }) => {
                stop_camera(&state);
                match report(&codes, &state) {
                    Ok(report) => CameraEvent::Found { report },
                    Err(error) => CameraEvent::Error { error },
                }
            }
            Ok(ScanEvent::Error(e)) => {
                stop_camera(&state);
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

fn stop_camera(state: &AppState) {
    let live = state.pending.camera.lock().ok().and_then(|mut s| s.take());
    if let Some(live) = live {
        live.stop();
    }
}

/// Stops the live scan and releases the camera (waiting for its thread), off the window's
/// thread.
#[tauri::command]
#[specta::specta]
pub async fn camera_stop(app: AppHandle) -> Result<(), AppError> {
    blocking_with_state(&app, |state| {
        stop_camera(state);
        Ok(())
    })
    .await
}

/// A frame as a small JPEG for the live preview (640 px wide at most).
fn preview_jpeg(frame: &DynamicImage) -> Option<String> {
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
    // Core's codec: about 0.6 ms for a 40 KB frame in a debug build, a few frames a second.
    Some(tweestap_core::base64::encode(&out.into_inner()))
}
