// One pass over a text: the words and numbers in it, with UTF-16 offsets, their shape
// (Capitalised, UPPER, lower, mixed, number) and flags (sentence start, line start, inside a
// URL / e-mail / path / identifier / code span). The name recognizers look at these instead
// of running regexes per word; lookup keys are folded (lower case, no accents) separately, so
// folding never moves an offset.

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
}

// Character classes for the Latin, Greek and Cyrillic blocks (built once).
const L_NONE = 0;
const L_LOWER = 1;
const L_UPPER = 2;
const L_MARK = 3; // combining mark: part of the word it follows
const TABLE_END = 0x530;
let classes: Uint8Array | undefined;
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
  classes = t;
  return t;
}

/** Letter class of a UTF-16 code unit: none, lower (or caseless), upper, combining mark. */
function letterClass(t: Uint8Array, c: number): number {
  if (c < TABLE_END) return t[c]!;
  // Punctuation, symbols, CJK punctuation, surrogates (emoji), variation selectors, full-width
  // punctuation and specials are separators; any other code unit is a caseless letter.
  if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xd800 && c <= 0xdfff)) return L_NONE;
  if ((c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xff00 && c <= 0xff20) || c >= 0xfff0) return L_NONE;
  return L_LOWER;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x202f || (c >= 0x2000 && c <= 0x200a) || c === 0x3000;
const isApostrophe = (c: number) => c === 39 || c === 0x2019;
/** Characters that make a non-space chunk technical: / \ @ _ = < > { } [ ] | ~ $ # ^ */
const isGlue = (c: number) =>
  c === 47 || c === 92 || c === 64 || c === 95 || c === 61 || c === 60 || c === 62 || c === 123 || c === 125 || c === 91 || c === 93 || c === 124 || c === 126 || c === 36 || c === 35 || c === 94;
const isBoundary = (c: number) => c === 46 || c === 33 || c === 63 || c === 58 || c === 0x2026 || c === 0x3002 || c === 0xff01 || c === 0xff1f;

/** Splits a text into tokens in one pass. Never throws; linear in the text. */
export function tokenize(text: string): Tokens {
  const t = charClasses();
  const len = text.length;
  let cap = Math.max(16, (len >> 2) + 8);
  let start = new Int32Array(cap);
  let end = new Int32Array(cap);
  let kind = new Uint8Array(cap);
  let flags = new Uint8Array(cap);
  let n = 0;
  let sentence = true;
  let line = true;
  let inCode = false;
  let chunkFirst = 0; // first token of the current non-space chunk
  let chunkGlued = false;
  let inChunk = false;
  let i = 0;
  while (i < len) {
    const c = text.charCodeAt(i);
    const lc = letterClass(t, c);
    if (lc === L_NONE && !isDigit(c)) {
      if (isSpace(c)) {
        if (inChunk) {
          if (chunkGlued) for (let k = chunkFirst; k < n; k++) flags[k]! |= F_GLUED;
          inChunk = false;
        }
        if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
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
        else if (isGlue(c)) chunkGlued = true;
        else if (c === 46 && i > 0 && i + 1 < len) {
          // a dot between two word characters (example.com, config.yaml, J.R.R.), not 10.5
          const p = text.charCodeAt(i - 1);
          const q = text.charCodeAt(i + 1);
          const pw = isDigit(p) || letterClass(t, p) !== L_NONE;
          const qw = isDigit(q) || letterClass(t, q) !== L_NONE;
          if (pw && qw && !(isDigit(p) && isDigit(q))) chunkGlued = true;
        } else if (c === 40 && n > 0 && end[n - 1] === i) chunkGlued = true; // call( or Name(
        if (isBoundary(c)) sentence = true;
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
    if (isDigit(c)) {
      k = NUM;
      i++;
      while (i < len) {
        const d = text.charCodeAt(i);
        if (isDigit(d) || letterClass(t, d) !== L_NONE) i++;
        else break;
      }
    } else {
      let uppers = lc === L_UPPER ? 1 : 0;
      let lowers = lc === L_LOWER ? 1 : 0;
      let digits = 0;
      let camel = false; // an upper-case letter after a lower-case one in the same part
      let partLower = lc === L_LOWER;
      i++;
      while (i < len) {
        const d = text.charCodeAt(i);
        const dl = letterClass(t, d);
        if (dl === L_UPPER) {
          if (partLower) camel = true;
          uppers++;
        } else if (dl === L_LOWER) {
          lowers++;
          partLower = true;
        } else if (dl === L_MARK) {
          // part of the previous letter
        } else if (isDigit(d)) {
          digits++;
        } else if ((isApostrophe(d) || d === 45) && i + 1 < len && letterClass(t, text.charCodeAt(i + 1)) !== L_NONE && letterClass(t, text.charCodeAt(i + 1)) !== L_MARK) {
          partLower = false; // O'Brien, Jean-Luc: a new part may start upper case
        } else break;
        i++;
      }
      if (digits > 0) k = MIXED;
      else if (lc === L_UPPER) {
        if (lowers === 0) k = uppers === 1 ? CAP : UPPER;
        else if (camel && !allowedInnerCapital(text, s, i)) k = MIXED;
        else k = CAP;
      } else k = uppers > 0 && camel ? MIXED : LOWER;
    }
    if (n === cap) {
      cap *= 2;
      start = grow(start, cap);
      end = grow(end, cap);
      kind = grow8(kind, cap);
      flags = grow8(flags, cap);
    }
    start[n] = s;
    end[n] = i;
    kind[n] = k;
    flags[n] = (sentence ? F_SENT : 0) | (line ? F_LINE : 0) | (inCode ? F_GLUED : 0);
    n++;
    sentence = false;
    line = false;
  }
  if (inChunk && chunkGlued) for (let k = chunkFirst; k < n; k++) flags[k]! |= F_GLUED;
  return { text, n, start, end, kind, flags };
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

function grow(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

function grow8(a: Uint8Array, cap: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
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
