// One pass over a text: the words and numbers in it, with UTF-16 offsets, their shape
// (Capitalised, UPPER, lower, mixed, number) and flags (sentence start, line start, inside a
// URL / e-mail / path / identifier / code span). The name recognizers look at these instead
// of running regexes per word; lookup keys are folded (lower case, no accents) separately, so
// folding never moves an offset.

import { IntSet } from "./int-tables.ts";

// The hash sets live in int-tables.ts; the name recognizers reach them through here.
export { IntMap, IntSet, SmallSet, type HashSet } from "./int-tables.ts";

/** Token shapes. */
export const CAP = 1; // first letter upper case, the rest lower (Anna, O'Brien, Jean-Luc, J)
export const UPPER = 2; // two or more letters, all upper case (NASA, IBM)
export const LOWER = 3; // starts lower case or has no case (the, über, 東京)
export const MIXED = 4; // camelCase, letters with digits (iPhone, getUser, Q3)
export const NUM = 5; // starts with a digit (2024, 12a, 221B)

/** Token flags. */
export const F_SENT = 1; // first token after a sentence boundary (. ! ? : newline, text start)
export const F_LINE = 2; // first token on its line
export const F_GLUED = 4; // part of a URL, e-mail, path, identifier or `code`

export interface Tokens {
  readonly text: string;
  readonly n: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
  /** Hash of the folded token without a possessive 's (see wordHash): lexicon tests without strings. */
  readonly hash: Int32Array;
  /** Indices of the CAP tokens, in order (the only ones a name or a place can start at). */
  readonly caps: Int32Array;
  readonly nCaps: number;
  /** How many of the tokens are German function words (der, die, und, ist, nicht, …). */
  readonly germanWords: number;
}

// Character classes (built once): letters (lower/caseless, upper, combining mark) for the
// Latin, Greek and Cyrillic blocks, and bits for the ASCII characters the tokenizer reacts to.
const L_NONE = 0;
const L_LOWER = 1;
const L_UPPER = 2;
const L_MARK = 3; // combining mark: part of the word it follows
const TABLE_END = 0x530;
const A_DIGIT = 1;
const A_SPACE = 2;
const A_NEWLINE = 4;
const A_GLUE = 8; // / \ @ _ = < > { } [ ] | ~ $ # ^
const A_BOUNDARY = 16; // . ! ? :
let classes: Uint8Array | undefined;
let ascii: Uint8Array | undefined;
let folds: string[] | undefined;

function charClasses(): Uint8Array {
  if (classes) return classes;
  const t = new Uint8Array(TABLE_END);
  for (let c = 0; c < TABLE_END; c++) {
    const ch = String.fromCharCode(c);
    if (c >= 0x300 && c <= 0x36f) t[c] = L_MARK;
    else if (/\p{Lu}|\p{Lt}/u.test(ch)) t[c] = L_UPPER;
    else if (/\p{L}/u.test(ch)) t[c] = L_LOWER;
  }
  const a = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) a[c] = A_DIGIT;
  for (const c of [32, 9, 11, 12]) a[c] = A_SPACE;
  a[10] = a[13] = A_SPACE | A_NEWLINE;
  for (const ch of "/\\@_=<>{}[]|~$#^") a[ch.charCodeAt(0)] = A_GLUE;
  for (const ch of ".!?:") a[ch.charCodeAt(0)] = A_BOUNDARY;
  ascii = a;
  classes = t;
  return t;
}

const isWideSpace = (c: number) => c === 0xa0 || c === 0x202f || (c >= 0x2000 && c <= 0x200a) || c === 0x3000 || c === 0x2028 || c === 0x2029 || c === 0x85;
const isApostrophe = (c: number) => c === 39 || c === 0x2019;

/** The hash step for one folded code unit (FNV-1a). */
const step = (h: number, c: number) => Math.imul(h ^ c, 16777619);
export const HASH_SEED = 0x811c9dc5 | 0;

/** Adds code unit c (folded: lower case, accents removed, ’ as ') to hash h. */
function hashChar(h: number, c: number): number {
  if (c < 128) return step(h, c >= 65 && c <= 90 ? c + 32 : c);
  if (c === 0x2019) return step(h, 39);
  if (c < TABLE_END) {
    const f = foldTable()[c]!;
    for (let k = 0; k < f.length; k++) h = step(h, f.charCodeAt(k));
    return h;
  }
  return step(h, c);
}

