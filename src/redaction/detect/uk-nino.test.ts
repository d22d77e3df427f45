// UK_NINO: HMRC's prefix rules, six digits (optionally in spaced pairs), suffix A–D.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { ukNinoRecognizer } from "./uk-nino.ts";

const d = detector([ukNinoRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => [text.slice(s.start, s.end), Math.round(s.score * 100) / 100]);

describe("uk-nino", () => {
  it.each(["AB123456C", "AB 12 34 56 C", "AB 123456 C", "JG103759A", "CE123456D", "ZY987654B"])("%s stands alone", (nino) => {
    expect(found(`Ref ${nino}.`)).toEqual([[nino, 0.5]]);
  });

  it("lower case needs a context word", () => {
    expect(found("Ref ab123456c")).toEqual([]);
    expect(found("my national insurance number is ab123456c")).toEqual([["ab123456c", 0.65]]);
    expect(found("NI number AB 12 34 56 C")).toEqual([["AB 12 34 56 C", 0.85]]);
    expect(found("NINO: AB123456C")).toEqual([["AB123456C", 0.85]]);
  });

  it.each([
    ["DA123456A", "first letter D"],
    ["FA123456A", "first letter F"],
    ["IA123456A", "first letter I"],
    ["QQ123456C", "first letter Q (the sample prefix)"],
    ["UA123456A", "first letter U"],
    ["VA123456A", "first letter V"],
    ["AO123456A", "second letter O"],
    ["AD123456A", "second letter D"],
    ["BG123456A", "prefix BG"],
    ["GB123456A", "prefix GB"],
    ["NK123456A", "prefix NK"],
    ["KN123456A", "prefix KN"],
    ["NT123456A", "prefix NT"],
    ["TN123456A", "prefix TN"],
    ["ZZ123456A", "prefix ZZ"],
    ["AB123456E", "suffix E"],
    ["AB12345C", "five digits"],
    ["AB 12 3456 C", "uneven pairs"],
    ["XAB123456C", "glued to a letter"],
    ["AB123456CD", "suffix glued to a letter"],
  ])("%s is not a NINO (%s)", (value) => {
    expect(found(`national insurance ${value}`)).toEqual([]);
  });
});
