/**
 * The UI's door into the Rust commands. Every typed command and every type comes from
 * bindings.ts, generated from the Rust signatures (src-tauri/src/bindings.rs; `make bindings`);
 * this file re-exports them under the names the components use and adds the few wrappers that
 * give a default, take an object or a callback, or (marked HAND-WRITTEN) call a command the
 * generator cannot describe. Every command rejects with an AppError; none returns a secret.
 */
import { Channel, invoke } from "@tauri-apps/api/core";
import {
  commands,
  DEFAULT_SETTINGS,
  ERROR_KINDS,
  SETTING_LIMITS,
  type AddedAccount,
  type CameraEvent,
  type Choice,
  type ExportConfirm,
  type ExportDone,
  type FileFormat,
  type ImportDone,
  type ImportView,
  type ManualAccount,
  type ScanReport,
  type TransferProgress,
  type AppError,
} from "./bindings";

export type {
  AddedAccount,
  AddStatus,
  AppInfo,
  CameraEvent,
  CameraView,
  ClockView,
  Choice,
  CodeView,
  ConflictChoice,
  Copied,
  ExportConfirm,
  ExportDone,
  FileFormat,
  GoogleQrView,
  ImportDone,
  ImportRow,
  ImportView,
  ManualAccount,
  Progress,
  RowStatus,
  SkippedRow,
  TransferProgress,
  FoundAccount,
  FoundProblem,
  PortalView,
  QrContent,
  ScanReport,
  ScreenCaptureView,
  Settings,
  AppError,
  ErrorKind,
  VaultState,
  VaultStatus,
} from "./bindings";

/** The settings' defaults and largest values, defined once in Rust (src-tauri/src/settings.rs). */
export { DEFAULT_SETTINGS, SETTING_LIMITS };

/** Every error kind a command can reject with (the `ErrorKind` union), generated from Rust. */
export { ERROR_KINDS };

export const {
  appInfo,
  vaultStatus,
  createVault,
  unlockVault,
  lockVault,
  reportActivity,
  restoreVaultBackup,
  listCodes,
  removeAccount,
  restoreAccount,
  renameAccount,
  setFavourite,
  reorderAccounts,
  copyCode,
  getSettings,
  setSettings,
  checkClock,
  scanScreen,
  screenCaptureInfo,
  screenAskAgain,
  scanClipboard,
  addFound,
  cameraList,
  cameraStop,
  takeOpenedLink,
  openPracticePortal,
  importCancel,
  exportGoogleQr,
} = commands;

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    (ERROR_KINDS as readonly string[]).includes((value as AppError).kind) &&
    typeof (value as AppError).message === "string"
  );
}

/** Any rejection as an AppError (a non-command failure, or an unknown kind, becomes `internal`). */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const message = (e as { message?: unknown } | null)?.message;
  return { kind: "internal", message: typeof message === "string" ? message : String(e) };
}

/** `conflict` means the login exists with another key: ask, then call again with `replace`. */
export function addAccountUri(uri: string, replace = false): Promise<AddedAccount> {
  return commands.addAccountUri(uri, replace);
}

/** The manual-entry form (`ManualAccount`): empty advanced fields mean the usual defaults. */
export function addAccountManual(entry: ManualAccount, replace = false): Promise<AddedAccount> {
  return commands.addAccountManual(entry, replace);
}

/** Starts the live webcam scan; its events arrive on `onEvent` until found, failed or stopped. */
export function cameraStart(index: number, onEvent: (event: CameraEvent) => void): Promise<null> {
  const events = new Channel<CameraEvent>();
  events.onmessage = onEvent;
  return commands.cameraStart(index, events);
}

/**
 * HAND-WRITTEN: `scan_image` takes the image bytes (a picked, dropped or pasted file) as the raw
 * request body, which the generated bindings cannot describe (see UNTYPED_COMMANDS in
 * src-tauri/src/bindings.rs).
 */
export function scanImage(bytes: Uint8Array): Promise<ScanReport> {
  return invoke<ScanReport>("scan_image", bytes);
}

/** A channel that hands each progress report of a slow import or export step to `onProgress`. */
function progressChannel(onProgress: (p: TransferProgress) => void): Channel<TransferProgress> {
  const events = new Channel<TransferProgress>();
  events.onmessage = onProgress;
  return events;
}

/** Shows the open dialog (titled `title`) and reads the file; with `token`, the file joins that
 * import (the next QR image of a Google export). `null` when the dialog was cancelled. */
export function importPick(
  token: string | null,
  title: string,
  onProgress: (p: TransferProgress) => void,
): Promise<ImportView | null> {
  return commands.importPick(token, title, progressChannel(onProgress));
}

export function importPassword(
  token: string,
  password: string,
  onProgress: (p: TransferProgress) => void,
): Promise<ImportView> {
  return commands.importPassword(token, password, progressChannel(onProgress));
}

export function importCommit(
  token: string,
  choices: Choice[],
  onProgress: (p: TransferProgress) => void,
): Promise<ImportDone> {
  return commands.importCommit(token, choices, progressChannel(onProgress));
}

/** Writes the export to the file chosen in the save dialog; `null` when it was cancelled. */
export function exportFile(
  format: FileFormat,
  confirm: ExportConfirm,
  title: string,
  onProgress: (p: TransferProgress) => void,
): Promise<ExportDone | null> {
  return commands.exportFile(format, confirm, title, progressChannel(onProgress));
}
