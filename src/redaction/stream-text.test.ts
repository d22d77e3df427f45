// The hold-back redactor: for every way of cutting a text into pieces, the streamed output
// equals redacting the text whole (for entities shorter than the cap), and nothing of a
// blocked entity is ever emitted. Run here with small stand-in recognizers of each shape
// (a one-token entity, a grouped number, a two-word name, a weak one that needs context
// after it); test/redaction runs the same property with the shipped detector.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PII_TYPES, type PiiAction, type PiiType } from "../policy/schema.ts";
import { detector } from "./detect/detect.ts";
import { cutAt, STAND_INS } from "../../test/helpers/pii-stand-ins.ts";
import { streamText, HOLD_CAP } from "./stream-text.ts";
import { redactWhole, textRedactor } from "./text-redactor.ts";
import { vault } from "./vault.ts";

const actions = (a: PiiAction, blockType?: PiiType) => Object.fromEntries(PII_TYPES.map((t) => [t, t === blockType ? "block" : a])) as Record<PiiType, PiiAction>;

function run(pieces: string[], action: PiiAction, blockType?: PiiType) {
  const d = detector(STAND_INS);
  const v = vault();
  const s = streamText(textRedactor(d, actions(action, blockType), v));
  let out = "";
  let blocked: PiiType[] | undefined;
  for (const p of pieces) {
    const o = s.push(p);
    out += o.text;
    if (o.blocked) blocked = o.blocked;
  }
  const e = s.end();
  out += e.text;
  return { out, blocked: blocked ?? e.blocked };
}

const whole = (text: string, action: PiiAction, blockType?: PiiType) => {
  const a = redactWhole(textRedactor(detector(STAND_INS), actions(action, blockType), vault()), text);
  return { out: a.text, blocked: a.blocked?.types };
};


const words = ["the", "report", "is", "ready", "Please", "call", "me", "at", "or", "write", "to", "and", "thanks", "Sure", "Hello", "4096", "2026", "12", "passport", "number", "pass", "é", "🙂", "x", "(see)", ",", "."];
const entities = ["anna.smith@example.org", "4111 1111 1111 1111", "Anna Schmidt", "Jean Dupont-Moreau", "Olga Nowak", "P1234567", "bob+x@mail.co.uk"];
const textArb = fc.array(fc.oneof(fc.constantFrom(...words), fc.constantFrom(...entities)), { minLength: 1, maxLength: 40 }).chain((toks) =>
  fc.array(fc.constantFrom(" ", " ", " ", "\n", "  ", ", "), { minLength: toks.length, maxLength: toks.length }).map((seps) => toks.map((t, i) => t + seps[i]).join("")),
);

describe("streamText", () => {
  it("streamed output equals the one-shot output for every split (redact and pseudonymize)", () => {
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(), { maxLength: 30 }), fc.constantFrom<PiiAction>("redact", "pseudonymize"), (text, points, action) => {
        expect(run(cutAt(text, points), action).out).toBe(whole(text, action).out);
      }),
      { numRuns: 600 },
    );
  });

  it("character by character, including inside every entity", () => {
    for (const e of entities) {
      const text = `Hello, the value is ${e} and the next one is ${e}, passport P7654321 ok`;
      expect(run([...text], "redact").out).toBe(whole(text, "redact").out);
    }
  });

  it("a blocked entity: the text before it goes out, nothing of it or after it", () => {
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(), { maxLength: 20 }), (text, points) => {
        const one = whole(text, "redact", "CREDIT_CARD");
        const streamed = run(cutAt(text, points), "redact", "CREDIT_CARD");
        expect(streamed.blocked).toEqual(one.blocked);
        expect(streamed.out).toBe(one.out);
      }),
      { numRuns: 300 },
    );
  });

  it("emits ordinary words as soon as the next word has begun; holds a possible name or number", () => {
    const d = detector(STAND_INS);
    const s = streamText(textRedactor(d, actions("redact"), vault()));
    expect(s.push("Hello").text).toBe(""); // may still grow
    expect(s.push(" there,").text).toBe("Hello "); // a plain word follows: no name runs on from "Hello"
    expect(s.push(" how").text).toBe("there, ");
    expect(s.push(" are you Anna").text).toBe("how are you ");
    expect(s.push(" Schmidt").text).toBe("");
    expect(s.push(" today.").text).toBe(""); // a name is final once its sentence has ended
    expect(s.push(" Bye").text).toBe("[PERSON] today. ");
    expect(s.end().text).toBe("Bye");
  });

  it("lets the stream's first word go at once when no name or place starts with it (and only the first)", () => {
    const d = detector(STAND_INS);
    const s = streamText(textRedactor(d, actions("redact"), vault()));
    expect(s.push("Sure").text).toBe(""); // may still grow ("Surely", "Suresh")
    expect(s.push(" ").text).toBe("Sure "); // complete: out without waiting for the next word
    expect(s.push("Anna ").text).toBe(""); // a possible name is held as before
    expect(s.push("Schmidt wrote.").text).toBe("");
    expect(s.push(" Bye").text).toBe("[PERSON] wrote. ");
    // Later in the stream the same word is held like any capitalised word.
    const t = streamText(textRedactor(d, actions("redact"), vault()));
    expect(t.push("Well, ").text).toBe("");
    expect(t.push("ok ").text).toBe("Well, ok ");
    expect(t.push("Sure ").text).toBe("");
    // A capitalised first word that is not an opener is held until the next word shows it was no name.
    const u = streamText(textRedactor(d, actions("redact"), vault()));
    expect(u.push("Anna ").text).toBe("");
  });

  it("holds no more than the cap: a long run without a break is released in order", () => {
    const d = detector(STAND_INS);
    const s = streamText(textRedactor(d, actions("redact"), vault()));
    let out = "";
    for (let i = 0; i < 100; i++) out += s.push("ABCDEFGHIJ").text;
    expect(1000 - out.length).toBeLessThanOrEqual(HOLD_CAP);
    expect(out + s.end().text).toBe("ABCDEFGHIJ".repeat(100));
  });
});
