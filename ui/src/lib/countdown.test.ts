import { describe, expect, it } from "vitest";
import { elapsedInStep, msUntilNextChange, remainingInStep, showNextCode } from "./countdown";

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
