//! Import and export in the app: thin doors over `tweestap_core::import` and `export`.
//!
//! Files are chosen in the system's open and save dialogs, which these commands show
//! themselves: the web view never names a path, so it cannot read or write files on its own.
//! A file being imported stays in this process behind a token (like scan results); the UI sees
//! display fields only (issuer, account, type, what importing would do). The one exception is
//! the confirmed Google Authenticator export, whose QR codes carry the keys by design.
//!
//! An export is confirmed by the vault's password, or, for a vault opened by the keyring
//! alone, by a native OK/Cancel dialog this process shows itself: a script in the window
//! cannot answer it. Locking the vault ends every import and export under way: each step
//! after a wait (a dialog, slow work) checks the lock epoch before it keeps or writes anything.
//!
//! Slow work (reading, decrypting, checking and storing 100,000 accounts, key derivation) runs
//! off the IPC thread on a second handle of the vault, reporting its stage on a channel, so
//! the window stays responsive and keeps showing codes meanwhile.

use std::path::PathBuf;

use serde::Serialize;
use specta::Type;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State, WebviewWindow};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
use tweestap_core::civil::utc_date;
use tweestap_core::export::{self, Confirmation, GoogleQrView};
use tweestap_core::import::{self, Held, ImportError, Source};
use tweestap_core::otp::Clock;
use tweestap_core::settings::SettingsStore;
use tweestap_core::vault::Vault;
use zeroize::Zeroizing;

use crate::desktop;
use crate::error::AppError;
use crate::state::{AppState, Transfers, blocking, with_vault};

/// Debug builds only (the end-to-end suite runs `tauri build --debug`; release builds have no
/// such hook): WebDriver cannot drive a native dialog. When this is set, it names a file that
/// answers the dialogs instead. A line `confirm: ok` says OK to the export confirmation of a
/// keyring-only vault (without it that dialog is answered Cancel); the first other line
/// answers the next open or save dialog (a path; an empty line is "the person cancelled").
#[cfg(debug_assertions)]
const TEST_DIALOG_ENV: &str = "TWEESTAP_TEST_DIALOG_ANSWER";
#[cfg(debug_assertions)]
const TEST_CONFIRM_OK: &str = "confirm: ok";

/// The tests' answers to the dialogs (see [`TEST_DIALOG_ENV`]), in a debug build with it set.
#[cfg(debug_assertions)]
fn test_answers() -> Option<Vec<String>> {
    let file = std::env::var_os(TEST_DIALOG_ENV)?;
    let text = std::fs::read_to_string(file).unwrap_or_default();
    Some(text.lines().map(|l| l.trim().to_string()).collect())
}

#[cfg(not(debug_assertions))]
fn test_answers() -> Option<Vec<String>> {
    None
}

/// The tests' answer to an open or save dialog: the first line that is not a confirmation.
fn test_path_answer(lines: &[String]) -> Option<PathBuf> {
    let line = lines
        .iter()
        .find(|l| !l.starts_with("confirm:"))
        .map_or("", String::as_str);
    (!line.is_empty()).then(|| PathBuf::from(line))
}

#[cfg(debug_assertions)]
fn test_confirmed(lines: &[String]) -> bool {
    lines.iter().any(|l| l == TEST_CONFIRM_OK)
}

#[cfg(not(debug_assertions))]
fn test_confirmed(_: &[String]) -> bool {
    false
}

/// `locked` when the vault was locked since `epoch` (see [`AppState::lock_epoch`]): whatever
/// was started before the lock must not be kept, shown or written after it.
fn still_open(state: &AppState, epoch: u64) -> Result<(), AppError> {
    if state.lock_epoch() == epoch {
        Ok(())
    } else {
        Err(AppError::locked())
    }
}

type PendingImport = Held<u64>;

/// Keeps `pending` for the next step, unless the vault was locked since it began (then it is
/// dropped, its keys wiped, and the answer is `locked`). The epoch is read while the slot is
/// held: a lock that comes after clears the slot once this returns.
fn keep(state: &AppState, transfers: &Transfers, pending: PendingImport) -> Result<(), AppError> {
    if transfers.keep(pending, |&epoch| state.lock_epoch() == epoch) {
        Ok(())
    } else {
        Err(AppError::locked())
    }
}

/// What a slow step is doing, for the progress line.
#[derive(Serialize, Type, Clone)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum TransferProgress {
    Reading { bytes: u64 },
    Decrypting,
    Checking { accounts: usize },
    Saving { accounts: usize },
    ConfirmingPassword,
    Encrypting,
    Writing { accounts: usize },
}

fn report(events: &Channel<TransferProgress>, progress: TransferProgress) {
    // The UI may have gone (window closed): the work goes on regardless.
    let _ = events.send(progress);
}

