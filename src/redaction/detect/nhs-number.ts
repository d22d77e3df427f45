// UK NHS numbers (and Scotland's CHI numbers, same check): 10 digits, usually written
// 3-3-4, mod-11 check digit (weights 10..2; a remainder giving 10 is never issued). One
// random 10-digit number in eleven passes, and 3-3-4 is also how US phones are written, so
// an NHS number needs "NHS" (or "CHI", "patient") nearby: 0.4 grouped, 0.3 bare.
import { findDigitRuns, groupsAt, type RunsOf } from "./digit-runs.ts";
import { allSame, digitAt, isolated } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

export function nhsNumberValid(d: string): boolean {
  if (d.length !== 10 || allSame(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (10 - i) * digitAt(d, i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === digitAt(d, 9);
}

export function nhsNumberRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "nhs-number",
    types: ["MEDICAL_ID"],
    context: ["nhs", "nhs number", "nhs no", "nhs-nummer", "chi", "chi number", "health service", "patient", "hospital number"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const len = runs.ends[k]! - start;
        const sep = len === 10 ? "" : len === 3 ? groupsAt(runs, k, [3, 3, 4], "- ") : undefined;
        if (sep === undefined) continue;
        const end = sep ? runs.ends[k + 2]! : start + 10;
        if (!isolated(text, start, end)) continue;
        const d = sep ? text.slice(start, end).replaceAll(sep, "") : text.slice(start, end);
        if (nhsNumberValid(d)) emit({ type: "MEDICAL_ID", start, end, score: sep ? 0.4 : 0.3 });
      }
    },
  };
}
