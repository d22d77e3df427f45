// IBAN: country length from the SWIFT registry, mod 97, compact or grouped by four.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IBAN_LENGTHS, ibanRecognizer } from "./iban.ts";
import type { Candidate } from "./types.ts";

const find = (text: string) => {
  const out: Candidate[] = [];
  ibanRecognizer().find(text, (c) => out.push(c));
  return out;
};
const values = (text: string) => find(text).map((c) => text.slice(c.start, c.end));

describe("iban", () => {
  it.each([
    "DE89370400440532013000",
    "GB82WEST12345698765432",
    "DE89 3704 0044 0532 0130 00",
    "GB29 NWBK 6016 1331 9268 19",
    "FR14 2004 1010 0505 0001 3M02 606",
    "NL91ABNA0417164300",
    "NO9386011117947",
    "LC55 HEMM 0001 0001 0012 0012 0002 3015",
    "de89370400440532013000",
  ])("finds %s with score 1", (iban) => {
    const text = `IBAN: ${iban}.`;
    const [c, ...rest] = find(text);
    expect(rest).toEqual([]);
    expect(text.slice(c!.start, c!.end)).toBe(iban);
    expect(c!.score).toBe(1);
  });

  it("accepts spaces between any groups of four (a common way to type it)", () => {
    expect(values("DE89 37040044 0532013000")).toEqual(["DE89 37040044 0532013000"]);
  });

  it("takes exactly the country's length, so a trailing number or word stays out", () => {
    expect(values("DE89 3704 0044 0532 0130 00 12 EUR")).toEqual(["DE89 3704 0044 0532 0130 00"]);
    expect(values("GB82 WEST 1234 5698 7654 32 Euro")).toEqual(["GB82 WEST 1234 5698 7654 32"]);
  });

  it.each([
    ["DE89370400440532013001", "wrong check"],
    ["DE88370400440532013000", "wrong check digits"],
    ["DE8937040044053201300", "one character short"],
    ["DE893704004405320130001", "one character long"],
    ["XX89370400440532013000", "no such country"],
    ["De89370400440532013000", "mixed-case country code"],
    ["DE00370400440532013000", "check digits 00"],
    ["ID89370400440532013000", "a country without IBANs"],
    ["xDE89370400440532013000", "glued to a word"],
    ["DE89 370 400 440 532 013 000", "spaces not between groups of four"],
    ["MP3s and COVID19 and ES2024", "words with digits"],
  ])("reports nothing for %s (%s)", (text) => {
    expect(values(text)).toEqual([]);
  });

  it("knows the registry's lengths", () => {
    expect(IBAN_LENGTHS.NO).toBe(15);
    expect(IBAN_LENGTHS.RU).toBe(33);
    expect(Object.keys(IBAN_LENGTHS).length).toBeGreaterThanOrEqual(89);
  });

  it("gives UTF-16 offsets after emoji and accents", () => {
    const text = "Überweisung 🏦✨ an: GB82 WEST 1234 5698 7654 32";
    const [c] = find(text);
    expect(c!.start).toBe(text.indexOf("GB82"));
    expect(c!.end).toBe(text.length);
  });

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("DE", "89", "GB", " ", "0000", "3704", "a", "é", "\u00a0"), { maxLength: 60 }), (parts) => {
        const text = parts.join("");
        for (const c of find(text)) expect(c.end).toBeLessThanOrEqual(text.length);
      }),
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void find(text)));
  });
});
