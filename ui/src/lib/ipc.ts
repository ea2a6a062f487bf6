/**
 * Typed doors into the Rust commands (src-tauri/src/commands.rs). Shapes mirror the Rust
 * structs field for field; no command ever returns a secret.
 */
import { Channel, invoke } from "@tauri-apps/api/core";

export interface AppInfo {
  version: string;
  locale: string | null;
}

export type VaultState = "missing" | "locked" | "unlocked" | "damaged";

export interface VaultStatus {
  state: VaultState;
  path: string | null;
  has_keyring_slot: boolean;
  has_password_slot: boolean;
  /** Why the vault is locked or damaged (e.g. `keyring_missing`, `integrity_error`). */
  error: UiError | null;
  backup_available: boolean;
}

export interface CodeView {
  id: string;
  issuer: string;
  account: string;
  favourite: boolean;
  code: string;
  next_code: string | null;
  period: number | null;
  remaining_s: number | null;
  /** The (clock-corrected) instant the code was computed for, in Unix milliseconds. */
  at_ms: number;
}

export interface AddedAccount {
  id: string;
  /** `conflict`: the same login exists with another key; ask, then add again with replace. */
  status: "added" | "unchanged" | "conflict" | "replaced";
  issuer: string;
  account: string;
}

/** What a failed command rejects with. */
export interface UiError {
  kind: string;
  message: string;
}

export function isUiError(value: unknown): value is UiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as UiError).kind === "string" &&
    typeof (value as UiError).message === "string"
  );
}

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}

export function vaultStatus(): Promise<VaultStatus> {
  return invoke<VaultStatus>("vault_status");
}

export function createVault(useKeyring: boolean, password: string | null): Promise<VaultStatus> {
  return invoke<VaultStatus>("create_vault", { useKeyring, password });
}

export function unlockVault(password: string): Promise<VaultStatus> {
  return invoke<VaultStatus>("unlock_vault", { password });
}

export function lockVault(): Promise<void> {
  return invoke<void>("lock_vault");
}

export function restoreVaultBackup(): Promise<VaultStatus> {
  return invoke<VaultStatus>("restore_vault_backup");
}

export function addAccountUri(uri: string, replace = false): Promise<AddedAccount> {
  return invoke<AddedAccount>("add_account_uri", { uri, replace });
}

export function removeAccount(id: string): Promise<void> {
  return invoke<void>("remove_account", { id });
}

export function restoreAccount(id: string): Promise<void> {
  return invoke<void>("restore_account", { id });
}

export function renameAccount(id: string, issuer: string, account: string): Promise<void> {
  return invoke<void>("rename_account", { id, issuer, account });
}

/** Any rejection as a UiError (a non-command failure becomes `internal`). */
export function toUiError(e: unknown): UiError {
  return isUiError(e) ? e : { kind: "internal", message: String(e) };
}

export function listCodes(): Promise<CodeView[]> {
  return invoke<CodeView[]>("list_codes");
}

/** A scanned account, without its key (which stays in the app's Rust side). */
export interface FoundAccount {
  token: string;
  issuer: string;
  account: string;
  type: string;
  /** The vault already holds this login. */
  exists: boolean;
}

export interface FoundProblem {
  kind: string;
  /** For `not_2fa`: what the code holds instead (`web_link`, `wifi`, `contact`, `other`). */
  content: string | null;
  message: string;
}

export interface ScanReport {
  accounts: FoundAccount[];
  problems: FoundProblem[];
  no_code: boolean;
  /** A Google Authenticator export in several codes: how many were scanned (its accounts come
   * once all are). */
  batch: { received: number; total: number; missing: number[] } | null;
}

export interface CameraView {
  index: number;
  name: string;
}

export type CameraEvent =
  | { event: "started"; source: string }
  | { event: "frame"; jpeg_base64: string }
  | { event: "found"; report: ScanReport }
  | { event: "error"; error: UiError };

export function scanScreen(): Promise<ScanReport> {
  return invoke<ScanReport>("scan_screen");
}

/** Image bytes (a picked, dropped or pasted file) go as the raw request body. */
export function scanImage(bytes: Uint8Array): Promise<ScanReport> {
  return invoke<ScanReport>("scan_image", bytes);
}

export function scanClipboard(): Promise<ScanReport> {
  return invoke<ScanReport>("scan_clipboard");
}

export function addFound(tokens: string[], replace: boolean): Promise<AddedAccount[]> {
  return invoke<AddedAccount[]>("add_found", { tokens, replace });
}

export function cameraList(): Promise<CameraView[]> {
  return invoke<CameraView[]>("camera_list");
}

export function cameraStart(index: number, onEvent: (event: CameraEvent) => void): Promise<void> {
  const events = new Channel<CameraEvent>();
  events.onmessage = onEvent;
  return invoke<void>("camera_start", { index, events });
}

export function cameraStop(): Promise<void> {
  return invoke<void>("camera_stop");
}

