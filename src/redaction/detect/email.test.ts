// EMAIL: addresses found by expanding each '@', a plausible TLD, UTF-16 offsets.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emailRecognizer } from "./email.ts";
import type { Candidate } from "./types.ts";

const find = (text: string) => {
  const out: Candidate[] = [];
  emailRecognizer().find(text, (c) => out.push(c));
  return out;
};
const values = (text: string) => find(text).map((c) => text.slice(c.start, c.end));

describe("email", () => {
  it.each([
    ["write to john.doe@example.com today", "john.doe@example.com"],
    ["<mailto:jane+news@firma.de>", "jane+news@firma.de"],
    ["Mail: o'brien_1@sub.mail.co.uk.", "o'brien_1@sub.mail.co.uk"],
    ["(x.y-z@example.org)", "x.y-z@example.org"],
    ["josé.müller@bücher.de", "josé.müller@bücher.de"],
    ["CONTACT@EXAMPLE.COM", "CONTACT@EXAMPLE.COM"],
    ["user@xn--mller-kva.de", "user@xn--mller-kva.de"],
    ["Schreib an anna@example.com.Danke", "anna@example.com"],
  ])("finds the address in %j", (text, address) => {
    expect(values(text)).toEqual([address]);
  });

  it("scores a known TLD 0.9 and an unknown one below the threshold (a context word lifts it)", () => {
    expect(find("a@example.com")[0]!.score).toBe(0.9);
    expect(find("a@example.travelagency")[0]!.score).toBe(0.45);
  });

  it.each([
    "icon@2x.png and logo@3x.webp",
    "npm i left-pad@1.2.3",
    "import x from '@scope/pkg'",
    "user@localhost",
    "a@b",
    "trailing@dot.",
    "double..dot@example.com",
    "no-at-sign.example.com",
    "@mention in chat",
    "postgres://admin:s3cr3t@db.example.com/app",
  ])("reports nothing in %j", (text) => {
    expect(values(text)).toEqual([]);
  });

  it("finds an address after a colon, unless the colon is a URL's user:password", () => {
    expect(values("see https://example.com docs. Email:john@example.com")).toEqual(["john@example.com"]);
    expect(values("https://admin:s3cr3t@example.com")).toEqual([]);
  });

  it("drops the prose around an address, not the address", () => {
    expect(values("..john@example.com..")).toEqual(["john@example.com"]);
    expect(values("-john@example.com-")).toEqual(["john@example.com"]);
    expect(values("email: 'john@example.com'")).toEqual(["john@example.com"]);
    expect(values('{"to":"john@example.com"}')).toEqual(["john@example.com"]);
  });

  it("finds several addresses, each once", () => {
    expect(values("a@example.com, b@example.org; c@example.net")).toEqual(["a@example.com", "b@example.org", "c@example.net"]);
  });

  it("gives UTF-16 offsets after emoji and accents", () => {
    const text = "Grüße 👩‍💻🎉 — écrivez à zoé@exemple.fr";
    const [c] = find(text);
    expect(c!.start).toBe(text.indexOf("zoé"));
    expect(text.slice(c!.start, c!.end)).toBe("zoé@exemple.fr");
  });

  it("never throws and reports spans inside the text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "@", ".", "-", "com", "x.y", " ", "é", "🎉", "'", "_", "1"), { maxLength: 80 }), (parts) => {
        const text = parts.join("");
        for (const c of find(text)) {
          expect(c.start).toBeGreaterThanOrEqual(0);
          expect(c.end).toBeLessThanOrEqual(text.length);
          expect(text.slice(c.start, c.end)).toContain("@");
        }
      }),
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void find(text)));
  });
});
