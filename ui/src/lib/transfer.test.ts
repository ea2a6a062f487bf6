import { describe, expect, it } from "vitest";
import en from "../i18n/en.json";
import nl from "../i18n/nl.json";
import type { ErrorKind, ImportView, TransferProgress } from "./ipc";
import {
  canCommit,
  chooseAll,
  choiceList,
  endsImport,
  exportConfirm,
  exportProblem,
  formatBytes,
  incompleteExport,
  isEncrypted,
  isPlain,
  needsFilePassword,
  progressMessage,
  reasonKey,
  step,
  summarize,
  typeLabel,
  unchosen,
  type ExportChoice,
  type ExportForm,
} from "./transfer";

function view(overrides: Partial<ImportView> = {}): ImportView {
  return {
    token: "import-1",
    files: ["aegis.json"],
    format: "aegis",
    needs_password: false,
    complete: true,
    exports: [],
    accounts: [
      { index: 0, issuer: "BLk", account: "jan", type: "totp", status: "identical", in_file: false },
      { index: 1, issuer: "Mail", account: "ann", type: "totp", status: "conflict", in_file: false },
      { index: 2, issuer: "Forum", account: "bob", type: "hotp", status: "new", in_file: false },
      { index: 3, issuer: "Forum", account: "bob", type: "hotp", status: "conflict", in_file: true },
    ],
    skipped: [{ reason: "unsupported_algorithm", issuer: "Old", account: "md5" }],
    ...overrides,
  };
}

describe("import preview", () => {
  it("adds up what importing would do", () => {
    expect(summarize(view())).toEqual({ total: 4, new: 1, identical: 1, conflicts: 2, skipped: 1 });
  });

  it("waits for a choice on every conflict", () => {
    const v = view();
    expect(unchosen(v, {})).toEqual([1, 3]);
    expect(canCommit(v, {})).toBe(false);
    expect(canCommit(v, { 1: "replace" })).toBe(false);
    expect(canCommit(v, { 1: "replace", 3: "keep_both" })).toBe(true);
    expect(canCommit(v, chooseAll(v, "keep_both"))).toBe(true);
  });

  it("sends only this preview's choices, in order", () => {
    const v = view();
    expect(choiceList(v, { 3: "keep_both", 1: "replace", 7: "replace" })).toEqual([
      { index: 1, choice: "replace" },
      { index: 3, choice: "keep_both" },
    ]);
    expect(chooseAll(v, "replace")).toEqual({ 1: "replace", 3: "replace" });
  });

  it("has nothing to commit when every account is already there, encrypted or incomplete", () => {
    const onlyThere = view({ accounts: [view().accounts[0]!] });
    expect(canCommit(onlyThere, {})).toBe(false);
    expect(canCommit(view({ needs_password: true, accounts: [] }), {})).toBe(false);
    const partial = view({
      complete: false,
      exports: [{ batch_id: 7, received: 2, total: 3, missing: [2] }],
    });
    expect(canCommit(partial, chooseAll(partial, "replace"))).toBe(false);
  });

  it("says which QR code of a Google export comes next", () => {
    expect(incompleteExport(view())).toBeNull();
    const partial = view({
      complete: false,
      exports: [
        { batch_id: 1, received: 2, total: 2, missing: [] },
        { batch_id: 7, received: 1, total: 3, missing: [2, 3] },
      ],
    });
    expect(incompleteExport(partial)).toEqual({ received: 1, total: 3, next: 2 });
  });

  it("closes the preview when the app has dropped the import", () => {
    for (const kind of ["import_outdated", "import_expired", "locked"] as const) expect(endsImport(kind), kind).toBe(true);
    for (const kind of ["choice_needed", "replaced_twice", "vault_busy", "wrong_password"] as const) expect(endsImport(kind), kind).toBe(false);
  });

  it("names code types as people know them", () => {
    expect(["totp", "hotp", "steam"].map(typeLabel)).toEqual(["TOTP", "HOTP", "Steam"]);
  });
});

describe("progress", () => {
  it("gives sizes in plain units", () => {
    expect(formatBytes(812)).toBe("812 B");
    expect(formatBytes(14_300)).toBe("14 kB");
    expect(formatBytes(10_966_670)).toBe("11.0 MB");
  });

  it("has a text for every stage, in both languages", () => {
    const stages: TransferProgress[] = [
      { stage: "reading", bytes: 2048 },
      { stage: "decrypting" },
      { stage: "checking", accounts: 100000 },
      { stage: "saving", accounts: 100000 },
      { stage: "confirming_password" },
      { stage: "encrypting" },
      { stage: "writing", accounts: 3 },
    ];
    for (const p of stages) {
      const { key, params } = progressMessage(p);
      expect(Object.keys(en)).toContain(key);
      expect(Object.keys(nl)).toContain(key);
      for (const name of (en[key].match(/\{(\w+)\}/g) ?? []).map((m) => m.slice(1, -1))) {
        expect(params, `${key} needs {${name}}`).toHaveProperty(name);
      }
    }
    expect(progressMessage({ stage: "checking", accounts: 100000 }).params).toEqual({ count: 100000 });
  });
});

