// The name and place gazetteers as sets of folded-word hashes (tokens.ts wordHash), built once
// on first use: the data ships as strings inside the bundle, nothing is read at run time, and
// a lookup is an integer Set test (no string is built per token). Two different words sharing
// a 32-bit hash would be confused; across ~15,000 entries that is a one-in-a-few-hundred-
// thousand chance per unknown word, far below the error rate of the lists themselves.
import { COMMON_WORDS } from "./gazetteer/common-words.ts";
import { DENY_WORDS } from "./gazetteer/deny-words.ts";
import { FIRST_NAMES } from "./gazetteer/first-names.ts";
import { CITIES, COUNTRIES, REGIONS } from "./gazetteer/places.ts";
import { SURNAMES } from "./gazetteer/surnames.ts";
import * as tokens_ from "./tokens.ts";

// Imported bindings can compile to getter calls (tsx loading these files as CommonJS, test
// transforms); the hot loops use module-local copies, read once here.
const { fold, hashRange, IntMap, IntSet, PHRASE_SEED, phraseStep, wordHash } = tokens_;

/** Place kinds (low bits) and the "needs a cue" bit. */
export const P_CITY = 1;
export const P_REGION = 2;
export const P_COUNTRY = 3;
export const P_KIND = 3;
export const P_AMBIGUOUS = 4;

/** Lower-case particles inside names: van der Berg, da Silva, de la Cruz. */
export const PARTICLE_WORDS = "von van der den de da di del della delle dei degli dos das do du le la les af zu zur ten ter op y e d l st saint sankt san santa ní nic ó ua bin ibn bint abu";

/** Bits of a word in `Lexicon.word`: the lists it is in, from one look-up. */
export const W_FIRST = 1;
export const W_SUR = 2;
export const W_COMMON = 4;
export const W_DENY = 8;
export const W_PARTICLE = 16;
export const W_PLACE = 32; // placeWords

export interface Lexicon {
  /** Word hash → the W_ bits of the lists it is in (one probe instead of one per list). */
  word: tokens_.IntMap;
  first: tokens_.IntSet;
  sur: tokens_.IntSet;
  common: tokens_.IntSet;
  deny: tokens_.IntSet;
  particles: tokens_.IntSet;
  /** Phrase hash of a place's words → kind | P_AMBIGUOUS. */
  places: tokens_.IntMap;
  /** Word hash of the first word of a multi-word place → the most words any such place has. */
  placeFirst: tokens_.IntMap;
  /** Word hashes of single-word places and of the first words of multi-word places (a quick test). */
  placeWords: tokens_.IntSet;
  /** Word hash of a single-word place without its final vowel(s) → its flags (Polish cases: Krakowie → krakow). */
  placeStems: tokens_.IntMap;
}

let built: Lexicon | undefined;

/** The gazetteers, built on the first call (a few milliseconds) and shared after. */
export function lexicon(): Lexicon {
  built ??= build();
  return built;
}

function words(lists: readonly string[], skip?: tokens_.IntSet): tokens_.IntSet {
  const into = new IntSet();
  for (const list of lists) {
    for (const w of list.split(/\s+/)) {
      if (w.length === 0) continue;
      const h = wordHash(w);
      if (!skip?.has(h)) into.add(h);
    }
  }
  return into;
}

function build(): Lexicon {
  const particles = words([PARTICLE_WORDS]);
  const first = words(FIRST_NAMES);
  const sur = words(SURNAMES, particles);
  const common = words(COMMON_WORDS);
  const deny = words([DENY_WORDS]);
  const places = new IntMap();
  const placeFirst = new IntMap();
  const placeStems = new IntMap();
  const placeWords = new IntSet();
  const addKey = (key: string, kind: number) => {
    let flags = kind;
    const parts = key.split(" ");
    // a place that is also a common word (Essen, Nice) needs a cue; one that is also a given
    // name is marked in the data when the name reading wins (~florence), not here (India, Chad)
    if (parts.length === 1 && common.has(wordHash(key))) flags |= P_AMBIGUOUS;
    let ph = PHRASE_SEED;
    for (const p of parts) ph = phraseStep(ph, wordHash(p));
    const old = places.get(ph);
    places.set(ph, old === undefined ? flags : (old & P_AMBIGUOUS) | flags);
    const h0 = wordHash(parts[0]!);
    placeWords.add(h0);
    if (parts.length > 1) placeFirst.set(h0, Math.max(placeFirst.get(h0) ?? 0, parts.length));
    else if (key.length >= 5) {
      const stem = key.replace(/(ia|ie|a|e|y|i|o)$/, "");
      const sh = hashRange(stem, 0, stem.length);
      if (stem.length >= 4 && !placeStems.has(sh)) placeStems.set(sh, flags);
    }
  };
  const add = (list: string, kind: number) => {
    for (let entry of list.split("|")) {
      entry = entry.trim();
      if (entry.length === 0) continue;
      let flags = kind;
      if (entry.startsWith("~")) {
        flags |= P_AMBIGUOUS;
        entry = entry.slice(1);
      }
      const folded = fold(entry).replace(/^'/, "").replace(/\./g, "").replace(/\s+/g, " ");
      // "côte d'ivoire" is also looked up as the tokens côte, d, ivoire
      addKey(folded, flags);
      if (folded.includes("'")) addKey(folded.replace(/'/g, " ").replace(/\s+/g, " "), flags);
    }
  };
  add(COUNTRIES, P_COUNTRY);
  add(REGIONS, P_REGION);
  add(CITIES, P_CITY);
  const word = new IntMap();
  const mark = (set: tokens_.IntSet, bit: number) => {
    for (const h of set) word.set(h, word.getOr(h, 0) | bit);
  };
  mark(first, W_FIRST);
  mark(sur, W_SUR);
  mark(common, W_COMMON);
  mark(deny, W_DENY);
  mark(particles, W_PARTICLE);
  mark(placeWords, W_PLACE);
  return { word, first, sur, common, deny, particles, places, placeFirst, placeWords, placeStems };
}

/** Single-word place lookup by word hash. */
export function placeOfWord(lex: Lexicon, wordH: number): number | undefined {
  return lex.places.get(phraseStep(PHRASE_SEED, wordH));
}

const POLISH_ENDINGS = ["iach", "ach", "owi", "iem", "em", "ie", "iu", "u", "a", "y", "i", "e"];

/** A Polish inflected place in text[s, e) (w Krakowie, z Warszawy, do Gdańska) → its flags, if any. */
export function polishPlace(lex: Lexicon, text: string, s: number, e: number): number | undefined {
  for (const ending of POLISH_ENDINGS) {
    const cut = e - ending.length;
    if (cut - s < 4) continue;
    let ok = true;
    for (let k = 0; k < ending.length; k++) {
      if ((text.charCodeAt(cut + k) | 32) !== ending.charCodeAt(k)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const hit = lex.placeStems.get(hashRange(text, s, cut));
    if (hit !== undefined) return hit;
  }
  return undefined;
}
