// German tax id (steuerliche Identifikationsnummer): 11 digits, the first not 0; among the
// first ten exactly one digit occurs twice or three times (three never adjacent); ISO 7064
// MOD 11,10 check digit. Random 11-digit runs pass ~0.2% of the time, still too often for
// order numbers alone: the bare run needs a context word, the official 2-3-3-3 grouping
// ("12 345 678 901") is distinctive enough to stand alone.
import { findDigitRuns, groupsAt, type RunsOf } from "./digit-runs.ts";
import { digitAt, isolated } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

export function steuerIdValid(d: string): boolean {
  if (d.length !== 11 || d[0] === "0") return false;
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[digitAt(d, i)]!++;
  let repeated = -1;
  for (let k = 0; k < 10; k++) {
    const n = counts[k]!;
    if (n === 1 || n === 0) continue;
    if (n > 3 || repeated >= 0) return false;
    repeated = k;
  }
  if (repeated < 0) return false;
  if (counts[repeated] === 3) {
    for (let i = 0; i + 2 < 10; i++) if (digitAt(d, i) === repeated && digitAt(d, i + 1) === repeated && digitAt(d, i + 2) === repeated) return false;
  }
  return mod11_10(d.slice(0, 10)) === digitAt(d, 10);
}

/** ISO 7064 MOD 11,10 check digit of a digit string. */
export function mod11_10(d: string): number {
  let product = 10;
  for (let i = 0; i < d.length; i++) {
    let sum = (digitAt(d, i) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

export function steuerIdRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "national-id-de",
    types: ["NATIONAL_ID"],
    context: [
      "steuer-id", "steuerid", "steuer-idnr", "idnr", "id-nr", "identifikationsnummer", "steueridentifikationsnummer",
      "steuer-identifikationsnummer", "steuerliche identifikationsnummer", "steuernummer", "tin", "tax id",
    ],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const len = runs.ends[k]! - start;
        const spaced = len === 2 && groupsAt(runs, k, [2, 3, 3, 3], " ") !== undefined;
        if (len !== 11 && !spaced) continue;
        const end = spaced ? runs.ends[k + 3]! : start + 11;
        if (!isolated(text, start, end)) continue;
        const d = spaced ? text.slice(start, end).replaceAll(" ", "") : text.slice(start, end);
        if (steuerIdValid(d)) emit({ type: "NATIONAL_ID", start, end, score: spaced ? 0.6 : 0.4 });
      }
    },
  };
}
