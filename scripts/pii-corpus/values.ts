// Entity helpers that compute what must be computed: check digits of cards, IBANs and national
// numbers (the record writes the body, the helper completes it), wallet addresses and API keys
// derived deterministically from a seed string, and `bad.*` decoys whose check digit is wrong.
import { createHash } from "node:crypto";
import * as cs from "./checksums.ts";
import type { Scheme } from "./checksums.ts";
import { decoy, ent, type Decoy, type Entity } from "./dsl.ts";
import { base58check, eip55, segwitAddress } from "./wallets.ts";

/** Deterministic bytes from a seed string (SHA-256 in counter mode). */
function bytes(seed: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0, block = 0; i < n; block++) {
    const h = createHash("sha256").update(`${seed}#${block}`).digest();
    for (let k = 0; k < h.length && i < n; k++) out[i++] = h[k] ?? 0;
  }
  return out;
}

function chars(seed: string, n: number, alphabet: string): string {
  return [...bytes(seed, n)].map((b) => alphabet[b % alphabet.length]).join("");
}

const checked = (type: Entity["type"], scheme: Scheme, value: string): Entity => {
  if (!cs.SCHEMES[scheme](value)) throw new Error(`corpus value ${value} fails ${scheme}`);
  return ent(type, value, { scheme });
};

const failing = (scheme: Scheme, value: string): Decoy => {
  if (cs.SCHEMES[scheme](value)) throw new Error(`decoy ${value} passes ${scheme}`);
  return decoy(scheme, value);
};

/** Replaces the trailing "_" placeholder(s) of a template with the given check characters. */
const fill = (template: string, check: string) => {
  let i = check.length;
  return template.replace(/_/g, () => check[check.length - i--] ?? "");
};
const body = (template: string) => template.replace(/[^0-9A-Z]/g, "");
/** A wrong digit instead of the right one. */
const wrong = (d: string) => String((Number(d) + 3) % 10);

// --- Payment cards and IBANs ------------------------------------------------------------------

/** A card number written with a trailing "_" for the Luhn digit: card("4929 5013 6470 812_"). */
export const card = (template: string) => checked("CREDIT_CARD", "card", fill(template, cs.luhnDigit(body(template))));

/**
 * An IBAN from the country code and the BBAN with "_" where national check digits go (FR RIB key,
 * ES DC, IT CIN, PT NIB, PL sort-code digit, NL account digit); the IBAN check digits are computed.
 * Written in groups of four unless compact.
 */
export function iban(cc: string, bbanTemplate: string, opts: { compact?: boolean } = {}): Entity {
  const b = bbanTemplate.replace(/\s/g, "");
  let bban = b;
  const k = cs.bbanChecks;
  if (cc === "FR") bban = b.slice(0, 21) + k.ribKey(b.slice(0, 21));
  else if (cc === "ES") bban = b.slice(0, 8) + k.esDc(b.slice(0, 8), b.slice(10)) + b.slice(10);
  else if (cc === "IT") bban = k.itCin(b.slice(1)) + b.slice(1);
  else if (cc === "PT") bban = b.slice(0, 19) + k.ptNib(b.slice(0, 19));
  else if (cc === "PL") bban = b.slice(0, 7) + k.plSortCodeDigit(b.slice(0, 7)) + b.slice(8);
  else if (cc === "NL") {
    const acct = b.slice(4, 13);
    const sum = [...acct].reduce((acc, c, i) => acc + Number(c) * (10 - i), 0);
    const d = (11 - (sum % 11)) % 11;
    if (d === 10) throw new Error(`iban NL: no account digit for ${acct}`);
    bban = b.slice(0, 13) + String(d);
  }
  if (bban.includes("_")) throw new Error(`iban ${cc}: unfilled placeholder in ${bbanTemplate}`);
  const full = cs.ibanFromBban(cc, bban);
  return checked("IBAN", "iban", opts.compact ? full : cs.groupIban(full));
}

// --- National numbers --------------------------------------------------------------------------

