// LOCATION without a model: gazetteer places (cities, regions, countries; multi-word and local
// spellings), raised by prepositions and residence phrases before them (in, aus, à, desde, uit,
// w, em, från; "lives in", "wohnt in") and lowered when the word after makes them part of a
// product, event or cloud region (Frankfurt region, Paris Agreement); unknown capitalised words
// after a residence phrase or a place label; street addresses and postcodes (address.ts). Pieces
// of one address (street, postcode and town, country) are merged into one span.
//
// Countries count: a country in a prompt is usually where someone is, lives or comes from,
// and a gazetteer hit is what we can check without a model. A place that is also a common
// word or mostly a given name (Nice, Essen, Florence) only counts after a place cue.
import type { Piece } from "./address.ts";
import * as address_ from "./address.ts";
import * as lexicon_ from "./lexicon.ts";
import * as name_cues_ from "./name-cues.ts";
import type { NameDoc } from "./name-doc.ts";
import * as place_lookup_ from "./place-lookup.ts";
import * as tokens_ from "./tokens.ts";

// Imported bindings can compile to getter calls (tsx loading these files as CommonJS, test
// transforms); the hot loops use module-local copies, read once here.
const { CAP, F_SENT, LOWER } = tokens_;
const { P_AMBIGUOUS, P_COUNTRY, P_KIND, placeOfWord, W_COMMON, W_DENY, W_FIRST, W_PLACE } = lexicon_;
const { cueSet, PLACE_LABELS, PLACE_NEGATIVE_AFTER, PLACE_PREPS, PLACE_PREPS_WEAK, RESIDENCE } = name_cues_;
const { findAddresses, POSTAL, STREET } = address_;
const { placeAt } = place_lookup_;

export const MIN_LOCATION_SCORE = 0.3;
const MAX_SCORE = 0.95;
const PLACE = 3;
const TOWN_CONNECTORS = cueSet("am|an|der|im|sur|en|de|la|aan|den|upon|on|del|di");

interface Found {
  start: number;
  end: number;
  score: number;
  kind: number; // STREET, POSTAL or PLACE
  country: boolean;
}

export function findLocations(doc: NameDoc, emit: (start: number, end: number, score: number) => void): void {
  const found: Found[] = findAddresses(doc).map((p: Piece): Found => ({ start: p.start, end: p.end, score: p.score, kind: p.kind, country: false }));
  const taken = found.slice();
  const { t } = doc;
  const { caps, nCaps } = t;
  let next = 0; // the first token not yet inside a place
  let tk = 0; // the first address piece that does not end before the current token (pieces are in text order)
  for (let c = 0; c < nCaps; c++) {
    const i = caps[c]!;
    if (i < next || doc.glued(i)) continue;
    const at = t.start[i]!;
    while (tk < taken.length && taken[tk]!.end <= at) tk++;
    if (inside(taken, at, tk)) continue; // part of an address
    const f = placeHere(doc, i);
    if (f) {
      found.push(f.found);
      next = f.next;
    }
  }
  sortByStart(found);
  for (const f of merge(doc.text, found)) if (f.score >= MIN_LOCATION_SCORE) emit(f.start, f.end, Math.min(MAX_SCORE, f.score));
}

/** Sorts by start, stably (what found.sort((a, b) => a.start - b.start) does, without its work arrays: a text has a few). */
function sortByStart(found: Found[]): void {
  for (let i = 1; i < found.length; i++) {
    const f = found[i]!;
    let j = i;
    while (j > 0 && found[j - 1]!.start > f.start) {
      found[j] = found[j - 1]!;
      j--;
    }
    found[j] = f;
  }
}

/** Whether offset x is inside one of spans[from…] (pieces can overlap a little; a few are looked at past the first). */
function inside(spans: readonly Found[], x: number, from: number): boolean {
  for (let k = from; k < spans.length && spans[k]!.start <= x; k++) if (x < spans[k]!.end) return true;
  return false;
}

/** A gazetteer place, or an unknown capitalised word after a residence phrase or place label, at token i. */
function placeHere(doc: NameDoc, i: number): { found: Found; next: number } | undefined {
  const { t, lex } = doc;
  // the lists a word is in, from the one look-up (lex.common.has(h) is (bits & W_COMMON) !== 0, and so on)
  const bits = lex.word.getOr(t.hash[i]!, 0);
  const hit = (bits & W_PLACE) !== 0 || (i > 0 && t.kind[i - 1] === LOWER) ? placeAt(doc, i) : undefined;
  if (!hit && !(i > 0 && (RESIDENCE.last.has(t.hash[i - 1]!) || PLACE_LABELS.last.has(t.hash[i - 1]!)))) return undefined;
  const before = cueBefore(doc, i);
  if (hit) {
    const kind = hit.flags & P_KIND;
    const ambiguous = (hit.flags & P_AMBIGUOUS) !== 0 || ((t.flags[i]! & F_SENT) !== 0 && (bits & W_COMMON) !== 0);
    let score = ambiguous ? 0.3 : kind === P_COUNTRY ? 0.55 : 0.6;
    if (!ambiguous && hit.last === i && (bits & W_FIRST) !== 0) score -= 0.05; // India, Santiago
    if (ambiguous && before.strength < 0.25) score = Math.min(score, 0.2);
    score += before.strength;
    score -= negativeAfter(doc, hit.last);
    return { found: { start: t.start[i]!, end: doc.coreEnd(hit.last), score, kind: PLACE, country: kind === P_COUNTRY }, next: hit.last + 1 };
  }
  if (before.residence) {
    // "wohnt in Kleinmachnow", "Wohnort: Bad Vilbel": capitalised words that are not common words
    // a common first word only before a name word (Bad Vilbel, Saint-Ouen is one token anyway)
    if ((bits & W_DENY) !== 0) return undefined;
    if ((bits & W_COMMON) !== 0 && !(i + 1 < t.n && t.kind[i + 1] === CAP && doc.spaced(i + 1) && (lex.word.getOr(t.hash[i + 1]!, 0) & W_COMMON) === 0)) return undefined;
    let last = i;
    while (last + 1 < t.n && last - i < 3 && doc.spaced(last + 1) && !doc.glued(last + 1)) {
      if (t.kind[last + 1] === CAP && (lex.word.getOr(t.hash[last + 1]!, 0) & W_COMMON) === 0) last++;
      else if (t.kind[last + 1] === LOWER && last + 2 < t.n && t.kind[last + 2] === CAP && doc.spaced(last + 2) && doc.is(last + 1, TOWN_CONNECTORS)) last += 2;
      else break;
    }
    return { found: { start: t.start[i]!, end: doc.coreEnd(last), score: 0.2 + before.strength, kind: PLACE, country: false }, next: last + 1 };
  }
  return undefined;
}

