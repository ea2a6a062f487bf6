/**
 * Countdown maths for TOTP rows. The ring itself is a CSS animation; these functions only
 * place it in its cycle and decide when the list must be refreshed, so there is one timer for
 * the whole list rather than one per account.
 */

/** The confirmation step after adding an account waits for the next code when fewer than
 * this many seconds are left: the code might expire while being typed into the portal. */
export const CONFIRM_WAIT_S = 5;

/** Seconds already elapsed in the current step at `atMs` (fractional). */
export function elapsedInStep(atMs: number, period: number): number {
  const periodMs = period * 1000;
  return (((atMs % periodMs) + periodMs) % periodMs) / 1000;
}

/** Seconds left in the current step at `atMs` (fractional, in (0, period]). */
export function remainingInStep(atMs: number, period: number): number {
  return period - elapsedInStep(atMs, period);
}

/**
 * Milliseconds from `atMs` until the earliest step boundary of any of the periods, i.e. when
 * at least one code changes. `null` when nothing is time-based.
 */
export function msUntilNextChange(atMs: number, periods: readonly number[]): number | null {
  let best: number | null = null;
  for (const period of periods) {
    if (!(period > 0)) continue;
    const ms = Math.ceil(remainingInStep(atMs, period) * 1000);
    if (best === null || ms < best) best = ms;
  }
  return best;
}

/** Whether to show the next code alongside the current one. */
export function showNextCode(remainingSeconds: number, thresholdSeconds: number): boolean {
  return remainingSeconds <= thresholdSeconds;
}

/** The list's next wake-up: how long to wait, and whether the codes must be fetched then. */
export interface Wake {
  inMs: number;
  /** A step ends: codes change and are fetched. Otherwise only the display changes (a
   * "next code" window opens) and nothing is asked of the back end. */
  fetch: boolean;
}

/**
 * When the list must next change at `atMs`: the earliest step boundary of any of the
 * `periods`, or, if sooner, the moment `leadSeconds` before a boundary (when the next code
 * and the warning colour appear). `null` when nothing is time-based.
 */
export function nextWake(atMs: number, periods: readonly number[], leadSeconds: readonly number[]): Wake | null {
  const boundary = msUntilNextChange(atMs, periods);
  if (boundary === null) return null;
  let wake: Wake = { inMs: boundary, fetch: true };
  for (const lead of leadSeconds) {
    if (!(lead > 0)) continue;
    const usable = periods.filter((p) => p > lead);
    const until = msUntilNextChange(atMs + lead * 1000, usable);
    // Zero: the window is opening right now, so the next wake-up is a later one.
    if (until !== null && until > 0 && until < wake.inMs) wake = { inMs: until, fetch: false };
  }
  return wake;
}

/**
 * Whether the rings must be restarted: their phase was set from the clock when they started
 * and then runs on the page's monotonic timeline, so a wall-clock jump (suspend and resume, a
 * clock correction) moves the codes but not the rings. `serverMinusMonotonicMs` is the code
 * clock minus `performance.now()`.
 */
export function ringsOutOfPhase(startedWith: number | null, serverMinusMonotonicMs: number, toleranceMs = 500): boolean {
  return startedWith === null || Math.abs(serverMinusMonotonicMs - startedWith) > toleranceMs;
}
