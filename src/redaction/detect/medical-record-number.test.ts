// MEDICAL_ID, medical record numbers: only right after a record label, in nine languages.
import { describe, expect, it } from "vitest";
import { detector } from "./detect.ts";
import { labelledBefore, medicalRecordNumberRecognizer } from "./medical-record-number.ts";

const d = detector([medicalRecordNumberRecognizer()]);
const found = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));

describe("medical-record-number", () => {
  it.each([
    ["MRN: 12345678", "12345678"],
    ["MRN-12345678", "12345678"],
    ["MRN no. 12345678", "12345678"],
    ["Medical record number 0012345", "0012345"],
    ["Patient ID: AB-12345", "AB-12345"],
    ["hospital number 1234567", "1234567"],
    ["Patienten-ID 4711-22", "4711-22"],
    ["Fallnummer: 2023/0815", "2023/0815"],
    ["n° de dossier 2023-0815", "2023-0815"],
    ["IPP 88123456", "88123456"],
    ["Historia clínica nº 556677", "556677"],
    ["numero paziente 445566", "445566"],
    ["patiëntnummer 7788990", "7788990"],
    ["nr pacjenta: 123456", "123456"],
    ["número de utente 123456789", "123456789"],
    ["journalnummer 20231234", "20231234"],
    ["N.º de utente: 284 917 365", "284 917 365"],
    ["Claim for Zainab Chaudhry, member ID XGH449201837, date", "XGH449201837"],
  ])("%j → %s", (text, value) => {
    expect(found(text)).toEqual([value]);
  });

  it.each(["Order 12345678", "a new record 2024", "Patient had 3 visits in 2024", "record time: 12345 ms", "MRN: 123", "Version 20231234"])(
    "%j has no record number",
    (text) => {
      expect(found(text)).toEqual([]);
    },
  );

  it("labelledBefore looks only at what directly precedes", () => {
    const text = "MRN and more words 12345678";
    expect(labelledBefore(text, text.indexOf("1"))).toBe(false);
  });
});
