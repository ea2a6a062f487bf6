// A minimal W3C WebDriver client for tauri-driver and chromedriver (no browser downloads, no
// dependencies): just the handful of endpoints the end-to-end tests use.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts tauri-driver (which starts WebKitWebDriver, which starts the app) with `env`. */
export async function startDriver({ env = {}, log = () => {} } = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  const driverBin = process.env.TAURI_DRIVER ?? "tauri-driver";
  const args = ["--port", String(port), "--native-port", String(nativePort)];
  if (process.env.NATIVE_DRIVER) args.push("--native-driver", process.env.NATIVE_DRIVER);
  return startServer(driverBin, args, port, { env, log });
}

/** Starts Debian's chromedriver (for the practice-portal journey). */
export async function startChromeDriver({ env = {}, log = () => {} } = {}) {
  const port = await freePort();
  return startServer(process.env.CHROMEDRIVER ?? "chromedriver", [`--port=${port}`], port, { env, log });
}

async function startServer(driverBin, args, port, { env, log }) {
  const child = spawn(driverBin, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => log(`[driver] ${d}`));
  child.stderr.on("data", (d) => log(`[driver] ${d}`));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`${driverBin} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/status`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return {
    base,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", resolve);
        setTimeout(() => {
          child.kill("SIGKILL");
          resolve();
        }, 3000);
      });
    },
  };
}

async function call(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    // A wedged driver must fail the test, not hang the suite.
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${path}: HTTP ${res.status} ${v.error ?? ""}: ${v.message ?? text}`);
  }
  return json.value;
}

/** WebDriver's code points for modifier keys. */
export const KEY = { shift: "\uE008", ctrl: "\uE009", alt: "\uE00A" };

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async create(base, application, { args = [] } = {}) {
    const value = await call(base, "POST", "/session", {
      capabilities: {
        alwaysMatch: { "tauri:options": { application, args } },
      },
    });
    return new Session(base, value.sessionId);
  }

  /** A Chromium session (chromedriver) with the flags this machine needs. */
  static async chromium(base, { args = [] } = {}) {
    const value = await call(base, "POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "chrome",
          "goog:chromeOptions": {
            binary: process.env.CHROMIUM ?? "/usr/bin/chromium",
            args: [
              "--no-sandbox",
              "--disable-background-networking",
              "--disable-component-update",
              "--no-first-run",
              "--disable-sync",
              "--disable-gpu",
              ...args,
            ],
          },
        },
      },
    });
    return new Session(base, value.sessionId);
  }

  navigate(url) {
    return this.cmd("POST", "/url", { url });
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const value = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return value[ELEMENT_KEY];
  }

  async findAll(css) {
    const value = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return value.map((v) => v[ELEMENT_KEY]);
  }

  /** Polls until `css` matches an element (and `predicate(element)` holds, if given). */
  async waitFor(css, { timeoutMs = 15000, predicate } = {}) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    while (Date.now() < deadline) {
      try {
        const ids = await this.findAll(css);
        for (const id of ids) {
          if (!predicate || (await predicate(id))) return id;
        }
      } catch (e) {
        lastError = e;
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${css}${lastError ? `: ${lastError.message}` : ""}`);
  }

  text(el) {
    return this.cmd("GET", `/element/${el}/text`);
  }

  attribute(el, name) {
    return this.cmd("GET", `/element/${el}/attribute/${name}`);
  }

  click(el) {
    return this.cmd("POST", `/element/${el}/click`, {});
  }

  clear(el) {
    return this.cmd("POST", `/element/${el}/clear`, {});
  }

  type(el, text) {
    return this.cmd("POST", `/element/${el}/value`, { text });
  }

  /** Presses `keys` together (WebDriver key values, e.g. KEY.ctrl) and releases them. */
  chord(...keys) {
    const down = keys.map((value) => ({ type: "keyDown", value }));
    const up = [...keys].reverse().map((value) => ({ type: "keyUp", value }));
    return this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions: [...down, ...up] }] });
  }

  execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** PNG bytes of the webview. */
  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  async delete() {
    try {
      await this.cmd("DELETE", "");
    } catch {
      // the app may already be gone
    }
  }
}