/** The hash of a word as the tokenizer computes it for a token (fold-insensitive). */
export function wordHash(word: string): number {
  return hashRange(word, 0, word.length);
}

/** The word hash of text[s, e) (a part of a token: Jean-Luc → jean, luc; Krakowie → krakow). */
export function hashRange(text: string, s: number, e: number): number {
  foldTable();
  let h = HASH_SEED;
  for (let k = s; k < e; k++) h = hashChar(h, text.charCodeAt(k));
  return h & SMI;
}

/**
 * Stored hashes keep 30 bits: V8 holds such integers unboxed (Smi), so reading one from a typed
 * array and testing it in a Set allocates nothing.
 */
const SMI = 0x3fffffff;

/** Phrase hashes combine word hashes: phraseHash(["new", "york"]) = step(step(seed, h(new)), h(york)). */
export const PHRASE_SEED = 0x2545f491 & 0x3fffffff;
export const phraseStep = (ph: number, wordH: number): number => ((Math.imul(ph ^ wordH, 0x01000193) + 0x9e3779b9) | 0) & SMI;
export function phraseHash(words: readonly string[]): number {
  let ph = PHRASE_SEED;
  for (const w of words) ph = phraseStep(ph, wordHash(w));
  return ph;
}

let germanHashes: IntSet | undefined;
const germanWordSet = () => (germanHashes ??= new IntSet(["der", "die", "das", "und", "ist", "nicht", "mit", "für", "ich", "wir", "sie", "den", "ein", "eine", "bitte", "auf", "wird", "sind", "auch", "wurde"].map(wordHash)));

/**
 * Reusable storage for the five token arrays: one buffer, sized for the most tokens a text can
 * hold (a token and a separator each), grown when a longer text comes and reused after, so that
 * tokenizing a text allocates nothing but its Tokens record. One owner at a time: tokenizing
 * into a buffer overwrites the tokens of the previous text.
 */
export class TokenBuffer {
  cap = 0;
  start = new Int32Array(0);
  end = new Int32Array(0);
  hash = new Int32Array(0);
  kind = new Uint8Array(0);
  flags = new Uint8Array(0);
  caps = new Int32Array(0);

  /** Room for `cap` tokens. */
  ensure(cap: number): void {
    if (cap <= this.cap) return;
    cap = Math.max(cap, this.cap * 2, 256);
    const buffer = new ArrayBuffer(cap * 18);
    this.start = new Int32Array(buffer, 0, cap);
    this.end = new Int32Array(buffer, cap * 4, cap);
    this.hash = new Int32Array(buffer, cap * 8, cap);
    this.caps = new Int32Array(buffer, cap * 12, cap);
    this.kind = new Uint8Array(buffer, cap * 16, cap);
    this.flags = new Uint8Array(buffer, cap * 17, cap);
    this.cap = cap;
  }
}

/** Texts longer than this get their own arrays rather than growing a shared buffer for good. */
const MAX_SHARED = 1 << 20;

// The tokenizer's tables for code units below TABLE_END (built once): the class bits of each
// (letter class in the low two bits, then digit, space, newline, glue, boundary) and its fold
// as one code unit (0: folds to nothing, a combining mark; MULTI: folds to two, ß → ss).
const C_LETTER = 3;
const C_DIGIT = 4;
const C_SPACE = 8;
const C_NEWLINE = 16;
const C_GLUE = 32;
const C_BOUNDARY = 64;
const MULTI = 0xffff;
let cls: Uint8Array | undefined;
let fold1: Uint16Array | undefined;

function tokenizerTables(): void {
  if (cls) return;
  const t = charClasses();
  const A = ascii!;
  const f = foldTable();
  const c1 = new Uint8Array(TABLE_END);
  const f1 = new Uint16Array(TABLE_END);
  for (let c = 0; c < TABLE_END; c++) {
    let bits = t[c]!;
    if (c < 128) {
      const a = A[c]!;
      if (a & A_DIGIT) bits |= C_DIGIT;
      if (a & A_SPACE) bits |= C_SPACE;
      if (a & A_NEWLINE) bits |= C_NEWLINE;
      if (a & A_GLUE) bits |= C_GLUE;
      if (a & A_BOUNDARY) bits |= C_BOUNDARY;
    } else if (isWideSpace(c)) bits |= C_SPACE | (c === 0x85 ? C_NEWLINE : 0);
    const folded = c < 128 ? String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c) : f[c]!;
    c1[c] = bits;
    f1[c] = folded.length === 0 ? 0 : folded.length === 1 ? folded.charCodeAt(0) : MULTI;
  }
  fold1 = f1;
  cls = c1;
}

