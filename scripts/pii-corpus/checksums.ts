// Check-digit algorithms for the PII corpus: each scheme has a validator (used by the corpus
// test and the generator's self-check) and, where the corpus computes values, a function that
// completes a body with its check digit(s). Wallet formats live in wallets.ts.
import { validWallet } from "./wallets.ts";

const digitsOnly = (s: string) => s.replace(/[\s.-]/g, "");
const isDigits = (s: string) => /^\d+$/.test(s);

// --- Payment cards -----------------------------------------------------------------------

export function luhnOk(digits: string): boolean {
  if (!isDigits(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** The digit that makes body + digit pass Luhn. */
export function luhnDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnOk(body + d)) return String(d);
  throw new Error(`luhnDigit: not digits: ${body}`);
}

/** Issuer prefixes (IIN ranges) of the networks the corpus uses, with their lengths. */
const CARD_NETWORKS: { re: RegExp; lengths: number[] }[] = [
  { re: /^4/, lengths: [13, 16, 19] }, // Visa
  { re: /^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] }, // Mastercard
  { re: /^3[47]/, lengths: [15] }, // American Express
  { re: /^(6011|65|64[4-9])/, lengths: [16, 19] }, // Discover
  { re: /^35(2[89]|[3-8]\d)/, lengths: [16] }, // JCB
  { re: /^3(0[0-5]|6|8)/, lengths: [14] }, // Diners Club
  { re: /^(5018|5020|5038|6304|6759|676[1-3])/, lengths: [12, 13, 16, 19] }, // Maestro
];

export function validCard(value: string): boolean {
  const d = value.replace(/[\s-]/g, "");
  return luhnOk(d) && CARD_NETWORKS.some((n) => n.re.test(d) && n.lengths.includes(d.length));
}

// --- IBAN --------------------------------------------------------------------------------

export const IBAN_LENGTHS: Readonly<Record<string, number>> = { DE: 22, FR: 27, ES: 24, IT: 27, NL: 18, PL: 28, PT: 25, SE: 24, GB: 22, AT: 20, BE: 16, CH: 21 };

/** The IBAN's number with letters as 10..35, mod 97 (in chunks, to stay inside doubles). */
function mod97(s: string): number {
  let expanded = "";
  for (const c of s) expanded += /[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c;
  let r = 0;
  for (let i = 0; i < expanded.length; i += 7) r = Number(String(r) + expanded.slice(i, i + 7)) % 97;
  return r;
}

export function validIban(value: string): boolean {
  const s = value.replace(/\s/g, "");
  if (!/^[A-Z]{2}\d\d[A-Z0-9]+$/.test(s)) return false;
  const cc = s.slice(0, 2);
  if (IBAN_LENGTHS[cc] !== s.length) return false;
  if (mod97(s.slice(4) + s.slice(0, 4)) !== 1) return false;
  return nationalBbanOk(cc, s.slice(4));
}

/** Country check digits inside the BBAN, for the countries that have one simple scheme. */
function nationalBbanOk(cc: string, bban: string): boolean {
  switch (cc) {
    case "FR":
      return ribKey(bban.slice(0, 21)) === bban.slice(21);
    case "ES":
      return esDc(bban.slice(0, 8), bban.slice(10)) === bban.slice(8, 10);
    case "IT":
      return itCin(bban.slice(1)) === bban[0];
    case "PT":
      return ptNib(bban.slice(0, 19)) === bban.slice(19);
    case "PL":
      return plSortCodeDigit(bban.slice(0, 7)) === bban[7];
    case "NL":
      return elevenProof(bban.slice(4));
    default:
      return true;
  }
}

/** Formats a complete IBAN in groups of four. */
export const groupIban = (s: string) => s.replace(/(.{4})(?=.)/g, "$1 ");

/** Completes an IBAN from a country code and a BBAN (national check digits already in it). */
export function ibanFromBban(cc: string, bban: string): string {
  const check = 98 - mod97(bban + cc + "00");
  return cc + String(check).padStart(2, "0") + bban;
}

function ribKey(bankBranchAccount: string): string {
  // Letters of the account map to digits (A,J→1 … I,R→9, S→2 … Z→9).
  const conv = bankBranchAccount.replace(/[A-Z]/g, (c) => String("12345678912345678923456789"[c.charCodeAt(0) - 65]));
  const bank = Number(conv.slice(0, 5));
  const branch = Number(conv.slice(5, 10));
  const account = Number(conv.slice(10, 21));
  const key = 97 - ((89 * bank + 15 * branch + 3 * account) % 97);
  return String(key).padStart(2, "0");
}

function esDc(bankBranch: string, account: string): string {
  const w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6];
  const digit = (s: string) => {
    const sum = [...s].reduce((acc, c, i) => acc + Number(c) * (w[i] ?? 0), 0);
    const r = 11 - (sum % 11);
    return r === 11 ? 0 : r === 10 ? 1 : r;
  };
  return `${digit("00" + bankBranch)}${digit(account)}`;
}

