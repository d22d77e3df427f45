// Finding a gazetteer place at a token: the longest multi-word name first (Rio de Janeiro,
// Frankfurt am Main, St. Gallen, Den Haag), then the single word, then (after a Polish
// preposition) the inflected form (w Krakowie → Kraków).
import * as lexicon_ from "./lexicon.ts";
import * as name_cues_ from "./name-cues.ts";
import type { NameDoc } from "./name-doc.ts";
import * as tokens_ from "./tokens.ts";

// Imported bindings can compile to getter calls (tsx loading these files as CommonJS, test
// transforms); the hot loops use module-local copies, read once here.
const { NUM, PHRASE_SEED, phraseStep } = tokens_;
const { placeOfWord, polishPlace } = lexicon_;
const { cueSet } = name_cues_;

export interface PlaceHit {
  /** Place kind and the P_AMBIGUOUS bit (lexicon.ts). */
  flags: number;
  /** Last token of the place. */
  last: number;
}

const POLISH_PREPS = cueSet("w|we|z|ze|do|od|na|przy|pod|nad|kolo|spod|obok|niedaleko|okolic|ku|przez");

/** The place starting at token i, if the gazetteer has one. */
export function placeAt(doc: NameDoc, i: number): PlaceHit | undefined {
  const { lex, t, text } = doc;
  const h = t.hash[i]!;
  const max = lex.placeFirst.get(h);
  if (max !== undefined) {
    let ph = phraseStep(PHRASE_SEED, h);
    let best: PlaceHit | undefined;
    for (let j = i + 1; j < t.n && j - i < max; j++) {
      if (t.kind[j] === NUM || doc.glued(j)) break;
      if (!doc.spaced(j) && !dotOrApostrophe(text, t.end[j - 1]!, t.start[j]!)) break;
      ph = phraseStep(ph, t.hash[j]!);
      const hit = lex.places.get(ph);
      if (hit !== undefined) best = { flags: hit, last: j };
    }
    if (best) return best;
  }
  const single = placeOfWord(lex, h);
  if (single !== undefined) return { flags: single, last: i };
  if (i > 0 && doc.spaced(i) && doc.is(i - 1, POLISH_PREPS)) {
    const flags = polishPlace(lex, text, t.start[i]!, t.end[i]!);
    if (flags !== undefined) return { flags, last: i };
  }
  return undefined;
}

/** "St. Gallen", "d'Ivoire": a dot and spaces, or an apostrophe, between two words of a place. */
function dotOrApostrophe(text: string, a: number, b: number): boolean {
  if (b - a === 1) {
    const c = text.charCodeAt(a);
    return c === 39 || c === 0x2019;
  }
  if (text.charCodeAt(a) !== 46) return false;
  for (let j = a + 1; j < b; j++) if (text.charCodeAt(j) !== 32) return false;
  return b > a + 1;
}
