// PERSON without a model: runs of capitalised words (with particles, initials, hyphenated and
// apostrophe names) scored by the gazetteers (a known first name followed by another
// capitalised word is strong, a lone known surname weak) and raised by cues around them —
// titles (Herr, Mme, Pani), introductions (je m'appelle), greetings (Geachte), closings and
// signature lines, roles (Kunde, patient), field labels (Name:), verbs after (said), and
// e-mail local parts. Common words, brands, months and German nouns need a cue to count.
import { GREETINGS, HONORIFICS, HONORIFICS_LOWER, HONORIFICS_NEED_DOT, INTRO_STRONG, INTRO_WEAK, CLOSINGS, PERSON_LABELS, ROLES, VERBS_AFTER, WEAK_BEFORE } from "./name-cues.ts";
import { inEmail, type NameDoc } from "./name-doc.ts";
import { P_AMBIGUOUS, PARTICLES } from "./lexicon.ts";
import { CAP, F_LINE, F_SENT, LOWER, UPPER } from "./tokens.ts";

/** Below this a run is not reported at all (the default threshold is 0.5). */
export const MIN_PERSON_SCORE = 0.3;
const MAX_SCORE = 0.95;

/** Cue weights (added to the gazetteer score, capped at MAX_SCORE). */
const CUE = {
  honorific: 0.5,
  introStrong: 0.5,
  introWeak: 0.3,
  label: 0.45,
  greeting: 0.4,
  closing: 0.4,
  signature: 0.5,
  role: 0.3,
  email: 0.3,
  verbAfter: 0.15,
  weakBefore: 0.1,
} as const;

/** Assistant and product names that are also given names: never a person on their own. */
const ASSISTANTS = new Set("claude gemini siri alexa cortana copilot chatgpt bard grok jarvis devin gemma llama mistral".split(" "));

const GERMAN_NOUN_ENDINGS = ["ung", "heit", "keit", "schaft", "tion", "tat", "ismus", "nis", "tum", "ment", "enz", "anz", "chen", "lein", "ik", "ur"];

interface Tok {
  i: number;
  key: string;
  fn: boolean;
  sn: boolean;
  common: boolean;
  initial: boolean;
  particle: boolean;
}

export function findPersons(doc: NameDoc, emit: (start: number, end: number, score: number) => void): void {
  const { t } = doc;
  let i = 0;
  while (i < t.n) {
    if (t.kind[i] !== CAP || doc.glued(i)) {
      i++;
      continue;
    }
    i = Math.max(i + 1, run(doc, i, emit));
  }
}

/** Whether token i is a title (Mr, Frau, dhr., Pani, Sig.ra), with its dot where one is needed. */
export function isHonorific(doc: NameDoc, i: number): boolean {
  if (i < 0 || doc.glued(i)) return false;
  const k = doc.key(i);
  const kind = doc.t.kind[i];
  const dotted = doc.text.charCodeAt(doc.t.end[i]!) === 46;
  if (kind === LOWER) {
    if (!HONORIFICS_LOWER.has(k)) {
      // Sig.ra, Dott.ssa: the part after the dot
      if ((k === "ra" || k === "ssa") && i > 0 && doc.text.charCodeAt(doc.t.start[i]! - 1) === 46) return true;
      return false;
    }
  } else if (kind !== CAP && kind !== UPPER) return false;
  if (!HONORIFICS.has(k) && !HONORIFICS_LOWER.has(k)) return false;
  if (HONORIFICS_NEED_DOT.has(k) && !dotted) return false;
  return true;
}

/** Whether tokens j-1 and j are linked within a name: spaces, or the dot of an initial/title. */
function linked(doc: NameDoc, j: number): boolean {
  if (doc.spaced(j)) return true;
  const { t, text } = doc;
  const e = t.end[j - 1]!;
  if (text.charCodeAt(e) !== 46) return false;
  if (!/^[ \t\u00a0]+$/.test(text.slice(e + 1, t.start[j]!))) return false;
  return e - t.start[j - 1]! === 1 || isHonorific(doc, j - 1);
}

function tok(doc: NameDoc, i: number): Tok {
  const key = doc.key(i);
  const { lex } = doc;
  let fn = lex.first.has(key);
  let sn = lex.sur.has(key);
  let common = lex.common.has(key);
  const hyphen = key.indexOf("-");
  if (!fn && !sn && hyphen > 0) {
    // Jean-Luc, Anna-Lena, Müller-Lüdenscheidt: every part a name
    const parts = key.split("-");
    fn = parts.every((p) => lex.first.has(p));
    sn = !fn && parts.every((p) => lex.sur.has(p) || lex.first.has(p)) && parts.some((p) => lex.sur.has(p));
    if (parts.some((p) => lex.common.has(p) && !lex.first.has(p) && !lex.sur.has(p))) common = true;
  }
  if (lex.deny.has(key)) common = true; // brands, months, products: at best a name with a cue
  const initial = key.length === 1 && doc.text.charCodeAt(doc.t.end[i]!) === 46;
  return { i, key, fn, sn, common, initial, particle: PARTICLES.has(key) };
}

