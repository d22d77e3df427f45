// For recognizers whose candidates only count with a context word (dates of birth,
// passports, national phone numbers): whether such a word is near, checked before the
// candidate is emitted, so that the many dates and numbers without one cost neither
// validation nor the combiner's context lookup. The window is the combiner's (detect.ts:
// 5 words before, 2 after) plus one word each side, so whatever the combiner would raise
// is still emitted; and a candidate the text ends right after is emitted too, because in a
// stream the word that lifts it may still arrive (stream-text.ts holds such candidates back).

import { asciiHash, bloomOf, equalsLower, inBloom, NOT_ASCII } from "./context-match.ts";

/** Where context words are around a candidate. */
export type Near = "before" | "after" | "none" | "open";

/** detect.ts's word characters: ASCII letters and digits, '-', '_' and anything non-ASCII. */
const isWordCode = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127 || c === 45 || c === 95;
/** What detect.ts turns into spaces before it compares words (also non-ASCII symbols such as € or °). */
const NOT_KEPT = /[^\p{L}\p{N}_-]+/u;

/** A context list, ready for lookups: single words, and phrases keyed by their last word. */
export interface ContextWords {
  readonly single: ReadonlySet<string>;
  readonly phrases: ReadonlyMap<string, readonly (readonly string[])[]>;
  /** The ASCII single words and phrase-ending words by asciiHash(): an ASCII window is matched in place. */
  readonly byHash: ReadonlyMap<number, readonly string[]>;
  /** bloomOf() those hashes. */
  readonly bloom: Uint32Array;
}

export function contextWords(list: readonly string[]): ContextWords {
  const single = new Set<string>();
  const phrases = new Map<string, string[][]>();
  for (const entry of list) {
    const words = entry.toLowerCase().split(NOT_KEPT).filter((w) => w.length > 0);
    if (words.length === 1) single.add(words[0]!);
    else if (words.length > 1) {
      const lastWord = words[words.length - 1]!;
      phrases.set(lastWord, [...(phrases.get(lastWord) ?? []), words]);
    }
  }
  const byHash = new Map<number, string[]>();
  for (const w of new Set([...single, ...phrases.keys()])) {
    const h = asciiHash(w, 0, w.length);
    if (h !== NOT_ASCII) byHash.set(h, [...(byHash.get(h) ?? []), w]);
  }
  return { single, phrases, byHash, bloom: bloomOf(byHash.keys()) };
}

/**
 * Where a context word is around text[start, end): among the 6 words before it, the 3 after
 * it, nowhere, or nowhere yet ("open": the text ends within those words after it).
 */
export function contextNear(text: string, start: number, end: number, words: ContextWords): Near {
  let i = start;
  for (let n = 0; i > 0 && n < 6; n++) {
    while (i > 0 && !isWordCode(text.charCodeAt(i - 1))) i--;
    while (i > 0 && isWordCode(text.charCodeAt(i - 1))) i--;
  }
  if (i < start && matchesIn(text, i, start, words)) return "before";
  let j = end;
  for (let n = 0; j < text.length && n < 3; n++) {
    while (j < text.length && !isWordCode(text.charCodeAt(j))) j++;
    while (j < text.length && isWordCode(text.charCodeAt(j))) j++;
  }
  if (j > end && matchesIn(text, end, j, words)) return "after";
  return j >= text.length ? "open" : "none";
}

/**
 * Whether a word, or a phrase ending at a word, of the list occurs in text[a, b). An ASCII
 * window is read in place (its words are the runs of word characters; a word is compared
 * only with the entries of its hash); one with other characters is lower-cased and split as
 * detect.ts would, then matched.
 */
function matchesIn(text: string, a: number, b: number, words: ContextWords): boolean {
  let p = a;
  while (p < b) {
    const c = text.charCodeAt(p);
    if (c > 127) return matches(wordsOf(text.slice(a, b).toLowerCase()), words);
    if (!isWordCode(c)) {
      p++;
      continue;
    }
    const s = p;
    while (p < b && isWordCode(text.charCodeAt(p)) && text.charCodeAt(p) <= 127) p++;
    if (p < b && text.charCodeAt(p) > 127) return matches(wordsOf(text.slice(a, b).toLowerCase()), words);
    const h = asciiHash(text, s, p);
    if (!inBloom(words.bloom, h)) continue;
    const entries = words.byHash.get(h);
    if (entries === undefined) continue;
    for (const w of entries) {
      if (!equalsLower(text, s, p, w)) continue;
      if (words.single.has(w)) return true;
      for (const phrase of words.phrases.get(w) ?? []) if (phraseBefore(text, a, s, phrase)) return true;
    }
  }
  return false;
}

/** Whether the words of ASCII text[a, s) end with all of the phrase's words but its last. */
function phraseBefore(text: string, a: number, s: number, phrase: readonly string[]): boolean {
  let j = s;
  for (let m = phrase.length - 2; m >= 0; m--) {
    while (j > a && !isWordCode(text.charCodeAt(j - 1))) j--;
    const e = j;
    while (j > a && isWordCode(text.charCodeAt(j - 1))) j--;
    if (e === j || !equalsLower(text, j, e, phrase[m]!)) return false;
  }
  return true;
}

/** Non-ASCII characters detect.ts's normalisation turns into spaces (the common ones). */
const SYMBOLS = new Set([160, 161, 163, 167, 171, 176, 183, 187, 191, 215, 247, 8211, 8212, 8216, 8217, 8218, 8220, 8221, 8222, 8226, 8230, 8364]);
const isKept = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 45 || c === 95 || (c > 127 && !SYMBOLS.has(c));

/** The words of a lower-cased window, split where detect.ts would split them. */
function wordsOf(lower: string): string[] {
  const out: string[] = [];
  let a = -1;
  for (let p = 0; p <= lower.length; p++) {
    const kept = p < lower.length && isKept(lower.charCodeAt(p));
    if (kept && a < 0) a = p;
    else if (!kept && a >= 0) {
      out.push(lower.slice(a, p));
      a = -1;
    }
  }
  return out;
}

/** Whether a word, or a phrase ending at a word, of the list occurs in `seq` (text order). */
function matches(seq: readonly string[], words: ContextWords): boolean {
  for (let k = 0; k < seq.length; k++) {
    const w = seq[k]!;
    if (words.single.has(w)) return true;
    const candidates = words.phrases.get(w);
    if (candidates === undefined) continue;
    for (const phrase of candidates) {
      const from = k - phrase.length + 1;
      if (from < 0) continue;
      let all = true;
      for (let p = 0; p < phrase.length - 1 && all; p++) all = seq[from + p] === phrase[p];
      if (all) return true;
    }
  }
  return false;
}
