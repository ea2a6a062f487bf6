// End-to-end tests of the real Tweestap app (a `tauri build --debug --no-bundle` binary) in a
// real WebKit window under Xvfb, driven over WebDriver through tauri-driver + WebKitWebDriver.
// Run through tests/e2e/run.sh, which provides the X display, D-Bus session, keyring and paths.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import {
  addLink,
  byId,
  cliCode,
  cliList,
  createVault,
  launch,
  quit,
  rowsOnceShown,
  saveScreenshot,
  shownRows,
  validTotp,
  vaultOf,
  withIssuer,
} from "./helpers.mjs";

describe("Tweestap app in English", () => {
  let app;
  let session;

  before(async () => {
    app = await launch("en_US.UTF-8");
    session = app.session;
  });

  after(async () => {
    await quit(app);
  });

  it("asks on first run how to protect the new vault", async () => {
    const setup = await session.waitFor('[data-testid="vault-setup"]');
    assert.match(await session.text(setup), /Welcome to Tweestap/);
    saveScreenshot("en-first-run");
    await createVault(session);
  });

  it("opens a real window titled Tweestap on the X display", async () => {
    const tree = execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" });
    assert.match(tree, /"Tweestap"/);
    saveScreenshot("x-display");
  });

  it("starts with an empty list that explains the next step", async () => {
    const empty = await session.waitFor('[data-testid="empty-state"]');
    assert.match(await session.text(empty), /Scan the QR code .* \(or paste its otpauth:\/\/ link\)/);
    saveScreenshot("en-empty");
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
    saveScreenshot("en-one-account");
  });

  it("agrees with the CLI for SHA256, SHA512, 8 digits and 60 s periods", async () => {
    // The fixtures' cases share one login (Example:alice), and the same login twice is a
    // re-enrollment; give each its own issuer so all four are added.
    const picks = [
      validTotp.find((c) => c.expected.algorithm === "SHA256"),
      validTotp.find((c) => c.expected.algorithm === "SHA512"),
      validTotp.find((c) => c.expected.digits === 8),
      validTotp.find((c) => c.expected.period === 60),
    ]
      .filter(Boolean)
      .map((c, i) => ({ input: withIssuer(c.input, `Kind${i}`) }));
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
    saveScreenshot("en-error");
  });

  it("stored the accounts in the encrypted vault, where the CLI finds them", async () => {
    const listed = cliList(app.home);
    assert.equal(listed.length, 5);
    assert.deepEqual(Object.keys(listed[0]).sort(), ["account", "algorithm", "digits", "id", "issuer", "period", "type"]);
    const raw = readFileSync(vaultOf(app.home));
    const { secret_hex } = byId("basic-google-example").expected;
    assert.ok(!raw.includes(Buffer.from(secret_hex, "hex")), "the vault file holds no raw key");
    assert.ok(!raw.includes(Buffer.from("JBSWY3DPEHPK3PXP")), "the vault file holds no base32 key");
  });

  it("offers to replace the key when a login is enrolled again", async () => {
    const original = byId("basic-google-example").input;
    const reset = original.replace(/secret=[^&]+/, "secret=KRSXG5CTMVRXEZLU");
    assert.notEqual(reset, original);
    await addLink(session, reset);
    const prompt = await session.waitFor('[data-testid="replace-prompt"]');
    assert.match(await session.text(prompt), /already in your list with another key/);
    saveScreenshot("en-replace");
    await session.click(await session.find('[data-testid="replace-confirm"]'));
    await session.waitFor('[data-testid="add-notice"]');
    // The notice shows before the list's refresh (started by the same add) has come back:
    // wait up to 5 s for the row to show a code of the new key, then check it exactly.
    const newKeyCode = (r) => cliCode(reset, Math.floor(r.atMs / 1000));
    const [row] = await rowsOnceShown(session, (r) => r.code === newKeyCode(r));
    assert.equal(row.code, newKeyCode(row));
    assert.equal(cliList(app.home).length, 5, "replaced, not added twice");
  });

  it("keeps the accounts after a restart and opens with the keyring, no password", async () => {
    const home = app.home;
    await quit(app);
    app = await launch("en_US.UTF-8", home);
    session = app.session;
    await session.waitFor('[data-testid="app"][data-vault="unlocked"]', { timeoutMs: 30000 });
    await session.waitFor('[data-testid="code"]', {
      predicate: async () => (await session.findAll('[data-testid="code"]')).length === 5,
    });
    saveScreenshot("en-restarted");
  });
});