/// A second handle on the open vault (re-read first), for work that must not hold the door's.
fn vault_handle(state: &AppState) -> Result<Vault, AppError> {
    with_vault(state, |vault| {
        vault.refresh()?;
        Ok(vault.duplicate())
    })
}

// --- Dialogs --------------------------------------------------------------------------------

enum Dialog {
    Open,
    Save { file_name: String },
}

/// Shows the open or save dialog over `window` (or reads the tests' answer); `None` when the
/// person cancelled.
async fn choose_path(
    app: &AppHandle,
    window: &WebviewWindow,
    dialog: Dialog,
    title: String,
) -> Result<Option<PathBuf>, AppError> {
    if let Some(lines) = test_answers() {
        return Ok(test_path_answer(&lines));
    }
    let (app, window) = (app.clone(), window.clone());
    blocking(move || {
        let builder = app.dialog().file().set_parent(&window).set_title(title);
        let picked = match dialog {
            Dialog::Open => builder.blocking_pick_file(),
            Dialog::Save { file_name } => builder.set_file_name(file_name).blocking_save_file(),
        };
        picked
            .map(|p| {
                p.into_path()
                    .map_err(|e| AppError::internal(format!("the dialog gave no usable path: {e}")))
            })
            .transpose()
    })
    .await
}

// --- Import ---------------------------------------------------------------------------------

/// What the chosen file(s) hold (see [`import::SessionView`]), under the import's token.
#[derive(Serialize, Type, Clone)]
pub struct ImportView {
    pub token: String,
    #[serde(flatten)]
    pub view: import::SessionView,
}

/// Runs `step` on the import's session off the IPC thread, on a second handle of the vault,
/// telling the window how many accounts are being checked. The import comes back with the
/// step's result whatever happened, so the caller decides whether to keep it.
async fn on_session<T: Send + 'static>(
    state: &AppState,
    mut pending: PendingImport,
    events: &Channel<TransferProgress>,
    step: impl FnOnce(&mut import::Session, &Vault, &dyn Fn(usize)) -> Result<T, ImportError>
    + Send
    + 'static,
) -> Result<(PendingImport, Result<T, AppError>), AppError> {
    let vault = match vault_handle(state) {
        Ok(vault) => vault,
        Err(e) => return Ok((pending, Err(e))),
    };
    let checking = checking(events);
    blocking(move || {
        let result = step(&mut pending.session, &vault, &checking).map_err(AppError::from);
        Ok::<_, AppError>((pending, result))
    })
    .await
}

/// Tells the window how many accounts of an import are being compared with the vault.
fn checking(events: &Channel<TransferProgress>) -> impl Fn(usize) + Send + 'static {
    let events = events.clone();
    move |accounts| report(&events, TransferProgress::Checking { accounts })
}

fn view_of(pending: &PendingImport, view: import::SessionView) -> ImportView {
    ImportView {
        token: pending.token.clone(),
        view,
    }
}

/// Shows the open dialog and reads the chosen file. With the `token` of the import being
/// previewed, the file joins it (the next QR image of a Google Authenticator export);
/// without, it starts a new import. `null` when the person cancelled the dialog. On an error
/// a new import is dropped and a joined one stays as it was.
#[tauri::command]
#[specta::specta]
pub async fn import_pick(
    token: Option<String>,
    title: String,
    events: Channel<TransferProgress>,
    app: AppHandle,
    window: WebviewWindow,
    state: State<'_, AppState>,
    transfers: State<'_, Transfers>,
) -> Result<Option<ImportView>, AppError> {
    // Checked first: no dialog while the vault is locked.
    let epoch = state.lock_epoch();
    with_vault(&state, |_| Ok(()))?;
    let Some(path) = choose_path(&app, &window, Dialog::Open, title).await? else {
        return Ok(None);
    };
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    report(&events, TransferProgress::Reading { bytes: size });
    let source = blocking(move || Source::read(&path).map_err(AppError::from)).await?;
    let Some(token) = token else {
        // One import at a time: a new file replaces (and wipes) an unfinished one.
        transfers.clear();
        let vault = vault_handle(&state)?;
        let checking = checking(&events);
        let (session, view) = blocking(move || {
            import::Session::open(source, &vault, checking).map_err(AppError::from)
        })
        .await?;
        let pending = transfers.begin(session, epoch);
        let view = view_of(&pending, view);
        keep(&state, &transfers, pending)?;
        return Ok(Some(view));
    };
    let earlier = transfers.take(&token)?;
    let (pending, result) =
        on_session(&state, earlier, &events, move |session, vault, checking| {
            session.add(source, vault, checking)
        })
        .await?;
    let view = result.map(|view| view_of(&pending, view));
    // Joined or not (the new file did not fit), the import stays open.
    keep(&state, &transfers, pending)?;
    view.map(Some)
}

