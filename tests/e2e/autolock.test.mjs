// End-to-end: the vault locks itself from the Rust side — after the auto-lock time while the
// window is hidden (its scripts do not run then), and when the desktop says the screen locked —
// and once locked, no command gives a code until the password is given again. A copied code
// is taken off the clipboard by the lock.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { addLink, byId, createVault, invoke, launch, newHome, quit } from "./helpers.mjs";

const PASSWORD = "automatisch-op-slot-1";

function windowIds() {
  try {
    return execFileSync("xdotool", ["search", "--name", "^Tweestap$"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

function clipboardText() {
  try {
    return execFileSync("xclip", ["-o", "-selection", "clipboard"], { encoding: "utf8", timeout: 5000 });
  } catch (e) {
    if (/not available/.test(String(e.stderr))) return "";
    throw e;
  }
}

async function unlock(s) {
  await s.type(await s.waitFor('[data-testid="unlock-password"]'), PASSWORD);
  await s.click(await s.find('[data-testid="unlock-submit"]'));
  await s.waitFor('[data-testid="code"]', { timeoutMs: 30000 });
}

describe("Locking from the Rust side", () => {
  let app;
  let id;

  before(async () => {
    app = await launch("en_US.UTF-8", newHome(), { TWEESTAP_AUTO_LOCK_S: "10" });
    await createVault(app.session, { keyring: true, password: PASSWORD });
    await addLink(app.session, byId("basic-google-example").input);
    await app.session.waitFor('[data-testid="code"]');
    const listed = await invoke(app.session, "list_codes");
    assert.ok(listed.ok, JSON.stringify(listed));
    id = listed.value[0].id;
  });

  after(async () => {
    await quit(app);
  });

  it("locks while the window is hidden, after the auto-lock time", async () => {
    const s = app.session;
    const [window] = windowIds();
    assert.ok(window, "the app window is on the X display");
    execFileSync("xdotool", ["windowunmap", "--sync", window], { timeout: 10000 });
    try {
      await sleep(14000);
      // Through IPC, while still hidden: no code, whichever way it is asked for.
      const listed = await invoke(s, "list_codes");
      assert.equal(listed.ok, false, `list_codes answered ${JSON.stringify(listed)}`);
      assert.equal(listed.error.kind, "locked");
      const copied = await invoke(s, "copy_code", { id });
      assert.equal(copied.ok, false, `copy_code answered ${JSON.stringify(copied)}`);
      assert.equal(copied.error.kind, "locked");
    } finally {
      execFileSync("xdotool", ["windowmap", "--sync", window], { timeout: 10000 });
    }
    await s.waitFor('[data-testid="vault-unlock"]', { timeoutMs: 10000 });
    await unlock(s);
  });

  it("keeps the vault open while the person is active", async () => {
    const s = app.session;
    // Input in the window every 2 s for 24 s, over twice the auto-lock time; the window
    // reports it (at most every 5 s).
    for (let i = 0; i < 12; i++) {
      await s.click(await s.find('[data-testid="app"]'));
      await sleep(2000);
    }
    const listed = await invoke(s, "list_codes");
    assert.ok(listed.ok, `locked while in use: ${JSON.stringify(listed)}`);
  });

  it("locks when the desktop says the screen locked, and clears a copied code", async () => {
    const s = app.session;
    const copied = await invoke(s, "copy_code", { id });
    assert.ok(copied.ok, JSON.stringify(copied));
    assert.match(clipboardText(), /^\d{6}$/);
    execFileSync("gdbus", [
      "emit",
      "--session",
      "--object-path",
      "/org/freedesktop/ScreenSaver",
      "--signal",
      "org.freedesktop.ScreenSaver.ActiveChanged",
      "true",
    ]);
    await s.waitFor('[data-testid="vault-unlock"]', { timeoutMs: 5000 });
    const listed = await invoke(s, "list_codes");
    assert.equal(listed.ok, false);
    assert.equal(listed.error.kind, "locked");
    assert.equal(clipboardText(), "", "the copied code was taken off the clipboard");
    await unlock(s);
  });
});
