// Redaction of text that arrives in pieces (an answer's deltas). Only text whose redaction can
// no longer change is emitted; the rest waits for more:
//
// - the last token while it may still grow (no whitespace after it yet);
// - before it, a run of tokens that could be one entity with what follows: digit groups
//   (cards, IBANs, phone numbers written with spaces), capitalised words and name particles
//   (names, street addresses), tokens with @ : / + (addresses, URLs, numbers) — but not
//   the stream's first word when it is an opener no entity includes ("Sure", "Voici":
//   detect/openers.ts), so the first content token is not delayed by the next one;
// - any candidate the detector sees that is not over its threshold yet but ends so close
//   to the end that a context word still to come could lift it;
// - any candidate at all until its sentence has ended or eight more words have come (the
//   name recognizers weigh what follows a name);
// - nothing is ever cut inside a candidate.
//
// The held text is capped (HOLD_CAP characters): past it, the oldest part is emitted as it
// is redacted then — an entity longer than the cap may be split, nothing shorter is. Text
// already emitted stays as left context (LOOKBEHIND) for the cues before an entity.
// At the end, everything left goes through the detector. For entities shorter than the cap,
// any split of a text into pieces gives the same output as redacting it whole.
import type { PiiType } from "../policy/schema.ts";
import type { Span } from "./detect/detect.ts";
import { isOpener } from "./detect/openers.ts";
import type { TextRedactor } from "./text-redactor.ts";

export const HOLD_CAP = 256;
const LOOKBEHIND = 256;
/** Complete words after a candidate that its context may still come from (detect.ts WORDS_AFTER). */
const CONTEXT_WORDS_AFTER = 2;
/** Words after a candidate, or the end of its sentence, before its detection is taken as final. */
const SETTLE_WORDS = 8;

export interface StreamText {
  /** The redacted text that can go out now ("" while everything is held). */
  push(piece: string): StreamOut;
  /** Everything still held, redacted: the end of the stream. */
  end(): StreamOut;
}

export interface StreamOut {
  text: string;
  /** A blocked type was found: `text` is what precedes it; nothing more may be emitted. */
  blocked?: PiiType[];
}

