// Reading processes from /proc, shared by the E2E suites and bench-app (Linux only).
import { readdirSync, readFileSync } from "node:fs";

/** The name /proc gives the WebKit web process (a command name is cut to 15 characters). */
export const WEB_PROCESS_NAME = "WebKitWebProces";

/** Every process's id. */
export function processIds() {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/**
 * A process's `/proc/PID/stat`: its command name, and the fields after it (`fields[1]` is the
 * parent's id, `fields[11]` and `fields[12]` the user and system CPU ticks). The name may hold
 * spaces and parentheses, so the fields are split after its last ")". `null` once it is gone.
 */
export function processStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const end = stat.lastIndexOf(")");
    return { name: stat.slice(stat.indexOf("(") + 1, end), fields: stat.slice(end + 2).split(" ") };
  } catch {
    return null;
  }
}

/** The processes whose parent is `pid`. */
export function childrenOf(pid) {
  return processIds().filter((child) => Number(processStat(child)?.fields[1]) === pid);
}

/** A process's environment as `NAME=value` entries; empty once it is gone. */
export function environmentOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  } catch {
    return [];
  }
}
