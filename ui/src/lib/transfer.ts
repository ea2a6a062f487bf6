/**
 * The decisions of the import and export screens, kept out of the components so they can be
 * tested: what an import preview adds up to, which conflicts still need a choice, whether an
 * export's confirmation is complete, and which catalog text says what a step is doing.
 */
import type { Choice, ConflictChoice, ErrorKind, ExportConfirm, FileFormat, ImportView, TransferProgress } from "./ipc";
import type { MessageKey } from "./i18n.svelte";

/**
 * Errors after which the import being previewed is gone in the app (locked, expired, or the
 * vault changed since the preview): the screen closes the preview instead of offering a commit
 * that can only fail again.
 */
export function endsImport(kind: ErrorKind): boolean {
  return IMPORT_ENDING.has(kind);
}

const IMPORT_ENDING: ReadonlySet<ErrorKind> = new Set<ErrorKind>(["import_outdated", "import_expired", "locked"]);

/** How many accounts of a preview are new, already there (skipped) or need a choice. */
export interface ImportSummary {
  total: number;
  new: number;
  identical: number;
  conflicts: number;
  skipped: number;
}

export function summarize(view: ImportView): ImportSummary {
  const count = (status: string) => view.accounts.filter((a) => a.status === status).length;
  return {
    total: view.accounts.length,
    new: count("new"),
    identical: count("identical"),
    conflicts: count("conflict"),
    skipped: view.skipped.length,
  };
}

/** The indices of the accounts that need the person's choice (replace or keep both). */
export function conflictIndices(view: ImportView): number[] {
  return view.accounts.filter((a) => a.status === "conflict").map((a) => a.index);
}

/** The conflicts that have no choice yet. */
export function unchosen(view: ImportView, choices: Record<number, ConflictChoice>): number[] {
  return conflictIndices(view).filter((i) => !(i in choices));
}

/** True when the import can be committed: complete, read, something to store, every conflict
 * decided. */
export function canCommit(view: ImportView, choices: Record<number, ConflictChoice>): boolean {
  const s = summarize(view);
  return view.complete && !view.needs_password && s.new + s.conflicts > 0 && unchosen(view, choices).length === 0;
}

/** The same choice for every conflict. */
export function chooseAll(view: ImportView, choice: ConflictChoice): Record<number, ConflictChoice> {
  return Object.fromEntries(conflictIndices(view).map((i) => [i, choice]));
}

/** The choices as the import command takes them (only those of this preview's conflicts). */
export function choiceList(view: ImportView, choices: Record<number, ConflictChoice>): Choice[] {
  return conflictIndices(view).flatMap((index) => {
    const choice = choices[index];
    return choice ? [{ index, choice }] : [];
  });
}

/** The Google export still missing codes, if any: "2 of 3 codes", and the next number. */
export function incompleteExport(view: ImportView): { received: number; total: number; next: number } | null {
  const open = view.exports.find((e) => e.missing.length > 0);
  if (!open) return null;
  return { received: open.received, total: open.total, next: open.missing[0] ?? open.received + 1 };
}

/** An account's code type as people know it: TOTP, HOTP, Steam. */
export function typeLabel(type: string): string {
  return type === "steam" ? "Steam" : type.toUpperCase();
}

/** How many rows of a long preview to show at first, and per "show more". */
export const ROWS_PAGE = 100;

/** The catalog text for a skipped entry's reason; an unknown reason gets the general one. */
export function reasonKey(reason: ErrorKind, catalog: Record<string, string>): MessageKey {
  const key = `import.reason.${reason}`;
  return (key in catalog ? key : "import.reason.other") as MessageKey;
}

/** A file size for people: "812 B", "14 kB", "10.5 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** What a progress event says, as a catalog key and its parameters. */
export function progressMessage(p: TransferProgress): { key: MessageKey; params: Record<string, string | number> } {
  switch (p.stage) {
    case "reading":
      return { key: "transfer.progress.reading", params: { size: formatBytes(p.bytes) } };
    case "decrypting":
      return { key: "transfer.progress.decrypting", params: {} };
    case "checking":
      return { key: "transfer.progress.checking", params: { count: p.accounts } };
    case "saving":
      return { key: "transfer.progress.saving", params: { count: p.accounts } };
    case "confirming_password":
      return { key: "transfer.progress.confirming", params: {} };
    case "encrypting":
      return { key: "transfer.progress.encrypting", params: {} };
    case "writing":
      return { key: "transfer.progress.writing", params: { count: p.accounts } };
  }
}

/** The export choices on the screen: the file formats, and the QR codes for a phone. */
export type ExportChoice = FileFormat | "google_qr";

/** Formats that are encrypted with a file password. */
export function isEncrypted(choice: ExportChoice): boolean {
  return choice === "backup" || choice === "aegis";
}

/** Formats that write every key in plain text (a warning is shown): every other one. */
export function isPlain(choice: ExportChoice): boolean {
  return !isEncrypted(choice);
}

/** What the person typed to confirm an export. */
export interface ExportForm {
  vaultPassword: string;
  confirmed: boolean;
  /** A vault with a password: encrypt the file with another password than the vault's. */
  otherFilePassword: boolean;
  filePassword: string;
  fileRepeat: string;
}

/** Whether the file gets its own password: always for a keyring-only vault, by choice else. */
export function needsFilePassword(choice: ExportChoice, hasVaultPassword: boolean, form: ExportForm): boolean {
  return isEncrypted(choice) && (!hasVaultPassword || form.otherFilePassword);
}

/** Why the export cannot start yet (a catalog key), or null. */
export function exportProblem(choice: ExportChoice, hasVaultPassword: boolean, form: ExportForm): MessageKey | null {
  if (hasVaultPassword && form.vaultPassword === "") return "export.need.vault_password";
  if (!hasVaultPassword && !form.confirmed) return "export.need.confirmation";
  if (needsFilePassword(choice, hasVaultPassword, form)) {
    if (form.filePassword === "") return "export.need.file_password";
    if (form.filePassword !== form.fileRepeat) return "export.need.same_passwords";
  }
  return null;
}

/** The confirmation as the export commands take it. */
export function exportConfirm(choice: ExportChoice, hasVaultPassword: boolean, form: ExportForm): ExportConfirm {
  return {
    vault_password: hasVaultPassword ? form.vaultPassword : null,
    confirmed: !hasVaultPassword && form.confirmed,
    file_password: needsFilePassword(choice, hasVaultPassword, form) ? form.filePassword : null,
  };
}

/** Moving through the QR codes: the next index, kept within 0 … count-1. */
export function step(index: number, by: number, count: number): number {
  return Math.min(Math.max(index + by, 0), Math.max(count - 1, 0));
}
