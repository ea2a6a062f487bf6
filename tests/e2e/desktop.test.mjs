// End-to-end: desktop integration that follows the settings — starting minimised, the
// system-wide shortcut (pressed on the real X display with xdotool), and the language choice
// kept in the settings file, and the window's refusal to show any other page.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { APP, createVault, launch, newHome, quit } from "./helpers.mjs";
import { KEY } from "./webdriver.mjs";

const settingsFile = (home) => join(home, ".config/nl.tweestap.app/settings.json");

/** `viewable`, `unmapped` (hidden) or `absent`, for the top-level window titled Tweestap. */
function windowState() {
  try {
    const info = execFileSync("xwininfo", ["-name", "Tweestap"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return info.includes("IsViewable") ? "viewable" : "unmapped";
  } catch {
    return "absent";
  }
}

async function waitForWindow(wanted, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (windowState() === wanted) return;
    await sleep(100);
  }
  assert.equal(windowState(), wanted, `the window did not become ${wanted}`);
}

/** Takes the window off the screen behind the app's back, as minimising it would. (Hiding it
 * with its own shortcut needs the window to know it has the focus, which takes a window manager;
 * Xvfb runs none.) */
function unmapWindow() {
  execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Tweestap$", "windowunmap", "--sync"], { timeout: 10000 });
}

/** Presses a key combination on the X display, as a person would, wherever the focus is. */
function pressOnDisplay(keys) {
  execFileSync("xdotool", ["key", "--clearmodifiers", keys], { timeout: 10000 });
}

describe("Desktop integration", () => {
  let app;

  after(async () => {
    await quit(app);
  });

  it("starts minimised, and the saved global shortcut brings the window up", async () => {
    const home = newHome();
    mkdirSync(join(home, ".config/nl.tweestap.app"), { recursive: true });
    writeFileSync(settingsFile(home), JSON.stringify({ start_minimised: true, global_shortcut: "Ctrl+Alt+T" }));
    app = await launch("en_US.UTF-8", home);
    // The app is up (WebDriver reached its page), but its window stays hidden.
    await sleep(1000);
    assert.notEqual(windowState(), "viewable", "a start-minimised window was shown");
    pressOnDisplay("ctrl+alt+t");
    await waitForWindow("viewable");
    await createVault(app.session);
  });

  it("records a new shortcut from the keyboard, registers it, and drops the old one", async () => {
    const { session, home } = app;
    await session.click(await session.find('[data-testid="settings"] summary'));
    const field = await session.waitFor('[data-testid="setting-shortcut"]');
    assert.equal(await session.attribute(field, "value"), "Ctrl+Alt+T");
    await session.click(field);
    // Shift with a letter only would swallow typing elsewhere: not accepted.
    await session.chord(KEY.shift, "k");
    assert.equal(await session.attribute(field, "value"), "Ctrl+Alt+T");
    await session.chord(KEY.ctrl, KEY.alt, "y");
    assert.equal(await session.attribute(field, "value"), "Ctrl+Alt+Y");
    await session.click(await session.find('[data-testid="settings-save"]'));
    await session.waitFor('[data-testid="settings"] [role="status"]');
    assert.equal(JSON.parse(readFileSync(settingsFile(home), "utf8")).global_shortcut, "Ctrl+Alt+Y");

    // Out of sight, the old shortcut no longer does anything, and the new one brings the window
    // back.
    unmapWindow();
    await waitForWindow("unmapped");
    pressOnDisplay("ctrl+alt+t");
    await sleep(1500);
    assert.equal(windowState(), "unmapped", "the replaced shortcut still works");
    pressOnDisplay("ctrl+alt+y");
    await waitForWindow("viewable");
  });

  it("a second launch brings a hidden window back", async () => {
    const { home } = app;
    unmapWindow();
    await waitForWindow("unmapped");
    const second = spawnSync(APP, [], {
      env: { ...process.env, HOME: home, XDG_DATA_HOME: `${home}/.local/share`, XDG_CONFIG_HOME: `${home}/.config` },
      timeout: 20000,
    });
    assert.equal(second.status, 0, `second instance exited at once (signal ${second.signal})`);
    await waitForWindow("viewable");
  });

  it("refuses to show any other page in its window", async () => {
    const { session } = app;
    await session.execute('window.location.href = "https://example.com/login"; return true;');
    await sleep(1000);
    await session.waitFor('[data-testid="app"][data-ready="true"]');
    assert.notEqual(await session.execute("return window.location.hostname"), "example.com");
  });

  it("keeps the chosen language in the settings, for the next start and the tray menu", async () => {
    const { session, home } = app;
    const select = await session.find('[data-testid="lang-select"]');
    await session.click(select);
    await session.click(await session.find('[data-testid="lang-select"] option[value="nl"]'));
    await session.waitFor('[data-testid="app"][data-locale="nl"]');
    for (let i = 0; i < 50 && JSON.parse(readFileSync(settingsFile(home), "utf8")).language !== "nl"; i++) await sleep(100);
    assert.equal(JSON.parse(readFileSync(settingsFile(home), "utf8")).language, "nl");
    await quit(app);
    // An English system, but the person chose Dutch.
    app = await launch("en_US.UTF-8", home);
    await app.session.waitFor('[data-testid="app"][data-locale="nl"]');
  });
});
