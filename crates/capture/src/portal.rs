//! The xdg-desktop-portal Screenshot interface (Wayland), spoken over the session bus.
//!
//! zbus directly rather than through a portal wrapper crate: the request's `Response` signal
//! is subscribed to before the call (its object path follows from our unique name and token),
//! so a request that the desktop leaves open (GNOME's "Allow Applications to Take
//! Screenshots?" dialog, left unanswered) can be given up after a timeout and closed, and a
//! refusal can be told apart from a broken backend by asking the permission store.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_lite::StreamExt;
use tweestap_core::qr::{self, image::RgbaImage};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use crate::CaptureError;
use crate::desktop::Desktop;

const PORTAL: &str = "org.freedesktop.portal.Desktop";
const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const SCREENSHOT: &str = "org.freedesktop.portal.Screenshot";
const STORE: &str = "org.freedesktop.impl.portal.PermissionStore";
const STORE_PATH: &str = "/org/freedesktop/impl/portal/PermissionStore";
/// The permission store's table and entry for screenshots, keyed by app id (see [`app_id`]).
const STORE_TABLE: &str = "screenshot";
const STORE_ID: &str = "screenshot";

/// What the desktop's permission store says about non-interactive screenshots for us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenshotPermission {
    /// Granted: screenshots are taken without asking.
    Granted,
    /// Refused once: every request fails at once until the entry is removed.
    Denied,
    /// Never asked: GNOME shows its permission dialog on the first request.
    NotAsked,
    /// No permission store on the bus (not GNOME, or no portal at all).
    Unknown,
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    async_io::block_on(f)
}

async fn session_bus() -> Result<zbus::Connection, CaptureError> {
    zbus::Connection::session()
        .await
        .map_err(|e| portal_unavailable(format!("no D-Bus session bus: {e}")))
}

fn portal_unavailable(detail: String) -> CaptureError {
    let desktop = Desktop::current();
    CaptureError::PortalUnavailable {
        detail,
        desktop: desktop.name(),
        remedy: desktop.portal_remedy(),
    }
}

/// The D-Bus error name of a failed call, if it was an error reply.
fn error_name(e: &zbus::Error) -> Option<String> {
    match e {
        zbus::Error::MethodError(name, _, _) => Some(name.to_string()),
        zbus::Error::FDO(fdo) => {
            use zbus::DBusError;
            Some(fdo.name().to_string())
        }
        _ => None,
    }
}

/// No portal at all, or a portal without a Screenshot backend, answer these.
fn is_missing_service(e: &zbus::Error) -> bool {
    error_name(e).is_some_and(|n| {
        [
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "org.freedesktop.DBus.Error.NameHasNoOwner",
            "org.freedesktop.DBus.Error.UnknownMethod",
            "org.freedesktop.DBus.Error.UnknownInterface",
            "org.freedesktop.DBus.Error.UnknownObject",
            "org.freedesktop.DBus.Error.Spawn.ChildExited",
            "org.freedesktop.DBus.Error.Spawn.ExecFailed",
        ]
        .contains(&n.as_str())
    })
}

fn call_failed(e: zbus::Error) -> CaptureError {
    if is_missing_service(&e) {
        portal_unavailable(e.to_string())
    } else {
        CaptureError::ScreenCaptureFailed {
            detail: format!("the desktop's screenshot service failed: {e}"),
        }
    }
}

/// Asks the permission store (GNOME keeps the answer to its dialog there).
pub fn screenshot_permission() -> ScreenshotPermission {
    block_on(async {
        let Ok(bus) = session_bus().await else {
            return ScreenshotPermission::Unknown;
        };
        let lookup = async_io::Timer::after(Duration::from_secs(5));
        futures_lite::future::or(permission_in_store(&bus), async {
            lookup.await;
            ScreenshotPermission::Unknown
        })
        .await
    })
}