/** Steuer-ID from the first ten digits, e.g. steuerId("65 929 970 48_"). */
export const steuerId = (template: string) => checked("NATIONAL_ID", "de_steuer_id", fill(template, cs.steuerIdDigit(body(template).slice(0, 10))));
/** French NIR with the key placeholder: nir("1 85 05 78 006 084 __"). */
export const nir = (template: string) => checked("NATIONAL_ID", "fr_nir", fill(template, cs.nirKey(body(template).slice(0, 13))));
/** Spanish DNI or NIE with the letter placeholder: dni("12345678_"), dni("X1234567_"). */
export const dni = (template: string) => checked("NATIONAL_ID", "es_dni", fill(template, cs.dniLetter(body(template))));
/** Italian codice fiscale from the person's data (commune code as in the cadastre: F205 Milano). */
export const cf = (surname: string, first: string, born: string, sex: "M" | "F", commune: string) => checked("NATIONAL_ID", "it_codice_fiscale", cs.codiceFiscale(surname, first, born, sex, commune));
/** Dutch BSN: bsn("1234.56.78_"). */
export const bsn = (template: string) => checked("NATIONAL_ID", "nl_bsn", fill(template, cs.bsnDigit(body(template).slice(0, 8))));
/** Polish PESEL from birth date (YYYY-MM-DD), a 3-digit serial and sex. */
export function pesel(born: string, serial: string, sex: "M" | "F"): Entity {
  const [y, m, d] = born.split("-").map(Number) as [number, number, number];
  const month = m + (y >= 2000 ? 20 : 0);
  const sexDigit = sex === "M" ? (Number(serial) % 5) * 2 + 1 : (Number(serial) % 5) * 2;
  const first10 = `${String(y % 100).padStart(2, "0")}${String(month).padStart(2, "0")}${String(d).padStart(2, "0")}${serial}${sexDigit}`;
  return checked("NATIONAL_ID", "pl_pesel", first10 + cs.peselDigit(first10));
}
/** Portuguese NIF: nif("23456789_"). */
export const nif = (template: string) => checked("NATIONAL_ID", "pt_nif", fill(template, cs.nifDigit(body(template).slice(0, 8))));
/** Swedish personnummer: pnr("850709-123_"); the Luhn digit covers the short ten digits. */
export function pnr(template: string): Entity {
  const digits = body(template);
  const short = digits.length === 11 ? digits.slice(2) : digits;
  return checked("NATIONAL_ID", "se_personnummer", fill(template, cs.luhnDigit(short)));
}
export const ssn = (v: string) => checked("US_SSN", "us_ssn", v);
export const nino = (v: string) => checked("UK_NINO", "uk_nino", v);

// --- Health numbers ----------------------------------------------------------------------------

/** NHS number: nhs("943 476 591_"). */
export function nhs(template: string): Entity {
  const d = cs.nhsDigit(body(template).slice(0, 9));
  if (d === "X") throw new Error(`nhs: no check digit for ${template}`);
  return checked("MEDICAL_ID", "uk_nhs", fill(template, d));
}
/** German KVNR: kvnr("A12345678_"). */
export const kvnr = (template: string) => checked("MEDICAL_ID", "de_kvnr", fill(template, cs.kvnrDigit(body(template).slice(0, 9))));
export const mbi = (v: string) => checked("MEDICAL_ID", "us_mbi", v);

// --- Wallets and keys ---------------------------------------------------------------------------

export function btc(kind: "p2pkh" | "p2sh" | "segwit" | "taproot", seed: string): Entity {
  const value =
    kind === "p2pkh" ? base58check(0x00, bytes(seed, 20))
    : kind === "p2sh" ? base58check(0x05, bytes(seed, 20))
    : kind === "segwit" ? segwitAddress(0, bytes(seed, 20))
    : segwitAddress(1, bytes(seed, 32));
  return checked("CRYPTO_WALLET", "btc", value);
}

export const eth = (seed: string) => checked("CRYPTO_WALLET", "eth", eip55([...bytes(seed, 20)].map((b) => b.toString(16).padStart(2, "0")).join("")));

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const URLSAFE = ALNUM + "-_";

