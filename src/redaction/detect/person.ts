// PERSON without a model: runs of capitalised words (with particles, initials, hyphenated and
// apostrophe names) scored by the gazetteers (a known first name followed by another
// capitalised word is strong, a lone known surname weak) and raised by cues around them —
// titles (Herr, Mme, Pani), introductions (je m'appelle), greetings (Geachte), closings and
// signature lines, roles (Kunde, patient), field labels (Name:), verbs after (said), and
// e-mail local parts. Common words, brands, months and German nouns need a cue to count.
// Past 500 lines on purpose: one scoring pass whose helpers share the hot-path copies of the
// lexicon, cue and token bindings below; split, each part would repeat them.
import * as lexicon_ from "./lexicon.ts";
import * as name_cues_ from "./name-cues.ts";
import type { NameDoc } from "./name-doc.ts";
import * as tokens_ from "./tokens.ts";

// Imported bindings can compile to getter calls (tsx loading these files as CommonJS, test
// transforms); the hot loops use module-local copies, read once here.
const { CAP, F_LINE, F_SENT, hashRange, IntSet, LOWER, MIXED, PHRASE_SEED, phraseStep, UPPER, wordHash } = tokens_;
const { P_AMBIGUOUS, placeOfWord, W_COMMON, W_DENY, W_FIRST, W_PARTICLE, W_SUR } = lexicon_;
const { ADDRESSING, CLOSINGS, cueSet, GREETINGS, HONORIFICS, HONORIFICS_LOWER, HONORIFICS_NEED_DOT, INTRO_STRONG, INTRO_WEAK, PERSON_LABELS, ROLES, VERBS_AFTER, WEAK_BEFORE } = name_cues_;

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
  addressing: 0.35,
  verbAfter: 0.15,
  weakBefore: 0.1,
} as const;

/** Assistant and product names that are also given names: never a person on their own. */
const ASSISTANTS = new IntSet("claude gemini siri alexa cortana copilot chatgpt bard grok jarvis devin gemma llama mistral".split(" ").map(wordHash));
const RA = wordHash("ra");
const SSA = wordHash("ssa");

/** Endings of German nouns (a capitalised unknown word with one, in German text, is a noun). */
const GERMAN_NOUN_ENDINGS = ["ung", "heit", "keit", "schaft", "tion", "tät", "ismus", "nis", "tum", "ment", "enz", "anz", "chen", "lein", "ik", "ur"];

/** The shape of the text between two tokens. */
const GAP_OTHER = 0;
const GAP_PLAIN = 1; // spaces only
const GAP_COMMA = 2; // a comma and spaces
const GAP_COLON = 3; // a colon and spaces

function gapShape(text: string, a: number, b: number): number {
  let shape = GAP_PLAIN;
  let spaces = 0;
  for (let j = a; j < b; j++) {
    const c = text.charCodeAt(j);
    if (c === 32 || c === 9 || c === 0xa0) spaces++;
    else if (c === 44 && shape === GAP_PLAIN) shape = GAP_COMMA;
    else if (c === 58 && shape === GAP_PLAIN) shape = GAP_COLON;
    else return GAP_OTHER;
  }
  return shape === GAP_PLAIN && spaces === 0 ? GAP_OTHER : shape;
}

interface Tok {
  i: number;
  h: number;
  fn: boolean;
  sn: boolean;
  /** A common word, brand, month or product (deny list): needs a cue or a neighbour to be a name. */
  common: boolean;
  /** Common or deny and neither a first name nor a surname: never part of a name. */
  never: boolean;
  initial: boolean;
  particle: boolean;
}

