// IDENTIFIERS through the detector: each type in running text of the nine languages with
// exact UTF-16 offsets (after emoji, accents and CJK), the hard negatives untouched, and no
// input that throws or takes more than linear time.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { IDENTIFIERS } from "./identifiers.ts";

const d = detector(IDENTIFIERS);
const spans = (text: string) => d.detect(text).map((s) => [s.type, text.slice(s.start, s.end)]);

describe("IDENTIFIERS", () => {
  it.each([
    ["Meine Steuer-ID ist 86095742719 und meine Handynummer 0171 1234567.", [["NATIONAL_ID", "86095742719"], ["PHONE", "0171 1234567"]]],
    ["Né le 12 mars 1985, numéro de sécurité sociale 1 85 05 78 006 084 91.", [["DATE_OF_BIRTH", "12 mars 1985"], ["NATIONAL_ID", "1 85 05 78 006 084 91"]]],
    ["Mi DNI es 12345678Z y mi teléfono 612 345 678.", [["NATIONAL_ID", "12345678Z"], ["PHONE", "612 345 678"]]],
    ["Il mio codice fiscale è RSSMRA85T10A562S, nato il 10 dicembre 1985.", [["NATIONAL_ID", "RSSMRA85T10A562S"], ["DATE_OF_BIRTH", "10 dicembre 1985"]]],
    ["Mijn BSN is 123456782 en mijn telefoonnummer is 06-12345678.", [["NATIONAL_ID", "123456782"], ["PHONE", "06-12345678"]]],
    ["Mój PESEL to 44051401359, telefon komórkowy 512 345 678.", [["NATIONAL_ID", "44051401359"], ["PHONE", "512 345 678"]]],
    ["O meu NIF é 123456789, telemóvel 912 345 678.", [["NATIONAL_ID", "123456789"], ["PHONE", "912 345 678"]]],
    ["Mitt personnummer är 811218-9876, mobil 070-123 45 67.", [["NATIONAL_ID", "811218-9876"], ["PHONE", "070-123 45 67"]]],
    ["SSN 536-22-4875, NI number AB 12 34 56 C, call +44 20 7946 0958.", [["US_SSN", "536-22-4875"], ["UK_NINO", "AB 12 34 56 C"], ["PHONE", "+44 20 7946 0958"]]],
    ["Passport number: 123456789, NHS number 943 476 5919, MRN: 12345678.", [["PASSPORT", "123456789"], ["MEDICAL_ID", "943 476 5919"], ["MEDICAL_ID", "12345678"]]],
    ["KVNR A123456780, NPI 1234567893, MBI 1EG4-TE5-MK73.", [["MEDICAL_ID", "A123456780"], ["MEDICAL_ID", "1234567893"], ["MEDICAL_ID", "1EG4-TE5-MK73"]]],
  ])("%j", (text, expected) => {
    expect(spans(text)).toEqual(expected);
  });

  it("keeps UTF-16 offsets after emoji, accents and CJK", () => {
    const prefix = "🙂👍🏽 Ünïcödé – 東京 — ";
    const cases = [
      ["SSN 536-22-4875", "536-22-4875"],
      ["codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"],
      ["tél. 06 12 34 56 78", "06 12 34 56 78"],
      ["+33 6 12 34 56 78", "+33 6 12 34 56 78"],
      ["née le 12 mars 1985", "12 mars 1985"],
      ["NIE X1234567L", "X1234567L"],
    ];
    for (const [tail, value] of cases) {
      const text = prefix + tail!;
      const [s, ...rest] = d.detect(text);
      expect(rest).toEqual([]);
      expect(s!.start).toBe(text.indexOf(value!));
      expect(text.slice(s!.start, s!.end)).toBe(value);
    }
  });

  it("leaves the hard negatives untouched", () => {
    const text = [
      "Order 123456789 and order number 4711-2025-0815 shipped; invoice 2024-118, ticket #12345678.",
      "Update to v10.0.19045.1 (build 22631.2861), version 1.2.3, release 2.14.0-rc.1.",
      "Created 2026-11-29T10:15:30Z, modified 2026-11-29 10:15:30, due 12.03.2027 and 03/15/2026.",
      "ISBN 978-3-16-148410-0 and 0-306-40615-2; UUID 123e4567-e89b-12d3-a456-426614174000.",
      "Commit 9fceb02d0ae598e95dc970b74767f19372d61af8 and abc1234 fixed it.",
      "Prices: €1,299.00, $ 1,234,567.89, 1.250,00 EUR, 12 345 678,00 zł.",
      "Tracking 1Z999AA10123456784, parcel JJD0099999999999999.",
      "π ≈ 3.14159265, 2^32 = 4294967296, e = 2.718281828, 10^9 = 1000000000.",
      "In 1985 we moved; on 12 March 1985 the office opened; the years 1999–2024.",
      "Card 4111 1111 1111 1111 and IBAN DE89 3704 0044 0532 0130 00 are other detectors' business.",
      "IP 192.168.100.200 and port 8080; MAC 00:1A:2B:3C:4D:5E.",
    ].join("\n");
    expect(spans(text)).toEqual([]);
  });

  it("never throws, and every span lies inside the text", () => {
    const unit = fc.oneof(
      fc.constantFrom("0", "1", "5", "9", " ", "-", ".", "/", "+", "(", ")", "<", "A", "X", "Z", "é", "🙂", "\n", "tel ", "born ", "BSN ", "MRN: "),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 80 }).map((a) => a.join("")), (text) => {
        for (const s of d.detect(text)) {
          expect(s.start).toBeGreaterThanOrEqual(0);
          expect(s.end).toBeLessThanOrEqual(text.length);
          expect(s.end).toBeGreaterThan(s.start);
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        d.detect(text);
      }),
      { numRuns: 1000 },
    );
  });

  it("stays linear on adversarial input", () => {
    const inputs = [
      "1 ".repeat(50_000),
      "1-".repeat(50_000),
      "12.".repeat(30_000),
      "+(1) ".repeat(20_000),
      "AB12 ".repeat(20_000),
      "P<<".repeat(30_000),
      "tel 0".repeat(20_000),
      "born 12 March ".repeat(8_000),
      "9".repeat(100_000),
    ];
    for (const text of inputs) {
      const t = performance.now();
      d.detect(text);
      expect(performance.now() - t).toBeLessThan(2000);
    }
  });
});
