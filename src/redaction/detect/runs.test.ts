// The run finder must report exactly what /[class]{minLen,}/g would, however it skips.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { charTable, forEachRun } from "./runs.ts";

const runs = (text: string, minLen: number, chars: string) => {
  const out: [number, number][] = [];
  forEachRun(text, minLen, charTable(chars), (s, e) => out.push([s, e]));
  return out;
};

describe("forEachRun", () => {
  it("finds maximal runs of at least minLen characters of the class", () => {
    expect(runs("ab abcd abcdef", 4, "abcdef")).toEqual([[3, 7], [8, 14]]);
    expect(runs("abcdef", 6, "abcdef")).toEqual([[0, 6]]);
    expect(runs("abcde", 6, "abcdef")).toEqual([]);
    expect(runs("", 3, "a")).toEqual([]);
  });

  it("treats characters beyond ASCII as outside every class", () => {
    expect(runs("aaaéaaaa", 4, "a")).toEqual([[4, 8]]);
    expect(runs("aa🎉aaaa", 4, "a")).toEqual([[4, 8]]);
  });

  it("agrees with a regex on any text and length", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", " ", "-", "é"), { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (parts, minLen) => {
        const text = parts.join("");
        const want = [...text.matchAll(new RegExp(`[ab]{${minLen},}`, "g"))].map((m) => [m.index, m.index + m[0].length]);
        expect(runs(text, minLen, "ab")).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });
});