export function findPersons(doc: NameDoc, emit: (start: number, end: number, score: number) => void): void {
  const { t } = doc;
  const hasAt = doc.text.indexOf("@") >= 0;
  const found: Found = { spans: [], known: undefined };
  const spans = found.spans;
  const { caps, nCaps } = t;
  let next = 0; // the first token not yet inside a run
  for (let c = 0; c < nCaps; c++) {
    const i = caps[c]!;
    if (i < next || doc.glued(i) || quickReject(doc, i, hasAt)) continue;
    next = Math.max(i + 1, run(doc, i, found));
  }
  // A word of a full name found elsewhere in the text, alone (… Dagfinn Hovland … Hovland will): the same person.
  const known = found.known;
  if (known) {
    let k = 0;
    for (let c = 0; c < nCaps; c++) {
      const j = caps[c]!;
      if (doc.glued(j) || !known.has(t.hash[j]!)) continue;
      while (k < spans.length && spans[k]!.end <= t.start[j]!) k++;
      if (k < spans.length && spans[k]!.start <= t.start[j]!) continue; // inside a name already found
      spans.push({ start: t.start[j]!, end: doc.coreEnd(j), score: COREFERENCE });
    }
    spans.sort((x, y) => x.start - y.start);
  }
  for (const sp of spans) emit(sp.start, sp.end, sp.score);
}

/** The names found in one text, and the word hashes of the full names among them (for co-reference). */
interface Found {
  spans: { start: number; end: number; score: number }[];
  known: tokens_.SmallSet | undefined;
}

function record(found: Found, start: number, end: number, score: number, core: readonly Tok[]): void {
  found.spans.push({ start, end, score });
  if (score >= 0.5 && core.length >= 2) for (const x of core) if (!x.common && !x.initial) (found.known ??= new tokens_.SmallSet()).add(x.h);
}

/** What a lower-case particle inside a run adds (van, de la, von der). */
const PARTICLE_BONUS = 0.15;

/** The first '-' in text[a, b), or -1 (bounded: indexOf would scan to the end of the text). */
function dashIn(text: string, a: number, b: number): number {
  for (let j = a; j < b; j++) if (text.charCodeAt(j) === 45) return j;
  return -1;
}

/** What a name-like shape adds (double-barrelled surname; with more, a possessive). */
const SHAPE_BONUS = 0.15;

function doubleBarrelled(doc: NameDoc, i: number): boolean {
  const { t, text, lex } = doc;
  const s = t.start[i]!;
  const e = doc.coreEnd(i);
  const dash = dashIn(text, s + 2, e - 2);
  if (dash < 0) return false;
  const c = text.charCodeAt(dash + 1);
  if (c < 65 || (c > 90 && c < 0xc0)) return false; // second part capitalised
  return !lex.common.has(hashRange(text, s, dash)) && !lex.common.has(hashRange(text, dash + 1, e));
}

/** The score of a lone word that is part of a full name found elsewhere in the text. */
const COREFERENCE = 0.7;

/** Last words of every cue that can stand right before a name (titles, greetings, introductions, labels, roles, closings). */
let cueLast: tokens_.IntSet | undefined;
function cueLastWords(): tokens_.IntSet {
  if (cueLast) return cueLast;
  cueLast = new IntSet([RA, SSA]);
  for (const c of [HONORIFICS, HONORIFICS_LOWER, GREETINGS, INTRO_STRONG, INTRO_WEAK, PERSON_LABELS, ROLES, CLOSINGS]) for (const h of c.last) cueLast.add(h);
  return cueLast;
}

/**
 * A lone capitalised word that no gazetteer knows, with no capitalised word after it, no cue
 * word before it, not at a line start (signature) and no e-mail in the text: not a name. Most
 * capitalised words (sentence starts, German nouns) end here without building anything.
 */
function quickReject(doc: NameDoc, i: number, hasAt: boolean): boolean {
  const { t, lex } = doc;
  if (i + 1 < t.n && (t.kind[i + 1] === CAP || (t.kind[i + 1] === LOWER && lex.particles.has(t.hash[i + 1]!)))) return false;
  const w = lex.word.getOr(t.hash[i]!, 0);
  const common = (w & W_COMMON) !== 0;
  if ((w & (W_FIRST | W_SUR)) !== 0) return common && !(i > 0 && cueLastWords().has(t.hash[i - 1]!)) && (t.flags[i]! & F_LINE) === 0;
  if ((t.flags[i]! & F_LINE) !== 0 || (hasAt && !common)) return false;
  if (doc.coreEnd(i) < t.end[i]! && !common) return false; // a possessive (Leontyne's)
  return !(i > 0 && cueLastWords().has(t.hash[i - 1]!));
}