/** Scores the run of capitalised words starting at token i; returns the index to go on from. */
function run(doc: NameDoc, i: number, emit: (start: number, end: number, score: number) => void): number {
  const { t, lex } = doc;
  // 1. The run: capitalised words and particles between them, on one line.
  const idx: number[] = [i];
  let j = i + 1;
  while (j < t.n && idx.length < 8) {
    if (t.kind[j] === CAP && !doc.glued(j) && linked(doc, j)) {
      idx.push(j);
      j++;
    } else if (t.kind[j] === LOWER && j + 1 < t.n && t.kind[j + 1] === CAP && !doc.glued(j + 1) && doc.spaced(j) && linked(doc, j + 1) && PARTICLES.has(doc.key(j))) {
      idx.push(j, j + 1);
      j += 2;
    } else break;
  }
  const after = j;

  // 2. Leading titles, greetings, roles and common words are cues or noise, not the name.
  let a = 0;
  while (a < idx.length) {
    const k = idx[a]!;
    if (isHonorific(doc, k)) {
      a++;
      continue;
    }
    const x = tok(doc, k);
    if (x.particle && a + 1 < idx.length) break; // De Vries, Van der Berg
    if (ASSISTANTS.has(x.key) && !(a + 1 < idx.length && lex.sur.has(doc.key(idx[a + 1]!)))) {
      a++;
      continue;
    }
    if (lex.deny.has(x.key) && !x.fn && !x.sn) {
      a++;
      continue;
    }
    if (x.common && !x.fn && !x.sn) {
      a++;
      continue;
    }
    if ((GREETINGS.has(x.key) || ROLES.has(x.key) || CLOSINGS.has(x.key)) && !x.fn) {
      a++;
      continue;
    }
    break;
  }
  if (a >= idx.length) return after;

  // 3. The name: from there while the words may be part of a name (at most four).
  const name: Tok[] = [];
  let b = a;
  let words = 0;
  while (b < idx.length) {
    const x = tok(doc, idx[b]!);
    const isLowerParticle = t.kind[x.i] === LOWER;
    if (isLowerParticle || (x.particle && b + 1 < idx.length && name.length === 0)) {
      name.push({ ...x, particle: true });
      b++;
      continue;
    }
    if (lex.deny.has(x.key) && !x.fn && !x.sn) break;
    if (x.common && !x.fn && !x.sn) break;
    if (ASSISTANTS.has(x.key) && name.length > 0) break;
    if (words === 4) return after; // five or more capitalised words: a title, not a name
    name.push(x);
    words++;
    b++;
  }
  while (name.length > 0 && name[name.length - 1]!.particle) name.pop();
  const next = b < idx.length ? idx[b]! : after;
  const core = name.filter((x) => !x.particle);
  if (core.length === 0) return next;

  const first = core[0]!;
  const last = core[core.length - 1]!;
  const s = name[0]!.i;
  const e = last.i;
  const start = t.start[s]!;
  const end = doc.coreEnd(e);

  // A multi-word place (San Sebastián, Rio de Janeiro) is the location recognizer's.
  if (name.length > 1) {
    let placeKey = "";
    for (const x of name) placeKey += (placeKey ? " " : "") + x.key;
    if (lex.places.has(placeKey)) return next;
  }

  let score = base(doc, core, s);
  if (score <= 0) return next;
  score += cues(doc, core, s, e, end);
  if (score >= MIN_PERSON_SCORE) emit(start, end, Math.min(MAX_SCORE, score));
  return next;

  function base(doc: NameDoc, core: Tok[], s: number): number {
    const sentenceStart = (t.flags[s]! & F_SENT) !== 0 && !isHonorific(doc, s - 1);
    const german = () => doc.german();
    if (core.length === 1) {
      const x = first;
      if (ASSISTANTS.has(x.key)) return 0;
      if (x.initial) return 0;
      if (x.fn && !x.common) {
        const place = lex.places.get(x.key);
        return place !== undefined && (place & P_AMBIGUOUS) === 0 ? 0.35 : 0.5;
      }
      if (x.fn) return 0.15;
      if (x.sn && !x.common) return lex.places.has(x.key) ? 0.2 : 0.3;
      if (x.sn) return 0.1;
      if (lex.places.has(x.key)) return 0.05;
      return sentenceStart || german() ? 0.05 : 0.15;
    }
    const unknownLast = !last.fn && !last.sn;
    const nounLike = unknownLast && german() && GERMAN_NOUN_ENDINGS.some((x) => last.key.endsWith(x));
    if (first.fn && !first.common) {
      if (last.sn) return 0.85;
      if (nounLike) return 0.45;
      if (last.fn) return 0.7;
      return last.common ? 0.5 : 0.75;
    }
    if (first.initial) return last.sn ? 0.6 : nounLike ? 0.1 : 0.35;
    if (first.fn) return last.sn && !last.common ? 0.7 : last.sn ? 0.5 : 0.3;
    if (first.sn && !first.common) {
      if (last.fn && !last.common) return 0.7; // Nowak Anna (lists: surname first)
      return last.sn ? 0.6 : 0.4;
    }
    if (first.sn) return last.fn && !last.common ? 0.55 : 0.3;
    if (last.sn && !last.common) return sentenceStart ? 0.4 : 0.55;
    if (last.fn && !last.common) return 0.45;
    if (nounLike) return 0.05;
    if (german()) return 0.25;
    return sentenceStart ? 0.2 : 0.4;
  }
}

