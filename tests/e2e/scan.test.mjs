// End-to-end: adding accounts by scanning, in the real app. A QR code is shown on the X display
// (ImageMagick `display`) and read with "Scan screen"; an image file goes through the file
// picker; the webcam panel is fed generated frames (TWEESTAP_TEST_CAMERA_FRAMES), since no
// physical camera exists here, through the same live pipeline a camera uses.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  FIXTURES,
  cliCode,
  createVault,
  launch,
  newHome,
  quit,
  rowsOnceShown,
  saveScreenshot,
  shownRows,
} from "./helpers.mjs";

const qrIndex = JSON.parse(readFileSync(join(FIXTURES, "qr/index.json"), "utf8")).items;
const qrText = (file) => {
  const item = qrIndex.find((i) => i.file === file);
  assert.ok(item, `QR fixture ${file} missing`);
  return item.text;
};
const qrPath = (file) => join(FIXTURES, "qr", file);

const work = mkdtempSync(join(tmpdir(), "tweestap-scan-"));

/** Shows `png` in its own window on the X display until the returned function is called. */
async function showOnScreen(png, title) {
  const viewer = spawn("display", ["-title", title, "-geometry", "+1250+150", png], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    try {
      if (execFileSync("xwininfo", ["-name", title], { encoding: "utf8" }).includes("IsViewable")) break;
    } catch {
      // not mapped yet
    }
    await sleep(100);
  }
  await sleep(500); // let it draw
  return () => viewer.kill();
}

async function countRows(session, n) {
  await session.waitFor('[data-testid="code"]', {
    timeoutMs: 20000,
    predicate: async () => (await session.findAll('[data-testid="code"]')).length === n,
  });
}

async function scanScreen(session) {
  await session.click(await session.find('[data-testid="tab-screen"]'));
  await session.click(await session.waitFor('[data-testid="scan-screen"]'));
  await session.waitFor('[data-busy="false"] [data-testid="scan-result"], [data-testid="scan-error"]', {
    timeoutMs: 30000,
  });
}

describe("Adding accounts by scanning", () => {
  let app;
  let session;
  // A 720p "webcam" picture: grey, then the same with a QR code in the middle.
  const blank = join(work, "blank.png");
  const withCode = join(work, "with-code.png");
  const cameraFile = "uri__period-60.png";

  before(async () => {
    execFileSync("convert", ["-size", "1280x720", "xc:gray55", blank]);
    execFileSync("convert", [blank, qrPath(cameraFile), "-gravity", "center", "-composite", withCode]);
    app = await launch("en_US.UTF-8", newHome(), {
      TWEESTAP_TEST_CAMERA_FRAMES: [blank, blank, withCode].join(":"),
    });
    session = app.session;
    await createVault(session);
  });

  after(async () => {
    await quit(app);
  });

  it("reads the QR code shown on the screen and adds it in one click", async () => {
    const file = "uri__unicode-dutch-encoded.png";
    const hide = await showOnScreen(qrPath(file), "portal-qr");
    try {
      saveScreenshot("scan-screen-before");
      await scanScreen(session);
      const notice = await session.waitFor('[data-testid="add-notice"]');
      assert.match(await session.text(notice), /Added Boerderij 't Veldje/);
    } finally {
      hide();
    }
    await countRows(session, 1);
    const [row] = await shownRows(session);
    assert.equal(row.code, cliCode(qrText(file), Math.floor(row.atMs / 1000)));
    saveScreenshot("scan-screen-added");
  });

  it("explains a QR code that is not a 2FA code, and adds nothing", async () => {
    const link = join(work, "web-link.png");
    execFileSync("qrencode", ["-s", "8", "-o", link, "https://www.beterleven.dierenbescherming.nl/"]);
    const hide = await showOnScreen(link, "web-link-qr");
    try {
      await scanScreen(session);
      const problem = await session.waitFor('[data-testid="scan-problem"]');
      assert.equal(await session.attribute(problem, "data-error-kind"), "not_2fa");
      assert.match(await session.text(problem), /not a 2FA code: it contains a web link/);
    } finally {
      hide();
    }
    assert.equal((await shownRows(session)).length, 1);
  });

  it("gives advice when the screen shows no QR code", async () => {
    await scanScreen(session);
    const problem = await session.waitFor('[data-testid="scan-problem"]');
    assert.equal(await session.attribute(problem, "data-error-kind"), "no_code");
    assert.match(await session.text(problem), /zoom the page in/);
  });

  it("reads a Google Authenticator export image and lets the person choose", async () => {
    await session.click(await session.find('[data-testid="tab-image"]'));
    const input = await session.waitFor('[data-testid="image-file"]');
    await session.type(input, qrPath("migration__multiple-accounts.png"));
    await session.waitFor('[data-testid="scan-pick"]', { timeoutMs: 20000 });
    const picks = await session.findAll('[data-testid="scan-pick"]');
    assert.ok(picks.length >= 2, `several accounts offered, got ${picks.length}`);
    saveScreenshot("scan-image-choose");
    await session.click(await session.find('[data-testid="scan-add"]'));
    await session.waitFor('[data-testid="add-notice"]');
    await countRows(session, 1 + picks.length);
  });

  it("reads a QR code held in front of the webcam (generated frames)", async () => {
    await session.click(await session.find('[data-testid="tab-camera"]'));
    const select = await session.waitFor('[data-testid="camera-select"]');
    assert.match(await session.text(select), /Test frames/);
    await session.click(await session.find('[data-testid="camera-start"]'));
    await session.waitFor('[data-found="true"]', { timeoutMs: 20000 });
    assert.match(await session.text(await session.find('[data-testid="camera-status"]')), /QR code found/);
    await session.waitFor('[data-testid="add-notice"]');
    saveScreenshot("scan-camera-found");
    const rows = await shownRows(session);
    const expected = qrText(cameraFile);
    const match = rows.find((r) => r.code === cliCode(expected, Math.floor(r.atMs / 1000)));
    assert.ok(match, "the webcam's account shows the CLI's code");
  });

  it("offers to replace the key when the screen shows a login that exists", async () => {
    const file = "uri__unicode-dutch-encoded.png";
    // The same login with another key: what the portal shows after a 2FA reset.
    const reset = join(work, "reset.png");
    const text = qrText(file).replace(/secret=[^&]+/, "secret=KRSXG5CTMVRXEZLU");
    execFileSync("qrencode", ["-s", "8", "-o", reset, text]);
    const hide = await showOnScreen(reset, "reset-qr");
    const before = (await shownRows(session)).length;
    try {
      await scanScreen(session);
      await session.waitFor('[data-testid="replace-prompt"]');
      await session.click(await session.find('[data-testid="replace-confirm"]'));
      await session.waitFor('[data-testid="add-notice"]');
    } finally {
      hide();
    }
    const newKeyCode = (r) => r.code === cliCode(text, Math.floor(r.atMs / 1000));
    const rows = await rowsOnceShown(session, newKeyCode);
    assert.equal(rows.length, before, "replaced, not added twice");
    assert.ok(rows.some(newKeyCode));
  });
});
