// CREDIT_CARD: runs of digits with optional single space/dash groups, kept only when the
// number passes Luhn and its prefix and length belong to a real card scheme (score 1).
// A run longer than a card is not cut into one, except for a card-shaped start (4-4-4-4,
// 4-6-5, 4-6-4) followed by more groups ("4111 1111 1111 1111 12/26") or one compact group
// of card length among other numbers.
import { isDigit, isWordChar } from "./chars.ts";
import { charTable, forEachRun } from "./runs.ts";
import type { Recognizer } from "./types.ts";

/** IIN ranges per scheme: [low, high] of the first `digits` digits, and allowed lengths. */
const RANGES: ReadonlyArray<readonly [digits: number, low: number, high: number, lengths: readonly number[]]> = [
  [1, 4, 4, [13, 16, 19]], // Visa
  [2, 51, 55, [16]], // Mastercard
  [4, 2221, 2720, [16]], // Mastercard 2-series
  [2, 34, 34, [15]], // Amex
  [2, 37, 37, [15]],
  [4, 6011, 6011, [16, 17, 18, 19]], // Discover
  [3, 644, 649, [16, 17, 18, 19]],
  [2, 65, 65, [16, 17, 18, 19]],
  [4, 3528, 3589, [16, 17, 18, 19]], // JCB
  [3, 300, 305, [14, 15, 16, 17, 18, 19]], // Diners Club
  [4, 3095, 3095, [14, 15, 16, 17, 18, 19]],
  [2, 36, 36, [14, 15, 16, 17, 18, 19]],
  [2, 38, 39, [16, 17, 18, 19]],
  [2, 62, 62, [16, 17, 18, 19]], // UnionPay
  [4, 2200, 2204, [16, 17, 18, 19]], // Mir
  [4, 5018, 5018, [12, 13, 14, 15, 16, 17, 18, 19]], // Maestro
  [4, 5020, 5020, [12, 13, 14, 15, 16, 17, 18, 19]],
  [4, 5038, 5038, [12, 13, 14, 15, 16, 17, 18, 19]],
  [4, 5893, 5893, [12, 13, 14, 15, 16, 17, 18, 19]],
  [4, 6304, 6304, [12, 13, 14, 15, 16, 17, 18, 19]],
  [4, 6759, 6759, [12, 13, 14, 15, 16, 17, 18, 19]],
  [4, 6761, 6763, [12, 13, 14, 15, 16, 17, 18, 19]],
];

/** Card-shaped group lengths at the start of a longer run. */
const SHAPES: ReadonlyArray<readonly number[]> = [[4, 4, 4, 4, 3], [4, 4, 4, 4], [4, 6, 5], [4, 6, 4]];

/** Digits, spaces and dashes: card numbers are found inside runs of at least 12 of these. */
const DIGITS_AND_SEPARATORS = charTable("0123456789 -");
const MIN_DIGITS = 12;

export function cardRecognizer(): Recognizer {
  return {
    name: "card",
    types: ["CREDIT_CARD"],
    context: ["card", "credit", "debit", "visa", "mastercard", "amex", "cc", "karte", "kreditkarte", "carte", "tarjeta", "carta", "cartão", "kaart", "karta", "kort"],
    find(text, emit) {
      forEachRun(text, MIN_DIGITS, DIGITS_AND_SEPARATORS, (a, b) => {
        // Inside the run: each longest stretch of digits with single separators between them.
        let i = a;
        while (i < b) {
          while (i < b && !isDigit(text.charCodeAt(i))) i++;
          const start = i;
          let digits = 0;
          while (i < b) {
            if (isDigit(text.charCodeAt(i))) {
              digits++;
              i++;
            } else if (i + 1 < b && isDigit(text.charCodeAt(i + 1)) && i > start) i++;
            else break;
          }
          if (digits >= MIN_DIGITS && edgesFree(text, start, i)) scanRun(text, start, i, emit);
        }
      });
    },
  };
}

/** Not glued to a word, a '+' (phone) or a decimal point or comma followed/preceded by digits. */
function edgesFree(text: string, start: number, end: number): boolean {
  const b = start > 0 ? text.charCodeAt(start - 1) : 32;
  if (isWordChar(b) || b === 43) return false;
  if ((b === 46 || b === 44) && start > 1 && isDigit(text.charCodeAt(start - 2))) return false;
  const a = end < text.length ? text.charCodeAt(end) : 32;
  if (isWordChar(a)) return false;
  if ((a === 46 || a === 44) && end + 1 < text.length && isDigit(text.charCodeAt(end + 1))) return false;
  return true;
}

type Emit = Parameters<Recognizer["find"]>[1];

function card(emit: Emit, start: number, end: number): void {
  emit({ type: "CREDIT_CARD", start, end, score: 1 });
}

/** Splits a run into segments of one separator kind (space or dash) and scans each. */
function scanRun(text: string, start: number, end: number, emit: Emit): void {
  let groups: number[] = [];
  let sep = 0;
  let g = start;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) continue;
    groups.push(g, i);
    if (sep !== 0 && c !== sep) {
      scanGroups(text, groups, emit);
      groups = [];
    }
    sep = c;
    g = i + 1;
  }
  groups.push(g, end);
  scanGroups(text, groups, emit);
}

/** Tries, in order: the whole segment, a card-shaped start, each compact group of card length. */
function scanGroups(text: string, groups: number[], emit: Emit): void {
  const n = groups.length / 2;
  const first = groups[0]!;
  const last = groups[groups.length - 1]!;
  const digits = countDigits(groups, 0, n);
  if (digits >= 12 && digits <= 19 && valid(text, first, last, digits)) return card(emit, first, last);
  if (n === 1) return;
  // A card-shaped start: 4-4-4-4 (+3), 4-6-5, 4-6-4.
  for (const shape of SHAPES) {
    if (shape.length >= n) continue;
    let ok = true;
    for (let k = 0; k < shape.length && ok; k++) ok = groups[2 * k + 1]! - groups[2 * k]! === shape[k];
    if (!ok) continue;
    const e = groups[2 * shape.length - 1]!;
    if (valid(text, first, e, e - first - (shape.length - 1))) return card(emit, first, e);
  }
  for (let k = 0; k < n; k++) {
    const l = groups[2 * k + 1]! - groups[2 * k]!;
    if (l >= 12 && l <= 19 && valid(text, groups[2 * k]!, groups[2 * k + 1]!, l)) card(emit, groups[2 * k]!, groups[2 * k + 1]!);
  }
}

function countDigits(groups: number[], from: number, to: number): number {
  let d = 0;
  for (let k = from; k < to; k++) d += groups[2 * k + 1]! - groups[2 * k]!;
  return d;
}

/** Luhn over the digits of text[start, end), and a scheme whose prefix and length match. */
export function valid(text: string, start: number, end: number, digits: number): boolean {
  let prefix = 0;
  let seen = 0;
  for (let i = start; i < end && seen < 4; i++) {
    const c = text.charCodeAt(i);
    if (isDigit(c)) {
      prefix = prefix * 10 + (c - 48);
      seen++;
    }
  }
  if (!schemeMatches(prefix, digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = end - 1; i >= start; i--) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) continue;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** prefix: the first four digits as a number. */
function schemeMatches(prefix4: number, length: number): boolean {
  for (const [digits, low, high, lengths] of RANGES) {
    const p = Math.floor(prefix4 / 10 ** (4 - digits));
    if (p >= low && p <= high && lengths.includes(length)) return true;
  }
  return false;
}
