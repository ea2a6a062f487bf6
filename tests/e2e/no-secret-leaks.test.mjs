// Runs last (tests/e2e/run.sh orders it): every suite before it ran the app with
// TWEESTAP_LOG=trace, and everything the app, tauri-driver and WebKitWebDriver printed was kept
// in <artifacts>/logs, next to the app's own log file in each throw-away home. No key used by
// any test — from the shared fixtures or written in the suites — may appear in any of it: not as
// base32 (either case), not as hex, not as raw bytes.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CLI, FIXTURES, HOMES_FILE, LOGS, PASSWORDS_FILE, vaultOf } from "./helpers.mjs";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32Bytes(text) {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) return null;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function base32Text(bytes) {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function percentDecoded(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a deliberately malformed fixture
  }
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const lines = (file) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : []);

/** Every key still in a test vault at the end of the run (generated ones included), read with
 * the CLI through the same keyring as the app: `export --format uris`. Password-only vaults
 * are left out (their keys came from the fixtures or the suites' literals). */
function vaultSecrets(homes) {
  const texts = [];
  for (const home of homes) {
    if (!existsSync(vaultOf(home))) continue;
    const out = join(mkdtempSync(join(tmpdir(), "tweestap-leak-")), "links.txt");
    try {
      execFileSync(CLI, ["export", "--format", "uris", "--out", out, "--vault", vaultOf(home)], { stdio: "ignore" });
      texts.push(readFileSync(out, "utf8"));
    } catch {
      // no keyring slot (a password-only vault), or an unfinished first run
    }
  }
  return texts;
}

/** Every key the suites used: fixture keys (base32 and hex), base32 literals in the suites and
 * the keys left in the test vaults. */
function knownSecrets(homes) {
  const keys = new Map();
  const add = (bytes) => {
    if (bytes && bytes.length >= 10) keys.set(bytes.toString("hex"), bytes);
  };
  const texts = [
    ...filesUnder(join(FIXTURES, "vectors")).filter((f) => f.endsWith(".json")),
    ...readdirSync(import.meta.dirname)
      .filter((f) => f.endsWith(".mjs"))
      .map((f) => join(import.meta.dirname, f)),
  ].map((f) => readFileSync(f, "utf8"));
  texts.push(...vaultSecrets(homes));
  for (const text of texts) {
    for (const [, hex] of text.matchAll(/"?secret_hex"?\s*:\s*["'`]([0-9a-fA-F]+)["'`]/g)) add(Buffer.from(hex, "hex"));
    for (const [, b32] of text.matchAll(/"secret"\s*:\s*"([A-Za-z2-7]+=*)"/g)) add(base32Bytes(b32));
    for (const [, b32] of text.matchAll(/secret=([A-Za-z2-7%=]+)/g)) add(base32Bytes(percentDecoded(b32)));
    for (const [b32] of text.matchAll(/\b[A-Z2-7]{16,}\b/g)) add(base32Bytes(b32));
    for (const [spaced] of text.matchAll(/\b[a-z2-7]{4}( [a-z2-7]{4}){3,}\b/g)) add(base32Bytes(spaced));
  }
  return [...keys.values()];
}

/** Every string under a key naming a password (`passwords`, `actual_password`, …). */
function passwordsIn(value, key = "") {
  if (Array.isArray(value)) return value.flatMap((v) => passwordsIn(v, key));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => passwordsIn(v, k));
  return typeof value === "string" && /password/.test(key) ? [value] : [];
}

/** The first form of `key` found in `log`, or null. */
function leakIn(log, key) {
  const text = log.toString("latin1");
  const b32 = base32Text(key);
  const forms = [b32, b32.toLowerCase(), key.toString("hex"), key.toString("hex").toUpperCase(), key.toString("base64")];
  const found = forms.find((form) => text.includes(form));
  if (found) return found;
  return log.includes(key) ? `raw bytes ${key.toString("hex")}` : null;
}

describe("no secret leaks", () => {
  it("the leak search finds a key in each of its forms", () => {
    const key = base32Bytes("JBSWY3DPEHPK3PXP");
    for (const form of ["JBSWY3DPEHPK3PXP", "jbswy3dpehpk3pxp", "48656c6c6f21deadbeef", "48656C6C6F21DEADBEEF"]) {
      assert.ok(leakIn(Buffer.from(`before ${form} after`), key), form);
    }
    assert.ok(leakIn(Buffer.concat([Buffer.from("x"), key, Buffer.from("y")]), key));
    assert.equal(leakIn(Buffer.from("code 287082 for Example:alice"), key), null);
  });

  it("no key or password used by the suites appears in any log or output of the app and its drivers", () => {
    const homes = lines(HOMES_FILE);
    const secrets = knownSecrets(homes);
    assert.ok(secrets.length >= 20, `only ${secrets.length} keys collected from the fixtures and suites`);
    // Typed passwords and the fixtures' file passwords; short ones would match ordinary words.
    const fixturePasswords = passwordsIn(JSON.parse(readFileSync(join(FIXTURES, "vectors/aegis/index.json"), "utf8")));
    const passwords = [...new Set([...lines(PASSWORDS_FILE), ...fixturePasswords])].filter((p) => p.length >= 8);
    assert.ok(passwords.length > 0, "no password collected");
    const appLogs = homes.flatMap((home) => filesUnder(join(home, ".local/share/nl.tweestap.app/logs")));
    const logs = [...filesUnder(LOGS).filter((f) => f.endsWith(".log")), ...appLogs];
    // The search must have something to search: the suites ran the app at trace level.
    const all = logs.map((f) => [f, readFileSync(f)]);
    const starts = all.filter(([, log]) => log.includes("Tweestap ") && log.includes(" starting")).length;
    assert.ok(appLogs.length > 0, "no app log file was written in any test home");
    assert.ok(starts > 0, "no captured output shows the app starting: is its stderr captured?");
    const leaks = [];
    for (const [file, log] of all) {
      for (const key of secrets) {
        const form = leakIn(log, key);
        if (form) leaks.push(`${file}: ${form}`);
      }
      for (const password of passwords) {
        if (log.includes(Buffer.from(password))) leaks.push(`${file}: a password the suites typed`);
      }
    }
    assert.deepEqual(leaks, [], `secrets found in logs:\n${leaks.join("\n")}`);
  });
});
