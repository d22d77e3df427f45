// IBAN: a country code and two check digits, then the BBAN compact or grouped by four
// (spaces only between groups of four). The country fixes the length (SWIFT IBAN registry),
// so the scan takes exactly that many characters and never swallows a trailing word or
// number; mod-97 must give 1 and the check digits must be 02–98 (score 1). A lower-case
// country code is accepted when the rest validates.
import { isAsciiAlnum, isAsciiLetter, isDigit, isWordChar } from "./chars.ts";
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import type { Recognizer } from "./types.ts";

/** IBAN length per country, SWIFT IBAN registry (release 99, 2025). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27,
  GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25,
  SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/**
 * An IBAN starts with two letters and two digits ([A-Za-z]{2}\d\d): where a run of two or
 * more digits starts right after two ASCII letters. The digit runs are the text's (shared with
 * the identifier recognizers when the list is built with one cache, recognizers.ts), so no
 * pass over the text is made for this.
 */
export function ibanRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "iban",
    types: ["IBAN"],
    context: ["iban", "bank", "konto", "kontonummer", "bankverbindung", "compte", "cuenta", "conto", "rekening", "rachunek", "transfer", "überweisung", "virement"],
    find(text, emit) {
      const runs = runsOf(text);
      let done = 0; // the end of the last IBAN: nothing inside it starts another
      for (let k = 0; k < runs.count; k++) {
        const r = runs.starts[k]!;
        const s = r - 2;
        if (s < done || runs.ends[k]! - r < 2 || !isAsciiLetter(text.charCodeAt(s)) || !isAsciiLetter(text.charCodeAt(s + 1))) continue;
        if (s > 0 && isWordChar(text.charCodeAt(s - 1))) continue;
        const end = ibanEnd(text, s);
        if (end !== -1) {
          emit({ type: "IBAN", start: s, end, score: 1 });
          done = end;
        }
      }
    },
  };
}

const isSpace = (c: number) => c === 32 || c === 0xa0;
/** ISO 7064 value of an alphanumeric: digits 0–9, letters 10–35 (either case). */
const value = (c: number) => (isDigit(c) ? c - 48 : (c | 32) - 87);

/** The end of a valid IBAN starting at s (country letters, two check digits), or -1. */
export function ibanEnd(text: string, s: number): number {
  const c0 = text.charCodeAt(s);
  const c1 = text.charCodeAt(s + 1);
  if ((c0 >= 97) !== (c1 >= 97)) return -1; // "De89…": mixed-case country codes are words
  const length = IBAN_LENGTHS[String.fromCharCode(c0 & ~32, c1 & ~32)];
  if (length === undefined) return -1;
  const check = (text.charCodeAt(s + 2) - 48) * 10 + (text.charCodeAt(s + 3) - 48);
  if (check < 2 || check > 98) return -1;
  // Mod 97 of BBAN + country + check digits, computed while scanning (no string built).
  let rem = 0;
  let count = 4;
  let i = s + 4;
  while (count < length && i < text.length) {
    const c = text.charCodeAt(i);
    if (isAsciiAlnum(c)) {
      const v = value(c);
      rem = (v < 10 ? rem * 10 + v : rem * 100 + v) % 97;
      count++;
      i++;
    } else if (isSpace(c) && count % 4 === 0 && i + 1 < text.length && isAsciiAlnum(text.charCodeAt(i + 1))) {
      i++;
    } else {
      return -1;
    }
  }
  if (count !== length || (i < text.length && isWordChar(text.charCodeAt(i)))) return -1;
  rem = (rem * 100 + value(c0)) % 97;
  rem = (rem * 100 + value(c1)) % 97;
  rem = (rem * 100 + check) % 97;
  return rem === 1 ? i : -1;
}
