// FR NIR: structure (sex, year, month, department incl. Corsica 2A/2B) and the mod-97 key;
// valid and distinctive, so it stands alone.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { nirRecognizer, nirScore } from "./national-id-fr.ts";

const d = detector([nirRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => [text.slice(s.start, s.end), s.score]);

describe("national-id-fr (NIR)", () => {
  it.each([
    ["1 85 05 78 006 084 91", 1],
    ["185057800608491", 1],
    ["2 85 05 78 006 084 41", 1],
    ["1850578006084 91", 1],
    ["2 69 05 99 350 012 01", 1],
    ["1 85 02 2A 004 123 08", 1],
    ["185022A00412308", 1],
    ["1 85 02 2a 004 123 08", 1],
    ["7 85 05 78 006 084 xx".replace("xx", String(97 - (7850578006084 % 97)).padStart(2, "0")), 0.6],
    ["1 85 35 78 006 084 xx".replace("xx", String(97 - (1853578006084 % 97)).padStart(2, "0")), 0.6],
  ])("%s scores %s", (nir, score) => {
    expect(nirScore(nir)).toBe(score);
  });

  it.each([
    ["1 85 05 78 006 084 92", "wrong key"],
    ["1 85 13 78 006 084 xx", "month 13"],
    ["1 85 00 78 006 084 xx", "month 00"],
    ["5 85 05 78 006 084 91", "sex digit 5"],
    ["1 85 02 2C 004 123 08", "no department 2C"],
  ])("%s is not a NIR (%s)", (nir) => {
    expect(found(`numéro de sécurité sociale ${nir}`)).toEqual([]);
  });

  it("stands alone, grouped or compact", () => {
    expect(found("Voici mon numéro : 1 85 05 78 006 084 91.")).toEqual([["1 85 05 78 006 084 91", 1]]);
    expect(found("NIR 185057800608491")).toEqual([["185057800608491", 1]]);
    expect(found("2A corse 185022A00412308 ok")).toEqual([["185022A00412308", 1]]);
  });

  it("is never part of a longer number", () => {
    expect(found("9185057800608491")).toEqual([]);
    expect(found("185057800608491 2")).toEqual([]);
  });
});
