// Polish PESEL: birth date YYMMDD (the month carries the century: +80 1800s, +20 2000s,
// +40 2100s, +60 2200s), serial, sex digit, check digit with weights 1-3-7-9. A valid date
// and a mod-10 check still pass ~2% of random 11-digit runs, so PESEL needs "pesel" nearby.
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { digitAt, isPastDate, isolated } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

const WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

export function peselValid(d: string, now?: Date): boolean {
  if (d.length !== 11) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += WEIGHTS[i]! * digitAt(d, i);
  if ((10 - (sum % 10)) % 10 !== digitAt(d, 10)) return false;
  const yy = Number(d.slice(0, 2));
  const mm = Number(d.slice(2, 4));
  const century = [1900, 2000, 2100, 2200, 1800][Math.floor(mm / 20)];
  return century !== undefined && isPastDate(century + yy, mm % 20, Number(d.slice(4, 6)), now);
}

export function peselRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "national-id-pl",
    types: ["NATIONAL_ID"],
    context: ["pesel", "numer pesel", "nr pesel"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const end = runs.ends[k]!;
        if (end - start === 11 && isolated(text, start, end) && peselValid(text.slice(start, end))) emit({ type: "NATIONAL_ID", start, end, score: 0.4 });
      }
    },
  };
}
