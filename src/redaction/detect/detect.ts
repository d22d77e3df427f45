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
  /** Which recognizers look for one of all the types (the default). */
  const wantedForAll = recognizers.map((r) => wanted(r.types, all));
  const pass = new Pass(new ContextMatcher());
  /** Every recognizer's candidates of the wanted types, raised by their context words, into `pass`. */
  function scan(text: string, types: ReadonlySet<PiiType>): void {
    pass.text = text;
    pass.types = types;
    try {
      for (let i = 0; i < recognizers.length; i++) {
        const r = recognizers[i]!;
        if (types === all ? !wantedForAll[i] : !wanted(r.types, types)) continue;
        pass.context = contexts[i];
        r.find(text, pass.emit);
      }
    } finally {
      pass.text = "";
      pass.candidates = undefined;
    }
  }
  return {
    detect(text, options = {}) {
      const types = options.types ?? all;
      if (text.length === 0 || types.size === 0) return [];
      const found: Candidate[] = [];
      pass.thresholds = options.thresholds;
      pass.reached = found;
      scan(text, types);
      return resolveOverlaps(found);
    },
    analyze(text, options = {}) {
      const types = options.types ?? all;
      if (text.length === 0 || types.size === 0) return { candidates: [], spans: [] };
      const candidates: (Span & { reached: boolean })[] = [];
      const reached: Candidate[] = [];
      pass.thresholds = options.thresholds;
      pass.reached = reached;
      pass.candidates = candidates;
      scan(text, types);
      return { candidates, spans: resolveOverlaps(reached) };
    },
  };
}

/**
 * One detector's pass over a text: what its emit callback needs to know. A single callback
 * serves every recognizer (a closure per recognizer and text was most of what detecting a
 * short prompt allocated); a detector runs one pass at a time (detect() is synchronous).
 */
class Pass {
  text = "";
  types: ReadonlySet<PiiType> = new Set();
  /** The context words of the recognizer being run. */
  context: ContextSet | undefined = undefined;
  thresholds: DetectOptions["thresholds"] = undefined;
  /** Where candidates that reach their threshold go. */
  reached: Candidate[] = [];
  /** Where every candidate goes, when analyze() wants them. */
  candidates: (Span & { reached: boolean })[] | undefined = undefined;

  constructor(private readonly matcher: ContextMatcher) {}

  readonly emit = (candidate: Candidate): void => {
    let c = candidate;
    const text = this.text;
    if (!this.types.has(c.type) || c.end <= c.start) return;
    if (c.type === "PERSON" || c.type === "LOCATION") {
      // never a name or a place with the word a sentence opens with (openers.ts)
      const start = afterLeadingOpener(text, c.start, c.end);
      if (start >= c.end) return;
      if (start !== c.start) c = { ...c, start };
    }
    const context = this.context;
    if (c.score < 1 && context !== undefined && this.matcher.has(text, c.start, c.end, context)) {
      c = { ...c, score: Math.max(CONTEXT_FLOOR, Math.min(1, c.score + CONTEXT_BOOST)) };
    }
    const ok = c.score >= (this.thresholds?.[c.type] ?? DEFAULT_THRESHOLD);
    if (this.candidates !== undefined) this.candidates.push({ type: c.type, start: c.start, end: c.end, score: c.score, reached: ok });
    if (ok) this.reached.push(c);
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
export function resolveOverlaps(found: readonly Candidate[]): Span[] {
  const n = found.length;
  if (n === 0) return [];
  if (n === 1) {
    const { type, start, end, score } = found[0]!;
    return [{ type, start, end, score }];
  }
  // ranked best first: a stable insertion sort (what Array.prototype.sort would give, without
  // its work arrays; a text has a handful of candidates)
  const ranked: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const c = found[i]!;
    let j = ranked.length;
    ranked.push(c);
    while (j > 0 && ranksBefore(c, ranked[j - 1]!)) {
      ranked[j] = ranked[j - 1]!;
      j--;
    }
    ranked[j] = c;
  }
  // kept in text order (no two overlap, none is empty: their starts differ)
  const kept: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const c = ranked[i]!;
    let free = true;
    for (let k = 0; k < kept.length && free; k++) free = !(c.start < kept[k]!.end && kept[k]!.start < c.end);
    if (!free) continue;
    let j = kept.length;
    kept.push(c);
    while (j > 0 && kept[j - 1]!.start > c.start) {
      kept[j] = kept[j - 1]!;
      j--;
    }
    kept[j] = c;
  }
  const spans: Span[] = [];
  for (const { type, start, end, score } of kept) spans.push({ type, start, end, score });
  return spans;
}

/** Whether a ranks strictly before b: a higher score, then a longer span, then an earlier one. */
function ranksBefore(a: Candidate, b: Candidate): boolean {
  return (b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start) < 0;
}
