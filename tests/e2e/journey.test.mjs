// The enrollment journey end to end, as a BLk user does it: the practice portal (the real
// `tweestap practice-portal`) shows its QR page in Chromium; the real Tweestap app reads it
// with "Scan screen"; the code it copies is typed into the portal, which confirms.
// Reports the number of actions in Tweestap and the seconds from the click to the code on
// the clipboard (targets: ≤ 2 actions, ≤ 5 s).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { CLI, createVault, launch, newHome, quit, saveScreenshot } from "./helpers.mjs";
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
    const user = await api(portal.url, "/api/demo-user", {});
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
    let code = "";
    while (!/^\d{6}$/.test(code)) {
      code = clipboardText();
      if (performance.now() - t0 > 20000) break;
      await sleep(20);
    }
    const seconds = (performance.now() - t0) / 1000;
    assert.match(code, /^\d{6}$/, "a code on the clipboard");

    await browser.type(await browser.find("#code"), code);
    await browser.click(await browser.find("#confirm"));
    await browser.waitFor("#confirmed", { timeoutMs: 10000 });
    saveScreenshot("portal-confirmed");
    console.log(`# journey: ${actions} actions in Tweestap, ${seconds.toFixed(2)} s from the click to the code on the clipboard (targets ≤ 2, ≤ 5 s)`);
    // `actions` counts every interaction with Tweestap in this flow (nothing else is clicked
    // or typed there), so the figure above is the number a user needs.
    assert.ok(seconds <= 5, `${seconds.toFixed(2)} s`);
  });
});
