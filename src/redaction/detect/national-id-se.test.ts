// SE personnummer / samordningsnummer: Luhn over ten digits, a real past date (day + 60 for
// coordination numbers); with its separator it stands alone.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { personnummerValid, personnummerRecognizer } from "./national-id-se.ts";

const d = detector([personnummerRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => [text.slice(s.start, s.end), Math.round(s.score * 100) / 100]);
const NOW = new Date(Date.UTC(2026, 10, 29));

describe("national-id-se (personnummer)", () => {
  it("validates Luhn and the date", () => {
    expect(personnummerValid(undefined, "811218", "-", "9876", NOW)).toBe(true);
    expect(personnummerValid("19", "811218", "-", "9876", NOW)).toBe(true);
    expect(personnummerValid(undefined, "701063", "-", "2391", NOW)).toBe(true); // samordningsnummer, day 3
    expect(personnummerValid(undefined, "811218", "-", "9875", NOW)).toBe(false);
    expect(personnummerValid(undefined, "811318", "-", "9875", NOW)).toBe(false); // month 13 (Luhn right)
    expect(personnummerValid("21", "811218", "-", "9876", NOW)).toBe(false); // century 21
  });

  it.each([
    ["811218-9876", 0.6],
    ["19811218-9876", 0.8],
    ["701063-2391", 0.6],
    ["121212+1212", 0.6],
  ])("%s stands alone (%s)", (value, score) => {
    expect(found(`Här: ${value}, tack`)).toEqual([[value, score]]);
  });

  it("needs a context word when bare", () => {
    expect(found("Order 8112189876 skickad")).toEqual([]);
    expect(found("Mitt personnummer är 8112189876")).toEqual([["8112189876", 0.65]]);
    expect(found("personnummer 198112189876")).toEqual([["198112189876", 0.75]]);
  });

  it("rejects timestamps and invalid dates", () => {
    expect(found("Loggad 202611291015 och 811318-9875")).toEqual([]);
  });
});
