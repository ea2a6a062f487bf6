// The enrollment journey end to end, as a BLk user does it: the practice portal (the real
// `tweestap practice-portal`) shows its QR page in Chromium; the real Tweestap app reads it
// with "Scan screen"; the code it copies is typed into the portal, which confirms.
// Reports the number of actions in Tweestap and the seconds from the click to the code on
// the clipboard (targets: ≤ 2 actions, ≤ 5 s). Then the helpdesk resets 2FA (mandatory, as
// at BLk since 2022): the old key's code is refused with the old-key explanation, Tweestap
// scans the new QR code and offers to replace the BLk account, and the new code confirms the
// new key and logs in.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { CLI, createVault, launch, newHome, quit, saveScreenshot, shownRows } from "./helpers.mjs";
import { Session, startChromeDriver } from "./webdriver.mjs";

function clipboardText() {
  try {
    return execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", timeout: 5000 });
  } catch {
    return "";
  }
}

async function startPortal() {
  const child = spawn(CLI, ["practice-portal", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const first = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`practice-portal exited with ${code}`)));
  });
  const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
  assert.ok(match, `first line: ${first}`);
  return { url: match[1], stop: () => child.kill() };
}

/** Waits for a 6-digit code on the clipboard other than `previous`. */
async function copiedCode(previous, timeoutMs = 20000) {
  const t0 = performance.now();
  let code = "";
  while (!/^\d{6}$/.test(code) || code === previous) {
    code = clipboardText().trim();
    if (performance.now() - t0 > timeoutMs) break;
    await sleep(20);
  }
  return code;
}

async function getJson(base, path) {
  const res = await fetch(new URL(path, base));
  assert.ok(res.ok, `${path}: HTTP ${res.status} ${await res.clone().text()}`);
  return res.json();
}

async function api(base, path, body) {
  const res = await fetch(new URL(path, base), { method: "POST", body: JSON.stringify(body) });
  assert.ok(res.ok, `${path}: HTTP ${res.status} ${await res.clone().text()}`);
  return res.json();
}