/** Whether token i is a title (Mr, Frau, dhr., Pani, Sig.ra), with its dot where one is needed. */
export function isHonorific(doc: NameDoc, i: number): boolean {
  if (i < 0) return false;
  const { t, text } = doc;
  const h = t.hash[i]!;
  const kind = t.kind[i];
  const dotted = text.charCodeAt(t.end[i]!) === 46;
  if (h === RA || h === SSA) return kind === LOWER && i > 0 && text.charCodeAt(t.start[i]! - 1) === 46; // Sig.ra, Dott.ssa (glued by their dot)
  if (!HONORIFICS.words.has(h) && !HONORIFICS_LOWER.words.has(h)) return false;
  if (doc.glued(i)) return false;
  if (kind === LOWER) {
    if (!doc.is(i, HONORIFICS_LOWER)) return false;
  } else if (kind !== CAP && kind !== UPPER) return false;
  else if (!doc.is(i, HONORIFICS) && !doc.is(i, HONORIFICS_LOWER)) return false;
  if (!dotted && doc.is(i, HONORIFICS_NEED_DOT)) return false;
  return true;
}

/** Whether tokens j-1 and j are linked within a name: spaces, or the dot of an initial/title. */
function linked(doc: NameDoc, j: number): boolean {
  if (doc.spaced(j)) return true;
  const { t, text } = doc;
  const e = t.end[j - 1]!;
  if (text.charCodeAt(e) !== 46) return false;
  if (gapShape(text, e + 1, t.start[j]!) !== GAP_PLAIN) return false;
  return e - t.start[j - 1]! === 1 || isHonorific(doc, j - 1);
}

function tok(doc: NameDoc, i: number): Tok {
  const { lex, t, text } = doc;
  const h = t.hash[i]!;
  const w = lex.word.getOr(h, 0);
  let fn = (w & W_FIRST) !== 0;
  let sn = (w & W_SUR) !== 0;
  let common = (w & W_COMMON) !== 0;
  const deny = (w & W_DENY) !== 0;
  if (!fn && !sn && !common && !deny) {
    // Jean-Luc, Anna-Lena, Müller-Lüdenscheidt: every part a name
    const s = t.start[i]!;
    const e = doc.coreEnd(i);
    if (dashIn(text, s + 1, e) > 0) {
      let allFirst = true;
      let allName = true;
      let someSur = false;
      let p = s;
      for (let j = s; j <= e; j++) {
        if (j === e || text.charCodeAt(j) === 45) {
          const ph = hashRange(text, p, j);
          const f = lex.first.has(ph);
          const n = lex.sur.has(ph);
          if (!f) allFirst = false;
          if (!f && !n) allName = false;
          if (n) someSur = true;
          if (lex.common.has(ph) && !f && !n) common = true;
          p = j + 1;
        }
      }
      fn = allFirst;
      sn = !fn && allName && someSur;
    }
  }
  if (deny) common = true; // brands, months, products: at best a name with a cue
  const initial = t.end[i]! - t.start[i]! === 1 && text.charCodeAt(t.end[i]!) === 46;
  return { i, h, fn, sn, common, never: common && !fn && !sn, initial, particle: (w & W_PARTICLE) !== 0 };
}

