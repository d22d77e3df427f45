// Spanish DNI (8 digits + check letter, mod 23) and NIE (X/Y/Z + 7 digits + letter, the
// prefix counted as 0/1/2). A matching check letter on this shape is distinctive: 1 alone
// when written as issued (upper-case letter attached or after a dash); a letter after a
// space or in lower case is likelier to be prose ("12345678 a month"), so lower.
import { findDigitRuns, groupsAt, type RunsOf } from "./digit-runs.ts";
import { isolated } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

const LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** The check letter for the numeric part of a DNI or NIE. */
export const dniLetter = (n: number): string => LETTERS[n % 23]!;

const isLetter = (ch: string | undefined) => ch !== undefined && ((ch >= "A" && ch <= "Z") || (ch >= "a" && ch <= "z"));

export function dniRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "national-id-es",
    types: ["NATIONAL_ID"],
    context: ["dni", "nie", "nif", "documento nacional de identidad", "número de identidad", "numero de identidad", "identidad", "extranjero"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const s = runs.starts[k]!;
        const len = runs.ends[k]! - s;
        let start = s;
        let digits: string;
        let digitsEnd: number;
        let prefix = "";
        if (len === 8) {
          digits = text.slice(s, s + 8); // 12345678Z
          digitsEnd = s + 8;
        } else if (len === 2 && groupsAt(runs, k, [2, 3, 3], ".") !== undefined) {
          digitsEnd = runs.ends[k + 2]!; // 12.345.678-Z
          digits = text.slice(s, digitsEnd).replaceAll(".", "");
        } else if (len === 7) {
          // NIE: X1234567L, X-1234567-L
          start = "- ".includes(text[s - 1] ?? "_") ? s - 2 : s - 1;
          prefix = (text[start] ?? "").toUpperCase();
          if (start < 0 || !"XYZ".includes(prefix) || prefix === "") continue;
          digits = "XYZ".indexOf(prefix) + text.slice(s, s + 7);
          digitsEnd = s + 7;
        } else continue;
        const sep = text[digitsEnd] === "-" || text[digitsEnd] === " " ? text[digitsEnd]! : "";
        const letter = text[digitsEnd + sep.length];
        if (!isLetter(letter)) continue;
        const end = digitsEnd + sep.length + 1;
        if (!isolated(text, start, end)) continue;
        if (dniLetter(Number(digits)) !== letter!.toUpperCase()) continue;
        const upper = letter === letter!.toUpperCase() && (prefix === "" || text[start] === prefix);
        if (sep === " " && !upper) continue;
        emit({ type: "NATIONAL_ID", start, end, score: upper && sep !== " " ? 1 : 0.7 });
      }
    },
  };
}
