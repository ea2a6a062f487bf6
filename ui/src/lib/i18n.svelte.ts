import en from "../i18n/en.json";
import nl from "../i18n/nl.json";
import type { ErrorKind } from "./bindings";

export type Locale = "nl" | "en";
export type MessageKey = keyof typeof en;

export const catalogs: Record<Locale, Record<string, string>> = { en, nl };

/** Dutch on Dutch systems (nl, nl-NL, nl_BE, …), English everywhere else. */
export function localeFromSystem(tag: string | null | undefined): Locale {
  return tag && /^nl([-_]|$)/i.test(tag) ? "nl" : "en";
}

/** Fills `{name}` placeholders; unknown placeholders stay visible so a gap is noticed. */
export function interpolate(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function translate(
  locale: Locale,
  key: string,
  params: Record<string, string | number> = {},
): string {
  const template = catalogs[locale][key] ?? catalogs.en[key] ?? key;
  return interpolate(template, params);
}

class I18n {
  locale = $state<Locale>("en");

  /** A choice the person made in the app (the `language` setting, which the tray menu follows
   * too) wins over the system locale. */
  init(systemTag: string | null | undefined, chosen = ""): void {
    this.locale = chosen === "nl" || chosen === "en" ? chosen : localeFromSystem(systemTag);
    this.applyToDocument();
  }

  set(locale: Locale): void {
    this.locale = locale;
    this.applyToDocument();
  }

  t = (key: MessageKey, params?: Record<string, string | number>): string =>
    translate(this.locale, key, params);

  /** Translates an error `kind` from the core; falls back to its English message. */
  error = (kind: ErrorKind, message: string): string => {
    const key = `error.${kind}`;
    return key in catalogs[this.locale]
      ? translate(this.locale, key, { message })
      : translate(this.locale, "error.generic", { message });
  };

  /** As `error`, preferring a text for this screen (`error.<context>.<kind>`): the same kind
   * can mean another thing there (a wrong password of an import file, not of the vault). */
  errorIn = (context: string, kind: ErrorKind, message: string): string => {
    const key = `error.${context}.${kind}`;
    return key in catalogs[this.locale] ? translate(this.locale, key, { message }) : this.error(kind, message);
  };

  private applyToDocument(): void {
    if (typeof document !== "undefined") document.documentElement.lang = this.locale;
  }
}

export const i18n = new I18n();