/** Scores the run of capitalised words starting at token i; returns the index to go on from. */
function run(doc: NameDoc, i: number, found: Found): number {
  const { t, lex } = doc;
  // 1. The run: capitalised words and particles between them, on one line.
  const idx: number[] = [i];
  let j = i + 1;
  while (j < t.n && idx.length < 8) {
    if (t.kind[j] === CAP && !doc.glued(j) && linked(doc, j)) {
      idx.push(j);
      j++;
    } else if (t.kind[j] === LOWER && lex.particles.has(t.hash[j]!) && doc.spaced(j)) {
      // in an enumeration (…, Salvatore Ferragamo e Barilla) "e" and "y" are the conjunction, not part of a name
      if (CONJUNCTIONS.words.has(t.hash[j]!) && itemBefore(doc, i) >= 0) break;
      // van Beethoven, van der Zwaag, de la Cruz: one or two particles, then a capitalised word
      const two = j + 2 < t.n && t.kind[j + 1] === LOWER && lex.particles.has(t.hash[j + 1]!) && doc.spaced(j + 1);
      const c = two ? j + 2 : j + 1;
      if (c >= t.n || t.kind[c] !== CAP || doc.glued(c) || !linked(doc, c)) break;
      for (let k = j; k <= c; k++) idx.push(k);
      j = c + 1;
    } else break;
  }
  const after = j;
  const toks = idx.map((k) => tok(doc, k));

  // 2. Leading titles, greetings, roles and common words are cues or noise, not the name.
  let a = 0;
  while (a < toks.length) {
    const x = toks[a]!;
    if (isHonorific(doc, x.i)) {
      a++;
      continue;
    }
    if (x.particle && a + 1 < toks.length) break; // De Vries, Van der Berg
    if (ASSISTANTS.has(x.h) && !(a + 1 < toks.length && toks[a + 1]!.sn)) {
      a++;
      continue;
    }
    if (x.never) {
      a++;
      continue;
    }
    // a sentence-initial word no gazetteer knows before a given name: a verb or an adverb (Invite Anna Berg, Ask Tom)
    if (a === 0 && !x.fn && !x.sn && (t.flags[x.i]! & F_SENT) !== 0 && t.kind[x.i] === CAP && a + 1 < toks.length && toks[a + 1]!.fn && !toks[a + 1]!.common && t.kind[toks[a + 1]!.i] === CAP) {
      a++;
      continue;
    }
    // a greeting that is also a given name (Olá/Ola, Dag) opening a sentence before another name is the greeting
    const opens = (t.flags[x.i]! & (F_SENT | F_LINE)) !== 0 && a + 1 < toks.length;
    if ((!x.fn || opens) && (doc.is(x.i, GREETINGS) || doc.is(x.i, ROLES) || doc.is(x.i, CLOSINGS))) {
      a++;
      continue;
    }
    break;
  }
  if (a >= toks.length) return after;

  // 3. The name: from there while the words may be part of a name (at most four).
  const name: Tok[] = [];
  let b = a;
  let words = 0;
  while (b < toks.length) {
    const x = toks[b]!;
    if (t.kind[x.i] === LOWER || (x.particle && b + 1 < toks.length)) {
      name.push({ i: x.i, h: x.h, fn: x.fn, sn: x.sn, common: x.common, never: x.never, initial: x.initial, particle: true }); // field by field: a spread is slow in V8
      b++;
      continue;
    }
    if (x.never || (ASSISTANTS.has(x.h) && name.length > 0)) break;
    if (words === 4) return after; // five or more capitalised words: a title, not a name
    name.push(x);
    words++;
    b++;
  }
  while (name.length > 0 && name[name.length - 1]!.particle) name.pop();
  const next = b < toks.length ? idx[b]! : after;
  const core = name.filter((x) => !x.particle);
  if (core.length === 0) return next;

  const s = name[0]!.i;
  const e = core[core.length - 1]!.i;

  // A multi-word place (San Sebastián, Rio de Janeiro) is the location recognizer's.
  if (name.length > 1) {
    let ph = PHRASE_SEED;
    for (const x of name) ph = phraseStep(ph, x.h);
    if (lex.places.has(ph)) return next;
  }

  let score = base(doc, core, s);
  if (score <= 0) return next;
  // a lower-case particle between two name words (Ludwig van Beethoven), not before a place
  const last = core[core.length - 1]!;
  const known = core[0]!.fn || core[0]!.sn || last.sn;
  if (core.length > 1 && known && name.some((x) => t.kind[x.i] === LOWER) && placeOfWord(lex, last.h) === undefined) score += PARTICLE_BONUS;
  // a double-barrelled last word (Wollaston-Pryce, Asamoah-Gyan): both parts capitalised, neither a common word
  if (!last.fn && !last.sn && !last.common && doubleBarrelled(doc, last.i)) score += SHAPE_BONUS;
  // a possessive after a lone unknown word mid-sentence (why Leontyne's invoice …)
  if (core.length === 1 && !last.common && (t.flags[s]! & F_SENT) === 0 && doc.coreEnd(e) < t.end[e]! && !doc.german()) score += SHAPE_BONUS + 0.2;
  const end = doc.coreEnd(e);
  score += cues(doc, core, s, e, end);
  // (what an organisation takes off cannot matter to a run already below the minimum)
  if (score >= MIN_PERSON_SCORE) score -= organisationLike(doc, i, after - 1, core, name[0] !== core[0]);
  if (score >= MIN_PERSON_SCORE) record(found, t.start[s]!, end, Math.min(MAX_SCORE, score), core);
  return next;
}

