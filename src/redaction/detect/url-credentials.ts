// URL_WITH_CREDENTIALS: scheme://user:password@host… for any scheme (https, postgres,
// mongodb+srv, redis, amqp, ftp …); the whole URL is the span. The password must be
// non-empty (redis://:pw@host counts, user@host without one does not) and not a template
// (${DB_PASSWORD}, <password>). The authority ends at the first '/', '?' or '#' (RFC 3986),
// so an '@' later in the path or query is not taken for credentials. Score 0.95.
import { isAsciiAlnum, isAsciiLetter } from "./chars.ts";
import type { Recognizer } from "./types.ts";

const SCORE = 0.95;

export function urlCredentialsRecognizer(): Recognizer {
  return {
    name: "url-credentials",
    types: ["URL_WITH_CREDENTIALS"],
    context: ["url", "uri", "dsn", "connection", "database", "db"],
    find(text, emit) {
      let from = 0;
      for (let p = text.indexOf("://"); p !== -1; p = text.indexOf("://", Math.max(p + 3, from))) {
        const found = credentialUrl(text, p, from);
        if (found) {
          emit({ type: "URL_WITH_CREDENTIALS", start: found.start, end: found.end, score: SCORE });
          from = found.end;
        }
      }
    },
  };
}

const isSchemeChar = (c: number) => isAsciiAlnum(c) || c === 43 || c === 45 || c === 46;
/** Characters that end a URL in prose or markup. */
const endsUrl = (c: number) => c <= 32 || c === 34 || c === 39 || c === 60 || c === 62 || c === 96 || c === 0xa0 || c === 92;

function credentialUrl(text: string, p: number, floor: number): { start: number; end: number } | null {
  let start = p;
  while (start > floor && p - start < 32 && isSchemeChar(text.charCodeAt(start - 1))) start--;
  while (start < p && !isAsciiLetter(text.charCodeAt(start))) start++;
  if (start === p) return null;
  // Authority: up to '/', '?', '#' or the end of the URL; credentials up to its last '@'.
  const auth = p + 3;
  let i = auth;
  let at = -1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35 || endsUrl(c)) break;
    if (c === 64) at = i;
    i++;
  }
  if (at === -1) return null;
  let colon = auth;
  while (colon < at && text.charCodeAt(colon) !== 58) colon++;
  if (colon >= at - 1) return null; // no password, or an empty one
  const pw = text.charCodeAt(colon + 1);
  if (pw === 36 || pw === 60 || pw === 123 || pw === 37) return null; // ${…} <…> {{…}} %(…)s
  const host = text.charCodeAt(at + 1);
  if (!(isAsciiAlnum(host) || host === 91 || host > 127)) return null;
  // The rest of the URL, without the sentence punctuation or an unbalanced closing bracket after it.
  let end = i;
  while (end < text.length && !endsUrl(text.charCodeAt(end))) end++;
  for (;;) {
    const c = text.charCodeAt(end - 1);
    if (c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63) end--;
    else if ((c === 41 && !opens(text, start, end, 40)) || (c === 93 && !opens(text, start, end, 91))) end--;
    else break;
  }
  return end > at + 1 ? { start, end } : null;
}

/** Whether an opening bracket inside [start, end) balances the closing one at end - 1. */
function opens(text: string, start: number, end: number, open: number): boolean {
  const close = open === 40 ? 41 : 93;
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === open) depth++;
    else if (c === close) depth--;
  }
  return depth >= 0;
}
