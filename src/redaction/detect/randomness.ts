// How random a token looks: the tests that keep secrets apart from words, identifiers,
// hashes and encoded text (used by the secret recognizers).
import { entropy, isDigit, isLower, isUpper } from "./chars.ts";

export interface Classes {
  lower: number;
  upper: number;
  digit: number;
  other: number;
  /** Changes of class between neighbours (aB1 → 2); camelCase words have few, random strings many. */
  changes: number;
  /** Runs of lower-case letters: words make long ones (lower / lowerRuns ≥ 3), random strings short ones (≈ 1.7). */
  lowerRuns: number;
}

export function classes(text: string, start: number, end: number): Classes {
  const r = { lower: 0, upper: 0, digit: 0, other: 0, changes: 0, lowerRuns: 0 };
  let prev = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const k = isLower(c) ? 0 : isUpper(c) ? 1 : isDigit(c) ? 2 : 3;
    if (k === 0) {
      r.lower++;
      if (prev !== 0) r.lowerRuns++;
    }
    else if (k === 1) r.upper++;
    else if (k === 2) r.digit++;
    else r.other++;
    if (prev !== -1 && k !== prev) r.changes++;
    prev = k;
  }
  return r;
}

/** Not a stand-in: no single repeated character, no "xxxx"/"****"/"<…>"/"${…}" mask or template. */
export function notPlaceholder(text: string, start: number, end: number): boolean {
  const c = text.charCodeAt(start);
  if (c === 36 || c === 60 || c === 123 || c === 37) return false; // $ < { %
  return entropy(text, start, end) >= 2;
}

/**
 * A token that looks machine-generated: enough entropy per character and either letters with
 * digits or both cases changing often (Hugging Face keys have no digits). `strict` (no key
 * name or prefix vouches for it) wants all three classes, frequent changes and no words
 * (camelCase identifiers have lower-case runs of three letters or more on average).
 */
export function looksRandom(text: string, start: number, end: number, strict: boolean): boolean {
  const n = end - start;
  if (n < 16) return false;
  const k = classes(text, start, end);
  if (k.lower + k.upper === 0) return false;
  const mixedCase = k.lower > 0 && k.upper > 0 && k.changes >= n * 0.3;
  if (strict ? k.digit === 0 || !mixedCase || k.lower >= 3 * k.lowerRuns : k.digit === 0 && !mixedCase) return false;
  return entropy(text, start, end) >= (strict ? 3.5 : 3);
}

/** Standard base64 that decodes to printable text with spaces ("SGVsbG8gV29ybGQ=" is "Hello World"). */
export function isBase64Text(text: string, start: number, end: number): boolean {
  if ((end - start) % 4 !== 0) return false;
  let printable = 0;
  let spaces = 0;
  let total = 0;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 61) break;
    const v = c >= 65 && c <= 90 ? c - 65 : c >= 97 && c <= 122 ? c - 71 : c >= 48 && c <= 57 ? c + 4 : c === 43 ? 62 : c === 47 ? 63 : -1;
    if (v < 0) return false;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      total++;
      if (byte === 32) spaces++;
      if ((byte >= 32 && byte < 127) || byte === 10 || byte === 9) printable++;
    }
  }
  return total > 0 && printable / total >= 0.95 && spaces > 0;
}
