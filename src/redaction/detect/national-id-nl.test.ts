// NL BSN: the 11-proof passes one random number in eleven, so only with a context word.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { bsnValid, bsnRecognizer } from "./national-id-nl.ts";

const d = detector([bsnRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));

describe("national-id-nl (BSN)", () => {
  it("checks the 11-proof", () => {
    expect(bsnValid("123456782")).toBe(true);
    expect(bsnValid("111222333")).toBe(true);
    expect(bsnValid("123456789")).toBe(false);
    expect(bsnValid("000000000")).toBe(false);
    expect(bsnValid("001234567")).toBe(false);
  });

  it("needs a context word", () => {
    expect(found("Ordernummer 123456782 is verzonden")).toEqual([]);
    expect(found("Mijn BSN is 123456782.")).toEqual(["123456782"]);
    expect(found("burgerservicenummer: 1234.56.782")).toEqual(["1234.56.782"]);
    expect(found("sofinummer 123 456 782")).toEqual(["123 456 782"]);
    expect(found("BSN 123.456.782")).toEqual(["123.456.782"]);
    expect(found("BSN 123456789")).toEqual([]);
  });

  it("is never part of a longer number", () => {
    expect(found("BSN 1234567829")).toEqual([]);
    expect(found("BSN 123.456.782.1")).toEqual([]);
  });
});
