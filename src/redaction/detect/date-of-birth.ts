// Dates of birth: a real calendar date in the past, written numerically (12.03.1985,
// 03/12/85, 1985-03-12) or with the month spelled out in one of the nine languages
// ("12 March 1985", "March 12, 1985", "12. März 1985", "12 de marzo de 1985", "12 marca
// 1985"). A date alone is not personal (deadlines, timestamps), so every date scores 0.2
// and only a birth word nearby ("born", "DOB", "geboren", "née le", "data urodzenia" …)
// lifts it over the threshold. Dates with no such word around are not even emitted
// (context-gate.ts): prompts are full of dates, and nothing could raise them. A written date
// cut off by the end of the text ("née le 12 mars") is reported too, too low to redact, so
// that a stream holds it back until the year arrives.
import { contextNear, contextWords } from "./context-gate.ts";
import { findDigitRuns, type DigitRuns, type RunsOf } from "./digit-runs.ts";
import { isAlnumAt, isPastDate, pastCentury } from "./id-checks.ts";
import type { Candidate, Recognizer } from "./types.ts";

const BASE_SCORE = 0.2;
/**
 * "ur. 17 maja 1986", "geb. 12.03.1985", "nac. 12/03/1985", "nasc. 12/03/1985": the
 * abbreviation right before the date says birth, with its dot (Swedish "ur" — "out of" —
 * has none, so it is not a context word).
 */
const ABBREVIATED = /(?:^|[^\p{L}])(?:ur|geb|nac|nasc)\.\s?$/iu;
const ABBREVIATED_SCORE = 0.6;
const MIN_YEAR = 1880;

