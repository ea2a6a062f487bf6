/**
 * Countdown maths for TOTP rows. The ring itself is a CSS animation; these functions only
 * place it in its cycle and decide when the list must be refreshed, so there is one timer for
 * the whole list rather than one per account.
 */

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