describe("catalogs for import and export", () => {
  it("explain every reason an entry is skipped, falling back for unknown ones", () => {
    // Entry reasons of the core importers (import/entry.rs, migration.rs, uri.rs) and of the
    // Google export (export/google.rs).
    const reasons: ErrorKind[] = [
      "unsupported_type",
      "unsupported_algorithm",
      "missing_secret",
      "invalid_secret",
      "invalid_algorithm",
      "invalid_digits",
      "invalid_period",
      "invalid_counter",
      "missing_counter",
      "invalid_type",
      "invalid_scheme",
      "invalid_uri",
      "unsupported_period",
      "unsupported_digits",
      "too_long",
    ];
    for (const reason of reasons) {
      expect(reasonKey(reason, en), reason).toBe(`import.reason.${reason}`);
      expect(reasonKey(reason, nl), reason).toBe(`import.reason.${reason}`);
    }
    expect(reasonKey("something_new" as ErrorKind, nl)).toBe("import.reason.other");
  });

  it("name every import format", () => {
    for (const format of ["google", "aegis", "2fas", "andotp", "bitwarden", "duo", "freeotp-plus", "steam", "uris", "backup"]) {
      expect(Object.keys(nl)).toContain(`import.format.${format}`);
    }
  });

  it("explain the commit's and the export's own errors in both languages", () => {
    const keys = [
      "error.import.import_outdated",
      "error.import.replaced_twice",
      "error.import.choice_needed",
      "error.import.invalid_kdf_params",
      "error.export.export_declined",
      "error.invalid_kdf_params",
      "error.decoder_failed",
      "error.vault_changed",
      "export.native.title",
      "export.native.message",
      "export.native.ok",
      "export.native.cancel",
    ];
    for (const key of keys) {
      expect(Object.keys(nl), key).toContain(key);
      expect(Object.keys(en), key).toContain(key);
    }
    expect(nl["error.import.import_outdated"]).toMatch(/gewijzigd/);
  });

  it("tell a wrong import password apart from a damaged file, in Dutch", () => {
    expect(nl["error.import.wrong_password"]).toMatch(/wachtwoord/);
    expect(nl["error.import.integrity_error"]).toMatch(/beschadigd/);
    expect(nl["error.import.wrong_password"]).not.toBe(nl["error.wrong_password"]);
  });
});

describe("export confirmation", () => {
  const form = (f: Partial<ExportForm> = {}): ExportForm => ({
    vaultPassword: "",
    confirmed: false,
    otherFilePassword: false,
    filePassword: "",
    fileRepeat: "",
    ...f,
  });
  const all: ExportChoice[] = ["backup", "aegis", "aegis_plain", "uris", "google_qr"];

  it("knows which formats are plain and which encrypted", () => {
    expect(all.filter(isPlain)).toEqual(["aegis_plain", "uris", "google_qr"]);
    expect(all.filter(isEncrypted)).toEqual(["backup", "aegis"]);
  });

  it("asks a password vault for its password, and encrypts with it unless told otherwise", () => {
    expect(exportProblem("backup", true, form())).toBe("export.need.vault_password");
    expect(exportProblem("backup", true, form({ vaultPassword: "pw" }))).toBeNull();
    expect(exportConfirm("backup", true, form({ vaultPassword: "pw" }))).toEqual({
      vault_password: "pw",
      confirmed: false,
      file_password: null,
    });
    const other = form({ vaultPassword: "pw", otherFilePassword: true });
    expect(needsFilePassword("aegis", true, other)).toBe(true);
    expect(exportProblem("aegis", true, other)).toBe("export.need.file_password");
    expect(exportProblem("aegis", true, { ...other, filePassword: "a", fileRepeat: "b" })).toBe(
      "export.need.same_passwords",
    );
    expect(exportConfirm("aegis", true, { ...other, filePassword: "a", fileRepeat: "a" }).file_password).toBe("a");
    // A plain format never sends a file password.
    expect(exportConfirm("uris", true, { ...other, filePassword: "a" }).file_password).toBeNull();
  });

  it("asks a keyring-only vault for an explicit yes, and a new password for encrypted files", () => {
    expect(exportProblem("uris", false, form())).toBe("export.need.confirmation");
    expect(exportProblem("uris", false, form({ confirmed: true }))).toBeNull();
    expect(exportProblem("google_qr", false, form({ confirmed: true }))).toBeNull();
    expect(exportProblem("backup", false, form({ confirmed: true }))).toBe("export.need.file_password");
    const ready = form({ confirmed: true, filePassword: "new", fileRepeat: "new" });
    expect(exportProblem("backup", false, ready)).toBeNull();
    expect(exportConfirm("backup", false, ready)).toEqual({
      vault_password: null,
      confirmed: true,
      file_password: "new",
    });
  });
});

describe("QR sequence", () => {
  it("steps within the codes", () => {
    expect(step(0, -1, 3)).toBe(0);
    expect(step(0, 1, 3)).toBe(1);
    expect(step(2, 1, 3)).toBe(2);
    expect(step(0, 1, 0)).toBe(0);
  });
});
