// API_KEY, weak form: a 20+ character token that looks machine-generated (both cases,
// digits, high Shannon entropy, frequent class changes) scores 0.3 — reported only when a
// context word (key, token, secret, password, bearer, Passwort, clé, contraseña …) is near,
// which lifts it to 0.65. Hex hashes, UUIDs, base64 of ordinary text, paths and URLs are not
// tokens. Long runs are found by sampling (runs.ts); the context-word test runs only once a
// token qualifies, so most texts never pay for it.
import { isWordChar } from "./chars.ts";
import { isBase64Text, looksRandom } from "./randomness.ts";
import { ALNUM, charTable, forEachRun } from "./runs.ts";
import { hasKnownPrefix } from "./secrets.ts";
import type { Recognizer } from "./types.ts";

const SCORE = 0.3;
const MIN_TOKEN = 20;
const CONTEXT = [
  "key", "token", "secret", "password", "passwd", "pwd", "api", "apikey", "api_key", "api-key", "access_key", "secret_key", "access_token",
  "auth_token", "client_secret", "bearer", "auth", "authorization", "credential", "credentials", "passwort", "kennwort", "schlüssel", "clé",
  "contraseña", "clave", "senha", "chave", "wachtwoord", "sleutel", "parola", "chiave", "hasło", "klucz", "lösenord", "nyckel",
];
/** Any of the context words as a substring (a superset of what the detector's whole-word test accepts). */
const ANY_CONTEXT = /key|token|secret|passw|pwd|api|bearer|auth|credential|kennwort|schl(?:ü|ue)ssel|cl(?:é|ave)|contrase|senha|chave|wachtwoord|sleutel|parola|chiave|has(?:ł|l)o|klucz|l(?:ö|o)senord|nyckel/i;
const TOKEN_CHARS = charTable(ALNUM + "+/_=-");

export function highEntropyRecognizer(): Recognizer {
  return {
    name: "high-entropy",
    types: ["API_KEY"],
    context: CONTEXT,
    find(text, emit) {
      let context: boolean | undefined;
      forEachRun(text, MIN_TOKEN, TOKEN_CHARS, (runStart, runEnd) => {
        let start = runStart;
        let end = runEnd;
        // "NAME=value" inside the run: the value is the token ('=' elsewhere is base64 padding).
        for (let i = end - 2; i > start; i--) if (text.charCodeAt(i) === 61 && text.charCodeAt(i + 1) !== 61) {
          start = i + 1;
          break;
        }
        // Leading and trailing separators do not belong to the token; base64 padding does.
        while (start < end && isSeparator(text.charCodeAt(start))) start++;
        while (end > start && isSeparator(text.charCodeAt(end - 1)) && text.charCodeAt(end - 1) !== 61) end--;
        if (end - start < MIN_TOKEN || hasKnownPrefix(text, start) || !looksRandom(text, start, end, true)) return;
        if (inUrlOrHost(text, runStart, runEnd) || isHexOrUuid(text, start, end) || isBase64Text(text, start, end)) return;
        context ??= ANY_CONTEXT.test(text);
        if (context) emit({ type: "API_KEY", start, end, score: SCORE });
      });
    },
  };
}

const isSeparator = (c: number) => c === 45 || c === 95 || c === 47 || c === 61 || c === 43;

/** Part of a URL, a path or a host name: '/', ':' or '@' before it, or a dotted name around it. */
function inUrlOrHost(text: string, start: number, end: number): boolean {
  const b = start > 0 ? text.charCodeAt(start - 1) : 32;
  if (b === 47 || b === 64 || b === 58 || b === 92 || b === 37) return true;
  if (b === 46 && start > 1 && isWordChar(text.charCodeAt(start - 2))) return true;
  const a = end < text.length ? text.charCodeAt(end) : 32;
  if (a === 46 && end + 1 < text.length && isWordChar(text.charCodeAt(end + 1))) return true;
  if (a === 64 || a === 37) return true;
  // Several '/' between word-like segments: a path ("src/lib/Foo2Bar"), not base64.
  let seg = start;
  let wordy = 0;
  for (let i = start; i <= end; i++) {
    if (i === end || text.charCodeAt(i) === 47) {
      if (i - seg >= 3 && !looksRandom(text, seg, i, false)) wordy++;
      seg = i + 1;
    }
  }
  return wordy >= 2;
}

/** Hex digits and dashes only: hashes (git, sha256) and UUIDs. */
function isHexOrUuid(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) | 32;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || c === 45)) return false;
  }
  return true;
}
