// PHONE: international numbers validated by libphonenumber stand alone; national numbers
// need a phone word (nine languages) unless written as only phones are; shapes of dates,
// versions, decimals, ISBNs, cards, IBANs and labelled order numbers are not phones.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { nationalCountries, phoneRecognizer } from "./phone.ts";
import type { Candidate } from "./types.ts";

const d = detector([phoneRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => [text.slice(s.start, s.end), Math.round(s.score * 100) / 100]);
const values = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));
const raw = (text: string) => {
  const out: Candidate[] = [];
  phoneRecognizer().find(text, (c) => out.push(c));
  return out.map((c) => [text.slice(c.start, c.end), c.score]);
};

describe("phone", () => {
  it.each([
    ["+44 20 7946 0958"],
    ["+44 (0)20 7946 0958"],
    ["0044 20 7946 0958"],
    ["+1 415 555 2671"],
    ["+1-415-555-2671"],
    ["+49 30 12345678"],
    ["+49 (0)30 1234567"],
    ["+33 6 12 34 56 78"],
    ["+34 612 345 678"],
    ["+39 347 123 4567"],
    ["+31 6 12345678"],
    ["+48 512 345 678"],
    ["+351 912 345 678"],
    ["+46 70 123 45 67"],
  ])("international %s stands alone (0.7)", (number) => {
    expect(found(`Reach us at ${number} today, we answer quickly.`)).toEqual([[number, 0.7]]);
  });

  it.each([
    ["en", "Call me on 020 7946 0958, thanks.", "020 7946 0958"],
    ["en", "My cell is (212) 555-0147.", "(212) 555-0147"],
    ["en", "phone: 212.555.0147", "212.555.0147"],
    ["de", "Telefon: 030 12345678", "030 12345678"],
    ["de", "Meine Handynummer ist 0171 1234567.", "0171 1234567"],
    ["de", "Tel. 030/1234567", "030/1234567"],
    ["fr", "Tél. : 06 12 34 56 78", "06 12 34 56 78"],
    ["fr", "mon portable 06.12.34.56.78", "06.12.34.56.78"],
    ["es", "Mi teléfono es 612 345 678", "612 345 678"],
    ["es", "móvil: 912 345 678", "912 345 678"],
    ["it", "cellulare 347 123 4567", "347 123 4567"],
    ["it", "telefono 06 1234 5678", "06 1234 5678"],
    ["nl", "telefoonnummer 020-1234567", "020-1234567"],
    ["nl", "mobiel: 06-12345678", "06-12345678"],
    ["pl", "komórka 512 345 678", "512 345 678"],
    ["pl", "numer telefonu 22 123 45 67", "22 123 45 67"],
    ["pt", "telemóvel 912 345 678", "912 345 678"],
    ["pt", "telefone 212 345 678", "212 345 678"],
    ["sv", "mobil 070-123 45 67", "070-123 45 67"],
    ["sv", "tel 08-123 456 78", "08-123 456 78"],
  ])("%s: %j", (_lang, text, number) => {
    expect(values(text)).toEqual([number]);
  });

  it("national numbers: a phone word lifts them, the only-phone formats stand alone", () => {
    expect(found("Reference 030 12345678 attached below.")).toEqual([]);
    expect(found("0171 1234567 (Handy)")).toEqual([["0171 1234567", 0.75]]);
    expect(found("Ruf an: 06 12 34 56 78 oder so")).toEqual([["06 12 34 56 78", 0.5]]);
    expect(found("Office (212) 555-0147 downtown")).toEqual([["(212) 555-0147", 0.5]]);
  });

  it("grouped as only phones are, a national number stands alone (0.5)", () => {
    expect(found("Petra Richter, 0221 4829 1773, Auftrag 4711")).toEqual([["0221 4829 1773", 0.5]]);
    expect(found("Paola Gallo, 06 4821 5573, pratica 12")).toEqual([["06 4821 5573", 0.5]]);
    expect(found("Anouk Bos, 010 413 2289, dossier 9")).toEqual([["010 413 2289", 0.5]]);
    expect(found("Elin Gustafsson, 08-522 418 30, ärende 7")).toEqual([["08-522 418 30", 0.5]]);
    expect(found("Catarina Gonçalves, 22 208 4410, processo 3")).toEqual([["22 208 4410", 0.5]]);
    // thousands, 3-3-3 mobiles and the SSN's 3-2-4 still need a word
    expect(found("population 12 345 678 901 in total")).toEqual([]);
    expect(found("Ana, 612 345 678, pedido 5")).toEqual([]);
    expect(found("ref 536 22 4875 is fine")).toEqual([]);
  });

  it("a number of a possible length outside assigned ranges still counts (fictional numbers)", () => {
    expect(found("reach me on +44 7700 900461 after six")).toEqual([["+44 7700 900461", 0.5]]);
    expect(found("Mob: 07700 900182")).toEqual([["07700 900182", 0.75]]); // invalid in GB, valid as a German number
  });

  it("a phone word after a number belongs to the next number", () => {
    expect(values("O meu NIF é 123456789, telemóvel 912 345 678.")).toEqual(["912 345 678"]);
  });

  it("is reported unvalidated only while a phone word may still follow (streams)", () => {
    expect(raw("Reference 030 12345678")).toEqual([["030 12345678", 0.3]]);
    expect(raw("Reference 030 12345678 attached below for you.")).toEqual([]);
  });

  it.each([
    ["order number", "Order number: 0301234567, phone us if it is late"],
    ["Bestellnummer", "Bestellnummer 0301234567 – Telefon folgt"],
    ["a date", "tel 12.03.2024"],
    ["an ISO date", "phone 2026-11-29"],
    ["a timestamp", "call at 2026-11-29T10:15:30Z"],
    ["a version", "phone app v10.0.19045.1"],
    ["a build number", "phone build 10.0.19045.1"],
    ["a decimal", "tel 1234567.89"],
    ["a price", "phone costs €1,299.00 or € 1 299 000"],
    ["an amount", "phone: 1234567 €"],
    ["a percentage", "phone 1234567%"],
    ["an ISBN-13", "phone book ISBN 978-3-16-148410-0"],
    ["an ISBN-10", "phone book 0-306-40615-2"],
    ["a card number", "tel 4111 1111 1111 1111"],
    ["an Amex number", "tel 3782 822463 10005"],
    ["an IBAN", "tel DE89 3704 0044 0532 0130 00"],
    ["an IBAN with a bank code", "tel IBAN NL13 INGB 0418 2937 59"],
    ["an IPv4 address", "phone home from 90.84.231.17 (attempt 3)"],
    ["a Polish NIP", "tel. NIP sprzedawcy 527-28-41-093"],
    ["a tracking number", "phone 1Z999AA10123456784"],
    ["maths", "maths: 2^32 = 4294967296 and 3.14159265 (phone)"],
    ["a UUID", "phone 123e4567-e89b-12d3-a456-426614174000"],
    ["a git hash", "tel 9fceb02d0ae598e95dc970b74767f19372d61af8"],
    ["a glued token", "tel ID-1234567 or #12345678"],
    ["an invalid number", "tel 0000 000"],
  ])("not a phone: %s", (_what, text) => {
    expect(values(text)).toEqual([]);
  });

  it("tries only the plausible countries", () => {
    expect(nationalCountries("03012345678")).toEqual(["DE", "GB", "IT"]);
    expect(nationalCountries("0612345678")).toEqual(["DE", "FR", "NL"]);
    expect(nationalCountries("4155552671")).toEqual(["US"]);
    expect(nationalCountries("3471234567")).toEqual(["IT", "US"]);
    expect(nationalCountries("912345678")).toEqual(["ES", "PT", "PL"]);
    expect(nationalCountries("0012345678")).toEqual([]);
    expect(nationalCountries("1234567")).toEqual([]);
  });
});
