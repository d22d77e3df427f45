// Character-class tests on UTF-16 code units, shared by the structured recognizers: they
// scan with charCodeAt and these, so no substring or regex is built per character.

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isUpper = (c: number): boolean => c >= 65 && c <= 90;
export const isLower = (c: number): boolean => c >= 97 && c <= 122;
export const isAsciiLetter = (c: number): boolean => (c | 32) >= 97 && (c | 32) <= 122;
export const isAsciiAlnum = (c: number): boolean => isDigit(c) || isAsciiLetter(c);
/** ASCII letter, digit or '_': what makes a token continue (the edge of an entity must not touch one). */
export const isWordChar = (c: number): boolean => isAsciiAlnum(c) || c === 95;
export const isHex = (c: number): boolean => isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102);
export const hexValue = (c: number): number => (isDigit(c) ? c - 48 : (c | 32) - 87);

/** Whether text[i] (or the text edge, when i is out of range) is not a word character. */
export function edgeAt(text: string, i: number): boolean {
  return i < 0 || i >= text.length || !isWordChar(text.charCodeAt(i));
}

/** Per-character counts for entropy(); zeroed again before it returns (a scratch buffer, not state). */
const counts = new Uint32Array(129);

/** Shannon entropy in bits per character of text[start, end) (ASCII counts; others share a bucket). */
export function entropy(text: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return 0;
  for (let i = start; i < end; i++) counts[Math.min(text.charCodeAt(i), 128)]!++;
  let h = 0;
  for (let i = start; i < end; i++) {
    const k = Math.min(text.charCodeAt(i), 128);
    const m = counts[k]!;
    if (m > 0) {
      const p = m / n;
      h -= p * Math.log2(p);
      counts[k] = 0;
    }
  }
  return h;
}
