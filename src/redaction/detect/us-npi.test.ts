// MEDICAL_ID, US NPI: ten digits starting 1 or 2, Luhn with the 80840 prefix; only with context.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { npiValid, npiRecognizer } from "./us-npi.ts";

const d = detector([npiRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));

describe("us-npi", () => {
  it("checks Luhn over 80840 + the number", () => {
    expect(npiValid("1234567893")).toBe(true);
    expect(npiValid("1000000004")).toBe(true);
    expect(npiValid("1234567890")).toBe(false);
    expect(npiValid("3234567893")).toBe(false);
  });

  it("needs a context word", () => {
    expect(found("Invoice 1234567893 paid")).toEqual([]);
    expect(found("Provider NPI: 1234567893")).toEqual(["1234567893"]);
    expect(found("NPI 1234567890")).toEqual([]);
  });
});