/** What the gazetteers say about the name words alone. */
function base(doc: NameDoc, core: Tok[], s: number): number {
  const { t, lex } = doc;
  const first = core[0]!;
  const last = core[core.length - 1]!;
  const sentenceStart = (t.flags[s]! & F_SENT) !== 0 && !isHonorific(doc, s - 1);
  if (core.length === 1) {
    const x = first;
    if (ASSISTANTS.has(x.h) || x.initial) return 0;
    const place = placeOfWord(lex, x.h);
    if (x.fn && !x.common) return place !== undefined && (place & P_AMBIGUOUS) === 0 ? 0.35 : 0.5; // India, Chad: the place
    if (x.fn) return 0.15;
    if (x.sn && !x.common) return place !== undefined ? 0.2 : 0.3;
    if (x.sn) return 0.1;
    if (place !== undefined) return 0.05;
    return sentenceStart || doc.german() ? 0.05 : 0.15;
  }
  const nounLike = !last.fn && !last.sn && doc.german() && germanNoun(doc, last.i);
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
  if (doc.german()) return 0.25;
  return sentenceStart ? 0.2 : 0.4;
}

function germanNoun(doc: NameDoc, i: number): boolean {
  const { text, t } = doc;
  const e = doc.coreEnd(i);
  const s = t.start[i]!;
  for (const ending of GERMAN_NOUN_ENDINGS) {
    if (e - s <= ending.length + 1) continue;
    if (text.slice(e - ending.length, e).toLowerCase() === ending) return true;
  }
  return false;
}

/** Conjunctions between the items of an enumeration, in the nine languages. */
const CONJUNCTIONS = cueSet("and|or|und|oder|sowie|et|ou|y|o|e|ed|en|och|eller|i|lub|oraz|albo");
/** Legal-form and company words: an item holding one names an organisation (Robert Bosch GmbH). */
const COMPANY_WORDS = cueSet("gmbh|ag|kg|kgaa|ohg|se|sa|sas|sarl|spa|srl|sl|bv|nv|vof|ab|asa|oy|as|aps|plc|ltd|llc|llp|inc|corp|corporation|co|company|group|gruppe|groupe|grupo|gruppo|holding|holdings|sp|zoo|lda");
/** Determiners before a name-like run that make it a thing (the Mini Cooper, this Ford Focus). */
const DETERMINERS = cueSet("the|this|that|these|those");

/**
 * The enumeration item right before the item starting at token `first` ("Louis Vuitton, |
 * Michelin", "Philips en | De Kuyper"): its last token times two, plus one when the separator is
 * a conjunction word rather than a comma; -1 if there is none.
 */
