/**
 * The UI's door into the Rust commands. Every typed command and every type comes from
 * bindings.ts, generated from the Rust signatures (src-tauri/src/bindings.rs; `make bindings`);
 * this file re-exports them under the names the components use and adds the few wrappers that
 * give a default, take an object or a callback, or (marked HAND-WRITTEN) call a command the
 * generator cannot describe. Every command rejects with a UiError; none returns a secret.
 */
import { Channel, invoke } from "@tauri-apps/api/core";
import {
  commands,
  DEFAULT_SETTINGS,
  SETTING_LIMITS,
  type AddedAccount,
  type CameraEvent,
  type Choice,
  type ExportConfirm,
  type ExportDone,
  type FileFormat,
  type ImportDone,
  type ImportView,
  type ScanReport,
  type TransferProgress,
  type UiError,
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
  UiError,
  VaultState,
  VaultStatus,
} from "./bindings";

/** The settings' defaults and largest values, defined once in Rust (src-tauri/src/settings.rs). */
export { DEFAULT_SETTINGS, SETTING_LIMITS };

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

export function isUiError(value: unknown): value is UiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as UiError).kind === "string" &&
    typeof (value as UiError).message === "string"
  );
}

/** Any rejection as a UiError (a non-command failure becomes `internal`). */
export function toUiError(e: unknown): UiError {
  return isUiError(e) ? e : { kind: "internal", message: String(e) };
}

/** `conflict` means the login exists with another key: ask, then call again with `replace`. */
export function addAccountUri(uri: string, replace = false): Promise<AddedAccount> {
  return commands.addAccountUri(uri, replace);
}

/** The manual-entry form; empty advanced fields mean the usual defaults. */
export interface ManualAccount {
  issuer: string;
  account: string;
  secret: string;
  algorithm: string | null;
  digits: string | null;
  period: string | null;
  /** Set for a counter-based (HOTP) account. */
  counter: string | null;
}

export function addAccountManual(entry: ManualAccount, replace = false): Promise<AddedAccount> {
  const { issuer, account, secret, algorithm, digits, period, counter } = entry;
  return commands.addAccountManual(issuer, account, secret, algorithm, digits, period, counter, replace);
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
