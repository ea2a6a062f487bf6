// App benchmark (issue: cold start, memory, idle CPU). Run through scripts/bench-app, which
// builds the release app and the empty-window baseline and provides Xvfb, D-Bus and keyring.
//
// Prints, for the release build under Xvfb with 50 accounts:
// - cold start to first code visible (WebDriver: from asking for a session, which starts the
//   app, to the first code in the DOM; so it includes WebKitWebDriver's own start-up);
// - memory: summed PSS (/proc/PID/smaps_rollup) of the app and its WebKit processes, next to
//   the same for an empty Tauri window measured in this run;
// - CPU over 60 idle seconds, in % of one core.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { childrenOf, environmentOf, processStat, WEB_PROCESS_NAME } from "./procfs.mjs";
import { Session, startDriver } from "./webdriver.mjs";

const APP = process.env.TWEESTAP_APP;
const EMPTY = process.env.TWEESTAP_EMPTY_WINDOW;
const CLI = process.env.TWEESTAP_CLI;
const ACCOUNTS = 50;
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 60);
const RUNS = 3;

function homeWithVault() {
  const home = mkdtempSync(join(tmpdir(), "tweestap-bench-"));
  const vault = join(home, ".local/share/tweestap/vault.tweestap");
  execFileSync(CLI, ["init", "--vault", vault]);
  for (let i = 0; i < ACCOUNTS; i++) {
    execFileSync(CLI, ["add", "--vault", vault, "--secret", "JBSWY3DPEHPK3PXP", "--issuer", `Service ${i}`, "--account", `user${i}@example.nl`]);
  }
  return home;
}

function envFor(home) {
  return {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: join(home, ".local/share"),
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    LANG: "en_US.UTF-8",
  };
}

function tree(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]));
  return all;
}

function pssKb(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      const m = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+) kB/m);
      if (m) sum += Number(m[1]);
    } catch {
      // gone
    }
  }
  return sum;
}

/** utime + stime per process, keyed by "name (pid)". */
function cpuTicksByProcess(pids) {
  const ticks = new Map();
  for (const pid of pids) {
    const stat = processStat(pid);
    if (stat) ticks.set(`${stat.name} (${pid})`, Number(stat.fields[11]) + Number(stat.fields[12]));
  }
  return ticks;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function coldStart(home) {
  const driver = await startDriver({ env: envFor(home) });
  try {
    const t0 = performance.now();
    const session = await Session.create(driver.base, APP);
    await session.waitFor('[data-testid="code"]', { timeoutMs: 30000 });
    const first = performance.now() - t0;
    await session.waitFor('[data-testid="code"]', {
      predicate: async () => (await session.findAll('[data-testid="code"]')).length === ACCOUNTS,
    });
    const all = performance.now() - t0;
    await session.delete();
    return { first, all };
  } finally {
    await driver.stop();
  }
}

async function footprint(binary, home, title) {
  const proc = spawn(binary, [], { env: envFor(home), stdio: "ignore" });
  for (let i = 0; i < 200; i++) {
    try {
      if (execFileSync("xwininfo", ["-name", title], { encoding: "utf8" }).includes("IsViewable")) break;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  await sleep(5000); // settle: first paint, list loaded
  const pids = tree(proc.pid);
  const pss = pssKb(pids);
  const jit = webProcessJit(pids);
  const before = cpuTicksByProcess(tree(proc.pid));
  const t0 = performance.now();
  await sleep(IDLE_S * 1000);
  const after = cpuTicksByProcess(tree(proc.pid));
  const seconds = (performance.now() - t0) / 1000;
  const hz = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  proc.kill();
  await sleep(500);
  const pct = (ticks) => (100 * ticks) / hz / seconds;
  const perProcess = [...after].map(([name, t]) => `${name} ${pct(t - (before.get(name) ?? 0)).toFixed(2)} %`);
  const ticks = [...after].reduce((sum, [name, t]) => sum + t - (before.get(name) ?? 0), 0);
  return { pssMb: pss / 1024, processes: pids.length, cpuPct: pct(ticks), perProcess, jit };
}

/** Whether the web process runs JavaScriptCore's JIT: "off" when its environment switches it
 * off (the app does, unless the person set a JIT variable: src-tauri/src/lib.rs), else "on". */
function webProcessJit(pids) {
  const web = pids.find((pid) => processStat(pid)?.name === WEB_PROCESS_NAME);
  if (web === undefined) return "unknown";
  const off = ["JavaScriptCoreUseJIT=0", "JavaScriptCoreUseJIT=false", "JSC_useJIT=0", "JSC_useJIT=false"];
  return environmentOf(web).some((v) => off.includes(v)) ? "off" : "on";
}

const home = homeWithVault();
const starts = [];
for (let i = 0; i < RUNS; i++) starts.push(await coldStart(home));
const app = await footprint(APP, home, "Tweestap");
const empty = await footprint(EMPTY, mkdtempSync(join(tmpdir(), "tweestap-bench-empty-")), "empty-window");

console.log(`Tweestap release build under Xvfb, ${ACCOUNTS} accounts, ${RUNS} cold starts:`);
console.log(`  cold start to first code visible: median ${median(starts.map((s) => s.first)).toFixed(0)} ms (runs: ${starts.map((s) => s.first.toFixed(0)).join(", ")}; target ≤ 1000 ms; includes WebKitWebDriver start-up)`);
console.log(`  cold start to all ${ACCOUNTS} codes: median ${median(starts.map((s) => s.all)).toFixed(0)} ms`);
console.log(`  memory (summed PSS, app + WebKit processes): ${app.pssMb.toFixed(0)} MB over ${app.processes} processes; empty Tauri window: ${empty.pssMb.toFixed(0)} MB over ${empty.processes}; ratio ${(app.pssMb / empty.pssMb).toFixed(2)} (target ≤ 1.25; JavaScript JIT in the app's web process: ${app.jit}, the empty window's: ${empty.jit})`);
console.log(`  CPU over ${IDLE_S} idle seconds: ${app.cpuPct.toFixed(2)} % of a core (target < 1 %); empty window: ${empty.cpuPct.toFixed(2)} %`);
console.log(`    per process: ${app.perProcess.join(", ")}`);
