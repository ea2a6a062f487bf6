// Shared by the end-to-end suites: starting the real app under tauri-driver, the first-run
// vault, reading the shown codes, and the CLI as the reference.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childrenOf, processIds, processStat, WEB_PROCESS_NAME } from "./procfs.mjs";
import { Session, startDriver } from "./webdriver.mjs";

export const APP = required("TWEESTAP_APP");
export const CLI = required("TWEESTAP_CLI");
export const FIXTURES = required("TWEESTAP_FIXTURES");
export const ARTIFACTS = process.env.TWEESTAP_ARTIFACTS ?? join(tmpdir(), "tweestap-artifacts");
/** Everything the app and its drivers print, one file per suite process, and the list of app
 * homes (each holds the app's own log file): read by no-secret-leaks.test.mjs. */
export const LOGS = join(ARTIFACTS, "logs");
mkdirSync(LOGS, { recursive: true });
const suiteLog = join(LOGS, `e2e-${process.pid}.log`);
export const HOMES_FILE = join(LOGS, "homes.txt");
/** Passwords the suites typed (vault, import and export files), one per line. */
export const PASSWORDS_FILE = join(LOGS, "passwords.txt");

/** Records a password a test types, so the leak check searches the logs for it too. */
export function rememberPassword(password) {
  if (password) appendFileSync(PASSWORDS_FILE, `${password}\n`);
}

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (run through tests/e2e/run.sh)`);
  return value;
}

export const uriCases = JSON.parse(readFileSync(join(FIXTURES, "vectors/otpauth_uris.json"), "utf8")).cases;
export const validTotp = uriCases.filter((c) => !c.expected.error && c.expected.type === "totp");
export const byId = (id) => {
  const found = uriCases.find((c) => c.id === id);
  assert.ok(found, `fixture case ${id} missing`);
  return found;
};

/** `uri` with its issuer (label prefix and parameter) set to `issuer`. */
export function withIssuer(uri, issuer) {
  return uri
    .replace(/^(otpauth:\/\/[a-z]+\/)[^:?]*:/i, `$1${issuer}:`)
    .replace(/([?&])issuer=[^&]*/gi, `$1issuer=${issuer}`);
}

/** The code the CLI computes for `uri` at Unix second `at`. */
export function cliCode(uri, at) {
  return execFileSync(CLI, ["code", uri, "--at", String(at)], { encoding: "utf8" }).trim();
}

/** A throw-away HOME; the app keeps its vault in `<home>/.local/share/tweestap/`. */
export function newHome() {
  const home = mkdtempSync(join(tmpdir(), "tweestap-home-"));
  appendFileSync(HOMES_FILE, `${home}\n`);
  return home;
}

export function vaultOf(home) {
  return join(home, ".local/share/tweestap/vault.tweestap");
}

/** Starts the app with HOME `home` and the given locale; returns the driver and session. The
 * keyring is the session's real gnome-keyring (tests/e2e/run.sh). */
export async function launch(locale, home = newHome(), extraEnv = {}) {
  const driver = await startDriver({
    env: {
      HOME: home,
      XDG_DATA_HOME: join(home, ".local/share"),
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_CACHE_HOME: join(home, ".cache"),
      LANG: locale,
      LC_ALL: locale,
      LANGUAGE: "",
      ...extraEnv,
    },
    log: (line) => {
      appendFileSync(suiteLog, line);
      if (process.env.E2E_VERBOSE) process.stderr.write(line);
    },
  });
  try {
    const session = await Session.create(driver.base, APP);
    await session.waitFor('[data-testid="app"][data-ready="true"]', { timeoutMs: 30000 });
    return { driver, session, home };
  } catch (e) {
    await driver.stop();
    throw e;
  }
}

export async function quit({ driver, session } = {}) {
  await session?.delete();
  await driver?.stop();
  await appGone();
}

/** Waits until no app process is left (killing stragglers after 10 s). The app is a single
 * instance per D-Bus session: a new start while an old one is still exiting would only hand
 * over to it and quit. */
export async function appGone() {
  for (let i = 0; i < 100; i++) {
    const running = appProcesses();
    if (running.length === 0) return;
    if (i === 99) for (const pid of running) spawnSync("kill", ["-9", String(pid)]);
    await sleep(100);
  }
}

/** Processes running the app binary itself (by /proc/PID/exe, so a shell or wrapper whose
 * arguments merely name the binary is never mistaken for it). */
function appProcesses() {
  const app = realpathSync(APP);
  return processIds().filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/exe`) === app;
    } catch {
      return false; // gone, or not ours to read
    }
  });
}

