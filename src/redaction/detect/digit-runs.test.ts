// The shared digit runs: every maximal run once, a cache of the last text's runs, and groupsAt.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { digitRunsCache, findDigitRuns, groupsAt } from "./digit-runs.ts";

const list = (text: string) => {
  const r = findDigitRuns(text);
  return Array.from({ length: r.count }, (_, k) => text.slice(r.starts[k], r.ends[k]));
};

describe("digit runs", () => {
  it("finds every maximal run of ASCII digits, including one that ends the text", () => {
    expect(list("a1b22 333-4444")).toEqual(["1", "22", "333", "4444"]);
    expect(list("1985")).toEqual(["1985"]);
    expect(list("born 12 March 1985")).toEqual(["12", "1985"]);
    expect(list("no digits here, ٣ is not ASCII")).toEqual([]);
    expect(list("")).toEqual([]);
  });

  it("grows past its first capacity", () => {
    const text = Array.from({ length: 1000 }, (_, i) => String(i)).join(" ");
    expect(list(text)).toHaveLength(1000);
  });

  it("the cache returns the same runs for the same text and recomputes for another", () => {
    const runsOf = digitRunsCache();
    const a = runsOf("x 12 y 34");
    expect(runsOf("x 12 y 34")).toBe(a);
    const b = runsOf("56");
    expect(b).not.toBe(a);
    expect(b.count).toBe(1);
    expect(digitRunsCache()("x 12 y 34")).not.toBe(a); // each cache is its own
  });

  it("agrees with /\\d+/g on any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("1", "2", "a", " ", "-", "é", "🙂", "9") }), (text) => {
        expect(list(text)).toEqual(text.match(/\d+/g) ?? []);
      }),
    );
  });

  it("groupsAt: run lengths joined by one separator, the same one throughout", () => {
    const text = "536-22-4875 536-22 4875 12 345 678 901";
    const r = findDigitRuns(text);
    expect(groupsAt(r, 0, [3, 2, 4], "- .")).toBe("-");
    expect(groupsAt(r, 3, [3, 2, 4], "- .")).toBeUndefined(); // mixed separators
    expect(groupsAt(r, 6, [2, 3, 3, 3], " ")).toBe(" ");
    expect(groupsAt(r, 6, [2, 3, 3], ".")).toBeUndefined();
    expect(groupsAt(r, 8, [3, 3, 3], " ")).toBeUndefined(); // past the last run
    expect(groupsAt(r, 9, [3], " ")).toBe("");
  });
});
