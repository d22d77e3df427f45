// MEDICAL_ID, DE Krankenversichertennummer: a letter and nine digits, check digit over the
// letter's position and eight digits; only with a context word.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { kvnrRecognizer, kvnrValid } from "./kvnr.ts";

const d = detector([kvnrRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));

describe("kvnr", () => {
  it("checks the check digit", () => {
    expect(kvnrValid("A123456780")).toBe(true);
    expect(kvnrValid("X110224336")).toBe(true);
    expect(kvnrValid("T987654328")).toBe(true);
    expect(kvnrValid("A123456781")).toBe(false);
    expect(kvnrValid("a123456780")).toBe(false);
    expect(kvnrValid("A12345678")).toBe(false);
  });

  it("needs a context word", () => {
    expect(found("Artikel A123456780 ist vorrätig")).toEqual([]);
    expect(found("Krankenversichertennummer: A123456780")).toEqual(["A123456780"]);
    expect(found("KVNR X110224336 (AOK)")).toEqual(["X110224336"]);
    expect(found("Versichertennummer A123456781")).toEqual([]);
    expect(found("KVNR XA123456780")).toEqual([]);
  });
});
