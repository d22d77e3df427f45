// UK National Insurance numbers: two prefix letters (HMRC's excluded letters and pairs
// rejected), six digits (optionally in spaced pairs), suffix A–D. No check digit, but the
// shape is distinctive: upper case alone reaches the threshold (Presidio scores it 0.5),
// lower or mixed case needs "national insurance", "ni number" or "nino" nearby.
import { findDigitRuns, groupsAt, type RunsOf } from "./digit-runs.ts";
import { isAlnumAt } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

const FIRST = /^[A-CEGHJ-PR-TW-Z]$/i;
const SECOND = /^[A-CEGHJ-NPR-TW-Z]$/i;
const NEVER_ISSUED = new Set(["BG", "GB", "NK", "KN", "NT", "TN", "ZZ"]);
const isSuffix = (ch: string | undefined) => ch !== undefined && "ABCDabcd".includes(ch);

export function ukNinoRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "uk-nino",
    types: ["UK_NINO"],
    context: ["national insurance", "national insurance number", "ni number", "ni no", "nino", "nin", "insurance number"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const s = runs.starts[k]!;
        const len = runs.ends[k]! - s;
        let digitsEnd: number;
        if (len === 6) digitsEnd = s + 6;
        else if (len === 2 && groupsAt(runs, k, [2, 2, 2], " ") !== undefined) digitsEnd = runs.ends[k + 2]!;
        else continue;
        // the two letters, right before the digits or one space before
        const p = text[s - 1] === " " ? s - 3 : s - 2;
        if (p < 0 || !FIRST.test(text[p]!) || !SECOND.test(text[p + 1]!)) continue;
        const end = isSuffix(text[digitsEnd]) ? digitsEnd + 1 : text[digitsEnd] === " " && isSuffix(text[digitsEnd + 1]) ? digitsEnd + 2 : -1;
        if (end < 0 || isAlnumAt(text, p - 1) || isAlnumAt(text, end)) continue;
        const value = text.slice(p, end);
        const upper = value.toUpperCase();
        if (NEVER_ISSUED.has(upper.slice(0, 2))) continue;
        emit({ type: "UK_NINO", start: p, end, score: value === upper ? 0.5 : 0.3 });
      }
    },
  };
}