export function streamText(r: TextRedactor): StreamText {
  let tail = ""; // already emitted (original text), for left context
  let held = "";
  let stopped = false;

  function drain(final: boolean): StreamOut {
    if (stopped) return { text: "" };
    const window = tail + held;
    const off = tail.length;
    let cut = window.length;
    if (!final) {
      cut = holdFrom(window, off);
      // Candidates only move the cut earlier: nothing to emit means nothing to detect yet.
      if (cut <= off && window.length - off <= HOLD_CAP) return { text: "" };
    }
    const { candidates: cands, spans } = r.analyze(window);
    if (!final) {
      // Never inside a candidate; hold one a context word still to come could lift; and hold
      // any candidate until its sentence has ended or SETTLE_WORDS more words have come (the
      // name recognizers weigh what follows a name: a legal form, a list of companies).
      const near = contextWordStartFromEnd(window, CONTEXT_WORDS_AFTER + 1);
      const settled = Math.max(wordStartFromEnd(window, SETTLE_WORDS + 1), lastSentenceEnd(window));
      for (let moved = true; moved; ) {
        moved = false;
        for (const c of cands) {
          if (c.end <= off || c.start >= cut) continue;
          if (c.end > cut || (!c.reached && c.end > near) || c.end > settled) {
            const to = Math.max(off, c.start);
            if (to < cut) {
              cut = to;
              moved = true;
            }
          }
        }
      }
      if (window.length - cut > HOLD_CAP) cut = window.length - HOLD_CAP;
      if (cut <= off) return { text: "" };
    }
    // Detected over the whole window (context after the cut counts, as it would one-shot).
    const own = spans
      .filter((s) => s.start >= off && s.end <= cut)
      .map((s): Span => ({ ...s, start: s.start - off, end: s.end - off }));
    const region = window.slice(off, cut);
    const applied = r.apply(region, own);
    tail = window.slice(Math.max(0, cut - LOOKBEHIND), cut);
    held = window.slice(cut);
    if (applied.blocked) {
      stopped = true;
      return { text: applied.text, blocked: applied.blocked.types };
    }
    return { text: applied.text };
  }

  return {
    push(piece) {
      if (stopped) return { text: "" };
      held += piece;
      return drain(false);
    },
    end() {
      return drain(true);
    },
  };
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0 || c === 0x3000;

/**
 * Lower-case words that sit inside a name or an address between its other parts: particles
 * (van Gogh, de la Cruz, af Klint) and the street words the address lines start with (12 rue
 * de Rivoli, via Roma 3, ul. Długa 5).
 */
const PARTICLES = new Set([
  ...["van", "von", "de", "der", "den", "des", "del", "della", "delle", "dei", "degli", "di", "da", "do", "dos", "das", "du", "la", "las", "los", "le", "les", "af", "zu", "zum", "zur", "am", "an", "ter", "ten", "y", "e", "bin", "al", "d'", "l'"],
  ...["rue", "avenue", "boulevard", "bd", "chemin", "place", "allée", "impasse", "quai", "calle", "c/", "avenida", "avda", "plaza", "paseo", "camino", "via", "viale", "piazza", "corso", "vicolo", "largo", "ulica", "ul", "aleja", "al", "plac", "os", "osiedle", "rua", "travessa", "praça", "estrada", "straat", "laan", "plein", "gracht", "kade", "weg"],
]);

/** Whether a word still arriving may become a particle or street word ("r" → "rue"). */
function startsParticle(tok: string): boolean {
  for (const p of PARTICLES) if (p.startsWith(tok)) return true;
  return false;
}

/** Whether a complete token could belong to one entity with the text after it. */
function joinable(tok: string): boolean {
  const c = tok.charCodeAt(0);
  if (c >= 48 && c <= 57) return true; // digits: grouped numbers
  if (tok.length === 1 && (c === 43 || c === 45 || c === 40 || c === 41 || c === 47)) return true; // + - ( ) / between groups
  if (tok.toLowerCase() !== tok) return true; // capitalised or upper-case: names, places, IBAN groups
  if (/[@:/+\d]/.test(tok)) return true;
  return PARTICLES.has(tok.replace(/\.$/, ""));
}

/** Where the unstable end of the text starts (never before `off`). */
function holdFrom(window: string, off: number): number {
  let i = window.length;
  // The last token, unless whitespace already closed it. A plain word there closes the run
  // before it (it cannot continue a name or a number), so only it is held.
  if (i > off && !isSpace(window.charCodeAt(i - 1))) {
    while (i > off && !isSpace(window.charCodeAt(i - 1))) i--;
    const last = trimPunctuation(window.slice(i));
    if (!joinable(last) && !startsParticle(last)) return Math.max(off, i);
  }
  // Before it, complete tokens that could join what follows.
  let hold = i;
  for (;;) {
    let j = hold;
    while (j > 0 && isSpace(window.charCodeAt(j - 1))) j--;
    const end = j;
    while (j > 0 && !isSpace(window.charCodeAt(j - 1))) j--;
    if (end === j || j < off) break;
    // The stream's first word, when it is one no name or place starts with ("Sure", "Hallo"):
    // no entity can reach back over it, so it goes out without waiting for the next word.
    if (j === 0 && isOpener(window.slice(0, end))) break;
    if (!joinable(trimPunctuation(window.slice(j, end)))) break;
    hold = j;
    if (window.length - hold > HOLD_CAP) break;
  }
  return Math.max(off, hold);
}

/** A token without the punctuation a sentence puts around it ("(Anna," → "Anna"). */
function trimPunctuation(tok: string): string {
  return tok.replace(/^[("'«„“‘[]+|[)"'»“”’\],.;!?]+$/g, "") || tok;
}

const isContextWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127 || c === 45 || c === 95;

/** Where the n-th word from the end starts, counting words as detect.ts does for context (runs of word characters). */
function contextWordStartFromEnd(text: string, n: number): number {
  let i = text.length;
  for (let k = 0; k < n && i > 0; k++) {
    while (i > 0 && !isContextWordChar(text.charCodeAt(i - 1))) i--;
    while (i > 0 && isContextWordChar(text.charCodeAt(i - 1))) i--;
  }
  return i;
}

/** Just after the last sentence end (". ", "! ", "? " or a line break) in the text, or 0. */
function lastSentenceEnd(text: string): number {
  for (let i = text.length - 1; i > 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (isSpace(c)) {
      const p = text.charCodeAt(i - 1);
      if (p === 46 || p === 33 || p === 63) return i + 1;
    }
  }
  return 0;
}

/** The index where the n-th word from the end starts (0 if there are fewer). */
function wordStartFromEnd(text: string, n: number): number {
  let i = text.length;
  for (let k = 0; k < n && i > 0; k++) {
    while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
    while (i > 0 && !isSpace(text.charCodeAt(i - 1))) i--;
  }
  return i;
}