function crc32(s: string): number {
  let c = ~0;
  for (const b of new TextEncoder().encode(s)) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function base62(n: number, width: number): string {
  const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let out = "";
  while (n > 0) {
    out = digits[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(width, "0");
}

export type KeyKind = "openai" | "anthropic" | "aws_id" | "aws_secret" | "github" | "gitlab" | "stripe" | "stripe_test" | "slack" | "google" | "sendgrid" | "huggingface" | "hex32";

/** A secret in the shape its provider issues, derived from a seed (never a real key). */
export function key(kind: KeyKind, seed: string): Entity {
  const s = `${kind}:${seed}`;
  const v = ((): string => {
    switch (kind) {
      case "openai": return `sk-proj-${chars(s, 20, URLSAFE)}T3BlbkFJ${chars(s + "b", 20, URLSAFE)}`;
      case "anthropic": return `sk-ant-api03-${chars(s, 93, URLSAFE)}AA`;
      case "aws_id": return `AKIA${chars(s, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`;
      case "aws_secret": return chars(s, 40, ALNUM + "/+");
      case "github": {
        const r = chars(s, 30, ALNUM);
        return `ghp_${r}${base62(crc32(r), 6)}`;
      }
      case "gitlab": return `glpat-${chars(s, 20, URLSAFE)}`;
      case "stripe": return `sk_live_${chars(s, 24, ALNUM)}`;
      case "stripe_test": return `sk_test_${chars(s, 24, ALNUM)}`;
      case "slack": return `xoxb-${chars(s, 12, "0123456789")}-${chars(s + "b", 13, "0123456789")}-${chars(s + "c", 24, ALNUM)}`;
      case "google": return `AIza${chars(s, 35, URLSAFE)}`;
      case "sendgrid": return `SG.${chars(s, 22, URLSAFE)}.${chars(s + "b", 43, URLSAFE)}`;
      case "huggingface": return `hf_${chars(s, 34, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")}`;
      case "hex32": return chars(s, 32, "0123456789abcdef");
    }
  })();
  return ent("API_KEY", v);
}

/** Hex of a given length from a seed: git SHAs, content hashes, request ids (decoys). */
export const hex = (seed: string, n: number) => chars(`hex:${seed}`, n, "0123456789abcdef");

/** A UUID v4 from a seed (decoy). */
export function uuid(seed: string): string {
  const h = hex(`uuid:${seed}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[parseInt(h[16] ?? "0", 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An ISBN-13 with its check digit: isbn("978-3-16-148410-_"). */
export function isbn(template: string): Decoy {
  const d = body(template).slice(0, 12);
  const sum = [...d].reduce((acc, c, i) => acc + Number(c) * (i % 2 === 0 ? 1 : 3), 0);
  return decoy("isbn", fill(template, String((10 - (sum % 10)) % 10)));
}

// --- Decoys that fail their scheme ---------------------------------------------------------------

/** Numbers shaped like a scheme's values but with a wrong check digit (for hard negatives). */
export const bad = {
  card: (template: string) => failing("card", fill(template, wrong(cs.luhnDigit(body(template))))),
  iban: (cc: string, bban: string) => {
    const good = cs.ibanFromBban(cc, bban.replace(/\s/g, ""));
    const broken = good.slice(0, 2) + String((Number(good.slice(2, 4)) + 11) % 97).padStart(2, "0") + good.slice(4);
    return failing("iban", cs.groupIban(broken));
  },
  pesel: (template: string) => failing("pl_pesel", fill(template, wrong(cs.peselDigit(body(template).slice(0, 10))))),
  bsn: (template: string) => {
    const first8 = body(template).slice(0, 8);
    const sum = [...first8].reduce((acc, c, i) => acc + Number(c) * (9 - i), 0);
    return failing("nl_bsn", fill(template, sum % 11 === 10 ? "7" : wrong(String(sum % 11))));
  },
  nhs: (template: string) => {
    const d = cs.nhsDigit(body(template).slice(0, 9));
    return failing("uk_nhs", fill(template, d === "X" ? "0" : wrong(d)));
  },
  steuerId: (template: string) => failing("de_steuer_id", fill(template, wrong(cs.steuerIdDigit(body(template).slice(0, 10))))),
  nif: (template: string) => failing("pt_nif", fill(template, wrong(cs.nifDigit(body(template).slice(0, 8))))),
  pnr: (template: string) => failing("se_personnummer", fill(template, wrong(cs.luhnDigit(body(template))))),
  /** A literal that must fail the scheme (e.g. an SSN with area 000, a documented sample). */
  literal: (scheme: Scheme, v: string) => failing(scheme, v),
};
