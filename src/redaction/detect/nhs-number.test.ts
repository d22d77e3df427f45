// MEDICAL_ID, UK NHS numbers: mod-11 check digit, written 3-3-4; only with a context word.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { nhsNumberRecognizer, nhsNumberValid } from "./nhs-number.ts";

const d = detector([nhsNumberRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));

describe("nhs-number", () => {
  it("checks the mod-11 digit", () => {
    expect(nhsNumberValid("9434765919")).toBe(true);
    expect(nhsNumberValid("4010232137")).toBe(true);
    expect(nhsNumberValid("4857773457")).toBe(true);
    expect(nhsNumberValid("9434765918")).toBe(false);
    expect(nhsNumberValid("1111111111")).toBe(false);
    expect(nhsNumberValid("0000000000")).toBe(false);
  });

  it("needs a context word", () => {
    expect(found("Call 943 476 5919 for details")).toEqual([]);
    expect(found("NHS number: 943 476 5919")).toEqual(["943 476 5919"]);
    expect(found("NHS no. 943-476-5919")).toEqual(["943-476-5919"]);
    expect(found("NHS 9434765919")).toEqual(["9434765919"]);
    expect(found("NHS number: 943 476 5918")).toEqual([]);
    expect(found("NHS number: 943 476-5919")).toEqual([]);
  });
});
