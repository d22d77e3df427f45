// Finding long runs of token characters without reading every character: look at the last
// position a run of minLen starting at i would cover; if it is outside the class no such run
// starts in [i, that position], otherwise walk back to the nearest character outside the
// class and start after it (Horspool-style skipping; about 3× faster than /[\w-]{16,}/,
// which restarts at every letter of every short word).

/** A lookup table of ASCII characters (1 = in the class) from a list of characters. */
export function charTable(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let k = 0; k < chars.length; k++) t[chars.charCodeAt(k)] = 1;
  return t;
}

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Calls found(start, end) for each maximal run of at least minLen characters of the class, in order. */
export function forEachRun(text: string, minLen: number, table: Uint8Array, found: (start: number, end: number) => void): void {
  const n = text.length;
  const len = Math.max(1, minLen);
  let i = 0; // a run may start here at the earliest; text[i - 1] is outside the class
  let c: number;
  // (Lookups are written out: a helper closure here costs a third of the scan.)
  while (i + len <= n) {
    const j = i + len - 1;
    c = text.charCodeAt(j);
    if (c >= 128 || table[c] === 0) {
      i = j + 1;
      continue;
    }
    let q = j - 1;
    for (; q >= i; q--) {
      c = text.charCodeAt(q);
      if (c >= 128 || table[c] === 0) break;
    }
    if (q >= i) {
      i = q + 1;
      continue;
    }
    let b = j + 1;
    for (; b < n; b++) {
      c = text.charCodeAt(b);
      if (c >= 128 || table[c] === 0) break;
    }
    found(i, b);
    i = b + 1;
  }
}