/** The WebKit web processes of the running app (its children named WebKitWebProcess). */
export function appWebProcesses() {
  return appProcesses()
    .flatMap(childrenOf)
    .filter((pid) => processStat(pid)?.name === WEB_PROCESS_NAME);
}

/** First run: creates the vault (keyring on unless `password` is given without it). */
export async function createVault(session, { keyring = true, password = "" } = {}) {
  await session.waitFor('[data-testid="vault-setup"]');
  if (!keyring) await session.click(await session.find('[data-testid="setup-keyring"]'));
  if (password) {
    rememberPassword(password);
    await session.type(await session.find('[data-testid="setup-password"]'), password);
    await session.type(await session.find('[data-testid="setup-confirm"]'), password);
  }
  await session.click(await session.find('[data-testid="setup-submit"]'));
  await session.waitFor('[data-testid="app"][data-vault="unlocked"]', { timeoutMs: 30000 });
}

/** `tweestap list --json` of the vault under `home`, through the same keyring. */
export function cliList(home, extra = []) {
  const out = execFileSync(CLI, ["list", "--json", "--vault", vaultOf(home), ...extra], { encoding: "utf8" });
  return JSON.parse(out).accounts;
}

/** A real capture of the X display the app draws on (WebKitWebDriver's own screenshot of a
 * freshly started window has been seen to hang under Xvfb). */
export function saveScreenshot(name) {
  execFileSync("import", ["-window", "root", join(ARTIFACTS, `${name}.png`)], { timeout: 30000 });
}

export async function addLink(session, uri) {
  if ((await session.findAll('[data-testid="link-input"]')).length === 0) {
    await session.click(await session.find('[data-testid="tab-link"]'));
  }
  const input = await session.waitFor('[data-testid="link-input"]');
  await session.clear(input);
  await session.type(input, uri);
  await session.click(await session.find('[data-testid="link-submit"]'));
  // Each add is a vault write; the next one starts when this one has finished.
  await session.waitFor('form[data-busy="false"]');
}

/** Calls a command through the window's IPC, as the front end would; resolves to
 * `{ ok, value }` or `{ ok: false, error }`. */
export async function invoke(session, command, args = {}) {
  return session.execute(
    `return window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(
       (value) => ({ ok: true, value }),
       (error) => ({ ok: false, error }),
     );`,
    [command, args],
  );
}

/** Sets how long a copied code stays on the clipboard, through the settings panel. */
export async function setClipboardClearSeconds(session, seconds) {
  await session.click(await session.find('[data-testid="settings"] summary'));
  const field = await session.waitFor('[data-testid="setting-clipboard"]');
  await session.clear(field);
  await session.type(field, String(seconds));
  await session.click(await session.find('[data-testid="settings-save"]'));
  await sleep(300);
}

/** Every shown row: its code, the instant it was computed for, and the visible text. */
/**
 * The code list once a row satisfies `wanted`, waiting up to 5 s: a notice (added, replaced)
 * shows before the list's refresh started by the same change has come back.
 */
export async function rowsOnceShown(session, wanted) {
  let rows = await shownRows(session);
  for (let i = 0; i < 50 && !rows.some(wanted); i++) {
    await sleep(100);
    rows = await shownRows(session);
  }
  return rows;
}

export async function shownRows(session) {
  // One script reads every row at once: read attribute by attribute over WebDriver, a row
  // could step to its next code between its code and its instant (seen once in 55 tests).
  const rows = await session.execute(
    `return [...document.querySelectorAll('[data-testid="code"]')].map((el) => ({
       code: el.getAttribute("data-code"),
       atMs: Number(el.getAttribute("data-at-ms")),
       text: el.innerText,
     }));`,
  );
  return rows;
}

