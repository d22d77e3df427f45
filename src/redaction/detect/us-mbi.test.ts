// MEDICAL_ID, US Medicare Beneficiary Identifier: the 11-character pattern; dashed alone.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { mbiRecognizer } from "./us-mbi.ts";

const d = detector([mbiRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => [text.slice(s.start, s.end), Math.round(s.score * 100) / 100]);

describe("us-mbi", () => {
  it("finds the dashed form alone and the compact one with context", () => {
    expect(found("Card: 1EG4-TE5-MK73")).toEqual([["1EG4-TE5-MK73", 0.5]]);
    expect(found("Ref 1EG4TE5MK73")).toEqual([]);
    expect(found("Medicare number 1EG4TE5MK73")).toEqual([["1EG4TE5MK73", 0.75]]);
    expect(found("MBI: 1EG4-TE5-MK73")).toEqual([["1EG4-TE5-MK73", 0.85]]);
  });

  it.each([
    ["0EG4-TE5-MK73", "starts with 0"],
    ["1SG4-TE5-MK73", "letter S"],
    ["1EG4-TE5-MK7L", "letter in a digit place"],
    ["1EG4-TE5MK73", "one dash"],
    ["X1EG4TE5MK73", "glued to a letter"],
  ])("%s is not an MBI (%s)", (value) => {
    expect(found(`MBI ${value}`)).toEqual([]);
  });
});