/** What the words before a place can say (shared, never changed). */
interface Cue {
  readonly strength: number;
  readonly residence: boolean;
}
const NO_CUE: Cue = { strength: 0, residence: false };
const RESIDENCE_CUE: Cue = { strength: 0.4, residence: true };
const PREP_CUE: Cue = { strength: 0.3, residence: false };
const WEAK_PREP_CUE: Cue = { strength: 0.1, residence: false };

/** What the words right before token i say: a residence phrase or place label (strong), a preposition. */
function cueBefore(doc: NameDoc, i: number): Cue {
  if (i === 0) return NO_CUE;
  const q = i - 1;
  if (colonBetween(doc.text, doc.t.end[q]!, doc.t.start[i]!)) {
    return doc.phraseEndingAt(q, PLACE_LABELS) > 0 ? RESIDENCE_CUE : NO_CUE;
  }
  if (!doc.spaced(i)) {
    // "Paris, France": a country right after a place and a comma
    return NO_CUE;
  }
  if (doc.phraseEndingAt(q, RESIDENCE) > 0) return RESIDENCE_CUE;
  // "in der Nähe von Köln", "près de Lyon", "cerca de Sevilla"
  if (doc.is(q, PLACE_PREPS)) return PREP_CUE;
  if (doc.is(q, PLACE_PREPS_WEAK)) return WEAK_PREP_CUE;
  return NO_CUE;
}

/** Whether text[a, b) is one ':' with spaces or tabs around it (/^[ \t]*:[ \t]*$/, without cutting it out). */
function colonBetween(text: string, a: number, b: number): boolean {
  let colon = false;
  for (let j = a; j < b; j++) {
    const c = text.charCodeAt(j);
    if (c === 58 && !colon) colon = true;
    else if (c !== 32 && c !== 9) return false;
  }
  return colon;
}

/** How much the word right after a place takes away (Frankfurt region, Berlin office, Paris Hilton). */
function negativeAfter(doc: NameDoc, last: number): number {
  const { t, lex } = doc;
  const j = last + 1;
  if (j >= t.n || !doc.spaced(j)) return 0;
  if (doc.is(j, PLACE_NEGATIVE_AFTER)) return 0.45;
  const h = t.hash[j]!;
  if (t.kind[j] === CAP && !doc.glued(j) && (lex.word.getOr(h, 0) & W_COMMON) === 0 && placeOfWord(lex, h) === undefined) return 0.3; // part of a longer proper name
  return 0;
}

/**
 * One span per address: a street followed by a postcode and town or a town, a town followed
 * by its postcode on the same line (London SW1A 1AA), and an address followed by a country,
 * separated only by commas, spaces and at most one line break.
 */
function merge(text: string, found: Found[]): Found[] {
  const out: Merged[] = [];
  for (const f of found) {
    const prev = out[out.length - 1];
    if (prev && f.start >= prev.end && f.start - prev.end <= 4) {
      const gap = text.slice(prev.end, f.start);
      const sameLine = /^[ \t]*,?[ \t]*$/.test(gap);
      const nextLine = /^[ \t]*,?[ \t]*\r?\n[ \t]*$/.test(gap);
      if ((sameLine || nextLine) && prev.score >= 0.45) {
        const fPlace = f.kind === PLACE && f.score >= 0.3;
        const joins =
          (prev.street && !prev.postal && !prev.town && (f.kind === POSTAL || (fPlace && !f.country))) ||
          (sameLine && f.kind === POSTAL && !prev.postal && (prev.town || prev.street)) ||
          ((prev.street || prev.postal) && fPlace && f.country === true);
        if (joins) {
          prev.end = f.end;
          prev.score = Math.max(prev.score, f.score);
          if (f.kind === POSTAL) prev.postal = true;
          if (f.kind === PLACE) prev.town = true;
          continue;
        }
      }
    }
    if (prev && f.start < prev.end) {
      if (f.score > prev.score) out[out.length - 1] = merged(f);
      continue;
    }
    out.push(merged(f));
  }
  return out;
}

interface Merged extends Found {
  street: boolean;
  postal: boolean;
  town: boolean;
}

/** Built field by field: an object spread is many times slower in V8 here. */
function merged(f: Found): Merged {
  const country = f.country === true;
  return { start: f.start, end: f.end, score: f.score, kind: f.kind, country, street: f.kind === STREET, postal: f.kind === POSTAL, town: f.kind === PLACE && !country };
}
