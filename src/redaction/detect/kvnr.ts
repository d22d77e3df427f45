// German health insurance number (Krankenversichertennummer, KVNR, on the eGK): a letter
// and nine digits, the last a check digit over the letter's two-digit position (A=01) and
// the first eight digits (weights 1-2-1-2…, products cross-summed, mod 10). One random
// letter+9-digit token in ten passes, so it needs "KVNR", "Versichertennummer" or similar
// nearby.
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { digitAt, isAlnumAt } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

export function kvnrValid(value: string): boolean {
  if (!/^[A-Z]\d{9}$/.test(value)) return false;
  const digits = String(value.charCodeAt(0) - 64).padStart(2, "0") + value.slice(1, 9);
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let p = digitAt(digits, i) * (i % 2 === 0 ? 1 : 2);
    if (p > 9) p -= 9;
    sum += p;
  }
  return sum % 10 === digitAt(value, 9);
}

export function kvnrRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "kvnr",
    types: ["MEDICAL_ID"],
    context: [
      "kvnr", "kv-nr", "kv-nummer", "krankenversichertennummer", "versichertennummer", "versicherten-nr", "versichertennr",
      "versicherungsnummer", "krankenkasse", "krankenversicherung", "gesundheitskarte", "egk", "versicherter",
    ],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]! - 1; // the letter
        const end = runs.ends[k]!;
        if (end - start !== 10 || start < 0 || isAlnumAt(text, start - 1) || isAlnumAt(text, end)) continue;
        const value = text.slice(start, end);
        if (kvnrValid(value)) emit({ type: "MEDICAL_ID", start, end, score: 0.4 });
      }
    },
  };
}
