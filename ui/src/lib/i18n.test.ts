import { describe, expect, it } from "vitest";
import en from "../i18n/en.json";
import nl from "../i18n/nl.json";
import { ERROR_KINDS, type ErrorKind } from "./bindings";
import { i18n, interpolate, localeFromSystem, translate } from "./i18n.svelte";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("catalogs", () => {
  it("have exactly the same keys in Dutch and English", () => {
    expect(Object.keys(nl).sort()).toEqual(Object.keys(en).sort());
  });

  it("use the same placeholders in both languages", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(nl[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("have no empty messages", () => {
    for (const [key, value] of [...Object.entries(en), ...Object.entries(nl)]) {
      expect(value.trim(), key).not.toBe("");
    }
  });

  it("translate every otpauth error kind the core can report", () => {
    const kinds = [
      "invalid_scheme",
      "invalid_type",
      "invalid_uri",
      "missing_secret",
      "invalid_secret",
      "invalid_algorithm",
      "invalid_digits",
      "invalid_period",
      "missing_counter",
      "invalid_counter",
      "link_too_long",
    ];
    for (const kind of kinds) {
      expect(Object.keys(en)).toContain(`error.${kind}`);
    }
  });
});

describe("error kinds", () => {
  it("give every kind the app can meet a text of its own in both languages", () => {
    // A kind is shown as an error (`error.<kind>`, or `error.<screen>.<kind>` where one screen
    // words it differently) or as the reason an entry was skipped (`import.reason.<kind>`).
    for (const [locale, catalog] of Object.entries({ en, nl }) as [string, Record<string, string>][]) {
      const keys = Object.keys(catalog);
      const missing = ERROR_KINDS.filter(
        (kind) =>
          !keys.some(
            (key) => key === `import.reason.${kind}` || (key.startsWith("error.") && key.endsWith(`.${kind}`)),
          ),
      );
      expect(missing, locale).toEqual([]);
    }
  });

  it("are a union the compiler checks, listed once in ERROR_KINDS", () => {
    const kinds: readonly ErrorKind[] = ERROR_KINDS;
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(kinds).toContain("wrong_password");
  });
});

describe("localeFromSystem", () => {
  it("chooses Dutch for Dutch system locales only", () => {
    expect(localeFromSystem("nl-NL")).toBe("nl");
    expect(localeFromSystem("nl_BE.UTF-8")).toBe("nl");
    expect(localeFromSystem("nl")).toBe("nl");
    expect(localeFromSystem("en-US")).toBe("en");
    expect(localeFromSystem("nds-DE")).toBe("en");
    expect(localeFromSystem(null)).toBe("en");
  });
});

describe("translate", () => {
  it("fills placeholders and keeps unknown ones visible", () => {
    expect(translate("nl", "code.remaining", { seconds: 7 })).toBe("Nog 7 seconden geldig");
    expect(interpolate("{a} {b}", { a: 1 })).toBe("1 {b}");
  });
});

describe("errorIn", () => {
  it("prefers the screen's own text, then the general one, then the message", () => {
    i18n.set("nl");
    expect(i18n.errorIn("import", "wrong_password", "x")).toBe(nl["error.import.wrong_password"]);
    expect(i18n.errorIn("export", "wrong_password", "x")).toBe(nl["error.export.wrong_password"]);
    expect(i18n.errorIn("import", "locked", "x")).toBe(nl["error.locked"]);
    expect(i18n.errorIn("import", "brand_new_kind" as ErrorKind, "the core's words")).toBe("Er ging iets mis: the core's words");
    i18n.set("en");
  });
});
