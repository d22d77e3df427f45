import { describe, expect, it } from "vitest";
import { edgeAt, entropy, hexValue, isHex, isWordChar } from "./chars.ts";

describe("character classes", () => {
  it("knows word characters, hex digits and their values", () => {
    expect([..."aZ09_"].every((c) => isWordChar(c.charCodeAt(0)))).toBe(true);
    expect([..."-.@ é"].some((c) => isWordChar(c.charCodeAt(0)))).toBe(false);
    expect([..."09afAF"].map((c) => (isHex(c.charCodeAt(0)) ? hexValue(c.charCodeAt(0)) : -1))).toEqual([0, 9, 10, 15, 10, 15]);
    expect(isHex("g".charCodeAt(0))).toBe(false);
  });

  it("treats the text edges as boundaries", () => {
    expect(edgeAt("ab", -1)).toBe(true);
    expect(edgeAt("ab", 2)).toBe(true);
    expect(edgeAt("a b", 1)).toBe(true);
    expect(edgeAt("ab", 1)).toBe(false);
  });
});

describe("entropy", () => {
  it("is bits per character of the slice, and leaves no state behind", () => {
    expect(entropy("aaaa", 0, 4)).toBe(0);
    expect(entropy("abab", 0, 4)).toBeCloseTo(1);
    expect(entropy("xxabcdxx", 2, 6)).toBeCloseTo(2);
    expect(entropy("", 0, 0)).toBe(0);
    // A second call on other text gives the same answer as the first (the scratch counts are cleared).
    expect(entropy("abcd", 0, 4)).toBeCloseTo(2);
  });
});
