import { describe, expect, it } from "vitest";
import { accountLabel, groupCode, spokenCode } from "./format";

describe("groupCode", () => {
  it("splits codes of every supported length for reading", () => {
    expect(groupCode("123456")).toBe("123 456");
    expect(groupCode("1234567")).toBe("123 4567");
    expect(groupCode("12345678")).toBe("1234 5678");
    expect(groupCode("5KGQN")).toBe("5KGQN");
  });
});

describe("spokenCode", () => {
  it("separates every character so screen readers read digits, not a number", () => {
    expect(spokenCode("012345")).toBe("0 1 2 3 4 5");
  });
});

describe("accountLabel", () => {
  it("uses whichever of issuer and account exist", () => {
    expect(accountLabel("BLk", "boer@example.nl")).toBe("BLk (boer@example.nl)");
    expect(accountLabel("BLk", "")).toBe("BLk");
    expect(accountLabel("", "alice")).toBe("alice");
  });
});
