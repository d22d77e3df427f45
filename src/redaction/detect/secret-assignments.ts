// Values given to a secret-named key: password=…, "api_key": "…", DB_PASSWORD: …,
// Passwort: …, mot de passe : …, "the password is …". Only the value is reported. A
// password-like key wants a value that is not a plain word (two character classes, or
// digits only, 6+ characters); a token-like key wants a machine-looking value. Found from
// the connectors (each ':' and '=' looks back at the name before it, a cheap indexOf
// walk), and for prose from a password word followed by a copula.
import { isAsciiLetter, isLower, isWordChar } from "./chars.ts";
import { classes, isBase64Text, looksRandom, notPlaceholder } from "./randomness.ts";
import type { Candidate } from "./types.ts";

const PASSWORD_SCORE = 0.8;
const TOKEN_SCORE = 0.85;
const MAX_VALUE = 200;
const MAX_NAME = 48;

/** Secret key names at the end of an identifier, lower-case; group 1 is password-like, the rest token-like. */
const NAME =
  /(?:(pass(?:word|wd|phrase|wort|e)?|pwd|kennwort|contrase(?:ñ|n)a|senha|wachtwoord|parola|l(?:ö|o)senord|has(?:ł|l)o|salasana|heslo|mdp)|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth|cl(?:é|e)|clave|chiave|schl(?:ü|ue)ssel|sleutel|klucz|nyckel|chave)$/;
