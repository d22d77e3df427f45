// Portuguese tax number (NIF, número de contribuinte): 9 digits, a first digit that
// names the holder kind (1–3 people, 5–9 companies and others, 45 non-residents), mod-11
// check digit. One random 9-digit number in eleven passes, so a NIF needs "nif",
// "contribuinte" or similar nearby.
import { findDigitRuns, groupsAt, type RunsOf } from "./digit-runs.ts";
import { allSame, digitAt, isolated } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

export function nifValid(d: string): boolean {
  if (d.length !== 9 || allSame(d)) return false;
  if (d[0] === "0" || (d[0] === "4" && d[1] !== "5")) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * digitAt(d, i);
  const r = sum % 11;
  return (r < 2 ? 0 : 11 - r) === digitAt(d, 8);
}

export function nifRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "national-id-pt",
    types: ["NATIONAL_ID"],
    context: ["nif", "nipc", "contribuinte", "número de contribuinte", "numero de contribuinte", "número fiscal", "identificação fiscal"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const len = runs.ends[k]! - start;
        const spaced = len === 3 && groupsAt(runs, k, [3, 3, 3], " ") !== undefined;
        if (len !== 9 && !spaced) continue;
        const end = spaced ? runs.ends[k + 2]! : start + 9;
        if (!isolated(text, start, end)) continue;
        const d = spaced ? text.slice(start, end).replaceAll(" ", "") : text.slice(start, end);
        if (nifValid(d)) emit({ type: "NATIONAL_ID", start, end, score: 0.3 });
      }
    },
  };
}
