/** Groups a code for reading: 6 → "123 456", 7 → "123 4567", 8 → "1234 5678", 5 (Steam) as is. */
export function groupCode(code: string): string {
  switch (code.length) {
    case 6:
      return `${code.slice(0, 3)} ${code.slice(3)}`;
    case 7:
      return `${code.slice(0, 3)} ${code.slice(3)}`;
    case 8:
      return `${code.slice(0, 4)} ${code.slice(4)}`;
    default:
      return code;
  }
}

/** What a screen reader says: one character at a time, so "123456" is not read as a number. */
export function spokenCode(code: string): string {
  return code.split("").join(" ");
}

/** The account's label as the list shows it. */
export function accountLabel(issuer: string, account: string): string {
  if (issuer && account) return `${issuer} (${account})`;
  return issuer || account;
}
