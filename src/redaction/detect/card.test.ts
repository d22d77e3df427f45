// CREDIT_CARD: Luhn plus a real issuer prefix and length; grouped or compact; never a
// piece of a longer number, a phone number or a decimal.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cardRecognizer, valid } from "./card.ts";
import type { Candidate } from "./types.ts";

const find = (text: string) => {
  const out: Candidate[] = [];
  cardRecognizer().find(text, (c) => out.push(c));
  return out;
};
const values = (text: string) => find(text).map((c) => text.slice(c.start, c.end));

describe("card", () => {
  it.each([
    ["4111111111111111", "Visa 16"],
    ["4222222222222", "Visa 13"],
    ["5555555555554444", "Mastercard"],
    ["2223003122003222", "Mastercard 2-series"],
    ["378282246310005", "Amex"],
    ["6011111111111117", "Discover"],
    ["3530111333300000", "JCB"],
    ["30569309025904", "Diners 14"],
    ["6200000000000005", "UnionPay"],
    ["4111 1111 1111 1111", "grouped by spaces"],
    ["5555-5555-5555-4444", "grouped by dashes"],
    ["3782 822463 10005", "Amex 4-6-5"],
  ])("finds %s (%s) with score 1", (card) => {
    const text = `Card: ${card}, thanks`;
    const [c, ...rest] = find(text);
    expect(rest).toEqual([]);
    expect(text.slice(c!.start, c!.end)).toBe(card);
    expect(c!.score).toBe(1);
  });

  it.each([
    ["4111111111111112", "fails Luhn"],
    ["4111 1111 1111 1112", "grouped, fails Luhn"],
    ["1234567812345670", "passes Luhn, no issuer starts with 1"],
    ["9111111111111115", "passes Luhn, no issuer starts with 9"],
    ["341111111111111111", "Amex prefix at 18 digits"],
    ["41111111111111110", "Visa prefix at 17 digits"],
    ["24111111111111111", "part of a longer digit run"],
    ["41111111111111111", "part of a longer digit run (17)"],
    ["+4111111111111111", "a phone number"],
    ["3.4111111111111111", "the decimals of a number"],
    ["4111111111111111.50", "the integer part of a decimal"],
    ["ID4111111111111111", "glued to a word"],
    ["1Z999AA10123456784", "a UPS tracking number"],
    ["978-3-16-148410-0", "an ISBN"],
    ["+49 30 1234 5678 90", "a phone number with groups"],
    ["2026-11-29 10:15:30", "a timestamp"],
    ["4294967296 18446744073709551616", "powers of two"],
  ])("reports nothing for %s (%s)", (text) => {
    expect(values(text)).toEqual([]);
  });

  it("takes a card-shaped start of a longer run (card then expiry or CVV)", () => {
    expect(values("4111 1111 1111 1111 12 26")).toEqual(["4111 1111 1111 1111"]);
    expect(values("4111 1111 1111 1111 123")).toEqual(["4111 1111 1111 1111"]);
  });

  it("takes a compact card among other numbers, but not a piece of a group", () => {
    expect(values("qty 2 4111111111111111 exp 12 26")).toEqual(["4111111111111111"]);
    expect(values("1234 4111 1111 1111 1111")).toEqual([]);
  });

  it("splits where the separator changes", () => {
    expect(values("2026-11-29 4111 1111 1111 1111")).toEqual(["4111 1111 1111 1111"]);
  });

  it("gives UTF-16 offsets after emoji and accents", () => {
    const text = "Carte bancaire 💳🎉 numéro : 5555 5555 5555 4444";
    const [c] = find(text);
    expect(c!.start).toBe(text.indexOf("5555"));
    expect(c!.end).toBe(text.length);
  });

  it("validates Luhn and issuer together", () => {
    expect(valid("4111111111111111", 0, 16, 16)).toBe(true);
    expect(valid("4111111111111111", 0, 16, 15)).toBe(false); // length not Visa's
    expect(valid("6759649826438453", 0, 16, 16)).toBe(true); // Maestro
  });

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("4", "1", "0", " ", "-", ".", "+", "a", "5555", "4111 ", "é"), { maxLength: 120 }), (parts) => {
        const text = parts.join("");
        for (const c of find(text)) {
          expect(c.start).toBeGreaterThanOrEqual(0);
          expect(c.end).toBeLessThanOrEqual(text.length);
        }
      }),
    );
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void find(text)));
  });
});
