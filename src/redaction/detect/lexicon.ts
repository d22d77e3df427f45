// The name and place gazetteers as folded-key Sets, built once on first use (the data ships
// as strings inside the bundle; nothing is read at run time).
import { COMMON_WORDS } from "./gazetteer/common-words.ts";
import { DENY_WORDS } from "./gazetteer/deny-words.ts";
import { FIRST_NAMES } from "./gazetteer/first-names.ts";
import { CITIES, COUNTRIES, REGIONS } from "./gazetteer/places.ts";
import { SURNAMES } from "./gazetteer/surnames.ts";
import { fold } from "./tokens.ts";

/** Place kinds (low bits) and the "needs a cue" bit. */
export const P_CITY = 1;
export const P_REGION = 2;
export const P_COUNTRY = 3;
export const P_KIND = 3;
export const P_AMBIGUOUS = 4;

/** Lower-case particles inside names: van der Berg, da Silva, de la Cruz. */
export const PARTICLES: ReadonlySet<string> = new Set(
  "von van der den de da di del della delle dei degli dos das do du le la les af zu zur ten ter op y e d' l' st st. saint sankt san santa".split(" "),
);

export interface Lexicon {
  first: ReadonlySet<string>;
  sur: ReadonlySet<string>;
  common: ReadonlySet<string>;
  deny: ReadonlySet<string>;
  /** Folded place name (words joined by one space) → kind | P_AMBIGUOUS. */
  places: ReadonlyMap<string, number>;
  /** First word of a multi-word place → the most words any such place has. */
  placeFirst: ReadonlyMap<string, number>;
  /** Single-word places without their final vowel(s), for Polish cases (Krakowie → krakow). */
  placeStems: ReadonlyMap<string, string>;
}

let built: Lexicon | undefined;

/** The gazetteers, built on the first call (a few milliseconds) and shared after. */
export function lexicon(): Lexicon {
  built ??= build();
  return built;
}

function words(lists: readonly string[], into: Set<string>, skip?: ReadonlySet<string>): Set<string> {
  for (const list of lists) {
    for (const w of list.split(/\s+/)) {
      if (w.length === 0) continue;
      const k = fold(w);
      if (skip?.has(k)) continue;
      into.add(k);
    }
  }
  return into;
}

function build(): Lexicon {
  const first = words(FIRST_NAMES, new Set());
  const sur = words(SURNAMES, new Set(), PARTICLES);
  const common = words(COMMON_WORDS, new Set());
  const deny = words([DENY_WORDS], new Set());
  const places = new Map<string, number>();
  const placeFirst = new Map<string, number>();
  const placeStems = new Map<string, string>();
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
      const keys = folded.includes("'") ? [folded, folded.replace(/'/g, " ")] : [folded];
      for (const key of keys) addKey(key, flags);
    }
  };
  const addKey = (key: string, kind: number) => {
    let flags = kind;
    const parts = key.split(" ");
    // a place that is also a common word (Essen, Nice) needs a cue; one that is also a given
    // name is marked in the data when the name reading wins (~florence), not here (India, Chad)
    if (parts.length === 1 && common.has(key)) flags |= P_AMBIGUOUS;
    const old = places.get(key);
    places.set(key, old === undefined ? flags : (old & P_AMBIGUOUS) | flags);
    if (parts.length > 1) placeFirst.set(parts[0]!, Math.max(placeFirst.get(parts[0]!) ?? 0, parts.length));
    else if (key.length >= 5) {
      const stem = key.replace(/(ia|ie|a|e|y|i|o)$/, "");
      if (stem.length >= 4 && !placeStems.has(stem)) placeStems.set(stem, key);
    }
  };
  add(COUNTRIES, P_COUNTRY);
  add(REGIONS, P_REGION);
  add(CITIES, P_CITY);
  return { first, sur, common, deny, places, placeFirst, placeStems };
}

const POLISH_ENDINGS = ["iach", "ach", "owi", "iem", "em", "ie", "iu", "u", "a", "y", "i", "e"];

/** A Polish inflected place (w Krakowie, z Warszawy, do Gdańska) → the gazetteer key, if any. */
export function polishPlace(lex: Lexicon, key: string): string | undefined {
  for (const ending of POLISH_ENDINGS) {
    if (key.length - ending.length < 4 || !key.endsWith(ending)) continue;
    const hit = lex.placeStems.get(key.slice(0, key.length - ending.length));
    if (hit !== undefined) return hit;
  }
  return undefined;
}
