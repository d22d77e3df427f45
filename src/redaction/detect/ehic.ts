// European Health Insurance Card numbers (and cards built on the same ISO 7812 numbering,
// such as the Italian tessera sanitaria): 20 digits, "80" (health) + the issuing country's
// ISO 3166 numeric code + the card serial. The prefix narrows it, but 20-digit numbers are
// also bank and invoice references, so it needs an EHIC / health-card word nearby.
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { isolated } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

/** Tried (sticky) at digit runs starting "80": 20 digits, grouped with spaces or not. */
const EHIC = /80(?: ?\d){18}/y;

/** ISO 3166 numeric codes of the EHIC countries (EU, EEA, Switzerland, UK). */
const COUNTRIES = new Set([
  "040", "056", "100", "191", "196", "203", "208", "233", "246", "250", "276", "300", "348", "352", "372", "380", "428",
  "438", "440", "442", "470", "528", "578", "616", "620", "642", "703", "705", "724", "752", "756", "826",
]);

export const ehicValid = (d: string): boolean => d.length === 20 && d.startsWith("80") && COUNTRIES.has(d.slice(2, 5));

export function ehicRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "ehic",
    types: ["MEDICAL_ID"],
    context: [
      "ehic", "ghic", "european health insurance card", "health insurance card", "health card",
      "ekvk", "krankenversicherungskarte", "versichertenkarte", "ceam", "carte européenne", "assurance maladie",
      "tse", "tarjeta sanitaria", "tessera sanitaria", "tessera", "ziekteverzekeringskaart", "zorgpas",
      "ekuz", "karta ubezpieczenia", "cesd", "cartão europeu", "seguro de doença", "sjukförsäkringskort", "sjukförsäkringskortet",
    ],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const start = runs.starts[k]!;
        const len = runs.ends[k]! - start;
        if (len < 2 || len > 20 || text[start] !== "8" || text[start + 1] !== "0") continue;
        EHIC.lastIndex = start;
        const m = EHIC.exec(text);
        if (!m) continue;
        const end = start + m[0].length;
        if (!isolated(text, start, end)) continue;
        const d = m[0].replaceAll(" ", "");
        if (ehicValid(d)) emit({ type: "MEDICAL_ID", start, end, score: 0.3 });
      }
    },
  };
}
