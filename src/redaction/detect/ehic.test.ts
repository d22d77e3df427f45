// MEDICAL_ID, European health insurance card numbers: 20 digits, "80" + an EHIC country
// code; only with a health-card word.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { ehicRecognizer, ehicValid } from "./ehic.ts";

const d = detector([ehicRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));

describe("ehic", () => {
  it("checks the length and the country code", () => {
    expect(ehicValid("80276001234567890123")).toBe(true);
    expect(ehicValid("80380000500000012345")).toBe(true);
    expect(ehicValid("80999001234567890123")).toBe(false);
    expect(ehicValid("8027600123456789012")).toBe(false);
  });

  it("needs a health-card word", () => {
    expect(found("Referenz 80276001234567890123")).toEqual([]);
    expect(found("EHIC card number: 80276001234567890123")).toEqual(["80276001234567890123"]);
    expect(found("Numero tessera sanitaria 80380 00050 00000 12345")).toEqual(["80380 00050 00000 12345"]);
    expect(found("EKVK 802760012345678901234")).toEqual([]);
  });
});
