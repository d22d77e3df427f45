// ES DNI and NIE: the mod-23 check letter; written as issued it stands alone.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { dniLetter, dniRecognizer } from "./national-id-es.ts";

const d = detector([dniRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => [text.slice(s.start, s.end), s.score]);

describe("national-id-es (DNI, NIE)", () => {
  it("computes the check letter", () => {
    expect(dniLetter(12345678)).toBe("Z");
    expect(dniLetter(87654321)).toBe("X");
    expect(dniLetter(1234567)).toBe("L"); // X1234567L
    expect(dniLetter(11234567)).toBe("X"); // Y1234567X
  });

  it.each([
    ["12345678Z", 1],
    ["87654321X", 1],
    ["12345678-Z", 1],
    ["12.345.678-Z", 1],
    ["12.345.678Z", 1],
    ["X1234567L", 1],
    ["Y1234567X", 1],
    ["Z7654321H", 1],
    ["X-1234567-L", 1],
    ["12345678z", 0.7],
    ["x1234567l", 0.7],
    ["12345678 Z", 0.7],
  ])("finds %s alone (score %s)", (value, score) => {
    expect(found(`Documento: ${value}, gracias`)).toEqual([[value, score]]);
  });

  it.each([
    ["12345678A", "wrong letter"],
    ["X1234567A", "wrong NIE letter"],
    ["W1234567L", "no such NIE prefix"],
    ["12345678 z", "a lower-case letter after a space is prose"],
    ["123456789Z", "nine digits"],
    ["12345678Zeta", "the letter starts a word"],
    ["A12345678Z", "glued to a letter"],
  ])("%s is not one (%s)", (value) => {
    expect(found(`DNI ${value} ok`)).toEqual([]);
  });
});
