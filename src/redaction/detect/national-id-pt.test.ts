// PT NIF: mod-11 check digit and a holder-kind first digit; only with a context word.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { nifValid, nifRecognizer } from "./national-id-pt.ts";

const d = detector([nifRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));

describe("national-id-pt (NIF)", () => {
  it("checks the mod-11 digit and the first digit", () => {
    expect(nifValid("123456789")).toBe(true);
    expect(nifValid("501964843")).toBe(true);
    expect(nifValid("123456780")).toBe(false);
    expect(nifValid("012345678")).toBe(false);
    expect(nifValid("999999999")).toBe(false);
  });

  it("needs a context word", () => {
    expect(found("A encomenda 123456789 foi enviada")).toEqual([]);
    expect(found("O meu NIF é 123456789.")).toEqual(["123456789"]);
    expect(found("número de contribuinte: 501 964 843")).toEqual(["501 964 843"]);
    expect(found("contribuinte n.º 123456780")).toEqual([]);
  });
});
