// Phone numbers: a cheap scan for digit groups joined the way phone numbers are written,
// shape filters for what only looks like one (dates, versions, decimals, ISBNs, cards,
// IBAN fragments, labelled order numbers), then libphonenumber-js on what is left.
//
// Scores: an international number (+CC or 00CC) that libphonenumber validates is a phone
// alone (0.7); one of a possible length for its country but in no assigned range (the
// fictional +44 7700 900xxx, new ranges) still is (0.5). A national number is checked
// against the countries its digits can belong to, but in the union of our ten countries
// ~90% of random digit strings are "valid", so it scores 0.4 (0.35 if only of a possible
// length) and needs a context word ("tel", "mobile", "Handy" …) — unless it is grouped as
// only phones are: (212) 555-0123, 06 12 34 56 78, 0221 4829 1773, 08-522 418 30 (three
// or more groups that are not thousands or an SSN's 3-2-4), 0.5 when valid. All stay below
// a validated card (1), so an overlapping card wins.
//
// libphonenumber costs ~5–15 µs a country, more than scanning a 4 KB prompt, so a national
// number is only validated when it can matter: in a distinctive format, or with a phone
// word within the combiner's context window (checked here the same way, a little wider).
// Without one it is not reported — unless the text ends within two words of it: then it
// is reported unchecked at 0.3, so that a stream holds it back while a word that follows
// could still lift it ("… 0171 1234567 (Handy)"); once that word is there it is validated.
//
// libphonenumber-js/min: length-based validation per country (83 kB of metadata; /max
// adds 73 kB for per-range patterns, which only matter when a phone scores alone, i.e.
// +CC numbers, where the "+" is already strong evidence).
import parsePhoneNumber, { type CountryCode, type PhoneNumber } from "libphonenumber-js/min";
import { contextNear, contextWords } from "./context-gate.ts";
import { findDigitRuns, type RunsOf } from "./digit-runs.ts";
import { isAlnumAt, luhnValid } from "./id-checks.ts";
import type { Recognizer } from "./types.ts";

/**
 * Digit groups, each optionally led by an area code in parentheses, joined by one space or
 * by '-', '.' or '/' (spaces allowed around them). Separators are required between groups,
 * so the repetition cannot backtrack. Tried (sticky) where a digit run starts a number.
 */
const CANDIDATE = /\+?(?:\(\d{1,5}\) ?)?\d+(?:(?: ?[-./] ?| )(?:\(\d{1,5}\) ?)?\d+)*/y;

const MIN_DIGITS = 7;
const MAX_DIGITS = 15; // E.164

/** Words that say the number before them is something else (order, invoice, account …). */
const NOT_A_PHONE =
  /(?:^|[^\p{L}])(?:order|invoice|ticket|case|ref|reference|tracking|isbn|issn|iban|account|acct|customer|serial|sku|article|item|version|build|bestell\p{L}*|rechnung\p{L}*|auftrag\p{L}*|kunden\p{L}*|konto\p{L}*|artikel\p{L}*|commande|facture|référence|client|pedido|factura|cliente|ordine|fattura|articolo|bestelling|factuur|klant\p{L}*|zamówieni\p{L}*|faktur\p{L}*|zlecenie|encomenda|fatura|beställning\p{L}*|kund\p{L}*|ordernummer|nip|regon|krs|vat|ust|siret|siren|tva|iva|btw|moms|cif)\.?\s*(?:(?:no|nr|number|nummer|numéro|número|numero|numer|id)\.?\s*)?[:#№]?\s*$/u;

/** Phone words of the nine languages (lower case; punctuation as the combiner strips it). */
const CONTEXT: readonly string[] = [
  "tel", "tél", "phone", "telephone", "phone number", "mobile", "mob", "cell", "cellphone", "call", "ring", "fax", "sms", "whatsapp", "contact",
  "telefon", "telefonnummer", "handy", "handynummer", "mobilnummer", "rufnummer", "mobil", "kontakt",
  "téléphone", "portable", "numéro", "joindre",
  "teléfono", "telefono", "móvil", "movil", "celular", "número", "contacto",
  "cellulare", "numero", "contatto",
  "telefoon", "telefoonnummer", "mobiel", "gsm", "bellen",
  "telefonu", "numer", "komórka", "komórki", "komórkowy", "kom",
  "telemóvel", "telemovel", "telefone", "contato",
  "mobiltelefon", "tfn", "tlf", "nummer",
];

/** Any of CONTEXT as a whole word (see context-gate.ts). */
const PHONE_WORD = contextWords(CONTEXT);

/** The start of an IBAN right before: the digits are its later groups (NL13 INGB 0418 2937 59). */
const IBAN_BEFORE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){0,7} ?$/;

