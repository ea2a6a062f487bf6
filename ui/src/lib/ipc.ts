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
  batch: { index: number; size: number } | null;
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