async fn permission_in_store(bus: &zbus::Connection) -> ScreenshotPermission {
    let reply = bus
        .call_method(
            Some(STORE),
            STORE_PATH,
            Some(STORE),
            "Lookup",
            &(STORE_TABLE, STORE_ID),
        )
        .await;
    let message = match reply {
        Ok(m) => m,
        // An empty store has no such table or entry yet.
        Err(e) if error_name(&e).is_some_and(|n| n == "org.freedesktop.portal.Error.NotFound") => {
            return ScreenshotPermission::NotAsked;
        }
        Err(_) => return ScreenshotPermission::Unknown,
    };
    let Ok((apps, _data)) = message
        .body()
        .deserialize::<(HashMap<String, Vec<String>>, OwnedValue)>()
    else {
        return ScreenshotPermission::Unknown;
    };
    let answer = crate::app_id::candidates()
        .iter()
        .find_map(|id| apps.get(id))
        .and_then(|p| p.first().cloned());
    match answer.as_deref() {
        Some("yes") => ScreenshotPermission::Granted,
        Some("no") => ScreenshotPermission::Denied,
        _ => ScreenshotPermission::NotAsked,
    }
}

/// Forgets a refusal, so that the desktop asks again on the next screenshot (the person
/// chose "Ask again" after refusing). Returns whether an entry was removed.
pub fn forget_screenshot_refusal() -> Result<bool, CaptureError> {
    block_on(async {
        let bus = session_bus().await?;
        if permission_in_store(&bus).await != ScreenshotPermission::Denied {
            return Ok(false);
        }
        // Under every id the portal may know us by: which one it uses depends on its version.
        for id in crate::app_id::candidates() {
            match bus
                .call_method(
                    Some(STORE),
                    STORE_PATH,
                    Some(STORE),
                    "DeletePermission",
                    &(STORE_TABLE, STORE_ID, id.as_str()),
                )
                .await
            {
                Ok(_) => {}
                Err(e)
                    if error_name(&e)
                        .is_some_and(|n| n == "org.freedesktop.portal.Error.NotFound") => {}
                Err(e) => return Err(call_failed(e)),
            }
        }
        Ok(true)
    })
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

/// The object path of the request a call with `token` creates (the portal's documented
/// scheme), so its `Response` can be subscribed to before the call is made.
fn request_path(unique_name: &str, token: &str) -> String {
    let sender = unique_name.trim_start_matches(':').replace('.', "_");
    format!("{PORTAL_PATH}/request/{sender}/{token}")
}

fn new_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("tweestap{}_{nanos}", std::process::id())
}

/// Asks the portal for a non-interactive screenshot of the whole desktop (every output, in
/// physical pixels), reads it and deletes the file the portal wrote (it shows the 2FA
/// secret). Gives up after `timeout` when the desktop does not answer (a dialog left open).
pub fn screenshot(timeout: Duration) -> Result<RgbaImage, CaptureError> {
    let deadline = Instant::now() + timeout;
    block_on(async {
        futures_lite::future::or(request_screenshot(deadline, timeout.as_secs()), async {
            async_io::Timer::at(deadline).await;
            Err(CaptureError::ScreenshotTimeout {
                seconds: timeout.as_secs(),
            })
        })
        .await
    })
}

/// A proxy for one portal request object. It caches no properties: the request object has
/// none, and may not exist yet when the proxy is made.
async fn request_proxy(
    bus: &zbus::Connection,
    path: OwnedObjectPath,
) -> zbus::Result<zbus::Proxy<'static>> {
    zbus::proxy::Builder::<zbus::Proxy>::new(bus)
        .destination(PORTAL)?
        .path(path)?
        .interface("org.freedesktop.portal.Request")?
        .cache_properties(zbus::proxy::CacheProperties::No)
        .build()
        .await
}

