// US Social Security numbers, after Presidio's UsSsnRecognizer: grouped ddd-dd-dddd or
// ddd dd dddd alone at 0.5, dotted lower, a bare 9-digit run only with context; values
// the SSA never issues (area 000/666/9xx, group 00, serial 0000) and published fakes dropped.
import { findDigitRuns, groupsAt, type RunsOf } from "./digit-runs.ts";
import { allSame, isolated } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

/** Numbers printed on sample cards and in advertising (078-05-1120, 219-09-9999, 987-65-432x). */
const FAKES = new Set(["078051120", "219099999", "123456789", "457555462"]);

export function ssnValid(d: string): boolean {
  const area = Number(d.slice(0, 3));
  if (area === 0 || area === 666 || area >= 900) return false;
  if (d.slice(3, 5) === "00" || d.slice(5) === "0000") return false;
  if (FAKES.has(d) || d.startsWith("98765432") || allSame(d)) return false;
  return true;
}

export function usSsnRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "us-ssn",
    types: ["US_SSN"],
    context: ["ssn", "ssns", "social security", "social security number", "social security no", "ss number", "ssa"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const len = runs.ends[k]! - start;
        let end: number;
        let score: number;
        if (len === 9) {
          end = start + 9;
          score = 0.15; // nine bare digits: only "ssn" or "social security" nearby makes it one
        } else if (len === 3) {
          // ddd-dd-dddd / ddd dd dddd: the SSN's own grouping; dotted is rarer; mixed delimiters are no SSN
          const sep = groupsAt(runs, k, [3, 2, 4], "- .");
          if (sep === undefined) continue;
          end = runs.ends[k + 2]!;
          score = sep === "." ? 0.4 : 0.5;
        } else continue;
        if (!isolated(text, start, end)) continue;
        const d = len === 9 ? text.slice(start, end) : text.slice(start, start + 3) + text.slice(start + 4, start + 6) + text.slice(start + 7, end);
        if (ssnValid(d)) emit({ type: "US_SSN", start, end, score });
      }
    },
  };
}
