// One request's redaction of text, per its policy's actions: detect the types that have an
// action other than allow, then replace each span — redact → [TYPE], pseudonymize → a
// numbered placeholder from the request's vault, block → noted (the caller refuses the call
// or ends the stream). Counts per type go to the audit record; values never leave here.
import type { PiiAction, PiiType } from "../policy/schema.ts";
import type { Detector, Span } from "./detect/detect.ts";
import type { Vault } from "./vault.ts";

export interface TextRedactor {
  /** Spans to act on. */
  spans(text: string): Span[];
  /** All candidates (for a stream's hold-back) and the spans to act on, in one detection pass. */
  analyze(text: string): { candidates: (Span & { reached: boolean })[]; spans: Span[] };
  /** The text with the spans replaced; the first blocked span stops the replacement there. */
  apply(text: string, spans: readonly Span[]): Applied;
  /** Whether any type is acted on at all (otherwise text passes untouched, at no cost). */
  readonly active: boolean;
  readonly counts: Partial<Record<PiiType, number>>;
}

export interface Applied {
  text: string;
  /** Set when a span of a blocked type was found: the types, and where the text was cut. */
  blocked?: { types: PiiType[]; at: number };
}

/**
 * `alsoFind`: types to look for and count even where their action is allow (risk-aware
 * routing needs to know the prompt holds them); they are left in the text as they are.
 */
export function textRedactor(detector: Detector, actions: Readonly<Record<PiiType, PiiAction>>, vault: Vault, thresholds?: Partial<Record<PiiType, number>>, alsoFind: Iterable<PiiType> = []): TextRedactor {
  const types = new Set((Object.keys(actions) as PiiType[]).filter((t) => actions[t] !== "allow"));
  for (const t of alsoFind) types.add(t);
  const options = thresholds ? { types, thresholds } : { types };
  const counts: Partial<Record<PiiType, number>> = {};
  return {
    active: types.size > 0,
    counts,
    spans: (text) => (types.size === 0 ? [] : detector.detect(text, options)),
    analyze: (text) => (types.size === 0 ? { candidates: [], spans: [] } : detector.analyze(text, options)),
    apply(text, spans) {
      if (spans.length === 0) return { text };
      const blockedTypes = [...new Set(spans.filter((s) => actions[s.type] === "block").map((s) => s.type))];
      let out = "";
      let at = 0;
      for (const s of spans) {
        counts[s.type] = (counts[s.type] ?? 0) + 1;
        const action = actions[s.type];
        if (action === "block") return { text: out + text.slice(at, s.start), blocked: { types: blockedTypes, at: s.start } };
        out += text.slice(at, s.start);
        out += action === "pseudonymize" ? vault.placeholder(s.type, text.slice(s.start, s.end)) : action === "redact" ? `[${s.type}]` : text.slice(s.start, s.end);
        at = s.end;
      }
      return { text: out + text.slice(at) };
    },
  };
}

/** Detect and apply in one go (whole texts: prompts, JSON answers). */
export function redactWhole(r: TextRedactor, text: string): Applied {
  return r.active ? r.apply(text, r.spans(text)) : { text };
}
