import { describe, expect, it } from "vitest";
import { P_COUNTRY, P_KIND } from "./lexicon.ts";
import { nameDoc } from "./name-doc.ts";
import { placeAt } from "./place-lookup.ts";

const at = (text: string, i: number) => {
  const d = nameDoc(text);
  const hit = placeAt(d, i);
  return hit ? text.slice(d.t.start[i], d.t.end[hit.last]) : undefined;
};

describe("placeAt", () => {
  it("prefers the longest multi-word place", () => {
    expect(at("Rio de Janeiro is hot", 0)).toBe("Rio de Janeiro");
    expect(at("Frankfurt am Main", 0)).toBe("Frankfurt am Main");
    expect(at("Frankfurt an der Oder", 0)).toBe("Frankfurt an der Oder");
    expect(at("New York City", 0)).toBe("New York City");
    expect(at("St. Gallen", 0)).toBe("St. Gallen");
    expect(at("Den Haag", 0)).toBe("Den Haag");
  });

  it("finds single words in any spelling", () => {
    expect(at("München", 0)).toBe("München");
    expect(at("MÜNCHEN", 0)).toBe("MÜNCHEN");
    expect(at("Göteborg", 0)).toBe("Göteborg");
  });

  it("finds Polish inflected forms after a Polish preposition only", () => {
    expect(at("mieszkam w Krakowie", 2)).toBe("Krakowie");
    expect(at("jadę do Gdańska", 2)).toBe("Gdańska");
    expect(at("I like Krakowie", 2)).toBeUndefined();
  });

  it("tells countries", () => {
    const d = nameDoc("Deutschland");
    expect((placeAt(d, 0)!.flags & P_KIND) === P_COUNTRY).toBe(true);
  });
});