export interface Settings {
  /** Seconds until a copied code is wiped from the clipboard; 0 keeps it. */
  clipboard_clear_s: number;
  next_code_threshold_s: number;
  /** Minutes of inactivity before a password-protected vault locks; 0 never. */
  auto_lock_min: number;
  hide_codes: boolean;
  /** Compare the clock with `clock_check_url` at start (only after the person agreed). */
  clock_check_enabled: boolean;
  clock_check_url: string;
  /** Seconds added to this computer's clock for every code. */
  clock_correction_s: number;
}

export interface ClockView {
  /** Server time minus this computer's time (positive: this computer is behind). */
  offset_s: number;
  rtt_ms: number;
  server: string;
  needs_attention: boolean;
}

export function checkClock(): Promise<ClockView> {
  return invoke<ClockView>("check_clock");
}

export function getSettings(): Promise<Settings> {
  return invoke<Settings>("get_settings");
}

export function setSettings(settings: Settings): Promise<Settings> {
  return invoke<Settings>("set_settings", { settings });
}

/** Copies the account's current code (computed in Rust) to the clipboard. */
export function copyCode(id: string): Promise<{ clear_after_s: number }> {
  return invoke<{ clear_after_s: number }>("copy_code", { id });
}

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
  return invoke<AddedAccount>("add_account_manual", { ...entry, replace });
}

export function setFavourite(id: string, favourite: boolean): Promise<void> {
  return invoke<void>("set_favourite", { id, favourite });
}

export function reorderAccounts(ids: string[]): Promise<void> {
  return invoke<void>("reorder_accounts", { ids });
}

/** The accounts of an otpauth:// link opened from outside (once), or null. */
export function takeOpenedLink(): Promise<ScanReport | null> {
  return invoke<ScanReport | null>("take_opened_link");
}

/** Starts the practice portal inside the app and opens it in the browser. */
export function openPracticePortal(): Promise<{ url: string; opened: boolean }> {
  return invoke<{ url: string; opened: boolean }>("open_practice_portal");
}

// --- Import and export (src-tauri/src/transfer.rs) -------------------------------------------

/** What a slow import or export step is doing. */
export type TransferProgress =
  | { stage: "reading"; bytes: number }
  | { stage: "decrypting" }
  | { stage: "checking"; accounts: number }
  | { stage: "saving"; accounts: number }
  | { stage: "confirming_password" }
  | { stage: "encrypting" }
  | { stage: "writing"; accounts: number };

/** One account of an import file, without its key. */
export interface ImportRow {
  index: number;
  issuer: string;
  account: string;
  type: string;
  /** `conflict`: the login is in the vault (or earlier in the file, `in_file`) with another key. */
  status: "new" | "identical" | "conflict";
  in_file: boolean;
}

export interface SkippedRow {
  reason: string;
  issuer: string;
  account: string;
}

/** Google Authenticator export in several QR codes: how many were given. */
export interface ExportProgress {
  batch_id: number;
  received: number;
  total: number;
  missing: number[];
}

export interface ImportView {
  token: string;
  files: string[];
  format: string | null;
  needs_password: boolean;
  complete: boolean;
  exports: ExportProgress[];
  accounts: ImportRow[];
  skipped: SkippedRow[];
}

export type ConflictChoice = "replace" | "keep_both";

export interface ImportDone {
  added: number;
  replaced: number;
  kept_both: number;
  unchanged: number;
  skipped: number;
}

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
  return invoke<ImportView | null>("import_pick", { token, title, events: progressChannel(onProgress) });
}

export function importPassword(
  token: string,
  password: string,
  onProgress: (p: TransferProgress) => void,
): Promise<ImportView> {
  return invoke<ImportView>("import_password", { token, password, events: progressChannel(onProgress) });
}

export function importCommit(
  token: string,
  choices: { index: number; choice: ConflictChoice }[],
  onProgress: (p: TransferProgress) => void,
): Promise<ImportDone> {
  return invoke<ImportDone>("import_commit", { token, choices, events: progressChannel(onProgress) });
}

export function importCancel(token: string): Promise<void> {
  return invoke<void>("import_cancel", { token });
}

export type ExportFormat = "backup" | "aegis" | "aegis_plain" | "uris";

/** The person's confirmation: the vault password (a vault with one), or `confirmed` (keyring
 * only); encrypted files use `file_password`, else the vault password. */
export interface ExportConfirm {
  vault_password: string | null;
  confirmed: boolean;
  file_password: string | null;
}

/** Writes the export to the file chosen in the save dialog; `null` when it was cancelled. */
export function exportFile(
  format: ExportFormat,
  confirm: ExportConfirm,
  title: string,
  onProgress: (p: TransferProgress) => void,
): Promise<{ path: string; accounts: number } | null> {
  return invoke<{ path: string; accounts: number } | null>("export_file", {
    format,
    confirm,
    title,
    events: progressChannel(onProgress),
  });
}

/** The Google Authenticator export QR codes (PNG data URLs). They carry the keys. */
export interface GoogleQrView {
  codes: string[];
  accounts: number;
  skipped: SkippedRow[];
}

export function exportGoogleQr(confirm: ExportConfirm): Promise<GoogleQrView> {
  return invoke<GoogleQrView>("export_google_qr", { confirm });
}
