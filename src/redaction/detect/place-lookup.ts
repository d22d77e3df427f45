// Finding a gazetteer place at a token: the longest multi-word name first (Rio de Janeiro,
// Frankfurt am Main, St. Gallen, Den Haag), then the single word, then (after a Polish
// preposition) the inflected form (w Krakowie → Kraków).
import { polishPlace } from "./lexicon.ts";
import type { NameDoc } from "./name-doc.ts";
import { NUM } from "./tokens.ts";

export interface PlaceHit {
  /** Place kind and the P_AMBIGUOUS bit (lexicon.ts). */
  flags: number;
  /** Last token of the place. */
  last: number;
}

const POLISH_PREPS = new Set(["w", "we", "z", "ze", "do", "od", "na", "przy", "pod", "nad", "kolo", "spod", "obok", "niedaleko", "okolic", "ku", "przez"]);

/** The place starting at token i, if the gazetteer has one. */
export function placeAt(doc: NameDoc, i: number): PlaceHit | undefined {
  const { lex, t, text } = doc;
  const k = doc.key(i);
  const max = lex.placeFirst.get(k);
  if (max !== undefined) {
    let phrase = k;
    let best: PlaceHit | undefined;
    for (let j = i + 1; j < t.n && j - i < max; j++) {
      if (t.kind[j] === NUM || doc.glued(j)) break;
      const gap = text.slice(t.end[j - 1]!, t.start[j]!);
      if (!/^\.?[ \t\u00a0]+$/.test(gap) && gap !== "'") break;
      phrase += ` ${doc.key(j)}`;
      const hit = lex.places.get(phrase);
      if (hit !== undefined) best = { flags: hit, last: j };
    }
    if (best) return best;
  }
  const single = lex.places.get(k);
  if (single !== undefined) return { flags: single, last: i };
  if (i > 0 && doc.spaced(i) && POLISH_PREPS.has(doc.key(i - 1))) {
    const base = polishPlace(lex, k);
    if (base !== undefined) return { flags: lex.places.get(base)!, last: i };
  }
  return undefined;
}
