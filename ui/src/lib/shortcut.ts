/**
 * Turns a key press into the accelerator text the Rust side registers as the global shortcut
 * (`Ctrl+Alt+T`; parsed by tauri-plugin-global-shortcut). Uses the physical key (`code`), so
 * the shortcut is the same on every keyboard layout.
 */
export interface KeyPress {
  code: string;
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

const MODIFIER_CODES = /^(Control|Alt|AltGraph|Shift|Meta|OS|Super)(Left|Right)?$/;

/** `null` while only modifiers are held, or when no modifier other than Shift is: a bare key
 * would swallow ordinary typing in every other program. */
export function shortcutFromKeyPress(press: KeyPress): string | null {
  if (MODIFIER_CODES.test(press.code) || MODIFIER_CODES.test(press.key)) return null;
  // Synthetic events (assistive tools, automation) may carry no physical key: fall back to the
  // character.
  const key = keyName(press.code) ?? keyName(characterCode(press.key));
  if (!key) return null;
  if (!press.ctrlKey && !press.altKey && !press.metaKey) return null;
  const parts: string[] = [];
  if (press.ctrlKey) parts.push("Ctrl");
  if (press.altKey) parts.push("Alt");
  if (press.shiftKey) parts.push("Shift");
  if (press.metaKey) parts.push("Super");
  parts.push(key);
  return parts.join("+");
}

function characterCode(key: string): string {
  if (/^[a-z]$/i.test(key)) return `Key${key.toUpperCase()}`;
  if (/^[0-9]$/.test(key)) return `Digit${key}`;
  return key;
}

function keyName(code: string): string | null {
  const letter = /^Key([A-Z])$/.exec(code);
  if (letter?.[1]) return letter[1];
  const digit = /^Digit([0-9])$/.exec(code);
  if (digit?.[1]) return digit[1];
  if (/^F([1-9]|1[0-9]|2[0-4])$/.test(code)) return code;
  if (["Space", "Home", "End", "PageUp", "PageDown", "Insert"].includes(code)) return code;
  return null;
}
