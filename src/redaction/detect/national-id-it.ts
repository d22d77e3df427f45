// Italian codice fiscale: 6 letters (surname, name), year, month letter, day (+40 for
// women), birthplace code, check letter; on collisions digits are replaced by the letters
// L M N P Q R S T U V ("omocodia", from the right; the year digits last, and those are not
// followed here). The check character over 16 positions makes a valid code distinctive:
// it scores 1 alone (0.9 when written in lower case).
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { isAlnumAt } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

/**
 * Positions 7–16 (year digits, month, day, place, check), tried at two-digit runs (the
 * year, which omocodia replaces last); the six letters before are checked by hand.
 */
const TAIL = /\d{2}[ABCDEHLMPRST][\dLMNP-V]{2}[A-Z][\dLMNP-V]{3}[A-Z]/iy;
const isLetter = (c: number) => (c | 32) >= 97 && (c | 32) <= 122;

/** Values of a character in an odd (1st, 3rd, …) position, digits and letters sharing a slot. */
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const OMOCODIA = "LMNPQRSTUV";

const slot = (c: number) => (c <= 57 ? c - 48 : c - 65);

export function codiceFiscaleValid(value: string): boolean {
  const v = value.toUpperCase();
  if (v.length !== 16) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const s = slot(v.charCodeAt(i));
    sum += i % 2 === 0 ? ODD[s]! : s;
  }
  if (String.fromCharCode(65 + (sum % 26)) !== v[15]) return false;
  const day = Number(undoOmocodia(v.slice(9, 11)));
  return (day >= 1 && day <= 31) || (day >= 41 && day <= 71);
}

function undoOmocodia(s: string): string {
  let out = "";
  for (const ch of s) out += ch >= "0" && ch <= "9" ? ch : String(OMOCODIA.indexOf(ch));
  return out;
}

export function codiceFiscaleRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "national-id-it",
    types: ["NATIONAL_ID"],
    context: ["codice fiscale", "cf", "c f", "cod fisc", "tessera sanitaria", "fiscale"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const year = runs.starts[k]!;
        if (runs.ends[k]! - year !== 2 || year < 6) continue;
        TAIL.lastIndex = year;
        if (!TAIL.test(text)) continue;
        const start = year - 6;
        const end = year + 10;
        if (start < 0 || isAlnumAt(text, start - 1) || isAlnumAt(text, end)) continue;
        let letters = true;
        for (let i = start; i < year && letters; i++) letters = isLetter(text.charCodeAt(i));
        const value = text.slice(start, end);
        if (!letters || !codiceFiscaleValid(value)) continue;
        emit({ type: "NATIONAL_ID", start, end, score: value === value.toUpperCase() ? 1 : 0.9 });
      }
    },
  };
}
