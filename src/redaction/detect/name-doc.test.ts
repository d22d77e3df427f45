import { describe, expect, it } from "vitest";
import { cueSet } from "./name-cues.ts";
import { inEmail, nameDoc } from "./name-doc.ts";

describe("nameDoc", () => {
  it("gives folded keys, without a possessive 's, and leaves offsets alone", () => {
    const d = nameDoc("Über Anna's Kraków");
    expect([0, 1, 2].map((i) => d.key(i))).toEqual(["uber", "anna", "krakow"]);
    expect(d.coreEnd(1)).toBe(9);
  });

  it("finds phrases ending at a token, across spaces only", () => {
    const cues = cueSet("my name is|name is|best regards");
    const d = nameDoc("Hi, my name is Anna. Best, regards");
    expect(d.phraseEndingAt(3, cues)).toBe(3);
    expect(d.phraseEndingAt(6, cues)).toBe(0); // a comma between best and regards
    expect(d.is(2, cueSet("name"))).toBe(true);
  });

  it("collects e-mail local parts", () => {
    const d = nameDoc("Write to jan.nowak@example.com or aberg@example.org");
    expect(inEmail(d, "nowak")).toBe(true);
    expect(inEmail(d, "berg")).toBe(true);
    expect(inEmail(d, "example")).toBe(false);
  });

  it("tells German text from other text", () => {
    expect(nameDoc("Die Rechnung ist nicht bezahlt, und der Kunde wartet auf die Lieferung.").german()).toBe(true);
    expect(nameDoc("The invoice is not paid and the customer is waiting.").german()).toBe(false);
  });
});
