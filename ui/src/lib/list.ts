import type { CodeView } from "./ipc";

/** Favourites first, then the person's order (the order the vault returns). */
export function favouritesFirst(rows: CodeView[]): CodeView[] {
  return [...rows.filter((r) => r.favourite), ...rows.filter((r) => !r.favourite)];
}

/** Rows whose issuer or account name contains every word of `query`, ignoring case and accents. */
export function search(rows: CodeView[], query: string): CodeView[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((r) => {
    const hay = fold(`${r.issuer} ${r.account}`);
    return words.every((w) => hay.includes(w));
  });
}

function fold(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/** The ids in a new order after moving `id` one place up (-1) or down (+1). */
export function moved(ids: string[], id: string, step: -1 | 1): string[] {
  const from = ids.indexOf(id);
  const to = from + step;
  if (from < 0 || to < 0 || to >= ids.length) return ids;
  const out = [...ids];
  [out[from], out[to]] = [out[to] as string, out[from] as string];
  return out;
}
