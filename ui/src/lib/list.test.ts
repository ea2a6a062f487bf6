import { describe, expect, it } from "vitest";
import type { CodeView } from "./ipc";
import { favouritesFirst, moved, search } from "./list";

const row = (id: string, issuer: string, account: string, favourite = false): CodeView => ({
  id,
  issuer,
  account,
  favourite,
  code: "123456",
  next_code: null,
  period: 30,
  remaining_s: 10,
  at_ms: 0,
});

describe("list helpers", () => {
  const rows = [row("a", "BLk", "jan@boer.nl"), row("b", "Café Müller", "renée", true), row("c", "Bank", "piet")];

  it("puts favourites on top and keeps the order otherwise", () => {
    expect(favouritesFirst(rows).map((r) => r.id)).toEqual(["b", "a", "c"]);
  });

  it("searches issuer and account, every word, ignoring case and accents", () => {
    expect(search(rows, "cafe").map((r) => r.id)).toEqual(["b"]);
    expect(search(rows, "BLK jan").map((r) => r.id)).toEqual(["a"]);
    expect(search(rows, "  ").map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect(search(rows, "nobody")).toEqual([]);
  });

  it("moves an id one place and stops at the ends", () => {
    expect(moved(["a", "b", "c"], "b", -1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], "c", 1)).toEqual(["a", "b", "c"]);
    expect(moved(["a", "b", "c"], "x", 1)).toEqual(["a", "b", "c"]);
  });
});
