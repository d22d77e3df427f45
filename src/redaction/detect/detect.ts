// Detection: every recognizer's candidates, raised by context words, kept when they reach
// their type's threshold, and overlaps resolved before anything is numbered or replaced
// (a span is either wholly one entity or untouched).
import { PII_TYPES } from "../../policy/schema.ts";
import { afterLeadingOpener } from "./openers.ts";
import type { Candidate, PiiType, Recognizer } from "./types.ts";

export interface Span {
  type: PiiType;
  start: number;
  end: number;
  score: number;
}

export interface DetectOptions {
  /** Only these types are looked for (the others cost nothing). Default: all. */
  types?: ReadonlySet<PiiType>;
  /** Minimum score per type; DEFAULT_THRESHOLD for types not named. */
  thresholds?: Partial<Record<PiiType, number>>;
}

export const DEFAULT_THRESHOLD = 0.5;
/** What a context word adds (Presidio's 0.35), and the floor it lifts a candidate to. */
const CONTEXT_BOOST = 0.35;
const CONTEXT_FLOOR = 0.4;
/** How far context is looked for: this many words before a candidate, and after it. */
const WORDS_BEFORE = 5;
const WORDS_AFTER = 2;

export interface Detector {
  detect(text: string, options?: DetectOptions): Span[];
  /**
   * One pass giving both: every candidate of the wanted types, context-raised but before
   * thresholds and overlap resolution, each saying whether it reached its threshold (what a
   * stream holds back on), and the spans detect() would return.
   */
  analyze(text: string, options?: DetectOptions): { candidates: (Span & { reached: boolean })[]; spans: Span[] };
}

export function detector(recognizers: readonly Recognizer[]): Detector {
  const all = new Set<PiiType>(PII_TYPES);
  /** Every recognizer's candidates of the wanted types, raised by their context words. */
  function scan(text: string, types: ReadonlySet<PiiType>, each: (c: Candidate) => void): void {
    for (const r of recognizers) {
      if (!r.types.some((t) => types.has(t))) continue;
      const context = r.context;
      r.find(text, (c) => {
        if (!types.has(c.type) || c.end <= c.start) return;
        if (c.type === "PERSON" || c.type === "LOCATION") {
          // never a name or a place with the word a sentence opens with (openers.ts)
          const start = afterLeadingOpener(text, c.start, c.end);
          if (start >= c.end) return;
          if (start !== c.start) c = { ...c, start };
        }
        if (c.score < 1 && context && context.length > 0 && hasContext(text, c.start, c.end, context)) {
          c = { ...c, score: Math.max(CONTEXT_FLOOR, Math.min(1, c.score + CONTEXT_BOOST)) };
        }
        each(c);
      });
    }
  }
  const threshold = (o: DetectOptions, t: PiiType) => o.thresholds?.[t] ?? DEFAULT_THRESHOLD;
  return {
    detect(text, options = {}) {
      const types = options.types ?? all;
      if (text.length === 0 || types.size === 0) return [];
      const found: Candidate[] = [];
      scan(text, types, (c) => {
        if (c.score >= threshold(options, c.type)) found.push(c);
      });
      return resolveOverlaps(found);
    },
    analyze(text, options = {}) {
      const types = options.types ?? all;
      if (text.length === 0 || types.size === 0) return { candidates: [], spans: [] };
      const candidates: (Span & { reached: boolean })[] = [];
      const reached: Candidate[] = [];
      scan(text, types, (c) => {
        const ok = c.score >= threshold(options, c.type);
        candidates.push({ type: c.type, start: c.start, end: c.end, score: c.score, reached: ok });
        if (ok) reached.push(c);
      });
      return { candidates, spans: resolveOverlaps(reached) };
    },
  };
}

/** A recognizer's context words as a set, with the longest phrase length (in words). */
interface ContextSet {
  words: ReadonlySet<string>;
  longest: number;
}
const contextSets = new WeakMap<readonly string[], ContextSet>();

function contextSet(words: readonly string[]): ContextSet {
  let c = contextSets.get(words);
  if (!c) {
    const norm = words.map((w) => w.toLowerCase().split(/[^\p{L}\p{N}_-]+/u).filter(Boolean).join(" ")).filter(Boolean);
    c = { words: new Set(norm), longest: Math.max(1, ...norm.map((w) => w.split(" ").length)) };
    contextSets.set(words, c);
  }
  return c;
}

/** Whether one of the words (or phrases) occurs among the few words around [start, end). */
function hasContext(text: string, start: number, end: number, words: readonly string[]): boolean {
  const set = contextSet(words);
  return matchesAround(wordsBefore(text, start, WORDS_BEFORE), set) || matchesAround(wordsAfter(text, end, WORDS_AFTER), set);
}

/** Whether a word, or a run of up to `longest` consecutive words, is in the set. */
function matchesAround(tokens: string[], set: ContextSet): boolean {
  for (let i = 0; i < tokens.length; i++) {
    let phrase = "";
    for (let n = 0; n < set.longest && i + n < tokens.length; n++) {
      phrase = n === 0 ? tokens[i]! : `${phrase} ${tokens[i + n]!}`;
      if (set.words.has(phrase)) return true;
    }
  }
  return false;
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127 || c === 45 || c === 95;

/** Up to n words before i, lower-cased, in text order. */
function wordsBefore(text: string, i: number, n: number): string[] {
  const out: string[] = [];
  let j = i;
  while (j > 0 && out.length < n) {
    while (j > 0 && !isWordChar(text.charCodeAt(j - 1))) j--;
    const e = j;
    while (j > 0 && isWordChar(text.charCodeAt(j - 1))) j--;
    if (e > j) out.push(text.slice(j, e).toLowerCase());
  }
  return out.reverse();
}

function wordsAfter(text: string, i: number, n: number): string[] {
  const out: string[] = [];
  let j = i;
  while (j < text.length && out.length < n) {
    while (j < text.length && !isWordChar(text.charCodeAt(j))) j++;
    const s = j;
    while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
    if (j > s) out.push(text.slice(s, j).toLowerCase());
  }
  return out;
}

/**
 * Non-overlapping spans in text order: where candidates overlap, the higher score wins, then
 * the longer span, then the earlier one. Same type and same extent from two recognizers is one span.
 */
export function resolveOverlaps(found: Candidate[]): Span[] {
  if (found.length <= 1) return found.map(({ type, start, end, score }) => ({ type, start, end, score }));
  const ranked = [...found].sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Candidate[] = [];
  for (const c of ranked) {
    if (kept.some((k) => c.start < k.end && k.start < c.end)) continue;
    kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start).map(({ type, start, end, score }) => ({ type, start, end, score }));
}
