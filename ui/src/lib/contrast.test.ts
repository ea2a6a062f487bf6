// WCAG AA: every text colour pair the stylesheet uses has a contrast ratio of at least 4.5:1,
// in the light theme and in the dark theme (prefers-color-scheme: dark).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const css = readFileSync(new URL("../app.css", import.meta.url), "utf8");

function palette(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]));
}

const light = palette(css.slice(0, css.indexOf("@media (prefers-color-scheme: dark)")));
const darkStart = css.indexOf("@media (prefers-color-scheme: dark)");
const dark = { ...light, ...palette(css.slice(darkStart, css.indexOf("}\n}", darkStart))) };

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// [foreground, background]: body text, secondary text, codes, buttons, errors, focus ring.
const pairs: [string, string][] = [
  ["text", "bg"],
  ["text", "surface"],
  ["muted", "bg"],
  ["muted", "surface"],
  ["accent", "surface"],
  ["accent", "bg"],
  ["accent-text", "accent"],
  ["danger", "bg"],
  ["danger", "surface"],
  ["bg", "text"],
];

describe("colour contrast (WCAG AA, 4.5:1)", () => {
  it("reads both themes from the stylesheet", () => {
    expect(Object.keys(light).length).toBeGreaterThanOrEqual(10);
    expect(dark.bg).not.toBe(light.bg);
  });

  for (const [name, theme] of [
    ["light", light],
    ["dark", dark],
  ] as const) {
    for (const [fg, bg] of pairs) {
      it(`${name}: --${fg} on --${bg}`, () => {
        const a = theme[fg];
        const b = theme[bg];
        expect(a, `--${fg} defined`).toBeDefined();
        expect(b, `--${bg} defined`).toBeDefined();
        expect(contrast(a as string, b as string)).toBeGreaterThanOrEqual(4.5);
      });
    }
    it(`${name}: the focus ring stands out from the page (3:1, WCAG 1.4.11)`, () => {
      expect(contrast(theme.focus as string, theme.bg as string)).toBeGreaterThanOrEqual(3);
    });
  }
});
