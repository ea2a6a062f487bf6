//! `otpauth://` and `otpauth-migration://` links opened from a browser or another program
//! (the deep-link plugin; on Linux and Windows a second launch forwards them through the
//! single-instance plugin). A link is never added silently: its accounts become pending
//! entries, as after a scan, and the UI asks before adding.

use std::sync::Mutex;

use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_deep_link::DeepLinkExt;

use crate::error::AppError;
use crate::scan::{ScanReport, report};

/// The report of a link that arrived before the UI was listening (the app was started by it).
#[derive(Default)]
pub struct OpenedLink(Mutex<Option<ScanReport>>);

const EVENT: &str = "link-opened";

pub fn install(app: &AppHandle) {
    app.manage(OpenedLink::default());
    let handle = app.clone();
    app.deep_link().on_open_url(move |event| {
        let urls: Vec<String> = event
            .urls()
            .iter()
            .map(|u| u.as_str().to_string())
            .collect();
        opened(&handle, &urls);
    });
    if let Ok(Some(urls)) = app.deep_link().get_current() {
        let urls: Vec<String> = urls.iter().map(|u| u.as_str().to_string()).collect();
        opened(app, &urls);
    }
}

fn opened(app: &AppHandle, urls: &[String]) {
    let found = report(urls, app);
    if let Ok(mut slot) = app.state::<OpenedLink>().0.lock() {
        *slot = Some(found);
    }
    crate::desktop::show_main_window(app);
    // The UI then fetches the report with `take_opened_link`.
    let _ = app.emit(EVENT, ());
}

/// The latest opened link's report, once (at start, and after each `link-opened` event).
#[tauri::command]
#[specta::specta]
pub fn take_opened_link(opened: State<'_, OpenedLink>) -> Result<Option<ScanReport>, AppError> {
    Ok(opened
        .0
        .lock()
        .map_err(|_| AppError::internal("link state lock poisoned"))?
        .take())
}
