// Detection: every recognizer's candidates, raised by context words, kept when they reach
// their type's threshold, and overlaps resolved before anything is numbered or replaced
// (a span is either wholly one entity or untouched).
import { PII_TYPES } from "../../policy/schema.ts";
import { ContextMatcher, contextSet, type ContextSet } from "./context-match.ts";
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
// How far context is looked for (5 words before a candidate, 2 after): context-match.ts WORDS_BEFORE, WORDS_AFTER.

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
  const contexts: (ContextSet | undefined)[] = recognizers.map((r) => (r.context && r.context.length > 0 ? contextSet(r.context) : undefined));
  const matcher = new ContextMatcher();
  /** Every recognizer's candidates of the wanted types, raised by their context words. */
  function scan(text: string, types: ReadonlySet<PiiType>, each: (c: Candidate) => void): void {
    for (let i = 0; i < recognizers.length; i++) {
      const r = recognizers[i]!;
      if (!wanted(r.types, types)) continue;
      const context = contexts[i];
      r.find(text, (c) => {
        if (!types.has(c.type) || c.end <= c.start) return;
        if (c.type === "PERSON" || c.type === "LOCATION") {
          // never a name or a place with the word a sentence opens with (openers.ts)
          const start = afterLeadingOpener(text, c.start, c.end);
          if (start >= c.end) return;
          if (start !== c.start) c = { ...c, start };
        }
        if (c.score < 1 && context !== undefined && matcher.has(text, c.start, c.end, context)) {
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

function wanted(types: readonly PiiType[], of: ReadonlySet<PiiType>): boolean {
  for (const t of types) if (of.has(t)) return true;
  return false;
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