/** Splits a text into tokens in one pass (into `into` when given and the text is not huge). Never throws; linear in the text. */
export function tokenize(text: string, into?: TokenBuffer): Tokens {
  tokenizerTables();
  const C = cls!;
  const F = fold1!;
  const len = text.length;
  const cap = (len >> 1) + 1;
  const buf = into && len <= MAX_SHARED ? into : new TokenBuffer();
  buf.ensure(cap);
  const { start, end, hash, kind, flags, caps } = buf;
  let n = 0;
  let nCaps = 0;
  let sentence = true;
  let line = true;
  let inCode = false;
  let chunkFirst = 0; // first token of the current non-space chunk
  let chunkGlued = false;
  let inChunk = false;
  let i = 0;
  while (i < len) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      // the most common separator, on its own path
      if (inChunk) {
        if (chunkGlued) for (let k = chunkFirst; k < n; k++) flags[k] = flags[k]! | F_GLUED;
        inChunk = false;
      }
      i++;
      continue;
    }
    const bits = c < TABLE_END ? C[c]! : wideClass(c);
    if ((bits & (C_LETTER | C_DIGIT)) === 0) {
      if ((bits & C_SPACE) !== 0) {
        if (inChunk) {
          if (chunkGlued) for (let k = chunkFirst; k < n; k++) flags[k] = flags[k]! | F_GLUED;
          inChunk = false;
        }
        if ((bits & C_NEWLINE) !== 0) {
          line = true;
          sentence = true;
        }
      } else {
        if (!inChunk) {
          inChunk = true;
          chunkFirst = n;
          chunkGlued = false;
        }
        if (c === 96) inCode = !inCode;
        else if ((bits & C_GLUE) !== 0) chunkGlued = true;
        else if (c === 46 && i > 0 && i + 1 < len) {
          // a dot between two word characters (example.com, config.yaml, J.R.R.), not 10.5
          const p = text.charCodeAt(i - 1);
          const q = text.charCodeAt(i + 1);
          const pb = p < TABLE_END ? C[p]! : wideClass(p);
          const qb = q < TABLE_END ? C[q]! : wideClass(q);
          if ((pb & (C_LETTER | C_DIGIT)) !== 0 && (qb & (C_LETTER | C_DIGIT)) !== 0 && !((pb & C_DIGIT) !== 0 && (qb & C_DIGIT) !== 0)) chunkGlued = true;
        } else if (c === 40 && n > 0 && end[n - 1] === i) chunkGlued = true; // call( or Name(
        if ((bits & C_BOUNDARY) !== 0 || c === 0x2026 || c === 0x3002 || c === 0xff01 || c === 0xff1f) sentence = true;
      }
      i++;
      continue;
    }
    // A token: letters (with inner apostrophes, hyphens and marks) or a number with letters.
    if (!inChunk) {
      inChunk = true;
      chunkFirst = n;
      chunkGlued = false;
    }
    const s = i;
    let k: number;
    const f0 = c < TABLE_END ? F[c]! : c === 0x2019 ? 39 : c;
    let h = f0 === MULTI ? hashChar(HASH_SEED, c) : f0 !== 0 ? Math.imul(HASH_SEED ^ f0, 16777619) : HASH_SEED;
    const lc = bits & C_LETTER;
    i++;
    if (lc === L_NONE) {
      k = NUM;
      while (i < len) {
        const d = text.charCodeAt(i);
        const db = d < TABLE_END ? C[d]! : wideClass(d);
        if ((db & (C_LETTER | C_DIGIT)) === 0) break;
        const f = d < TABLE_END ? F[d]! : d === 0x2019 ? 39 : d;
        if (f === MULTI) h = hashChar(h, d);
        else if (f !== 0) h = Math.imul(h ^ f, 16777619);
        i++;
      }
      h &= SMI;
    } else {
      let uppers = lc === L_UPPER ? 1 : 0;
      let lowers = lc === L_LOWER ? 1 : 0;
      let digits = 0;
      let camel = false; // an upper-case letter after a lower-case one in the same part
      let partLower = lc === L_LOWER;
      let hApos = 0; // the hash before an apostrophe (Anna's → anna)
      let apos = -1;
      while (i < len) {
        const d = text.charCodeAt(i);
        if (d >= 97 && d <= 122) {
          // ASCII lower case, the bulk of most words
          lowers++;
          partLower = true;
          h = Math.imul(h ^ d, 16777619);
          i++;
          continue;
        }
        const db = d < TABLE_END ? C[d]! : wideClass(d);
        const dl = db & C_LETTER;
        if (dl === L_LOWER) {
          lowers++;
          partLower = true;
        } else if (dl === L_UPPER) {
          if (partLower) camel = true;
          uppers++;
        } else if (dl === L_MARK) {
          // part of the previous letter
        } else if ((db & C_DIGIT) !== 0) {
          digits++;
        } else if ((d === 39 || d === 0x2019 || d === 45) && i + 1 < len) {
          const nx = text.charCodeAt(i + 1);
          const nl = (nx < TABLE_END ? C[nx]! : wideClass(nx)) & C_LETTER;
          if (nl === L_NONE || nl === L_MARK) break;
          // l'Europe, dell'Acqua, d'Anna: a short lower-case elision is a word of its own
          if (d !== 45 && uppers === 0 && nl === L_UPPER && i - s <= 4) break;
          partLower = false; // O'Brien, Jean-Luc: a new part may start upper case
          if (d !== 45) {
            apos = i;
            hApos = h;
          }
        } else break;
        const f = d < TABLE_END ? F[d]! : d === 0x2019 ? 39 : d;
        if (f === MULTI) h = hashChar(h, d);
        else if (f !== 0) h = Math.imul(h ^ f, 16777619);
        i++;
      }
      if (apos === i - 2 && i - s > 3 && (text.charCodeAt(i - 1) | 32) === 115) h = hApos; // possessive 's
      h &= SMI;
      if (digits > 0) k = MIXED;
      else if (lc === L_UPPER) {
        if (lowers === 0) k = uppers === 1 ? CAP : UPPER;
        else if (camel && !allowedInnerCapital(text, s, i)) k = MIXED;
        else k = CAP;
      } else k = uppers > 0 && camel ? MIXED : LOWER;
    }
    if (k === CAP) caps[nCaps++] = n;
    start[n] = s;
    end[n] = i;
    kind[n] = k;
    hash[n] = h;
    flags[n] = (sentence ? F_SENT : 0) | (line ? F_LINE : 0) | (inCode ? F_GLUED : 0);
    n++;
    sentence = false;
    line = false;
  }
  if (inChunk && chunkGlued) for (let k = chunkFirst; k < n; k++) flags[k] = flags[k]! | F_GLUED;
  return new TokenList(text, n, start, end, kind, flags, hash, caps, nCaps);
}

