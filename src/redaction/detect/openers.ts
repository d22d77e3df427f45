// Words answers and prompts open with ("Sure", "Hello", "Voici", "Gerne") that are never part
// of a name or a place, in the nine languages. The detector never starts a PERSON or LOCATION
// span with one ("Certainly van der Berg" is a name after the first word; "Please Straße 5"
// an address after it), and so a stream can emit an answer's first word as soon as it is
// complete instead of holding it, as a capitalised word, until the next one shows it was no
// name: the first content token is not delayed by a whole token interval.
//
// Only words with no reading as a given name, surname or place part belong here: not the
// articles and particles places and names start with (Le, La, De, San, St, New, Los).

import { asciiHash, NOT_ASCII } from "./context-match.ts";

const WORDS = `
please sure here here's hello hi hey thanks thank yes no i i'm i've i'll i'd the this that these those it it's
certainly of based below unfortunately great okay ok absolutely to in for as if when what how why we you your my
our there there's let let's sorry however also and but so an a dear note first sadly regarding
ich sie bitte gerne gern hier das die der natürlich sicher klar hallo danke ja nein leider zunächst wir
je voici bien oui non merci bonjour voilà certainement bonsoir salut désolé malheureusement nous vous
claro aquí gracias hola sí por lamentablemente perfecto
certo ecco grazie ciao sì salve purtroppo
ik natuurlijk zeker dank hoi helaas graag
oczywiście dziękuję cześć dzień niestety proszę
olá obrigado obrigada aqui infelizmente
jag här tack hej visst absolut självklart tyvärr
`;

/** The opener words, lower case. */
export const OPENERS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));

/** asciiHash() of the ASCII opener words. */
const ASCII_OPENERS: ReadonlySet<number> = new Set([...OPENERS].map((w) => asciiHash(w, 0, w.length)).filter((h) => h !== NOT_ASCII));

/** Punctuation an opener may carry ("Hello," "Sure!"). */
const TRAILING = /[,!:;]$/;

/** Whether a whitespace-delimited token is an opener word (case-insensitive, a trailing , ! : ; allowed). */
export function isOpener(token: string): boolean {
  const w = TRAILING.test(token) ? token.slice(0, -1) : token;
  return w.length > 0 && w.length <= 20 && OPENERS.has(w.toLowerCase().replace("\u2019", "'"));
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0;

/**
 * Where a span of text[start, end) starts once a leading opener word is left out: after the
 * word and the whitespace behind it (`end` when nothing is left: the span was only that
 * word); `start` when the span does not open with one.
 */
export function afterLeadingOpener(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && !isSpace(text.charCodeAt(i))) i++;
  if (i === start || i - start > 21) return start;
  // an ASCII word whose hash is no opener's is none (most names and places): nothing is cut out
  const c = text.charCodeAt(i - 1);
  const h = asciiHash(text, start, c === 44 || c === 33 || c === 58 || c === 59 ? i - 1 : i);
  if ((h !== NOT_ASCII && !ASCII_OPENERS.has(h)) || !isOpener(text.slice(start, i))) return start;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  return i;
}