const US_FORMAT = /^\(\d{3}\) ?\d{3}-\d{4}$/;
const FR_FORMAT = /^0\d([ .])\d{2}\1\d{2}\1\d{2}\1\d{2}$/;

/**
 * Written as phone numbers are and other numbers are not: the US and French formats, or
 * three or more groups that are neither thousands (1–3 digits, then threes: 12 345 678, and
 * the 3-3-3 of Spanish or Polish mobiles, which therefore need a word) nor an SSN's 3-2-4.
 */
function groupedLikeAPhone(raw: string, groups: readonly number[]): boolean {
  if (US_FORMAT.test(raw) || FR_FORMAT.test(raw)) return true;
  if (groups.length < 3) return false;
  if (groups.every((g, i) => i === 0 || g === 3)) return false;
  return !(groups.length === 3 && groups[0] === 3 && groups[1] === 2 && groups[2] === 4);
}

export function phoneRecognizer(runsOf: RunsOf = findDigitRuns): Recognizer {
  return {
    name: "phone",
    types: ["PHONE"],
    context: CONTEXT,
    find(text, emit) {
      const runs = runsOf(text);
      let done = 0;
      for (let k = 0; k < runs.count; k++) {
        const s = runs.starts[k]!;
        if (s < done) continue;
        // fewer than 7 digits in the runs that phone separators join: no phone number here
        let count = runs.ends[k]! - s;
        for (let j = k + 1; j < runs.count && count < MIN_DIGITS && joinable(text, runs.ends[j - 1]!, runs.starts[j]!); j++) count += runs.ends[j]! - runs.starts[j]!;
        if (count < MIN_DIGITS) continue;
        const start = text[s - 1] === "+" || text[s - 1] === "(" ? s - 1 : s;
        CANDIDATE.lastIndex = start;
        const m = CANDIDATE.exec(text);
        if (!m) continue;
        const raw = m[0];
        const end = start + raw.length;
        done = end;
        const groups: number[] = [];
        let digits = "";
        for (let j = k; j < runs.count && runs.starts[j]! < end; j++) {
          groups.push(runs.ends[j]! - runs.starts[j]!);
          digits += text.slice(runs.starts[j]!, runs.ends[j]!);
        }
        const score = phoneScore(text, start, end, raw, groups, digits);
        if (score > 0) emit({ type: "PHONE", start, end, score });
      }
    },
  };
}

/** Whether only phone separators (and at most four of them) lie between two digit runs. */
function joinable(text: string, a: number, b: number): boolean {
  if (b - a > 4) return false;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i); // one of " -./()"
    if (c !== 32 && c !== 45 && c !== 46 && c !== 47 && c !== 40 && c !== 41) return false;
  }
  return true;
}

/** The score of text[start, end) as a phone number (its digit groups' lengths and digits given), 0 when it is not one. */
function phoneScore(text: string, start: number, end: number, raw: string, groups: readonly number[], digits: string): number {
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS) return 0;
  if (!standsAlone(text, start, end)) return 0;
  if (looksLikeSomethingElse(raw, groups, digits)) return 0;
  const international = raw.startsWith("+") || (digits.startsWith("00") && digits[2] !== "0" && raw.startsWith("00"));
  const distinctive = !international && groupedLikeAPhone(raw, groups);
  if (!international && !distinctive) {
    const near = contextNear(text, start, end, PHONE_WORD);
    // no phone word: nothing can lift it over the threshold, so it is not validated; it
    // is reported (unchecked, low) only while a word after it may still arrive in a stream
    if (near === "none") return 0;
    if (near === "open") return UNCHECKED;
    // the word after belongs to the next number: score so low the combiner's boost cannot lift it
    if (near === "after" && introducesNext(text, end)) return NOT_ITS_CONTEXT;
  }
  const before = text.slice(Math.max(0, start - 40), start);
  if (NOT_A_PHONE.test(before.toLowerCase()) || IBAN_BEFORE.test(before)) return 0;
  // Each number is parsed once and asked both questions (isValidPhoneNumber() and
  // isPossiblePhoneNumber() would each parse it again: most of their cost).
  try {
    if (international) {
      const parsed = parse("+" + (raw.startsWith("+") ? digits : digits.slice(2)), undefined);
      return parsed?.isValid() ? 0.7 : parsed?.isPossible() ? 0.5 : 0;
    }
    const countries = nationalCountries(digits);
    const parsed: (PhoneNumber | undefined)[] = [];
    for (const country of countries) {
      const p = parse(digits, country);
      parsed.push(p);
      if (p?.isValid()) return distinctive ? 0.5 : 0.4;
    }
    for (const p of parsed) {
      if (p?.isPossible()) return 0.35;
    }
  } catch {
    // libphonenumber rejects some inputs by throwing; such a string is no phone
  }
  return 0;
}

