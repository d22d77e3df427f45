// Dutch citizen service number (BSN, formerly sofinummer): 9 digits passing the 11-proof
// (weights 9..2 and −1). About one random 9-digit number in eleven passes, so a BSN alone
// stays below the threshold whatever its grouping: it needs "bsn", "burgerservicenummer",
// "sofinummer" or similar nearby.
import { findDigitRuns, groupsAt, type RunsOf } from "./digit-runs.ts";
import { allSame, digitAt, isolated } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

export function bsnValid(d: string): boolean {
  if (d.length !== 9 || d.startsWith("00") || allSame(d)) return false;
  let sum = -digitAt(d, 8);
  for (let i = 0; i < 8; i++) sum += (9 - i) * digitAt(d, i);
  return sum % 11 === 0;
}

export function bsnRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "national-id-nl",
    types: ["NATIONAL_ID"],
    context: ["bsn", "bsn-nummer", "burgerservicenummer", "sofinummer", "sofi-nummer", "sofi", "persoonsnummer", "citizen service number"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const len = runs.ends[k]! - start;
        // 123456782, 123.456.782, 123 456 782, 1234.56.782
        const groups = len === 9 ? 1 : (len === 3 && groupsAt(runs, k, [3, 3, 3], ". ") !== undefined) || (len === 4 && groupsAt(runs, k, [4, 2, 3], ". ") !== undefined) ? 3 : 0;
        if (groups === 0) continue;
        const end = runs.ends[k + groups - 1]!;
        if (!isolated(text, start, end)) continue;
        const d = groups === 1 ? text.slice(start, end) : text.slice(start, end).replace(/[. ]/g, "");
        if (bsnValid(d)) emit({ type: "NATIONAL_ID", start, end, score: 0.3 });
      }
    },
  };
}
