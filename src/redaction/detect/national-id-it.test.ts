// IT codice fiscale: check character over 16 positions, day (women +40), omocodia.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { codiceFiscaleValid, codiceFiscaleRecognizer } from "./national-id-it.ts";

const d = detector([codiceFiscaleRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => [text.slice(s.start, s.end), s.score]);

describe("national-id-it (codice fiscale)", () => {
  it.each([
    ["RSSMRA85T10A562S", "Mario Rossi"],
    ["BNCMRA80A41F205H", "a woman (day 41)"],
    ["VRDGPP13T50H501X", "day 50"],
    ["RSSMRA85T10A56NH", "omocodia: the last digit as a letter"],
  ])("%s is valid (%s)", (cf) => {
    expect(codiceFiscaleValid(cf)).toBe(true);
  });

  it.each([
    ["RSSMRA85T10A562T", "wrong check character"],
    ["RSSMRA85T35A562S", "day 35"],
    ["RSSMRA85T10A562", "15 characters"],
  ])("%s is invalid (%s)", (cf) => {
    expect(codiceFiscaleValid(cf)).toBe(false);
  });

  it("stands alone (lower case slightly less)", () => {
    expect(found("Il mio codice fiscale è RSSMRA85T10A562S.")).toEqual([["RSSMRA85T10A562S", 1]]);
    expect(found("ecco: rssmra85t10a562s")).toEqual([["rssmra85t10a562s", 0.9]]);
    expect(found("BNCMRA80A41F205H e RSSMRA85T10A56NH")).toEqual([
      ["BNCMRA80A41F205H", 1],
      ["RSSMRA85T10A56NH", 1],
    ]);
  });

  it("is never part of a longer token", () => {
    expect(found("XRSSMRA85T10A562S")).toEqual([]);
    expect(found("RSSMRA85T10A562SX")).toEqual([]);
    expect(found("RSSMRA85T10A562T")).toEqual([]);
  });
});
