/**
 * Typed doors into the Rust commands (src-tauri/src/commands.rs). Shapes mirror the Rust
 * structs field for field; no command ever returns a secret.
 */
import { invoke } from "@tauri-apps/api/core";

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
