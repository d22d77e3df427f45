// US Medicare Beneficiary Identifier: 11 characters in a fixed pattern of digits and
// letters (no S, L, O, I, B, Z), often printed as 4-3-4 with dashes. No check digit; the
// dashed form is distinctive enough to stand alone (0.5), the bare form needs "MBI" or
// "Medicare" nearby.
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { isAlnumAt } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

const L = "[AC-HJKMNP-RT-Y]"; // letters without S L O I B Z
const A = "[AC-HJKMNP-RT-Y0-9]";
/** Tried (sticky) at one-digit runs followed by a letter: the MBI's first character. */
const MBI = new RegExp(`[1-9]${L}${A}\\d(-?)${L}${A}\\d\\1${L}{2}\\d{2}`, "y");

export function mbiRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "us-mbi",
    types: ["MEDICAL_ID"],
    context: ["mbi", "medicare", "medicare number", "medicare beneficiary identifier", "beneficiary", "medicare id"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        if (runs.ends[k] !== start + 1) continue;
        MBI.lastIndex = start;
        const m = MBI.exec(text);
        if (!m) continue;
        const end = start + m[0].length;
        if (isAlnumAt(text, start - 1) || isAlnumAt(text, end)) continue;
        emit({ type: "MEDICAL_ID", start, end, score: m[1] ? 0.5 : 0.4 });
      }
    },
  };
}
