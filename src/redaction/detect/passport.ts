// Passport numbers and machine-readable zones. The numbers have no public check digit and
// their shapes (8–9 digits, two letters and seven digits …) are shared by order numbers and
// codes, so they score 0.15–0.2 and count only with a passport word nearby (without one
// they are not emitted, see context-gate.ts). The MRZ of a
// passport (two 44-character lines, "P<" first) carries 7-3-1 check digits: a second line
// whose checks pass scores 1, the name line 0.9.
import { contextNear, contextWords } from "./context-gate.ts";
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { isAlnumAt } from "./id-checks.ts";
import type { Candidate, Recognizer } from "./types.ts";

/** Upper-case letters and digits: passports print their numbers so. */
const isPassportChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90);

/** Number shapes per issuing country and what each scores without context. */
const SHAPES: readonly (readonly [RegExp, number])[] = [
  [/^\d{9}$/, 0.15], // US, UK (older booklets)
  [/^\d{8}$/, 0.15], // SE
  [/^[A-Z]\d{8}$/, 0.2], // US (next-generation booklets)
  [/^[CFGHJK][CFGHJKLMNPRTVWXYZ0-9]{8}$/, 0.2], // DE Reisepass: C, F–K, then 8 of digits and consonants
  [/^\d{2}[A-Z]{2}\d{5}$/, 0.2], // FR
  [/^[A-Z]{3}\d{6}$/, 0.2], // ES
  [/^[A-Z]{2}\d{7}$/, 0.2], // IT, PL, UK (newer)
  [/^[A-NP-Z]{2}[A-NP-Z0-9]{6}\d$/, 0.2], // NL: no letter O
  [/^[A-Z]\d{6}$/, 0.15], // PT
  [/^[A-Z]{1,2}\d{6,8}$/, 0.15], // many other countries: one or two letters, then digits
];

/** TD3 (passport) MRZ lines: exactly 44 of A–Z, 0–9 and '<'. */
const MRZ_NAME = /P[A-Z<][A-Z<]{3}[A-Z<]{39}/g;
const MRZ_DATA = /[A-Z0-9<]{9}\d[A-Z<]{3}\d{7}[MFX<]\d{7}[A-Z0-9<]{14}[\d<]\d/g;

/** Passport words of the nine languages. */
const CONTEXT: readonly string[] = [
  "passport", "passport no", "passport number", "passports",
  "reisepass", "reisepassnummer", "passnummer", "pass-nr", "passnr", "pass",
  "passeport", "pasaporte", "passaporto", "paspoort", "paspoortnummer", "paszport", "paszportu", "paszportowy",
  "passaporte", "passet", "passnumret",
];
const PASSPORT_WORD = contextWords(CONTEXT);

export function passportRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "passport",
    types: ["PASSPORT"],
    context: CONTEXT,
    find(text, emit) {
      // tokens of 7–9 upper-case letters and digits around each digit run
      const runs = runsOf(text);
      let done = 0;
      for (let k = 0; k < runs.count; k++) {
        if (runs.starts[k]! < done) continue;
        let start = runs.starts[k]!;
        let end = runs.ends[k]!;
        while (start > 0 && start > end - 9 && isPassportChar(text.charCodeAt(start - 1))) start--;
        while (end < text.length && end - start <= 9 && isPassportChar(text.charCodeAt(end))) end++;
        done = end;
        const n = end - start;
        if (n < 7 || n > 9 || isAlnumAt(text, start - 1) || isAlnumAt(text, end) || text[end] === "<" || text[start - 1] === "<") continue;
        const score = shapeScore(text.slice(start, end));
        if (score === 0 || partOfLongerNumber(text, start, end) || contextNear(text, start, end, PASSPORT_WORD) === "none") continue;
        emit({ type: "PASSPORT", start, end, score });
      }
      if (!text.includes("<<")) return;
      findMrz(text, emit);
    },
  };
}

function shapeScore(token: string): number {
  for (const [shape, score] of SHAPES) if (shape.test(token)) return score;
  return 0;
}

/** "12 345678901", "12345678-9": a digit group of a longer number, not a passport. */
function partOfLongerNumber(text: string, start: number, end: number): boolean {
  return (joiner(text[start - 1]) && digitChar(text[start - 2])) || (joiner(text[end]) && digitChar(text[end + 1]));
}
const joiner = (c: string | undefined) => c === " " || c === "-" || c === "." || c === "/" || c === ",";
const digitChar = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

function findMrz(text: string, emit: (c: Candidate) => void): void {
  const standalone = (start: number, end: number) => !/[A-Z0-9<]/.test(text[start - 1] ?? " ") && !/[A-Z0-9<]/.test(text[end] ?? " ");
  MRZ_NAME.lastIndex = 0;
  for (let m = MRZ_NAME.exec(text); m; m = MRZ_NAME.exec(text)) {
    const start = m.index;
    const end = start + 44;
    if (standalone(start, end) && m[0].includes("<<")) emit({ type: "PASSPORT", start, end, score: 0.9 });
  }
  MRZ_DATA.lastIndex = 0;
  for (let m = MRZ_DATA.exec(text); m; m = MRZ_DATA.exec(text)) {
    const start = m.index;
    const end = start + 44;
    if (!standalone(start, end)) continue;
    const score = mrzDataScore(m[0]);
    if (score > 0) emit({ type: "PASSPORT", start, end, score });
  }
}

/** ICAO 9303 check digit: weights 7, 3, 1; '<' is 0, A–Z are 10–35. */
export function mrzCheck(s: string): number {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c === 60 ? 0 : c <= 57 ? c - 48 : c - 55;
    sum += v * weights[i % 3]!;
  }
  return sum % 10;
}

/** 1 when every check digit of a TD3 second line passes, 0.6 when only the document number's does, else 0. */
export function mrzDataScore(line: string): number {
  const digit = (i: number) => (line[i] === "<" ? 0 : line.charCodeAt(i) - 48);
  if (mrzCheck(line.slice(0, 9)) !== digit(9)) return 0;
  const composite = line.slice(0, 10) + line.slice(13, 20) + line.slice(21, 43);
  const all = mrzCheck(line.slice(13, 19)) === digit(19) && mrzCheck(line.slice(21, 27)) === digit(27) && mrzCheck(composite) === digit(43);
  return all ? 1 : 0.6;
}
