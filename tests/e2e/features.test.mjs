// End-to-end: the everyday features of the code list in the real app — copy to the real
// clipboard (read back with xclip) and its clearing, the confirmation step after adding,
// manual key entry, favourites, rename, remove with undo, search, and single instance.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { APP, addLink, appWebProcesses, byId, cliCode, cliList, createVault, launch, newHome, quit, saveScreenshot, setClipboardClearSeconds, shownRows } from "./helpers.mjs";
import { environmentOf } from "./procfs.mjs";

/** The clipboard's text; "" when it holds none (xclip: "target STRING not available"). */
function clipboardText() {
  try {
    return execFileSync("xclip", ["-o", "-selection", "clipboard"], {
      encoding: "utf8",
      timeout: 5000,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    if (/not available/.test(String(e.stderr))) return "";
    throw e;
  }
}

describe("Everyday use of the code list", () => {
  let app;
  let session;
  const uri = byId("basic-google-example").input;

  before(async () => {
    app = await launch("en_US.UTF-8", newHome());
    session = app.session;
    await createVault(session);
  });

  after(async () => {
    await quit(app);
  });

  it("shows a confirmation step with the code to type into the portal", async () => {
    await addLink(session, uri);
    const confirm = await session.waitFor('[data-testid="add-confirm"]');
    assert.match(await session.text(confirm), /Example \(alice@google.com\) is added/);
    assert.match(await session.text(confirm), /Type this code into the setup screen of the portal/);
    if ((await session.attribute(confirm, "data-waiting")) === "true") {
      assert.match(await session.text(confirm), /Wait \d+ s for the next one/);
    } else {
      const code = await session.attribute(await session.find('[data-testid="confirm-code"]'), "data-code");
      const [row] = await shownRows(session);
      assert.equal(code, row.code);
    }
    saveScreenshot("en-confirm");
    await session.click(await session.find('[data-testid="confirm-done"]'));
  });

  it("copies a code to the real clipboard and clears it after the set time", async () => {
    // Three seconds instead of thirty, through the settings panel.
    await setClipboardClearSeconds(session, 3);

    const [row] = await shownRows(session);
    await session.click(await session.find('[data-testid="code"]'));
    const toast = await session.waitFor('[data-testid="toast"]');
    assert.match(await session.text(toast), /Copied/);
    const copied = clipboardText();
    const [after] = await shownRows(session);
    assert.ok(copied === row.code || copied === after.code, `clipboard holds the code (${copied})`);
    assert.match(copied, /^\d{6}$/, "only the code, no spaces");
    await sleep(4500);
    assert.equal(clipboardText(), "", "cleared after 3 s");
  });

  it("leaves the clipboard alone when something else was copied meanwhile", async () => {
    await session.click(await session.find('[data-testid="code"]'));
    await sleep(300);
    // xclip stays behind to serve the selection: keep it off our pipes.
    execFileSync("bash", ["-c", "printf 'mijn eigen tekst' | xclip -selection clipboard >/dev/null 2>&1 &"]);
    await sleep(4500);
    assert.equal(clipboardText(), "mijn eigen tekst");
  });

  it("adds an account from a key typed by hand, with advanced options", async () => {
    await session.click(await session.find('[data-testid="tab-manual"]'));
    await session.type(await session.waitFor('[data-testid="manual-issuer"]'), "Bank");
    await session.type(await session.find('[data-testid="manual-account"]'), "piet");
    await session.type(await session.find('[data-testid="manual-secret"]'), "gezd gnbv gy3t qojq");
    await session.click(await session.find("details summary"));
    await session.execute(
      `const s = document.querySelector('[data-testid="manual-digits"]'); s.value = '8'; s.dispatchEvent(new Event('change', { bubbles: true }));`,
    );
    await session.click(await session.find('[data-testid="manual-submit"]'));
    await session.waitFor('[data-testid="add-confirm"]');
    const rows = await shownRows(session);
    assert.equal(rows.length, 2);
    const bank = rows.find((r) => r.code.length === 8);
    assert.ok(bank, "an 8-digit code is shown");
    const expected = execFileSync(
      process.env.TWEESTAP_CLI,
      ["code", "--secret", "GEZDGNBVGY3TQOJQ", "--digits", "8", "--at", String(Math.floor(bank.atMs / 1000))],
      { encoding: "utf8" },
    ).trim();
    assert.equal(bank.code, expected);
    await session.click(await session.find('[data-testid="confirm-done"]'));
  });

  it("explains a bad typed key in English", async () => {
    await session.type(await session.find('[data-testid="manual-issuer"]'), "X");
    await session.type(await session.find('[data-testid="manual-secret"]'), "not-base32!");
    await session.click(await session.find('[data-testid="manual-submit"]'));
    const error = await session.waitFor('[data-testid="add-error"]');
    assert.equal(await session.attribute(error, "data-error-kind"), "invalid_secret");
    assert.match(await session.text(error), /secret key in the link is not valid/);
  });

  it("puts a favourite on top, renames, removes with undo", async () => {
    const second = (await session.findAll('[data-testid="favourite"]'))[1];
    await session.click(second);
    await session.waitFor('[data-testid="account-row"][data-favourite="true"]');
    const firstRow = (await session.findAll('[data-testid="account-row"]'))[0];
    assert.equal(await session.attribute(firstRow, "data-favourite"), "true");

    await session.execute(`document.querySelector('[data-testid="account-row"] details').open = true;`);
    await session.click(await session.find('[data-testid="rename"]'));
    const issuer = await session.waitFor('[data-testid="rename-issuer"]');
    await session.clear(issuer);
    await session.type(issuer, "Bank NL");
    await session.click(await session.find('[data-testid="rename-save"]'));
    await session.waitFor('[data-testid="account-row"]', {
      predicate: async (el) => /Bank NL/.test(await session.text(el)),
    });
    assert.ok(cliList(app.home).some((a) => a.issuer === "Bank NL"));

    await session.execute(`document.querySelector('[data-testid="account-row"] details').open = true;`);
    await session.click(await session.find('[data-testid="remove"]'));
    await session.waitFor('[data-testid="toast-action"]');
    assert.equal((await shownRows(session)).length, 1);
    saveScreenshot("en-removed-undo");
    await session.click(await session.find('[data-testid="toast-action"]'));
    await session.waitFor('[data-testid="code"]', {
      predicate: async () => (await shownRows(session)).length === 2,
    });
  });

  it("runs the window's scripts without a JIT (src-tauri/src/main.rs)", () => {
    const web = appWebProcesses();
    assert.ok(web.length >= 1, "the app's web process is found");
    for (const pid of web) {
      assert.ok(environmentOf(pid).includes("JavaScriptCoreUseJIT=0"), `web process ${pid} has the JIT off`);
    }
  });

  it("searches as you type", async () => {
    for (const extra of ["One", "Two"]) {
      await addLink(session, `otpauth://totp/${extra}:x?secret=JBSWY3DPEHPK3PXP&issuer=${extra}`);
      await session.waitFor('[data-testid="add-confirm"]');
    }
    const search = await session.waitFor('[data-testid="search"]');
    await session.type(search, "bank");
    await session.waitFor('[data-testid="account-row"]', {
      predicate: async () => (await session.findAll('[data-testid="account-row"]')).length === 1,
    });
    await session.clear(search);
  });

  it("keeps the rings in phase across a step, and shows the next code before the step ends", async () => {
    // The ring of the first row, placed in its cycle, against the clock; the list has one
    // timer and the rings animate only on screen, so scroll the row into view first.
    const probe = `
      const row = document.querySelector('[data-testid="account-row"]');
      const ring = row.querySelector('circle.progress');
      const [animation] = ring.getAnimations();
      if (!animation) return null;
      const timing = animation.effect.getTiming();
      const period = timing.duration / 1000;
      const wrap = (x) => ((x % period) + period) % period;
      const next = row.querySelector('[data-testid="next-code"]');
      return {
        period,
        ringElapsed: wrap((animation.currentTime - timing.delay) / 1000),
        clockElapsed: wrap(Date.now() / 1000),
        ending: ring.classList.contains("ending"),
        code: row.querySelector('[data-testid="code"]').dataset.code,
        nextShown: next?.dataset.shown === "true",
        nextCode: (next?.textContent ?? "").replace(/\\D/g, ""),
      };`;
    const phaseError = (s) => {
      const d = Math.abs(s.ringElapsed - s.clockElapsed);
      return Math.min(d, s.period - d);
    };
    await session.execute(`document.querySelector('[data-testid="account-row"]').scrollIntoView(); return 1;`);
    let state = null;
    for (let i = 0; i < 20 && !state; i++) {
      await sleep(100);
      state = await session.execute(probe);
    }
    assert.ok(state, "the ring on screen has its animation");
    assert.ok(phaseError(state) < 0.5, `ring in phase: ${JSON.stringify(state)}`);

    // 3.5 s before the step ends: inside the default 5-second window.
    if (state.period - state.clockElapsed < 4) await sleep((state.period - state.clockElapsed + 0.5) * 1000);
    state = await session.execute(probe);
    await sleep(Math.max(0, state.period - state.clockElapsed - 3.5) * 1000);
    const before = await session.execute(probe);
    assert.ok(before.nextShown && before.ending, `next code and warning colour shown: ${JSON.stringify(before)}`);
    assert.equal(before.nextCode.length, before.code.length, `a whole code: ${JSON.stringify(before)}`);

    await sleep((before.period - before.clockElapsed + 1.5) * 1000);
    const after = await session.execute(probe);
    assert.equal(after.code, before.nextCode, "the code shown before the step is the one after it");
    assert.ok(!after.nextShown && !after.ending, `window closed: ${JSON.stringify(after)}`);
    assert.ok(phaseError(after) < 0.5, `ring still in phase after the step: ${JSON.stringify(after)}`);
  });

  it("a second launch focuses the running app instead of starting another", () => {
    const second = spawnSync(APP, [], {
      env: { ...process.env, HOME: app.home, XDG_DATA_HOME: `${app.home}/.local/share`, XDG_CONFIG_HOME: `${app.home}/.config` },
      timeout: 20000,
    });
    assert.equal(second.status, 0, `second instance exited at once (signal ${second.signal})`);
    const windows = execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" }).match(/"Tweestap"/g) ?? [];
    assert.equal(windows.length, 1, "still one Tweestap window");
  });
});

describe("An otpauth:// link opened from the browser", () => {
  let app;

  after(async () => {
    await quit(app);
  });

  it("reaches the running app, which asks before adding it", async () => {
    app = await launch("nl_NL.UTF-8", newHome());
    const session = app.session;
    await createVault(session);
    const uri = byId("basic-google-example").input;
    // What the browser does: start the registered handler with the link; the single-instance
    // plugin hands it to the running app and the new process exits.
    const second = spawnSync(APP, [uri], {
      env: { ...process.env, HOME: app.home, XDG_DATA_HOME: `${app.home}/.local/share`, XDG_CONFIG_HOME: `${app.home}/.config` },
      timeout: 20000,
    });
    assert.equal(second.status, 0);
    const prompt = await session.waitFor('[data-testid="link-opened"]', { timeoutMs: 20000 });
    assert.match(await session.text(prompt), /Er is een 2FA-link geopend/);
    assert.equal((await shownRows(session)).length, 0, "nothing added before the person agrees");
    saveScreenshot("nl-link-opened");
    await session.click(await session.find('[data-testid="scan-add"]'));
    await session.waitFor('[data-testid="code"]');
    const [row] = await shownRows(session);
    assert.equal(row.code, cliCode(uri, Math.floor(row.atMs / 1000)));
  });
});

describe("A computer whose clock is two minutes slow", () => {
  let app;
  let server;

  after(async () => {
    await quit(app);
    server?.close();
  });

  it("is noticed by the clock check, and the codes can be corrected", async () => {
    // A local time server that is 120 s ahead of this computer (no test touches the internet).
    const { createServer } = await import("node:http");
    server = createServer((_req, res) => {
      res.setHeader("Date", new Date(Date.now() + 120_000).toUTCString());
      res.end("ok");
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${server.address().port}/`;

    app = await launch("en_US.UTF-8", newHome());
    const session = app.session;
    await createVault(session);
    const uri = byId("basic-google-example").input;
    await addLink(session, uri);
    await session.waitFor('[data-testid="code"]');

    await session.click(await session.find('[data-testid="settings"] summary'));
    await session.click(await session.waitFor('[data-testid="setting-clock-check"]'));
    const field = await session.find('[data-testid="setting-clock-url"]');
    await session.clear(field);
    await session.type(field, url);
    await session.click(await session.find('[data-testid="settings-save"]'));
    await session.click(await session.waitFor('[data-testid="clock-check-now"]'));
    const warning = await session.waitFor('[data-testid="clock-warning"]', { timeoutMs: 20000 });
    assert.match(await session.text(warning), /clock is 1(19|20|21) seconds slow/);
    saveScreenshot("en-clock-warning");
    await session.click(await session.find('[data-testid="clock-correct"]'));
    await session.waitFor('[data-testid="clock-corrected"]');
    await sleep(300);
    const [row] = await shownRows(session);
    const skew = row.atMs - Date.now();
    assert.ok(skew > 110_000 && skew < 130_000, `codes use the corrected time (${skew} ms ahead)`);
    assert.equal(row.code, cliCode(uri, Math.floor(row.atMs / 1000)));
  });
});