describe("Enrolling at the practice portal with Tweestap", () => {
  let portal;
  let chromeDriver;
  let browser;
  let app;
  let user;
  let firstCode;

  before(async () => {
    portal = await startPortal();
    chromeDriver = await startChromeDriver();
    browser = await Session.chromium(chromeDriver.base, {
      args: ["--window-position=520,0", "--window-size=1380,1050", `--user-data-dir=${mkdtempSync(join(tmpdir(), "chromium-"))}`],
    });
    app = await launch("nl_NL.UTF-8", newHome());
    await createVault(app.session);
  });

  after(async () => {
    await quit(app);
    await browser?.delete();
    await chromeDriver?.stop();
    portal?.stop();
  });

  it("scans the portal's QR page and confirms with the copied code", async () => {
    user = await api(portal.url, "/api/demo-user", {});
    const enable = await api(portal.url, "/api/2fa/enable", { email: user.email, password: user.password });
    await browser.navigate(new URL(enable.page_url, portal.url).href);
    await browser.waitFor("#qr");
    await sleep(500); // drawn
    saveScreenshot("portal-qr-page");

    // Start early in a 30 s step so the confirmation shows the code rather than "wait".
    while (Math.floor(Date.now() / 1000) % 30 > 12) await sleep(250);
    const s = app.session;
    let actions = 0;
    const t0 = performance.now();
    await s.click(await s.find('[data-testid="scan-screen"]'));
    actions++;
    await s.click(await s.waitFor('[data-testid="confirm-copy"]', { timeoutMs: 20000 }));
    actions++;
    const code = await copiedCode("");
    const seconds = (performance.now() - t0) / 1000;
    assert.match(code, /^\d{6}$/, "a code on the clipboard");
    firstCode = code;

    await browser.type(await browser.find("#code"), code);
    await browser.click(await browser.find("#confirm"));
    await browser.waitFor("#confirmed", { timeoutMs: 10000 });
    saveScreenshot("portal-confirmed");
    console.log(`# journey: ${actions} actions in Tweestap, ${seconds.toFixed(2)} s from the click to the code on the clipboard (targets ≤ 2, ≤ 5 s)`);
    // `actions` counts every interaction with Tweestap in this flow (nothing else is clicked
    // or typed there), so the figure above is the number a user needs.
    assert.ok(seconds <= 5, `${seconds.toFixed(2)} s`);
  });

  it("after a helpdesk reset refuses the old key and logs in only with the replaced one", async () => {
    assert.ok(firstCode, "enrolled by the previous test");
    const key = user.email.toLowerCase();
    const s = app.session;
    // Done with the first confirmation, so the next copy button is the new key's.
    await s.click(await s.find('[data-testid="confirm-done"]'));

    // The helpdesk page resets 2FA; it says the login is blocked until the new key is confirmed.
    await browser.navigate(new URL("/helpdesk", portal.url).href);
    await browser.click(await browser.waitFor(`[id="reset-${key}"]`));
    await browser.waitFor("#helpdesk-done");
    assert.equal(await browser.text(await browser.find(`[id="login-${key}"]`)), "geblokkeerd tot de nieuwe sleutel is bevestigd");

    // The password alone does not get in: the code page says 2FA was reset.
    await browser.navigate(new URL("/login", portal.url).href);
    await browser.type(await browser.waitFor("#email"), user.email);
    await browser.type(await browser.find("#password"), user.password);
    await browser.click(await browser.find("#login"));
    const setup = await browser.waitFor("#setup-required");
    assert.match(await browser.text(setup), /De helpdesk heeft uw 2FA gereset/);

    // The code Tweestap shows now is the old key's: refused, with the old-key explanation.
    const [oldRow] = await shownRows(s);
    assert.match(oldRow?.code ?? "", /^\d{6}$/, "Tweestap shows the old key's code");
    await browser.type(await browser.find("#code"), oldRow.code);
    await browser.click(await browser.find("#verify"));
    const refused = await browser.waitFor("#error");
    assert.match(await browser.text(refused), /vervang het oude BLk-account in Tweestap/);
    saveScreenshot("portal-old-key-refused");
    const me = (await getJson(portal.url, "/api/helpdesk/users")).find((u) => u.email === user.email);
    assert.equal(me.two_factor, "pending", "the old key confirmed nothing");

    // The new mail's QR page; Tweestap scans it and offers to replace the BLk account.
    const [mail] = await getJson(portal.url, `/api/inbox?email=${encodeURIComponent(user.email)}`);
    await browser.navigate(new URL(mail.page_url, portal.url).href);
    await browser.waitFor("#qr");
    await sleep(500); // drawn
    await s.click(await s.find('[data-testid="scan-screen"]'));
    const prompt = await s.waitFor('[data-testid="replace-prompt"]', { timeoutMs: 20000 });
    assert.match(await s.text(prompt), /BLk/);
    saveScreenshot("portal-reset-replace");
    await s.click(await s.find('[data-testid="replace-confirm"]'));
    await s.waitFor('[data-testid="add-notice"]');
    assert.equal((await shownRows(s)).length, 1, "replaced, not added beside the old one");
    await s.click(await s.waitFor('[data-testid="confirm-copy"]', { timeoutMs: 20000 }));
    const newCode = await copiedCode(firstCode);
    assert.match(newCode, /^\d{6}$/, "the new key's code on the clipboard");
    assert.notEqual(newCode, oldRow.code);

    // The new code confirms the new key and logs in.
    await browser.navigate(new URL("/login/code", portal.url).href);
    await browser.type(await browser.waitFor("#code"), newCode);
    await browser.click(await browser.find("#verify"));
    await browser.waitFor("#welcome", { timeoutMs: 10000 });
    assert.equal(await browser.text(await browser.find("#twofa-status")), "Aan");
    saveScreenshot("portal-reset-logged-in");
    const after = (await getJson(portal.url, "/api/helpdesk/users")).find((u) => u.email === user.email);
    assert.deepEqual([after.two_factor, after.login], ["on", "code"]);
  });
});
