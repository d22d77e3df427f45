// Medical record and patient numbers ("MRN: 123456", "Patienten-ID 4711-22", "n° de
// dossier 2023-0815"): hospital-specific formats with no shape of their own, so a value is
// reported only when a record label (nine languages) directly precedes it — then it
// scores 0.6 alone. Unlabelled numbers are never medical ids here.
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { isAlnumAt } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

/** A record number: an optional short letter prefix, 4–16 digits (in space-separated groups or not), an optional dashed suffix. */
const PREFIX = /(?:^|[^A-Za-z0-9])([A-Z]{1,4}-?)$/;

/** Labels, normalised (lower case, punctuation as single spaces). */
const LABELS = [
  "mrn", "medical record", "medical record number", "patient id", "patient number", "patient no", "patient",
  "hospital number", "hospital no", "health record", "chart number", "record number",
  "patientennummer", "patienten id", "patienten nr", "patientenid", "fallnummer", "fall nr", "krankenakte", "aktennummer",
  "dossier médical", "numéro de dossier", "n de dossier", "dossier patient", "ipp", "numéro patient", "n patient", "identifiant patient",
  "historia clínica", "historia clinica", "nhc", "número de historia", "número de paciente", "numero de paciente", "id paciente",
  "cartella clinica", "numero paziente", "id paziente", "codice paziente",
  "patiëntnummer", "patientnummer", "patiënt id", "dossiernummer", "medisch dossier",
  "numer pacjenta", "nr pacjenta", "id pacjenta", "numer historii choroby", "historia choroby",
  "número de processo", "numero de processo", "processo clínico", "número de utente", "numero de utente", "n utente", "utente",
  "journalnummer", "patient nr", "patientid",
  "member id", "member number", "subscriber id", "insurance id", "health insurance number",
];
const LABEL_SET = new Set(LABELS);
const LONGEST_LABEL = Math.max(...LABELS.map((l) => l.length));
/** What may sit between a label and its value: "no", "nr", "#", "n°", "number" and punctuation. */
const TRAILERS = new Set(["no", "nr", "number", "nummer", "num", "n", "nº", "numéro", "número", "numero", "numer", "id"]);
/** The last word of every label but its trailers: the cheap first test on the word before a number. */
const LAST_WORDS = new Set(LABELS.map((l) => l.split(" ").filter((w) => !TRAILERS.has(w)).pop()!));

/** Whether PREFIX can match right before s: an upper-case ASCII letter there, or '-' after one. */
function mayEndPrefix(text: string, s: number): boolean {
  let c = text.charCodeAt(s - 1);
  if (c === 45) c = text.charCodeAt(s - 2);
  return c >= 65 && c <= 90;
}

const isLetterCode = (c: number) => ((c | 32) >= 97 && (c | 32) <= 122) || c > 127;

/**
 * The lower-cased word before `pos`, past punctuation and the trailers ("no", "nr", "#" …)
 * that may sit between a label and its value; "" when there is none close by.
 */
function wordBefore(text: string, pos: number): string {
  let i = pos;
  for (let tries = 0; tries < 3; tries++) {
    const stop = Math.max(0, i - 4);
    while (i > stop && !isLetterCode(text.charCodeAt(i - 1))) i--;
    const end = i;
    while (i > 0 && end - i < 24 && isLetterCode(text.charCodeAt(i - 1))) i--;
    if (i === end) return "";
    const word = text.slice(i, end).toLowerCase();
    if (!TRAILERS.has(word)) return word;
  }
  return "";
}

/** Whether the text just before `start` ends with a record label. */
export function labelledBefore(text: string, start: number): boolean {
  const words = text
    .slice(Math.max(0, start - LONGEST_LABEL - 16), start)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .split(" ");
  // the label with its own trailer ("hospital number"), or a label, trailers, value ("MRN no. 123")
  for (let popped = 0; popped <= 2; popped++) {
    for (let n = 1; n <= 4 && n <= words.length; n++) {
      if (LABEL_SET.has(words.slice(words.length - n).join(" "))) return true;
    }
    if (words.length === 0 || !TRAILERS.has(words[words.length - 1]!)) return false;
    words.pop();
  }
  return false;
}

export function medicalRecordNumberRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "medical-record-number",
    types: ["MEDICAL_ID"],
    find(text, emit) {
      const runs = runsOf(text);
      for (let k = 0; k < runs.count; k++) {
        const s = runs.starts[k]!;
        let end = runs.ends[k]!;
        let len = end - s;
        // groups of two or more digits joined by single spaces: 284 917 365
        while (len >= 2 && k + 1 < runs.count && runs.starts[k + 1] === end + 1 && text[end] === " " && runs.ends[k + 1]! - end - 1 >= 2 && len < 16) {
          k++;
          len += runs.ends[k]! - runs.starts[k]!;
          end = runs.ends[k]!;
        }
        if (len < 4 || len > 16) continue;
        // a dashed suffix: 4711-22, 2023/0815
        if ((text[end] === "-" || text[end] === "/") && runs.starts[k + 1] === end + 1 && runs.ends[k + 1]! - end - 1 <= 6) end = runs.ends[++k]!;
        // (only an upper-case letter, or '-' after one, can end a prefix: most numbers have none)
        const prefix = mayEndPrefix(text, s) ? PREFIX.exec(text.slice(Math.max(0, s - 6), s)) : null;
        // a letter prefix (AB-12345) is part of the value, unless it is the label itself (MRN-12345)
        const start = prefix && !LABEL_SET.has(prefix[1]!.replace("-", "").toLowerCase()) ? s - prefix[1]!.length : s;
        if (isAlnumAt(text, start - 1) || isAlnumAt(text, end)) continue;
        if (LAST_WORDS.has(wordBefore(text, start)) && labelledBefore(text, start)) {
          emit({ type: "MEDICAL_ID", start, end, score: 0.6 });
        }
      }
    },
  };
}