/** What isValidPhoneNumber() and isPossiblePhoneNumber() parse: the whole string as one number. */
const parse = (number: string, country: CountryCode | undefined): PhoneNumber | undefined =>
  parsePhoneNumber(number, { defaultCountry: country, extract: false });

/** What a national number without a phone word nearby scores, unvalidated. */
const UNCHECKED = 0.3;
/** Below the combiner's floor minus its boost: a context word cannot take it over 0.5. */
const NOT_ITS_CONTEXT = 0.1;

/**
 * Whether the phone word after a number introduces the next one ("NIF 123456789, telemóvel
 * 912 345 678"): then it is that number's context, not this one's.
 */
function introducesNext(text: string, end: number): boolean {
  return /^[\s,;:.()–-]*(?:[\p{L}.]+[\s:.]*){1,2}[+(]?\d/u.test(text.slice(end, end + 40));
}

/** No letter or digit touches it, and it is not an amount (€, $ …), a decimal, a percentage or part of a longer token. */
function standsAlone(text: string, start: number, end: number): boolean {
  if (isAlnumAt(text, start - 1) || isAlnumAt(text, end)) return false;
  const prev = text[start - 1];
  if (prev !== undefined) {
    if ("#$€£¥_+=@&\\".includes(prev)) return false; // #12345678, $1234567
    if ("-/".includes(prev) && isAlnumAt(text, start - 2)) return false; // ID-1234567, 12/1234567
    if (",.:".includes(prev) && isDigitChar(text[start - 2])) return false; // 1,2345678 10:1234567
    if (prev === " " && "$€£¥#".includes(text[start - 2] ?? " ")) return false; // € 1 234 567
  }
  const next = text[end];
  if (next !== undefined) {
    if ("%€$£¥°".includes(next)) return false;
    if (",.:-/".includes(next) && isDigitChar(text[end + 1])) return false;
  }
  return true;
}

const isDigitChar = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";

const DATE_SEP = /^\d{1,4}([./-])\d{1,2}\1\d{2,4}$/;

/** Shapes that are dates, versions, decimals, IP addresses, tax numbers, ISBNs or cards. */
function looksLikeSomethingElse(raw: string, groups: readonly number[], digits: string): boolean {
  const plus = raw.startsWith("+");
  // 12.03.1985, 2026-11-29, 03/12/85
  if (!plus && DATE_SEP.test(raw)) return true;
  // dotted groups: versions (10.0.19045.1) and decimals (1234567.89) have short or long
  // groups; dotted phones (06.12.34.56.78, 555.123.4567) have at least three of 2–4 digits
  if (raw.includes(".") && (groups.length < 3 || groups.some((g) => g < 2 || g > 4))) return true;
  // IPv4 addresses (90.84.231.17)
  if (!plus && groups.length === 4 && raw.includes(".") && groups.every((g) => g <= 3)) return true;
  // Polish NIP (tax number of a business), written 3-2-2-3 with dashes
  if (!plus && groups.length === 4 && raw.includes("-") && groups[0] === 3 && groups[1] === 2 && groups[2] === 2 && groups[3] === 3) return true;
  // EAN-13 / ISBN-13, and card numbers (the card detector owns a Luhn-valid 13–19 digit run)
  if (!plus && digits.length === 13 && (digits.startsWith("978") || digits.startsWith("979"))) return true;
  if (!plus && digits.length >= 13 && luhnValid(digits)) return true;
  // ISBN-10 written with hyphens: 0-306-40615-2
  if (!plus && digits.length === 10 && groups.length === 4 && groups[0] === 1 && raw.includes("-")) return true;
  return false;
}

/**
 * The countries (of the ten we serve) whose national numbers can look like these digits,
 * cheapest likely one first; at most three are tried (any one will do: the type is PHONE).
 */
export function nationalCountries(d: string): CountryCode[] {
  const n = d.length;
  if (d[0] === "0") {
    if (d[1] === "0") return [];
    // Germany first: its variable-length plan takes most of these, and its check is among
    // the cheapest (GB, sharing +44 with three dependencies, costs ~5× more)
    const list: CountryCode[] = ["DE"];
    if (n === 10) list.push("FR", "NL");
    else if (n === 11) list.push("GB");
    if (n >= 6 && n <= 11) list.push("IT");
    if (n >= 8 && n <= 10) list.push("SE");
    return list.slice(0, 3);
  }
  if (n === 11 && d[0] === "1") return ["US"];
  if (n === 10) return d[0] === "3" ? ["IT", "US"] : ["US"];
  if (n === 9) {
    switch (d[0]) {
      case "6":
      case "7":
      case "8":
        return ["ES", "PL"];
      case "9":
        return ["ES", "PT", "PL"];
      case "2":
        return ["PT", "PL"];
      default:
        return ["PL"];
    }
  }
  return [];
}
