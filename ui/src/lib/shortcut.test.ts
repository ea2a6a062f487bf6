import { describe, expect, it } from "vitest";
import { shortcutFromKeyPress, type KeyPress } from "./shortcut";

const press = (code: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  code,
  key: "",
  ctrlKey: false,
  altKey: false,
  shiftKey: false,
  metaKey: false,
  ...mods,
});

describe("shortcutFromKeyPress", () => {
  it("names the modifiers in a fixed order and the physical key", () => {
    expect(shortcutFromKeyPress(press("KeyT", { ctrlKey: true, altKey: true }))).toBe("Ctrl+Alt+T");
    expect(shortcutFromKeyPress(press("Digit2", { metaKey: true, shiftKey: true }))).toBe("Shift+Super+2");
    expect(shortcutFromKeyPress(press("F9", { altKey: true }))).toBe("Alt+F9");
  });

  it("waits while only modifiers are held", () => {
    expect(shortcutFromKeyPress(press("ControlLeft", { ctrlKey: true }))).toBeNull();
    expect(shortcutFromKeyPress(press("AltRight", { altKey: true, ctrlKey: true }))).toBeNull();
  });

  it("refuses a bare key or Shift+key, which would swallow typing", () => {
    expect(shortcutFromKeyPress(press("KeyT"))).toBeNull();
    expect(shortcutFromKeyPress(press("KeyT", { shiftKey: true }))).toBeNull();
  });

  it("falls back to the character when the event names no physical key", () => {
    expect(shortcutFromKeyPress(press("", { key: "y", ctrlKey: true, altKey: true }))).toBe("Ctrl+Alt+Y");
    expect(shortcutFromKeyPress(press("", { key: "Control", ctrlKey: true }))).toBeNull();
  });

  it("refuses keys it cannot name", () => {
    expect(shortcutFromKeyPress(press("IntlBackslash", { ctrlKey: true }))).toBeNull();
  });
});
