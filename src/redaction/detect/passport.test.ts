// PASSPORT: number shapes of the nine countries only with a passport word; MRZ lines with
// their 7-3-1 check digits alone.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { mrzCheck, mrzDataScore, passportRecognizer } from "./passport.ts";

const d = detector([passportRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => [text.slice(s.start, s.end), Math.round(s.score * 100) / 100]);
const values = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));

// ICAO 9303 specimen (Anna Maria Eriksson, Utopia)
const MRZ1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const MRZ2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

describe("passport", () => {
  it.each([
    ["en (US)", "Passport number: 123456789", "123456789"],
    ["en (US, next generation)", "passport no. A12345678", "A12345678"],
    ["de", "Reisepass C01X00T47", "C01X00T47"],
    ["de", "Passnummer: CF1234567", "CF1234567"],
    ["de (since 2017)", "Reisepassnummer F7HK2LM9R, geboren", "F7HK2LM9R"],
    ["de (a foreign passport)", "vietnamesischer Reisepass C4827163.", "C4827163"],
    ["fr", "numéro de passeport 12AB34567", "12AB34567"],
    ["es", "pasaporte AAA123456", "AAA123456"],
    ["it", "passaporto YA1234567", "YA1234567"],
    ["nl", "paspoortnummer NPFH12341", "NPFH12341"],
    ["pl", "paszport AB1234567", "AB1234567"],
    ["pt", "passaporte C123456", "C123456"],
    ["sv", "pass 12345678", "12345678"],
  ])("%s: %j", (_lang, text, value) => {
    expect(values(text)).toEqual([value]);
  });

  it.each([
    ["no passport word", "Order 123456789 shipped"],
    ["no passport word (letters)", "Ticket AB1234567 closed"],
    ["lower case", "passport ab1234567"],
    ["too long", "passport ABCDEFGHIJ123456789"],
    ["part of a longer number", "passport 12 345678901"],
    ["no digits", "passport HELLOWORLD"],
  ])("nothing: %s", (_what, text) => {
    expect(values(text)).toEqual([]);
  });

  it("finds the MRZ of a passport alone", () => {
    expect(found(`${MRZ1}\n${MRZ2}`)).toEqual([
      [MRZ1, 0.9],
      [MRZ2, 1],
    ]);
  });

  it("checks the MRZ check digits", () => {
    expect(mrzCheck("L898902C3")).toBe(6);
    expect(mrzCheck("740812")).toBe(2);
    expect(mrzCheck("120415")).toBe(9);
    expect(mrzDataScore(MRZ2)).toBe(1);
    expect(mrzDataScore(MRZ2.slice(0, 19) + "3" + MRZ2.slice(20))).toBe(0.6); // DOB check wrong
    expect(mrzDataScore("L898902C37" + MRZ2.slice(10))).toBe(0); // document number check wrong
  });
});
