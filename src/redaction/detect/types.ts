// What a detector reports: a typed span of the original text with a confidence score.
// Offsets are UTF-16 code-unit indices into the string as given (what String.slice uses),
// so accents and emoji before a span never shift it.
import type { PiiType } from "../../policy/schema.ts";

export type { PiiType };

export interface Candidate {
  type: PiiType;
  /** Inclusive start, UTF-16 index. */
  start: number;
  /** Exclusive end, UTF-16 index. */
  end: number;
  /**
   * 0..1. A value whose format has a checksum that passed scores 1 (nothing can raise or lower
   * it); a shape without validation scores what it is worth alone (Presidio-style: 0.3–0.6),
   * and context words around it raise it.
   */
  score: number;
}

/**
 * One detector: finds candidates of one or more types in a text. It must run in time linear
 * in the text (no nested quantifiers that can backtrack), cheaply skip texts that cannot
 * contain its type (e.g. no '@' → no e-mail), and never throw on any input.
 */
export interface Recognizer {
  /** A short name for tests and profiles ("iban", "card", "person"). */
  name: string;
  types: readonly PiiType[];
  find(text: string, emit: (c: Candidate) => void): void;
  /**
   * Lower-case words (any of the nine languages) that, close before or after a candidate of
   * this recognizer, make it more likely to be real ("iban", "konto", "card", "tel").
   */
  context?: readonly string[];
}