/** What the words around a name add to its score. */
function cues(doc: NameDoc, core: Tok[], s: number, e: number, end: number): number {
  const { t, text } = doc;
  let add = 0;
  // Titles right before (Frau Dr. Weber, dhr. Jansen).
  let q = s - 1;
  let titled = false;
  while (q >= 0 && isHonorific(doc, q) && linked(doc, q + 1)) {
    titled = true;
    q--;
  }
  if (titled) add += CUE.honorific;

  if (q >= 0) {
    const gap = doc.gap(q + 1);
    const plain = /^[ \t\u00a0]+$/.test(gap);
    const comma = /^[ \t\u00a0]*,[ \t\u00a0]*$/.test(gap);
    const colon = /^[ \t\u00a0]*:[ \t\u00a0]*$/.test(gap);
    if (plain || comma) {
      const g = doc.phraseEndingAt(q, GREETINGS, 3);
      if (g > 0) add += CUE.greeting;
      else if (doc.phraseEndingAt(q, CLOSINGS, 5) > 0) add += CUE.closing;
    }
    if (plain || colon) {
      if (doc.phraseEndingAt(q, INTRO_STRONG, 4) > 0) add += CUE.introStrong;
      else if (!titled && doc.phraseEndingAt(q, INTRO_WEAK, 3) > 0) add += CUE.introWeak;
    }
    if (colon && doc.phraseEndingAt(q, PERSON_LABELS, 4) > 0) add += CUE.label;
    else if (plain && !titled && ROLES.has(doc.key(q))) add += CUE.role;
    else if (plain && !titled && core.length > 1 && WEAK_BEFORE.has(doc.key(q))) add += CUE.weakBefore;
  }

  // A signature: the name alone on a line after a closing line ("Best regards,\nAnna Berg").
  if ((t.flags[q + 1]! & F_LINE) !== 0 && restOfLineIsEmpty(text, end) && previousLineIsClosing(doc, t.start[q + 1]!)) add += CUE.signature;

  // The name in an e-mail address of the text (Jan Nowak … jan.nowak@example.com).
  for (const x of core) {
    if (inEmail(doc, x.key)) {
      add += CUE.email;
      break;
    }
  }

  // A verb right after (Anna said, Berg schrieb).
  if (e + 1 < t.n && doc.spaced(e + 1) && t.kind[e + 1] === LOWER && VERBS_AFTER.has(doc.key(e + 1))) add += CUE.verbAfter;
  return add;
}

/** After the name: end of line or text, or a separator before a job title (", CTO", " | Sales"). */
function restOfLineIsEmpty(text: string, end: number): boolean {
  for (let j = end; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 10 || c === 13) return true;
    if (c === 32 || c === 9 || c === 0xa0) continue;
    return c === 44 || c === 124 || c === 40 || c === 45 || c === 0x2013 || c === 0x2014 || c === 47 || c === 46;
  }
  return true;
}

/** Whether the last non-empty line before `lineStart` is a closing ("Kind regards,", "Pozdrawiam") or "--". */
function previousLineIsClosing(doc: NameDoc, lineStart: number): boolean {
  const { text } = doc;
  let j = lineStart - 1;
  // back to the end of the previous non-empty line
  while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
  if (j < 0 || (text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13)) return false;
  let blank = 0;
  while (j >= 0) {
    const c = text.charCodeAt(j);
    if (c === 10) blank++;
    if (c !== 10 && c !== 13 && c !== 32 && c !== 9) break;
    j--;
  }
  if (j < 0 || blank > 2) return false;
  const lineEnd = j + 1;
  let ls = j;
  while (ls > 0 && text.charCodeAt(ls - 1) !== 10 && text.charCodeAt(ls - 1) !== 13) ls--;
  if (lineEnd - ls > 60) return false;
  const line = text.slice(ls, lineEnd).trim();
  if (line === "--" || line === "—" || line === "-- ") return true;
  const words = foldWords(line);
  if (words.length === 0 || words.length > 8) return false;
  // the line is a closing, or ends with one ("Thanks and best regards")
  for (let w = Math.min(5, words.length); w >= 1; w--) {
    if (CLOSINGS.has(words.slice(words.length - w).join(" "))) return true;
  }
  return false;
}

function foldWords(line: string): string[] {
  const f = line
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/ł/g, "l")
    .replace(/ø/g, "o")
    .replace(/’/g, "'");
  return f.split(/[^a-z0-9']+/).filter((w) => w.length > 0);
}