describe("A vault protected by a password only", () => {
  let app;

  after(async () => {
    await quit(app);
  });

  it("is created without the keyring and asks for the password after a restart (in Dutch)", async () => {
    app = await launch("nl_NL.UTF-8");
    await createVault(app.session, { keyring: false, password: "kluis-wachtwoord-1" });
    const uri = byId("basic-google-example").input;
    await addLink(app.session, uri);
    await app.session.waitFor('[data-testid="code"]');
    const home = app.home;
    await quit(app);

    app = await launch("nl_NL.UTF-8", home);
    const s = app.session;
    const unlock = await s.waitFor('[data-testid="vault-unlock"]');
    assert.match(await s.text(unlock), /Ontgrendel uw kluis/);
    await s.type(await s.find('[data-testid="unlock-password"]'), "fout");
    await s.click(await s.find('[data-testid="unlock-submit"]'));
    const error = await s.waitFor('[data-testid="unlock-error"]');
    assert.equal(await s.attribute(error, "data-error-kind"), "wrong_password");
    assert.match(await s.text(error), /wachtwoord klopt niet/);
    saveScreenshot("nl-unlock-wrong");
    await s.type(await s.find('[data-testid="unlock-password"]'), "kluis-wachtwoord-1");
    await s.click(await s.find('[data-testid="unlock-submit"]'));
    await s.waitFor('[data-testid="code"]', { timeoutMs: 30000 });
    const [row] = await shownRows(s);
    assert.equal(row.code, cliCode(uri, Math.floor(row.atMs / 1000)));
    // Lock wipes the codes and shows the unlock screen again.
    await s.click(await s.find('[data-testid="lock"]'));
    await s.waitFor('[data-testid="vault-unlock"]');
    assert.equal((await s.findAll('[data-testid="code"]')).length, 0);
  });
});

describe("Tweestap app in Dutch", () => {
  let app;
  let session;

  before(async () => {
    app = await launch("nl_NL.UTF-8");
    session = app.session;
    await createVault(session);
  });

  after(async () => {
    await quit(app);
  });

  it("speaks Dutch on a Dutch system", async () => {
    const app = await session.find('[data-testid="app"]');
    assert.equal(await session.attribute(app, "data-locale"), "nl");
    const heading = await session.find("#add-heading");
    assert.equal(await session.text(heading), "Account toevoegen");
    saveScreenshot("nl-empty");
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
       s.value = 'en'; s.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await session.waitFor("#add-heading", {
      predicate: async (el) => (await session.text(el)) === "Add an account",
    });
  });
});

describe("A vault with its key in the keyring and a password", () => {
  let app;

  after(async () => {
    await quit(app);
  });

  it("stays locked after Lock until the password is given (the keyring does not reopen it)", async () => {
    app = await launch("en_US.UTF-8");
    const s = app.session;
    await createVault(s, { keyring: true, password: "sleutelbos-en-wachtwoord" });
    await addLink(s, byId("basic-google-example").input);
    await s.waitFor('[data-testid="code"]');
    await s.click(await s.find('[data-testid="lock"]'));
    await s.waitFor('[data-testid="vault-unlock"]');
    await sleep(1500); // any keyring reopening would have happened by now
    assert.equal((await s.findAll('[data-testid="code"]')).length, 0);
    assert.equal(await s.attribute(await s.find('[data-testid="app"]'), "data-vault"), "locked");
    await s.type(await s.find('[data-testid="unlock-password"]'), "sleutelbos-en-wachtwoord");
    await s.click(await s.find('[data-testid="unlock-submit"]'));
    await s.waitFor('[data-testid="code"]', { timeoutMs: 30000 });
  });
});
