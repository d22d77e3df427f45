// DE Steuer-ID: MOD 11,10 check digit and the digit-repetition rule; the bare run needs
// a context word, the 2-3-3-3 grouping stands alone.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { mod11_10, steuerIdRecognizer, steuerIdValid } from "./national-id-de.ts";

const d = detector([steuerIdRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));

describe("national-id-de (Steuer-ID)", () => {
  it.each(["86095742719", "65929970489", "57549285017", "25768131411"])("%s is valid", (id) => {
    expect(steuerIdValid(id)).toBe(true);
  });

  it.each([
    ["86095742718", "wrong check digit"],
    ["06095742719", "leading zero"],
    ["12345678903", "no digit repeated among the first ten"],
    ["11145678901", "a digit three times in a row"],
    ["11223344556", "several digits repeated"],
    ["1234567890", "ten digits"],
  ])("%s is invalid (%s)", (id) => {
    expect(steuerIdValid(id)).toBe(false);
  });

  it("computes the ISO 7064 MOD 11,10 check digit", () => {
    expect(mod11_10("8609574271")).toBe(9);
    expect(mod11_10("3684201576")).toBe(2);
  });

  it("needs a context word when bare", () => {
    expect(found("Ref 86095742719 anbei, danke und viele Grüße")).toEqual([]);
    expect(found("Meine Steuer-ID ist 86095742719.")).toEqual(["86095742719"]);
    expect(found("steuerliche Identifikationsnummer: 65929970489")).toEqual(["65929970489"]);
    expect(found("IdNr. 57549285017")).toEqual(["57549285017"]);
  });

  it("stands alone when grouped 2-3-3-3", () => {
    expect(found("ID: 86 095 742 719, anbei")).toEqual(["86 095 742 719"]);
    expect(found("86 095 742 718")).toEqual([]);
  });

  it("is never part of a longer number", () => {
    expect(found("Steuer-ID 186095742719")).toEqual([]);
    expect(found("Steuer-ID 86095742719-1")).toEqual([]);
    expect(found("Steuer-ID 12 86 095 742 719")).toEqual([]);
  });
});