const CF_ODD: Readonly<Record<string, number>> = Object.fromEntries(
  [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23].flatMap((v, i) => {
    const letter = String.fromCharCode(65 + i);
    return i < 10 ? [[letter, v], [String(i), v]] : [[letter, v]];
  }),
);
const cfEven = (c: string) => (/\d/.test(c) ? Number(c) : c.charCodeAt(0) - 65);

/** The Italian check character (codice fiscale and IBAN CIN share the odd/even tables). */
function italianCheck(s: string, oddFirst: boolean): string {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? "";
    sum += (i % 2 === 0) === oddFirst ? (CF_ODD[c] ?? 0) : cfEven(c);
  }
  return String.fromCharCode(65 + (sum % 26));
}

const itCin = (abiCabAccount: string) => italianCheck(abiCabAccount, true);

function ptNib(s: string): string {
  const r = Number(BigInt(s + "00") % 97n);
  return String(98 - r).padStart(2, "0");
}

function plSortCodeDigit(first7: string): string {
  const w = [3, 9, 7, 1, 3, 9, 7];
  const sum = [...first7].reduce((acc, c, i) => acc + Number(c) * (w[i] ?? 0), 0);
  return String((10 - (sum % 10)) % 10);
}

/** The Dutch "elfproef" on a 10-digit account: weights 10..1, sum divisible by 11. */
function elevenProof(account: string): boolean {
  if (!/^\d{10}$/.test(account)) return false;
  return [...account].reduce((acc, c, i) => acc + Number(c) * (10 - i), 0) % 11 === 0;
}

/** National check digits for a BBAN body, per country (see ibanFromParts). */
export const bbanChecks = { ribKey, esDc, itCin, ptNib, plSortCodeDigit, elevenProof };

// --- National identity and tax numbers ----------------------------------------------------

/** Germany: steuerliche Identifikationsnummer (11 digits, ISO 7064 MOD 11,10 and digit-count rules). */
export function validSteuerId(value: string): boolean {
  const s = digitsOnly(value);
  if (!/^[1-9]\d{10}$/.test(s)) return false;
  const counts = new Map<string, number>();
  for (const c of s.slice(0, 10)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1);
  if (repeated.length !== 1 || (repeated[0] !== 2 && repeated[0] !== 3)) return false;
  if (/(\d)\1\1/.test(s.slice(0, 10))) return false;
  return steuerIdDigit(s.slice(0, 10)) === s[10];
}

