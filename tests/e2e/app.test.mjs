// End-to-end tests of the real Tweestap app (a `tauri build --debug --no-bundle` binary) in a
// real WebKit window under Xvfb, driven over WebDriver through tauri-driver + WebKitWebDriver.
// Run through tests/e2e/run.sh, which provides the X display, D-Bus session and paths.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session, startDriver } from "./webdriver.mjs";

const APP = required("TWEESTAP_APP");
const CLI = required("TWEESTAP_CLI");
const FIXTURES = required("TWEESTAP_FIXTURES");
const ARTIFACTS = process.env.TWEESTAP_ARTIFACTS ?? join(tmpdir(), "tweestap-artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (run through tests/e2e/run.sh)`);
  return value;
}

const uriCases = JSON.parse(readFileSync(join(FIXTURES, "vectors/otpauth_uris.json"), "utf8")).cases;
const validTotp = uriCases.filter((c) => !c.expected.error && c.expected.type === "totp");
const byId = (id) => {
  const found = uriCases.find((c) => c.id === id);
  assert.ok(found, `fixture case ${id} missing`);
  return found;
};

/** The code the CLI computes for `uri` at Unix second `at`. */
function cliCode(uri, at) {
  return execFileSync(CLI, ["code", uri, "--at", String(at)], { encoding: "utf8" }).trim();
}

/** Starts the app with a fresh HOME and the given locale; returns the driver and session. */
async function launch(locale) {
  const home = mkdtempSync(join(tmpdir(), "tweestap-home-"));
  const driver = await startDriver({
    env: { HOME: home, LANG: locale, LC_ALL: locale, LANGUAGE: "" },
    log: (line) => process.env.E2E_VERBOSE && process.stderr.write(line),
  });
  try {
    const session = await Session.create(driver.base, APP);
    await session.waitFor('[data-testid="app"][data-ready="true"]', { timeoutMs: 30000 });
    return { driver, session };
  } catch (e) {
    await driver.stop();
    throw e;
  }
}

async function saveScreenshot(session, name) {
  writeFileSync(join(ARTIFACTS, `${name}.png`), await session.screenshot());
}

async function addLink(session, uri) {
  const input = await session.find('[data-testid="link-input"]');
  await session.clear(input);
  await session.type(input, uri);
  await session.click(await session.find('[data-testid="link-submit"]'));
}

/** Every shown row: its code, the instant it was computed for, and the visible text. */
async function shownRows(session) {
  const rows = [];
  for (const el of await session.findAll('[data-testid="code"]')) {
    rows.push({
      code: await session.attribute(el, "data-code"),
      atMs: Number(await session.attribute(el, "data-at-ms")),
      text: await session.text(el),
    });
  }
  return rows;
}

describe("Tweestap app in English", () => {
  let driver;
  let session;

  before(async () => {
    ({ driver, session } = await launch("en_US.UTF-8"));
  });

  after(async () => {
    await session?.delete();
    await driver?.stop();
  });

  it("starts with an empty list that explains the next step", async () => {
    const empty = await session.waitFor('[data-testid="empty-state"]');
    assert.match(await session.text(empty), /Paste the otpauth:\/\/ link/);
    await saveScreenshot(session, "en-empty");
  });

  it("shows the same code as `tweestap code` for a pasted link", async () => {
    const uri = byId("basic-google-example").input;
    await addLink(session, uri);
    await session.waitFor('[data-testid="code"]');
    const [row] = await shownRows(session);
    assert.ok(row, "a code row is shown");
    assert.match(row.code, /^\d{6}$/);
    assert.equal(row.code, cliCode(uri, Math.floor(row.atMs / 1000)));
    // Grouped for reading: "123 456".
    assert.equal(row.text.replace(/\s+/g, " ").trim(), `${row.code.slice(0, 3)} ${row.code.slice(3)}`);
    await saveScreenshot(session, "en-one-account");
  });

  it("agrees with the CLI for SHA256, SHA512, 8 digits and 60 s periods", async () => {
    const picks = [
      validTotp.find((c) => c.expected.algorithm === "SHA256"),
      validTotp.find((c) => c.expected.algorithm === "SHA512"),
      validTotp.find((c) => c.expected.digits === 8),
      validTotp.find((c) => c.expected.period === 60),
    ].filter(Boolean);
    assert.equal(picks.length, 4, "fixtures hold each kind");
    for (const c of picks) await addLink(session, c.input);
    await session.waitFor('[data-testid="code"]', {
      predicate: async () => (await session.findAll('[data-testid="code"]')).length === 1 + picks.length,
    });
    const rows = await shownRows(session);
    const uris = [byId("basic-google-example").input, ...picks.map((c) => c.input)];
    assert.equal(rows.length, uris.length);
    rows.forEach((row, i) => {
      assert.equal(row.code, cliCode(uris[i], Math.floor(row.atMs / 1000)), `row ${i}: ${uris[i]}`);
    });
  });

  it("explains a bad link in English and adds nothing", async () => {
    const before = (await shownRows(session)).length;
    await addLink(session, "otpauth://totp/Example:alice?secret=NOT-BASE32!");
    const alert = await session.waitFor('[data-testid="add-error"]');
    assert.equal(await session.attribute(alert, "data-error-kind"), "invalid_secret");
    assert.match(await session.text(alert), /secret key in the link is not valid/);
    assert.equal((await shownRows(session)).length, before);
    await saveScreenshot(session, "en-error");
  });
});

describe("Tweestap app in Dutch", () => {
  let driver;
  let session;

  before(async () => {
    ({ driver, session } = await launch("nl_NL.UTF-8"));
  });

  after(async () => {
    await session?.delete();
    await driver?.stop();
  });

  it("speaks Dutch on a Dutch system", async () => {
    const app = await session.find('[data-testid="app"]');
    assert.equal(await session.attribute(app, "data-locale"), "nl");
    const heading = await session.find("#add-heading");
    assert.equal(await session.text(heading), "Account toevoegen");
    await saveScreenshot(session, "nl-empty");
  });

  it("explains errors in Dutch", async () => {
    await addLink(session, "https://portal.example.nl/2fa");
    const alert = await session.waitFor('[data-testid="add-error"]');
    assert.equal(await session.attribute(alert, "data-error-kind"), "invalid_scheme");
    assert.match(await session.text(alert), /Dit is geen 2FA-link/);
  });

  it("switches to English on request", async () => {
    await session.execute(
      `const s = document.querySelector('[data-testid="lang-select"]');
       s.value = 'en'; s.dispatchEvent(new Event('change'));`,
    );
    await session.waitFor("#add-heading", {
      predicate: async (el) => (await session.text(el)) === "Add an account",
    });
  });
});
