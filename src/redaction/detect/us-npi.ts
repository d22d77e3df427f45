// US National Provider Identifier: 10 digits starting 1 or 2, Luhn over "80840" + the
// number. It identifies a clinician or practice and is public, but in a patient record it
// points to one. A tenth of 10-digit numbers starting 1–2 pass (US phones among them), so
// it needs "NPI" or "provider" nearby.
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { isolated, luhnValid } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

export const npiValid = (d: string): boolean => /^[12]\d{9}$/.test(d) && luhnValid("80840" + d);

export function npiRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "us-npi",
    types: ["MEDICAL_ID"],
    context: ["npi", "national provider identifier", "provider id", "provider number", "provider"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const end = runs.ends[k]!;
        if (end - start === 10 && isolated(text, start, end) && npiValid(text.slice(start, end))) emit({ type: "MEDICAL_ID", start, end, score: 0.3 });
      }
    },
  };
}