function itemBefore(doc: NameDoc, first: number): number {
  const { t, text } = doc;
  if (first < 1) return -1;
  const p = first - 1;
  if (properWord(t.kind[p]!) && !doc.glued(p) && gapShape(text, t.end[p]!, t.start[first]!) === GAP_COMMA) return p * 2;
  if (t.kind[p] === LOWER && doc.spaced(first) && CONJUNCTIONS.words.has(t.hash[p]!) && p >= 1 && (doc.spaced(p) || gapShape(text, t.end[p - 1]!, t.start[p]!) === GAP_COMMA) && properWord(t.kind[p - 1]!) && !doc.glued(p - 1)) return (p - 1) * 2 + 1;
  return -1;
}

/** The enumeration item right after the item ending at token `last`: its first token times two, plus one after a conjunction; -1 if none. */
function itemAfter(doc: NameDoc, last: number): number {
  const { t, text } = doc;
  const q = last + 1;
  if (q >= t.n) return -1;
  if (properWord(t.kind[q]!) && !doc.glued(q) && gapShape(text, t.end[last]!, t.start[q]!) === GAP_COMMA) return q * 2;
  if (t.kind[q] === LOWER && (doc.spaced(q) || gapShape(text, t.end[last]!, t.start[q]!) === GAP_COMMA) && CONJUNCTIONS.words.has(t.hash[q]!) && q + 1 < t.n && doc.spaced(q + 1) && properWord(t.kind[q + 1]!) && !doc.glued(q + 1)) return (q + 1) * 2 + 1;
  return -1;
}

/** Whether token j continues an item (a capitalised word, or a particle before one, after spaces or a title's dot). */
function continuesItem(doc: NameDoc, j: number): boolean {
  const { t } = doc;
  if (j >= t.n || doc.glued(j)) return false;
  if (properWord(t.kind[j]!)) return linked(doc, j);
  return t.kind[j] === LOWER && doc.spaced(j) && doc.lex.particles.has(t.hash[j]!) && !CONJUNCTIONS.words.has(t.hash[j]!) && j + 1 < t.n && t.kind[j + 1] === CAP && doc.spaced(j + 1);
}

/** Whether one of tokens [a, b] is a legal form or company word (GmbH, Ltd, Group), capitalised or upper case. */
function hasCompanyWord(doc: NameDoc, a: number, b: number): boolean {
  for (let k = a; k <= b; k++) if (doc.t.kind[k] !== LOWER && COMPANY_WORDS.words.has(doc.t.hash[k]!)) return true;
  return false;
}

/**
 * Whether the enumeration item of tokens [a, b] names an organisation rather than a person:
 * it holds a legal form (GmbH, S.A., Ltd), or it is one capitalised or upper-case word that no
 * gazetteer knows as a name, a place or an ordinary word (Michelin, Unilever, IBM), or a brand.
 */
function organisationItem(doc: NameDoc, a: number, b: number): boolean {
  const { t, lex } = doc;
  if (hasCompanyWord(doc, a, b)) return true;
  if (a !== b) return false;
  const h = t.hash[a]!;
  const w = lex.word.getOr(h, 0); // the lists it is in, from one look-up
  if ((w & W_DENY) !== 0 && (w & W_FIRST) === 0) return true;
  return (w & (W_FIRST | W_SUR | W_COMMON)) === 0 && placeOfWord(lex, h) === undefined && !isHonorific(doc, a);
}

/** The most enumeration items looked at on either side. */
const MAX_ITEMS = 6;

/**
 * Whether the run of tokens [first, last] is an item of an enumeration of organisations
 * ("Louis Vuitton, Michelin et Lacoste", "Robert Bosch GmbH, Dr. Oetker und Boehringer
 * Ingelheim"): items separated by commas and one final conjunction, three or more of them (or
 * two with a legal form), and another item names an organisation.
 */