/** The tokens of one text; the German word count is made on first use (most texts never need it). */
class TokenList implements Tokens {
  private german = -1;

  constructor(
    readonly text: string,
    readonly n: number,
    readonly start: Int32Array,
    readonly end: Int32Array,
    readonly kind: Uint8Array,
    readonly flags: Uint8Array,
    readonly hash: Int32Array,
    readonly caps: Int32Array,
    readonly nCaps: number,
  ) {}

  get germanWords(): number {
    if (this.german < 0) {
      const words = germanWordSet();
      let count = 0;
      for (let i = 0; i < this.n; i++) {
        const l = this.end[i]! - this.start[i]!;
        if (this.kind[i] === LOWER && l >= 3 && l <= 5 && words.has(this.hash[i]!)) count++;
      }
      this.german = count;
    }
    return this.german;
  }
}

/** Class bits of a code unit at or above TABLE_END (see letterClass): spaces, separators, caseless letters. */
function wideClass(c: number): number {
  if (c === 0x202f || (c >= 0x2000 && c <= 0x200a) || c === 0x3000) return C_SPACE;
  if (c === 0x2028 || c === 0x2029) return C_SPACE | C_NEWLINE;
  if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xd800 && c <= 0xdfff)) return 0;
  if ((c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xff00 && c <= 0xff20) || c >= 0xfff0) return 0;
  return L_LOWER;
}

