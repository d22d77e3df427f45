// DATE_OF_BIRTH: real past dates in numeric and spelled-out forms of nine languages, only
// with a birth word nearby; deadlines, timestamps and impossible dates are not reported.
import { describe, expect, it } from "vitest";
import { dateOfBirthRecognizer, numericDateValid } from "./date-of-birth.ts";
import { detector } from "./detect.ts";

const d = detector([dateOfBirthRecognizer()]);
const values = (text: string) => d.detect(text).map((s) => text.slice(s.start, s.end));
const NOW = new Date(Date.UTC(2026, 10, 29));

describe("date-of-birth", () => {
  it.each([
    ["en", "Born 12 March 1985 in Leeds.", "12 March 1985"],
    ["en", "Date of birth: 12/03/1985", "12/03/1985"],
    ["en", "DOB 03/12/85", "03/12/85"],
    ["en", "D.O.B.: 1985-03-12", "1985-03-12"],
    ["en", "Birthday: March 12, 1985", "March 12, 1985"],
    ["en", "born on the 12th of March, 1985", "12th of March, 1985"],
    ["en", "born 12/31/1985 (US order)", "12/31/1985"],
    ["de", "geboren am 12. März 1985", "12. März 1985"],
    ["de", "Geburtsdatum: 12.03.1985", "12.03.1985"],
    ["de", "geb. 3. Jänner 1985", "3. Jänner 1985"],
    ["fr", "née le 12 mars 1985 à Lyon", "12 mars 1985"],
    ["fr", "Date de naissance : 1er mars 1985", "1er mars 1985"],
    ["es", "nacido el 12 de marzo de 1985", "12 de marzo de 1985"],
    ["es", "Fecha de nacimiento: 12/03/1985", "12/03/1985"],
    ["it", "nato il 12 marzo 1985 a Roma", "12 marzo 1985"],
    ["it", "data di nascita 12.03.1985", "12.03.1985"],
    ["nl", "geboren op 12 maart 1985", "12 maart 1985"],
    ["nl", "geboortedatum: 12-03-1985", "12-03-1985"],
    ["pl", "urodzona 12 marca 1985 r.", "12 marca 1985"],
    ["pl", "data urodzenia: 12.03.1985", "12.03.1985"],
    ["pl", "Ignacy Szczygieł, ur. 17 maja 1986 w Tykocinie", "17 maja 1986"],
    ["pl", "Agnieszka Kowalczyk, ur. 22.11.1964", "22.11.1964"],
    ["de", "Laura Schneider, geb. 12.03.1985", "12.03.1985"],
    ["pt", "nascido em 12 de março de 1985", "12 de março de 1985"],
    ["pt", "data de nascimento: 12/03/1985", "12/03/1985"],
    ["sv", "född 12 mars 1985 i Malmö", "12 mars 1985"],
    ["sv", "födelsedatum 1985-03-12", "1985-03-12"],
  ])("%s: %j", (_lang, text, date) => {
    expect(values(text)).toEqual([date]);
  });

  it.each([
    ["a deadline", "Please reply by 12 March 2026."],
    ["a meeting", "The meeting is on 12.03.2024 at 10:00."],
    ["a timestamp", "born? no: created 2026-11-29T10:15:30Z"],
    ["a future date", "born 12 March 2090"],
    ["31 February", "born 31.02.1985"],
    ["month 13", "born 13/13/1985"],
    ["before 1880", "born 12 March 1850"],
    ["not a month", "born 12 apples 1985"],
    ["a version", "born v1.2.3 and 10.0.19045.1"],
    ["an IP address", "born 192.168.1.100"],
    ["a year alone", "born in 1985"],
    ["Swedish 'ur' (out of), no dot", "Ett citat ur boken från 12 mars 1985 och mer text här"],
  ])("not a date of birth: %s", (_what, text) => {
    expect(values(text)).toEqual([]);
  });

  it.each([
    ["née le 12 mars", "12 mars"],
    ["née le 12 ", "12 "],
    ["née le 12 m", "12 m"],
    ["née le 12 mars 19", "12 mars 19"],
    ["nacido el 17 de mayo d", "17 de mayo d"],
    ["nacido el 17 de mayo de 1", "17 de mayo de 1"],
    ["born March 12", "March 12"],
    ["born March 12, 19", "March 12, 19"],
    ["born on the 12th o", "12th o"],
    ["born on the 12th of March,", "12th of March,"],
  ])("a date the text ends in the middle of is reported low, for a stream to hold back: %j", (text, partial) => {
    const out: [string, number][] = [];
    dateOfBirthRecognizer().find(text, (c) => out.push([text.slice(c.start, c.end), c.score]));
    expect(out).toEqual([[partial, 0.1]]);
    expect(values(text)).toEqual([]); // never redacted as it stands
  });

  it.each(["I have 12 apples", "Room 12", "I have 12 apples d", "born in 1985"])("%j ends in no date", (text) => {
    const out: string[] = [];
    dateOfBirthRecognizer().find(text, (c) => out.push(text.slice(c.start, c.end)));
    expect(out).toEqual([]);
  });

  it("numericDateValid reads d/m/y, m/d/y and y-m-d, two-digit years in the past", () => {
    expect(numericDateValid("12", "03", "1985", NOW)).toBe(true);
    expect(numericDateValid("12", "31", "1985", NOW)).toBe(true);
    expect(numericDateValid("31", "31", "1985", NOW)).toBe(false);
    expect(numericDateValid("1985", "03", "12", NOW)).toBe(true);
    expect(numericDateValid("1985", "03", "1985", NOW)).toBe(false);
    expect(numericDateValid("12", "03", "85", NOW)).toBe(true);
    expect(numericDateValid("29", "11", "26", NOW)).toBe(true);
    expect(numericDateValid("30", "11", "2026", NOW)).toBe(false);
  });
});