/// Reads the encrypted file of import `token` with `password`. A wrong password keeps the
/// import open, so the person can try again.
#[tauri::command]
#[specta::specta]
pub async fn import_password(
    token: String,
    password: String,
    events: Channel<TransferProgress>,
    state: State<'_, AppState>,
    transfers: State<'_, Transfers>,
) -> Result<ImportView, AppError> {
    let password = Zeroizing::new(password);
    let pending = transfers.take(&token)?;
    report(&events, TransferProgress::Decrypting);
    let (pending, result) =
        on_session(&state, pending, &events, move |session, vault, checking| {
            session.unlock(&password, vault, checking)
        })
        .await?;
    let view = result.map(|view| view_of(&pending, view));
    keep(&state, &transfers, pending)?;
    view
}

/// Stores the previewed accounts of import `token` in one vault write, following the preview
/// and the person's `choices` (see [`import::Session::commit`]). Nothing is written on any
/// failure, nor after a lock. The import ends when it is done, or when the vault changed
/// since the preview (`import_outdated`: open the file again); otherwise it stays open.
#[tauri::command]
#[specta::specta]
pub async fn import_commit(
    token: String,
    choices: Vec<import::Choice>,
    events: Channel<TransferProgress>,
    app: AppHandle,
    state: State<'_, AppState>,
    transfers: State<'_, Transfers>,
) -> Result<import::ImportDone, AppError> {
    let pending = transfers.take(&token)?;
    let ready = pending.session.check_ready().map_err(AppError::from);
    let vault = ready.and_then(|()| vault_handle(&state));
    let mut vault = match vault {
        Ok(v) => v,
        Err(e) => {
            keep(&state, &transfers, pending)?;
            return Err(e);
        }
    };
    let accounts = pending.session.accounts();
    report(&events, TransferProgress::Saving { accounts });
    let (pending, result) = blocking(move || {
        // The handle is a copy: a lock while this waited for its thread must stop it here,
        // before the write (a lock during the write itself comes after it).
        if let Err(e) = still_open(&app.state::<AppState>(), pending.extra) {
            return Ok((pending, Err((e, false))));
        }
        let result = pending.session.commit(&mut vault, &choices);
        let result = result.map_err(|e| (AppError::from_kind(&e), e.ends_session()));
        Ok::<_, AppError>((pending, result))
    })
    .await?;
    match result {
        // `pending` (every key of the file) is dropped and wiped here.
        Ok(done) => Ok(done),
        Err((e, true)) => Err(e),
        Err((e, false)) => {
            keep(&state, &transfers, pending)?;
            Err(e)
        }
    }
}

/// Drops import `token` and the keys it holds. Nothing was written.
#[tauri::command]
#[specta::specta]
pub fn import_cancel(token: String, transfers: State<'_, Transfers>) -> Result<(), AppError> {
    let _ = transfers.take(&token);
    Ok(())
}

// --- Export ---------------------------------------------------------------------------------

/// Checks the person's confirmation against the vault (see [`Confirmation::check`]), off the
/// IPC thread (Argon2id for a password).
async fn check_confirmation(
    confirm: Confirmation,
    vault: Vault,
) -> Result<(Vault, export::Consent), AppError> {
    blocking(move || {
        let consent = confirm.check(&vault)?;
        Ok::<_, AppError>((vault, consent))
    })
    .await
}

/// For a vault opened by the keyring alone, where no password confirmed the export (see
/// [`export::Consent::ask_natively`]): asks the person in a native OK/Cancel dialog, in their
/// language, over `window` (shown from a worker thread, never the main one). The window's
/// script can neither show nor answer it. `export_declined` when they cancel.
async fn confirm_natively(
    app: &AppHandle,
    window: &WebviewWindow,
    consent: &export::Consent,
) -> Result<(), AppError> {
    if !consent.ask_natively {
        return Ok(());
    }
    let yes = match test_answers() {
        Some(lines) => test_confirmed(&lines),
        None => {
            let (app, window) = (app.clone(), window.clone());
            blocking(move || {
                let language = desktop::language(&app);
                let text = |key| desktop::text(language, key);
                let ok = app
                    .dialog()
                    .message(text("export.native.message"))
                    .title(text("export.native.title"))
                    .kind(MessageDialogKind::Warning)
                    .buttons(MessageDialogButtons::OkCancelCustom(
                        text("export.native.ok"),
                        text("export.native.cancel"),
                    ))
                    .parent(&window)
                    .blocking_show();
                Ok::<_, AppError>(ok)
            })
            .await?
        }
    };
    if yes {
        Ok(())
    } else {
        Err(AppError::from(export::ExportError::Declined))
    }
}

#[derive(Serialize, Type)]
pub struct ExportDone {
    pub path: String,
    pub accounts: usize,
}

