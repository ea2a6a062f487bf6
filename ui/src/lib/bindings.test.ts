/**
 * No command hands the UI a secret: reads the generated bindings (bindings.ts, from the Rust
 * commands) with the TypeScript compiler and walks every command's result type, field by field,
 * through unions, arrays and nested objects, looking for fields whose name says "secret".
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Commands that hand out secrets on the person's explicit, confirmed request (an export), by
 * Rust command name, with the fields each may carry. Everything else must stay clean.
 * Example: `export_accounts: ["uri"]`.
 */
const CONFIRMED_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  // The Google Authenticator QR codes (PNG data URLs), after the vault password or an explicit
  // yes (src-tauri/src/transfer.rs).
  export_google_qr: ["qr_codes"],
};

/** Words that make a field name look like it carries a key, or a link or image that holds one. */
const SECRET_WORDS = new Set([
  "secret",
  "secrets",
  "key",
  "keys",
  "password",
  "passwords",
  "passphrase",
  "passwd",
  "seed",
  "base32",
  "otpauth",
  "uri",
  "uris",
  "link",
  "links",
  "qr",
]);

/** `secret_hex`, `otpauthUri`, `apiKey` -> their lower-case words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function looksSecret(name: string): boolean {
  return words(name).some((w) => SECRET_WORDS.has(w));
}

/** `boolean`, `true`, `boolean | null`: a yes/no. */
function isFlag(type: ts.Type): boolean {
  const members = type.isUnion() ? type.types : [type];
  return members.every((t) => t.getFlags() & (ts.TypeFlags.BooleanLike | ts.TypeFlags.Null));
}

/** `listCodes` -> `list_codes`: the Rust name of a generated accessor. */
function rustName(accessor: string): string {
  return accessor.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

interface Finding {
  command: string;
  path: string;
  problem: string;
}

const BINDINGS = fileURLToPath(new URL("./bindings.ts", import.meta.url));

/**
 * Every command in `commands` of the module at `file` (whose text may be given, for a test
 * fixture), with what its result type carries that looks secret.
 */
function audit(file: string, text?: string): { commands: string[]; channels: string[]; findings: Finding[] } {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  if (text !== undefined) {
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang, ...rest) =>
      name === file ? ts.createSourceFile(name, text, lang) : read(name, lang, ...rest);
    const exists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || exists(name);
  }
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const module = checker.getSymbolAtLocation(source);
  const exported = module ? checker.getExportsOfModule(module) : [];
  const commandsSymbol = exported.find((s) => s.name === "commands");
  if (!commandsSymbol) throw new Error(`${file} exports no \`commands\``);
  const commandsType = checker.getTypeOfSymbolAtLocation(commandsSymbol, source);

  const findings: Finding[] = [];
  const commands: string[] = [];
  const channels: string[] = [];
  for (const accessor of commandsType.getProperties()) {
    const command = rustName(accessor.name);
    commands.push(command);
    const allowed = new Set(CONFIRMED_EXPORTS[command] ?? []);
    const signatures = checker.getTypeOfSymbolAtLocation(accessor, source).getCallSignatures();
    for (const signature of signatures) {
      const result = checker.getAwaitedType(signature.getReturnType()) ?? signature.getReturnType();
      walk(result, "result", true, new Set());
      // Data streamed to the UI over a Channel (webcam frames, progress) crosses IPC too.
      for (const parameter of signature.getParameters()) {
        const type = checker.getTypeOfSymbolAtLocation(parameter, source);
        if (type.getSymbol()?.name !== "Channel") continue;
        channels.push(`${command} ${parameter.name}`);
        for (const message of checker.getTypeArguments(type as ts.TypeReference)) {
          walk(message, parameter.name, true, new Set());
        }
      }
    }

    function walk(type: ts.Type, path: string, topLevel: boolean, seen: Set<ts.Type>): void {
      if (seen.has(type)) return;
      seen = new Set(seen).add(type);
      const flags = type.getFlags();
      if (flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) {
        findings.push({ command, path, problem: "has no known type, so it cannot be checked" });
      } else if (topLevel && flags & ts.TypeFlags.String) {
        findings.push({ command, path, problem: "is a bare string: name what it holds in a struct" });
      } else if (type.isUnionOrIntersection()) {
        for (const member of type.types) walk(member, path, topLevel, seen);
      } else if (checker.isArrayType(type) || checker.isTupleType(type)) {
        for (const element of checker.getTypeArguments(type as ts.TypeReference)) {
          walk(element, `${path}[]`, topLevel, seen);
        }
      } else if (flags & ts.TypeFlags.Object) {
        for (const property of type.getProperties()) {
          const where = `${path}.${property.name}`;
          const propertyType = checker.getTypeOfSymbolAtLocation(property, source!);
          // A yes/no (`has_password_slot`) cannot carry a key.
          if (looksSecret(property.name) && !isFlag(propertyType) && !allowed.has(property.name)) {
            findings.push({ command, path: where, problem: "looks like it carries a secret" });
          }
          walk(propertyType, where, false, seen);
        }
        const index = checker.getIndexInfosOfType(type);
        for (const info of index) walk(info.type, `${path}[key]`, false, seen);
      }
    }
  }
  return { commands, channels, findings };
}

describe("generated IPC bindings", () => {
  const { commands, channels, findings } = audit(BINDINGS);

  it("describe the app's commands", () => {
    expect(commands.length).toBeGreaterThanOrEqual(20);
    expect(commands).toContain("list_codes");
    expect(commands).toContain("add_found");
  });

  it("see the channels that stream data to the UI", () => {
    expect(channels).toContain("camera_start events");
    expect(channels).toContain("import_pick events");
  });

  it("return no secret from any command but the confirmed exports", () => {
    expect(findings).toEqual([]);
  });

  it("allow only commands that exist", () => {
    for (const command of Object.keys(CONFIRMED_EXPORTS)) expect(commands).toContain(command);
  });
});

describe("the secret check", () => {
  const fixture = `
    declare function __TAURI_INVOKE<T>(cmd: string, args?: unknown): Promise<T>;
    declare class Channel<T> { onmessage: (message: T) => void; }
    export type Row = { id: string; code: string };
    export type Leaky = { rows: Row[]; has_key: boolean; detail: { secret_hex: string } | null; key: number[] };
    export type Linked = { items: { otpauthUri: string }[] };
    export const commands = {
      listRows: () => __TAURI_INVOKE<Row[]>("list_rows"),
      leaky: () => __TAURI_INVOKE<Leaky>("leaky"),
      linked: () => __TAURI_INVOKE<Linked | null>("linked"),
      bare: () => __TAURI_INVOKE<string>("bare"),
      untyped: () => __TAURI_INVOKE<any>("untyped"),
      stream: (events: Channel<{ stage: string } | { seed: string }>) => __TAURI_INVOKE<null>("stream", { events }),
    };
  `;
  const { findings } = audit("/virtual/fixture.ts", fixture);

  it("finds secret-looking fields nested in unions, arrays and objects, and in channel messages", () => {
    expect(findings.map((f) => `${f.command} ${f.path}`).sort()).toEqual([
      "bare result",
      "leaky result.detail.secret_hex",
      "leaky result.key",
      "linked result.items[].otpauthUri",
      "stream events.seed",
      "untyped result",
    ]);
  });

  it("reads names word by word", () => {
    expect(looksSecret("secret")).toBe(true);
    expect(looksSecret("apiKey")).toBe(true);
    expect(looksSecret("has_keyring_slot")).toBe(false);
    expect(looksSecret("token")).toBe(false);
    expect(looksSecret("clock_check_url")).toBe(false);
  });
});