/** Spelled-out months (and common abbreviations) of en, de, fr, es, it, nl, pl, pt, sv. */
const MONTH_NAMES: readonly (readonly string[])[] = [
  ["january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "januari", "stycznia", "styczeń", "styczen", "sty", "janeiro"],
  ["february", "feb", "februar", "feber", "février", "fevrier", "févr", "fevr", "febrero", "febbraio", "februari", "lutego", "luty", "lut", "fevereiro", "fev"],
  ["march", "mar", "märz", "maerz", "mär", "mars", "marzo", "maart", "mrt", "marca", "marzec", "março", "marco"],
  ["april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień", "kwi"],
  ["may", "mai", "mayo", "maggio", "mag", "mei", "maja", "maj", "maio"],
  ["june", "jun", "juni", "juin", "junio", "giugno", "giu", "czerwca", "czerwiec", "cze", "junho"],
  ["july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "lipca", "lipiec", "lip", "julho"],
  ["august", "aug", "août", "aout", "agosto", "ago", "augustus", "sierpnia", "sierpień", "sie", "augusti"],
  ["september", "sep", "sept", "septembre", "septiembre", "setiembre", "settembre", "set", "września", "wrzesień", "wrz", "setembro"],
  ["october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "października", "październik", "paź", "outubro", "out"],
  ["november", "nov", "novembre", "noviembre", "listopada", "listopad", "lis", "novembro"],
  ["december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre", "grudnia", "grudzień", "gru", "dezembro"],
];
const MONTHS = new Map<string, number>(MONTH_NAMES.flatMap((names, i) => names.map((n) => [n, i + 1] as const)));

// Each pattern is tried (sticky) at a digit run that can begin it: the day (or year) first.
/** 12.03.1985, 12/3/85, 1985-03-12, 1985/3/12 (the separator repeated). */
const NUMERIC = /(\d{1,4})([./-])(\d{1,2})\2(\d{2,4})/y;
/** 12 March 1985, 12. März 1985, 1er mars 1985, 12 de marzo de 1985, 12th of March, 1985 (Latin letters incl. accents). */
const DAY_MONTH_YEAR = /(\d{1,2})(?:st|nd|rd|th|er|º|°|\.)?[ \u00a0]?(?:de |of )?([A-Za-z\u00c0-\u024f]{3,12})\.?,?[ \u00a0](?:de |del )?(\d{4})/y;
/** The day and year of "March 12, 1985" / "March 12th 1985"; the month is read before it. */
const DAY_YEAR = /(\d{1,2})(?:st|nd|rd|th)?,?[ \u00a0](\d{4})/y;
const MONTH_BEFORE = /([A-Za-z\u00c0-\u024f]{3,12})\.?[ \u00a0]$/;

/** Birth words of the nine languages (lower case; phrases match across punctuation). */
const CONTEXT: readonly string[] = [
  "born", "birth", "date of birth", "dob", "d o b", "birthday", "birthdate",
  "geboren", "geb", "geburtsdatum", "geburtstag", "geburtsdat",
  "né", "née", "naissance", "date de naissance", "anniversaire",
  "nacido", "nacida", "nacimiento", "fecha de nacimiento", "f nac", "cumpleaños",
  "nato", "nata", "nascita", "data di nascita", "compleanno",
  "geboren op", "geboortedatum", "geb datum", "verjaardag",
  "urodzony", "urodzona", "urodzenia", "data urodzenia", "urodziny",
  "nascido", "nascida", "nascimento", "data de nascimento", "aniversário",
  "född", "född den", "födelsedatum", "födelsedag",
];
const BIRTH_WORD = contextWords(CONTEXT);

export function dateOfBirthRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "date-of-birth",
    types: ["DATE_OF_BIRTH"],
    context: CONTEXT,
    find(text, emit) {
      const runs = runsOf(text);
      if (runs.count === 0) return;
      const now = new Date();

      for (let k = 0; k < runs.count; k++) {
        const s = runs.starts[k]!;
        const len = runs.ends[k]! - s;
        if (len > 4 || len === 3) continue;
        const next = text[s + len];
        if (next === "." || next === "/" || next === "-") {
          NUMERIC.lastIndex = s;
          const m = NUMERIC.exec(text);
          const end = m ? s + m[0].length : 0;
          if (m && edges(text, s, end) && !/^[Tt]\d/.test(text.slice(end, end + 2)) && numericDateValid(m[1]!, m[3]!, m[4]!, now)) report(text, s, end, emit);
        }
        // written dates end in a four-digit year a month name away: the next run tells
        const yearAt = k + 1 < runs.count && runs.ends[k + 1]! - runs.starts[k + 1]! === 4 ? runs.starts[k + 1]! - s - len : -1;
        if (len > 2 || yearAt < 1 || yearAt > 28) continue;
        DAY_MONTH_YEAR.lastIndex = s;
        const w = yearAt > 4 && next !== "/" && next !== "-" ? DAY_MONTH_YEAR.exec(text) : null;
        if (w) {
          const month = MONTHS.get(w[2]!.toLowerCase());
          const end = s + w[0].length;
          const year = Number(w[3]);
          if (month !== undefined && edges(text, s, end) && year >= MIN_YEAR && isPastDate(year, month, Number(w[1]), now)) report(text, s, end, emit);
          continue;
        }
        // March 12, 1985: a month word, a space, then the day
        if (yearAt > 5 || (text[s - 1] !== " " && text[s - 1] !== "\u00a0")) continue;
        DAY_YEAR.lastIndex = s;
        const d = DAY_YEAR.exec(text);
        if (!d) continue;
        const before = MONTH_BEFORE.exec(text.slice(Math.max(0, s - 14), s));
        const month = before ? MONTHS.get(before[1]!.toLowerCase()) : undefined;
        const start = s - (before?.[0].length ?? 0);
        const end = s + d[0].length;
        const year = Number(d[2]);
        if (month !== undefined && edges(text, start, end) && year >= MIN_YEAR && isPastDate(year, month, Number(d[1]), now)) report(text, start, end, emit);
      }
      const partial = unfinishedDate(text, runs);
      if (partial >= 0) emit({ type: "DATE_OF_BIRTH", start: partial, end: text.length, score: UNFINISHED_SCORE });
    },
  };
}

/** Emits a date at text[start, end) when a birth word (or a birth abbreviation right before) says it is one. */
function report(text: string, start: number, end: number, emit: (c: Candidate) => void): void {
  if (ABBREVIATED.test(text.slice(Math.max(0, start - 6), start))) emit({ type: "DATE_OF_BIRTH", start, end, score: ABBREVIATED_SCORE });
  else if (contextNear(text, start, end, BIRTH_WORD) !== "none") emit({ type: "DATE_OF_BIRTH", start, end, score: BASE_SCORE });
}

/**
 * Below the combiner's floor minus its boost: a date still being written at the end of a
 * streamed text ("née le 12 mars", "born March 12, 19") is reported so that the stream holds
 * it back until the year arrives, and is never redacted as it stands.
 */
const UNFINISHED_SCORE = 0.1;
const ALL_MONTH_NAMES = [...MONTHS.keys()];
const CONNECTORS = ["de", "del", "of"];
const isPrefixOf = (w: string, names: readonly string[]) => names.some((n) => n.startsWith(w));
/** After the day: suffix, then optional connector, word (maybe cut short), punctuation, connector, year digits so far. */
const DAY_FIRST_TAIL = /^(?:st|nd|rd|th|er|º|°|\.)?(?:[ \u00a0]+(?:(de|of)[ \u00a0]+)?([A-Za-z\u00c0-\u024f]{0,12})(\.?,?(?:[ \u00a0]+(?:d(?:el?)?(?:[ \u00a0]+|$))?\d{0,3})?)?)?$/;
const MONTH_FIRST_TAIL = /^(?:st|nd|rd|th)?,?(?:[ \u00a0]+\d{0,3})?$/;

const earliest = (a: number, b: number) => (a < 0 ? b : Math.min(a, b));

/** Where a written date that the end of the text cuts short begins (the earliest reading), or -1. */
function unfinishedDate(text: string, runs: DigitRuns): number {
  let found = -1;
  // the day is one of the last two runs ("12 mars", "12 mars 19")
  for (let k = runs.count - 1; k >= 0 && k >= runs.count - 2; k--) {
    const s = runs.starts[k]!;
    const e = runs.ends[k]!;
    if (text.length - e > 32) break;
    if (e - s > 2 || isAlnumAt(text, s - 1)) continue;
    const rest = text.slice(e);
    const m = DAY_FIRST_TAIL.exec(rest);
    if (m && /\p{L}|\s/u.test(rest)) {
      const word = (m[2] ?? "").toLowerCase();
      const complete = m[3] !== undefined && m[3] !== ""; // something follows the month word: it must be whole
      if (complete ? MONTHS.has(word) : word === "" || isPrefixOf(word, ALL_MONTH_NAMES) || (m[1] === undefined && isPrefixOf(word, CONNECTORS))) found = earliest(found, s);
    }
    if (MONTH_FIRST_TAIL.test(rest)) {
      const before = MONTH_BEFORE.exec(text.slice(Math.max(0, s - 14), s));
      if (before && MONTHS.has(before[1]!.toLowerCase())) found = earliest(found, s - before[0].length);
    }
  }
  return found;
}

/** No letter or digit on either side, and not one part of a longer dotted/dashed number. */
function edges(text: string, start: number, end: number): boolean {
  if (isAlnumAt(text, start - 1) || isAlnumAt(text, end)) return false;
  const prev = text[start - 1];
  const next = text[end];
  if ((prev === "." || prev === "-" || prev === "/") && isAlnumAt(text, start - 2)) return false;
  if ((next === "." || next === "-" || next === "/" || next === ":") && isAlnumAt(text, end + 1)) return false;
  return true;
}

/**
 * Whether a numeric date is a real past date: y-m-d when the first part has four digits,
 * else day-month-year or month-day-year (either reading will do), a two-digit year being
 * the most recent such year that is not in the future.
 */
export function numericDateValid(a: string, b: string, c: string, now: Date = new Date()): boolean {
  if (a.length === 4) return c.length <= 2 && Number(a) >= MIN_YEAR && isPastDate(Number(a), Number(b), Number(c), now);
  if (a.length > 2 || c.length === 3) return false;
  const year = c.length === 2 ? pastCentury(Number(c), now) : Number(c);
  if (year < MIN_YEAR) return false;
  return isPastDate(year, Number(b), Number(a), now) || isPastDate(year, Number(a), Number(b), now);
}