function inOrganisationList(doc: NameDoc, first: number, last: number): boolean {
  const { t } = doc;
  let items = 1;
  let conjunctions = 0;
  let finalConj = false; // the rightmost separator is a conjunction
  let org = false;
  let company = hasCompanyWord(doc, first, last);
  // to the left: separators are commas, and a conjunction only as the rightmost one of all
  let x = itemBefore(doc, first);
  for (let n = 0; x >= 0 && n < MAX_ITEMS; n++) {
    const b = x >> 1;
    if ((x & 1) !== 0) {
      if (n > 0) return false; // a conjunction with a comma to its right: not one list
      conjunctions++;
      finalConj = true;
    }
    let a = b;
    while (a > 0 && b - a < 5) {
      const p = a - 1;
      if (doc.glued(p)) break;
      if (properWord(t.kind[p]!) && linked(doc, a)) a = p;
      else if (t.kind[p] === LOWER && p > 0 && doc.spaced(a) && doc.spaced(p) && properWord(t.kind[p - 1]!) && doc.lex.particles.has(t.hash[p]!) && !CONJUNCTIONS.words.has(t.hash[p]!)) a = p - 1;
      else break;
    }
    items++;
    if (organisationItem(doc, a, b)) org = true;
    if (hasCompanyWord(doc, a, b)) company = true;
    x = itemBefore(doc, a);
  }
  // to the right
  let y = itemAfter(doc, last);
  for (let n = 0; y >= 0 && n < MAX_ITEMS; n++) {
    if (finalConj) return false; // a separator after the conjunction
    const a = y >> 1;
    if ((y & 1) !== 0) {
      conjunctions++;
      finalConj = true;
    }
    let b = a;
    while (continuesItem(doc, b + 1) && b - a < 5) b++;
    while (b > a && t.kind[b] === LOWER) b--;
    items++;
    if (organisationItem(doc, a, b)) org = true;
    if (hasCompanyWord(doc, a, b)) company = true;
    y = itemAfter(doc, b);
  }
  if (!finalConj || conjunctions !== 1 || !org) return false;
  return items >= 3 || company;
}

/**
 * What is taken off a name-like run (tokens [first, last]) that reads as an organisation or a
 * product: joined to another capitalised word by "&" (Marks & Spencer, Ben & Jerry's), an item
 * of an enumeration whose other items are organisations (Louis Vuitton, Michelin et Lacoste;
 * Robert Bosch GmbH, Dr. Oetker und …), right after "the" (the Mini Cooper), or a lone unknown
 * word behind an article-like particle (La Poste, Le Monde).
 */
function organisationLike(doc: NameDoc, first: number, last: number, core: readonly Tok[], leadingParticle: boolean): number {
  const { t, text } = doc;
  let off = 0;
  // "&" on either side
  if (first > 0 && ampersandBetween(text, t.end[first - 1]!, t.start[first]!) && (t.kind[first - 1] === CAP || t.kind[first - 1] === UPPER)) off = 0.5;
  else if (last + 1 < t.n && ampersandBetween(text, t.end[last]!, t.start[last + 1]!) && (t.kind[last + 1] === CAP || t.kind[last + 1] === UPPER)) off = 0.5;
  // a legal form right after (Fritz Henkel GmbH, Anna Berg AB)
  if (off === 0 && last + 1 < t.n && doc.spaced(last + 1) && hasCompanyWord(doc, last + 1, last + 1)) off = 0.5;
  if (off === 0 && inOrganisationList(doc, first, last)) off = 0.5;
  // right after "the" (the Mini Cooper)
  if (first > 0 && doc.spaced(first) && t.kind[first - 1] === LOWER && DETERMINERS.words.has(t.hash[first - 1]!)) off = Math.max(off, 0.3);
  // La Poste, Le Monde: an article-like particle and one word no gazetteer knows as a name
  if (leadingParticle && core.length === 1 && !core[0]!.fn && !core[0]!.sn) off = Math.max(off, 0.1);
  return off;
}

