// The context gate: finds words and phrases around a candidate like the combiner does, in a
// window one word wider on each side, and says when the text ends too soon to tell.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contextNear, contextWords } from "./context-gate.ts";
import { detector } from "./detect.ts";
import type { Recognizer } from "./types.ts";

const WORDS = ["tel", "phone number", "date of birth", "d o b", "né", "steuer-id"];
const words = contextWords(WORDS);

/** Where the context is around the first "#####" in text. */
const near = (text: string) => {
  const start = text.indexOf("#####");
  return contextNear(text, start, start + 5, words);
};

describe("contextNear", () => {
  it.each([
    ["Tel: ##### please", "before"],
    ["TEL. ##### please", "before"],
    ["my phone number is ##### ok", "before"],
    ["phone   number: ##### ok", "before"],
    ["Date of birth (dd/mm/yyyy): ##### ok", "before"],
    ["D.O.B. ##### ok", "before"],
    ["Né le ##### à Paris", "before"],
    ["Steuer-ID ##### bitte", "before"],
    ["##### (tel) and more words here", "after"],
    ["##### is my tel then more words", "after"],
    ["tel a b c d e f g ##### x y z w", "none"],
    ["##### x y z tel", "none"],
    ["telephone ##### x y z w", "none"],
    ["hotel ##### x y z w", "none"],
    ["number ##### x y z w", "none"],
    ["steuer ##### x y z w", "none"],
    ["nothing here #####", "open"],
    ["nothing here ##### (", "open"],
    ["nothing here ##### one two", "open"],
  ])("%j → %s", (text, expected) => {
    expect(near(text)).toBe(expected);
  });

  it("sees every context word the combiner would count (its window is inside ours)", () => {
    // A recognizer that reports "#####" at 0.2: the combiner lifts it only with context.
    const probe: Recognizer = {
      name: "probe",
      types: ["PASSPORT"],
      context: WORDS,
      find(text, emit) {
        const i = text.indexOf("#####");
        if (i >= 0) emit({ type: "PASSPORT", start: i, end: i + 5, score: 0.2 });
      },
    };
    const d = detector([probe]);
    const token = fc.constantFrom("tel", "Tel.", "phone", "number", "date", "of", "birth", "d.o.b", "né", "steuer-id", "x", "hotel", "€", "é", "--", "12", "🙂");
    const sep = fc.constantFrom(" ", ", ", ": ", "\n", " (", ") ", "/");
    const side = fc.array(fc.tuple(token, sep), { maxLength: 9 }).map((parts) => parts.map(([t, s]) => t + s).join(""));
    fc.assert(
      fc.property(side, side, (before, after) => {
        const text = `${before} ##### ${after}`;
        const lifted = d.detect(text).length > 0;
        if (lifted) expect(near(text)).not.toBe("none");
      }),
      { numRuns: 2000 },
    );
  });
});
