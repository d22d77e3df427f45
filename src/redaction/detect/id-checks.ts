// Shared by the identifier recognizers (national ids, SSN, medical ids, dates of birth):
// token edges, the check-digit schemes several formats reuse, and calendar dates.

const isAsciiAlnum = (c: number) => (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
const isDigitCode = (c: number) => c >= 48 && c <= 57;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** A letter or digit of any script (so "é123456789" is one token, not a number). */
export function isAlnumAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return isAsciiAlnum(c);
  return LETTER_OR_DIGIT.test(text[i]!);
}

/** Characters that join digit groups into one longer number ("12 345", "1.234", "12-34", "1/2", "1,5"). */
const isJoiner = (c: number) => c === 32 || c === 45 || c === 46 || c === 47 || c === 44;

/**
 * Whether text[start, end) stands alone: no letter or digit touches it, and it is not one
 * group of a longer number ("12 123456789", "123456789-5", "3.123456789"). Without this a
 * 9-digit window of a 16-digit card or a grouped order number would pass for an id.
 */
export function isolated(text: string, start: number, end: number): boolean {
  if (isAlnumAt(text, start - 1) || isAlnumAt(text, end)) return false;
  if (start >= 2 && isJoiner(text.charCodeAt(start - 1)) && isDigitCode(text.charCodeAt(start - 2))) return false;
  if (end + 1 < text.length && isJoiner(text.charCodeAt(end)) && isDigitCode(text.charCodeAt(end + 1))) return false;
  return true;
}

/** The ASCII digits of s, in order. */
export function digitsOf(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigitCode(c)) out += s[i];
  }
  return out;
}

/** Digit value of s[i] (NaN-free callers pass digit strings). */
export const digitAt = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** Luhn (mod 10) over a digit string, check digit last. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let n = digitAt(digits, i);
    if (double) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Every character the same ("111111111"): never a real id. */
export function allSame(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) !== s.charCodeAt(0)) return false;
  return true;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Whether y-m-d (month 1..12) exists in the Gregorian calendar. */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1) return false;
  const max = m === 2 && isLeap(y) ? 29 : DAYS[m - 1]!;
  return d <= max;
}

/** Whether y-m-d is a real date not after `now` (a birth date, a date encoded in an id). */
export function isPastDate(y: number, m: number, d: number, now: Date = new Date()): boolean {
  if (!isCalendarDate(y, m, d)) return false;
  const ny = now.getUTCFullYear();
  const nm = now.getUTCMonth() + 1;
  const nd = now.getUTCDate();
  return y < ny || (y === ny && (m < nm || (m === nm && d <= nd)));
}

/** A two-digit year as the most recent year ending in it that is not in the future. */
export function pastCentury(yy: number, now: Date = new Date()): number {
  const ny = now.getUTCFullYear();
  let y = Math.floor(ny / 100) * 100 + yy;
  if (y > ny) y -= 100;
  return y;
}
