import { describe, expect, it } from "vitest";
import { lexicon, P_AMBIGUOUS, P_CITY, P_COUNTRY, P_KIND, P_REGION, placeOfWord, polishPlace } from "./lexicon.ts";
import { phraseHash, wordHash } from "./tokens.ts";

describe("lexicon", () => {
  const lex = lexicon();

  it("is built once and shared", () => {
    expect(lexicon()).toBe(lex);
  });

  it("holds several thousand given names and surnames of the nine languages, fold-insensitively", () => {
    expect(lex.first.size).toBeGreaterThan(2500);
    expect(lex.sur.size).toBeGreaterThan(2500);
    for (const n of ["Anna", "Jürgen", "Amélie", "Íñigo".replace("Í", "I"), "Giulia", "Sanne", "Małgorzata", "João", "Åsa", "Priya", "Oluwaseun"]) expect(lex.first.has(wordHash(n)), n).toBe(true);
    for (const n of ["Müller", "Lefèvre", "García", "Esposito", "Jansen", "Wiśniewska", "Gonçalves", "Lindqvist", "Okonkwo", "O'Brien"]) expect(lex.sur.has(wordHash(n)), n).toBe(true);
  });

  it("leaves particles out of the surnames (de Vries → vries)", () => {
    expect(lex.sur.has(wordHash("vries"))).toBe(true);
    expect(lex.sur.has(wordHash("van"))).toBe(false);
    expect(lex.particles.has(wordHash("van"))).toBe(true);
  });

  it("knows places with local spellings and multi-word names", () => {
    const kind = (words: string[]) => (lex.places.get(phraseHash(words.map((w) => w.toLowerCase()))) ?? -1) & P_KIND;
    expect(kind(["München"])).toBe(P_CITY);
    expect(kind(["Munich"])).toBe(P_CITY);
    expect(kind(["Kraków"])).toBe(P_CITY);
    expect(kind(["Göteborg"])).toBe(P_CITY);
    expect(kind(["Lisboa"])).toBe(P_CITY);
    expect(kind(["New", "York"])).toBe(P_CITY);
    expect(kind(["Den", "Haag"])).toBe(P_CITY);
    expect(kind(["Rio", "de", "Janeiro"])).toBe(P_CITY);
    expect(kind(["San", "Sebastián"])).toBe(P_CITY);
    expect(kind(["St", "Gallen"])).toBe(P_CITY);
    expect(kind(["Côte", "d", "Ivoire"])).toBe(P_COUNTRY);
    expect(kind(["Bayern"])).toBe(P_REGION);
    expect(kind(["Deutschland"])).toBe(P_COUNTRY);
    expect(lex.placeFirst.get(wordHash("rio"))).toBeGreaterThanOrEqual(3);
  });

  it("marks places that are common words or mostly given names as needing a cue", () => {
    for (const p of ["Essen", "Nice", "Florence", "Split", "Reading"]) expect((placeOfWord(lex, wordHash(p)) ?? 0) & P_AMBIGUOUS, p).toBe(P_AMBIGUOUS);
    for (const p of ["Berlin", "Warszawa", "India"]) expect((placeOfWord(lex, wordHash(p)) ?? P_AMBIGUOUS) & P_AMBIGUOUS, p).toBe(0);
  });

  it("finds Polish inflected places (w Krakowie, z Warszawy, we Wrocławiu)", () => {
    for (const w of ["Krakowie", "Warszawy", "Wrocławiu", "Gdańska", "Poznaniu", "Katowicach"]) expect(polishPlace(lex, w, 0, w.length), w).toBeDefined();
    expect(polishPlace(lex, "Kowalskiego", 0, 11)).toBeUndefined();
  });

  it("has common words and a deny list of brands, products, months and weekdays", () => {
    for (const w of ["Rechnung", "please", "équipe", "Python", "Kubernetes", "Monday", "Montag", "lundi", "maggio", "październik", "augusti"]) expect(lex.common.has(wordHash(w)) || lex.deny.has(wordHash(w)), w).toBe(true);
  });
});