/** Lower-case for ASCII and Latin-1 capitals, and Ł (enough for the names above). */
const lower = (c: number) => Math.min(1023, (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? c | 32 : c === 0x141 ? 0x142 : c);
/** Three lower-cased characters in one small integer (10 bits each), so the set lookup hashes no string. */
const tailCode = (a: number, b: number, c: number) => (lower(a) << 20) | (lower(b) << 10) | lower(c);
/** The last three letters of every name above: most identifiers before a ':' are rejected on these, without a substring. */
const TAILS = new Set(
  "ass ord swd ase sse ort pwd ena eña nha ola sło slo ana mdp ret ken key uth ial als clé cle ave sel ucz kel"
    .split(" ")
    .map((t) => tailCode(t.charCodeAt(0), t.charCodeAt(1), t.charCodeAt(2))),
);
/** "password is …" and its translations (case as written in prose: capitalised or lower-case); "[mot de] passe est". */
const COPULA =
  /(?:[Pp]ass(?:word|wort|wd|e)?|PASSWOR[DT]|[Kk]ennwort|[Cc]ontrase(?:ñ|n)a|[Ss]enha|[Ww]achtwoord|[Pp]arola|[Ll](?:ö|o)senord|[Hh]as(?:ł|l)o|[Ss]alasana|[Hh]eslo)[ \t]+(?:is|ist|lautet|est|es|é|è|jest|to|är|on|was|war|era)[ \t:]+/g;

/** The first three letters, lower-cased, of each password word of COPULA. */
const COPULA_HEADS = new Set(["pas", "ken", "con", "sen", "wac", "par", "lös", "los", "has", "sal", "hes"].map((t) => tailCode(t.charCodeAt(0), t.charCodeAt(1), t.charCodeAt(2))));
/** ASCII letters that start one of them, either case. */
const COPULA_FIRST = new Uint8Array(128);
for (const ch of "pkcswlhPKCSWLH") COPULA_FIRST[ch.charCodeAt(0)] = 1;
/**
 * The last three letters, lower-cased, of each password word of COPULA, with the lengths of
 * the words that end so (Pass 4, Passe 5, Password/Lösenord 8 and Wachtwoord 10, …).
 */
const COPULA_TAILS = new Map<number, readonly number[]>(
  ([["ass", [4]], ["sse", [5]], ["ord", [8, 10]], ["ort", [8]], ["swd", [6]], ["eña", [10]], ["ena", [10]], ["nha", [5]], ["ola", [6]], ["sło", [5]], ["slo", [5]], ["ana", [8]]] as const).map(
    ([t, lengths]) => [tailCode(t.charCodeAt(0), t.charCodeAt(1), t.charCodeAt(2)), lengths],
  ),
);

/**
 * The last three letters of each password word of COPULA and the space or tab after it (either
 * case: a superset of what tailCode() folds, checked again on each hit); the regex engine finds
 * these much faster than a loop over the spaces.
 */
const COPULA_END = /(?:ass|sse|ord|ort|swd|eña|ena|nha|ola|sło|slo|ana)[ \t]/gi;

/**
 * Where a password word of COPULA may start, in text order: a password word is followed by a
 * space or a tab, so only the words that end before one with the last three letters of a
 * password word are looked at (`ends`, a COPULA_END of the finder's own), and of those only
 * where the first three letters of the word that long start one. The regex (an alternation
 * with no literal prefix, which the engine would try at every position) runs only there.
 */
function copulaStarts(text: string, ends: RegExp): number[] {
  const at: number[] = [];
  ends.lastIndex = 0;
  while (ends.test(text)) {
    const p = ends.lastIndex - 1; // the space or tab
    const lengths = COPULA_TAILS.get(tailCode(text.charCodeAt(p - 3), text.charCodeAt(p - 2), text.charCodeAt(p - 1)));
    if (lengths === undefined) continue;
    for (const length of lengths) {
      const i = p - length;
      if (i < 0) continue;
      const c = text.charCodeAt(i);
      if (c >= 128 || COPULA_FIRST[c] !== 1) continue;
      if (!COPULA_HEADS.has(tailCode(c, text.charCodeAt(i + 1) | 32, text.charCodeAt(i + 2)))) continue;
      // in order: a longer word before a later separator can start before a shorter one
      // (a start found twice is harmless: the second time it is inside the match or fails again)
      let j = at.length;
      at.push(i);
      while (j > 0 && at[j - 1]! > i) {
        at[j] = at[j - 1]!;
        j--;
      }
      at[j] = i;
    }
  }
  return at;
}

/** A finder of assigned secrets (its own regex state, so two finders never share a lastIndex). */
export function assignmentFinder(): (text: string, emit: (c: Candidate) => void) => void {
  const copula = new RegExp(COPULA.source, "y");
  const copulaEnds = new RegExp(COPULA_END.source, "gi");
  return (text, emit) => {
    let last = 0; // end of the last value reported: a connector inside it is not looked at
    for (let p = text.indexOf(":"); p !== -1; p = text.indexOf(":", p + 1)) {
      if (p < last) continue;
      const v = assignmentAt(text, p);
      if (v) {
        emit({ type: "API_KEY", start: v.start, end: v.end, score: v.password ? PASSWORD_SCORE : TOKEN_SCORE });
        last = v.end;
      }
    }
    last = 0;
    for (let p = text.indexOf("="); p !== -1; p = text.indexOf("=", p + 1)) {
      const b = text.charCodeAt(p - 1);
      if (p < last || b === 58 || b === 33 || b === 60 || b === 62 || b === 61) continue; // inside a value; :=, !=, <=, >=, ==
      const v = assignmentAt(text, p);
      if (v) {
        emit({ type: "API_KEY", start: v.start, end: v.end, score: v.password ? PASSWORD_SCORE : TOKEN_SCORE });
        last = v.end;
      }
    }
    last = 0; // end of the last "password is": a stem inside it starts nothing
    for (const s of copulaStarts(text, copulaEnds)) {
      if (s < last) continue;
      copula.lastIndex = s;
      if (copula.exec(text) === null) continue;
      last = copula.lastIndex;
      if (s > 0 && isLower(text.charCodeAt(s - 1))) continue;
      const v = valueFrom(text, copula.lastIndex);
      if (v && passwordValue(text, v.start, v.end)) emit({ type: "API_KEY", start: v.start, end: v.end, score: PASSWORD_SCORE });
    }
  };
}

const isBlank = (c: number) => c === 32 || c === 9;
const isQuote = (c: number) => c === 34 || c === 39 || c === 96;
const isNameChar = (c: number) => isWordChar(c) || c === 45 || c === 46 || c > 127;

/** The value after the connector at p, when the name before it is a secret's. */
function assignmentAt(text: string, p: number): { start: number; end: number; password: boolean } | null {
  // The name: back over blanks and a closing quote, then identifier characters.
  let j = p;
  while (j > 0 && p - j < 3 && isBlank(text.charCodeAt(j - 1))) j--;
  if (j > 0 && isQuote(text.charCodeAt(j - 1))) j--;
  const nameEnd = j;
  if (nameEnd < 3 || !isAsciiLetter(text.charCodeAt(nameEnd - 1)) && text.charCodeAt(nameEnd - 1) <= 127) return null;
  if (!TAILS.has(tailCode(text.charCodeAt(nameEnd - 3), text.charCodeAt(nameEnd - 2), text.charCodeAt(nameEnd - 1)))) return null;
  while (j > 0 && nameEnd - j < MAX_NAME && isNameChar(text.charCodeAt(j - 1))) j--;
  const name = text.slice(j, nameEnd).toLowerCase();
  const m = NAME.exec(name);
  if (m === null) return null;
  // The name must start its part of the identifier: "dbPassword", "DB_PASSWORD", not "bypass" or "tokens".
  const kStart = j + m.index;
  if (kStart > j && isLower(text.charCodeAt(kStart - 1)) && isLower(text.charCodeAt(kStart))) return null;
  let k = p + 1;
  if (k < text.length && (text.charCodeAt(k) === 61 || text.charCodeAt(k) === 62)) k++; // := =>
  const v = valueFrom(text, k);
  if (v === null || !notPlaceholder(text, v.start, v.end)) return null;
  const password = m[1] !== undefined;
  if (password ? !passwordValue(text, v.start, v.end) : !looksRandom(text, v.start, v.end, false) || isBase64Text(text, v.start, v.end)) return null;
  return { ...v, password };
}

/** The value starting after blanks at i: quoted up to its quote on the same line, or up to a space or delimiter. */
function valueFrom(text: string, i: number): { start: number; end: number } | null {
  const n = text.length;
  const from = i;
  while (i < n && i - from < 12 && isBlank(text.charCodeAt(i))) i++;
  if (i >= n) return null;
  const q = text.charCodeAt(i);
  if (isQuote(q)) {
    const start = i + 1;
    let end = start;
    while (end < n && end - start <= MAX_VALUE && text.charCodeAt(end) !== q && text.charCodeAt(end) !== 10) end++;
    if (end >= n || text.charCodeAt(end) !== q || end === start) return null;
    return { start, end };
  }
  const start = i;
  let end = start;
  while (end < n && end - start <= MAX_VALUE && !stopsValue(text.charCodeAt(end))) end++;
  if (end - start > MAX_VALUE) return null;
  while (end > start && isTrailing(text.charCodeAt(end - 1))) end--;
  return end > start ? { start, end } : null;
}

const stopsValue = (c: number) =>
  c <= 32 || isQuote(c) || c === 44 || c === 59 || c === 38 || c === 60 || c === 62 || c === 41 || c === 93 || c === 125 || c === 0xa0 || c === 92;
/** '.' and ':' end sentences; '!' and '?' are kept (passwords end in them more often than prose does after one). */
const isTrailing = (c: number) => c === 46 || c === 58;

/** 6–128 characters, not a plain word: two classes, or digits only. */
function passwordValue(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n < 6 || n > 128) return false;
  const k = classes(text, start, end);
  if (k.digit === n) return true;
  const kinds = (k.lower > 0 ? 1 : 0) + (k.upper > 0 ? 1 : 0) + (k.digit > 0 ? 1 : 0) + (k.other > 0 ? 1 : 0);
  if (kinds < 2) return false;
  // "Required", "secret-value", "my_password": words, not passwords.
  if (k.digit === 0 && k.other === 0 && k.upper === 1 && k.changes <= 1) return false;
  if (k.digit === 0 && k.upper === 0 && /^[a-z]+(?:[_-][a-z]+)*$/.test(text.slice(start, end))) return false;
  return true;
}
