// End-to-end on a real Wayland desktop (sway, headless, XWayland on): the real app, drawn by
// WebKitGTK as a native Wayland client, driven over WebDriver. A QR code shown in another
// window is read with "Scan screen" through the desktop's screenshot portal and the account
// is added. Run by tests/wayland/app.sh inside tests/wayland/session.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { APP, FIXTURES, byId, cliCode, createVault, launch, newHome, quit, setClipboardClearSeconds, shownRows } from "../e2e/helpers.mjs";

const QR_FILE = "uri__unicode-dutch-encoded.png";
const qrText = JSON.parse(readFileSync(join(FIXTURES, "qr/index.json"), "utf8")).items.find(
  (i) => i.file === QR_FILE,
).text;

/** sway's window tree, flattened: every window with its app id / class and shell. */
function swayWindows() {
  const tree = JSON.parse(execFileSync("swaymsg", ["-t", "get_tree"], { encoding: "utf8" }));
  const found = [];
  const walk = (node) => {
    if (node.pid) found.push({ pid: node.pid, appId: node.app_id, shell: node.shell, name: node.name });
    for (const child of [...(node.nodes ?? []), ...(node.floating_nodes ?? [])]) walk(child);
  };
  walk(tree);
  return found;
}

async function waitForWindow(predicate, what) {
  for (let i = 0; i < 100; i++) {
    const window = swayWindows().find(predicate);
    if (window) return window;
    await sleep(100);
  }
  assert.fail(`no ${what} window appeared: ${JSON.stringify(swayWindows())}`);
}

describe("The app on Wayland (sway)", () => {
  let app;

  before(async () => {
    // Settings carried over from an X11 session, shortcut included: on Wayland the shortcut
    // cannot be claimed, but every other setting must still save.
    const home = newHome();
    mkdirSync(join(home, ".config/nl.tweestap.app"), { recursive: true });
    writeFileSync(join(home, ".config/nl.tweestap.app/settings.json"), JSON.stringify({ global_shortcut: "Ctrl+Alt+T" }));
    app = await launch("en_US.UTF-8", home);
    await createVault(app.session);
  });

  after(async () => {
    await quit(app);
  });

  it("draws its window as a native Wayland client", async () => {
    const window = await waitForWindow((w) => /tweestap/i.test(`${w.appId} ${w.name}`), "Tweestap");
    assert.equal(window.shell, "xdg_shell", `the app window is ${JSON.stringify(window)}`);
  });

  it("reads the QR code shown on the screen through the portal and adds it", async () => {
    const viewer = spawn("swayimg", [join(FIXTURES, "qr", QR_FILE)], { stdio: "ignore" });
    try {
      await waitForWindow((w) => String(w.appId).startsWith("swayimg"), "swayimg");
      await sleep(500); // let it draw
      const { session } = app;
      await session.click(await session.find('[data-testid="tab-screen"]'));
      await session.click(await session.waitFor('[data-testid="scan-screen"]'));
      const notice = await session.waitFor('[data-testid="add-notice"], [data-testid="scan-error"], [data-testid="scan-problem"]', {
        timeoutMs: 60000,
      });
      assert.match(await session.text(notice), /Added Boerderij 't Veldje/);
      await session.waitFor('[data-testid="code"]', { timeoutMs: 20000 });
      const [row] = await shownRows(session);
      assert.equal(row.code, cliCode(qrText, Math.floor(row.atMs / 1000)));
    } finally {
      viewer.kill();
    }
  });

  it("shows no GNOME permission hint on sway", async () => {
    await app.session.waitFor('[data-capture="portal"] [data-testid="scan-screen"]', { timeoutMs: 10000 });
    const hints = await app.session.findAll('[data-testid="scan-screen-asks-first"]');
    assert.equal(hints.length, 0);
  });

  it("copies a code for native Wayland apps, marked sensitive, and clears it", async () => {
    const { session } = app;
    await setClipboardClearSeconds(session, 3);
    await session.waitFor('[data-testid="settings"] [role="status"], [data-testid="settings"] [role="alert"]');
    assert.deepEqual(await session.findAll('[data-testid="settings"] [role="alert"]'), [], "no error on saving");
    await session.find('[data-testid="settings"] [role="status"]');
    const [row] = await shownRows(session);
    await session.click(await session.find('[data-testid="code"]'));
    await session.waitFor('[data-testid="toast"]');
    // wl-paste reads through the data-control protocol, as a native Wayland app would.
    const copied = wlPaste(["-n"]);
    const [later] = await shownRows(session);
    assert.ok(copied === row.code || copied === later.code, `the clipboard holds the code (${copied})`);
    assert.match(wlPaste(["-l"]), /x-kde-passwordManagerHint/, "offered with the password-manager hint");
    await sleep(4500);
    assert.equal(wlPaste(["-n"]), "", "cleared after 3 s");
  });

  it("hands a second launch with an otpauth:// link to the running app (single instance)", async () => {
    const { session, home } = app;
    const uri = byId("basic-google-example").input;
    const second = spawnSync(APP, [uri], {
      env: { ...process.env, HOME: home, XDG_DATA_HOME: `${home}/.local/share`, XDG_CONFIG_HOME: `${home}/.config` },
      timeout: 20000,
    });
    assert.equal(second.status, 0, `the second instance exited (signal ${second.signal})`);
    await session.waitFor('[data-testid="link-opened"]', { timeoutMs: 20000 });
    assert.equal(swayWindows().filter((w) => /tweestap/i.test(`${w.appId}`)).length, 1, "still one Tweestap window");
  });

  it("explains that the desktop's own settings set a global shortcut here", async () => {
    const { session } = app;
    const field = await session.find('[data-testid="setting-shortcut"]');
    assert.equal(await session.attribute(field, "disabled"), "true");
    assert.match(await session.text(await session.find('[data-testid="setting-shortcut-hint"]')), /tweestap-app/);
  });
});

/** The Wayland clipboard's text ("" when empty), or its MIME types with `-l`. */
function wlPaste(args) {
  try {
    return execFileSync("wl-paste", args, { encoding: "utf8", timeout: 5000 }).trim();
  } catch (e) {
    if (/Nothing is copied|No selection|No suitable type/i.test(String(e.stderr))) return "";
    throw e;
  }
}
