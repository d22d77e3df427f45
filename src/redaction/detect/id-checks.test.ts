// The shared checks: token edges, Luhn, calendar dates and two-digit years.
import { describe, expect, it } from "vitest";
import { allSame, digitsOf, isAlnumAt, isCalendarDate, isolated, isPastDate, luhnValid, pastCentury } from "./id-checks.ts";

const NOW = new Date(Date.UTC(2026, 10, 29));

describe("id-checks", () => {
  it("isAlnumAt: letters and digits of any script, not punctuation or the text edge", () => {
    expect(isAlnumAt("é1", 0)).toBe(true);
    expect(isAlnumAt("ж", 0)).toBe(true);
    expect(isAlnumAt("a-b", 1)).toBe(false);
    expect(isAlnumAt("ab", -1)).toBe(false);
    expect(isAlnumAt("ab", 2)).toBe(false);
    expect(isAlnumAt("🙂", 0)).toBe(false);
  });

  it.each([
    ["x 123456789 y", 2, 11, true],
    ["x123456789", 1, 10, false],
    ["é123456789", 1, 10, false],
    ["12 123456789", 3, 12, false],
    ["123456789-5", 0, 9, false],
    ["3.123456789", 2, 11, false],
    ["1,123456789", 2, 11, false],
    ["(123456789)", 1, 10, true],
    ["123456789.", 0, 9, true],
    ["a: 123456789, b", 3, 12, true],
  ])("isolated(%j, %i, %i) is %s", (text, start, end, expected) => {
    expect(isolated(text, start, end)).toBe(expected);
  });

  it("luhnValid", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
    expect(luhnValid("8112189876")).toBe(true);
  });

  it("digitsOf and allSame", () => {
    expect(digitsOf("12 34-5é6")).toBe("123456");
    expect(allSame("111111111")).toBe(true);
    expect(allSame("111111112")).toBe(false);
  });

  it("isCalendarDate knows month lengths and leap years", () => {
    expect(isCalendarDate(2024, 2, 29)).toBe(true);
    expect(isCalendarDate(2023, 2, 29)).toBe(false);
    expect(isCalendarDate(1900, 2, 29)).toBe(false);
    expect(isCalendarDate(2000, 2, 29)).toBe(true);
    expect(isCalendarDate(1985, 4, 31)).toBe(false);
    expect(isCalendarDate(1985, 13, 1)).toBe(false);
    expect(isCalendarDate(1985, 0, 1)).toBe(false);
    expect(isCalendarDate(1985, 12, 0)).toBe(false);
  });

  it("isPastDate: today counts, tomorrow does not", () => {
    expect(isPastDate(2026, 11, 29, NOW)).toBe(true);
    expect(isPastDate(2026, 11, 30, NOW)).toBe(false);
    expect(isPastDate(2027, 1, 1, NOW)).toBe(false);
    expect(isPastDate(1985, 3, 12, NOW)).toBe(true);
  });

  it("pastCentury: the latest year ending in yy that is not in the future", () => {
    expect(pastCentury(85, NOW)).toBe(1985);
    expect(pastCentury(26, NOW)).toBe(2026);
    expect(pastCentury(27, NOW)).toBe(1927);
    expect(pastCentury(0, NOW)).toBe(2000);
  });
});
