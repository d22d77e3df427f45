// French social security number (NIR, numéro de sécurité sociale / INSEE): sex, year,
// month, department (2A/2B for Corsica), commune, order number, then a 2-digit key
// 97 − (n mod 97) (Corsica counted as 19 / 18). Fifteen characters with this structure and
// a mod-97 key are distinctive: a valid NIR scores 1 alone, grouped or not. Temporary and
// foreign-born numbers (sex 3, 4, 7, 8) and pseudo-months (20–42, 50–99) are kept lower.
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { isolated } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

/** Tried (sticky) at digit runs that can begin a NIR: grouped with spaces or not, Corsica as 2A/2B. */
const NIR = /[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}/iy;

/** 1 for a standard valid NIR, 0.6 for a valid special one, 0 when invalid. */
export function nirScore(value: string): number {
  const v = value.replaceAll(" ", "").toUpperCase();
  if (v.length !== 15) return 0;
  const month = Number(v.slice(3, 5));
  const special = month > 12 || (v[0] !== "1" && v[0] !== "2");
  if (month === 0 || (month > 12 && month < 20) || (month > 42 && month < 50)) return 0;
  const body = v.slice(0, 13).replace("2A", "19").replace("2B", "18");
  if (!/^\d{13}$/.test(body)) return 0;
  const key = 97 - (Number(body) % 97);
  if (key !== Number(v.slice(13))) return 0;
  return special ? 0.6 : 1;
}

export function nirRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "national-id-fr",
    types: ["NATIONAL_ID"],
    context: ["nir", "insee", "sécurité sociale", "securite sociale", "numéro de sécurité sociale", "sécu", "carte vitale", "ssn"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const len = runs.ends[k]! - start;
        // the first run is the sex digit alone, a partly grouped prefix, or all 13/15 digits
        if (len > 15 || (len > 7 && len !== 13 && len !== 15) || !"12478".includes(text[start]!)) continue;
        NIR.lastIndex = start;
        const m = NIR.exec(text);
        if (!m) continue;
        const end = start + m[0].length;
        if (!isolated(text, start, end)) continue;
        const score = nirScore(m[0]);
        if (score > 0) emit({ type: "NATIONAL_ID", start, end, score });
      }
    },
  };
}