export function steuerIdDigit(first10: string): string {
  let product = 10;
  for (const c of first10) {
    let sum = (Number(c) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return String(check === 10 ? 0 : check);
}

/** France: NIR (numéro de sécurité sociale), 13 digits + key 97 − (n mod 97). */
export function validNir(value: string): boolean {
  const s = digitsOnly(value);
  if (!/^[12]\d{2}(0[1-9]|1[0-2])\d{10}$/.test(s)) return false;
  return nirKey(s.slice(0, 13)) === s.slice(13);
}

export const nirKey = (first13: string) => String(97 - Number(BigInt(first13) % 97n)).padStart(2, "0");

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** Spain: DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter). */
export function validDniNie(value: string): boolean {
  const s = value.replace(/[\s-]/g, "").toUpperCase();
  const m = /^([XYZ]\d{7}|\d{8})([A-Z])$/.exec(s);
  if (!m) return false;
  return dniLetter(m[1] ?? "") === m[2];
}

export function dniLetter(body: string): string {
  const n = Number(body.replace(/^X/, "0").replace(/^Y/, "1").replace(/^Z/, "2"));
  return DNI_LETTERS[n % 23] ?? "";
}

/** Italy: codice fiscale (16 characters, check character from the odd/even tables). */
export function validCodiceFiscale(value: string): boolean {
  const s = value.toUpperCase();
  if (!/^[A-Z]{6}\d{2}[ABCDEHLMPRST]\d{2}[A-Z]\d{3}[A-Z]$/.test(s)) return false;
  return italianCheck(s.slice(0, 15), true) === s[15];
}

/** Builds a codice fiscale from surname, first name, birth date (YYYY-MM-DD), sex and commune code. */
export function codiceFiscale(surname: string, firstName: string, born: string, sex: "M" | "F", commune: string): string {
  const letters = (s: string) => s.toUpperCase().normalize("NFD").replace(/[^A-Z]/g, "");
  const split = (s: string) => ({ cons: [...letters(s)].filter((c) => !"AEIOU".includes(c)), vows: [...letters(s)].filter((c) => "AEIOU".includes(c)) });
  const sur = split(surname);
  const name = split(firstName);
  const code = (cons: string[], vows: string[]) => [...cons, ...vows, "X", "X", "X"].slice(0, 3).join("");
  const nameCode = name.cons.length >= 4 ? `${name.cons[0]}${name.cons[2]}${name.cons[3]}` : code(name.cons, name.vows);
  const [y, mo, d] = born.split("-");
  const day = Number(d) + (sex === "F" ? 40 : 0);
  const body = `${code(sur.cons, sur.vows)}${nameCode}${(y ?? "").slice(2)}${"ABCDEHLMPRST"[Number(mo) - 1]}${String(day).padStart(2, "0")}${commune}`;
  return body + italianCheck(body, true);
}

/** Netherlands: BSN, 9 digits passing the eleven test (weights 9..2, −1). */
export function validBsn(value: string): boolean {
  const s = digitsOnly(value);
  if (!/^\d{9}$/.test(s) || s === "000000000") return false;
  const sum = [...s].reduce((acc, c, i) => acc + Number(c) * (i === 8 ? -1 : 9 - i), 0);
  return sum % 11 === 0;
}

export function bsnDigit(first8: string): string {
  const sum = [...first8].reduce((acc, c, i) => acc + Number(c) * (9 - i), 0);
  const d = sum % 11;
  if (d === 10) throw new Error(`bsnDigit: no check digit for ${first8}`);
  return String(d);
}

/** Poland: PESEL, 11 digits with an encoded birth date and weights 1,3,7,9. */
export function validPesel(value: string): boolean {
  const s = digitsOnly(value);
  if (!/^\d{11}$/.test(s)) return false;
  const month = Number(s.slice(2, 4)) % 20;
  if (month < 1 || month > 12) return false;
  return peselDigit(s.slice(0, 10)) === s[10];
}

export function peselDigit(first10: string): string {
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = [...first10].reduce((acc, c, i) => acc + Number(c) * (w[i] ?? 0), 0);
  return String((10 - (sum % 10)) % 10);
}

/** Portugal: NIF, 9 digits, weights 9..2, mod 11. */
export function validNif(value: string): boolean {
  const s = digitsOnly(value);
  if (!/^[1235689]\d{8}$/.test(s)) return false;
  return nifDigit(s.slice(0, 8)) === s[8];
}

export function nifDigit(first8: string): string {
  const sum = [...first8].reduce((acc, c, i) => acc + Number(c) * (9 - i), 0);
  const r = sum % 11;
  return String(r < 2 ? 0 : 11 - r);
}

/** Sweden: personnummer YYMMDD-NNNC (or YYYYMMDD-NNNC), Luhn over the ten short digits. */
export function validPersonnummer(value: string): boolean {
  const m = /^(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{4})$/.exec(value.replace(/\s/g, ""));
  if (!m) return false;
  const month = Number(m[3]);
  const day = Number(m[4]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  return luhnOk(`${m[2]}${m[3]}${m[4]}${m[5]}`);
}

/** UK: National Insurance number (HMRC's prefix and suffix rules; no check digit). */
export function validNino(value: string): boolean {
  const s = value.replace(/\s/g, "").toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(s)) return false;
  return !["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].includes(s.slice(0, 2));
}

/** US: Social Security number (SSA range rules; no check digit). */
export function validSsn(value: string): boolean {
  const m = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/.exec(value);
  if (!m) return false;
  const [area, group, serial] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return false;
  const flat = `${m[1]}${m[2]}${m[3]}`;
  return !["078051120", "219099999", "123456789"].includes(flat);
}

// --- Health-insurance and patient numbers -------------------------------------------------

/** UK: NHS number, 10 digits, weights 10..2, mod 11. */
export function validNhs(value: string): boolean {
  const s = digitsOnly(value);
  if (!/^\d{10}$/.test(s)) return false;
  return nhsDigit(s.slice(0, 9)) === s[9];
}

export function nhsDigit(first9: string): string {
  const sum = [...first9].reduce((acc, c, i) => acc + Number(c) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return "X"; // no valid number with this body
  return String(check === 11 ? 0 : check);
}

/** Germany: Krankenversichertennummer (letter + 8 digits + check digit; letter as 01..26, weights 1,2). */
export function validKvnr(value: string): boolean {
  const s = value.toUpperCase();
  if (!/^[A-Z]\d{9}$/.test(s)) return false;
  return kvnrDigit(s.slice(0, 9)) === s[9];
}

export function kvnrDigit(first9: string): string {
  const digits = String(first9.charCodeAt(0) - 64).padStart(2, "0") + first9.slice(1);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const p = Number(digits[i]) * (i % 2 === 0 ? 1 : 2);
    sum += p > 9 ? p - 9 : p;
  }
  return String(sum % 10);
}

/** US: Medicare Beneficiary Identifier (CMS position rules; no check digit). */
export function validMbi(value: string): boolean {
  const L = "[AC-HJKMNP-RT-Y]";
  const A = "[AC-HJKMNP-RT-Y0-9]";
  return new RegExp(`^[1-9]${L}${A}\\d${L}${A}\\d${L}${L}\\d\\d$`).test(value.replace(/-/g, ""));
}

// --- The schemes, by name ------------------------------------------------------------------

/**
 * Every checksum- or rule-bearing scheme a gold span or decoy can name. A gold span of a
 * checksum-validated type must name its scheme and pass it; a decoy must fail it.
 */
export const SCHEMES = {
  card: validCard,
  iban: validIban,
  us_ssn: validSsn,
  uk_nino: validNino,
  de_steuer_id: validSteuerId,
  fr_nir: validNir,
  es_dni: validDniNie,
  it_codice_fiscale: validCodiceFiscale,
  nl_bsn: validBsn,
  pl_pesel: validPesel,
  pt_nif: validNif,
  se_personnummer: validPersonnummer,
  uk_nhs: validNhs,
  de_kvnr: validKvnr,
  us_mbi: validMbi,
  btc: (v: string) => validWallet(v) === "btc",
  eth: (v: string) => validWallet(v) === "eth",
} as const satisfies Record<string, (value: string) => boolean>;

export type Scheme = keyof typeof SCHEMES;

/** Which schemes may stand behind each checksum-validated type. */
export const SCHEMES_BY_TYPE: Readonly<Record<string, readonly Scheme[]>> = {
  CREDIT_CARD: ["card"],
  IBAN: ["iban"],
  US_SSN: ["us_ssn"],
  UK_NINO: ["uk_nino"],
  NATIONAL_ID: ["de_steuer_id", "fr_nir", "es_dni", "it_codice_fiscale", "nl_bsn", "pl_pesel", "pt_nif", "se_personnummer"],
  CRYPTO_WALLET: ["btc", "eth"],
  MEDICAL_ID: ["uk_nhs", "de_kvnr", "us_mbi"],
};

/** The checksum-validated types (DESIGN.md), scored together by the evaluation. */
export const CHECKSUM_TYPES = ["CREDIT_CARD", "IBAN", "US_SSN", "UK_NINO", "NATIONAL_ID", "CRYPTO_WALLET", "MEDICAL_ID"] as const;
