//! Screen capture: every monitor, then each decoded.

use std::time::Duration;

use tweestap_core::qr::{self, image::DynamicImage, image::RgbaImage};

use crate::desktop::{self, Desktop};
use crate::{CaptureError, Scan};

/// How long a Wayland screenshot may wait for the desktop: long enough for a person to read
/// and answer GNOME's one-time "Allow Applications to Take Screenshots?" dialog.
pub const PORTAL_TIMEOUT: Duration = Duration::from_secs(120);

/// How screens are captured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// xcap: X11 (and XWayland), Windows, macOS; one image per monitor.
    Native,
    /// The xdg-desktop-portal Screenshot interface (every Wayland session, XWayland or not):
    /// one image of the whole desktop, every output at its own scale, in physical pixels.
    Portal,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Native => "native",
            Backend::Portal => "portal",
        }
    }
}

/// The backend chosen for this session: the portal in a Wayland session (see
/// [`desktop::is_wayland_session`]), xcap on X11, Windows and macOS.
pub fn backend() -> Backend {
    if desktop::is_wayland_session() {
        Backend::Portal
    } else {
        Backend::Native
    }
}

/// What the person should know before the first screen scan in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureInfo {
    pub backend: Backend,
    /// The Wayland desktop family (`Other` off Wayland).
    pub desktop: Desktop,
    /// The desktop will show a permission dialog on the next scan (GNOME, never asked yet).
    pub asks_first: bool,
    /// The desktop refused screenshots earlier, and will keep refusing until asked again
    /// ([`ask_again`]).
    pub refused: bool,
}

/// Looks at the session (and, on GNOME, at its permission store; quick, no dialog).
pub fn capture_info() -> CaptureInfo {
    let backend = backend();
    if backend == Backend::Native {
        return CaptureInfo {
            backend,
            desktop: Desktop::Other,
            asks_first: false,
            refused: false,
        };
    }
    let desktop = Desktop::current();
    let permission = portal_permission(desktop);
    CaptureInfo {
        backend,
        desktop,
        asks_first: desktop == Desktop::Gnome && permission == Some(Permission::NotAsked),
        refused: permission == Some(Permission::Denied),
    }
}

#[cfg(target_os = "linux")]
use crate::portal::ScreenshotPermission as Permission;

#[cfg(target_os = "linux")]
fn portal_permission(_desktop: Desktop) -> Option<Permission> {
    Some(crate::portal::screenshot_permission())
}

#[cfg(not(target_os = "linux"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Permission {
    NotAsked,
    Denied,
}

#[cfg(not(target_os = "linux"))]
fn portal_permission(_desktop: Desktop) -> Option<Permission> {
    None
}

/// Forgets an earlier refusal (GNOME's permission store), so the next scan asks again.
/// Returns whether there was one to forget.
pub fn ask_again() -> Result<bool, CaptureError> {
    #[cfg(target_os = "linux")]
    {
        crate::portal::forget_screenshot_refusal()
    }
    #[cfg(not(target_os = "linux"))]
    {
        Ok(false)
    }
}

/// One captured monitor.
#[derive(Debug, Clone)]
pub struct MonitorImage {
    /// The monitor's name (`DP-1`, `\\.\DISPLAY1`, …), or `desktop` for a portal screenshot.
    pub name: String,
    /// Position of the monitor's top-left corner on the virtual desktop.
    pub x: i32,
    pub y: i32,
    pub primary: bool,
    pub image: RgbaImage,
}

fn xcap_err(e: xcap::XCapError) -> CaptureError {
    let detail = e.to_string();
    let lower = detail.to_lowercase();
    if lower.contains("permission") || lower.contains("not authorized") || lower.contains("denied")
    {
        CaptureError::ScreenPermissionDenied {
            detail: format!(" ({detail})"),
        }
    } else if lower.contains("connect") && std::env::var_os("DISPLAY").is_none() {
        CaptureError::ScreenCaptureFailed {
            detail: format!("no display to capture (DISPLAY is not set): {detail}"),
        }
    } else {
        CaptureError::ScreenCaptureFailed { detail }
    }
}

fn capture_native() -> Result<Vec<MonitorImage>, CaptureError> {
    let monitors = xcap::Monitor::all().map_err(xcap_err)?;
    if monitors.is_empty() {
        return Err(CaptureError::NoScreen);
    }
    let mut out = Vec::with_capacity(monitors.len());
    for (i, m) in monitors.iter().enumerate() {
        let name = m
            .name()
            .ok()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("monitor-{}", i + 1));
        out.push(MonitorImage {
            name,
            x: m.x().unwrap_or(0),
            y: m.y().unwrap_or(0),
            primary: m.is_primary().unwrap_or(false),
            image: m.capture_image().map_err(xcap_err)?,
        });
    }
    Ok(out)
}

/// Captures every monitor (see [`backend`]), waiting up to [`PORTAL_TIMEOUT`] for a Wayland
/// desktop's answer. The caller keeps its own window out of the way (hides or minimises it)
/// before calling.
pub fn capture_all() -> Result<Vec<MonitorImage>, CaptureError> {
    capture_all_within(PORTAL_TIMEOUT)
}

/// As [`capture_all`], giving up on a Wayland desktop that has not answered after `timeout`.
pub fn capture_all_within(timeout: Duration) -> Result<Vec<MonitorImage>, CaptureError> {
    match backend() {
        Backend::Native => capture_native_retrying(),
        Backend::Portal => capture_portal(timeout),
    }
}

/// xcap's X11 capture fails now and then with "Connection error" when a window closes while
/// it reads the screen (seen under Xvfb right after a window was killed); a second attempt a
/// moment later succeeds. Lasting failures (no display, no permission) still surface.
fn capture_native_retrying() -> Result<Vec<MonitorImage>, CaptureError> {
    const ATTEMPTS: u32 = 3;
    let mut attempt = 1;
    loop {
        match capture_native() {
            Err(CaptureError::ScreenCaptureFailed { .. })
                if attempt < ATTEMPTS && std::env::var_os("DISPLAY").is_some() =>
            {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(150));
            }
            other => return other,
        }
    }
}

#[cfg(target_os = "linux")]
fn capture_portal(timeout: Duration) -> Result<Vec<MonitorImage>, CaptureError> {
    Ok(vec![MonitorImage {
        name: "desktop".to_string(),
        x: 0,
        y: 0,
        primary: true,
        image: crate::portal::screenshot(timeout)?,
    }])
}

#[cfg(not(target_os = "linux"))]
fn capture_portal(_timeout: Duration) -> Result<Vec<MonitorImage>, CaptureError> {
    capture_native()
}

/// Decodes captured monitors, each on its own thread; one [`Scan`] per monitor, sources
/// named `screen:NAME`.
pub fn decode_all(monitors: Vec<MonitorImage>) -> Result<Vec<Scan>, CaptureError> {
    std::thread::scope(|s| {
        let handles: Vec<_> = monitors
            .into_iter()
            .map(|m| {
                s.spawn(move || -> Result<Scan, CaptureError> {
                    let codes = qr::decode_image(&DynamicImage::ImageRgba8(m.image))?;
                    Ok(Scan {
                        source: format!("screen:{}", m.name),
                        codes,
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("decoder thread panicked"))
            .collect()
    })
}

/// Captures and decodes every monitor.
pub fn scan_all() -> Result<Vec<Scan>, CaptureError> {
    decode_all(capture_all()?)
}

/// As [`scan_all`], with [`capture_all_within`]'s timeout.
pub fn scan_all_within(timeout: Duration) -> Result<Vec<Scan>, CaptureError> {
    decode_all(capture_all_within(timeout)?)
}
