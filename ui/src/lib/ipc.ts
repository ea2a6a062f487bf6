/**
 * Typed doors into the Rust commands (src-tauri/src/commands.rs). Shapes mirror the Rust
 * structs field for field; no command ever returns a secret.
 */
import { invoke } from "@tauri-apps/api/core";

export interface AppInfo {
  version: string;
  locale: string | null;
}

export interface CodeView {
  id: number;
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
  id: number;
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

export function addAccountUri(uri: string): Promise<AddedAccount> {
  return invoke<AddedAccount>("add_account_uri", { uri });
}

export function listCodes(): Promise<CodeView[]> {
  return invoke<CodeView[]>("list_codes");
}
