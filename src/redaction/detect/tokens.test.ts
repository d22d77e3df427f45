import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CAP, F_GLUED, F_LINE, F_SENT, fold, foldRange, LOWER, MIXED, NUM, tokenize, UPPER, wordHash } from "./tokens.ts";

const words = (text: string) => {
  const t = tokenize(text);
  return Array.from({ length: t.n }, (_, i) => ({ w: text.slice(t.start[i], t.end[i]), kind: t.kind[i], flags: t.flags[i]! }));
};

describe("tokenize", () => {
  it("splits words and numbers with UTF-16 offsets that accents and emoji do not shift", () => {
    const text = "😀 Zoë Łukasz-Brzęczyszczykiewicz 🇩🇪 O'Brien’s 221B";
    const t = tokenize(text);
    const got = Array.from({ length: t.n }, (_, i) => text.slice(t.start[i], t.end[i]));
    expect(got).toEqual(["Zoë", "Łukasz-Brzęczyszczykiewicz", "O'Brien’s", "221B"]);
    expect(t.start[0]).toBe(3); // the emoji is two code units
  });

  it("classifies shapes: Capitalised, UPPER, lower, mixed, number", () => {
    expect(words("Anna NASA über iPhone getUser Q3 2024 McDonald J").map((x) => x.kind)).toEqual([CAP, UPPER, LOWER, MIXED, MIXED, MIXED, NUM, CAP, CAP]);
  });

  it("keeps decomposed accents inside the word", () => {
    const text = "Jose\u0301 Mu\u0308ller";
    expect(words(text).map((x) => x.w)).toEqual(["Jose\u0301", "Mu\u0308ller"]);
  });

  it("splits a short lower-case elision before a capital (l'Europe, dell'Acqua, d'Anna)", () => {
    expect(words("l'Europe dell'Acqua d'Anna D'Angelo").map((x) => x.w)).toEqual(["l", "Europe", "dell", "Acqua", "d", "Anna", "D'Angelo"]);
  });

  it("marks sentence and line starts", () => {
    const w = words("Hello there. Anna said: Yes\nBerlin");
    expect(w.map((x) => x.flags & (F_SENT | F_LINE))).toEqual([F_SENT | F_LINE, 0, F_SENT, 0, F_SENT, F_SENT | F_LINE]);
  });

  it("marks words inside URLs, e-mails, paths, identifiers and code as glued", () => {
    const glued = (text: string) => words(text).filter((x) => x.flags & F_GLUED).map((x) => x.w);
    expect(glued("see https://Berlin.example.com/Paris now")).toEqual(["https", "Berlin", "example", "com", "Paris"]);
    expect(glued("mail Anna.Berg@example.com or C:\\Users\\Anna")).toEqual(["Anna", "Berg", "example", "com", "C", "Users", "Anna"]);
    expect(glued("call get_user_name() or Config.Load()")).toEqual(["get", "user", "name", "Config", "Load"]);
    expect(glued("run `Anna Berg` here")).toEqual(["Anna", "Berg"]);
    expect(glued("Dear Anna, (Berg) Berlin.")).toEqual([]);
  });

  it("hashes tokens fold-insensitively, without a possessive 's", () => {
    const t = tokenize("MÜLLER Müller muller Anna's Kraków");
    expect(t.hash[0]).toBe(wordHash("muller"));
    expect(t.hash[1]).toBe(wordHash("müller"));
    expect(t.hash[2]).toBe(wordHash("Müller"));
    expect(t.hash[3]).toBe(wordHash("anna"));
    expect(t.hash[4]).toBe(wordHash("krakow"));
  });

  it("counts German function words", () => {
    expect(tokenize("Die Rechnung ist nicht bezahlt und der Kunde wartet").germanWords).toBeGreaterThanOrEqual(4);
    expect(tokenize("The invoice is not paid and the customer waits").germanWords).toBe(0);
  });

  it("never throws and returns tokens inside the text, in order", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        const t = tokenize(text);
        let last = 0;
        for (let i = 0; i < t.n; i++) {
          expect(t.start[i]).toBeGreaterThanOrEqual(last);
          expect(t.end[i]).toBeGreaterThan(t.start[i]!);
          expect(t.end[i]).toBeLessThanOrEqual(text.length);
          last = t.end[i]!;
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("fold", () => {
  it("lower-cases and removes accents without touching the text", () => {
    expect(fold("Kraków Łódź MÜNCHEN Straße Ærø Œuvre São")).toBe("krakow lodz munchen strasse aero oeuvre sao");
    const text = "xx Göteborg yy";
    expect(foldRange(text, 3, 11)).toBe("goteborg");
    expect(text).toBe("xx Göteborg yy");
  });
});
