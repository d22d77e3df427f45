// The combiner's context lookup (detect.ts): whether one of a recognizer's context words or
// phrases occurs among the WORDS_BEFORE words before a candidate or the WORDS_AFTER words
// after it. Words are maximal runs of ASCII letters and digits, '-', '_' and anything
// non-ASCII, compared lower-cased. The words of the window are located in place (offsets in
// a small reused buffer); a word is cut out and lower-cased only when it can start an entry
// — for ASCII words, when a hash of its lower-cased characters is one of the entries' first
// words' — so most candidates build no string at all.

/** How far context is looked for: this many words before a candidate, and after it. */
export const WORDS_BEFORE = 5;
export const WORDS_AFTER = 2;

/** A recognizer's context words as a set, with the longest phrase length (in words). */
export interface ContextSet {
  readonly words: ReadonlySet<string>;
  readonly longest: number;
  /** The first word of every entry (a phrase can only start at one). */
  readonly first: ReadonlySet<string>;
  /** The first words that are ASCII, by asciiHash(). */
  readonly firstByHash: ReadonlyMap<number, readonly string[]>;
  /** inBloom() bits of those hashes: most words are rejected before the map is asked. */
  readonly bloom: Uint32Array;
}

const contextSets = new WeakMap<readonly string[], ContextSet>();

export function contextSet(words: readonly string[]): ContextSet {
  let c = contextSets.get(words);
  if (!c) {
    const norm = words.map((w) => w.toLowerCase().split(/[^\p{L}\p{N}_-]+/u).filter(Boolean).join(" ")).filter(Boolean);
    const first = new Set(norm.map((w) => w.split(" ")[0]!));
    const firstByHash = new Map<number, string[]>();
    for (const w of first) {
      const h = asciiHash(w, 0, w.length);
      if (h !== NOT_ASCII) firstByHash.set(h, [...(firstByHash.get(h) ?? []), w]);
    }
    c = { words: new Set(norm), longest: Math.max(1, ...norm.map((w) => w.split(" ").length)), first, firstByHash, bloom: bloomOf(firstByHash.keys()) };
    contextSets.set(words, c);
  }
  return c;
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127 || c === 45 || c === 95;

/** A 2048-bit filter of hashes (built once per word list): a hash whose bit is clear is not among them. */
export function bloomOf(hashes: Iterable<number>): Uint32Array {
  const bits = new Uint32Array(64);
  for (const h of hashes) bits[(h >>> 5) & 63]! |= 1 << (h & 31);
  return bits;
}

/** Whether the hash's bit is set in a bloomOf() filter (it may be among the hashes; if not, it is not). */
export const inBloom = (bits: Uint32Array, h: number): boolean => (bits[(h >>> 5) & 63]! & (1 << (h & 31))) !== 0;

/** asciiHash() of a word with a non-ASCII character. */
export const NOT_ASCII = -1;

/** A hash of text[s, e) lower-cased (ASCII only: NOT_ASCII when a character is not). */
export function asciiHash(text: string, s: number, e: number): number {
  let h = e - s;
  for (let i = s; i < e; i++) {
    let c = text.charCodeAt(i);
    if (c > 127) return NOT_ASCII;
    if (c >= 65 && c <= 90) c |= 32;
    h = (Math.imul(h, 31) + c) & 0x3fffffff;
  }
  return h;
}

/** Looks context words up around candidates; one per detector (its word buffer is reused). */
export class ContextMatcher {
  private readonly starts = new Int32Array(WORDS_BEFORE);
  private readonly ends = new Int32Array(WORDS_BEFORE);

  /** Whether one of the words (or phrases) occurs among the few words around [start, end). */
  has(text: string, start: number, end: number, set: ContextSet): boolean {
    const starts = this.starts;
    const ends = this.ends;
    // the words before, last first
    let n = 0;
    let j = start;
    while (j > 0 && n < WORDS_BEFORE) {
      while (j > 0 && !isWordChar(text.charCodeAt(j - 1))) j--;
      const e = j;
      while (j > 0 && isWordChar(text.charCodeAt(j - 1))) j--;
      if (e > j) {
        starts[n] = j;
        ends[n] = e;
        n++;
      }
    }
    if (n > 0) {
      // into text order
      for (let a = 0, b = n - 1; a < b; a++, b--) {
        const s = starts[a]!;
        starts[a] = starts[b]!;
        starts[b] = s;
        const e = ends[a]!;
        ends[a] = ends[b]!;
        ends[b] = e;
      }
      if (this.matches(text, n, set)) return true;
    }
    n = 0;
    j = end;
    while (j < text.length && n < WORDS_AFTER) {
      while (j < text.length && !isWordChar(text.charCodeAt(j))) j++;
      const s = j;
      while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
      if (j > s) {
        starts[n] = s;
        ends[n] = j;
        n++;
      }
    }
    return n > 0 && this.matches(text, n, set);
  }

  /** Whether a word of the buffer's n, or a run of up to `longest` consecutive ones, is in the set. */
  private matches(text: string, n: number, set: ContextSet): boolean {
    const starts = this.starts;
    const ends = this.ends;
    for (let i = 0; i < n; i++) {
      const h = asciiHash(text, starts[i]!, ends[i]!);
      let first: string | undefined;
      if (h === NOT_ASCII) {
        first = text.slice(starts[i]!, ends[i]!).toLowerCase();
        if (!set.first.has(first)) continue;
      } else {
        // an ASCII word: compared in place with the first words of its hash
        if (!inBloom(set.bloom, h)) continue;
        const entries = set.firstByHash.get(h);
        if (entries === undefined) continue;
        first = undefined;
        for (const w of entries) if (equalsLower(text, starts[i]!, ends[i]!, w)) first = w;
        if (first === undefined) continue;
      }
      if (set.words.has(first)) return true;
      let phrase = first;
      for (let k = 1; k < set.longest && i + k < n; k++) {
        phrase = `${phrase} ${text.slice(starts[i + k]!, ends[i + k]!).toLowerCase()}`;
        if (set.words.has(phrase)) return true;
      }
    }
    return false;
  }
}

/** Whether ASCII text[s, e), lower-cased, is w. */
export function equalsLower(text: string, s: number, e: number, w: string): boolean {
  if (e - s !== w.length) return false;
  for (let k = 0; k < w.length; k++) {
    let c = text.charCodeAt(s + k);
    if (c >= 65 && c <= 90) c |= 32;
    if (c !== w.charCodeAt(k)) return false;
  }
  return true;
}