/** Capitalised, upper-case or mixed (GmbH, IBM, Anna): a word that can be (part of) a name of something. */
const properWord = (kind: number) => kind === CAP || kind === UPPER || kind === MIXED;

/** Whether text[a, b) is "&" between spaces (or alone). */
function ampersandBetween(text: string, a: number, b: number): boolean {
  let amp = false;
  for (let j = a; j < b; j++) {
    const c = text.charCodeAt(j);
    if (c === 38 && !amp) amp = true;
    else if (c !== 32 && c !== 0xa0) return false;
  }
  return amp;
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
    const shape = gapShape(text, t.end[q]!, t.start[q + 1]!);
    const plain = shape === GAP_PLAIN;
    const comma = shape === GAP_COMMA;
    const colon = shape === GAP_COLON;
    if (plain || comma) {
      if (doc.phraseEndingAt(q, GREETINGS) > 0) add += CUE.greeting;
      else if (doc.phraseEndingAt(q, CLOSINGS) > 0) add += CUE.closing;
    }
    if (plain || colon) {
      if (doc.phraseEndingAt(q, INTRO_STRONG) > 0) add += CUE.introStrong;
      else if (!titled && doc.phraseEndingAt(q, INTRO_WEAK) > 0) add += CUE.introWeak;
    }
    if ((plain || comma) && doc.phraseEndingAt(q, ADDRESSING) > 0) add += CUE.addressing;
    if (colon && doc.phraseEndingAt(q, PERSON_LABELS) > 0) add += CUE.label;
    else if (plain && !titled && doc.is(q, ROLES)) add += CUE.role;
    else if (plain && !titled && core.length > 1 && doc.is(q, WEAK_BEFORE)) add += CUE.weakBefore;
  }

  // A signature: the name alone on a line after a closing line ("Best regards,\nAnna Berg").
  if ((t.flags[q + 1]! & F_LINE) !== 0 && restOfLineIsEmpty(text, end) && afterClosingLine(doc, q + 1)) add += CUE.signature;

  // The name in an e-mail address of the text (Jan Nowak … jan.nowak@example.com).
  const mail = doc.emailParts();
  if (mail.size > 0) {
    for (const x of core) {
      if (t.end[x.i]! - t.start[x.i]! >= 3 && mail.has(x.h)) {
        add += CUE.email;
        break;
      }
    }
  }

  // A verb right after (Anna said, Berg schrieb).
  if (e + 1 < t.n && t.kind[e + 1] === LOWER && doc.spaced(e + 1) && doc.is(e + 1, VERBS_AFTER)) add += CUE.verbAfter;
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

/** Whether the line before the one starting with token i is a closing ("Kind regards,", "Pozdrawiam") or "--". */
function afterClosingLine(doc: NameDoc, i: number): boolean {
  const { t, text } = doc;
  if (i === 0) return false;
  const q = i - 1;
  // between the closing and the name: punctuation, spaces and one or two line breaks only
  let breaks = 0;
  let dashes = 0;
  for (let j = t.end[q]!; j < t.start[i]!; j++) {
    const c = text.charCodeAt(j);
    if (c === 10) breaks++;
    else if (c === 45 || c === 0x2014) dashes++;
    else if (c !== 13 && c !== 32 && c !== 9 && c !== 44 && c !== 46 && c !== 33 && c !== 0xa0) return false;
  }
  if (breaks < 1 || breaks > 3) return false;
  if (dashes >= 2) return true; // "--" signature separator
  if (dashes > 0) return false;
  const w = doc.phraseEndingAt(q, CLOSINGS);
  if (w === 0) return false;
  // the closing is a short line of its own ("Thanks and best regards,")
  let words = w;
  for (let k = q - w + 1; k > 0 && (t.flags[k]! & F_LINE) === 0; k--) if (++words > 8) return false;
  return true;
}
