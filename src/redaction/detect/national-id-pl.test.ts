// PL PESEL: weights 1-3-7-9, a real past birth date with the century in the month.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { peselValid, peselRecognizer } from "./national-id-pl.ts";

const d = detector([peselRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));
const NOW = new Date(Date.UTC(2026, 10, 29));

describe("national-id-pl (PESEL)", () => {
  it.each([
    ["44051401359", "1944-05-14"],
    ["02270803624", "2002-07-08 (month + 20)"],
    ["99123100010", "1999-12-31"],
  ])("%s is valid (%s)", (pesel) => {
    expect(peselValid(pesel, NOW)).toBe(true);
  });

  it.each([
    ["44051401358", "wrong check digit"],
    ["44023001356", "30 February (check digit right)"],
    ["30320112345", "1 December 2030: in the future"],
  ])("%s is invalid (%s)", (pesel) => {
    expect(peselValid(pesel, NOW)).toBe(false);
  });

  it("needs a context word", () => {
    expect(found("Zamówienie 44051401359 wysłane")).toEqual([]);
    expect(found("Mój PESEL to 44051401359.")).toEqual(["44051401359"]);
    expect(found("nr PESEL: 02270803624")).toEqual(["02270803624"]);
  });
});
