import { describe, expect, it } from "vitest";
import {
  elapsedInStep,
  msUntilNextChange,
  nextWake,
  remainingInStep,
  ringsOutOfPhase,
  showNextCode,
  type Wake,
} from "./countdown";

describe("elapsedInStep / remainingInStep", () => {
  it("places an instant inside its step", () => {
    expect(elapsedInStep(59_000, 30)).toBe(29);
    expect(remainingInStep(59_000, 30)).toBe(1);
    expect(elapsedInStep(60_000, 30)).toBe(0);
    expect(remainingInStep(60_000, 30)).toBe(30);
    expect(elapsedInStep(1_111_111_109_500, 30)).toBeCloseTo(29.5, 6);
  });

  it("handles 60 s and odd periods", () => {
    expect(elapsedInStep(61_000, 60)).toBe(1);
    expect(remainingInStep(14_000, 15)).toBe(1);
  });
});

describe("msUntilNextChange", () => {
  it("returns the earliest boundary across periods", () => {
    expect(msUntilNextChange(59_000, [30, 60])).toBe(1_000);
    expect(msUntilNextChange(75_000, [60, 30])).toBe(15_000);
  });

  it("is null when no account is time-based", () => {
    expect(msUntilNextChange(0, [])).toBeNull();
  });

  it("never returns zero or a negative wait", () => {
    for (let ms = 0; ms < 120_000; ms += 250) {
      const wait = msUntilNextChange(ms, [30]);
      expect(wait).not.toBeNull();
      expect(wait!).toBeGreaterThan(0);
      expect(wait!).toBeLessThanOrEqual(30_000);
    }
  });
});

describe("showNextCode", () => {
  it("shows the next code from the threshold on", () => {
    expect(showNextCode(5, 5)).toBe(true);
    expect(showNextCode(6, 5)).toBe(false);
  });
});

describe("nextWake", () => {
  it("fetches at the step boundary when no window opens before it", () => {
    expect(nextWake(26_000, [30], [5])).toEqual({ inMs: 4_000, fetch: true });
    expect(nextWake(0, [30], [])).toEqual({ inMs: 30_000, fetch: true });
  });

  it("wakes without fetching when a next-code window opens first", () => {
    expect(nextWake(10_000, [30], [5])).toEqual({ inMs: 15_000, fetch: false });
    // The earliest of several leads and periods.
    expect(nextWake(10_000, [30, 60], [5, 8])).toEqual({ inMs: 12_000, fetch: false });
  });

  it("does not wake again for a window that is opening now", () => {
    expect(nextWake(25_000, [30], [5])).toEqual({ inMs: 5_000, fetch: true });
  });

  it("ignores leads of zero and leads as long as the period", () => {
    expect(nextWake(10_000, [30], [0, 30, 45])).toEqual({ inMs: 20_000, fetch: true });
  });

  it("is null when nothing is time-based", () => {
    expect(nextWake(0, [], [5])).toBeNull();
  });

  it("walks a whole period as one fetch and one window per step", () => {
    const wakes: Wake[] = [];
    let at = 1_000;
    while (at < 61_000) {
      const wake = nextWake(at, [30], [5])!;
      wakes.push(wake);
      at += wake.inMs;
    }
    expect(wakes).toEqual([
      { inMs: 24_000, fetch: false },
      { inMs: 5_000, fetch: true },
      { inMs: 25_000, fetch: false },
      { inMs: 5_000, fetch: true },
      { inMs: 25_000, fetch: false },
    ]);
  });
});

describe("ringsOutOfPhase", () => {
  it("starts the rings the first time", () => {
    expect(ringsOutOfPhase(null, 123)).toBe(true);
  });

  it("tolerates the jitter of a fetch, not a clock jump", () => {
    expect(ringsOutOfPhase(1_000_000, 1_000_040)).toBe(false);
    expect(ringsOutOfPhase(1_000_000, 999_700)).toBe(false);
    expect(ringsOutOfPhase(1_000_000, 1_003_600_000)).toBe(true);
    expect(ringsOutOfPhase(1_000_000, 998_000)).toBe(true);
  });
});
