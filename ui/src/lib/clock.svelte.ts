import { ringsOutOfPhase } from "./countdown";

/**
 * The moment the code list is drawn for, shared by its rows, the confirmation step and the
 * rings. It advances only when something on screen must change (a step boundary, a "next
 * code" window opening), never on a per-second timer: under software rendering every
 * rendering update costs CPU (docs/PERFORMANCE.md).
 */
class ListClock {
  /** The code clock's time (the back end's, including any clock correction), in ms. */
  nowMs = $state(0);
  /** The code clock minus `Date.now()`, so a ring can place itself when it starts. */
  offsetMs = 0;
  /** Bumped when the rings must restart to get back in phase (see `ringsOutOfPhase`). */
  ringEpoch = $state(0);
  private ringsStartedWith: number | null = null;

  /** The codes were just fetched, computed at `atMs`. */
  fetched(atMs: number): void {
    this.nowMs = atMs;
    this.offsetMs = atMs - Date.now();
    const serverMinusMonotonic = atMs - performance.now();
    if (ringsOutOfPhase(this.ringsStartedWith, serverMinusMonotonic)) {
      if (this.ringsStartedWith !== null) this.ringEpoch += 1;
      this.ringsStartedWith = serverMinusMonotonic;
    }
  }

  /** Time passed without a fetch (a "next code" window opens). */
  advance(): void {
    this.nowMs = this.current();
  }

  /** The code clock's time now, for a ring that is starting. */
  current(): number {
    return Date.now() + this.offsetMs;
  }
}

export const listClock = new ListClock();