async fn request_screenshot(deadline: Instant, seconds: u64) -> Result<RgbaImage, CaptureError> {
    let bus = session_bus().await?;
    // Is there a portal with a Screenshot backend at all? (Activates xdg-desktop-portal.)
    bus.call_method(
        Some(PORTAL),
        PORTAL_PATH,
        Some("org.freedesktop.DBus.Properties"),
        "Get",
        &(SCREENSHOT, "version"),
    )
    .await
    .map_err(|e| {
        // A portal without the Screenshot interface says it has no such property.
        if error_name(&e).is_some_and(|n| n == "org.freedesktop.DBus.Error.InvalidArgs") {
            portal_unavailable(e.to_string())
        } else {
            call_failed(e)
        }
    })?;

    let unique = bus
        .unique_name()
        .map(|n| n.to_string())
        .ok_or_else(|| portal_unavailable("no name on the session bus".to_string()))?;
    let token = new_token();
    let path = request_path(&unique, &token);
    let path = OwnedObjectPath::try_from(path).map_err(|e| CaptureError::ScreenCaptureFailed {
        detail: format!("no request path for the portal: {e}"),
    })?;
    let mut request = request_proxy(&bus, path.clone())
        .await
        .map_err(call_failed)?;
    let mut responses = request
        .receive_signal("Response")
        .await
        .map_err(call_failed)?;

    let mut options: HashMap<&str, Value> = HashMap::new();
    options.insert("handle_token", Value::from(token.as_str()));
    options.insert("interactive", Value::from(false));
    options.insert("modal", Value::from(false));
    let handle: OwnedObjectPath = bus
        .call_method(
            Some(PORTAL),
            PORTAL_PATH,
            Some(SCREENSHOT),
            "Screenshot",
            &("", options),
        )
        .await
        .map_err(call_failed)?
        .body()
        .deserialize()
        .map_err(|e| CaptureError::ScreenCaptureFailed {
            detail: format!("the portal gave an unexpected answer: {e}"),
        })?;
    if handle != path {
        // Portals older than 0.9 pick their own path; listen (and close) there instead.
        request = request_proxy(&bus, handle).await.map_err(call_failed)?;
        responses = request
            .receive_signal("Response")
            .await
            .map_err(call_failed)?;
    }

    let answer = futures_lite::future::or(async { Some(responses.next().await) }, async {
        // One second short of the caller's deadline: close the request so the desktop takes
        // down a dialog it may have opened for it.
        async_io::Timer::at(deadline - Duration::from_secs(1)).await;
        None
    })
    .await;
    let Some(Some(message)) = answer else {
        let _ = request.call_method("Close", &()).await;
        return Err(CaptureError::ScreenshotTimeout { seconds });
    };
    let (code, results) = message
        .body()
        .deserialize::<(u32, HashMap<String, OwnedValue>)>()
        .map_err(|e| CaptureError::ScreenCaptureFailed {
            detail: format!("the portal gave an unexpected answer: {e}"),
        })?;
    match code {
        0 => {}
        1 => return Err(refused(" (the screenshot request was cancelled)")),
        _ => return Err(failed_response(&bus).await),
    }
    let uri = results
        .get("uri")
        .and_then(|v| String::try_from(v.clone()).ok())
        .ok_or_else(|| CaptureError::ScreenCaptureFailed {
            detail: "the portal answered without a screenshot".to_string(),
        })?;
    let file = file_uri_path(&uri).ok_or_else(|| CaptureError::ScreenCaptureFailed {
        detail: format!("the portal returned an unexpected location: {uri}"),
    })?;
    let img = qr::load_image_file(&file);
    let _ = std::fs::remove_file(&file);
    Ok(img?.to_rgba8())
}

fn refused(detail: &str) -> CaptureError {
    CaptureError::ScreenshotRefused {
        detail: detail.to_string(),
        desktop: Desktop::current().name(),
    }
}

/// Response 2 ("ended in another way") means a refusal recorded in the permission store, or
/// a backend that could not take the picture; tell which.
async fn failed_response(bus: &zbus::Connection) -> CaptureError {
    if permission_in_store(bus).await == ScreenshotPermission::Denied {
        return refused(" (screenshots were refused for Tweestap earlier)");
    }
    let desktop = Desktop::current();
    if desktop == Desktop::Wlroots && !grim_installed() {
        return portal_unavailable(
            "xdg-desktop-portal-wlr needs the program grim, which is not installed".to_string(),
        );
    }
    CaptureError::ScreenCaptureFailed {
        detail: format!(
            "the desktop's screenshot service could not take the picture; check that the portal backend for your desktop works ({})",
            desktop.portal_remedy()
        ),
    }
}

fn grim_installed() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("grim").is_file()))
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

    #[test]
    fn request_paths_follow_the_portal_scheme() {
        assert_eq!(
            super::request_path(":1.42", "tok"),
            "/org/freedesktop/portal/desktop/request/1_42/tok"
        );
    }
}