/** McDonald, MacArthur, DiCaprio, LeBron, DeAndre, VanDyke: an inner capital after a name prefix. */
function allowedInnerCapital(text: string, s: number, e: number): boolean {
  let inner = -1;
  for (let j = s + 1; j < e; j++) {
    const c = text.charCodeAt(j);
    if (c >= 65 && c <= 90) {
      const p = text.charCodeAt(j - 1);
      if (isApostrophe(p) || p === 45) continue;
      if (inner >= 0) return false; // two inner capitals: an identifier
      inner = j;
    }
  }
  if (inner < 0) return true;
  const prefix = text.slice(s, inner);
  return prefix === "Mc" || prefix === "Mac" || prefix === "Di" || prefix === "De" || prefix === "Le" || prefix === "La" || prefix === "Van" || prefix === "Fitz" || prefix === "Du" || prefix === "Da";
}

function foldTable(): string[] {
  if (folds) return folds;
  const f: string[] = [];
  const special: Record<string, string> = { ß: "ss", ẞ: "ss", æ: "ae", Æ: "ae", œ: "oe", Œ: "oe", ø: "o", Ø: "o", ł: "l", Ł: "l", đ: "d", Đ: "d", ð: "d", Ð: "d", þ: "th", Þ: "th", ı: "i", ŀ: "l", Ŀ: "l", ħ: "h", Ħ: "h" };
  for (let c = 0; c < TABLE_END; c++) {
    const ch = String.fromCharCode(c);
    if (c >= 0x300 && c <= 0x36f) f.push("");
    else if (special[ch] !== undefined) f.push(special[ch]);
    else {
      const base = ch.normalize("NFD").charAt(0).toLowerCase();
      f.push(base.length === 1 && base.charCodeAt(0) < TABLE_END ? base : ch.toLowerCase());
    }
  }
  folds = f;
  return f;
}

/**
 * The lookup key of text[s, e): lower case, accents removed (Kraków → krakow, Müller → muller,
 * ß → ss), ’ as '. The text and its offsets are untouched.
 */
export function foldRange(text: string, s: number, e: number): string {
  let ascii = true;
  for (let j = s; j < e; j++) {
    const c = text.charCodeAt(j);
    if (c >= 128 || (c >= 65 && c <= 90)) {
      ascii = false;
      break;
    }
  }
  if (ascii) return text.slice(s, e);
  const f = foldTable();
  let out = "";
  for (let j = s; j < e; j++) {
    const c = text.charCodeAt(j);
    if (c < 65) out += text[j];
    else if (c <= 90) out += String.fromCharCode(c + 32);
    else if (c < TABLE_END) out += f[c]!;
    else if (c === 0x2019) out += "'";
    else out += text[j]!.toLowerCase();
  }
  return out;
}

/**
 * Whether the folded key of text[s, e) ends with `suffix` (folded, ASCII) and has at least
 * `before` folded characters in front of it — foldRange(text, s, e).endsWith(suffix) without
 * building the key.
 */
export function keyEndsWith(text: string, s: number, e: number, suffix: string, before: number): boolean {
  tokenizerTables();
  const F = fold1!;
  let k = suffix.length;
  let j = e;
  while (k > 0) {
    if (j <= s) return false;
    const c = text.charCodeAt(--j);
    const f = c < TABLE_END ? F[c]! : c === 0x2019 ? 39 : c >= 0x41 && c <= 0x5a ? c + 32 : c;
    if (f === 0) continue;
    if (f === MULTI) {
      const m = folds![c]!;
      for (let q = m.length - 1; q >= 0; q--) {
        if (k === 0) return false; // the suffix starts inside a character's fold
        if (m.charCodeAt(q) !== suffix.charCodeAt(--k)) return false;
      }
    } else if (f !== suffix.charCodeAt(--k)) return false;
  }
  let n = 0;
  while (j > s && n < before) {
    const c = text.charCodeAt(--j);
    const f = c < TABLE_END ? F[c]! : 1;
    n += f === 0 ? 0 : f === MULTI ? folds![c]!.length : 1;
  }
  return n >= before;
}

/** foldRange over a whole string (for building gazetteer keys). */
export const fold = (s: string): string => foldRange(s, 0, s.length);

/** Whether text[a, b) holds only spaces and tabs (no newline, no punctuation). */
export function onlySpaces(text: string, a: number, b: number): boolean {
  if (b <= a) return a === b;
  for (let j = a; j < b; j++) {
    const c = text.charCodeAt(j);
    if (c !== 32 && c !== 9 && c !== 0xa0 && c !== 0x202f) return false;
  }
  return true;
}
