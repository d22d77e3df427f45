// EMAIL: each '@' is expanded left over the local part and right over the domain (no
// regex over the whole text), so the scan is linear and a text without '@' costs one
// indexOf. The domain needs a plausible TLD: a known one scores 0.9, any other 2–24 letters
// 0.45 (found only with a context word such as "email"). mailto: links are found too.
import { isAsciiAlnum, isDigit } from "./chars.ts";
import { FILE_EXTENSIONS, KNOWN_TLDS } from "./tlds.ts";
import type { Recognizer } from "./types.ts";

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const KNOWN_SCORE = 0.9;
const UNKNOWN_SCORE = 0.45;

/** Letters beyond ASCII that may appear in internationalised addresses (not punctuation, spaces, symbols or emoji). */
const isIntlLetter = (c: number) =>
  c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !(c >= 0x2000 && c <= 0x2bff) && !(c >= 0x3000 && c <= 0x303f) && !(c >= 0xd800 && c <= 0xdfff) && !(c >= 0xfe00 && c <= 0xff65);

/** RFC 5322 atext minus the characters that in prose sit next to an address rather than in it (/ = ? { } | `); a leading quote is trimmed. */
const isLocalChar = (c: number) =>
  isAsciiAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || c === 33 || c === 35 || c === 36 || c === 38 || c === 42 || c === 94 || c === 126 || c === 39 || isIntlLetter(c);
const isDomainChar = (c: number) => isAsciiAlnum(c) || c === 45 || c === 46 || isIntlLetter(c);
const isLabelEdge = (c: number) => isAsciiAlnum(c) || isIntlLetter(c);

export function emailRecognizer(): Recognizer {
  return {
    name: "email",
    types: ["EMAIL"],
    context: ["email", "e-mail", "mail", "mailto", "courriel", "correo", "adresse", "address", "contact", "kontakt", "posta", "endereço", "e-post", "mejl", "adres", "poczta"],
    find(text, emit) {
      let at = text.indexOf("@");
      let floor = 0; // nothing before this index may be reused (the previous address ended there)
      while (at !== -1) {
        const found = addressAt(text, at, floor);
        if (found) {
          emit({ type: "EMAIL", start: found.start, end: found.end, score: found.score });
          floor = found.end;
        }
        at = text.indexOf("@", Math.max(at + 1, floor));
      }
    },
  };
}

function addressAt(text: string, at: number, floor: number): { start: number; end: number; score: number } | null {
  // Local part: expand left, then drop leading punctuation ('.', '-', …) that belongs to the prose.
  let start = at;
  while (start > floor && at - start < MAX_LOCAL && isLocalChar(text.charCodeAt(start - 1))) start--;
  if (start > floor && isLocalChar(text.charCodeAt(start - 1))) return null; // a local part longer than 64
  while (start < at && !isLabelEdge(text.charCodeAt(start)) && text.charCodeAt(start) !== 95) start++;
  if (start === at || text.charCodeAt(at - 1) === 46) return null;
  // "scheme://user:password@host": credentials in a URL, not an address (url-credentials.ts reports the URL).
  if (start > 0 && text.charCodeAt(start - 1) === 58 && inUserinfo(text, start - 1)) return null;
  for (let i = start + 1; i < at; i++) if (text.charCodeAt(i) === 46 && text.charCodeAt(i - 1) === 46) return null;

  // Domain: expand right, trim trailing '.' and '-', then check the labels.
  let end = at + 1;
  while (end < text.length && end - at <= MAX_DOMAIN && isDomainChar(text.charCodeAt(end))) end++;
  while (end > at + 1 && !isLabelEdge(text.charCodeAt(end - 1))) end--;
  const host = domainEnd(text, at + 1, end);
  if (host === null) return null;
  return { start, end: host.end, score: host.known ? KNOWN_SCORE : UNKNOWN_SCORE };
}

/** Whether the ':' at i sits in the userinfo of a URL: "://" before it with no space, '/', '?', '#' or '@' between. */
function inUserinfo(text: string, i: number): boolean {
  for (let k = i - 1; k >= 2 && i - k <= 80; k--) {
    const c = text.charCodeAt(k);
    if (c === 47) return text.charCodeAt(k - 1) === 47 && text.charCodeAt(k - 2) === 58;
    if (c <= 32 || c === 63 || c === 35 || c === 64) return false;
  }
  return false;
}

/**
 * Where the domain in [from, to) ends, and whether its TLD is a known one. A last label that
 * is not a plausible TLD, or is mixed case ("example.com.Thanks"), is dropped and the one
 * before it tried.
 */
function domainEnd(text: string, from: number, to: number): { end: number; known: boolean } | null {
  let end = to;
  for (let attempt = 0; attempt < 2; attempt++) {
    let dot = end - 1;
    while (dot > from && text.charCodeAt(dot) !== 46) dot--; // (not lastIndexOf: it would search past `from`)
    if (dot <= from || dot >= end - 1) return null;
    if (!labelsValid(text, from, end)) return null;
    const tld = tldScore(text, dot + 1, end);
    if (tld !== null) return { end, known: tld };
    end = dot;
  }
  return null;
}

function labelsValid(text: string, from: number, end: number): boolean {
  let labelStart = from;
  for (let i = from; i <= end; i++) {
    if (i === end || text.charCodeAt(i) === 46) {
      const len = i - labelStart;
      if (len < 1 || len > 63) return false;
      if (!isLabelEdge(text.charCodeAt(labelStart)) || !isLabelEdge(text.charCodeAt(i - 1))) return false;
      labelStart = i + 1;
    }
  }
  return true;
}

/** true: a known TLD; false: plausible letters only; null: not a TLD (digits, mixed case, too long). */
function tldScore(text: string, from: number, end: number): boolean | null {
  const len = end - from;
  if (len < 2 || len > 24) return null;
  if (text.startsWith("xn--", from) || text.startsWith("XN--", from)) return true;
  let upper = 0;
  let lower = 0;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (isDigit(c) || c === 45) return null;
    else lower++; // internationalised TLDs (.рф, .中国) count as letters
  }
  if (upper > 0 && lower > 0) return null;
  const tld = text.slice(from, end).toLowerCase();
  if (FILE_EXTENSIONS.has(tld)) return null;
  return KNOWN_TLDS.has(tld);
}
