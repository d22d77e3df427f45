import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CAP, F_GLUED, F_LINE, F_SENT, fold, foldRange, hashRange, IntMap, IntSet, keyEndsWith, LOWER, MIXED, NUM, SmallSet, TokenBuffer, tokenize, UPPER, wordHash } from "./tokens.ts";

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

describe("tokenize into a reused buffer", () => {
  const snapshot = (text: string, buf?: TokenBuffer) => {
    const t = tokenize(text, buf);
    return {
      tokens: Array.from({ length: t.n }, (_, i) => [t.start[i], t.end[i], t.kind[i], t.flags[i], t.hash[i]]),
      caps: Array.from(t.caps.subarray(0, t.nCaps)),
      german: t.germanWords,
    };
  };

  it("gives the same tokens as fresh arrays, text after text, growing when needed", () => {
    const buf = new TokenBuffer();
    const texts = ["Die Rechnung ist nicht bezahlt, Frau Müller.", "x", "Anna Berg, 12 rue de la Paix, 75002 Paris. ".repeat(40), "Hi Tom", ""];
    for (const text of texts) expect(snapshot(text, buf)).toEqual(snapshot(text));
  });

  it("lists the capitalised tokens", () => {
    const t = tokenize("Hello there Anna, NASA and iPhone in Berlin");
    expect(Array.from(t.caps.subarray(0, t.nCaps)).map((i) => t.kind[i])).toEqual([CAP, CAP, CAP]);
  });

  it("property: the hash of a token is the hash of its text, and a reused buffer changes nothing", () => {
    const buf = new TokenBuffer();
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        expect(snapshot(text, buf)).toEqual(snapshot(text));
        const t = tokenize(text);
        for (let i = 0; i < t.n; i++) {
          const s = t.start[i]!;
          let e = t.end[i]!;
          // a possessive 's is left out of the hash
          if (e - s > 3 && (text.charCodeAt(e - 1) | 32) === 115 && (text.charCodeAt(e - 2) === 39 || text.charCodeAt(e - 2) === 0x2019)) e -= 2;
          expect(t.hash[i]).toBe(hashRange(text, s, e));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("hash sets", () => {
  it("IntSet and IntMap hold what was put in, and grow", () => {
    const set = new IntSet();
    const map = new IntMap();
    for (let k = 0; k < 5000; k++) {
      set.add(k * 7919);
      map.set(k * 7919, k);
    }
    expect(set.size).toBe(5000);
    expect(set.has(7919 * 4999)).toBe(true);
    expect(set.has(7919 * 5000)).toBe(false);
    expect(map.get(7919 * 123)).toBe(123);
    expect(map.get(1)).toBeUndefined();
    expect(map.getOr(1, -5)).toBe(-5);
    expect([...new IntSet([3, 1, 3])].sort()).toEqual([1, 3]);
    const small = new SmallSet().add(4).add(4).add(9);
    expect([small.size, small.has(9), small.has(5)]).toEqual([2, true, false]);
  });
});

describe("keyEndsWith", () => {
  it("tests the end of the folded key without building it", () => {
    const text = "Hauptstraße Uhlstraße Keizersgracht Drottninggatan Gasse";
    const at = (w: string) => [text.indexOf(w), text.indexOf(w) + w.length] as const;
    expect(keyEndsWith(text, ...at("Hauptstraße"), "strasse", 3)).toBe(true);
    expect(keyEndsWith(text, ...at("Uhlstraße"), "strasse", 3)).toBe(true);
    expect(keyEndsWith(text, ...at("Uhlstraße"), "strasse", 4)).toBe(false);
    expect(keyEndsWith(text, ...at("Keizersgracht"), "gracht", 3)).toBe(true);
    expect(keyEndsWith(text, ...at("Drottninggatan"), "strasse", 3)).toBe(false);
    expect(keyEndsWith(text, ...at("Gasse"), "gasse", 3)).toBe(false);
    expect(keyEndsWith(text, ...at("Gasse"), "asse", 1)).toBe(true);
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
