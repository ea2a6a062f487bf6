//! "Oefenportaal": the practice portal (tweestap-portal) served inside the app on a free
//! 127.0.0.1 port, opened in the person's browser. One per app run; stopped when the app ends.

use std::sync::Mutex;

use serde::Serialize;
use tauri::State;
use tauri_plugin_opener::OpenerExt;

use crate::error::AppError;
use tweestap_core::Kind;

#[derive(Default)]
pub struct PracticePortal(Mutex<Option<tweestap_portal::RunningPortal>>);

#[derive(Serialize, specta::Type)]
pub struct PortalView {
    pub url: String,
    /// False when no browser could be started: the UI shows the address to open by hand.
    pub opened: bool,
}

/// Starts the practice portal (once) and opens it in the default browser.
#[tauri::command]
#[specta::specta]
pub fn open_practice_portal(
    app: tauri::AppHandle,
    portal: State<'_, PracticePortal>,
) -> Result<PortalView, AppError> {
    let mut slot = portal
        .0
        .lock()
        .map_err(|_| AppError::internal("portal state lock poisoned"))?;
    if slot.is_none() {
        let running =
            tweestap_portal::start(0, tweestap_portal::Portal::default()).map_err(|e| {
                AppError::new(
                    Kind::PortalFailed,
                    format!("the practice portal could not start: {e}"),
                )
            })?;
        *slot = Some(running);
    }
    let url = slot.as_ref().map(|p| p.url()).unwrap_or_default();
    let opened = app.opener().open_url(&url, None::<&str>).is_ok();
    Ok(PortalView { url, opened })
}