/// Exports every account to a file the person names in the save dialog, after the
/// confirmation (see [`Confirmation`]). `null` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_file(
    format: export::FileFormat,
    confirm: Confirmation,
    title: String,
    events: Channel<TransferProgress>,
    app: AppHandle,
    window: WebviewWindow,
    state: State<'_, AppState>,
) -> Result<Option<ExportDone>, AppError> {
    let epoch = state.lock_epoch();
    let vault = vault_handle(&state)?;
    report(&events, TransferProgress::ConfirmingPassword);
    let (vault, consent) = check_confirmation(confirm, vault).await?;
    format.check_password(consent.file_password.as_deref().map(String::as_str))?;
    confirm_natively(&app, &window, &consent).await?;
    still_open(&state, epoch)?;
    let dialog = Dialog::Save {
        file_name: format.file_name(&utc_date(app.state::<SettingsStore>().clock().now_unix())),
    };
    let Some(path) = choose_path(&app, &window, dialog, title).await? else {
        return Ok(None);
    };
    // The save dialog may have stayed open while the vault was locked.
    still_open(&state, epoch)?;
    if format.encrypted() {
        report(&events, TransferProgress::Encrypting);
    }
    let progress = events.clone();
    blocking(move || {
        let password = consent.file_password.as_ref().map(|p| p.as_str());
        let file = format.write(&vault, password)?;
        report(
            &progress,
            TransferProgress::Writing {
                accounts: file.accounts,
            },
        );
        // Encrypting takes a while: no file once the vault is locked.
        still_open(&app.state::<AppState>(), epoch)?;
        // The save dialog asked before replacing an existing file.
        export::write_private(&path, &file.bytes, true)?;
        Ok::<_, AppError>(ExportDone {
            path: path.display().to_string(),
            accounts: file.accounts,
        })
    })
    .await
    .map(Some)
}

/// The vault's accounts as Google Authenticator export QR codes (at most ten accounts each),
/// after the confirmation (see [`Confirmation`]). The one command whose result carries keys.
#[tauri::command]
#[specta::specta]
pub async fn export_google_qr(
    confirm: Confirmation,
    app: AppHandle,
    window: WebviewWindow,
    state: State<'_, AppState>,
) -> Result<GoogleQrView, AppError> {
    let epoch = state.lock_epoch();
    let vault = vault_handle(&state)?;
    let (vault, consent) = check_confirmation(confirm, vault).await?;
    confirm_natively(&app, &window, &consent).await?;
    blocking(move || {
        // No keys for a window whose vault was locked meanwhile.
        still_open(&app.state::<AppState>(), epoch)?;
        Ok::<_, AppError>(export::google_qr_view(&vault)?)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(state: &AppState, transfers: &Transfers) -> PendingImport {
        use std::sync::Arc;
        use tweestap_core::vault::{CreateOptions, MemoryKeyring, VaultStore};
        let dir = std::env::temp_dir().join(format!("tweestap-transfer-{}", std::process::id()));
        let store = VaultStore::new(dir.join("vault.tweestap"))
            .with_keyring(Arc::new(MemoryKeyring::new()));
        let vault = store.create(CreateOptions::default()).unwrap();
        let links = Source::new("links.txt", b"otpauth://totp/A?secret=AAAA".to_vec());
        let (session, _) = import::Session::open(links, &vault, |_| {}).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        transfers.begin(session, state.lock_epoch())
    }

    #[test]
    fn an_import_taken_before_a_lock_is_not_kept_after_it() {
        let (state, transfers) = (AppState::new(), Transfers::default());
        let first = pending(&state, &transfers);
        let token = first.token.clone();
        keep(&state, &transfers, first).unwrap();
        // A command takes it and awaits its work; meanwhile the person locks the vault.
        let taken = transfers.take(&token).unwrap();
        state.lock_by_person();
        assert_eq!(keep(&state, &transfers, taken).unwrap_err().kind, "locked");
        assert_eq!(
            transfers
                .take(&token)
                .err()
                .map(|e| AppError::from(e).kind.to_string()),
            Some("import_expired".to_string()),
            "the import (and its keys) is gone"
        );
        assert_eq!(still_open(&state, 0).unwrap_err().kind, "locked");
        still_open(&state, state.lock_epoch()).unwrap();
    }

    #[test]
    fn the_tests_dialog_answers_keep_the_confirmation_apart_from_the_path() {
        let lines = |text: &str| text.lines().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            test_path_answer(&lines("confirm: ok\n/tmp/out.txt")),
            Some(PathBuf::from("/tmp/out.txt"))
        );
        assert_eq!(test_path_answer(&lines("confirm: ok")), None);
        assert_eq!(test_path_answer(&lines("")), None);
        assert!(test_confirmed(&lines("/tmp/out.txt\nconfirm: ok")) == cfg!(debug_assertions));
        assert!(!test_confirmed(&lines("/tmp/out.txt")));
    }
}
