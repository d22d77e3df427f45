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
  // Best first. A text has a handful of candidates: a stable insertion sort gives what
  // Array.prototype.sort would, without its work arrays; a long text's many use the sort.
  let ordered: Candidate[];
  if (n <= FEW) {
    const ranked = insertionSorted(found, ranksBefore);
    const kept: Candidate[] = [];
    for (let i = 0; i < n; i++) {
      const c = ranked[i]!;
      let free = true;
      for (let k = 0; k < kept.length && free; k++) free = !(c.start < kept[k]!.end && kept[k]!.start < c.end);
      if (free) kept.push(c);
    }
    // in text order (no two overlap and none is empty: their starts differ)
    ordered = insertionSorted(kept, startsBefore);
  } else ordered = keptInOrder([...found].sort(compareRank));
  const spans: Span[] = [];
  for (const { type, start, end, score } of ordered) spans.push({ type, start, end, score });
  return spans;
}

/**
 * The candidates (best first) that overlap none kept before them, in text order. The kept
 * spans are disjoint, so sorted by start their ends are sorted too: a candidate overlaps one
 * of them if and only if it overlaps the last that starts before it ends (a binary search, where
 * comparing with every kept span made a long text's many candidates quadratic).
 */
function keptInOrder(ranked: readonly Candidate[]): Candidate[] {
  const kept: Candidate[] = [];
  for (const c of ranked) {
    // the first kept span starting at or after c.end
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kept[mid]!.start < c.end) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && kept[lo - 1]!.end > c.start) continue;
    kept.splice(lo, 0, c);
  }
  return kept;
}

/** Up to this many candidates are sorted by insertion. */
const FEW = 16;

/** A sorted copy (stable: an element moves only past those it strictly comes before). */
function insertionSorted(items: readonly Candidate[], before: (a: Candidate, b: Candidate) => boolean): Candidate[] {
  const out: Candidate[] = [];
  for (const c of items) {
    let j = out.length;
    out.push(c);
    while (j > 0 && before(c, out[j - 1]!)) {
      out[j] = out[j - 1]!;
      j--;
    }
    out[j] = c;
  }
  return out;
}

const compareRank = (a: Candidate, b: Candidate): number => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start;
const startsBefore = (a: Candidate, b: Candidate): boolean => a.start < b.start;

/** Whether a ranks strictly before b: a higher score, then a longer span, then an earlier one. */
function ranksBefore(a: Candidate, b: Candidate): boolean {
  return compareRank(a, b) < 0;
}
