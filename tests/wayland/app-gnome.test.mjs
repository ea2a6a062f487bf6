// End-to-end on headless GNOME Shell (Wayland, XWayland on), never asked about screenshots
// yet: the real app tells the person beforehand that GNOME will ask once and to choose Allow;
// once allowed (what answering the dialog stores), the hint is gone and Scan screen adds the
// account. Run by tests/wayland/app.sh inside `tests/wayland/session gnome --permission unset`.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { FIXTURES, createVault, launch, newHome, quit } from "../e2e/helpers.mjs";

function allowScreenshots() {
  execFileSync("gdbus", [
    "call",
    "--session",
    "-d",
    "org.freedesktop.impl.portal.PermissionStore",
    "-o",
    "/org/freedesktop/impl/portal/PermissionStore",
    "-m",
    "org.freedesktop.impl.portal.PermissionStore.SetPermission",
    "screenshot",
    "true",
    "screenshot",
    "",
    "['yes']",
  ]);
}

describe("The app on GNOME (Wayland)", () => {
  let app;

  before(async () => {
    app = await launch("nl_NL.UTF-8", newHome());
    await createVault(app.session);
  });

  after(async () => {
    await quit(app);
  });

  it("says before the first scan that GNOME asks once, in the person's language", async () => {
    const { session } = app;
    await session.click(await session.find('[data-testid="tab-screen"]'));
    const hint = await session.waitFor('[data-testid="scan-screen-asks-first"]', { timeoutMs: 10000 });
    assert.match(await session.text(hint), /De eerste keer vraagt GNOME.*Kies Toestaan/s);
  });

  it("shows no hint once screenshots are allowed, and adds the account from the screen", async () => {
    const { session } = app;
    allowScreenshots();
    // Another tab and back: the panel asks again how the desktop takes screenshots.
    await session.click(await session.find('[data-testid="tab-link"]'));
    await session.click(await session.find('[data-testid="tab-screen"]'));
    // Once the panel knows how this desktop takes screenshots, the hint would be there.
    await session.waitFor('[data-capture="portal"] [data-testid="scan-screen"]', { timeoutMs: 10000 });
    assert.equal((await session.findAll('[data-testid="scan-screen-asks-first"]')).length, 0);
    const viewer = spawn("eog", ["--new-instance", join(FIXTURES, "qr", "uri__unicode-dutch-encoded.png")], {
      stdio: "ignore",
      env: { ...process.env, GDK_BACKEND: "wayland" },
    });
    try {
      await sleep(4000); // eog maps its window and draws
      await session.click(await session.find('[data-testid="scan-screen"]'));
      const notice = await session.waitFor('[data-testid="add-notice"], [data-testid="scan-error"], [data-testid="scan-problem"]', {
        timeoutMs: 60000,
      });
      assert.match(await session.text(notice), /Boerderij 't Veldje/);
      assert.equal((await session.findAll('[data-testid="add-notice"]')).length, 1, await session.text(notice));
    } finally {
      viewer.kill();
    }
  });
});
