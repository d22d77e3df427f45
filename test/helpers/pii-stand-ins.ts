// Small stand-in recognizers of each shape the hold-back must handle (a one-token entity, a
// grouped number, a two-word name, a weak one that needs a context word), for unit tests of
// the redaction machinery that should not depend on the shipped detector's tuning.
import type { PiiType } from "../../src/policy/schema.ts";
import type { Recognizer } from "../../src/redaction/detect/types.ts";

const regex = (name: string, type: PiiType, re: RegExp, score: number, context?: string[]): Recognizer => ({
  name,
  types: [type],
  ...(context ? { context } : {}),
  find(text, emit) {
    for (const m of text.matchAll(re)) emit({ type, start: m.index, end: m.index + m[0].length, score });
  },
});

export const STAND_INS: Recognizer[] = [
  regex("email", "EMAIL", /[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g, 1),
  regex("card", "CREDIT_CARD", /(?<!\d ?)\d{4}(?: \d{4}){3}(?! ?\d)/g, 1),
  regex("person", "PERSON", /\b(?:Anna|Jean|Olga) [A-Z][a-z]+(?:-[A-Z][a-z]+)?\b/g, 0.9),
  regex("passport", "PASSPORT", /\b[A-Z]\d{7}\b/g, 0.3, ["passport", "pass"]),
];


/** A text cut into pieces at the given points (taken modulo its length; 0 and the end ignored). */
export function cutAt(text: string, points: readonly number[]): string[] {
  const cuts = [...new Set(points.map((p) => p % (text.length + 1)).filter((p) => p > 0 && p < text.length))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const c of cuts) {
    out.push(text.slice(at, c));
    at = c;
  }
  out.push(text.slice(at));
  return out;
}
